//! A read-through cache for published timetables and agendas, under versioned keys.
//!
//! A published timetable version never changes, so a body cached for `(event, version, part)`
//! is valid forever; only the *current version* pointer moves. Publishing version N sets the
//! pointer to N (and drops version N-1's bodies); readers look up the pointer and the body in
//! one round trip ([`Cache::get_current`]).
//!
//! The cache never fails a read: on the Redis implementation every call has a short timeout,
//! and an error or timeout is a miss (logged, rate-limited). The caller then reads the
//! database. When Redis comes back, the connection manager reconnects and caching resumes.
//!
//! Typical read path (`part` is e.g. `agenda:{participant}`, `agenda.ics:{participant}`,
//! `timetable`, `room:{room}`):
//! 1. `get_current(event, part)`: pointer and body → serve the body (ETag from the version);
//! 2. pointer but no body → build the body from the store for that version, `put`;
//! 3. no pointer → read the published version from the store, `set_current_version`, then 2.
//!
//! Publish path: commit to the store, then `set_current_version(event, new)`, then announce
//! on the bus. If Redis is down during a publish, the stale pointer expires after
//! `version_ttl` (10 s by default), which bounds how long readers can see the old version.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use redis::Script;
use sha2::{Digest, Sha256};

use super::ClusterError;
use super::redis_conn::{RedisConn, within};
use super::throttle::LogThrottle;

/// What [`Cache::get_current`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CachedRead {
    /// The event's current published version, if cached.
    pub version: Option<u64>,
    /// The body of the requested part for that version, if cached.
    pub body: Option<Bytes>,
}

/// The timetable cache. Object-safe: use it as `Arc<dyn Cache>`. No method fails: problems
/// are logged and look like misses.
#[async_trait]
pub trait Cache: Send + Sync {
    /// The current version pointer and, for that version, the cached body of `part`.
    async fn get_current(&self, event_id: &str, part: &str) -> CachedRead;

    /// The cached body of `part` of `version`.
    async fn get(&self, event_id: &str, version: u64, part: &str) -> Option<Bytes>;

    /// Caches the body of `part` of `version`. Returns whether it was stored.
    async fn put(&self, event_id: &str, version: u64, part: &str, body: Bytes) -> bool;

    /// Points the event at `version` (on publish, or to refill an expired pointer) and drops
    /// the bodies of the version it pointed at before. Never moves the pointer backwards.
    /// Returns whether the pointer now says `version`.
    async fn set_current_version(&self, event_id: &str, version: u64) -> bool;

    /// Drops the pointer and the bodies of `version`.
    async fn invalidate(&self, event_id: &str, version: u64) -> bool;
}

/// A strong ETag for one participant's agenda at one timetable version (the body is a pure
/// function of these three), e.g. `"3f2a…"`.
pub fn agenda_etag(event_id: &str, version: u64, participant_id: &str) -> String {
    let mut hasher = Sha256::new();
    // Length-prefixed so that ("a:b", "c") and ("a", "b:c") differ.
    for part in [
        event_id.as_bytes(),
        version.to_string().as_bytes(),
        participant_id.as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether an `If-None-Match` header value matches `etag` (so the answer is 304): `*`, or a
/// comma-separated list compared weakly (RFC 9110 §13.1.2: `W/` prefixes are ignored).
pub fn if_none_match_matches(header_value: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(etag);
    header_value.split(',').any(|candidate| {
        let candidate = candidate.trim();
        candidate == "*" || opaque(candidate) == wanted
    })
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

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

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
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

// ---------------------------------------------------------------------------------------------
// In-process
// ---------------------------------------------------------------------------------------------

/// The cache in this process's memory, for one node. Bodies beyond `max_bytes` in total are
/// not stored (the read goes to the database), which bounds memory.
pub struct InProcessCache {
    max_bytes: usize,
    state: Mutex<InProcessCacheState>,
}

#[derive(Default)]
struct InProcessCacheState {
    events: HashMap<String, EventEntry>,
    bytes: usize,
}

#[derive(Default)]
struct EventEntry {
    current: Option<u64>,
    versions: BTreeMap<u64, HashMap<String, Bytes>>,
}

impl EventEntry {
    fn drop_version(&mut self, version: u64) -> usize {
        self.versions
            .remove(&version)
            .map_or(0, |parts| parts.values().map(Bytes::len).sum())
    }
}

impl InProcessCache {
    /// A cache holding at most `max_bytes` of bodies.
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            state: Mutex::new(InProcessCacheState::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, InProcessCacheState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for InProcessCache {
    fn default() -> Self {
        Self::new(256 * 1024 * 1024)
    }
}

#[async_trait]
impl Cache for InProcessCache {
    async fn get_current(&self, event_id: &str, part: &str) -> CachedRead {
        let state = self.state();
        let Some(entry) = state.events.get(event_id) else {
            return CachedRead::default();
        };
        let body = entry
            .current
            .and_then(|version| entry.versions.get(&version)?.get(part).cloned());
        CachedRead {
            version: entry.current,
            body,
        }
    }

    async fn get(&self, event_id: &str, version: u64, part: &str) -> Option<Bytes> {
        self.state()
            .events
            .get(event_id)?
            .versions
            .get(&version)?
            .get(part)
            .cloned()
    }

    async fn put(&self, event_id: &str, version: u64, part: &str, body: Bytes) -> bool {
        let mut state = self.state();
        if state.bytes + body.len() > self.max_bytes {
            return false;
        }
        let added = body.len();
        let entry = state.events.entry(event_id.to_owned()).or_default();
        let replaced = entry
            .versions
            .entry(version)
            .or_default()
            .insert(part.to_owned(), body);
        state.bytes = state.bytes + added - replaced.map_or(0, |old| old.len());
        true
    }

    async fn set_current_version(&self, event_id: &str, version: u64) -> bool {
        let mut state = self.state();
        let entry = state.events.entry(event_id.to_owned()).or_default();
        let freed = match entry.current {
            Some(current) if current > version => return false,
            Some(current) if current < version => entry.drop_version(current),
            _ => 0,
        };
        entry.current = Some(version);
        state.bytes -= freed;
        true
    }

    async fn invalidate(&self, event_id: &str, version: u64) -> bool {
        let mut state = self.state();
        let Some(entry) = state.events.get_mut(event_id) else {
            return true;
        };
        entry.current = None;
        let freed = entry.drop_version(version);
        state.bytes -= freed;
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Node memory in front of Redis
// ---------------------------------------------------------------------------------------------

/// The node's memory in front of the shared cache. Bodies are immutable per version, so the
/// local copy of a body is always right; only the version pointer can go stale, so the local
/// pointer is trusted for `pointer_ttl` after it was read from (or written to) the shared
/// cache. Another node's publish therefore shows here within `pointer_ttl` (this node's own
/// publishes at once), and a hot agenda costs no round trip to Redis.
pub struct TieredCache<C> {
    local: InProcessCache,
    shared: C,
    pointer_ttl: Duration,
    checked: Mutex<HashMap<String, Instant>>,
}

impl<C: Cache> TieredCache<C> {
    /// `local` memory in front of `shared`, trusting the local pointer for `pointer_ttl`.
    pub fn new(local: InProcessCache, shared: C, pointer_ttl: Duration) -> Self {
        Self {
            local,
            shared,
            pointer_ttl,
            checked: Mutex::new(HashMap::new()),
        }
    }

    fn checked(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.checked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A zero TTL turns the node's memory off: every read asks the shared cache.
    fn remembers(&self) -> bool {
        !self.pointer_ttl.is_zero()
    }

    /// Whether this read should refresh the pointer from the shared cache. When the local
    /// pointer is older than the TTL, the first read to notice claims the refresh (marking the
    /// pointer checked) and the reads that arrive meanwhile keep using the local copy: one
    /// round trip per TTL, not a stampede of every request in flight.
    fn claim_refresh(&self, event_id: &str) -> bool {
        let mut checked = self.checked();
        match checked.get_mut(event_id) {
            Some(at) if at.elapsed() < self.pointer_ttl => false,
            Some(at) => {
                *at = Instant::now();
                true
            }
            None => true,
        }
    }

    fn mark_checked(&self, event_id: &str) {
        self.checked().insert(event_id.to_owned(), Instant::now());
    }
}

#[async_trait]
impl<C: Cache> Cache for TieredCache<C> {
    async fn get_current(&self, event_id: &str, part: &str) -> CachedRead {
        if !self.remembers() {
            return self.shared.get_current(event_id, part).await;
        }
        if !self.claim_refresh(event_id) {
            let local = self.local.get_current(event_id, part).await;
            if local.body.is_some() {
                return local;
            }
        }
        let shared = self.shared.get_current(event_id, part).await;
        match shared.version {
            Some(version) => {
                if self.local.set_current_version(event_id, version).await {
                    self.mark_checked(event_id);
                }
                if let Some(body) = &shared.body {
                    self.local.put(event_id, version, part, body.clone()).await;
                }
            }
            // Redis does not know (or is unreachable): stop trusting the local pointer, so
            // reads go to the database until the shared pointer is back.
            None => {
                self.checked().remove(event_id);
            }
        }
        shared
    }

    async fn get(&self, event_id: &str, version: u64, part: &str) -> Option<Bytes> {
        if !self.remembers() {
            return self.shared.get(event_id, version, part).await;
        }
        if let Some(body) = self.local.get(event_id, version, part).await {
            return Some(body);
        }
        let body = self.shared.get(event_id, version, part).await?;
        self.local.put(event_id, version, part, body.clone()).await;
        Some(body)
    }

    async fn put(&self, event_id: &str, version: u64, part: &str, body: Bytes) -> bool {
        self.local.put(event_id, version, part, body.clone()).await;
        self.shared.put(event_id, version, part, body).await
    }

    async fn set_current_version(&self, event_id: &str, version: u64) -> bool {
        let shared = self.shared.set_current_version(event_id, version).await;
        if self.local.set_current_version(event_id, version).await && shared {
            self.mark_checked(event_id);
        }
        shared
    }

    async fn invalidate(&self, event_id: &str, version: u64) -> bool {
        self.checked().remove(event_id);
        self.local.invalidate(event_id, version).await;
        self.shared.invalidate(event_id, version).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One shared cache seen by two nodes (standing in for Redis).
    struct Shared(std::sync::Arc<InProcessCache>);

    #[async_trait]
    impl Cache for Shared {
        async fn get_current(&self, event_id: &str, part: &str) -> CachedRead {
            self.0.get_current(event_id, part).await
        }
        async fn get(&self, event_id: &str, version: u64, part: &str) -> Option<Bytes> {
            self.0.get(event_id, version, part).await
        }
        async fn put(&self, event_id: &str, version: u64, part: &str, body: Bytes) -> bool {
            self.0.put(event_id, version, part, body).await
        }
        async fn set_current_version(&self, event_id: &str, version: u64) -> bool {
            self.0.set_current_version(event_id, version).await
        }
        async fn invalidate(&self, event_id: &str, version: u64) -> bool {
            self.0.invalidate(event_id, version).await
        }
    }

    #[tokio::test]
    async fn a_node_sees_its_own_publish_at_once_and_another_nodes_within_the_pointer_ttl() {
        let shared = std::sync::Arc::new(InProcessCache::default());
        let ttl = Duration::from_millis(300);
        let a = TieredCache::new(InProcessCache::default(), Shared(shared.clone()), ttl);
        let b = TieredCache::new(InProcessCache::default(), Shared(shared.clone()), ttl);
        assert!(a.set_current_version("e", 1).await);
        assert!(a.put("e", 1, "agenda:p", Bytes::from_static(b"v1")).await);
        let read = b.get_current("e", "agenda:p").await;
        assert_eq!((read.version, read.body.as_deref()), (Some(1), Some(&b"v1"[..])));

        // A publishes version 2: A knows at once; B keeps serving its copy of version 1 ...
        assert!(a.set_current_version("e", 2).await);
        assert_eq!(a.get_current("e", "agenda:p").await.version, Some(2));
        assert_eq!(b.get_current("e", "agenda:p").await.version, Some(1));
        // ... from its own memory (the shared cache no longer has version 1's bodies) ...
        assert_eq!(shared.get("e", 1, "agenda:p").await, None);
        // ... until its pointer is older than the TTL.
        tokio::time::sleep(ttl + Duration::from_millis(50)).await;
        let read = b.get_current("e", "agenda:p").await;
        assert_eq!((read.version, read.body), (Some(2), None));
    }

    #[test]
    fn etag_is_strong_quoted_and_depends_on_every_input() {
        let etag = agenda_etag("e1", 3, "p1");
        assert!(etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"));
        assert_eq!(etag, agenda_etag("e1", 3, "p1"));
        assert_ne!(etag, agenda_etag("e1", 4, "p1"));
        assert_ne!(etag, agenda_etag("e1", 3, "p2"));
        assert_ne!(etag, agenda_etag("e2", 3, "p1"));
        assert_ne!(agenda_etag("a:b", 1, "c"), agenda_etag("a", 1, "b:c"));
    }

    #[test]
    fn if_none_match_handles_lists_weak_tags_and_star() {
        let etag = agenda_etag("e1", 3, "p1");
        assert!(if_none_match_matches(&etag, &etag));
        assert!(if_none_match_matches(&format!("\"other\", W/{etag}"), &etag));
        assert!(if_none_match_matches("*", &etag));
        assert!(!if_none_match_matches("\"other\"", &etag));
        assert!(!if_none_match_matches(&agenda_etag("e1", 2, "p1"), &etag));
    }
}
