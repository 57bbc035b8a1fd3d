//! Recommendations: whom a participant should meet, ranked and explained.

use axum::extract::State;

use super::extract::{Path, Query};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::participants::DirectoryEntry;
use crate::domain::Invalid;
use crate::matchmaking::{Sees, recommend};
use crate::state::AppState;
use crate::store::StoreError;

/// Recommendations per call unless `limit` says otherwise.
const DEFAULT_LIMIT: usize = 20;
/// Most recommendations per call.
const MAX_LIMIT: usize = 100;

/// One recommended participant: only its public profile, why, and how strongly.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecommendationView {
    pub participant: DirectoryEntry,
    /// Ranking score: higher is better, comparable within one answer only.
    pub score: f64,
    /// Why, in words quoting both profiles (as "you seek flood sensors; HydroSense offers
    /// flood sensors", "both work on mobility", "you share English").
    pub reasons: Vec<String>,
}

/// The recommendations for one participant, best first.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendations {
    /// Whom they are for.
    #[serde(rename = "for")]
    pub for_: String,
    pub recommendations: Vec<RecommendationView>,
}

/// The query string, parsed: how many, and for whom.
struct RecommendationQuery {
    limit: usize,
    for_: Option<String>,
}

impl TryFrom<Vec<(String, String)>> for RecommendationQuery {
    type Error = Invalid;

    /// Query parameters are named in errors as `/<parameter>`.
    fn try_from(pairs: Vec<(String, String)>) -> Result<Self, Invalid> {
        let mut errors = Invalid::default();
        let mut query = RecommendationQuery {
            limit: DEFAULT_LIMIT,
            for_: None,
        };
        for (name, value) in pairs {
            match name.as_str() {
                "limit" => match value.trim().parse::<usize>() {
                    Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => query.limit = limit,
                    _ => errors.push("/limit", format!("a whole number from 1 to {MAX_LIMIT}")),
                },
                "for" if !value.trim().is_empty() => query.for_ = Some(value.trim().to_string()),
                "for" => errors.push("/for", "a participant id"),
                _ => errors.push(format!("/{name}"), "unknown query parameter"),
            }
        }
        errors.into_result(query)
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recommendations))
}

/// Whom to meet: participants ranked by how well their offers answer the caller's seeks
/// (and the other way round), shared topics and languages, and the organiser's boosts.
/// Never suggested: the caller, anyone with a pending or accepted request with it, anyone
/// who declined it; nobody when the participant has no free slot or its own `max_meetings`
/// are taken. Others' availability and quotas are private: they shape only the organiser's
/// lists (passing `for`), which also leave out anyone with no free slot in common with the
/// participant and anyone whose `max_meetings` are taken. A participant gets its own.
#[utoipa::path(get, path = "/events/{event}/recommendations", tag = "matchmaking",
    params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "1–100, default 20"),
           ("for" = Option<String>, Query, description = "the participant to recommend for (organiser; a participant may only name itself)")),
    responses((status = 200, body = Recommendations), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem),
              (status = 429, body = Problem, description = "over the participant's limit of reads that compute (`RENDEZVOUS_EXPENSIVE_READS_PER_MINUTE`, default 60 a minute, through the API and the pages together); retry after `Retry-After` seconds")))]
async fn recommendations(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<axum::Json<Recommendations>> {
    caller.in_event(&event)?;
    let query = RecommendationQuery::try_from(pairs)?;
    super::limits::expensive_read(&state.read_limits, &caller).await?;
    let me = match (&caller, query.for_) {
        (Caller::Participant(p), None) => p.id.clone(),
        (Caller::Participant(p), Some(id)) if id == p.id => id,
        (Caller::Participant(_), Some(_)) => {
            return Err(ApiError::forbidden(
                "only the organiser may ask for another participant's recommendations",
            ));
        }
        (Caller::Organiser, Some(id)) => id,
        (Caller::Organiser, None) => {
            return Err(ApiError::field("/for", "the organiser must say for whom"));
        }
    };
    state.store.event(&event).await?;
    if matches!(caller, Caller::Organiser) {
        match state.store.participant(&event, &me).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(ApiError::field("/for", format!("unknown participant {me:?}")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let sees = match caller {
        Caller::Organiser => Sees::Everyone,
        Caller::Participant(_) => Sees::OwnOnly,
    };
    let found = recommend(
        state.store.as_ref(),
        &state.matchmaking,
        &event,
        &me,
        query.limit,
        sees,
    )
    .await?;
    Ok(axum::Json(Recommendations {
        for_: me,
        recommendations: found
            .into_iter()
            .map(|r| RecommendationView {
                participant: (&r.participant).into(),
                score: r.score,
                reasons: r.reasons.iter().map(ToString::to_string).collect(),
            })
            .collect(),
    }))
}
