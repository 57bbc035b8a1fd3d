//! Schedule runs (organiser): solve in the background, watch progress, inspect the
//! solution, publish it as the next timetable version. And the problem document itself.

use axum::extract::State;

use super::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::response::sse::Event;
use futures::StreamExt as _;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use super::preconditions::IfMatch;
use super::sse;
use super::timetable::TIMETABLE_PART;
use crate::cluster::{agenda_etag, channels};
use crate::jobs::control::{self, RunControlError};
use crate::jobs::publish::PublishRunError;
use crate::jobs::{RunNews, RunSummary, problem_doc};
use crate::state::AppState;

impl From<RunControlError> for ApiError {
    fn from(e: RunControlError) -> Self {
        match e {
            RunControlError::Invalid(invalid) => Self::Invalid(invalid),
            RunControlError::Conflict(m) => Self::Conflict(m),
            RunControlError::Unavailable(m) => Self::Unavailable(m),
            RunControlError::Store(e) => e.into(),
        }
    }
}
use crate::store::RunStatus;

/// `POST /events/{event}/schedules`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchedule {
    /// Wall-clock budget of the solve, 1–3600 seconds (default 30).
    #[serde(default = "thirty")]
    #[schema(minimum = 1, maximum = 3600, default = 30)]
    pub time_limit_seconds: u32,
}

fn thirty() -> u32 {
    30
}

/// The outcome of a publish.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Published {
    /// The new timetable version.
    pub version: i64,
    /// Meetings in it.
    pub meetings: usize,
    /// Requests the schedule placed that are no longer accepted (withdrawn since the
    /// solve): left out.
    pub skipped: Vec<String>,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_schedule))
        .routes(routes!(get_schedule))
        .routes(routes!(cancel_schedule))
        .routes(routes!(schedule_events))
        .routes(routes!(get_solution))
        .routes(routes!(publish))
        .routes(routes!(get_problem))
}

/// Starts a solve in the background (organiser). One run per event at a time.
#[utoipa::path(post, path = "/events/{event}/schedules", tag = "schedules", params(("event" = String, Path)),
    request_body = CreateSchedule,
    responses((status = 202, body = RunSummary), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<CreateSchedule>,
) -> ApiResult<(StatusCode, axum::Json<RunSummary>)> {
    caller.organiser()?;
    let run = control::start_run(
        state.store.as_ref(),
        &state.cluster,
        &event,
        body.time_limit_seconds,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(run.into())))
}

/// A run's status and progress (organiser).
#[utoipa::path(get, path = "/events/{event}/schedules/{id}", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RunSummary), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<RunSummary>> {
    caller.organiser()?;
    Ok(axum::Json(state.store.run(&event, &id).await?.into()))
}

/// Stops a queued or running solve (organiser): the run ends `failed` with "cancelled by
/// the organiser", on whichever worker runs it.
#[utoipa::path(post, path = "/events/{event}/schedules/{id}/cancel", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 202, body = RunSummary), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 503, body = Problem)))]
async fn cancel_schedule(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<(StatusCode, axum::Json<RunSummary>)> {
    caller.organiser()?;
    let run = control::cancel_run(state.store.as_ref(), &state.cluster, &event, &id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(run.into())))
}

/// A run's live progress as Server-Sent Events (organiser), from whichever node runs it:
/// `status` events carry the run (first its current state, then every change), `progress`
/// events the incumbent, bound, gap, elapsed_seconds and phase. The stream ends after the
/// run is done or failed, or when the node shuts down. A token holds at most
/// `RENDEZVOUS_STREAMS_PER_TOKEN` streams open at once on a node.
#[utoipa::path(get, path = "/events/{event}/schedules/{id}/events", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RunEvent, content_type = "text/event-stream"),
              (status = 403, body = Problem),
              (status = 429, body = Problem, description = "this token holds its most streams open (`RENDEZVOUS_STREAMS_PER_TOKEN`, default 4, per node)",
               headers(("Retry-After" = u64, description = "seconds"))),
              (status = 503, body = Problem)))]
async fn schedule_events(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.organiser()?;
    run_events(&state, &event, &id, &caller.idempotency_scope()).await
}

/// A run's progress stream, for whoever was let in (the API's organiser token, the
/// organiser's web session), `caller` counted against its stream cap.
pub async fn run_events(state: &AppState, event: &str, id: &str, caller: &str) -> ApiResult<Response> {
    let slot = sse::slot(state, caller)?;
    // Subscribe before reading the state, so that nothing happens unseen in between.
    let messages = state
        .cluster
        .bus
        .subscribe(&channels::progress(event, id))
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "cannot follow run progress");
            ApiError::Unavailable("live progress is unavailable right now".into())
        })?;
    let current = RunSummary::from(state.store.run(event, id).await?);
    let first_is_last = is_final(&current);
    let first = futures::stream::once(async move { RunNews::Status(current) });
    let news =
        messages.filter_map(|message| async move { serde_json::from_str::<RunNews>(&message.payload).ok() });
    let news = if first_is_last {
        first.boxed()
    } else {
        first.chain(news).boxed()
    };
    // End right after the final status, including it.
    let stream = futures::stream::unfold((news, false), |(mut news, ended)| async move {
        if ended {
            return None;
        }
        let item = news.next().await?;
        let ended = matches!(&item, RunNews::Status(view) if is_final(view));
        Some((Ok::<_, std::convert::Infallible>(sse_event(&item)), (news, ended)))
    });
    Ok(sse::live(stream, state.shutdown.clone(), slot))
}

/// One event of a run's progress stream: `status` with the run, or `progress`.
pub struct RunEvent;

impl utoipa::PartialSchema for RunEvent {
    fn schema() -> RefOr<Schema> {
        sse::events_schema(&[
            ("status", Ref::from_schema_name(RunSummary::name()).into()),
            (
                "progress",
                ObjectBuilder::new()
                    .description(Some("incumbent, bound, gap, elapsed_seconds, phase"))
                    .into(),
            ),
        ])
    }
}

impl ToSchema for RunEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((RunSummary::name().into(), RunSummary::schema()));
        RunSummary::schemas(schemas);
    }
}

fn is_final(view: &RunSummary) -> bool {
    matches!(view.status, RunStatus::Done | RunStatus::Failed)
}

fn sse_event(news: &RunNews) -> Event {
    let (name, data) = match news {
        RunNews::Progress(progress) => ("progress", progress.to_string()),
        RunNews::Status(view) => (
            "status",
            serde_json::to_string(view).unwrap_or_else(|_| "{}".into()),
        ),
    };
    Event::default().event(name).data(data)
}

fn json_text(text: String) -> Response {
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A done run's `rendezvous-solution/1` document (organiser): placements, and each
/// unscheduled meeting with its reason.
#[utoipa::path(get, path = "/events/{event}/schedules/{id}/solution", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Object, description = "a rendezvous-solution/1 document"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
async fn get_solution(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.organiser()?;
    let run = state.store.run(&event, &id).await?;
    match (run.status, run.solution) {
        (RunStatus::Done, Some(solution)) => Ok(json_text(solution)),
        (status, _) => Err(ApiError::Conflict(format!(
            "the run is {}; it has no solution",
            status.as_str()
        ))),
    }
}

/// Publishes a done run as the next timetable version, atomically (organiser): its
/// placements replace the solver's previous ones in the live timetable, around the meetings
/// booked meanwhile, which stay where they are (a run that clashes with one is a 409).
/// Everything is checked again in the publish's transaction: requests withdrawn since are
/// left out (`skipped`), a run older than the published one is a 409 naming it (it would
/// revert the timetable), and with `If-Match` the timetable must still be the one read.
#[utoipa::path(post, path = "/events/{event}/schedules/{id}/publish", tag = "schedules",
    params(("event" = String, Path), ("id" = String, Path),
           ("If-Match" = Option<String>, Header, nullable = false, description = "The `ETag` of the organiser's `GET …/timetable` this publish was decided on (or `*`): a timetable changed since (a publish, a booking, a move) is not replaced (412)")),
    responses((status = 200, body = Published), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem, description = "The run is not done, clashes with a meeting booked since, or is older than the published run"),
              (status = 412, body = Problem, description = "The timetable changed since the `If-Match` copy was read; nothing was published")))]
async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<axum::Json<Published>> {
    caller.organiser()?;
    let if_match = IfMatch::from_headers(&headers)?;
    let timetable_etag =
        |revision: i64| agenda_etag(&event, u64::try_from(revision).unwrap_or(0), TIMETABLE_PART);
    let current_ok = |revision: i64| if_match.allows(&timetable_etag(revision));
    let published = state
        .publish_run(&event, &id, &current_ok)
        .await
        .map_err(|e| match e {
            PublishRunError::Stale(revision) => ApiError::PreconditionFailed(format!(
                "If-Match: the timetable changed since it was read; its ETag is now {}",
                timetable_etag(revision)
            )),
            not_done @ PublishRunError::NotDone(_) => ApiError::Conflict(not_done.to_string()),
            PublishRunError::Mismatch(reason) => ApiError::Conflict(reason),
            PublishRunError::Store(e) => e.into(),
        })?;
    Ok(axum::Json(Published {
        version: published.version,
        meetings: published.meetings,
        skipped: published.skipped,
    }))
}

/// The `rendezvous-problem/1` document a run would solve now (organiser), with `current`
/// set from the published timetable.
#[utoipa::path(get, path = "/events/{event}/problem", tag = "schedules", params(("event" = String, Path)),
    responses((status = 200, body = Object, description = "a rendezvous-problem/1 document"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<rendezvous_solver::ProblemDoc>> {
    caller.organiser()?;
    Ok(axum::Json(problem_doc(state.store.as_ref(), &event).await?))
}
