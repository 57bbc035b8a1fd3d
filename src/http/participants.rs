//! Participants: registration (one at a time or by CSV), the directory, profiles.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::idempotency::ShownOnce;
use super::json::Json;
use super::page::PageQuery;
use super::preconditions::{IfMatch, etag_header, revision_etag};
use crate::domain::ids::{hash_token, new_id, new_participant_token};
use crate::domain::participant::{CreateParticipant, UpdateParticipant};
use crate::domain::{Invalid, Language, NotificationSettings, ParticipantKind};
use crate::profiles;
use crate::setup;
use crate::state::AppState;
use crate::store::Participant;
use crate::store::StoreError;

/// What everyone in the event may see of a participant.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DirectoryEntry {
    pub id: String,
    pub name: String,
    pub kind: ParticipantKind,
    pub organization: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub size: u32,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub offers: Vec<String>,
    pub seeks: Vec<String>,
}

/// A participant's whole profile (the participant itself and the organiser).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantView {
    #[serde(flatten)]
    pub public: DirectoryEntry,
    pub max_meetings: Option<u32>,
    pub unavailable: Vec<String>,
    /// Where its messages go (private).
    pub email: Option<String>,
    /// The language of its messages.
    pub language: Language,
    /// Which optional notices it gets.
    pub notifications: NotificationSettings,
}

/// A registration: the token is shown this once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Registered {
    pub id: String,
    /// The participant's bearer token. Only its hash is kept: it cannot be shown again.
    pub token: String,
    pub participant: ParticipantView,
}

/// One imported CSV row.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportedRow {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    pub id: String,
    pub name: String,
    pub token: String,
}

/// The import report: every row was registered.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    pub rows: Vec<ImportedRow>,
}

impl From<&Participant> for DirectoryEntry {
    fn from(p: &Participant) -> Self {
        Self {
            id: p.id.clone(),
            name: p.profile.name.clone(),
            kind: p.profile.kind,
            organization: p.profile.organization.clone(),
            city: p.profile.city.clone(),
            country: p.profile.country.clone(),
            size: p.profile.size,
            languages: p.profile.languages.clone(),
            topics: p.profile.topics.clone(),
            offers: p.profile.offers.clone(),
            seeks: p.profile.seeks.clone(),
        }
    }
}

impl From<&Participant> for ParticipantView {
    fn from(p: &Participant) -> Self {
        Self {
            public: p.into(),
            max_meetings: p.profile.max_meetings,
            unavailable: p.profile.unavailable.clone(),
            email: p.profile.email.clone(),
            language: p.profile.language,
            notifications: p.profile.notifications,
        }
    }
}

/// What a participant's `ETag` starts with (then its revision).
pub(super) const ETAG_PREFIX: &str = "p";

/// A participant's representation with its `ETag`.
type Tagged = (
    [(header::HeaderName, axum::http::HeaderValue); 1],
    axum::Json<ParticipantView>,
);

fn tagged(participant: &Participant, revision: i64) -> Tagged {
    (
        etag_header(&revision_etag(ETAG_PREFIX, revision)),
        axum::Json(participant.into()),
    )
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_participant, directory))
        .routes(routes!(import_participants))
        .routes(routes!(get_participant, update_participant))
}

/// Registers a participant (organiser). The response holds its token, shown this once.
#[utoipa::path(post, path = "/events/{event}/participants", tag = "participants", params(("event" = String, Path)),
    request_body = CreateParticipant,
    responses((status = 201, body = Registered), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<CreateParticipant>,
) -> ApiResult<(StatusCode, Extension<ShownOnce>, axum::Json<Registered>)> {
    caller.organiser()?;
    let spec = state.store.event(&event).await?.spec()?;
    let mut errors = Invalid::default();
    let profile = body.parse(&spec, "", &mut errors);
    let participant = Participant::new(new_id("p"), &event, errors.into_result(profile)?);
    let token = new_participant_token();
    state
        .store
        .create_participants(&[(participant.clone(), hash_token(&token))])
        .await?;
    Ok((
        StatusCode::CREATED,
        Extension(ShownOnce::participants([participant.id.as_str()])),
        axum::Json(Registered {
            id: participant.id.clone(),
            token,
            participant: (&participant).into(),
        }),
    ))
}

/// Registers participants from CSV (organiser): a header row with the registration's field
/// names, list cells separated by `;`. All rows or none: any bad cell is a 422 naming
/// `/rows/<data row>/<field>` and nothing is registered.
#[utoipa::path(post, path = "/events/{event}/participants/import", tag = "participants",
    params(("event" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn import_participants(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Extension<ShownOnce>, axum::Json<ImportReport>)> {
    caller.organiser()?;
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
        });
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: text/csv".into(),
        ));
    }
    let imported = setup::import_participants(state.store.as_ref(), &event, &body).await?;
    let rows: Vec<ImportedRow> = imported
        .into_iter()
        .map(|i| ImportedRow {
            row: i.row,
            id: i.participant.id,
            name: i.participant.profile.name,
            token: i.token,
        })
        .collect();
    let shown_once = ShownOnce::participants(rows.iter().map(|r| r.id.as_str()));
    Ok((
        StatusCode::CREATED,
        Extension(shown_once),
        axum::Json(ImportReport {
            created: rows.len(),
            rows,
        }),
    ))
}

/// The directory: every participant's public profile (organiser, or a participant of the
/// event).
#[utoipa::path(get, path = "/events/{event}/participants", tag = "participants", params(("event" = String, Path),
           ("limit" = Option<usize>, Query, description = "items per page, 1–1000, default 1000"),
           ("cursor" = Option<String>, Query, description = "the next page's cursor, from the previous page's `Link: rel=\"next\"`")),
    responses((status = 200, body = Vec<DirectoryEntry>, headers(("Link" = String, description = "`<…?cursor=…&limit=…>; rel=\"next\"` when more items follow"))), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn directory(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<axum::response::Response> {
    caller.in_event(&event)?;
    state.store.event(&event).await?;
    let page = PageQuery::parse(&pairs)?;
    let read = state
        .store
        .participants_page(&event, page.after(), page.limit() + 1)
        .await;
    let read = match read {
        Err(StoreError::NotFound) => return Err(page.stale()),
        other => other?,
    };
    let (entries, next) = page.finish(read, |p| p.id.as_str());
    let path = format!("/api/v1/events/{event}/participants");
    Ok(page.respond(&path, entries.iter().map(DirectoryEntry::from).collect(), next))
}

/// A participant's whole profile (the participant itself, or the organiser), with its
/// `ETag` for a conditional `PATCH`.
#[utoipa::path(get, path = "/events/{event}/participants/{id}", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ParticipantView, headers(("ETag" = String, description = "The profile's revision: send it in `If-Match` to change this copy and no later one"))),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Tagged> {
    caller.organiser_or_self(&event, &id)?;
    let (participant, revision) = state.store.participant_at(&event, &id).await?;
    Ok(tagged(&participant, revision))
}

/// Changes a profile (the participant itself, or the organiser). Each change applies to the
/// latest profile, never over a concurrent one; with `If-Match`, only if the profile is
/// still the one that was read (412 otherwise, nothing written).
#[utoipa::path(patch, path = "/events/{event}/participants/{id}", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path),
           ("If-Match" = Option<String>, Header, nullable = false, description = "The `ETag` of the profile this change was made from (or `*`): a profile changed since is not overwritten (412)")),
    request_body = UpdateParticipant,
    responses((status = 200, body = ParticipantView, headers(("ETag" = String, description = "The changed profile's revision"))),
              (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 412, body = Problem, description = "The profile changed since the `If-Match` copy was read; nothing was written"),
              (status = 422, body = Problem)))]
async fn update_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<UpdateParticipant>,
) -> ApiResult<Tagged> {
    caller.organiser_or_self(&event, &id)?;
    if matches!(caller, Caller::Participant(_))
        && let Some(field) = body.organiser_only_field()
    {
        return Err(ApiError::forbidden(format!(
            "only the organiser may change {field}"
        )));
    }
    let if_match = IfMatch::from_headers(&headers)?;
    let current_ok = |revision| if_match.allows(&revision_etag(ETAG_PREFIX, revision));
    let (p, revision) = profiles::update(state.store.as_ref(), &event, &id, &body, &current_ok).await?;
    Ok(tagged(&p, revision))
}
