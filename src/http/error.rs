//! The one error type of the API. Its `IntoResponse` is the only place where an HTTP error
//! body is shaped: `application/problem+json` (RFC 9457), with `errors` naming each bad
//! field by JSON pointer. A 5xx never carries internals; they go to the log.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub use super::meetings::FreeSlotView;
use crate::domain::booking::Refused;
use crate::domain::{FieldError, Invalid};
use crate::store::StoreError;

/// `Retry-After` of a 503: dependencies come back in seconds, or the answer is the same.
pub const RETRY_UNAVAILABLE_SECONDS: u64 = 2;

/// The problem+json media type.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Each bad field, by JSON pointer (for 422).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldErrorDoc>,
    /// For a 409 of a booking: the free start slots nearest to the one asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<FreeSlotView>,
}

/// One bad field of a request.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldErrorDoc {
    pub pointer: String,
    pub detail: String,
    /// The rule broken, as a stable code (`too-long`, `whole-slots`, …; `invalid` for a rule
    /// said in `detail` only).
    #[serde(default)]
    pub code: String,
}

impl From<FieldError> for FieldErrorDoc {
    fn from(e: FieldError) -> Self {
        Self {
            code: e.rule.code().to_string(),
            pointer: e.pointer,
            detail: e.detail,
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 422: the input breaks these rules.
    #[error("invalid input")]
    Invalid(Invalid),
    /// 401: no usable token.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403: the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such object, or not one the caller may know about.
    #[error("not found")]
    NotFound,
    /// 409: the object's state does not allow this now.
    #[error("{0}")]
    Conflict(String),
    /// 409: the meeting cannot be booked at that slot now (with the free ones nearest).
    #[error("{}", .0.why.detail(&.0.slot))]
    Unbookable(Box<Refused>),
    /// 412: the caller's copy (`If-Match`) is not the current one; the message says which is.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 413.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 415.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: over a rate limit; retry after the given time.
    #[error("rate limit exceeded")]
    TooManyRequests(std::time::Duration),
    /// 503: a dependency is down.
    #[error("{0}")]
    Unavailable(String),
    /// 500: logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// 422 for a single field.
    pub fn field(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Invalid(Invalid::one(pointer, detail))
    }

    /// 403 with a reason.
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden(reason.into())
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(message) => Self::Conflict(message),
            older @ StoreError::OlderRun { .. } => Self::Conflict(older.to_string()),
            StoreError::Stale(revision) => Self::PreconditionFailed(format!(
                "If-Match: changed since it was read (its revision is now {revision})"
            )),
            unavailable if unavailable.is_unavailable() => {
                tracing::warn!(error = %unavailable, "the database cannot serve now");
                Self::Unavailable("the database is unavailable right now; retry shortly".into())
            }
            StoreError::Unbookable(refused) if refused.why.is_invalid() => {
                Self::Invalid(Invalid::rule("/slot", refused.why.rule(&refused.slot)))
            }
            StoreError::Unbookable(refused) => Self::Unbookable(refused),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<crate::setup::SetupError> for ApiError {
    fn from(e: crate::setup::SetupError) -> Self {
        match e {
            crate::setup::SetupError::Invalid(invalid) => Self::Invalid(invalid),
            crate::setup::SetupError::Store(e) => e.into(),
        }
    }
}

impl From<crate::profiles::ProfileError> for ApiError {
    fn from(e: crate::profiles::ProfileError) -> Self {
        match e {
            crate::profiles::ProfileError::Invalid(invalid) => Self::Invalid(invalid),
            crate::profiles::ProfileError::Stale(revision) => Self::PreconditionFailed(format!(
                "If-Match: the profile changed since it was read; its ETag is now {}",
                super::preconditions::revision_etag(super::participants::ETAG_PREFIX, revision)
            )),
            crate::profiles::ProfileError::Store(e) => e.into(),
        }
    }
}

impl From<crate::requests::RequestError> for ApiError {
    fn from(e: crate::requests::RequestError) -> Self {
        use crate::requests::RequestError;
        match e {
            RequestError::Invalid(invalid) => Self::Invalid(invalid),
            RequestError::Forbidden(reason) => Self::forbidden(reason),
            RequestError::Store(e) => e.into(),
        }
    }
}

impl From<crate::matchmaking::MatchmakingError> for ApiError {
    fn from(e: crate::matchmaking::MatchmakingError) -> Self {
        use crate::matchmaking::MatchmakingError;
        match e {
            MatchmakingError::Store(e) => e.into(),
            MatchmakingError::UnknownParticipant(_) => Self::NotFound,
            MatchmakingError::Internal(e) => Self::Internal(e),
        }
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;

fn slug(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        412 => "precondition-failed",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        422 => "validation",
        408 | 504 => "timeout",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "client-error",
    }
}

/// Builds a problem response.
pub fn problem_response(status: StatusCode, detail: String, errors: Vec<FieldErrorDoc>) -> Response {
    problem_with(status, detail, errors, Vec::new())
}

fn problem_with(
    status: StatusCode,
    detail: String,
    errors: Vec<FieldErrorDoc>,
    alternatives: Vec<FreeSlotView>,
) -> Response {
    let body = Problem {
        type_: format!("/problems/{}", slug(status)),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
        errors,
        alternatives,
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail, errors) = match self {
            ApiError::Invalid(invalid) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                invalid
                    .0
                    .first()
                    .map(|e| format!("{}: {}", e.pointer, e.detail))
                    .unwrap_or_else(|| "invalid input".into()),
                invalid.0.into_iter().map(FieldErrorDoc::from).collect(),
            ),
            ApiError::Unauthorized => {
                let mut response = problem_response(StatusCode::UNAUTHORIZED, self.to_string(), Vec::new());
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return response;
            }
            ApiError::Forbidden(reason) => (StatusCode::FORBIDDEN, reason, Vec::new()),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "no such resource".into(), Vec::new()),
            ApiError::Conflict(reason) => (StatusCode::CONFLICT, reason, Vec::new()),
            ApiError::Unbookable(refused) => {
                let detail = refused.why.detail(&refused.slot);
                let alternatives = refused.alternatives.into_iter().map(FreeSlotView::from).collect();
                return problem_with(StatusCode::CONFLICT, detail, Vec::new(), alternatives);
            }
            ApiError::PreconditionFailed(reason) => (StatusCode::PRECONDITION_FAILED, reason, Vec::new()),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, self.to_string(), Vec::new()),
            ApiError::UnsupportedMediaType(reason) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, reason, Vec::new())
            }
            ApiError::TooManyRequests(retry_after) => {
                // Whole seconds, rounded up, at least 1.
                let seconds = (retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0)).max(1);
                let detail = format!("rate limit exceeded; retry in {seconds} s");
                let mut response = problem_response(StatusCode::TOO_MANY_REQUESTS, detail, Vec::new());
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                return response;
            }
            ApiError::Unavailable(reason) => {
                let mut response = problem_response(StatusCode::SERVICE_UNAVAILABLE, reason, Vec::new());
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_UNAVAILABLE_SECONDS));
                return response;
            }
            ApiError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "an internal error occurred".into(),
                    Vec::new(),
                )
            }
        };
        problem_response(status, detail, errors)
    }
}

/// Gives every error response that did not come from [`ApiError`] (unknown route, wrong
/// method, body limit, timeout, path rejection) the same problem+json shape.
pub async fn shape_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // A problem already, or a web page (whose errors are pages in the reader's language).
    let shaped_already = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()) || v.as_bytes().starts_with(b"text/html")
    });
    if shaped_already {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = if status.is_server_error() {
        "an internal error occurred".to_string()
    } else {
        let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text).trim().to_string();
        if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_string()
        } else {
            text
        }
    };
    let mut shaped = problem_response(status, detail, Vec::new());
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            shaped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    shaped
}

/// The answer to any route that does not exist.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// An empty body, for handlers that only need a status.
pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}
