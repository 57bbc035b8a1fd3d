//! Per-token write limits as middleware: every write, and meeting-request creation on top;
//! and the per-participant limit on reads that compute, which their handlers ask for.
//! The counting lives in [`crate::cluster`] (shared by all nodes with Redis); this layer
//! only finds the token, with the same parser as authentication, and answers 429 through
//! the one error type.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{Caller, bearer_token};
use super::error::ApiError;
use crate::cluster::{RateDecision, ReadLimits, WriteLimits, token_key};

/// Axum middleware: `axum::middleware::from_fn_with_state(limits, limit_writes)`. Reads and
/// requests without a bearer token pass untouched (authentication answers those).
pub async fn limit_writes(State(limits): State<WriteLimits>, request: Request, next: Next) -> Response {
    let is_write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let key = is_write
        .then(|| bearer_token(request.headers()))
        .flatten()
        .map(token_key);
    let Some(key) = key else {
        return next.run(request).await;
    };
    if limits.exempt.as_deref() == Some(key.as_str()) {
        return next.run(request).await;
    }
    if let RateDecision::Denied { retry_after } = limits.limiter.check("writes", &key, limits.writes).await {
        return ApiError::TooManyRequests(retry_after).into_response();
    }
    let creates_meeting_request = *request.method() == Method::POST
        && request.uri().path().trim_end_matches('/').ends_with("/requests");
    if creates_meeting_request
        && let RateDecision::Denied { retry_after } = limits
            .limiter
            .check("meeting_requests", &key, limits.meeting_requests)
            .await
    {
        return ApiError::TooManyRequests(retry_after).into_response();
    }
    next.run(request).await
}

/// Counts a read that computes per call (see [`ReadLimits`]) against the caller: a 429 once
/// the participant is over its limit. The organiser is not limited.
pub async fn expensive_read(limits: &ReadLimits, caller: &Caller) -> Result<(), ApiError> {
    let Caller::Participant(p) = caller else {
        return Ok(());
    };
    match limits.check_participant(&p.event_id, &p.id).await {
        RateDecision::Allowed => Ok(()),
        RateDecision::Denied { retry_after } => Err(ApiError::TooManyRequests(retry_after)),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    use super::ApiError;

    #[tokio::test]
    async fn problem_json_with_retry_after_rounded_up() {
        let response = ApiError::TooManyRequests(Duration::from_millis(1500)).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "2");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        let problem: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(problem["status"], 429);
        assert_eq!(problem["title"], "Too Many Requests");
        assert_eq!(problem["type"], "/problems/rate-limited");
        assert_eq!(problem["detail"], "rate limit exceeded; retry in 2 s");
        let short = ApiError::TooManyRequests(Duration::from_millis(10)).into_response();
        assert_eq!(short.headers()[header::RETRY_AFTER], "1");
    }
}
