//! The agenda: published meetings with the timetable version and when it changed, the
//! `.ics` download and a printable page (one A4 page per day, table numbers large).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use maud::{Markup, html};

use super::context::{Ctx, PageError, ok};
use super::layout;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::timetable::{PublishedTimetable, ResolvedMeeting};

/// A participant's meetings, grouped by day in the event's zone.
fn by_day<'a>(t: &'a PublishedTimetable, me: &str) -> Vec<(String, Vec<&'a ResolvedMeeting>)> {
    let zone: Tz = t.event.timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut days: Vec<(String, Vec<&ResolvedMeeting>)> = Vec::new();
    for m in t.meetings_of(me) {
        let day = m.start.with_timezone(&zone).format("%Y-%m-%d").to_string();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(m),
            _ => days.push((day, vec![m])),
        }
    }
    days
}

fn meetings(lang: Lang, t: &PublishedTimetable, me: &str, print: bool) -> Markup {
    let zone = &t.event.timezone;
    html! {
        @for (_, list) in by_day(t, me) {
            section class="day" {
                h2 { (layout::day(lang, &t.event.timezone, list[0].start)) }
                table {
                    thead { tr {
                        th scope="col" { (lang.t("agenda-time")) }
                        th scope="col" { (lang.t("agenda-room")) }
                        th scope="col" { (lang.t("agenda-with")) }
                    } }
                    tbody {
                        @for m in &list {
                            tr class=(m.view.state.as_str()) {
                                td {
                                    (layout::time_of_day(zone, m.start)) "–" (layout::time_of_day(zone, m.end))
                                    br;
                                    span class=(format!("state {}", m.view.state.as_str())) { (lang.t(super::meeting::state_key(m.view.state))) }
                                    @if let Some(reason) = &m.view.reason { br; (lang.ta("meeting-cancelled", &[("reason", reason.clone())])) }
                                }
                                td class=(if print { "room big" } else { "room" }) { (m.view.room.name) }
                                td { (m.view.participants.iter().filter(|p| p.id != me).map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /agenda`.
pub async fn agenda(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        let t = state.timetables.get(&state.store, &me.event_id).await?;
        let mine = t.meetings_of(&me.id).next().is_some();
        let body = html! {
            @if let Some(published) = &t.published {
                p { (lang.ta("agenda-version", &[
                    ("version", published.version.to_string()),
                    ("when", layout::when(lang, &t.event.timezone, published.published_at)),
                ])) }
                @if !mine { p { (lang.t("agenda-empty")) } }
            } @else if !mine {
                p { (lang.t("agenda-unpublished")) }
            }
            @if mine {
                (meetings(lang, &t, &me.id, false))
                p class="actions" {
                    a href="/agenda.ics" download="agenda.ics" { (lang.t("agenda-ics")) }
                    a href="/agenda/print" { (lang.t("agenda-print")) }
                }
            }
        };
        ok(layout::page(&ctx, &lang.t("agenda-title"), body))
    }
    .await;
    ctx.finish(result)
}

/// `GET /agenda/print`: the same meetings laid out for paper.
pub async fn print(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        let t = state.timetables.get(&state.store, &me.event_id).await?;
        let body = html! {
            p { (me.profile.name) " — " (t.event.name) }
            @if let Some(published) = &t.published {
                p { (lang.ta("agenda-version", &[
                    ("version", published.version.to_string()),
                    ("when", layout::when(lang, &t.event.timezone, published.published_at)),
                ])) }
            }
            (meetings(lang, &t, &me.id, true))
            p class="noprint" { a href="/agenda" { (lang.t("nav-agenda")) } }
        };
        ok(layout::page_with(
            &ctx,
            &lang.t("agenda-print-title"),
            body,
            "print",
        ))
    }
    .await;
    ctx.finish(result)
}

/// `GET /agenda.ics`: the signed-in participant's agenda, as the API serves it.
pub async fn ics(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let t = state.timetables.get(&state.store, &me.event_id).await?;
        let text = t
            .calendar_of(&me.id, &me.profile.name, ctx.lang)
            .map_err(PageError::Internal)?;
        Ok((
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"agenda.ics\""),
            ],
            text,
        )
            .into_response())
    }
    .await;
    ctx.finish(result)
}
