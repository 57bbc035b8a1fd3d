//! The service's integration tests, one module per area, in one test binary: linking the
//! service once instead of once per file, and running every area's tests in parallel.

// The shared helpers come first: their macros (`on_both_backends!`,
// `on_both_coordinators!`) are then in scope in every module below.
#[macro_use]
mod common;
#[macro_use]
mod cluster_support;
mod servers;
mod smtp;

mod access;
mod booking;
mod booking_races;
mod booking_support;
mod cli;
mod cluster_bus;
mod cluster_cache;
mod cluster_keepalive;
mod cluster_lease;
mod cluster_outage;
mod cluster_queue;
mod cluster_ratelimit;
mod control_characters;
mod expensive_reads;
mod fairness;
mod generate_cli;
mod idempotency;
mod journey;
mod matchmaking;
mod matchmaking_privacy;
mod notifications;
mod ops;
mod pagination;
mod participant_preconditions;
mod pins;
mod privacy;
mod publish_guards;
mod races;
mod scale_out;
mod store;
mod stream_limits;
mod token_rotation;
mod validation;
mod web_interest;
mod web_meeting;
mod web_organiser;
mod web_organiser_board;
mod web_organiser_meeting;
mod web_organiser_publish;
mod web_organiser_solve;
mod web_pages;
mod web_sessions;
mod web_support;
