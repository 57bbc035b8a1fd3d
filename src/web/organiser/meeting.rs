//! One meeting of the board, on its own page (organiser): who, how long, where the live
//! timetable has it, its pin, and the full pin form (any slot of any day, any room), the
//! keyboard's way to pin it anywhere; the board's cards link here, so that a window of the
//! board carries one small form a card instead of every slot and room a card. Here too the
//! organiser's steps in the meeting's life that the API offers: release a booked meeting to
//! the solver, record whether it was held (`crate::meetings`, as the API). What is refused
//! is said beside its form, in the page's language, and nothing is written.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::board::{Failure, Where};
use super::event_nav;
use super::page::{OrganiserEvent, OrganiserForm};
use crate::domain::{MeetingState, Outcome};
use crate::meetings::{self, Actor};
use crate::requests::RequestError;
use crate::state::AppState;
use crate::store::{Event, StoreError};
use crate::web::context::{Ctx, PageResult};
use crate::web::layout;

/// One of the organiser's steps in the meeting's life, with its form's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Release,
    CheckIn,
}

impl Step {
    fn id(self) -> &'static str {
        match self {
            Step::Release => "release",
            Step::CheckIn => "check-in",
        }
    }
}

/// A step that was refused, said beside its form.
pub struct StepFailure {
    pub step: Step,
    pub message: String,
}

/// `GET /organiser/events/{event}/board/meetings/{id}?view=&day=&from=&left=` (the board's
/// window to go back to).
pub async fn show(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    Query(at): Query<Where>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async { render(&ctx, &state, &event, &id, &at, Said::Nothing, StatusCode::OK).await }.await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/board/meetings/{id}/{release,check-in}`: the same
/// operation as the API's, then the meeting's page again (with the refusal beside the form:
/// 409 when the meeting's state does not allow it, 422 for a bad field).
pub async fn step(
    State(state): State<AppState>,
    Path((_, id, step)): Path<(String, String, String)>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let at = Where::of_form(&form);
        let (store, now, lang) = (state.store.as_ref(), state.clock.now(), ctx.lang);
        let (step, done) = match step.as_str() {
            "release" => (Step::Release, meetings::release(store, &event.id, &id, now).await),
            "check-in" => {
                let outcome = match form.get("outcome") {
                    "held" => Outcome::Held,
                    "no_show" => Outcome::NoShow,
                    _ => {
                        let message = lang.ta("err-required", &[("field", lang.t("org-meeting-outcome"))]);
                        let said = Said::Step(StepFailure {
                            step: Step::CheckIn,
                            message,
                        });
                        return render(
                            &ctx,
                            &state,
                            &event,
                            &id,
                            &at,
                            said,
                            StatusCode::UNPROCESSABLE_ENTITY,
                        )
                        .await;
                    }
                };
                let done =
                    meetings::check_in(store, Actor::Organiser, &event.id, &id, outcome, None, now).await;
                (Step::CheckIn, done)
            }
            _ => return Err(crate::web::context::PageError::NotFound),
        };
        let message = match done {
            Ok(transition) => {
                state.changed(&event.id, transition.revision).await;
                let page = format!(
                    "/organiser/events/{}/board/meetings/{id}?{}",
                    event.id,
                    at.query()
                );
                return Ok(Redirect::to(&page).into_response());
            }
            Err(RequestError::Store(StoreError::Conflict(_))) => {
                lang.t(&format!("org-meeting-{}-refused", step.id()))
            }
            Err(e) => return Err(e.into()),
        };
        let said = Said::Step(StepFailure { step, message });
        render(&ctx, &state, &event, &id, &at, said, StatusCode::CONFLICT).await
    }
    .await;
    ctx.finish(result)
}

/// What the page says beside a form: nothing, a refused pin, or a refused step.
pub enum Said {
    Nothing,
    Pin(Failure),
    Step(StepFailure),
}

/// The meeting's page, with what was refused (if anything) beside its form.
pub async fn render(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    id: &str,
    at: &Where,
    said: Said,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let store = state.store.as_ref();
    let request = store.request(&event.id, id).await?;
    let participants = request.participants();
    let names = store.participant_names(&event.id, &participants).await?;
    let who = participants
        .iter()
        .map(|p| names.get(p).map_or(p.as_str(), String::as_str))
        .collect::<Vec<_>>()
        .join(" – ");
    let spec = event.spec()?;
    let rooms = store.rooms(&event.id).await?;
    let pin = store
        .pins_of(&event.id, std::slice::from_ref(&request.id))
        .await?
        .into_iter()
        .next();
    let slot_text = |slot: &str| {
        spec.slot(slot).map_or_else(
            || slot.to_string(),
            |s| layout::when(lang, &event.timezone, s.start.to_utc()),
        )
    };
    let room_name = |room: &str| {
        rooms
            .iter()
            .find(|r| r.id == room)
            .map_or_else(|| room.to_string(), |r| r.name.clone())
    };
    let csrf = session.csrf();
    let board_url = at.board_url(&event.id);
    let failed = match &said {
        Said::Pin(f) if f.request == request.id => Some(f),
        _ => None,
    };
    let step_failed = |step: Step| match &said {
        Said::Step(f) if f.step == step => Some(f.message.as_str()),
        _ => None,
    };
    let live = request.life.meeting.as_ref();
    let releasable = live.is_some_and(|m| m.state == MeetingState::Booked && m.attendance.is_none());
    let placed = request.placed().is_some();
    let step_url = |step: Step| {
        format!(
            "/organiser/events/{}/board/meetings/{}/{}",
            event.id,
            request.id,
            step.id()
        )
    };
    let error_id = format!("pin-error-{}", request.id);
    let chosen_slot = pin
        .as_ref()
        .map(|p| p.slot_id.clone())
        .or_else(|| request.placed().map(|m| m.slot_id.clone()));
    let chosen_room = match &pin {
        Some(p) => p.room_id.clone(),
        None => request.placed().map(|m| m.room_id.clone()),
    };
    let mut days: Vec<(chrono::NaiveDate, Vec<&crate::domain::SlotTime>)> = Vec::new();
    for slot in spec.slots() {
        let date = slot.start.date_naive();
        match days.last_mut() {
            Some((d, slots)) if *d == date => slots.push(slot),
            _ => days.push((date, vec![slot])),
        }
    }
    let hidden = html! {
        input type="hidden" name="csrf" value=(csrf);
        input type="hidden" name="request" value=(request.id);
        (at.hidden())
    };
    let title = lang.ta("org-meeting-title", &[("who", who.clone())]);
    let body = html! {
        (event_nav(ctx, event))
        p { a href=(format!("{board_url}#m-{}", request.id)) { (lang.t("org-meeting-back")) } }
        dl class="facts" {
            dt { (lang.t("org-meeting-status")) }
            dd { (lang.t(&format!("status-{}", request.status.as_str()))) }
            dt { (lang.t("org-meeting-duration")) }
            dd { (lang.ta("org-board-minutes", &[("minutes", request.duration_minutes.to_string())])) }
            dt { (lang.t("org-meeting-live")) }
            dd {
                @match &request.life.meeting {
                    Some(m) => (lang.ta("org-meeting-live-at", &[
                        ("slot", slot_text(&m.slot_id)),
                        ("room", room_name(&m.room_id)),
                        ("state", lang.t(&format!("state-{}", m.state.as_str()))),
                    ])),
                    None => (lang.t("org-meeting-live-none")),
                }
            }
            dt { (lang.t("org-meeting-pin")) }
            dd {
                @match &pin {
                    Some(p) => (lang.ta("org-meeting-pinned", &[
                        ("slot", slot_text(&p.slot_id)),
                        ("room", p.room_id.as_deref().map_or_else(|| lang.t("org-board-any-room"), room_name)),
                    ])),
                    None => (lang.t("org-meeting-not-pinned")),
                }
            }
        }
        @if pin.is_some() {
            form method="post" action=(format!("/organiser/events/{}/board/unpin", event.id)) {
                (hidden)
                button type="submit" class="secondary" { (lang.t("org-board-unpin")) }
            }
        }
        section aria-labelledby="pin-title" {
            h2 id="pin-title" { (lang.t("org-meeting-pin-title")) }
            form method="post" action=(format!("/organiser/events/{}/board/pin", event.id)) {
                (hidden)
                input type="hidden" name="back" value="meeting";
                div class="field" {
                    label for="slot" { (lang.t("org-board-pin-slot")) }
                    select id="slot" name="slot" aria-invalid=[failed.map(|_| "true")] aria-describedby=[failed.map(|_| error_id.clone())] {
                        @for (i, (_, slots)) in days.iter().enumerate() {
                            optgroup label=(lang.ta("org-board-day-short", &[("number", (i + 1).to_string())])) {
                                @for s in slots {
                                    option value=(s.id) selected[chosen_slot.as_deref() == Some(s.id.as_str())] { (s.start.format("%H:%M").to_string()) }
                                }
                            }
                        }
                    }
                    @if let Some(f) = failed {
                        p class="error" id=(error_id) { (f.message) }
                    }
                }
                div class="field" {
                    label for="room" { (lang.t("org-board-pin-room")) }
                    select id="room" name="room" {
                        option value="" selected[chosen_room.is_none()] { (lang.t("org-board-any-room")) }
                        @for r in &rooms {
                            option value=(r.id) selected[chosen_room.as_deref() == Some(r.id.as_str())] { (r.name) }
                        }
                    }
                }
                button type="submit" { (lang.t("org-board-pin")) }
            }
        }
        @if releasable || step_failed(Step::Release).is_some() {
            section aria-labelledby="release-title" {
                h2 id="release-title" { (lang.t("org-meeting-release-title")) }
                p id="release-help" { (lang.t("org-meeting-release-help")) }
                form method="post" action=(step_url(Step::Release)) {
                    (hidden)
                    button type="submit" aria-describedby=(if step_failed(Step::Release).is_some() { "release-error release-help" } else { "release-help" }) { (lang.t("org-meeting-release")) }
                    @if let Some(message) = step_failed(Step::Release) {
                        p class="error" id="release-error" { (message) }
                    }
                }
            }
        }
        @if placed || step_failed(Step::CheckIn).is_some() {
            section aria-labelledby="check-in-title" {
                h2 id="check-in-title" { (lang.t("org-meeting-check-in-title")) }
                @if let Some(outcome) = live.and_then(|m| m.attendance) {
                    p { (lang.t(match outcome {
                        Outcome::Held => "meeting-attendance-held",
                        Outcome::NoShow => "meeting-attendance-no-show",
                    })) }
                }
                form method="post" action=(step_url(Step::CheckIn)) {
                    (hidden)
                    fieldset aria-describedby=[step_failed(Step::CheckIn).map(|_| "check-in-error")] {
                        legend { (lang.t("org-meeting-outcome")) }
                        label { input type="radio" name="outcome" value="held"; " " (lang.t("org-meeting-held")) }
                        label { input type="radio" name="outcome" value="no_show"; " " (lang.t("org-meeting-no-show")) }
                    }
                    @if let Some(message) = step_failed(Step::CheckIn) {
                        p class="error" id="check-in-error" { (message) }
                    }
                    button type="submit" { (lang.t("org-meeting-check-in")) }
                }
            }
        }
    };
    Ok((status, layout::page(ctx, &title, body)).into_response())
}
