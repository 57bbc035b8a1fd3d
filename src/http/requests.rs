//! Meeting requests: asked by one participant of others, answered by each invitee,
//! withdrawn by the requester. Every transition is a compare-and-set in the store.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use crate::domain::ids::new_id;
use crate::domain::request::{MAX_INVITEES, MAX_MESSAGE, PRIORITY};
use crate::domain::{Invalid, RequestStatus, Response, labels};
use crate::state::AppState;
use crate::store::{Invitee, MeetingRequest};

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
    let spec = state.store.event(&event).await?.spec()?;
    let everyone = state.store.participants(&event).await?;
    let mut errors = Invalid::default();
    if body.with.is_empty() {
        errors.push("/with", "invite at least one participant");
    }
    if body.with.len() > MAX_INVITEES {
        errors.push("/with", format!("at most {MAX_INVITEES} invitees"));
    }
    let mut invitees: Vec<Invitee> = Vec::new();
    for (i, id) in body.with.iter().enumerate() {
        let pointer = format!("/with/{i}");
        if *id == me.id {
            errors.push(pointer, "you cannot invite yourself");
        } else if !everyone.iter().any(|p| p.id == *id) {
            errors.push(pointer, format!("unknown participant {id:?}"));
        } else if invitees.iter().any(|inv| inv.participant == *id) {
            errors.push(pointer, format!("{id:?} is invited twice"));
        } else {
            invitees.push(Invitee {
                participant: id.clone(),
                response: Response::Pending,
            });
        }
    }
    let slot = spec.slot_minutes;
    if body.duration_minutes == 0 || body.duration_minutes % slot != 0 {
        errors.push(
            "/duration_minutes",
            format!("must be a whole number of {slot}-minute slots"),
        );
    } else if body.duration_minutes > spec.longest_session_minutes() {
        errors.push(
            "/duration_minutes",
            format!(
                "longer than the longest session ({} minutes)",
                spec.longest_session_minutes()
            ),
        );
    }
    if !PRIORITY.contains(&body.priority) {
        errors.push(
            "/priority",
            format!("must be between {} and {}", PRIORITY.start(), PRIORITY.end()),
        );
    }
    if body.message.chars().count() > MAX_MESSAGE {
        errors.push("/message", format!("at most {MAX_MESSAGE} characters"));
    }
    let features = labels(&body.features, "/features", &mut errors);
    let now = Utc::now();
    let request = errors.into_result(MeetingRequest {
        id: new_id("req"),
        event_id: event,
        requester: me.id,
        invitees,
        duration_minutes: body.duration_minutes,
        priority: body.priority,
        message: body.message.trim().to_string(),
        features,
        status: RequestStatus::Pending,
        created_at: now,
        updated_at: now,
    })?;
    state.store.create_request(&request).await?;
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
    let request = state.store.request(event, id).await?;
    match caller {
        Caller::Participant(p) if !request.involves(&p.id) => Err(ApiError::NotFound),
        _ => Ok(request),
    }
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
    let request = visible(&state, &caller, &event, &id).await?;
    let me = caller.participant_in(&event)?;
    if !request.invitees.iter().any(|i| i.participant == me.id) {
        return Err(ApiError::forbidden("only an invitee may answer a request"));
    }
    Ok(state.store.respond(&event, &id, &me.id, answer).await?.into())
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
    let request = visible(&state, &caller, &event, &id).await?;
    let me = caller.participant_in(&event)?;
    if request.requester != me.id {
        return Err(ApiError::forbidden("only the requester may withdraw a request"));
    }
    Ok(axum::Json(state.store.withdraw(&event, &id).await?.into()))
}
