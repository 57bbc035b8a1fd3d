//! The published timetable, agendas (JSON and iCalendar) and room door signs.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use crate::app::AppState;
use crate::calendar::{self, CalendarEntry};
use crate::store::{Event, Timetable};

/// A room as shown with a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomRef {
    pub id: String,
    pub name: String,
}

/// A participant as shown with a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantRef {
    pub id: String,
    pub name: String,
}

/// A published meeting.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingView {
    /// The meeting request it holds.
    pub request: String,
    /// RFC 3339 with the event's offset of that date.
    pub start: String,
    pub end: String,
    pub room: RoomRef,
    pub participants: Vec<ParticipantRef>,
    /// Raised each time the meeting moved between versions.
    pub sequence: i64,
}

/// The published timetable (organiser: every meeting; a participant: its own).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimetableView {
    /// The published version; null while nothing is published.
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

/// A participant's agenda.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgendaView {
    pub participant: String,
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

/// A room's door sign.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomAgendaView {
    pub room: RoomRef,
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(timetable))
        .routes(routes!(agenda))
        .routes(routes!(agenda_ics))
        .routes(routes!(room_agenda))
}

/// The published timetable with names and times resolved, and the UTC instants of each
/// meeting for calendars.
struct Resolved {
    event: Event,
    timetable: Option<Timetable>,
    meetings: Vec<(
        MeetingView,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )>,
}

async fn resolve(state: &AppState, event_id: &str) -> ApiResult<Resolved> {
    let event = state.store.event(event_id).await?;
    let spec = event.spec()?;
    let Some(timetable) = state.store.timetable(event_id).await? else {
        return Ok(Resolved {
            event,
            timetable: None,
            meetings: Vec::new(),
        });
    };
    let rooms: HashMap<String, String> = state
        .store
        .rooms(event_id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let names: HashMap<String, String> = state
        .store
        .participants(event_id)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let durations: HashMap<String, u32> = state
        .store
        .requests(event_id, None)
        .await?
        .into_iter()
        .map(|r| (r.id, r.duration_minutes))
        .collect();
    let mut meetings = Vec::with_capacity(timetable.meetings.len());
    for m in &timetable.meetings {
        let minutes = durations
            .get(&m.request_id)
            .copied()
            .unwrap_or(event.slot_minutes);
        let count = (minutes / event.slot_minutes).max(1) as usize;
        let run = spec.run_from(&m.slot_id, count).ok_or_else(|| {
            anyhow::anyhow!("published meeting {} has no slots {}", m.request_id, m.slot_id)
        })?;
        let (first, last) = (&run[0], &run[run.len() - 1]);
        let view = MeetingView {
            request: m.request_id.clone(),
            start: first.start_rfc3339(),
            end: last.end_rfc3339(),
            room: RoomRef {
                id: m.room_id.clone(),
                name: rooms.get(&m.room_id).cloned().unwrap_or_default(),
            },
            participants: m
                .participants
                .iter()
                .map(|p| ParticipantRef {
                    id: p.clone(),
                    name: names.get(p).cloned().unwrap_or_default(),
                })
                .collect(),
            sequence: m.sequence,
        };
        meetings.push((view, first.start.to_utc(), last.end.to_utc()));
    }
    meetings.sort_by(|a, b| (a.1, &a.0.room.name).cmp(&(b.1, &b.0.room.name)));
    Ok(Resolved {
        event,
        timetable: Some(timetable),
        meetings,
    })
}

/// The published timetable: every meeting for the organiser, its own for a participant.
#[utoipa::path(get, path = "/events/{event}/timetable", tag = "timetable", params(("event" = String, Path)),
    responses((status = 200, body = TimetableView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn timetable(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<TimetableView>> {
    caller.in_event(&event)?;
    let resolved = resolve(&state, &event).await?;
    let meetings = resolved
        .meetings
        .into_iter()
        .map(|(m, _, _)| m)
        .filter(|m| match &caller {
            Caller::Organiser => true,
            Caller::Participant(p) => m.participants.iter().any(|x| x.id == p.id),
        })
        .collect();
    Ok(axum::Json(TimetableView {
        version: resolved.timetable.map(|t| t.version),
        meetings,
    }))
}

async fn agenda_of(
    state: &AppState,
    caller: &Caller,
    event: &str,
    id: &str,
) -> ApiResult<(Resolved, String)> {
    caller.organiser_or_self(event, id)?;
    let participant = state.store.participant(event, id).await?;
    let mut resolved = resolve(state, event).await?;
    resolved
        .meetings
        .retain(|(m, _, _)| m.participants.iter().any(|p| p.id == id));
    Ok((resolved, participant.name))
}

/// A participant's agenda (the participant itself, or the organiser).
#[utoipa::path(get, path = "/events/{event}/participants/{id}/agenda", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AgendaView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn agenda(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<AgendaView>> {
    let (resolved, _) = agenda_of(&state, &caller, &event, &id).await?;
    Ok(axum::Json(AgendaView {
        participant: id,
        version: resolved.timetable.map(|t| t.version),
        meetings: resolved.meetings.into_iter().map(|(m, _, _)| m).collect(),
    }))
}

/// A participant's agenda as an iCalendar file (the participant itself, or the organiser).
#[utoipa::path(get, path = "/events/{event}/participants/{id}/agenda.ics", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = String, content_type = "text/calendar"), (status = 401, body = Problem),
              (status = 404, body = Problem)))]
async fn agenda_ics(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (resolved, name) = agenda_of(&state, &caller, &event, &id).await?;
    let stamp = resolved
        .timetable
        .as_ref()
        .map(|t| t.published_at)
        .unwrap_or(resolved.event.created_at);
    let entries: Vec<CalendarEntry> = resolved
        .meetings
        .iter()
        .map(|(m, start, end)| {
            let others: Vec<&str> = m
                .participants
                .iter()
                .filter(|p| p.id != id)
                .map(|p| p.name.as_str())
                .collect();
            Ok(CalendarEntry {
                request_id: m.request.clone(),
                start: *start,
                end: *end,
                summary: format!("Meeting with {}", others.join(", ")),
                location: m.room.name.clone(),
                description: format!("{} — B2B meeting", resolved.event.name),
                sequence: u32::try_from(m.sequence)
                    .map_err(|_| anyhow::anyhow!("sequence {}", m.sequence))?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let text = calendar::render(&format!("{} — {name}", resolved.event.name), stamp, &entries);
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(response)
}

/// What happens in a room, for its door sign (organiser).
#[utoipa::path(get, path = "/events/{event}/rooms/{id}/agenda", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RoomAgendaView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn room_agenda(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RoomAgendaView>> {
    caller.organiser()?;
    let room = state
        .store
        .rooms(&event)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(ApiError::NotFound)?;
    let resolved = resolve(&state, &event).await?;
    Ok(axum::Json(RoomAgendaView {
        room: RoomRef {
            id: room.id,
            name: room.name,
        },
        version: resolved.timetable.map(|t| t.version),
        meetings: resolved
            .meetings
            .into_iter()
            .map(|(m, _, _)| m)
            .filter(|m| m.room.id == id)
            .collect(),
    }))
}
