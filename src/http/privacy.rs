//! A participant's data as a whole: everything stored about it, in one document (for the
//! participant itself or the organiser), its erasure, and a new token in place of one leaked
//! or lost (the organiser).

use axum::Extension;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::idempotency::ShownOnce;
use super::interests::InterestView;
use super::messages::{MessageView, view};
use super::participants::ParticipantView;
use super::requests::RequestView;
use crate::domain::ids::{hash_token, new_participant_token};
use crate::state::AppState;
use crate::store::MessageFilter;
use crate::timetable::MeetingView;

/// Everything rendezvous keeps about one participant.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantExport {
    /// The whole profile, private fields included.
    pub participant: ParticipantView,
    /// The requests it made or was asked, with every answer.
    pub requests: Vec<RequestView>,
    /// Whom it marked as wanting to meet.
    pub interests: Vec<InterestView>,
    /// Its meetings in the published timetable.
    pub agenda: Vec<MeetingView>,
    /// The messages sent (or to be sent) to it.
    pub messages: Vec<MessageView>,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_participant))
        .routes(routes!(erase_participant))
        .routes(routes!(rotate_token))
}

/// A participant's new token, shown this once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RotatedToken {
    pub id: String,
    /// The participant's bearer token from now on; the old one no longer works.
    pub token: String,
}

/// Gives a participant a new token (organiser): the old one stops working at once, and every
/// web session signed in with it ends. The store's token replacement is the one the mail
/// sender uses when an invitation carrying a new sign-in link is delivered; an invitation
/// keeps the participant's open sessions (it gives access), a rotation revokes them (the old
/// token may be in someone else's hands). No body.
#[utoipa::path(post, path = "/events/{event}/participants/{id}/token", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RotatedToken), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn rotate_token(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<(Extension<ShownOnce>, axum::Json<RotatedToken>)> {
    caller.organiser()?;
    let token = state.rotate_token(&event, &id).await?;
    tracing::info!(event, participant = id, "participant token rotated");
    Ok((
        Extension(ShownOnce(format!(
            "the first request with this Idempotency-Key gave participant {id} a new token; a \
             token is shown once, in that first response, and never kept or repeated: rotate \
             again for another"
        ))),
        axum::Json(RotatedToken { id, token }),
    ))
}

/// Every datum kept about a participant (the participant itself, or the organiser).
#[utoipa::path(get, path = "/events/{event}/participants/{id}/export", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ParticipantExport), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 429, body = Problem, description = "over the participant's limit of reads that compute (`RENDEZVOUS_EXPENSIVE_READS_PER_MINUTE`, default 60 a minute, through the API and the pages together); retry after `Retry-After` seconds")))]
async fn export_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<ParticipantExport>> {
    caller.organiser_or_self(&event, &id)?;
    super::limits::expensive_read(&state.read_limits, &caller).await?;
    let participant = state.store.participant(&event, &id).await?;
    let requests = state.store.requests_of(&event, &id).await?;
    let interests = state.store.interests(&event, &id).await?;
    let published = state.timetables.get(&state.store, &event).await?;
    let agenda = published.meetings_of(&id).map(|m| m.view.clone()).collect();
    let mut messages = Vec::new();
    let mut filter = MessageFilter {
        recipient: Some(id.clone()),
        limit: 1000,
        ..MessageFilter::default()
    };
    loop {
        let page = state.store.messages(&event, &filter).await?;
        let full = page.len() == filter.limit as usize;
        filter.after = page.last().map(|m| m.id.clone());
        messages.extend(page.into_iter().map(|m| view(&state, m)));
        if !full {
            break;
        }
    }
    Ok(axum::Json(ParticipantExport {
        participant: (&participant).into(),
        requests: requests.into_iter().map(RequestView::from).collect(),
        interests: interests.into_iter().map(InterestView::from).collect(),
        agenda,
        messages,
    }))
}

/// Erases a participant's personal data (organiser): the profile becomes a name of `—` and
/// nothing else, the address, settings and token go (it can no longer sign in), and so do
/// its messages, want-to-meet marks, sessions and the texts of its requests. Its meetings
/// stay in the others' agendas, under that name. Cannot be undone.
#[utoipa::path(post, path = "/events/{event}/participants/{id}/erase", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ParticipantView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn erase_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<ParticipantView>> {
    caller.organiser()?;
    // A token nobody is given: the old one stops working, and no new one exists.
    let unusable = hash_token(&new_participant_token());
    let erased = state.store.erase_participant(&event, &id, &unusable).await?;
    tracing::info!(event, participant = id, "participant's personal data erased");
    Ok(axum::Json((&erased).into()))
}
