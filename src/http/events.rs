//! Events: the expo itself, its days, sessions and slots.

use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use super::page::paged;
use crate::domain::request::EXPIRY_HOURS;
use crate::domain::{DaySpec, EventSpec};
use crate::setup;
use crate::state::AppState;
use crate::store::Event;

/// `POST /events`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvent {
    /// Not blank; at most 200 characters once trimmed (so not stated as a `maxLength`).
    #[schema(min_length = 1)]
    pub name: String,
    /// IANA time zone, as `Africa/Casablanca`.
    pub timezone: String,
    /// Length of one slot, 5–240 minutes.
    #[schema(minimum = 5, maximum = 240)]
    pub slot_minutes: u32,
    /// 1–31 days.
    #[schema(min_items = 1, max_items = 31)]
    pub days: Vec<DaySpec>,
    /// Minutes before each meeting its participants get a reminder, 0–1440 (default 15;
    /// 0: no reminders).
    #[serde(default = "fifteen")]
    #[schema(maximum = 1440)]
    pub reminder_minutes: u32,
    /// Fairness, a hard rule of every solve: the waits (gaps between two meetings in a
    /// session, summed over the event) of any two participants differ by at most this
    /// many, 0–100; every participant counts, one without meetings with 0 waits. Absent
    /// or `null`: no such rule.
    #[serde(default)]
    #[schema(maximum = 100)]
    pub max_wait_spread: Option<u32>,
}

fn fifteen() -> u32 {
    15
}

fn check_reminder_minutes(minutes: u32) -> Result<u32, ApiError> {
    let mut errors = crate::domain::Invalid::default();
    setup::check_reminder_minutes(minutes, &mut errors);
    Ok(errors.into_result(minutes)?)
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
    /// Minutes before each meeting its participants get a reminder (0: none).
    pub reminder_minutes: u32,
    /// How long a pending request waits for its answers before it expires (counts as
    /// declined), in hours.
    pub request_expiry_hours: u32,
    /// Fairness: the waits of any two participants differ by at most this many in every
    /// solve; `null`: no such rule.
    pub max_wait_spread: Option<u32>,
}

/// `PATCH /events/{event}`: only the fields given change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvent {
    /// 1–1440 hours (default 72).
    #[schema(minimum = 1, maximum = 1440)]
    pub request_expiry_hours: Option<u32>,
    /// Minutes before each meeting its participants get a reminder, 0–1440 (0: none).
    #[serde(default)]
    #[schema(maximum = 1440)]
    pub reminder_minutes: Option<u32>,
    /// Fairness, 0–100 waits apart at most (see `POST /events`); `null` removes the rule.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, maximum = 100)]
    pub max_wait_spread: Option<Option<u32>>,
}

/// A field that is present (maybe `null`) becomes `Some(..)`; an absent one stays `None`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn check_max_wait_spread(spread: Option<u32>) -> Result<Option<u32>, ApiError> {
    let mut errors = crate::domain::Invalid::default();
    setup::check_max_wait_spread(spread, &mut errors);
    Ok(errors.into_result(spread)?)
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
            reminder_minutes: event.reminder_minutes,
            request_expiry_hours: event.request_expiry_hours,
            max_wait_spread: event.max_wait_spread,
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
    let new = setup::NewEvent {
        name: body.name,
        timezone: body.timezone,
        slot_minutes: body.slot_minutes,
        days: body.days,
        reminder_minutes: body.reminder_minutes,
        max_wait_spread: body.max_wait_spread,
    };
    let (event, spec) = setup::create_event(state.store.as_ref(), new).await?;
    Ok((StatusCode::CREATED, axum::Json(EventView::new(&event, &spec))))
}

/// Every event (organiser).
#[utoipa::path(get, path = "/events", tag = "events",
    params(("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<EventView>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
async fn list_events(
    State(state): State<AppState>,
    caller: Caller,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    caller.organiser()?;
    let mut out = Vec::new();
    for event in state.store.events().await? {
        let spec = event.spec()?;
        out.push(EventView::new(&event, &spec));
    }
    paged("/api/v1/events", &pairs, out, |e| e.id.as_str(), |e| e)
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

/// Changes the event's settings (organiser): how long pending requests wait for their
/// answers, how long before each meeting its reminder goes, the fairness rule of its
/// solves.
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
    // Every field is checked before anything is written.
    let reminder_minutes = body.reminder_minutes.map(check_reminder_minutes).transpose()?;
    let max_wait_spread = body.max_wait_spread.map(check_max_wait_spread).transpose()?;
    if let Some(hours) = body.request_expiry_hours
        && !EXPIRY_HOURS.contains(&hours)
    {
        return Err(ApiError::field(
            "/request_expiry_hours",
            format!(
                "must be between {} and {}",
                EXPIRY_HOURS.start(),
                EXPIRY_HOURS.end()
            ),
        ));
    }
    let mut stored = state.store.event(&event).await?;
    if let Some(minutes) = reminder_minutes {
        state.store.set_reminder_minutes(&event, minutes).await?;
        stored.reminder_minutes = minutes;
    }
    if let Some(hours) = body.request_expiry_hours {
        stored = state.store.set_request_expiry(&event, hours).await?;
    }
    if let Some(spread) = max_wait_spread {
        stored = state.store.set_max_wait_spread(&event, spread).await?;
    }
    let spec = stored.spec()?;
    Ok(axum::Json(EventView::new(&stored, &spec)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{MAX_DAYS, SLOT_MINUTES};

    fn properties<T: utoipa::PartialSchema>() -> serde_json::Value {
        serde_json::to_value(T::schema()).unwrap()["properties"].clone()
    }

    /// The ranges the document states are the ones the domain enforces (the literals in the
    /// `#[schema]` attributes cannot name the constants).
    #[test]
    fn the_documented_ranges_are_the_enforced_ones() {
        let create = properties::<CreateEvent>();
        assert_eq!(
            create["slot_minutes"]["minimum"],
            f64::from(*SLOT_MINUTES.start())
        );
        assert_eq!(create["slot_minutes"]["maximum"], f64::from(*SLOT_MINUTES.end()));
        assert_eq!(create["days"]["minItems"], 1);
        assert_eq!(create["days"]["maxItems"], MAX_DAYS);
        assert_eq!(create["name"]["minLength"], 1);
        assert!(create["name"].get("maxLength").is_none());
        let max_reminder = f64::from(setup::MAX_REMINDER_MINUTES);
        assert_eq!(create["reminder_minutes"]["maximum"], max_reminder);
        let max_spread = f64::from(setup::MAX_WAIT_SPREAD);
        assert_eq!(create["max_wait_spread"]["maximum"], max_spread);
        let update = properties::<UpdateEvent>();
        assert_eq!(update["reminder_minutes"]["maximum"], max_reminder);
        assert_eq!(
            update["request_expiry_hours"]["minimum"],
            f64::from(*EXPIRY_HOURS.start())
        );
        assert_eq!(
            update["request_expiry_hours"]["maximum"],
            f64::from(*EXPIRY_HOURS.end())
        );
        assert_eq!(update["max_wait_spread"]["maximum"], max_spread);
    }
}
