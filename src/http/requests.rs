//! Meeting requests: asked by one participant of others, answered by each invitee,
//! withdrawn by the requester. Every transition is a compare-and-set in the store.

use axum::extract::State;

use super::extract::Path;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::json::Json;
use crate::domain::{RequestStatus, Response};
use crate::requests::{self, NewRequest};
use crate::state::AppState;
use crate::store::MeetingRequest;

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
}

/// One invitee's answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResponseView {
    pub participant: String,
    pub response: Response,
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
}

impl From<MeetingRequest> for RequestView {
    fn from(r: MeetingRequest) -> Self {
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
                })
                .collect(),
            duration_minutes: r.duration_minutes,
            priority: r.priority,
            message: r.message,
            features: r.features,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
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
    };
    let request = requests::create(state.store.as_ref(), &event, &me.id, body).await?;
    Ok((StatusCode::CREATED, axum::Json(request.into())))
}

/// The caller's requests, asked and received (organiser: all of the event's).
#[utoipa::path(get, path = "/events/{event}/requests", tag = "requests", params(("event" = String, Path)),
    responses((status = 200, body = Vec<RequestView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<Vec<RequestView>>> {
    caller.in_event(&event)?;
    state.store.event(&event).await?;
    let mine = match &caller {
        Caller::Organiser => None,
        Caller::Participant(p) => Some(p.id.as_str()),
    };
    let requests = state.store.requests(&event, mine).await?;
    Ok(axum::Json(requests.into_iter().map(RequestView::from).collect()))
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
) -> ApiResult<RequestView> {
    caller.in_event(&event)?;
    let me = caller.participant_in(&event)?;
    Ok(
        requests::answer(state.store.as_ref(), &event, &id, &me.id, answer)
            .await?
            .into(),
    )
}

/// Accepts a request (an invitee). It becomes `accepted` once every invitee accepted.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/accept", tag = "requests",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    answer(state, caller, event, id, Response::Accepted)
        .await
        .map(axum::Json)
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
    answer(state, caller, event, id, Response::Declined)
        .await
        .map(axum::Json)
}

/// Withdraws a pending or accepted request (the requester). A published meeting leaves the
/// timetable at the next publish.
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
    Ok(axum::Json(
        requests::withdraw(state.store.as_ref(), &event, &id, &me.id)
            .await?
            .into(),
    ))
}
