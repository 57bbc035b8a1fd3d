//! The published timetable, agendas (JSON and iCalendar) and room door signs.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;

use super::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::Event as SseEvent;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{Caller, Reader};
use super::error::{ApiError, ApiResult, Problem};
use super::sse;
use crate::cluster::{agenda_etag, channels, if_none_match_matches};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::timetable::{MeetingView, PublishedTimetable, RoomRef};

/// The published timetable (organiser: every meeting; a participant: its own).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimetableView {
    /// The published version; null while nothing is published.
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

/// A participant's agenda.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgendaView {
    pub participant: String,
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

/// A room's door sign.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomAgendaView {
    pub room: RoomRef,
    pub version: Option<i64>,
    pub meetings: Vec<MeetingView>,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(timetable))
        .routes(routes!(agenda))
        .routes(routes!(agenda_ics))
        .routes(routes!(room_agenda))
        .routes(routes!(updates))
}

/// A published version as the cache numbers it (0: nothing published yet).
fn cache_version(version: Option<i64>) -> u64 {
    version.and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
}

/// Points every node's cache at a newly published version and announces it on the bus.
/// Neither may fail the publish: the cache pointer also expires on its own.
pub async fn announce_version(state: &AppState, event: &str, version: i64) {
    if !state
        .cluster
        .cache
        .set_current_version(event, cache_version(Some(version)))
        .await
    {
        tracing::warn!(
            event,
            version,
            "could not point the timetable cache at the new version"
        );
    }
    let payload = serde_json::json!({ "version": version }).to_string();
    if let Err(err) = state
        .cluster
        .bus
        .publish(&channels::updates(event), &payload)
        .await
    {
        tracing::warn!(event, version, error = %err, "could not announce the new timetable version");
    }
}

/// A read of one part of the published timetable through the cache, with ETag and 304.
///
/// `build` reads the store and returns the published version it saw with the body; the body
/// is then cached under that version. A cache that is down or slow only costs the build.
async fn cached_read<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    event: &str,
    part: &str,
    content_type: &'static str,
    build: F,
) -> ApiResult<Response>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ApiResult<(Option<i64>, Bytes)>>,
{
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    let cached = state.cluster.cache.get_current(event, part).await;
    if let Some(version) = cached.version {
        let etag = agenda_etag(event, version, part);
        if if_none_match.is_some_and(|value| if_none_match_matches(value, &etag)) {
            return Ok(not_modified(&etag));
        }
        if let Some(body) = cached.body {
            metrics::counter!("rendezvous_timetable_cache_total", "result" => "hit").increment(1);
            return Ok(with_etag(body, content_type, &etag));
        }
    }
    metrics::counter!("rendezvous_timetable_cache_total", "result" => "miss").increment(1);
    let (version, body) = build().await?;
    let version = cache_version(version);
    let cache = &state.cluster.cache;
    if cached.version.is_none() {
        cache.set_current_version(event, version).await;
    }
    cache.put(event, version, part, body.clone()).await;
    let etag = agenda_etag(event, version, part);
    if if_none_match.is_some_and(|value| if_none_match_matches(value, &etag)) {
        return Ok(not_modified(&etag));
    }
    Ok(with_etag(body, content_type, &etag))
}

fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

fn with_etag(body: Bytes, content_type: &'static str, etag: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    // Private: an agenda is one participant's; revalidate so a new version shows at once.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
}

fn json_bytes<T: Serialize>(value: &T) -> ApiResult<Bytes> {
    Ok(Bytes::from(
        serde_json::to_vec(value).map_err(anyhow::Error::from)?,
    ))
}

const JSON: &str = "application/json";

/// The event's published timetable, resolved (built once per version on this node).
async fn resolve(state: &AppState, event_id: &str) -> ApiResult<Arc<PublishedTimetable>> {
    Ok(state.timetables.get(&state.store, event_id).await?)
}

/// The published timetable: every meeting for the organiser, its own for a participant.
#[utoipa::path(get, path = "/events/{event}/timetable", tag = "timetable", params(("event" = String, Path)),
    responses((status = 200, body = TimetableView), (status = 304, description = "unchanged (If-None-Match)"),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn timetable(
    State(state): State<AppState>,
    reader: Reader,
    Path(event): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    reader.identity().in_event(&event)?;
    let part = match &reader {
        Reader::Organiser => "timetable".to_owned(),
        Reader::Participant { id, .. } => format!("timetable:{id}"),
    };
    cached_read(&state, &headers, &event, &part, JSON, || async {
        let resolved = resolve(&state, &event).await?;
        let meetings = match &reader {
            Reader::Organiser => resolved.meetings.iter().map(|m| m.view.clone()).collect(),
            Reader::Participant { id, .. } => resolved.meetings_of(id).map(|m| m.view.clone()).collect(),
        };
        let version = resolved.version();
        Ok((version, json_bytes(&TimetableView { version, meetings })?))
    })
    .await
}

/// The resolved timetable and the participant's name (the caller's access is checked
/// already; an unknown participant is a 404).
async fn agenda_of(state: &AppState, event: &str, id: &str) -> ApiResult<(Arc<PublishedTimetable>, String)> {
    let participant = state.store.participant(event, id).await?;
    Ok((resolve(state, event).await?, participant.name))
}

/// A participant's agenda (the participant itself, or the organiser).
#[utoipa::path(get, path = "/events/{event}/participants/{id}/agenda", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = AgendaView), (status = 304, description = "unchanged (If-None-Match)"),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn agenda(
    State(state): State<AppState>,
    reader: Reader,
    Path((event, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    reader.identity().organiser_or_self(&event, &id)?;
    cached_read(
        &state,
        &headers,
        &event,
        &format!("agenda:{id}"),
        JSON,
        || async {
            let (resolved, _) = agenda_of(&state, &event, &id).await?;
            let version = resolved.version();
            let view = AgendaView {
                participant: id.clone(),
                version,
                meetings: resolved.meetings_of(&id).map(|m| m.view.clone()).collect(),
            };
            Ok((version, json_bytes(&view)?))
        },
    )
    .await
}

/// The calendar's language, from `?lang=` (the expo's French when absent).
fn calendar_lang(pairs: &[(String, String)]) -> ApiResult<Lang> {
    let mut lang = Lang::Fr;
    for (name, value) in pairs {
        match name.as_str() {
            "lang" => {
                lang =
                    Lang::parse(value.trim()).ok_or_else(|| ApiError::field("/lang", "one of fr, en, ar"))?;
            }
            _ => return Err(ApiError::field(format!("/{name}"), "unknown query parameter")),
        }
    }
    Ok(lang)
}

/// A participant's agenda as an iCalendar file (the participant itself, or the organiser),
/// its texts in `lang`.
#[utoipa::path(get, path = "/events/{event}/participants/{id}/agenda.ics", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path),
           ("lang" = Option<String>, Query, description = "the language of the meetings' texts: fr (default), en or ar")),
    responses((status = 200, body = String, content_type = "text/calendar"),
              (status = 304, description = "unchanged (If-None-Match)"), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn agenda_ics(
    State(state): State<AppState>,
    reader: Reader,
    Path((event, id)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    reader.identity().organiser_or_self(&event, &id)?;
    let lang = calendar_lang(&pairs)?;
    cached_read(
        &state,
        &headers,
        &event,
        &format!("agenda.ics:{id}:{}", lang.code()),
        "text/calendar; charset=utf-8",
        || agenda_calendar(&state, &event, &id, lang),
    )
    .await
}

async fn agenda_calendar(
    state: &AppState,
    event: &str,
    id: &str,
    lang: Lang,
) -> ApiResult<(Option<i64>, Bytes)> {
    let (resolved, name) = agenda_of(state, event, id).await?;
    let text = resolved.calendar_of(id, &name, lang)?;
    Ok((resolved.version(), Bytes::from(text)))
}

/// What happens in a room, for its door sign (organiser).
#[utoipa::path(get, path = "/events/{event}/rooms/{id}/agenda", tag = "timetable",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = RoomAgendaView), (status = 304, description = "unchanged (If-None-Match)"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn room_agenda(
    State(state): State<AppState>,
    reader: Reader,
    Path((event, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    reader.identity().organiser()?;
    cached_read(&state, &headers, &event, &format!("room:{id}"), JSON, || {
        room_agenda_body(&state, &event, &id)
    })
    .await
}

async fn room_agenda_body(state: &AppState, event: &str, id: &str) -> ApiResult<(Option<i64>, Bytes)> {
    let room = state
        .store
        .rooms(event)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(ApiError::NotFound)?;
    let resolved = resolve(state, event).await?;
    let version = resolved.version();
    let view = RoomAgendaView {
        room: RoomRef {
            id: room.id,
            name: room.name,
        },
        version,
        meetings: resolved
            .meetings
            .iter()
            .map(|m| &m.view)
            .filter(|m| m.room.id == id)
            .cloned()
            .collect(),
    };
    Ok((version, json_bytes(&view)?))
}

/// One event of the timetable's stream: `version` with `{"version": N}` (null while nothing is published).
pub struct VersionEvent;

impl utoipa::PartialSchema for VersionEvent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let version = ObjectBuilder::new()
            .property(
                "version",
                ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Integer, Type::Null])),
            )
            .required("version");
        sse::events_schema(&[("version", version.into())])
    }
}

impl utoipa::ToSchema for VersionEvent {}

/// Announcements of new timetable versions as Server-Sent Events (anyone in the event), from
/// whichever node publishes: a `version` event with `{"version": N}` first for the current
/// one (null while nothing is published), then one per publish. Ends when the node shuts down.
#[utoipa::path(get, path = "/events/{event}/updates", tag = "timetable", params(("event" = String, Path)),
    responses((status = 200, body = VersionEvent, content_type = "text/event-stream"),
              (status = 503, body = Problem)))]
async fn updates(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<Response> {
    caller.in_event(&event)?;
    let announcements = state
        .cluster
        .bus
        .subscribe(&channels::updates(&event))
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "cannot follow timetable updates");
            ApiError::Unavailable("live updates are unavailable right now".into())
        })?;
    let current = state.store.event(&event).await?.timetable_version;
    let first = serde_json::json!({ "version": current }).to_string();
    let events = futures::stream::once(async move { first })
        .chain(announcements.map(|message| message.payload))
        .map(|data| Ok::<_, Infallible>(SseEvent::default().event("version").data(data)));
    Ok(sse::live(events, state.shutdown.clone()))
}
