//! Pending requests expire: every node looks now and then, and the one that takes the cluster
//! lock expires, for every event, the requests asked longer ago than the event's expiry time
//! (a compare-and-set in the store, so a second pass changes nothing). The same pass purges
//! idempotency keys past their age (abandoned reservations, answers past their retention).

use std::time::Duration;

use tokio::sync::watch;

use crate::cluster::Cluster;
use crate::domain::Clock;
use crate::store::{DynStore, IdempotencyClock};

/// The lock's name: not an event id (those start with `evt`).
const LOCK: &str = "~request-expiry";

/// Expires pending requests every `every` until `shutdown` says true.
pub async fn run_expiry(
    store: DynStore,
    cluster: Cluster,
    clock: Clock,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let every = every.max(Duration::from_millis(10));
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
        if let Err(error) = expire_once(&store, &cluster, clock, every).await {
            tracing::warn!(%error, "could not expire pending requests; trying again later");
        }
    }
}

/// One pass, if this node gets the lock. Returns how many requests expired.
pub async fn expire_once(
    store: &DynStore,
    cluster: &Cluster,
    clock: Clock,
    ttl: Duration,
) -> anyhow::Result<usize> {
    let Some(lease) = cluster
        .locks
        .acquire(LOCK, ttl.max(Duration::from_secs(5)))
        .await?
    else {
        return Ok(0);
    };
    let mut expired = 0;
    let outcome = async {
        for event in store.events().await? {
            let ids = store.expire_pending(&event.id, clock.now()).await?;
            if !ids.is_empty() {
                tracing::info!(event = event.id, expired = ids.len(), "pending requests expired");
            }
            expired += ids.len();
        }
        // The same pass forgets idempotency keys past their age.
        let purged = store.idempotency_purge(IdempotencyClock::at(clock.now())).await?;
        if purged > 0 {
            tracing::info!(purged, "idempotency keys past their age purged");
        }
        anyhow::Ok(())
    }
    .await;
    if let Err(error) = cluster.locks.release(&lease).await {
        tracing::debug!(%error, "could not release the expiry lock; it expires by itself");
    }
    outcome.map(|()| expired)
}
