//! Auto-proposals (organiser): meeting requests proposed for the participants who asked for
//! few meetings, taken from their recommendations, with the reasons as the message.

use axum::extract::State;

use super::extract::Path;
use axum::http::StatusCode;
use chrono::Utc;
use rendezvous_matchmaking as engine;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::json::Json;
use super::requests::RequestView;
use crate::domain::ids::new_id;
use crate::domain::request::MAX_MESSAGE;
use crate::domain::{Invalid, RequestStatus, Response};
use crate::matchmaking::propose;
use crate::state::AppState;
use crate::store::{Invitee, MeetingRequest};

/// Priority of a proposed meeting: below what participants usually give the meetings they
/// asked for themselves, so the solver favours those.
const PROPOSAL_PRIORITY: u32 = 2;
/// Largest `min_requests` and `per_participant`.
const MAX_SETTING: usize = 100;

/// `POST /events/{event}/proposals`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalRun {
    /// Participants with fewer pending or accepted requests of their own than this get
    /// proposals up to this many (1–100).
    pub min_requests: usize,
    /// Most proposals one participant receives as invitee in this run (1–100), so popular
    /// participants are not flooded.
    pub per_participant: usize,
    /// Quiet participants handled by this run (1–5000, default 1000), in id order: a big
    /// event is worked through in pages, each well within the request time limit.
    #[serde(default = "default_batch")]
    pub max_participants: usize,
    /// Continue after this participant: the `next` of the previous run.
    #[serde(default)]
    pub after: Option<String>,
}

fn default_batch() -> usize {
    1000
}

/// Largest `max_participants`.
const MAX_BATCH: usize = 5000;

/// One proposed request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposalView {
    /// The pending request, made on behalf of its requester.
    pub request: RequestView,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// What a run created.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposalReport {
    pub created: usize,
    pub proposals: Vec<ProposalView>,
    /// Quiet participants this run did not reach (`max_participants`).
    pub remaining: usize,
    /// When some remain: pass it as `after` to the next run.
    pub next: Option<String>,
}

struct Settings {
    min_requests: usize,
    per_participant: usize,
    max_participants: usize,
    after: Option<String>,
}

impl TryFrom<ProposalRun> for Settings {
    type Error = Invalid;

    fn try_from(run: ProposalRun) -> Result<Self, Invalid> {
        let mut errors = Invalid::default();
        for (value, pointer) in [
            (run.min_requests, "/min_requests"),
            (run.per_participant, "/per_participant"),
        ] {
            if !(1..=MAX_SETTING).contains(&value) {
                errors.push(pointer, format!("must be between 1 and {MAX_SETTING}"));
            }
        }
        if !(1..=MAX_BATCH).contains(&run.max_participants) {
            errors.push("/max_participants", format!("must be between 1 and {MAX_BATCH}"));
        }
        errors.into_result(Settings {
            min_requests: run.min_requests,
            per_participant: run.per_participant,
            max_participants: run.max_participants,
            after: run.after,
        })
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_proposals))
}

/// Proposes meetings (organiser): for every participant with fewer than `min_requests`
/// pending or accepted requests of its own, pending requests to its best recommendations
/// (same exclusions as recommendations, so a pair already requested is never proposed
/// again: running it twice does not duplicate requests). All are created or none.
#[utoipa::path(post, path = "/events/{event}/proposals", tag = "matchmaking", params(("event" = String, Path)),
    request_body = ProposalRun,
    responses((status = 201, body = ProposalReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_proposals(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<ProposalRun>,
) -> ApiResult<(StatusCode, axum::Json<ProposalReport>)> {
    caller.organiser()?;
    let settings = Settings::try_from(body)?;
    let spec = state.store.event(&event).await?.spec()?;
    let (proposals, next, remaining) = propose(
        state.store.as_ref(),
        &state.matchmaking,
        &event,
        settings.min_requests,
        settings.per_participant,
        (settings.after.as_deref(), settings.max_participants),
    )
    .await?;
    let now = Utc::now();
    let requests: Vec<MeetingRequest> = proposals
        .iter()
        .map(|p| MeetingRequest {
            id: new_id("req"),
            event_id: event.clone(),
            requester: p.requester.clone(),
            invitees: vec![Invitee {
                participant: p.invitee.clone(),
                response: Response::Pending,
                slot: None,
            }],
            duration_minutes: spec.slot_minutes,
            priority: PROPOSAL_PRIORITY,
            message: message(&p.reasons),
            features: Vec::new(),
            status: RequestStatus::Pending,
            created_at: now,
            updated_at: now,
            life: Default::default(),
        })
        .collect();
    state.store.create_requests(&requests).await?;
    let proposals: Vec<ProposalView> = requests
        .into_iter()
        .zip(proposals)
        .map(|(request, p)| ProposalView {
            request: request.into(),
            score: p.score,
            reasons: p.reasons.iter().map(ToString::to_string).collect(),
        })
        .collect();
    Ok((
        StatusCode::CREATED,
        axum::Json(ProposalReport {
            created: proposals.len(),
            proposals,
            remaining,
            next,
        }),
    ))
}

/// The request's message: the reasons, within the message length limit.
fn message(reasons: &[engine::Reason]) -> String {
    let said: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    let text = format!("Proposed by the organisers: {}.", said.join("; "));
    if text.chars().count() <= MAX_MESSAGE {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_MESSAGE - 1).collect();
    cut.push('…');
    cut
}
