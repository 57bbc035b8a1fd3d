//! Scale-out building blocks shared by every `rendezvous serve` and `rendezvous worker` node:
//! the solve job queue, per-event leases with fencing tokens, the pub/sub bus, the timetable
//! cache and write rate limits.
//!
//! Each concern is a small object-safe trait with two implementations: one on Redis (several
//! nodes sharing one Redis) and one in-process (a single node, when `REDIS_URL` is unset).
//! [`Cluster`] bundles one of each, chosen from the configuration.

pub mod bus;
pub mod cache;
pub mod event_locks;
pub mod keepalive;
pub mod lease;
pub mod queue;
pub mod ratelimit;
mod redis_conn;
mod throttle;

use std::sync::Arc;
use std::time::Duration;

pub use bus::{Bus, BusMessage, InProcessBus, RedisBus, TokenChanged, channels};
pub use cache::{
    Cache, CachedRead, InProcessCache, RedisCache, TieredCache, agenda_etag, if_none_match_matches,
};
pub use event_locks::EventLocks;
pub use keepalive::{RunGuard, StopReason};
pub use lease::{EventLease, EventLock, FencingToken, InProcessEventLock, RedisEventLock};
pub use queue::{InProcessQueue, JobLease, JobQueue, RedisQueue, SolveJob};
pub use ratelimit::{
    InProcessRateLimiter, RateDecision, RateLimit, RateLimiter, ReadLimits, RedisRateLimiter, WriteLimits,
    token_key,
};

use redis_conn::RedisConn;

/// What can go wrong talking to the coordination backend.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Redis answered with an error, or the connection failed.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis did not answer in time.
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
    /// A stored job could not be decoded.
    #[error("malformed job payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// The configuration is unusable (for example a malformed `REDIS_URL`).
    #[error("invalid cluster configuration: {0}")]
    Config(String),
    /// Redis is not reachable at the moment (the component keeps reconnecting).
    #[error("redis is not reachable")]
    Unavailable,
    /// The component was shut down.
    #[error("the cluster connection is closed")]
    Closed,
}

/// Settings for [`Cluster::connect_with`]. The defaults suit production; tests shorten the TTLs.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// `redis://…`; `None` keeps everything in this process (one node).
    pub redis_url: Option<String>,
    /// Every Redis key and pub/sub channel starts with `{key_prefix}:`, so that several
    /// deployments (or parallel tests) can share one Redis.
    pub key_prefix: String,
    /// How long one attempt to open a Redis connection may take.
    pub connect_timeout: Duration,
    /// How long queue, lock, bus and rate-limit commands may wait for Redis.
    pub command_timeout: Duration,
    /// How long a cache command may wait before the read falls back to the database.
    pub cache_timeout: Duration,
    /// How long a taken job stays leased without a heartbeat before it is handed out again.
    pub job_lease_ttl: Duration,
    /// How long the cached "current published version" pointer lives; bounds how stale it
    /// can get if a publish could not update it (Redis down at that moment).
    pub version_ttl: Duration,
    /// How long cached timetable bodies live (they are immutable per version).
    pub content_ttl: Duration,
    /// How long a node trusts its own copy of the current-version pointer before asking
    /// Redis again: the longest another node's publish can take to show on this node.
    pub local_pointer_ttl: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            key_prefix: "rendezvous".to_owned(),
            connect_timeout: Duration::from_millis(500),
            command_timeout: Duration::from_secs(2),
            cache_timeout: Duration::from_millis(80),
            job_lease_ttl: Duration::from_secs(30),
            version_ttl: Duration::from_secs(10),
            content_ttl: Duration::from_secs(3600),
            local_pointer_ttl: Duration::from_secs(1),
        }
    }
}

/// One node's handles on the coordination services. Cloning is cheap (all fields are `Arc`s).
#[derive(Clone)]
pub struct Cluster {
    /// The solve job queue.
    pub queue: Arc<dyn JobQueue>,
    /// One schedule run per event at a time, with fencing tokens.
    pub locks: Arc<dyn EventLock>,
    /// Live progress and "new timetable version" announcements.
    pub bus: Arc<dyn Bus>,
    /// Published timetables and agendas.
    pub cache: Arc<dyn Cache>,
    /// Per-token write rate limits.
    pub rate_limiter: Arc<dyn RateLimiter>,
    distributed: bool,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("distributed", &self.distributed)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// Redis-backed when `redis_url` is given, in-process otherwise; default timeouts and TTLs.
    pub async fn connect(redis_url: Option<&str>, key_prefix: &str) -> Result<Self, ClusterError> {
        Self::connect_with(ClusterConfig {
            redis_url: redis_url.map(str::to_owned),
            key_prefix: key_prefix.to_owned(),
            ..ClusterConfig::default()
        })
        .await
    }

    /// Builds the cluster from `config`. A malformed URL is an error; an unreachable Redis is
    /// not (it is logged, and every component keeps retrying), so a node can start while Redis
    /// is down and still serve reads from the database.
    pub async fn connect_with(config: ClusterConfig) -> Result<Self, ClusterError> {
        let Some(url) = config.redis_url.as_deref() else {
            return Ok(Self::in_process_with(&config));
        };
        let conn = RedisConn::open(url, &config)?;
        if let Err(error) = conn.ping().await {
            tracing::warn!(%error, "redis is not reachable yet; continuing and retrying in the background");
        }
        Ok(Self {
            queue: Arc::new(RedisQueue::new(conn.clone(), config.job_lease_ttl)),
            locks: Arc::new(RedisEventLock::new(conn.clone())),
            bus: Arc::new(RedisBus::new(conn.clone())),
            cache: Arc::new(TieredCache::new(
                InProcessCache::default(),
                RedisCache::new(conn.clone(), config.version_ttl, config.content_ttl),
                config.local_pointer_ttl,
            )),
            rate_limiter: Arc::new(RedisRateLimiter::new(conn)),
            distributed: true,
        })
    }

    /// Everything in this process: correct for exactly one node.
    pub fn in_process() -> Self {
        Self::in_process_with(&ClusterConfig::default())
    }

    /// In-process, with the TTLs from `config` (its Redis fields are ignored).
    pub fn in_process_with(config: &ClusterConfig) -> Self {
        Self {
            queue: Arc::new(InProcessQueue::new(config.job_lease_ttl)),
            locks: Arc::new(InProcessEventLock::default()),
            bus: Arc::new(InProcessBus::default()),
            cache: Arc::new(InProcessCache::default()),
            rate_limiter: Arc::new(InProcessRateLimiter::default()),
            distributed: false,
        }
    }

    /// Whether the handles reach other nodes (Redis) or only this process.
    pub fn is_distributed(&self) -> bool {
        self.distributed
    }

    /// Ends every bus subscription stream (so SSE responses finish) and stops background tasks.
    pub async fn shutdown(&self) {
        self.bus.close().await;
    }
}
