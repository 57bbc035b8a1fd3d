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

mod in_process;
mod redis;
mod tiered;

use async_trait::async_trait;
use axum::body::Bytes;
use sha2::{Digest, Sha256};

pub use in_process::InProcessCache;
pub use redis::RedisCache;
pub use tiered::TieredCache;

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

#[cfg(test)]
mod tests {
    use super::*;

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
