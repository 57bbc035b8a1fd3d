//! Pub/sub across nodes, on Redis and in-process.

use crate::cluster_support;

use std::time::Duration;

use cluster_support::{Backend, cleanup, node_pair, unique_prefix};
use futures::StreamExt;
use futures::stream::BoxStream;
use rendezvous::cluster::{BusMessage, ClusterError, channels};

/// A bound against hanging when a message is lost, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(5);

async fn next(stream: &mut BoxStream<'static, BusMessage>) -> BusMessage {
    tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("a message in time")
        .expect("stream open")
}

async fn published_on_a_received_on_b(backend: Backend) {
    let prefix = unique_prefix("bus-cross");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let channel = channels::progress("event-1", "run-1");
    assert_eq!(channel, "progress:event-1:run-1");
    let mut on_b = node_b.bus.subscribe(&channel).await.expect("subscribe on B");
    let mut also_on_b = node_b
        .bus
        .subscribe(&channel)
        .await
        .expect("second subscriber on B");
    let mut on_a = node_a.bus.subscribe(&channel).await.expect("subscribe on A");

    let payloads = [
        r#"{"incumbent":10}"#,
        r#"{"incumbent":12}"#,
        r#"{"incumbent":15}"#,
    ];
    for payload in payloads {
        node_a.bus.publish(&channel, payload).await.expect("publish");
    }
    for stream in [&mut on_b, &mut also_on_b, &mut on_a] {
        for payload in payloads {
            let message = next(stream).await;
            assert_eq!(message.channel, channel);
            assert_eq!(message.payload, payload, "in order");
        }
    }
    cleanup(backend, &prefix).await;
}

async fn channels_are_separate(backend: Backend) {
    let prefix = unique_prefix("bus-separate");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let mut updates_1 = node_b
        .bus
        .subscribe(&channels::updates("event-1"))
        .await
        .expect("subscribe");
    node_a
        .bus
        .publish(&channels::updates("event-2"), r#"{"version":7}"#)
        .await
        .expect("publish");
    node_a
        .bus
        .publish(&channels::updates("event-1"), r#"{"version":3}"#)
        .await
        .expect("publish");
    let message = next(&mut updates_1).await;
    assert_eq!(message.channel, "updates:event-1");
    assert_eq!(message.payload, r#"{"version":3}"#);
    // Nobody listening is fine.
    node_a
        .bus
        .publish(&channels::updates("event-9"), "{}")
        .await
        .expect("publish to nobody");
    cleanup(backend, &prefix).await;
}

async fn dropped_subscribers_do_not_block_others(backend: Backend) {
    let prefix = unique_prefix("bus-drop");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let channel = channels::updates("event-1");
    drop(node_b.bus.subscribe(&channel).await.expect("subscribe"));
    node_a.bus.publish(&channel, "first").await.expect("publish");
    let mut stream = node_b.bus.subscribe(&channel).await.expect("subscribe again");
    node_a.bus.publish(&channel, "second").await.expect("publish");
    // "first" may still be in flight to this node when it subscribes again (pub/sub promises
    // delivery of what is published after `subscribe` returns, nothing about before).
    let mut received = next(&mut stream).await.payload;
    if received == "first" {
        received = next(&mut stream).await.payload;
    }
    assert_eq!(received, "second");
    cleanup(backend, &prefix).await;
}

async fn close_ends_streams(backend: Backend) {
    let prefix = unique_prefix("bus-close");
    let (_, node) = node_pair(backend, &prefix).await;
    let mut stream = node
        .bus
        .subscribe(&channels::updates("event-1"))
        .await
        .expect("subscribe");
    node.shutdown().await;
    let end = tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("ends in time");
    assert!(end.is_none(), "the stream ends on shutdown");
    assert!(matches!(
        node.bus.subscribe("updates:event-1").await,
        Err(ClusterError::Closed)
    ));
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(
    published_on_a_received_on_b,
    channels_are_separate,
    dropped_subscribers_do_not_block_others,
    close_ends_streams,
);
