//! Per-token write rate limits, shared by all nodes when Redis is there.
//!
//! Both implementations use GCRA (the generic cell rate algorithm): a limit of `N` requests
//! per `window` lets a burst of `N` through at once, then one more every `window / N`. One
//! number per key (the theoretical arrival time) is all the state.
//!
//! The limiter never fails a write: if Redis is unreachable, the Redis limiter falls back to
//! counting in this process (limits per node instead of per cluster) and logs it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use redis::Script;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use super::redis_conn::RedisConn;
use super::throttle::LogThrottle;

/// `max_requests` per `window`, with bursts up to `max_requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in one window.
    pub max_requests: u32,
    /// The window.
    pub window: Duration,
}

impl RateLimit {
    /// `max_requests` per `window`.
    pub const fn new(max_requests: u32, window: Duration) -> Self {
        Self { max_requests, window }
    }

    /// Time between two requests at the sustained rate (at least 1 µs).
    fn interval(self) -> Duration {
        (self.window / self.max_requests.max(1)).max(Duration::from_micros(1))
    }
}

/// The limiter's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Go ahead.
    Allowed,
    /// Over the limit: try again after `retry_after` (always positive).
    Denied {
        /// How long until a request would be allowed.
        retry_after: Duration,
    },
}

/// A keyed rate limiter. Object-safe: use it as `Arc<dyn RateLimiter>`. Never fails.
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one request of `key` (e.g. a hashed token) in `bucket` (e.g.
    /// `"meeting_requests"`), allowing it if it fits `limit`.
    async fn check(&self, bucket: &str, key: &str, limit: RateLimit) -> RateDecision;
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

/// GCRA in a Lua script (atomic across nodes), keyed `rl:{bucket}:{key}`, timed by Redis's
/// own clock so nodes with skewed clocks agree.
pub struct RedisRateLimiter {
    conn: RedisConn,
    script: Script,
    fallback: InProcessRateLimiter,
    throttle: LogThrottle,
}

impl RedisRateLimiter {
    pub(crate) fn new(conn: RedisConn) -> Self {
        Self {
            conn,
            // KEYS: state. ARGV: interval µs, window µs. Returns 0 (allowed) or µs to wait.
            script: Script::new(
                r"
                local time = redis.call('TIME')
                local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
                local interval = tonumber(ARGV[1])
                local window = tonumber(ARGV[2])
                local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
                if tat < now then tat = now end
                local new_tat = tat + interval
                local allow_at = new_tat - window
                if allow_at > now then return allow_at - now end
                local ttl_ms = math.ceil((new_tat - now) / 1000)
                redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%d', ttl_ms))
                return 0",
            ),
            fallback: InProcessRateLimiter::default(),
            throttle: LogThrottle::default(),
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, bucket: &str, key: &str, limit: RateLimit) -> RateDecision {
        let mut manager = self.conn.manager();
        let mut invocation = self.script.prepare_invoke();
        invocation
            .key(self.conn.key(format_args!("rl:{bucket}:{key}")))
            .arg(micros(limit.interval()))
            .arg(micros(limit.window));
        match self.conn.run(invocation.invoke_async::<u64>(&mut manager)).await {
            Ok(0) => RateDecision::Allowed,
            Ok(wait_micros) => RateDecision::Denied {
                retry_after: Duration::from_micros(wait_micros),
            },
            Err(error) => {
                if let Some(suppressed) = self.throttle.admit() {
                    tracing::warn!(%error, suppressed, "rate limiter cannot reach redis; limiting per node");
                }
                self.fallback.check(bucket, key, limit).await
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// In-process
// ---------------------------------------------------------------------------------------------

/// GCRA in this process's memory, for one node.
#[derive(Default)]
pub struct InProcessRateLimiter {
    /// Theoretical arrival time per (bucket, key).
    arrivals: Mutex<HashMap<(String, String), Instant>>,
}

/// Past this many keys, entries that no longer limit anything are swept.
const SWEEP_THRESHOLD: usize = 10_000;

#[async_trait]
impl RateLimiter for InProcessRateLimiter {
    async fn check(&self, bucket: &str, key: &str, limit: RateLimit) -> RateDecision {
        let now = Instant::now();
        let mut arrivals = self
            .arrivals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if arrivals.len() > SWEEP_THRESHOLD {
            arrivals.retain(|_, tat| *tat > now);
        }
        let tat = arrivals
            .get(&(bucket.to_owned(), key.to_owned()))
            .copied()
            .unwrap_or(now)
            .max(now);
        let new_tat = tat + limit.interval();
        let allow_at = new_tat.checked_sub(limit.window).unwrap_or(now);
        if allow_at > now {
            return RateDecision::Denied {
                retry_after: allow_at - now,
            };
        }
        arrivals.insert((bucket.to_owned(), key.to_owned()), new_tat);
        RateDecision::Allowed
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// The 429 answer: `application/problem+json` with `Retry-After` in whole seconds (rounded
/// up, at least 1).
pub fn too_many_requests(retry_after: Duration) -> Response {
    let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Too Many Requests",
        "status": 429,
        "detail": format!("rate limit exceeded; retry in {seconds} s"),
    });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The limits [`limit_writes`] applies, per bearer token.
#[derive(Clone)]
pub struct WriteLimits {
    /// Shared with the rest of the node.
    pub limiter: Arc<dyn RateLimiter>,
    /// Every write (POST, PUT, PATCH, DELETE).
    pub writes: RateLimit,
    /// Additionally, creating meeting requests (`POST …/requests`): the spam vector.
    pub meeting_requests: RateLimit,
    /// The key ([`token_key`]) of a token that is never limited: the organiser's, whose bulk
    /// set-up (rooms, imports) must not stall.
    pub exempt: Option<String>,
}

impl WriteLimits {
    /// 120 writes per minute, 30 meeting requests per hour, per token.
    pub fn new(limiter: Arc<dyn RateLimiter>) -> Self {
        Self {
            limiter,
            writes: RateLimit::new(120, Duration::from_secs(60)),
            meeting_requests: RateLimit::new(30, Duration::from_secs(3600)),
            exempt: None,
        }
    }
}

/// The rate-limit key of a bearer token: a hash, so tokens never reach Redis.
fn request_token_key(request: &Request) -> Option<String> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?
        .trim();
    (!token.is_empty()).then(|| token_key(token))
}

/// The rate-limit key of a bearer token.
pub fn token_key(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..16])
}

/// Axum middleware: `axum::middleware::from_fn_with_state(limits, limit_writes)`. Reads and
/// requests without a bearer token pass untouched (authentication answers those).
pub async fn limit_writes(State(limits): State<WriteLimits>, request: Request, next: Next) -> Response {
    let is_write = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let Some(key) = is_write.then(|| request_token_key(&request)).flatten() else {
        return next.run(request).await;
    };
    if limits.exempt.as_deref() == Some(key.as_str()) {
        return next.run(request).await;
    }
    if let RateDecision::Denied { retry_after } = limits.limiter.check("writes", &key, limits.writes).await {
        return too_many_requests(retry_after);
    }
    let creates_meeting_request = *request.method() == Method::POST
        && request.uri().path().trim_end_matches('/').ends_with("/requests");
    if creates_meeting_request
        && let RateDecision::Denied { retry_after } = limits
            .limiter
            .check("meeting_requests", &key, limits.meeting_requests)
            .await
    {
        return too_many_requests(retry_after);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn problem_json_with_retry_after_rounded_up() {
        let response = too_many_requests(Duration::from_millis(1500));
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
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("2 s"))
        );
        assert_eq!(
            too_many_requests(Duration::from_millis(10)).headers()[header::RETRY_AFTER],
            "1"
        );
    }
}
