//! Meeting requests: asked by one participant of others (proposing slots, if it likes),
//! answered by each invitee (accepting at a slot books the meeting there at once), withdrawn
//! by the requester. Every transition is a compare-and-set in the store. What happens to the
//! meeting afterwards is in `meetings.rs`.

use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::json::{Json, MaybeJson};
use super::page::PageQuery;
use crate::domain::{MeetingState, Outcome, RequestStatus, Response};
use crate::requests::{self, NewRequest};
use crate::state::AppState;
use crate::store::StoreError;
use crate::store::{MeetingRequest, Transition};

/// `POST /events/{event}/requests`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    /// The invitees' participant ids.
    pub with: Vec<String>,
    /// A whole number of slots.
    pub duration_minutes: u32,
    /// How much the requester wants the meeting, 1–5.
    pub priority: u32,
    #[serde(default)]
    pub message: String,
    /// Room features the meeting needs (as `video`, `interpretation`).
    #[serde(default)]
    pub features: Vec<String>,
    /// Start slots to offer the invitees, each free now for every participant (with a room).
    #[serde(default)]
    pub proposed_slots: Vec<String>,
}

/// `POST …/accept` (optional): accept at this start slot.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// One of the proposed slots, or another free for every participant; once every invitee
    /// accepted at it, the meeting is booked there with a room.
    pub slot: Option<String>,
}

/// One invitee's answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseView {
    pub participant: String,
    pub response: Response,
    /// The slot it accepted at, if it named one.
    pub slot: Option<String>,
}

/// Where a booked meeting is.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BookingView {
    pub slot: String,
    pub room: String,
}

/// A move proposed by a participant.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MoveView {
    pub slot: String,
    pub proposed_by: String,
    /// The other participants who accepted it so far.
    pub accepted_by: Vec<String>,
}

/// The meeting of an accepted request, once it has a place.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingLifeView {
    pub state: MeetingState,
    pub slot: String,
    pub room: String,
    /// Raised each time it moved or was cancelled (the calendar's SEQUENCE).
    pub sequence: i64,
    /// Participants who confirmed the solver's slot.
    pub confirmed_by: Vec<String>,
    /// What check-in recorded.
    pub attendance: Option<Outcome>,
    /// Who did not come, for a no-show.
    pub absent: Vec<String>,
}

/// A meeting request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: String,
    /// The requester.
    pub from: String,
    pub with: Vec<String>,
    pub responses: Vec<ResponseView>,
    pub duration_minutes: u32,
    pub priority: u32,
    pub message: String,
    pub features: Vec<String>,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub proposed_slots: Vec<String>,
    /// Where it is booked, once its participants agreed on a slot.
    pub booking: Option<BookingView>,
    /// Its place and life in the live timetable.
    pub meeting: Option<MeetingLifeView>,
    pub proposed_move: Option<MoveView>,
    /// A slot freed by a cancellation, offered to this meeting (the first to take it books it).
    pub offered_slot: Option<String>,
    /// Slots a participant refused for it.
    pub refused_slots: Vec<String>,
    /// Who cancelled or withdrew it.
    pub closed_by: Option<String>,
    /// Why it was cancelled.
    pub reason: Option<String>,
}

impl From<MeetingRequest> for RequestView {
    fn from(r: MeetingRequest) -> Self {
        let life = r.life;
        let booking = life
            .meeting
            .as_ref()
            .filter(|m| m.state == MeetingState::Booked)
            .map(|m| BookingView {
                slot: m.slot_id.clone(),
                room: m.room_id.clone(),
            });
        Self {
            id: r.id,
            from: r.requester,
            with: r.invitees.iter().map(|i| i.participant.clone()).collect(),
            responses: r
                .invitees
                .into_iter()
                .map(|i| ResponseView {
                    participant: i.participant,
                    response: i.response,
                    slot: i.slot,
                })
                .collect(),
            duration_minutes: r.duration_minutes,
            priority: r.priority,
            message: r.message,
            features: r.features,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
            proposed_slots: life.proposed_slots,
            booking,
            meeting: life.meeting.map(|m| MeetingLifeView {
                state: m.state,
                slot: m.slot_id,
                room: m.room_id,
                sequence: m.sequence,
                confirmed_by: m.confirmed_by,
                attendance: m.attendance,
                absent: m.absent,
            }),
            proposed_move: life.move_proposal.map(|m| MoveView {
                slot: m.slot_id,
                proposed_by: m.proposed_by,
                accepted_by: m.accepted_by,
            }),
            offered_slot: life.offered_slot,
            refused_slots: life.refused_slots,
            closed_by: life.closed_by,
            reason: life.close_reason,
        }
    }
}

/// A transition's answer: the request after it, once caches and live updates follow.
pub(super) async fn after(state: &AppState, event: &str, transition: Transition) -> axum::Json<RequestView> {
    state.changed(event, transition.revision).await;
    axum::Json(transition.request.into())
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_request, list_requests))
        .routes(routes!(get_request))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(withdraw))
}

/// Asks other participants for a meeting (a participant).
#[utoipa::path(post, path = "/events/{event}/requests", tag = "requests", params(("event" = String, Path)),
    request_body = CreateRequest,
    responses((status = 201, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<CreateRequest>,
) -> ApiResult<(StatusCode, axum::Json<RequestView>)> {
    let me = caller.participant_in(&event)?.clone();
    let body = NewRequest {
        with: body.with,
        duration_minutes: body.duration_minutes,
        priority: body.priority,
        message: body.message,
        features: body.features,
        proposed_slots: body.proposed_slots,
    };
    let request = requests::create(state.store.as_ref(), &event, &me.id, body, state.clock.now()).await?;
    Ok((StatusCode::CREATED, axum::Json(request.into())))
}

/// The caller's requests, asked and received (organiser: all of the event's).
#[utoipa::path(get, path = "/events/{event}/requests", tag = "requests", params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<RequestView>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    caller.in_event(&event)?;
    state.store.event(&event).await?;
    let mine = match &caller {
        Caller::Organiser => None,
        Caller::Participant(p) => Some(p.id.as_str()),
    };
    let page = PageQuery::parse(&pairs)?;
    let read = (state.store)
        .requests_page(&event, mine, page.after(), page.limit() + 1)
        .await;
    let read = match read {
        Err(StoreError::NotFound) => return Err(page.stale()),
        other => other?,
    };
    let (requests, next) = page.finish(read, |r| r.id.as_str());
    let path = format!("/api/v1/events/{event}/requests");
    Ok(page.respond(&path, requests.into_iter().map(RequestView::from).collect(), next))
}

/// Loads a request the caller may see: its parties and the organiser; to anyone else it
/// does not exist.
async fn visible(state: &AppState, caller: &Caller, event: &str, id: &str) -> ApiResult<MeetingRequest> {
    caller.in_event(event)?;
    let viewer = match caller {
        Caller::Organiser => None,
        Caller::Participant(p) => Some(p.id.as_str()),
    };
    Ok(requests::visible(state.store.as_ref(), viewer, event, id).await?)
}

/// One request (its parties, or the organiser).
#[utoipa::path(get, path = "/events/{event}/requests/{id}", tag = "requests",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    Ok(axum::Json(visible(&state, &caller, &event, &id).await?.into()))
}

async fn answer(
    state: AppState,
    caller: Caller,
    event: String,
    id: String,
    answer: Response,
    slot: Option<String>,
) -> ApiResult<axum::Json<RequestView>> {
    caller.in_event(&event)?;
    let me = caller.participant_in(&event)?;
    let store = state.store.as_ref();
    let done = requests::answer(
        store,
        &event,
        &id,
        &me.id,
        answer,
        slot.as_deref(),
        state.clock.now(),
    )
    .await?;
    Ok(after(&state, &event, done).await)
}

/// Accepts a request (an invitee), at a start slot when the body names one. It becomes
/// `accepted` once every invitee accepted; if they accepted at a slot, it is booked there at
/// once with the smallest free room that fits (`booking`). A slot taken meanwhile is a 409
/// carrying the nearest free `alternatives`.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/accept", tag = "requests",
    params(("event" = String, Path), ("id" = String, Path)), request_body = Option<AcceptBody>,
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    MaybeJson(body): MaybeJson<AcceptBody>,
) -> ApiResult<axum::Json<RequestView>> {
    let slot = body.and_then(|b| b.slot);
    answer(state, caller, event, id, Response::Accepted, slot).await
}

/// Declines a request (an invitee). The request becomes `declined`.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/decline", tag = "requests",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    answer(state, caller, event, id, Response::Declined, None).await
}

/// Withdraws a pending or accepted request (the requester). An accepted meeting's slot and
/// table are freed at once (it stays in agendas as cancelled).
#[utoipa::path(post, path = "/events/{event}/requests/{id}/withdraw", tag = "requests",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    caller.in_event(&event)?;
    let me = caller.participant_in(&event)?;
    let done = requests::withdraw(state.store.as_ref(), &event, &id, &me.id, state.clock.now()).await?;
    Ok(after(&state, &event, done).await)
}
