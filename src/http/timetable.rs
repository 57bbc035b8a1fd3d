//! The live timetable (the published version and the bookings and changes since), agendas
//! (JSON and iCalendar) and room door signs, cached and tagged per live revision.

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
use crate::domain::MeetingState;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::timetable::{MeetingView, PublishedTimetable, RoomRef};

/// The timetable (organiser: every meeting; a participant: its own): the published
/// version's meetings and those booked since, cancelled ones included.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimetableView {
    /// The published version; null while nothing is published.
    pub version: Option<i64>,
    /// The live revision: raised by every booking, move, cancellation and publish.
    pub revision: i64,
    pub meetings: Vec<MeetingView>,
}

/// A participant's agenda.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgendaView {
    pub participant: String,
    pub version: Option<i64>,
    pub revision: i64,
    pub meetings: Vec<MeetingView>,
}

/// A room's door sign.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoomAgendaView {
    pub room: RoomRef,
    pub version: Option<i64>,
    pub revision: i64,
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

/// The organiser's whole timetable as the cache and its `ETag` name it (what a publish's
/// `If-Match` is compared with).
pub(super) const TIMETABLE_PART: &str = "timetable";

/// A live revision as the cache numbers it.
fn cache_version(revision: i64) -> u64 {
    u64::try_from(revision).unwrap_or(0)
}

/// A read of one part of the timetable through the cache, with ETag and 304.
///
/// `build` reads the store and returns the live revision it saw with the body; the body is
/// then cached under that revision, and the ETag is the revision's, so any booking, move,
/// cancellation or publish changes it. A cache that is down or slow only costs the build.
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
    Fut: Future<Output = ApiResult<(i64, Bytes)>>,
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
        Reader::Organiser => TIMETABLE_PART.to_owned(),
        Reader::Participant { id, .. } => format!("timetable:{id}"),
    };
    cached_read(&state, &headers, &event, &part, JSON, || async {
        let resolved = resolve(&state, &event).await?;
        let meetings = match &reader {
            Reader::Organiser => resolved.meetings.iter().map(|m| m.view.clone()).collect(),
            Reader::Participant { id, .. } => resolved.meetings_of(id).map(|m| m.view.clone()).collect(),
        };
        let view = TimetableView {
            version: resolved.version(),
            revision: resolved.revision,
            meetings,
        };
        Ok((resolved.revision, json_bytes(&view)?))
    })
    .await
}

/// The resolved timetable and the participant's name (the caller's access is checked
/// already; an unknown participant is a 404).
async fn agenda_of(state: &AppState, event: &str, id: &str) -> ApiResult<(Arc<PublishedTimetable>, String)> {
    let participant = state.store.participant(event, id).await?;
    Ok((resolve(state, event).await?, participant.profile.name))
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
            let view = AgendaView {
                participant: id.clone(),
                version: resolved.version(),
                revision: resolved.revision,
                meetings: resolved.meetings_of(&id).map(|m| m.view.clone()).collect(),
            };
            Ok((resolved.revision, json_bytes(&view)?))
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

async fn agenda_calendar(state: &AppState, event: &str, id: &str, lang: Lang) -> ApiResult<(i64, Bytes)> {
    let (resolved, name) = agenda_of(state, event, id).await?;
    let text = resolved.calendar_of(id, &name, lang)?;
    Ok((resolved.revision, Bytes::from(text)))
}

/// What happens in a room, for its door sign (organiser): cancelled meetings left out.
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

async fn room_agenda_body(state: &AppState, event: &str, id: &str) -> ApiResult<(i64, Bytes)> {
    let room = state
        .store
        .rooms(event)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(ApiError::NotFound)?;
    let resolved = resolve(state, event).await?;
    let view = RoomAgendaView {
        room: RoomRef {
            id: room.id,
            name: room.name,
        },
        version: resolved.version(),
        revision: resolved.revision,
        meetings: resolved
            .meetings
            .iter()
            .map(|m| &m.view)
            // A door sign shows what happens in the room: not what was cancelled there.
            .filter(|m| m.room.id == id && m.state != MeetingState::Cancelled)
            .cloned()
            .collect(),
    };
    Ok((resolved.revision, json_bytes(&view)?))
}

/// One event of the timetable's stream: `version` with `{"version": N, "revision": R}`
/// (version null while nothing is published).
pub struct VersionEvent;

impl utoipa::PartialSchema for VersionEvent {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let version = ObjectBuilder::new()
            .property(
                "version",
                ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Integer, Type::Null])),
            )
            .property(
                "revision",
                ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)),
            )
            .required("version")
            .required("revision");
        sse::events_schema(&[("version", version.into())])
    }
}

impl utoipa::ToSchema for VersionEvent {}

/// Announcements of timetable changes as Server-Sent Events (anyone in the event), from
/// whichever node makes them: a `version` event with `{"version": N, "revision": R}` first for
/// the current state (version null while nothing is published), then one per publish and per
/// change of the live timetable (a booking, a move, a cancellation: the revision rises). Ends
/// when the node shuts down. A token holds at most `RENDEZVOUS_STREAMS_PER_TOKEN` streams
/// open at once on a node.
#[utoipa::path(get, path = "/events/{event}/updates", tag = "timetable", params(("event" = String, Path)),
    responses((status = 200, body = VersionEvent, content_type = "text/event-stream"),
              (status = 429, body = Problem, description = "this token holds its most streams open (`RENDEZVOUS_STREAMS_PER_TOKEN`, default 4, per node)",
               headers(("Retry-After" = u64, description = "seconds"))),
              (status = 503, body = Problem)))]
async fn updates(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<Response> {
    caller.in_event(&event)?;
    let slot = sse::slot(&state, &caller.idempotency_scope())?;
    let announcements = state
        .cluster
        .bus
        .subscribe(&channels::updates(&event))
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "cannot follow timetable updates");
            ApiError::Unavailable("live updates are unavailable right now".into())
        })?;
    let current = state.store.event(&event).await?;
    let first =
        serde_json::json!({ "version": current.timetable_version, "revision": current.meetings_revision })
            .to_string();
    let events = futures::stream::once(async move { first })
        .chain(announcements.map(|message| message.payload))
        .map(|data| Ok::<_, Infallible>(SseEvent::default().event("version").data(data)));
    Ok(sse::live(events, state.shutdown.clone(), slot))
}
