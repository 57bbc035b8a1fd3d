//! Per-event locks inside one node: work on one event that must run one at a time (a
//! publish) waits here, in memory, instead of holding a database connection while it waits
//! for the event's row lock. The row lock stays the guard across nodes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::OwnedMutexGuard;

/// One async mutex per event id, dropped when nobody holds or waits for it.
#[derive(Default)]
pub struct EventLocks {
    locks: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
}

impl EventLocks {
    /// Waits for `event`'s lock; held until the guard drops.
    pub async fn lock(&self, event: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self
                .locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget the locks nobody holds any more, so the map stays as small as the work.
            locks.retain(|_, weak| weak.strong_count() > 0);
            match locks.get(event).and_then(Weak::upgrade) {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    locks.insert(event.to_owned(), Arc::downgrade(&lock));
                    lock
                }
            }
        };
        lock.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_per_event_and_events_apart() {
        let locks = EventLocks::default();
        let held = locks.lock("e1").await;
        let other = locks.lock("e2").await;
        assert!(
            futures::FutureExt::now_or_never(locks.lock("e1")).is_none(),
            "e1 is held"
        );
        drop(held);
        assert!(futures::FutureExt::now_or_never(locks.lock("e1")).is_some());
        drop(other);
        assert!(
            locks
                .locks
                .lock()
                .unwrap()
                .values()
                .all(|w| w.strong_count() == 0)
        );
    }
}
