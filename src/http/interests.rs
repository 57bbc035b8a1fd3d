//! Want-to-meet marks. When two participants mark each other, the meeting is agreed: a
//! request between them is created already accepted, exactly once per pair. The rule is
//! `crate::interests`', shared with the profile page's "want to meet".

use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem, empty};
use super::page::paged;
use super::requests::RequestView;
use crate::interests;
use crate::state::AppState;
use crate::store::Interest;

/// A participant the caller wants to meet.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InterestView {
    /// Whom the caller wants to meet.
    pub participant: String,
    pub created_at: DateTime<Utc>,
    /// Whether they marked the caller too.
    pub mutual: bool,
}

/// The answer to a mark.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MarkView {
    #[serde(flatten)]
    pub interest: InterestView,
    /// When the interest is mutual: the meeting request between the two (created accepted by
    /// the mark that made it mutual, or the request they already had).
    pub request: Option<RequestView>,
}

impl From<Interest> for InterestView {
    fn from(i: Interest) -> Self {
        Self {
            participant: i.target,
            created_at: i.created_at,
            mutual: i.mutual,
        }
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mark, unmark))
        .routes(routes!(my_interests))
}

/// Marks that the caller (a participant) wants to meet `{id}`. Marking twice changes
/// nothing. If `{id}` marked the caller too and they have no pending or accepted request,
/// an accepted request between them is created (one, however many marks race).
#[utoipa::path(put, path = "/events/{event}/participants/{id}/interest", tag = "matchmaking",
    params(("event" = String, Path), ("id" = String, Path, description = "whom the caller wants to meet")),
    responses((status = 200, body = MarkView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn mark(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<MarkView>> {
    let me = caller.participant_in(&event)?;
    let marked = interests::mark(state.store.as_ref(), &event, &me.id, &id).await?;
    Ok(axum::Json(MarkView {
        interest: marked.interest.into(),
        request: marked.request.map(RequestView::from),
    }))
}

/// Removes the caller's mark on `{id}` (204 whether or not there was one). A meeting the
/// mutual interest already created stays; withdraw it through its request.
#[utoipa::path(delete, path = "/events/{event}/participants/{id}/interest", tag = "matchmaking",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn unmark(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let me = caller.participant_in(&event)?;
    interests::unmark(state.store.as_ref(), &event, &me.id, &id).await?;
    Ok(empty(StatusCode::NO_CONTENT))
}

/// The caller's own want-to-meet marks, oldest first (a participant).
#[utoipa::path(get, path = "/events/{event}/interests", tag = "matchmaking", params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<InterestView>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn my_interests(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let me = caller.participant_in(&event)?;
    let marks = state.store.interests(&event, &me.id).await?;
    let path = format!("/api/v1/events/{event}/interests");
    paged(&path, &pairs, marks, |m| m.target.as_str(), InterestView::from)
}
