//! One meeting's life on its request's page: accepting at a free slot, the booked or
//! scheduled slot and room, confirming it or asking for another, a move proposed or to
//! answer, a freed slot offered, cancelling with a reason, check-in and private feedback.
//! Every action is a plain form posted to `/requests/{id}/{action}`; the rules and the
//! permissions are `crate::meetings`' and `crate::requests`' (the JSON API's own).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::context::{Ctx, Me, PageError, PageResult};
use super::errors::FieldErrors;
use super::form::Form;
use super::layout;
use crate::domain::booking::FreeStart;
use crate::domain::{Invalid, MeetingState, Outcome, RequestStatus, Response as Answer, Rule};
use crate::i18n::Lang;
use crate::meetings::{self, Actor};
use crate::requests::{self, RequestError};
use crate::state::AppState;
use crate::store::{Feedback, MeetingRequest, StoreError};

/// How many free slots a form offers at most (the nearest first).
const SLOTS_SHOWN: usize = 12;

/// What the meeting section of a request's page needs besides the request.
pub struct Panel {
    pub free: Vec<FreeStart>,
    pub feedback: Option<Feedback>,
    pub errors: Invalid,
    pub now: DateTime<Utc>,
}

impl Panel {
    /// The free slots and the participant's own rating, read for the page.
    pub async fn load(
        state: &AppState,
        me: &Me,
        r: &MeetingRequest,
        errors: Invalid,
    ) -> Result<Self, PageError> {
        let (store, event, who) = (state.store.as_ref(), &me.participant.event_id, &me.participant.id);
        let now = state.clock.now();
        let open = matches!(r.status, RequestStatus::Pending | RequestStatus::Accepted);
        let free = if open {
            PageError::expensive_read(&state.read_limits, event, who).await?;
            meetings::free_slots(store, Actor::Participant(who), event, &r.id, now).await?
        } else {
            Vec::new()
        };
        let feedback = store.feedback_of(event, &r.id, who).await?;
        Ok(Self {
            free,
            feedback,
            errors,
            now,
        })
    }
}

/// The message naming a meeting's state.
pub fn state_key(state: MeetingState) -> &'static str {
    match state {
        MeetingState::Booked => "state-booked",
        MeetingState::Scheduled => "state-scheduled",
        MeetingState::Confirmed => "state-confirmed",
        MeetingState::Cancelled => "state-cancelled",
    }
}

fn attendance_key(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Held => "meeting-attendance-held",
        Outcome::NoShow => "meeting-attendance-no-show",
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or(DateTime::UNIX_EPOCH, |t| t.to_utc())
}

/// A slot as people read it: its day, its times, and the room.
fn slot_text(lang: Lang, zone: &str, f: &FreeStart) -> String {
    let (start, end) = (at(&f.start), at(&f.end));
    lang.ta(
        "meeting-slot",
        &[
            ("day", layout::day(lang, zone, start)),
            ("start", layout::time_of_day(zone, start)),
            ("end", layout::time_of_day(zone, end)),
            ("room", f.room_name.clone()),
        ],
    )
}

/// A slot id as people read it, when only its id is known.
fn slot_id_text(lang: Lang, zone: &str, spec: &crate::domain::EventSpec, slot: &str) -> String {
    spec.slot(slot)
        .map(|s| layout::when(lang, zone, s.start.to_utc()))
        .unwrap_or_else(|| slot.to_owned())
}

fn button(me: &Me, request: &str, action: &str, class: &str, label: String) -> Markup {
    html! {
        form method="post" action=(format!("/requests/{request}/{action}")) class="inline" {
            input type="hidden" name="csrf" value=(me.csrf);
            button type="submit" class=(class) { (label) }
        }
    }
}

/// Radio buttons of the free slots, with their error beside them.
fn slot_choice(
    lang: Lang,
    zone: &str,
    panel: &Panel,
    errors: &FieldErrors<'_>,
    proposed: &[String],
) -> Markup {
    html! {
        @if panel.free.is_empty() {
            p { (lang.t("meeting-no-free-slot")) }
        }
        @for (i, f) in panel.free.iter().take(SLOTS_SHOWN).enumerate() {
            div class="check" {
                input type="radio" id=(format!("slot-{i}")) name="slot" value=(f.slot) checked[i == 0]
                    aria-describedby=[errors.described("slot")];
                label for=(format!("slot-{i}")) {
                    (slot_text(lang, zone, f))
                    @if proposed.contains(&f.slot) { " — " (lang.t("meeting-proposed")) }
                }
            }
        }
        (errors.beside("slot"))
    }
}

/// The meeting section of `/requests/{id}`.
pub fn section(
    ctx: &Ctx,
    me: &Me,
    r: &MeetingRequest,
    panel: &Panel,
    spec: &crate::domain::EventSpec,
) -> Markup {
    let lang = ctx.lang;
    let zone = spec.timezone.name();
    let errors = FieldErrors::new(lang, &panel.errors);
    let who = me.participant.id.as_str();
    let my_answer = r.invitees.iter().find(|i| i.participant == who);
    let answering =
        r.status == RequestStatus::Pending && my_answer.is_some_and(|a| a.response == Answer::Pending);
    let meeting = r.life.meeting.as_ref();
    let placed = r.placed();
    let started = placed
        .and_then(|m| spec.slot(&m.slot_id))
        .is_some_and(|s| s.start.to_utc() <= panel.now);
    let over = placed.is_some_and(|m| m.attendance.is_some());
    let accepted = r.status == RequestStatus::Accepted;
    let csrf = me.csrf.as_str();
    html! {
        section aria-labelledby="meeting" class="meeting" {
            h2 id="meeting" { (lang.t("meeting-title")) }
            @if let Some(m) = meeting {
                p {
                    span class=(format!("state {}", m.state.as_str())) { (lang.t(state_key(m.state))) }
                    " "
                    (slot_id_text(lang, zone, spec, &m.slot_id))
                }
                @if let Some(reason) = &m.reason { p { (lang.ta("meeting-cancelled", &[("reason", reason.clone())])) } }
                @if let Some(outcome) = m.attendance { p { (lang.t(attendance_key(outcome))) } }
            } @else if accepted {
                p { (lang.t("meeting-unplaced")) }
            }
            @if !r.life.proposed_slots.is_empty() && r.status == RequestStatus::Pending {
                p { (lang.ta("meeting-proposed-slots", &[("slots", r.life.proposed_slots.iter().map(|s| slot_id_text(lang, zone, spec, s)).collect::<Vec<_>>().join(", "))])) }
            }
            @if answering {
                form method="post" action=(format!("/requests/{}/accept", r.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    fieldset {
                        legend { (lang.t("meeting-choose-slot")) }
                        (slot_choice(lang, zone, panel, &errors, &r.life.proposed_slots))
                    }
                    @if !panel.free.is_empty() { button type="submit" { (lang.t("meeting-accept-at")) } }
                }
            }
            @if let (Some(slot), true) = (&r.life.offered_slot, accepted && placed.is_none()) {
                p { (lang.ta("meeting-offer", &[("when", slot_id_text(lang, zone, spec, slot))])) }
                (button(me, &r.id, "offer", "offer", lang.t("meeting-offer-take")))
            }
            @if let Some(p) = &r.life.move_proposal {
                @if p.proposed_by == who {
                    p { (lang.ta("meeting-move-waiting", &[("when", slot_id_text(lang, zone, spec, &p.slot_id))])) }
                    (button(me, &r.id, "move-decline", "secondary", lang.t("meeting-move-withdraw")))
                } @else {
                    p { (lang.ta("meeting-move-proposed", &[("when", slot_id_text(lang, zone, spec, &p.slot_id))])) }
                    @if !p.accepted_by.iter().any(|a| a == who) {
                        div class="actions" {
                            (button(me, &r.id, "move-accept", "accept", lang.t("meeting-move-accept")))
                            (button(me, &r.id, "move-decline", "decline", lang.t("meeting-move-decline")))
                        }
                    }
                }
            }
            @if let Some(m) = placed {
                @if m.state.from_solver() && !started && !m.confirmed_by.iter().any(|c| c == who) {
                    div class="actions" {
                        (button(me, &r.id, "confirm", "accept", lang.t("meeting-confirm")))
                        (button(me, &r.id, "refuse-slot", "secondary", lang.t("meeting-refuse")))
                    }
                }
                @if started && m.attendance.is_none() {
                    form method="post" action=(format!("/requests/{}/check-in", r.id)) {
                        input type="hidden" name="csrf" value=(csrf);
                        fieldset {
                            legend { (lang.t("meeting-check-in")) }
                            div class="actions" {
                                button type="submit" name="outcome" value="held" { (lang.t("meeting-held")) }
                                button type="submit" name="outcome" value="no_show" class="secondary" { (lang.t("meeting-no-show")) }
                            }
                        }
                    }
                }
            }
            @if accepted && !started && !over {
                form method="post" action=(format!("/requests/{}/move", r.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    fieldset {
                        legend { (lang.t(if placed.is_some() { "meeting-move" } else { "meeting-book" })) }
                        (slot_choice(lang, zone, panel, &errors, &[]))
                    }
                    @if !panel.free.is_empty() { button type="submit" class="secondary" { (lang.t("meeting-move-send")) } }
                }
                form method="post" action=(format!("/requests/{}/cancel", r.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="reason" { (lang.t("field-reason")) }
                        textarea id="reason" name="reason" rows="2" aria-invalid=[errors.invalid("reason")]
                            aria-describedby=[errors.described("reason")] {}
                        (errors.beside("reason"))
                    }
                    button type="submit" class="decline" { (lang.t("meeting-cancel")) }
                }
            }
            @if placed.is_some_and(|m| m.attendance == Some(Outcome::Held)) {
                form method="post" action=(format!("/requests/{}/feedback", r.id)) {
                    input type="hidden" name="csrf" value=(csrf);
                    fieldset {
                        legend { (lang.t("meeting-feedback")) }
                        @if let Some(f) = &panel.feedback {
                            p { (lang.ta("meeting-feedback-saved", &[("rating", f.rating.to_string())])) }
                        }
                        div class="field" {
                            label for="rating" { (lang.t("field-rating")) }
                            select id="rating" name="rating" aria-invalid=[errors.invalid("rating")] aria-describedby=[errors.described("rating")] {
                                @for n in crate::domain::meeting::RATING {
                                    option value=(n) selected[panel.feedback.as_ref().is_some_and(|f| f.rating == n)] { (n) " / 5" }
                                }
                            }
                            (errors.beside("rating"))
                        }
                        div class="check" {
                            input type="checkbox" id="follow_up" name="follow_up" value="yes"
                                checked[panel.feedback.as_ref().is_some_and(|f| f.follow_up)];
                            label for="follow_up" { (lang.t("meeting-follow-up")) }
                        }
                        button type="submit" { (lang.t("meeting-feedback-send")) }
                    }
                }
            }
        }
    }
}

/// What a meeting action's form asked: its errors go beside their fields.
enum Failed {
    Fields(Invalid, StatusCode),
    Page(PageError),
}

impl From<RequestError> for Failed {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Invalid(invalid) => Failed::Fields(invalid, StatusCode::UNPROCESSABLE_ENTITY),
            // A slot taken meanwhile: said beside the slots, which are listed again, fresh.
            RequestError::Store(StoreError::Unbookable(refused)) => {
                let status = if refused.why.is_invalid() {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::CONFLICT
                };
                Failed::Fields(Invalid::rule("/slot", refused.why.rule(&refused.slot)), status)
            }
            other => Failed::Page(other.into()),
        }
    }
}

/// `POST /requests/{id}/{action}` for the meeting's actions; `None` when `action` is not one.
pub async fn act(ctx: &Ctx, state: &AppState, id: &str, action: &str, form: &Form) -> Option<PageResult> {
    let me = match ctx.me_checked(form) {
        Ok(me) => me,
        Err(err) => return Some(Err(err)),
    };
    let (store, event, who) = (
        state.store.as_ref(),
        me.participant.event_id.as_str(),
        me.participant.id.as_str(),
    );
    let now = state.clock.now();
    let slot = form.get("slot").trim().to_owned();
    let done = match action {
        "accept" if !slot.is_empty() => {
            requests::answer(store, event, id, who, Answer::Accepted, Some(&slot), now).await
        }
        "move" => meetings::propose_move(store, event, id, who, &slot, now).await,
        "move-accept" => meetings::answer_move(store, event, id, who, true, now).await,
        "move-decline" => meetings::answer_move(store, event, id, who, false, now).await,
        "confirm" => meetings::confirm(store, event, id, who, now).await,
        "refuse-slot" => meetings::refuse_slot(store, event, id, who, now)
            .await
            .map(|(t, _)| t),
        "cancel" => meetings::cancel(store, event, id, who, form.get("reason"), now).await,
        "offer" => meetings::take_offer(store, event, id, who, now).await,
        "check-in" => {
            let outcome = match form.get("outcome") {
                "held" => Outcome::Held,
                "no_show" => Outcome::NoShow,
                _ => return Some(Err(PageError::Unprocessable)),
            };
            meetings::check_in(store, Actor::Participant(who), event, id, outcome, None, now).await
        }
        "feedback" => {
            // Not a number is as wrong as a number out of range.
            let rating = form.get("rating").trim().parse::<u32>().unwrap_or(0);
            let follow_up = !form.get("follow_up").is_empty();
            let rated = meetings::rate(store, event, id, who, rating, follow_up, now).await;
            return Some(finish(ctx, state, me, id, rated.map(|_| None)).await);
        }
        _ => return None,
    };
    Some(finish(ctx, state, me, id, done.map(|t| t.revision)).await)
}

/// A slot a rule names, as people read it (its day and time) rather than its id.
fn said_for_people(errors: Invalid, lang: Lang, spec: &crate::domain::EventSpec) -> Invalid {
    let zone = spec.timezone.name();
    let human = |value: String| slot_id_text(lang, zone, spec, &value);
    Invalid(
        errors
            .0
            .into_iter()
            .map(|e| {
                let rule = match e.rule {
                    Rule::SlotNotFree { value } => Rule::SlotNotFree { value: human(value) },
                    Rule::NoRoom { value } => Rule::NoRoom { value: human(value) },
                    Rule::SlotStarted { value } => Rule::SlotStarted { value: human(value) },
                    Rule::SlotRefused { value } => Rule::SlotRefused { value: human(value) },
                    Rule::PastSessionEnd { value } => Rule::PastSessionEnd { value: human(value) },
                    other => other,
                };
                crate::domain::FieldError::new(e.pointer, rule)
            })
            .collect(),
    )
}

/// After an action: the live timetable's followers hear of a change, and the page shows the
/// meeting again (with the form's errors, when it had some).
async fn finish(
    ctx: &Ctx,
    state: &AppState,
    me: &Me,
    id: &str,
    done: Result<Option<i64>, RequestError>,
) -> PageResult {
    match done.map_err(Failed::from) {
        Ok(revision) => {
            state.changed(&me.participant.event_id, revision).await;
            Ok(Redirect::to(&format!("/requests/{id}")).into_response())
        }
        Err(Failed::Fields(errors, status)) => {
            let spec = state.store.event(&me.participant.event_id).await?.spec()?;
            let errors = said_for_people(errors, ctx.lang, &spec);
            super::requests::page(ctx, state, id, errors, status).await
        }
        Err(Failed::Page(err)) => Err(err),
    }
}
