//! The timetable cache, on Redis and in-process, and its behaviour when Redis is unreachable.

use crate::cluster_support;

use std::time::Duration;

use axum::body::Bytes;
use cluster_support::{Backend, cleanup, node_pair, test_config, unique_prefix};
use rendezvous::cluster::{CachedRead, Cluster, RateDecision, RateLimit};

const AGENDA: &str = "agenda:participant-1";

async fn versioned_get_put_invalidate(backend: Backend) {
    let prefix = unique_prefix("cache-versions");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    assert_eq!(
        node_a.cache.get_current("event-1", AGENDA).await,
        CachedRead::default(),
        "cold"
    );

    assert!(node_a.cache.set_current_version("event-1", 1).await);
    let read = node_b.cache.get_current("event-1", AGENDA).await;
    assert_eq!(
        read,
        CachedRead {
            version: Some(1),
            body: None
        },
        "pointer without body"
    );

    let body = Bytes::from_static(br#"{"participant":"participant-1","version":1,"meetings":[]}"#);
    assert!(node_b.cache.put("event-1", 1, AGENDA, body.clone()).await);
    let read = node_a.cache.get_current("event-1", AGENDA).await;
    assert_eq!(
        read,
        CachedRead {
            version: Some(1),
            body: Some(body.clone())
        }
    );
    assert_eq!(node_a.cache.get("event-1", 1, AGENDA).await, Some(body.clone()));
    assert_eq!(node_a.cache.get("event-1", 1, "agenda:participant-2").await, None);

    // Publishing version 2 moves the pointer and drops version 1.
    assert!(node_a.cache.set_current_version("event-1", 2).await);
    assert_eq!(
        node_b.cache.get("event-1", 1, AGENDA).await,
        None,
        "old version dropped"
    );
    assert_eq!(
        node_b.cache.get_current("event-1", AGENDA).await,
        CachedRead {
            version: Some(2),
            body: None
        }
    );

    // A late refill with an older version never moves the pointer back.
    assert!(!node_b.cache.set_current_version("event-1", 1).await);
    assert_eq!(node_a.cache.get_current("event-1", AGENDA).await.version, Some(2));
    assert!(
        node_b.cache.set_current_version("event-1", 2).await,
        "same version is fine"
    );

    // Other events are untouched.
    assert!(node_a.cache.set_current_version("event-2", 5).await);
    assert!(
        node_a
            .cache
            .put("event-2", 5, AGENDA, Bytes::from_static(b"other"))
            .await
    );
    assert!(node_a.cache.invalidate("event-1", 2).await);
    assert_eq!(
        node_b.cache.get_current("event-1", AGENDA).await,
        CachedRead::default()
    );
    let other = node_b.cache.get_current("event-2", AGENDA).await;
    assert_eq!(
        other,
        CachedRead {
            version: Some(5),
            body: Some(Bytes::from_static(b"other"))
        }
    );
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(versioned_get_put_invalidate);

/// Nothing listens on port 1: every call must come back (as a miss, never an error or a hang),
/// and what works without Redis keeps working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_degrades_to_misses() {
    let prefix = unique_prefix("cache-unreachable");
    let cluster = Cluster::connect_with(test_config(Some("redis://127.0.0.1:1".to_owned()), &prefix))
        .await
        .expect("an unreachable Redis does not prevent starting");
    // Guards against hanging only: the cache's own timeout is 80 ms.
    let guard = Duration::from_secs(5);
    for _ in 0..3 {
        let read = tokio::time::timeout(guard, cluster.cache.get_current("event-1", AGENDA))
            .await
            .expect("returns");
        assert_eq!(read, CachedRead::default());
        assert!(
            !tokio::time::timeout(guard, cluster.cache.put("event-1", 1, AGENDA, Bytes::new()))
                .await
                .expect("returns")
        );
        assert_eq!(
            tokio::time::timeout(guard, cluster.cache.get("event-1", 1, AGENDA))
                .await
                .expect("returns"),
            None
        );
        assert!(
            !tokio::time::timeout(guard, cluster.cache.set_current_version("event-1", 1))
                .await
                .expect("returns")
        );
    }
    // The rate limiter falls back to per-node limiting instead of failing writes.
    let limit = RateLimit::new(2, Duration::from_secs(60));
    for _ in 0..2 {
        assert_eq!(
            cluster.rate_limiter.check("writes", "token", limit).await,
            RateDecision::Allowed
        );
    }
    assert!(matches!(
        cluster.rate_limiter.check("writes", "token", limit).await,
        RateDecision::Denied { .. }
    ));
    // Coordination calls report the outage as errors the caller can handle.
    assert!(
        cluster
            .locks
            .acquire("event-1", Duration::from_secs(1))
            .await
            .is_err()
    );
    assert!(cluster.bus.subscribe("updates:event-1").await.is_err());
}

#[tokio::test]
async fn malformed_redis_url_is_a_configuration_error() {
    let error = Cluster::connect(Some("not a url"), "rdv-test")
        .await
        .expect_err("rejected");
    assert!(error.to_string().contains("REDIS_URL"), "{error}");
}
