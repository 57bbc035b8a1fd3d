//! Rooms: tables and meeting rooms, with seats and features.

use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::json::Json;
use super::page::paged;
use crate::setup;
use crate::state::AppState;
use crate::store::Room;

/// `POST /events/{event}/rooms`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoom {
    pub name: String,
    /// Seats, 1–1000.
    pub capacity: u32,
    #[serde(default)]
    pub features: Vec<String>,
    /// Slot ids in which the room cannot be used.
    #[serde(default)]
    pub unavailable: Vec<String>,
}

impl CreateRoom {
    fn input(self) -> setup::RoomInput {
        setup::RoomInput {
            name: self.name,
            capacity: self.capacity,
            features: self.features,
            unavailable: self.unavailable,
        }
    }
}

/// A room.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomView {
    pub id: String,
    pub name: String,
    pub capacity: u32,
    pub features: Vec<String>,
    pub unavailable: Vec<String>,
}

impl From<Room> for RoomView {
    fn from(r: Room) -> Self {
        Self {
            id: r.id,
            name: r.name,
            capacity: r.capacity,
            features: r.features,
            unavailable: r.unavailable,
        }
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_room, list_rooms))
        .routes(routes!(update_room))
}

/// Adds a room (organiser).
#[utoipa::path(post, path = "/events/{event}/rooms", tag = "rooms", params(("event" = String, Path)),
    request_body = CreateRoom,
    responses((status = 201, body = RoomView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_room(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<CreateRoom>,
) -> ApiResult<(StatusCode, axum::Json<RoomView>)> {
    caller.organiser()?;
    let room = setup::create_room(state.store.as_ref(), &event, &body.input()).await?;
    Ok((StatusCode::CREATED, axum::Json(room.into())))
}

/// The event's rooms (organiser, or a participant of the event: rooms' features are what
/// requests may ask for).
#[utoipa::path(get, path = "/events/{event}/rooms", tag = "rooms", params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<RoomView>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn list_rooms(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    caller.in_event(&event)?;
    state.store.event(&event).await?;
    let rooms = state.store.rooms(&event).await?;
    let path = format!("/api/v1/events/{event}/rooms");
    paged(&path, &pairs, rooms, |r| r.id.as_str(), RoomView::from)
}

/// Replaces a room's name, seats, features and unavailable slots (organiser). Meetings
/// already placed in it keep their place: the next solve sees the change.
#[utoipa::path(put, path = "/events/{event}/rooms/{id}", tag = "rooms",
    params(("event" = String, Path), ("id" = String, Path)), request_body = CreateRoom,
    responses((status = 200, body = RoomView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_room(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<CreateRoom>,
) -> ApiResult<axum::Json<RoomView>> {
    caller.organiser()?;
    let room = setup::update_room(state.store.as_ref(), &event, &id, &body.input()).await?;
    Ok(axum::Json(room.into()))
}
