//! The rendezvous service: HTTP API, storage, solve runs and command-line tools.

pub mod app;
pub mod board;
pub mod calendar;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod interests;
pub mod jobs;
pub mod matchmaking;
pub mod meetings;
pub mod notify;
pub mod pins;
pub mod profiles;
pub mod requests;
pub mod sample;
pub mod setup;
pub mod state;
pub mod store;
pub mod timetable;
pub mod web;
