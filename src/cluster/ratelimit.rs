//! Per-token write limits and per-participant limits on reads that compute, shared by all
//! nodes when Redis is there.
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
// Write limits
// ---------------------------------------------------------------------------------------------

/// The write limits per bearer token (applied by the HTTP layer).
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

// ---------------------------------------------------------------------------------------------
// Reads that compute
// ---------------------------------------------------------------------------------------------

/// The limit on reads that compute per call rather than read a cached copy — recommendations
/// (the whole directory scored), a meeting's free slots, a participant's data export —, per
/// participant, whichever client asks (the API with any of its tokens, or the web pages): a
/// rotated token or a browser session does not start a fresh count.
#[derive(Clone)]
pub struct ReadLimits {
    /// Shared with the rest of the node.
    pub limiter: Arc<dyn RateLimiter>,
    /// Such reads one participant may make.
    pub expensive: RateLimit,
}

impl ReadLimits {
    /// 60 such reads per minute per participant.
    pub fn new(limiter: Arc<dyn RateLimiter>) -> Self {
        Self {
            limiter,
            expensive: RateLimit::new(60, Duration::from_secs(60)),
        }
    }

    /// Counts one such read by participant `id` of `event`.
    pub async fn check_participant(&self, event: &str, id: &str) -> RateDecision {
        let key = token_key(&format!("{event}\u{0}{id}"));
        self.limiter.check("expensive_reads", &key, self.expensive).await
    }
}

/// The rate-limit key of a bearer token: a hash, so tokens never reach Redis.
pub fn token_key(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..16])
}
