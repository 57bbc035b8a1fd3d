//! Pins (organiser): hold an accepted request at a slot, or a slot and a room, in every
//! solve. The rules are `crate::pins`'.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem, empty};
use super::json::Json;
use super::page::paged;
use crate::pins::{self, PinAt, PinError};
use crate::state::AppState;
use crate::store::Pin;

/// `PUT /events/{event}/requests/{id}/pin`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinBody {
    /// The meeting's first slot.
    pub slot: String,
    /// The room; left out, only the time is pinned and the solver picks the room.
    #[serde(default)]
    pub room: Option<String>,
}

/// A stored pin.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PinView {
    /// The pinned request.
    pub request: String,
    pub slot: String,
    pub room: Option<String>,
    pub pinned_at: DateTime<Utc>,
}

impl From<Pin> for PinView {
    fn from(p: Pin) -> Self {
        Self {
            request: p.request_id,
            slot: p.slot_id,
            room: p.room_id,
            pinned_at: p.pinned_at,
        }
    }
}

impl From<PinError> for ApiError {
    fn from(e: PinError) -> Self {
        match e {
            PinError::Invalid(invalid) => Self::Invalid(invalid),
            PinError::Infeasible(conflicts) => Self::Invalid(PinError::conflicts_as_invalid(&conflicts)),
            PinError::Store(e) => e.into(),
        }
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(put_pin, delete_pin))
        .routes(routes!(list_pins))
}

/// Pins an accepted request at a first slot, and optionally a room (organiser); a new pin
/// replaces the old. A set of pins that cannot be held together is refused (422, each
/// meeting involved named in `errors`) and nothing is stored; pinning a request that is
/// not accepted (pending, declined, withdrawn), a meeting checked in or cancelled, or a
/// booked meeting elsewhere than where its participants booked it (release it first) is 409.
#[utoipa::path(put, path = "/events/{event}/requests/{id}/pin", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)), request_body = PinBody,
    responses((status = 200, body = PinView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
async fn put_pin(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<PinBody>,
) -> ApiResult<axum::Json<PinView>> {
    caller.organiser()?;
    let at = PinAt {
        slot: body.slot,
        room: body.room,
    };
    let pin = pins::pin(state.store.as_ref(), &event, &id, at).await?;
    Ok(axum::Json(pin.into()))
}

/// Removes a request's pin (organiser): the next solve places it freely. 204 whether or not
/// it was pinned.
#[utoipa::path(delete, path = "/events/{event}/requests/{id}/pin", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 204, description = "no pin any more"), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_pin(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.organiser()?;
    pins::unpin(state.store.as_ref(), &event, &id).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The event's pins of accepted requests (organiser), oldest first.
#[utoipa::path(get, path = "/events/{event}/pins", tag = "schedules", params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<PinView>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_pins(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    super::extract::Query(pairs): super::extract::Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    caller.organiser()?;
    let all = pins::pins(state.store.as_ref(), &event).await?;
    let path = format!("/api/v1/events/{event}/pins");
    paged(&path, &pairs, all, |p| p.request_id.as_str(), PinView::from)
}
