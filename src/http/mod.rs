//! The HTTP API v1: one module per resource, one error type, bearer auth.

pub mod auth;
pub mod boosts;
pub mod error;
pub mod events;
pub mod extract;
pub mod idempotency;
pub mod interests;
pub mod json;
pub mod limits;
pub mod meetings;
pub mod messages;
pub mod ops;
pub mod page;
pub mod participants;
pub mod pins;
pub mod preconditions;
pub mod privacy;
pub mod problems;
pub mod proposals;
pub mod recommendations;
pub mod requests;
pub mod rooms;
pub mod schedules;
pub mod shed;
pub mod sse;
pub mod timetable;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "rendezvous", description = "B2B matchmaking and meeting scheduler for trade expos: HTTP API v1"),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "events", description = "The expo: days, sessions, slots"),
        (name = "rooms", description = "Tables and meeting rooms"),
        (name = "participants", description = "Registration, directory, profiles"),
        (name = "requests", description = "Meeting requests and answers"),
        (name = "meetings", description = "A meeting's life: free slots, moves, confirmations, cancellation, standby offers, check-in, feedback"),
        (name = "matchmaking", description = "Recommendations, want-to-meet marks, organiser boosts, auto-proposals"),
        (name = "schedules", description = "Solve runs and publishing (organiser)"),
        (name = "timetable", description = "The published timetable and agendas"),
        (name = "messages", description = "E-mail to participants: the outbox and invitations (organiser)"),
        (name = "operations", description = "Health and metrics"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes under `/api/v1` and the operations routes at the root, with the
/// OpenAPI document describing them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::new()
        .merge(events::router())
        .merge(rooms::router())
        .merge(participants::router())
        .merge(requests::router())
        .merge(meetings::router())
        .merge(recommendations::router())
        .merge(interests::router())
        .merge(boosts::router())
        .merge(proposals::router())
        .merge(schedules::router())
        .merge(pins::router())
        .merge(timetable::router())
        .merge(messages::router())
        .merge(privacy::router());
    let (router, mut document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api)
        .merge(ops::router())
        .split_for_parts();
    // After the routes: the problems are derived from the operations they describe.
    problems::CommonProblems.modify(&mut document);
    (router, document)
}
