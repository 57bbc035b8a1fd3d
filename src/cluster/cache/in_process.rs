//! The timetable cache in this process's memory, bounded in bytes, for a single node.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use axum::body::Bytes;

use super::{Cache, CachedRead};

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
