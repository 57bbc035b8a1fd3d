//! The organiser's pages: set up the expo (events, rooms, participants and their sign-in
//! links), see every request. Only the organiser's session opens them (a participant's gets
//! 403); every change calls the same operations as the JSON API (`crate::setup`, the store).

mod board;
mod charts;
mod dashboard;
mod events;
mod meeting;
mod messages;
mod page;
mod participants;
mod publish;
mod requests;
mod rooms;
mod solve;
mod unplaced;

use axum::Router;
use axum::routing::{get, post};
use maud::{Markup, html};

use super::context::Ctx;
use crate::state::AppState;
use crate::store::Event;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organiser", get(events::list).post(events::create))
        .route("/organiser/events/{event}", get(events::show))
        .route(
            "/organiser/events/{event}/rooms",
            get(rooms::list).post(rooms::create),
        )
        .route(
            "/organiser/events/{event}/rooms/{id}",
            get(rooms::edit).post(rooms::save),
        )
        .route(
            "/organiser/events/{event}/participants",
            get(participants::directory).post(participants::import),
        )
        .route(
            "/organiser/events/{event}/participants/{id}/link",
            post(participants::new_link),
        )
        .route("/organiser/events/{event}/requests", get(requests::list))
        .route("/organiser/events/{event}/messages", get(messages::list))
        .route(
            "/organiser/events/{event}/solve",
            get(solve::form).post(solve::start),
        )
        .route("/organiser/events/{event}/runs/{id}", get(solve::run))
        .route("/organiser/events/{event}/runs/{id}/cancel", post(solve::cancel))
        .route("/organiser/events/{event}/runs/{id}/events", get(solve::events))
        .route("/organiser/events/{event}/board", get(board::show))
        .route("/organiser/events/{event}/board/pin", post(board::pin))
        .route("/organiser/events/{event}/board/unpin", post(board::unpin))
        .route(
            "/organiser/events/{event}/board/meetings/{id}",
            get(meeting::show),
        )
        .route(
            "/organiser/events/{event}/board/meetings/{id}/{step}",
            post(meeting::step),
        )
        .route(
            "/organiser/events/{event}/runs/{id}/publish",
            get(publish::review).post(publish::publish),
        )
        .route("/organiser/events/{event}/versions", get(publish::versions))
        .route("/organiser/events/{event}/dashboard", get(dashboard::show))
        .route("/assets/organiser.js", get(solve::script))
}

/// The event's own navigation, on each of its pages.
fn event_nav(ctx: &Ctx, event: &Event) -> Markup {
    let lang = ctx.lang;
    let base = format!("/organiser/events/{}", event.id);
    html! {
        nav class="event-nav" aria-label=(lang.ta("org-event-nav", &[("event", event.name.clone())])) {
            a href=(base) { (lang.t("org-nav-event")) }
            a href=(format!("{base}/rooms")) { (lang.t("org-nav-rooms")) }
            a href=(format!("{base}/participants")) { (lang.t("org-nav-participants")) }
            a href=(format!("{base}/requests")) { (lang.t("org-nav-requests")) }
            a href=(format!("{base}/messages")) { (lang.t("org-nav-messages")) }
            a href=(format!("{base}/solve")) { (lang.t("org-nav-solve")) }
            a href=(format!("{base}/board")) { (lang.t("org-nav-board")) }
            a href=(format!("{base}/versions")) { (lang.t("org-nav-versions")) }
            a href=(format!("{base}/dashboard")) { (lang.t("org-nav-dashboard")) }
        }
    }
}

/// The lines of a text area, trimmed, blank ones left out.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// A whole number typed into a field; anything else reads as a value no rule accepts, so
/// the rule's own message is shown beside the field.
fn number(text: &str) -> u32 {
    text.trim().parse().unwrap_or(u32::MAX)
}
