//! Events: the expo itself, its days, sessions and slots.

use axum::extract::State;

use super::extract::Path;
use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use crate::domain::ids::new_id;
use crate::domain::request::EXPIRY_HOURS;
use crate::domain::{DaySpec, EventSpec};
use crate::state::AppState;
use crate::store::Event;

/// `POST /events`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvent {
    pub name: String,
    /// IANA time zone, as `Africa/Casablanca`.
    pub timezone: String,
    /// Length of one slot, 5–240 minutes.
    pub slot_minutes: u32,
    pub days: Vec<DaySpec>,
}

/// A bookable slot.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SlotView {
    pub id: String,
    /// RFC 3339 with the event's UTC offset of that date.
    pub start: String,
    pub end: String,
}

/// An event with its generated slots.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub slot_minutes: u32,
    pub days: Vec<DaySpec>,
    pub slots: Vec<SlotView>,
    /// The published timetable's version, if one is published.
    pub timetable_version: Option<i64>,
    /// How long a pending request waits for its answers before it expires (counts as
    /// declined), in hours.
    pub request_expiry_hours: u32,
}

/// `PATCH /events/{event}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvent {
    /// 1–1440 hours (default 72).
    pub request_expiry_hours: Option<u32>,
}

impl EventView {
    fn new(event: &Event, spec: &EventSpec) -> Self {
        Self {
            id: event.id.clone(),
            name: event.name.clone(),
            timezone: event.timezone.clone(),
            slot_minutes: event.slot_minutes,
            days: event.days.clone(),
            slots: spec
                .slots()
                .iter()
                .map(|s| SlotView {
                    id: s.id.clone(),
                    start: s.start_rfc3339(),
                    end: s.end_rfc3339(),
                })
                .collect(),
            timetable_version: event.timetable_version,
            request_expiry_hours: event.request_expiry_hours,
        }
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_event, list_events))
        .routes(routes!(get_event, update_event))
}

/// Creates an event; its slots are cut from the days' sessions in its timezone.
#[utoipa::path(post, path = "/events", tag = "events", request_body = CreateEvent,
    responses((status = 201, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
async fn create_event(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateEvent>,
) -> ApiResult<(StatusCode, axum::Json<EventView>)> {
    caller.organiser()?;
    let spec = EventSpec::new(&body.name, &body.timezone, body.slot_minutes, body.days)?;
    let event = Event {
        id: new_id("evt"),
        name: spec.name.clone(),
        timezone: spec.timezone.name().to_string(),
        slot_minutes: spec.slot_minutes,
        days: spec.days.clone(),
        timetable_version: None,
        meetings_revision: 0,
        request_expiry_hours: crate::domain::request::DEFAULT_EXPIRY_HOURS,
        created_at: Utc::now(),
    };
    state.store.create_event(&event).await?;
    tracing::info!(event = event.id, slots = spec.slots().len(), "event created");
    Ok((StatusCode::CREATED, axum::Json(EventView::new(&event, &spec))))
}

/// Every event (organiser).
#[utoipa::path(get, path = "/events", tag = "events",
    responses((status = 200, body = Vec<EventView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn list_events(State(state): State<AppState>, caller: Caller) -> ApiResult<axum::Json<Vec<EventView>>> {
    caller.organiser()?;
    let mut out = Vec::new();
    for event in state.store.events().await? {
        let spec = event.spec()?;
        out.push(EventView::new(&event, &spec));
    }
    Ok(axum::Json(out))
}

/// An event and its slots (organiser, or a participant of the event).
#[utoipa::path(get, path = "/events/{event}", tag = "events", params(("event" = String, Path)),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<EventView>> {
    caller.in_event(&event)?;
    let stored = state.store.event(&event).await?;
    let spec = stored.spec()?;
    Ok(axum::Json(EventView::new(&stored, &spec)))
}

/// Changes the event's settings (organiser): how long pending requests wait for their answers.
#[utoipa::path(patch, path = "/events/{event}", tag = "events", params(("event" = String, Path)),
    request_body = UpdateEvent,
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn update_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<UpdateEvent>,
) -> ApiResult<axum::Json<EventView>> {
    caller.organiser()?;
    let mut stored = state.store.event(&event).await?;
    if let Some(hours) = body.request_expiry_hours {
        if !EXPIRY_HOURS.contains(&hours) {
            return Err(ApiError::field(
                "/request_expiry_hours",
                format!(
                    "must be between {} and {}",
                    EXPIRY_HOURS.start(),
                    EXPIRY_HOURS.end()
                ),
            ));
        }
        stored = state.store.set_request_expiry(&event, hours).await?;
    }
    let spec = stored.spec()?;
    Ok(axum::Json(EventView::new(&stored, &spec)))
}
