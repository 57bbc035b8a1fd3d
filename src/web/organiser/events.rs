//! Events: the list, the form that creates one (days, sessions, slot length, time zone),
//! and one event with its slots. The rules are `crate::setup`'s and the domain's.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::page::{OrganiserEvent, fields};
use super::{event_nav, number};
use crate::domain::{DaySpec, Invalid};
use crate::setup;
use crate::state::AppState;
use crate::web::context::{Ctx, PageResult, ok};
use crate::web::errors::FieldErrors;
use crate::web::form::Form;
use crate::web::layout;

/// Day rows the form shows at least (blank ones are left out).
const MIN_DAY_ROWS: usize = 3;

/// What was typed into the form, to show again beside its errors.
#[derive(Default)]
struct Typed {
    name: String,
    timezone: String,
    slot_minutes: String,
    reminder_minutes: String,
    /// Blank: no fairness rule.
    max_wait_spread: String,
    /// (date, sessions as "09:00-12:30, 14:00-18:00") per row.
    days: Vec<(String, String)>,
}

impl Typed {
    fn blank() -> Self {
        Self {
            timezone: "Africa/Casablanca".into(),
            slot_minutes: "30".into(),
            reminder_minutes: "15".into(),
            ..Self::default()
        }
    }

    fn from_form(form: &Form) -> Self {
        let mut days = Vec::new();
        for row in 0..crate::domain::event::MAX_DAYS {
            let date = form.get(&format!("date-{row}")).trim().to_string();
            let sessions = form.get(&format!("sessions-{row}")).trim().to_string();
            days.push((date, sessions));
        }
        while days.last().is_some_and(|(d, s)| d.is_empty() && s.is_empty()) {
            days.pop();
        }
        Self {
            name: form.get("name").to_string(),
            timezone: form.get("timezone").trim().to_string(),
            slot_minutes: form.get("slot_minutes").to_string(),
            reminder_minutes: form.get("reminder_minutes").to_string(),
            max_wait_spread: form.get("max_wait_spread").trim().to_string(),
            days,
        }
    }

    /// The days as the domain reads them, with the form row of each (blank rows left out).
    fn day_specs(&self) -> (Vec<DaySpec>, Vec<usize>) {
        let mut specs = Vec::new();
        let mut rows = Vec::new();
        for (row, (date, sessions)) in self.days.iter().enumerate() {
            if date.is_empty() && sessions.is_empty() {
                continue;
            }
            specs.push(DaySpec {
                date: date.clone(),
                sessions: sessions_of(sessions),
            });
            rows.push(row);
        }
        (specs, rows)
    }
}

/// "09:00-12:30, 14:00-18:00" → [["09:00", "12:30"], ["14:00", "18:00"]]; a piece without
/// its dash keeps an empty end, which the domain names as not a time.
fn sessions_of(text: &str) -> Vec<[String; 2]> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|piece| match piece.split_once(['-', '–']) {
            Some((start, end)) => [start.trim().to_string(), end.trim().to_string()],
            None => [piece.to_string(), String::new()],
        })
        .collect()
}

/// The domain's `/days/<i>` pointers point at the `i`-th day given: renamed to the form's row.
fn to_rows(errors: Invalid, rows: &[usize]) -> Invalid {
    let mut out = Invalid::default();
    for mut e in errors.0 {
        if let Some(rest) = e.pointer.strip_prefix("/days/") {
            let (index, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) {
                e.pointer = if tail.is_empty() {
                    format!("/days/{row}")
                } else {
                    format!("/days/{row}/{tail}")
                };
            }
        }
        out.0.push(e);
    }
    out
}

fn create_form(ctx: &Ctx, csrf: &str, typed: &Typed, errors: &Invalid) -> Markup {
    let lang = ctx.lang;
    let errors = FieldErrors::new(lang, errors);
    let field = |name: &'static str, key: &str, value: &str, kind: &str| {
        html! {
            div class="field" {
                label for=(name) { (lang.t(key)) }
                input id=(name) name=(name) type=(kind) value=(value)
                    aria-invalid=[errors.invalid(name)] aria-describedby=[errors.described(name)];
                (errors.beside_named(&format!("/{name}"), &format!("{name}-error"), lang.t(key)))
            }
        }
    };
    let rows = typed
        .days
        .len()
        .clamp(MIN_DAY_ROWS, crate::domain::event::MAX_DAYS);
    html! {
        form method="post" action="/organiser" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (field("name", "org-event-name", &typed.name, "text"))
            (field("timezone", "org-event-timezone", &typed.timezone, "text"))
            (field("slot_minutes", "org-event-slot-minutes", &typed.slot_minutes, "number"))
            (field("reminder_minutes", "org-event-reminder-minutes", &typed.reminder_minutes, "number"))
            (field("max_wait_spread", "org-event-max-wait-spread", &typed.max_wait_spread, "number"))
            fieldset {
                legend { (lang.t("org-event-days")) }
                p class="meta" id="days-help" { (lang.t("org-event-days-help")) }
                (errors.beside_exact("/days", "days-error", lang.t("org-event-days")))
                @for row in 0..rows {
                    @let (date, sessions) = typed.days.get(row).cloned().unwrap_or_default();
                    @let number = (row + 1).to_string();
                    @let date_name = lang.ta("org-event-day-date", &[("number", number.clone())]);
                    @let sessions_name = lang.ta("org-event-day-sessions", &[("number", number.clone())]);
                    @let date_ptr = format!("/days/{row}/date");
                    @let sessions_ptr = format!("/days/{row}/sessions");
                    div class="day-row" {
                        div class="field" {
                            label for=(format!("date-{row}")) { (date_name) }
                            input id=(format!("date-{row}")) name=(format!("date-{row}")) type="date" value=(date)
                                aria-invalid=[errors.has_under(&date_ptr).then_some("true")]
                                aria-describedby=[errors.has_under(&date_ptr).then(|| format!("date-{row}-error"))];
                            (errors.beside_named(&date_ptr, &format!("date-{row}-error"), date_name.clone()))
                        }
                        div class="field" {
                            label for=(format!("sessions-{row}")) { (sessions_name) }
                            input id=(format!("sessions-{row}")) name=(format!("sessions-{row}")) type="text"
                                value=(sessions) placeholder="09:00-12:30, 14:00-18:00"
                                aria-invalid=[errors.has_under(&sessions_ptr).then_some("true")]
                                aria-describedby=(if errors.has_under(&sessions_ptr) { format!("sessions-{row}-error days-help") } else { "days-help".to_string() });
                            (errors.beside_named(&sessions_ptr, &format!("sessions-{row}-error"), sessions_name.clone()))
                        }
                    }
                }
            }
            button type="submit" { (lang.t("org-event-create")) }
        }
    }
}

async fn render_list(
    ctx: &Ctx,
    state: &AppState,
    typed: &Typed,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let events = state.store.events().await?;
    let body = html! {
        @if events.is_empty() {
            p { (lang.t("org-events-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (lang.t("org-event-name")) }
                    th scope="col" { (lang.t("org-event-days")) }
                    th scope="col" { (lang.t("org-event-slot-minutes")) }
                    th scope="col" { (lang.t("org-event-version")) }
                } }
                tbody {
                    @for e in &events {
                        tr {
                            td { a href=(format!("/organiser/events/{}", e.id)) { (e.name) } }
                            td { (e.days.iter().map(|d| d.date.as_str()).collect::<Vec<_>>().join(", ")) }
                            td { (e.slot_minutes) }
                            td { (e.timetable_version.map_or_else(|| lang.t("org-not-published"), |v| v.to_string())) }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("org-event-new")) }
        (create_form(ctx, &session.csrf(), typed, errors))
    };
    Ok((status, layout::page(ctx, &lang.t("org-events-title"), body)).into_response())
}

/// `GET /organiser`: the events and the form to create one.
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = render_list(&ctx, &state, &Typed::blank(), &Invalid::default(), StatusCode::OK).await;
    ctx.finish(result)
}

/// `POST /organiser`: created and to its page, or the form again with the errors.
pub async fn create(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        ctx.organiser_checked(&form)?;
        let typed = Typed::from_form(&form);
        let (days, rows) = typed.day_specs();
        let new = setup::NewEvent {
            name: typed.name.clone(),
            timezone: typed.timezone.clone(),
            slot_minutes: number(&typed.slot_minutes),
            days,
            reminder_minutes: number(&typed.reminder_minutes),
            max_wait_spread: (!typed.max_wait_spread.is_empty()).then(|| number(&typed.max_wait_spread)),
        };
        match setup::create_event(state.store.as_ref(), new).await {
            Ok((event, _)) => Ok(Redirect::to(&format!("/organiser/events/{}", event.id)).into_response()),
            Err(e) => {
                let errors = to_rows(fields(e)?, &rows);
                render_list(&ctx, &state, &typed, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
            }
        }
    }
    .await;
    ctx.finish(result)
}

/// `GET /organiser/events/{event}`: the event and its slots, day by day.
pub async fn show(State(_state): State<AppState>, OrganiserEvent { ctx, event }: OrganiserEvent) -> Response {
    let result = async {
        let spec = event.spec()?;
        let lang = ctx.lang;
        let zone = event.timezone.clone();
        let mut days: Vec<(String, Vec<&crate::domain::SlotTime>)> = Vec::new();
        for slot in spec.slots() {
            let day = layout::day(lang, &zone, slot.start.to_utc());
            match days.last_mut() {
                Some((d, list)) if *d == day => list.push(slot),
                _ => days.push((day, vec![slot])),
            }
        }
        let body = html! {
            (event_nav(&ctx, &event))
            p { (lang.ta("org-event-summary", &[
                ("zone", zone.clone()),
                ("minutes", event.slot_minutes.to_string()),
                ("slots", spec.slots().len().to_string()),
            ])) }
            @if let Some(spread) = event.max_wait_spread {
                p { (lang.ta("org-event-fairness", &[("spread", spread.to_string())])) }
            }
            @for (day, slots) in &days {
                section class="slots" {
                    h2 { (day) }
                    ul class="slot-list" {
                        @for slot in slots {
                            li { (slot.start.format("%H:%M")) "–" (slot.end.format("%H:%M")) }
                        }
                    }
                }
            }
        };
        ok(layout::page(&ctx, &event.name, body))
    }
    .await;
    ctx.finish(result)
}
