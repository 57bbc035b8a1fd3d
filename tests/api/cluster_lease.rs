//! Per-event leases with fencing tokens, on Redis and in-process.

use crate::cluster_support;

use std::time::Duration;

use cluster_support::{Backend, cleanup, node_pair, unique_prefix};
use rendezvous::cluster::FencingToken;

const TTL: Duration = Duration::from_millis(600);
const PAST_TTL: Duration = Duration::from_millis(800);

async fn one_holder_among_twenty(backend: Backend) {
    let prefix = unique_prefix("lease-exclusive");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let mut contenders = Vec::new();
    for index in 0..20 {
        let locks = if index % 2 == 0 {
            node_a.locks.clone()
        } else {
            node_b.locks.clone()
        };
        contenders.push(tokio::spawn(async move {
            locks.acquire("event-1", Duration::from_secs(30)).await
        }));
    }
    let mut holders = Vec::new();
    for contender in contenders {
        if let Some(lease) = contender.await.expect("task").expect("acquire") {
            holders.push(lease);
        }
    }
    assert_eq!(holders.len(), 1, "exactly one holder");
    // Another event is independent.
    assert!(
        node_b
            .locks
            .acquire("event-2", TTL)
            .await
            .expect("acquire")
            .is_some()
    );
    cleanup(backend, &prefix).await;
}

async fn tokens_strictly_increase(backend: Backend) {
    let prefix = unique_prefix("lease-tokens");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let mut previous = FencingToken(0);
    for round in 0..6 {
        let locks = if round % 2 == 0 {
            &node_a.locks
        } else {
            &node_b.locks
        };
        let lease = locks
            .acquire("event-1", TTL)
            .await
            .expect("acquire")
            .expect("free");
        assert!(lease.token > previous, "{} after {}", lease.token, previous);
        previous = lease.token;
        assert!(locks.release(&lease).await.expect("release"));
    }
    // The store's highest token is a floor, even if the lock service forgot its counter.
    let lease = node_a
        .locks
        .acquire_above("event-1", TTL, FencingToken(1_000))
        .await
        .expect("acquire")
        .expect("free");
    assert_eq!(lease.token, FencingToken(1_001));
    assert!(node_a.locks.release(&lease).await.expect("release"));
    let lease = node_b
        .locks
        .acquire_above("event-1", TTL, FencingToken(5))
        .await
        .expect("acquire")
        .expect("free");
    assert_eq!(
        lease.token,
        FencingToken(1_002),
        "a low floor never lowers the counter"
    );
    cleanup(backend, &prefix).await;
}

async fn expired_holder_cannot_touch_the_new_lease(backend: Backend) {
    let prefix = unique_prefix("lease-expired");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let stale = node_a
        .locks
        .acquire("event-1", TTL)
        .await
        .expect("acquire")
        .expect("free");
    assert!(
        node_b
            .locks
            .acquire("event-1", TTL)
            .await
            .expect("acquire")
            .is_none(),
        "held"
    );

    tokio::time::sleep(PAST_TTL).await;
    let fresh = node_b
        .locks
        .acquire("event-1", Duration::from_secs(30))
        .await
        .expect("acquire")
        .expect("expired");
    assert!(fresh.token > stale.token);
    assert!(
        !node_a
            .locks
            .extend(&stale, Duration::from_secs(30))
            .await
            .expect("extend")
    );
    assert!(!node_a.locks.release(&stale).await.expect("release"));
    assert!(
        node_a
            .locks
            .acquire("event-1", TTL)
            .await
            .expect("acquire")
            .is_none(),
        "fresh still holds"
    );

    assert!(node_b.locks.release(&fresh).await.expect("release"));
    assert!(
        node_a
            .locks
            .acquire("event-1", TTL)
            .await
            .expect("acquire")
            .is_some(),
        "free after release"
    );
    cleanup(backend, &prefix).await;
}

async fn extending_keeps_the_lease(backend: Backend) {
    let prefix = unique_prefix("lease-extend");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let lease = node_a
        .locks
        .acquire("event-1", TTL)
        .await
        .expect("acquire")
        .expect("free");
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(node_a.locks.extend(&lease, TTL).await.expect("extend"));
        assert!(
            node_b
                .locks
                .acquire("event-1", TTL)
                .await
                .expect("acquire")
                .is_none()
        );
    }
    assert!(node_a.locks.release(&lease).await.expect("release"));
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(
    one_holder_among_twenty,
    tokens_strictly_increase,
    expired_holder_cannot_touch_the_new_lease,
    extending_keeps_the_lease,
);
