//! `Idempotency-Key` on POSTs: the first response to a (caller, key) is kept, and a retry
//! with the same key and the same request gets that response back, creating nothing new.
//! A response that carries a secret shown once (a participant's token) is never kept: its
//! key keeps a 409 problem saying what was created, and that is what a retry gets.
//! A reservation whose request ends without an answer (a 5xx, the timeout, a lost client, a
//! panic) is released; one left by a process that died is taken over once past its age
//! limit; kept answers are replayed for their retention period, then purged.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::auth::{Caller, bearer, resolve};
use super::error::ApiError;
use crate::state::AppState;
use crate::store::{DynStore, IdempotencyClock, IdempotencyStart, Reservation, StoredResponse};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Set on a response that is a replay of the first one.
pub const REPLAYED: &str = "idempotent-replayed";

/// Longest accepted key.
pub(super) const MAX_KEY: usize = 255;
/// The key's characters as the document states them; [`is_key`] checks the same range.
pub(super) const KEY_PATTERN: &str = "^[\\x21-\\x7e]+$";

/// 1 to [`MAX_KEY`] visible ASCII characters ([`KEY_PATTERN`]): `HeaderValue::to_str` would
/// also let spaces and tabs through.
fn is_key(key: &[u8]) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY && key.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// Marks a response that carries a secret shown once (tokens: only their hashes are
/// stored). The idempotency layer keeps and replays, instead of the response, a 409 problem
/// with this detail: what the first request created, and that its secret is not repeated.
#[derive(Debug, Clone)]
pub struct ShownOnce(pub String);

impl ShownOnce {
    /// The detail for a response whose tokens belong to these participants.
    pub fn participants<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        /// Ids named in the detail; a big import names the first ones and counts the rest.
        const NAMED: usize = 20;
        let ids: Vec<&str> = ids.into_iter().collect();
        let mut named = ids.iter().take(NAMED).copied().collect::<Vec<_>>().join(", ");
        if ids.len() > NAMED {
            named.push_str(&format!(" and {} more", ids.len() - NAMED));
        }
        Self(format!(
            "the first request with this Idempotency-Key registered {} ({named}); a token is \
             shown once, in that first response, and never kept or repeated: to give a \
             participant a new token, rotate it (POST …/participants/{{id}}/token) or send it an invitation",
            if ids.len() == 1 {
                "one participant"
            } else {
                "participants"
            },
        ))
    }
}

pub async fn middleware(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(k) if is_key(k.as_bytes()) => k.to_string(),
        _ => {
            return ApiError::field(
                "/headers/Idempotency-Key",
                format!("1 to {MAX_KEY} visible ASCII characters"),
            )
            .into_response();
        }
    };
    let (mut parts, body) = request.into_parts();
    // Without a valid token the handler answers 401; nothing to remember.
    let Some(token) = bearer(&parts).map(str::to_string) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let caller = match resolve(&state, &token).await {
        Ok(caller) => caller,
        Err(err) => return err.into_response(),
    };
    parts.extensions.insert::<Caller>(caller.clone());
    let Ok(bytes) = to_bytes(body, super::BODY_LIMIT).await else {
        return ApiError::PayloadTooLarge.into_response();
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(parts.uri.path());
    hasher.update([0]);
    hasher.update(&bytes);
    let fingerprint = hex::encode(hasher.finalize());
    let scope = caller.idempotency_scope();
    let clock = IdempotencyClock::at(state.clock.now());
    match state
        .store
        .idempotency_start(&scope, &key, &fingerprint, clock)
        .await
    {
        Err(err) => ApiError::from(err).into_response(),
        Ok(IdempotencyStart::Replay(stored)) => replay(stored),
        Ok(IdempotencyStart::InProgress) => {
            ApiError::Conflict("a request with this Idempotency-Key is still being handled".into())
                .into_response()
        }
        Ok(IdempotencyStart::Mismatch) => ApiError::field(
            "/headers/Idempotency-Key",
            "this key was already used for a different request",
        )
        .into_response(),
        Ok(IdempotencyStart::Fresh(reservation)) => {
            let held = Held {
                store: state.store.clone(),
                scope,
                key,
                reservation,
                settled: false,
            };
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            let status = response.status();
            if status.is_server_error() || status == StatusCode::REQUEST_TIMEOUT {
                held.abandon().await;
                return response;
            }
            if let Some(ShownOnce(detail)) = response.extensions().get::<ShownOnce>().cloned() {
                let redacted = ApiError::Conflict(detail).into_response();
                match stored(redacted).await {
                    Ok((stored, _)) => held.finish(&stored).await,
                    Err(err) => return err.into_response(),
                }
                return response;
            }
            let (stored, response) = match stored(response).await {
                Ok(both) => both,
                Err(err) => return err.into_response(),
            };
            held.finish(&stored).await;
            response
        }
    }
}

/// A key reserved by the request being handled. Dropped unsettled — the request timed out
/// (the timeout around this layer drops it), its client went away, or its handler panicked
/// — it releases the reservation, so that a retry runs instead of a 409 until the
/// reservation's age limit.
struct Held {
    store: DynStore,
    scope: String,
    key: String,
    reservation: Reservation,
    settled: bool,
}

impl Held {
    async fn finish(mut self, response: &StoredResponse) {
        self.settled = true;
        let kept = self
            .store
            .idempotency_finish(&self.scope, &self.key, self.reservation, response)
            .await;
        if let Err(err) = kept {
            tracing::warn!(error = %err, "could not store an idempotent response");
        }
    }

    async fn abandon(mut self) {
        self.settled = true;
        release(&self.store, &self.scope, &self.key, self.reservation).await;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (store, scope, key, reservation) = (
            self.store.clone(),
            std::mem::take(&mut self.scope),
            std::mem::take(&mut self.key),
            self.reservation,
        );
        runtime.spawn(async move { release(&store, &scope, &key, reservation).await });
    }
}

async fn release(store: &DynStore, scope: &str, key: &str, reservation: Reservation) {
    if let Err(err) = store.idempotency_abandon(scope, key, reservation).await {
        tracing::warn!(error = %err, "could not release an idempotency key; it expires by itself");
    }
}

/// What is kept of a response, and the response again (its body read into memory).
async fn stored(response: Response) -> Result<(StoredResponse, Response), ApiError> {
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX)
        .await
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("reading a response: {err}")))?;
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(String::from),
        body: body.to_vec(),
    };
    Ok((stored, Response::from_parts(parts, Body::from(body))))
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    if let Some(ct) = stored.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response.headers_mut().insert(
        HeaderName::from_static(REPLAYED),
        HeaderValue::from_static("true"),
    );
    response
}
