//! The timetable cache on Redis, with a circuit breaker so an outage costs one timeout per cool-down.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use redis::Script;

use super::{Cache, CachedRead};
use crate::cluster::ClusterError;
use crate::cluster::redis_conn::{RedisConn, millis, within};
use crate::cluster::throttle::LogThrottle;

/// The cache on Redis: `tt:{event}:current` is the version pointer (with `version_ttl`);
/// `tt:{event}:v{version}` is a hash from part to body (with `content_ttl`).
///
/// The scripts build the body key from the pointer's value, which standalone Redis allows
/// (not Redis Cluster).
pub struct RedisCache {
    conn: RedisConn,
    version_ttl: Duration,
    content_ttl: Duration,
    get_current: Script,
    set_current: Script,
    throttle: LogThrottle,
    breaker: Breaker,
}

/// After a failed call, skip Redis for a moment instead of making every read wait for the
/// timeout: during an outage only one read per cool-down pays it, to probe for recovery.
#[derive(Debug)]
struct Breaker {
    origin: Instant,
    /// Milliseconds since `origin` until which Redis is skipped; 0 when closed.
    open_until: AtomicU64,
    cooldown: Duration,
}

impl Breaker {
    fn new(cooldown: Duration) -> Self {
        Self {
            origin: Instant::now(),
            open_until: AtomicU64::new(0),
            cooldown,
        }
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn allows(&self) -> bool {
        let open_until = self.open_until.load(Ordering::Relaxed);
        open_until == 0 || self.now_millis() >= open_until
    }

    fn trip(&self) {
        let until = self.now_millis() + millis(self.cooldown);
        self.open_until.store(until, Ordering::Relaxed);
    }

    fn reset(&self) {
        if self.open_until.load(Ordering::Relaxed) != 0 {
            self.open_until.store(0, Ordering::Relaxed);
        }
    }
}

/// How long the cache skips Redis after a failure.
const BREAKER_COOLDOWN: Duration = Duration::from_millis(500);

impl RedisCache {
    pub(crate) fn new(conn: RedisConn, version_ttl: Duration, content_ttl: Duration) -> Self {
        Self {
            conn,
            version_ttl,
            content_ttl,
            // KEYS: pointer. ARGV: body key prefix (`…:tt:{event}:v`), part.
            get_current: Script::new(
                r"
                local version = redis.call('GET', KEYS[1])
                if not version then return {} end
                local body = redis.call('HGET', ARGV[1] .. version, ARGV[2])
                if not body then return {version} end
                return {version, body}",
            ),
            // KEYS: pointer. ARGV: body key prefix, new version, ttl ms.
            set_current: Script::new(
                r"
                local old = redis.call('GET', KEYS[1])
                local new = tonumber(ARGV[2])
                if old and tonumber(old) > new then return 0 end
                redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
                if old and tonumber(old) < new then redis.call('DEL', ARGV[1] .. old) end
                return 1",
            ),
            throttle: LogThrottle::default(),
            breaker: Breaker::new(BREAKER_COOLDOWN),
        }
    }

    fn pointer_key(&self, event_id: &str) -> String {
        self.conn.key(format_args!("tt:{event_id}:current"))
    }

    fn body_key_prefix(&self, event_id: &str) -> String {
        self.conn.key(format_args!("tt:{event_id}:v"))
    }

    fn body_key(&self, event_id: &str, version: u64) -> String {
        self.conn.key(format_args!("tt:{event_id}:v{version}"))
    }

    /// Runs one cache command with the cache timeout; failures become `None`, logged.
    async fn attempt<T>(
        &self,
        operation: &'static str,
        command: impl Future<Output = redis::RedisResult<T>>,
    ) -> Option<T> {
        if !self.breaker.allows() {
            return None;
        }
        match within(self.conn.cache_timeout, command).await {
            Ok(value) => {
                self.breaker.reset();
                Some(value)
            }
            Err(error) => {
                self.breaker.trip();
                self.log_failure(operation, &error);
                None
            }
        }
    }

    fn log_failure(&self, operation: &'static str, error: &ClusterError) {
        if let Some(suppressed) = self.throttle.admit() {
            tracing::warn!(%error, operation, suppressed, "timetable cache unavailable; reading the database");
        }
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get_current(&self, event_id: &str, part: &str) -> CachedRead {
        let mut manager = self.conn.manager();
        let mut invocation = self.get_current.prepare_invoke();
        invocation
            .key(self.pointer_key(event_id))
            .arg(self.body_key_prefix(event_id))
            .arg(part);
        let Some(found) = self
            .attempt(
                "get_current",
                invocation.invoke_async::<Vec<Vec<u8>>>(&mut manager),
            )
            .await
        else {
            return CachedRead::default();
        };
        let mut found = found.into_iter();
        let version = found
            .next()
            .and_then(|raw: Vec<u8>| String::from_utf8(raw).ok()?.parse::<u64>().ok());
        let body = version.and(found.next()).map(Bytes::from);
        CachedRead { version, body }
    }

    async fn get(&self, event_id: &str, version: u64, part: &str) -> Option<Bytes> {
        let mut manager = self.conn.manager();
        let command = redis::cmd("HGET")
            .arg(self.body_key(event_id, version))
            .arg(part)
            .to_owned();
        self.attempt("get", command.query_async::<Option<Vec<u8>>>(&mut manager))
            .await
            .flatten()
            .map(Bytes::from)
    }

    async fn put(&self, event_id: &str, version: u64, part: &str, body: Bytes) -> bool {
        let mut manager = self.conn.manager();
        let key = self.body_key(event_id, version);
        let pipeline = redis::pipe()
            .atomic()
            .hset(&key, part, body.as_ref())
            .ignore()
            .pexpire(&key, i64::try_from(millis(self.content_ttl)).unwrap_or(i64::MAX))
            .ignore()
            .to_owned();
        self.attempt("put", pipeline.query_async::<()>(&mut manager))
            .await
            .is_some()
    }

    async fn set_current_version(&self, event_id: &str, version: u64) -> bool {
        let mut manager = self.conn.manager();
        let mut invocation = self.set_current.prepare_invoke();
        invocation
            .key(self.pointer_key(event_id))
            .arg(self.body_key_prefix(event_id))
            .arg(version)
            .arg(millis(self.version_ttl));
        self.attempt(
            "set_current_version",
            invocation.invoke_async::<i64>(&mut manager),
        )
        .await
            == Some(1)
    }

    async fn invalidate(&self, event_id: &str, version: u64) -> bool {
        let mut manager = self.conn.manager();
        let command = redis::cmd("DEL")
            .arg(self.pointer_key(event_id))
            .arg(self.body_key(event_id, version))
            .to_owned();
        self.attempt("invalidate", command.query_async::<i64>(&mut manager))
            .await
            .is_some()
    }
}
