//! What every handler and page can reach: the store, the cluster, and this node's shared
//! caches. Built once at start-up, when the application is wired.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::watch;

use crate::cluster::{Cluster, EventLocks, ReadLimits, WriteLimits};
use crate::domain::Clock;
use crate::jobs::publish::{PublishRunError, publish_run};
use crate::matchmaking::Matchmaking;
use crate::notify::Mailer;
use crate::store::{DynStore, Publication};
use crate::timetable::PublishedTimetables;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    /// Queue, locks, bus, cache and rate limiter: Redis-backed or in this process.
    pub cluster: Cluster,
    /// SHA-256 (hex) of the organiser's token.
    pub organiser_token_hash: Arc<str>,
    /// SHA-256 (hex) of the token that reads `/metrics` only, if one is set.
    pub metrics_token_hash: Option<Arc<str>>,
    pub metrics: PrometheusHandle,
    /// Per-token write limits.
    pub write_limits: WriteLimits,
    /// Per-participant limits on reads that compute.
    pub read_limits: ReadLimits,
    /// Says true when the node shuts down: live streams end.
    pub shutdown: watch::Receiver<bool>,
    /// This node's resolved timetables, one per event.
    pub timetables: Arc<PublishedTimetables>,
    /// Participant identities by token hash, for timetable reads.
    pub token_identities: Arc<TokenIdentities>,
    /// This instance's per-event suggestion indexes.
    pub matchmaking: Arc<Matchmaking>,
    /// Live streams open per caller on this node.
    pub streams: Arc<StreamSlots>,
    /// This node's mail sender: its transport and sender address.
    pub mailer: Mailer,
    /// What time it is for the service.
    pub clock: Clock,
    /// Publishes of one event wait here, one at a time in this node, without holding a
    /// database connection (the event's row lock orders them across nodes).
    pub publishes: Arc<EventLocks>,
}

impl AppState {
    /// After a change of the live timetable (`revision`, when it changed): every node's
    /// agenda cache points at the new revision and live watchers hear of it. For the JSON
    /// API and the pages alike.
    pub async fn changed(&self, event: &str, revision: Option<i64>) {
        let Some(revision) = revision else { return };
        let version = match self.store.event(event).await {
            Ok(stored) => stored.timetable_version,
            Err(err) => {
                tracing::warn!(event, error = %err, "could not read the event after a change");
                None
            }
        };
        crate::timetable::announce(&self.cluster, event, version, revision).await;
    }

    /// Publishes a done run (`jobs::publish::publish_run`), for the JSON API and the pages
    /// alike: one publish of an event at a time in this node, then every node hears of the
    /// new revision.
    pub async fn publish_run(
        &self,
        event: &str,
        run: &str,
        current_ok: &(dyn Fn(i64) -> bool + Send + Sync),
    ) -> Result<Publication, PublishRunError> {
        // Waiting here holds no database connection.
        let _turn = self.publishes.lock(event).await;
        let published = publish_run(self.store.as_ref(), event, run, current_ok).await?;
        let revision = self.store.event(event).await?.meetings_revision;
        self.changed(event, Some(revision)).await;
        tracing::info!(
            event,
            run,
            version = published.version,
            meetings = published.meetings,
            "timetable published"
        );
        Ok(published)
    }
}

/// Participant identities by token hash, remembered by this node, so that the opening
/// morning's agenda reads do not ask the database who a token is once per request. A token
/// changes when the organiser rotates it: the node that rotates it forgets it at once and
/// announces it on the bus ([`forget_rotated_tokens`] on every node). Announcements are
/// delivered at most once, so a node also reads a remembered identity again after
/// [`TOKEN_RECHECK`] (spread over a quarter more, so that tokens first seen together in a
/// rush are not re-read together).
#[derive(Default)]
pub struct TokenIdentities {
    known: std::sync::RwLock<Known>,
}

#[derive(Default)]
struct Known {
    /// Token hash → the participant's (event, id), and until when it is trusted.
    by_hash: std::collections::HashMap<String, ((String, String), std::time::Instant)>,
    /// The participant's remembered token hashes, to forget them without a scan.
    by_participant: std::collections::HashMap<(String, String), Vec<String>>,
}

/// How long a node trusts a remembered token without an announcement: the longest an old
/// token still reads agendas on a node that missed the announcement of its rotation.
pub const TOKEN_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Identities remembered before the memory starts over (bounds it to some tens of MB).
const MAX_REMEMBERED_TOKENS: usize = 200_000;

impl TokenIdentities {
    pub fn get(&self, hash: &str) -> Option<(String, String)> {
        self.known
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .by_hash
            .get(hash)
            .filter(|(_, until)| std::time::Instant::now() < *until)
            .map(|(identity, _)| identity.clone())
    }

    /// Forgets every token remembered for a participant (its token changed).
    pub fn forget(&self, event: &str, participant: &str) {
        let mut known = self
            .known
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (event.to_string(), participant.to_string());
        for hash in known.by_participant.remove(&key).unwrap_or_default() {
            known.by_hash.remove(&hash);
        }
    }

    pub fn remember(&self, hash: String, identity: (String, String)) {
        let mut known = self
            .known
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.by_hash.len() >= MAX_REMEMBERED_TOKENS {
            *known = Known::default();
        }
        // The spread comes from the hash itself (hex of SHA-256: evenly spread digits).
        let spread = u32::from_str_radix(hash.get(..4).unwrap_or("0"), 16).unwrap_or(0);
        let until = std::time::Instant::now() + TOKEN_RECHECK + TOKEN_RECHECK / 4 * spread / 0xffff;
        let hashes = known.by_participant.entry(identity.clone()).or_default();
        if !hashes.contains(&hash) {
            hashes.push(hash.clone());
        }
        known.by_hash.insert(hash, (identity, until));
    }
}

/// Forgets on this node the tokens other nodes announce as rotated, until `shutdown` says
/// true. Subscribes again when the bus drops the subscription (Redis restarted); what was
/// announced meanwhile is caught by [`TOKEN_RECHECK`]. Spawned once per node by the app.
pub async fn forget_rotated_tokens(
    bus: Arc<dyn crate::cluster::Bus>,
    identities: Arc<TokenIdentities>,
    mut shutdown: watch::Receiver<bool>,
) {
    use futures::StreamExt as _;
    while !*shutdown.borrow() {
        let mut announcements = match bus.subscribe(crate::cluster::channels::TOKENS).await {
            Ok(stream) => stream,
            Err(err) => {
                tracing::warn!(error = %err, "no token rotation announcements for now");
                tokio::select! {
                    _ = shutdown.changed() => {}
                    () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                }
                continue;
            }
        };
        loop {
            let message = tokio::select! {
                _ = shutdown.changed() => return,
                message = announcements.next() => message,
            };
            let Some(message) = message else {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
                break;
            };
            match serde_json::from_str::<crate::cluster::TokenChanged>(&message.payload) {
                Ok(rotated) => identities.forget(&rotated.event, &rotated.participant),
                Err(err) => tracing::warn!(error = %err, "a token rotation announcement that does not parse"),
            }
        }
    }
}

impl AppState {
    /// Gives participant `id` a new sign-in token (the old one and its sessions stop working
    /// on every node) and returns it, for the one time it is shown. The API and the
    /// organiser's pages both rotate through here.
    pub async fn rotate_token(&self, event: &str, id: &str) -> Result<String, crate::setup::SetupError> {
        let token = crate::setup::new_sign_in_token(self.store.as_ref(), event, id).await?;
        self.token_identities.forget(event, id);
        crate::cluster::TokenChanged {
            event: event.to_string(),
            participant: id.to_string(),
        }
        .announce(self.cluster.bus.as_ref())
        .await;
        Ok(token)
    }
}

/// The live streams each caller holds open on this node, at most `per_caller` each: a
/// stream holds a connection, a subscription and a task for as long as the client wants, so
/// one token must not be able to open them without end. Counted per node (N nodes: at most
/// N times the cap), which bounds what each node spends.
pub struct StreamSlots {
    per_caller: usize,
    open: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

/// One open stream's place; given back when dropped (the stream ended or its client left).
pub struct StreamSlot {
    slots: Arc<StreamSlots>,
    caller: String,
}

impl StreamSlots {
    pub fn new(per_caller: usize) -> Self {
        Self {
            per_caller: per_caller.max(1),
            open: Default::default(),
        }
    }

    /// A place for one more stream of `caller`, if it has fewer than the cap open.
    pub fn take(self: &Arc<Self>, caller: &str) -> Option<StreamSlot> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(caller.to_string()).or_default();
        if *count >= self.per_caller {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            slots: self.clone(),
            caller: caller.to_string(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = (self.slots.open.lock()).unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.caller) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.caller);
            }
        }
    }
}
