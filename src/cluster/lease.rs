//! "One schedule run per event at a time, across all nodes": a lock with a TTL and a
//! **fencing token**.
//!
//! Every successful [`acquire`](EventLock::acquire) gets a token strictly greater than every
//! token handed out before for that event. A lock alone cannot stop a holder that was paused
//! (GC, swap, a network partition) past its TTL from writing after a newer holder took over;
//! the token can, because **the store checks it at write time**:
//!
//! * the event row (or a per-event `fence` row) keeps the highest token that wrote;
//! * every write of a run's result or progress is conditional, in one statement, e.g.
//!   `UPDATE schedule_runs SET … , fence = $token WHERE id = $run AND $token >= (SELECT fence FROM events WHERE id = $event)`
//!   together with `UPDATE events SET fence = $token WHERE id = $event AND fence <= $token`;
//! * zero rows updated means a newer holder exists: the run stops and publishes nothing.
//!
//! Redis remains a hint for mutual exclusion; PostgreSQL is the authority. Because Redis can
//! lose its counter (restart without persistence), [`EventLock::acquire_above`] takes the
//! highest token the store has seen, and the counter never goes below it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use redis::Script;
use tokio::time::Instant;

use super::ClusterError;
use super::redis_conn::{RedisConn, millis};

/// A fencing token: compare them, store the highest, reject writes carrying a lower one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FencingToken(pub u64);

impl FencingToken {
    /// The token as PostgreSQL's `BIGINT` (tokens stay far below `i64::MAX`).
    pub fn as_i64(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

impl std::fmt::Display for FencingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Holding the lock of one event.
#[derive(Debug, Clone)]
pub struct EventLease {
    /// The locked event.
    pub event_id: String,
    /// Carried by every write this holder makes (see the module docs).
    pub token: FencingToken,
    /// Identifies this holder; extend and release check it.
    pub holder_id: String,
}

/// Per-event mutual exclusion with fencing tokens. Object-safe: use it as `Arc<dyn EventLock>`.
#[async_trait]
pub trait EventLock: Send + Sync {
    /// Takes the event's lock for `ttl` if nobody holds it, with a token above every earlier
    /// one and at least `floor + 1` (pass the highest token the store has recorded).
    /// `None`: someone else holds it.
    async fn acquire_above(
        &self,
        event_id: &str,
        ttl: Duration,
        floor: FencingToken,
    ) -> Result<Option<EventLease>, ClusterError>;

    /// [`acquire_above`](EventLock::acquire_above) with no floor.
    async fn acquire(&self, event_id: &str, ttl: Duration) -> Result<Option<EventLease>, ClusterError> {
        self.acquire_above(event_id, ttl, FencingToken(0)).await
    }

    /// Extends the lock to `ttl` from now, only if `lease` still holds it. `false`: lost.
    async fn extend(&self, lease: &EventLease, ttl: Duration) -> Result<bool, ClusterError>;

    /// Releases the lock, only if `lease` still holds it (never someone else's).
    async fn release(&self, lease: &EventLease) -> Result<bool, ClusterError>;
}

fn holder_value(lease: &EventLease) -> String {
    format!("{}:{}", lease.holder_id, lease.token)
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

/// The lock on Redis: `lock:{event}` holds `{holder}:{token}` with a TTL; `fence:{event}` is
/// the counter (no TTL). Acquire, extend and release are Lua scripts, so each check-and-act is
/// atomic.
pub struct RedisEventLock {
    conn: RedisConn,
    acquire: Script,
    extend: Script,
    release: Script,
}

impl RedisEventLock {
    pub(crate) fn new(conn: RedisConn) -> Self {
        Self {
            conn,
            // KEYS: lock, fence. ARGV: holder id, ttl ms, floor. Returns the token, or 0.
            acquire: Script::new(
                r"
                if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
                local floor = tonumber(ARGV[3])
                local current = tonumber(redis.call('GET', KEYS[2]) or '0')
                if current < floor then redis.call('SET', KEYS[2], ARGV[3]) end
                local token = redis.call('INCR', KEYS[2])
                redis.call('SET', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
                return token",
            ),
            // KEYS: lock. ARGV: holder value, ttl ms.
            extend: Script::new(
                r"
                if redis.call('GET', KEYS[1]) == ARGV[1] then
                  redis.call('PEXPIRE', KEYS[1], ARGV[2])
                  return 1
                end
                return 0",
            ),
            // KEYS: lock. ARGV: holder value.
            release: Script::new(
                r"
                if redis.call('GET', KEYS[1]) == ARGV[1] then
                  redis.call('DEL', KEYS[1])
                  return 1
                end
                return 0",
            ),
        }
    }

    fn lock_key(&self, event_id: &str) -> String {
        self.conn.key(format_args!("lock:{event_id}"))
    }

    fn fence_key(&self, event_id: &str) -> String {
        self.conn.key(format_args!("fence:{event_id}"))
    }
}

#[async_trait]
impl EventLock for RedisEventLock {
    async fn acquire_above(
        &self,
        event_id: &str,
        ttl: Duration,
        floor: FencingToken,
    ) -> Result<Option<EventLease>, ClusterError> {
        let holder_id = uuid::Uuid::new_v4().to_string();
        let mut manager = self.conn.manager();
        let mut invocation = self.acquire.prepare_invoke();
        invocation
            .key(self.lock_key(event_id))
            .key(self.fence_key(event_id))
            .arg(&holder_id)
            .arg(millis(ttl))
            .arg(floor.0);
        let token: u64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok((token > 0).then(|| EventLease {
            event_id: event_id.to_owned(),
            token: FencingToken(token),
            holder_id,
        }))
    }

    async fn extend(&self, lease: &EventLease, ttl: Duration) -> Result<bool, ClusterError> {
        let mut manager = self.conn.manager();
        let mut invocation = self.extend.prepare_invoke();
        invocation
            .key(self.lock_key(&lease.event_id))
            .arg(holder_value(lease))
            .arg(millis(ttl));
        let extended: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok(extended == 1)
    }

    async fn release(&self, lease: &EventLease) -> Result<bool, ClusterError> {
        let mut manager = self.conn.manager();
        let mut invocation = self.release.prepare_invoke();
        invocation
            .key(self.lock_key(&lease.event_id))
            .arg(holder_value(lease));
        let released: i64 = self.conn.run(invocation.invoke_async(&mut manager)).await?;
        Ok(released == 1)
    }
}

// ---------------------------------------------------------------------------------------------
// In-process
// ---------------------------------------------------------------------------------------------

/// The lock in this process's memory, for one node.
#[derive(Default)]
pub struct InProcessEventLock {
    events: Mutex<HashMap<String, LockState>>,
}

#[derive(Default)]
struct LockState {
    last_token: u64,
    holder: Option<(String, Instant)>,
}

impl InProcessEventLock {
    fn with_holder<T>(&self, lease: &EventLease, act: impl FnOnce(&mut LockState) -> T) -> Option<T> {
        let mut events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = events.get_mut(&lease.event_id)?;
        let holds = matches!(&state.holder, Some((value, expires))
            if *value == holder_value(lease) && *expires > Instant::now());
        holds.then(|| act(state))
    }
}

#[async_trait]
impl EventLock for InProcessEventLock {
    async fn acquire_above(
        &self,
        event_id: &str,
        ttl: Duration,
        floor: FencingToken,
    ) -> Result<Option<EventLease>, ClusterError> {
        let now = Instant::now();
        let mut events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let state = events.entry(event_id.to_owned()).or_default();
        if matches!(&state.holder, Some((_, expires)) if *expires > now) {
            return Ok(None);
        }
        state.last_token = state.last_token.max(floor.0) + 1;
        let lease = EventLease {
            event_id: event_id.to_owned(),
            token: FencingToken(state.last_token),
            holder_id: uuid::Uuid::new_v4().to_string(),
        };
        state.holder = Some((holder_value(&lease), now + ttl));
        Ok(Some(lease))
    }

    async fn extend(&self, lease: &EventLease, ttl: Duration) -> Result<bool, ClusterError> {
        Ok(self
            .with_holder(lease, |state| {
                if let Some((_, expires)) = state.holder.as_mut() {
                    *expires = Instant::now() + ttl;
                }
            })
            .is_some())
    }

    async fn release(&self, lease: &EventLease) -> Result<bool, ClusterError> {
        Ok(self.with_holder(lease, |state| state.holder = None).is_some())
    }
}
