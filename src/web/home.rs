//! Home: the next meeting and the requests waiting for the participant's answer.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::context::{Ctx, PageResult, ok};
use super::layout;
use super::requests::names_in;
use crate::domain::{MeetingState, RequestStatus, Response as Answer};
use crate::state::AppState;

pub async fn home(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = render(&ctx, &state).await;
    ctx.finish(result)
}

async fn render(ctx: &Ctx, state: &AppState) -> PageResult {
    if ctx.is_organiser() {
        return Ok(axum::response::Redirect::to("/organiser").into_response());
    }
    let me = &ctx.me()?.participant;
    let lang = ctx.lang;
    let timetable = state.timetables.get(&state.store, &me.event_id).await?;
    let now = state.clock.now();
    let next = timetable
        .meetings_of(&me.id)
        .find(|m| m.end > now && m.view.state != MeetingState::Cancelled);
    let requests = state.store.requests_of(&me.event_id, &me.id).await?;
    let waiting: Vec<_> = requests
        .iter()
        .filter(|r| {
            r.status == RequestStatus::Pending
                && r.invitees
                    .iter()
                    .any(|i| i.participant == me.id && i.response == Answer::Pending)
        })
        .collect();
    let names: HashMap<String, String> = names_in(state, &me.event_id, waiting.iter().copied()).await?;
    let zone = &timetable.event.timezone;
    let body = html! {
        p { (lang.ta("home-welcome", &[("name", me.profile.name.clone()), ("event", timetable.event.name.clone())])) }
        section aria-labelledby="next" {
            h2 id="next" { (lang.t("home-next")) }
            @if let Some(m) = next {
                div class="card" {
                    p class="when" { (layout::when(lang, zone, m.start)) }
                    p class="room" { (lang.ta("meeting-room", &[("room", m.view.room.name.clone())])) }
                    p { (lang.t("meeting-with")) " "
                        (m.view.participants.iter().filter(|p| p.id != me.id).map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")) }
                }
            } @else {
                p { (lang.t("home-no-next")) }
            }
            p { a href="/agenda" { (lang.t("nav-agenda")) } }
        }
        section aria-labelledby="waiting" {
            h2 id="waiting" { (lang.t("home-waiting")) }
            @if waiting.is_empty() {
                p { (lang.t("home-no-waiting")) }
            } @else {
                ul class="cards" {
                    @for r in &waiting {
                        li class="card" {
                            p { (lang.ta("request-from", &[("name", names.get(&r.requester).cloned().unwrap_or_default())])) }
                            p { a href=(format!("/requests/{}", r.id)) { (lang.t("request-open")) } }
                        }
                    }
                }
            }
        }
        p { a href="/directory" { (lang.t("nav-directory")) } }
    };
    ok(layout::page(ctx, &lang.t("home-title"), body))
}
