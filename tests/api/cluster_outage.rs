//! Redis stopped and started again under a running node: reads degrade to misses, then
//! caching and pub/sub resume. Uses a private throwaway redis-server, never the machine's.

use crate::cluster_support;

use std::time::Duration;

use axum::body::Bytes;
use cluster_support::{ThrowawayRedis, eventually, test_config, unique_prefix};
use futures::StreamExt;
use rendezvous::cluster::{CachedRead, Cluster, channels};

/// Bounds against hanging, not speed requirements.
const RECOVERY: Duration = Duration::from_secs(20);
const GUARD: Duration = Duration::from_secs(5);
const AGENDA: &str = "agenda:participant-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restart_cache_and_bus_recover() {
    let redis = ThrowawayRedis::start().await;
    let prefix = unique_prefix("outage");
    let node_a = Cluster::connect_with(test_config(Some(redis.url()), &prefix))
        .await
        .expect("node A");
    let node_b = Cluster::connect_with(test_config(Some(redis.url()), &prefix))
        .await
        .expect("node B");
    let channel = channels::updates("event-1");
    let mut updates = node_b.bus.subscribe(&channel).await.expect("subscribe");

    let body = Bytes::from_static(b"agenda v1");
    assert!(node_a.cache.set_current_version("event-1", 1).await);
    assert!(node_a.cache.put("event-1", 1, AGENDA, body.clone()).await);
    assert_eq!(
        node_b.cache.get_current("event-1", AGENDA).await.body,
        Some(body.clone())
    );

    redis.stop().await;
    // Reads degrade to misses (the service then reads the database).
    for _ in 0..5 {
        let read = tokio::time::timeout(GUARD, node_b.cache.get_current("event-1", AGENDA))
            .await
            .expect("returns");
        assert_eq!(read, CachedRead::default());
    }
    assert!(
        !tokio::time::timeout(GUARD, node_a.cache.put("event-1", 1, AGENDA, body.clone()))
            .await
            .expect("returns")
    );

    redis.restart().await;
    // The data is gone (no persistence): caching resumes from empty once reconnected.
    let resumed = eventually(RECOVERY, || async {
        node_a.cache.set_current_version("event-1", 2).await
            && node_a
                .cache
                .put("event-1", 2, AGENDA, Bytes::from_static(b"agenda v2"))
                .await
    })
    .await;
    assert!(resumed, "caching resumes after Redis returns");
    assert_eq!(
        node_b.cache.get_current("event-1", AGENDA).await,
        CachedRead {
            version: Some(2),
            body: Some(Bytes::from_static(b"agenda v2"))
        }
    );

    // The subscriber on B was subscribed again after its connection came back.
    let deadline = tokio::time::Instant::now() + RECOVERY;
    let mut delivered = false;
    while !delivered && tokio::time::Instant::now() < deadline {
        if node_a.bus.publish(&channel, r#"{"version":2}"#).await.is_ok() {
            delivered = matches!(tokio::time::timeout(Duration::from_millis(200), updates.next()).await,
                Ok(Some(message)) if message.payload == r#"{"version":2}"#);
        } else {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    assert!(delivered, "pub/sub resumes after Redis returns");
    node_a.shutdown().await;
    node_b.shutdown().await;
}
