//! The node's own memory in front of the shared (Redis) timetable cache.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;

use super::{Cache, CachedRead, InProcessCache};

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
}
