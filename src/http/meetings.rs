//! A meeting's life after its request is accepted: free slots, moves, confirmations,
//! cancellation, standby offers, release to the solver (organiser), check-in, feedback and
//! the organiser's report. The rules are `crate::meetings`' and the domain's; each change is
//! one transaction in the store, and every change of the live timetable moves the agenda
//! caches and ETags on.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::extract::Path;
use super::json::Json;
use super::requests::{RequestView, after};
use crate::domain::Outcome;
use crate::domain::booking::FreeStart;
use crate::meetings::{self, Actor, MeetingReport};
use crate::state::AppState;
use crate::store::Feedback;
use crate::timetable::RoomRef;

/// A start slot the meeting can be booked at now, with the room it would get.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FreeSlotView {
    pub slot: String,
    /// RFC 3339 with the event's offset; `end` is the meeting's end.
    pub start: String,
    pub end: String,
    pub room: RoomRef,
}

impl From<FreeStart> for FreeSlotView {
    fn from(f: FreeStart) -> Self {
        Self {
            slot: f.slot,
            start: f.start,
            end: f.end,
            room: RoomRef {
                id: f.room,
                name: f.room_name,
            },
        }
    }
}

/// `POST …/cancel`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// Why, 1–500 characters; shown to the other participants.
    pub reason: String,
}

/// `POST …/move`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// The start slot to move to, free now for every participant.
    pub slot: String,
}

/// `POST …/check-in`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInBody {
    pub outcome: Outcome,
    /// For a no-show, who did not come (default: everyone but the participant who says so;
    /// everyone, for the organiser).
    #[serde(default)]
    pub absent: Option<Vec<String>>,
}

/// `PUT …/feedback`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    /// 1–5.
    pub rating: u32,
    /// Whether to meet again.
    #[serde(default)]
    pub follow_up: bool,
}

/// A participant's own rating (nobody else's is ever shown).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedbackView {
    pub rating: u32,
    pub follow_up: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Feedback> for FeedbackView {
    fn from(f: Feedback) -> Self {
        Self {
            rating: f.rating,
            follow_up: f.follow_up,
            updated_at: f.updated_at,
        }
    }
}

/// The answer to asking for another slot: the meeting is back with the solver; these slots
/// could be proposed as a move at once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RefusedSlotView {
    pub request: RequestView,
    pub alternatives: Vec<FreeSlotView>,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(free_slots))
        .routes(routes!(cancel))
        .routes(routes!(propose_move))
        .routes(routes!(accept_move))
        .routes(routes!(decline_move))
        .routes(routes!(confirm))
        .routes(routes!(refuse_slot))
        .routes(routes!(release))
        .routes(routes!(take_offer))
        .routes(routes!(check_in))
        .routes(routes!(put_feedback, get_feedback))
        .routes(routes!(report))
}

/// Who acts: the organiser, or the calling participant of `event`.
fn actor<'c>(caller: &'c Caller, event: &str) -> ApiResult<Actor<'c>> {
    caller.in_event(event)?;
    Ok(match caller {
        Caller::Organiser => Actor::Organiser,
        Caller::Participant(p) => Actor::Participant(&p.id),
    })
}

/// The start slots free now for every participant of the request, each with a free room
/// that fits (its parties, or the organiser): where it can be accepted at or moved to.
#[utoipa::path(get, path = "/events/{event}/requests/{id}/slots", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<FreeSlotView>), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 429, body = Problem, description = "over the participant's limit of reads that compute (`RENDEZVOUS_EXPENSIVE_READS_PER_MINUTE`, default 60 a minute, through the API and the pages together); retry after `Retry-After` seconds")))]
async fn free_slots(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Vec<FreeSlotView>>> {
    let who = actor(&caller, &event)?;
    super::limits::expensive_read(&state.read_limits, &caller).await?;
    let free = meetings::free_slots(state.store.as_ref(), who, &event, &id, state.clock.now()).await?;
    Ok(axum::Json(free.into_iter().map(FreeSlotView::from).collect()))
}

/// Cancels an accepted meeting (any of its participants), with a reason: its slot and table
/// are freed and offered to standby meetings; agendas keep it as `cancelled`, and its
/// calendar event becomes `STATUS:CANCELLED` with a higher SEQUENCE.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/cancel", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)), request_body = CancelBody,
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<CancelBody>,
) -> ApiResult<axum::Json<RequestView>> {
    let me = caller.participant_in(&event)?;
    let done = meetings::cancel(
        state.store.as_ref(),
        &event,
        &id,
        &me.id,
        &body.reason,
        state.clock.now(),
    )
    .await?;
    Ok(after(&state, &event, done).await)
}

/// Proposes to hold the meeting at another start slot (a participant), free now for
/// everyone; once every other participant accepts, it moves there (same calendar UID,
/// higher SEQUENCE) and is booked. Replaces an earlier proposal.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/move", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)), request_body = MoveBody,
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
async fn propose_move(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<MoveBody>,
) -> ApiResult<axum::Json<RequestView>> {
    let me = caller.participant_in(&event)?;
    let store = state.store.as_ref();
    let done = meetings::propose_move(store, &event, &id, &me.id, &body.slot, state.clock.now()).await?;
    Ok(after(&state, &event, done).await)
}

async fn answer_move(
    state: AppState,
    caller: Caller,
    event: String,
    id: String,
    accept: bool,
) -> ApiResult<axum::Json<RequestView>> {
    let me = caller.participant_in(&event)?;
    let done = meetings::answer_move(
        state.store.as_ref(),
        &event,
        &id,
        &me.id,
        accept,
        state.clock.now(),
    )
    .await?;
    Ok(after(&state, &event, done).await)
}

/// Accepts the proposed move (a participant other than its proposer); the last acceptance
/// moves the meeting, or is a 409 with `alternatives` when the slot was taken meanwhile.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/move/accept", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn accept_move(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    answer_move(state, caller, event, id, true).await
}

/// Declines (or, for its proposer, withdraws) the proposed move; the meeting stays where it is.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/move/decline", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn decline_move(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    answer_move(state, caller, event, id, false).await
}

/// Confirms the slot the published timetable gave the meeting (a participant); once every
/// participant confirmed, it is `confirmed`.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/confirm", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    let me = caller.participant_in(&event)?;
    let done = meetings::confirm(state.store.as_ref(), &event, &id, &me.id, state.clock.now()).await?;
    Ok(after(&state, &event, done).await)
}

/// Asks for another slot than the published one (a participant): the slot is kept out of
/// this meeting's, the meeting goes back to the solver, and the free slots it could move to
/// at once come back as `alternatives` (propose one with `…/move`).
#[utoipa::path(post, path = "/events/{event}/requests/{id}/refuse-slot", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RefusedSlotView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn refuse_slot(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RefusedSlotView>> {
    let me = caller.participant_in(&event)?;
    let (done, free) =
        meetings::refuse_slot(state.store.as_ref(), &event, &id, &me.id, state.clock.now()).await?;
    let axum::Json(request) = after(&state, &event, done).await;
    Ok(axum::Json(RefusedSlotView {
        request,
        alternatives: free.into_iter().map(FreeSlotView::from).collect(),
    }))
}

/// Releases a booked meeting to the solver (organiser): it stays where it is, but the next
/// solve may move it like any scheduled meeting.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/release", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn release(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    caller.organiser()?;
    let done = meetings::release(state.store.as_ref(), &event, &id, state.clock.now()).await?;
    Ok(after(&state, &event, done).await)
}

/// Takes the slot a cancellation freed and offered to this accepted meeting (any of its
/// participants: they accepted it at any time). The first meeting to take it books it; a
/// slot taken meanwhile is a 409 with `alternatives`.
#[utoipa::path(post, path = "/events/{event}/requests/{id}/offer/accept", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn take_offer(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RequestView>> {
    let me = caller.participant_in(&event)?;
    let done = meetings::take_offer(state.store.as_ref(), &event, &id, &me.id, state.clock.now()).await?;
    Ok(after(&state, &event, done).await)
}

/// Records, after its start, whether the meeting was held or a no-show (a participant once,
/// or the organiser, who may correct it).
#[utoipa::path(post, path = "/events/{event}/requests/{id}/check-in", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)), request_body = CheckInBody,
    responses((status = 200, body = RequestView), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn check_in(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<CheckInBody>,
) -> ApiResult<axum::Json<RequestView>> {
    let who = actor(&caller, &event)?;
    let store = state.store.as_ref();
    let done = meetings::check_in(
        store,
        who,
        &event,
        &id,
        body.outcome,
        body.absent,
        state.clock.now(),
    )
    .await?;
    Ok(after(&state, &event, done).await)
}

/// Rates a held meeting (a participant; again to change it). Private: no other participant
/// ever sees it; the organiser sees averages only.
#[utoipa::path(put, path = "/events/{event}/requests/{id}/feedback", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)), request_body = FeedbackBody,
    responses((status = 200, body = FeedbackView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
async fn put_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<FeedbackBody>,
) -> ApiResult<axum::Json<FeedbackView>> {
    let me = caller.participant_in(&event)?;
    let store = state.store.as_ref();
    let saved = meetings::rate(
        store,
        &event,
        &id,
        &me.id,
        body.rating,
        body.follow_up,
        state.clock.now(),
    )
    .await?;
    Ok(axum::Json(saved.into()))
}

/// The caller's own rating of the meeting (404 until it rated it).
#[utoipa::path(get, path = "/events/{event}/requests/{id}/feedback", tag = "meetings",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = FeedbackView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<FeedbackView>> {
    let me = caller.participant_in(&event)?;
    let mine = meetings::my_feedback(state.store.as_ref(), &event, &id, &me.id).await?;
    Ok(axum::Json(mine.ok_or(super::error::ApiError::NotFound)?.into()))
}

/// The meetings at a glance (organiser): how many are pending, booked, scheduled,
/// confirmed, cancelled, held or no-shows, the ratings' averages, and each participant's
/// held, no-show and cancelled meetings with the average rating its meetings received.
#[utoipa::path(get, path = "/events/{event}/meetings/report", tag = "meetings", params(("event" = String, Path)),
    responses((status = 200, body = MeetingReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<MeetingReport>> {
    caller.organiser()?;
    state.store.event(&event).await?;
    Ok(axum::Json(meetings::report(state.store.as_ref(), &event).await?))
}
