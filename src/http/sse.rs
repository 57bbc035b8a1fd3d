//! Server-Sent Events that end cleanly when the node shuts down.

use std::convert::Infallible;
use std::time::Duration;

use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt as _};
use tokio::sync::watch;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

use super::error::ApiError;
use crate::state::{AppState, StreamSlot};

/// Comment lines every this often keep proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// When a caller over its stream cap is told to try again: streams last minutes.
const STREAM_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A place for one more stream of `caller` (its idempotency scope: one per token), or the
/// 429 saying when to try again. Take it before subscribing to anything.
pub fn slot(state: &AppState, caller: &str) -> Result<StreamSlot, ApiError> {
    state
        .streams
        .take(caller)
        .ok_or(ApiError::TooManyRequests(STREAM_RETRY_AFTER))
}

/// An SSE response of `events`, ended when `shutdown` says true (graceful shutdown waits
/// for open responses, so a stream must not outlive it); it holds `slot` until it ends or
/// its client leaves.
pub fn live<S>(events: S, mut shutdown: watch::Receiver<bool>, slot: StreamSlot) -> Response
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    let stopping = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    let events = events.map(move |event| {
        let _held = &slot;
        event
    });
    let mut response = Sse::new(events.take_until(stopping))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    // Reverse proxies must pass events on as they come.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The OpenAPI schema of one event of a stream, as a client parses it (the `event` name and
/// the `data`, a JSON document), for streams whose events are `kinds`: each name with the
/// schema of its data. Streams are described event by event: the document's schema of a
/// `text/event-stream` response is the schema of each event (OpenAPI 3.2's `itemSchema`).
pub fn events_schema(kinds: &[(&str, RefOr<Schema>)]) -> RefOr<Schema> {
    let one = |(name, data): &(&str, RefOr<Schema>)| {
        ObjectBuilder::new()
            .property(
                "event",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([*name])),
            )
            .property(
                "data",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .content_media_type("application/json")
                    .content_schema(Some(data.clone())),
            )
            .required("event")
            .required("data")
            .into()
    };
    match kinds {
        [single] => one(single),
        several => several
            .iter()
            .map(one)
            .fold(OneOfBuilder::new(), OneOfBuilder::item)
            .into(),
    }
}
