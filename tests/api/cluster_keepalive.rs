//! RunGuard: heartbeats keep a running job's leases, cancellation and lost leases raise the
//! solver's cancel flag.

use crate::cluster_support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use cluster_support::{Backend, cleanup, eventually, node_pair, unique_prefix};
use rendezvous::cluster::{Cluster, EventLease, JobLease, RunGuard, SolveJob, StopReason};

const EVENT_TTL: Duration = Duration::from_millis(600);
/// A bound against hanging, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(5);

async fn start_run(node: &Cluster) -> (JobLease, EventLease) {
    node.queue
        .enqueue(&SolveJob::new("event-1", "run-1", 30))
        .await
        .expect("enqueue");
    let job = node
        .queue
        .take("worker-a", Duration::from_millis(100))
        .await
        .expect("take")
        .expect("job");
    let event = node
        .locks
        .acquire("event-1", EVENT_TTL)
        .await
        .expect("acquire")
        .expect("free");
    (job, event)
}

async fn guard_keeps_both_leases(backend: Backend) {
    let prefix = unique_prefix("keepalive-keeps");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let (job, event) = start_run(&node_a).await;
    let guard = RunGuard::start(
        node_a.queue.clone(),
        node_a.locks.clone(),
        job.clone(),
        event.clone(),
        EVENT_TTL,
    );
    // Three lease TTLs without the worker doing anything itself.
    tokio::time::sleep(EVENT_TTL * 3).await;
    assert_eq!(
        node_b.queue.reap_expired().await.expect("reap"),
        0,
        "job lease kept"
    );
    assert!(
        node_b
            .locks
            .acquire("event-1", EVENT_TTL)
            .await
            .expect("acquire")
            .is_none(),
        "event lock kept"
    );
    assert!(!guard.cancel_flag().load(Ordering::SeqCst));
    assert_eq!(guard.finish().await, None);
    assert!(node_a.queue.complete(&job).await.expect("complete"));
    assert!(node_a.locks.release(&event).await.expect("release"));
    cleanup(backend, &prefix).await;
}

async fn cancellation_raises_the_flag(backend: Backend) {
    let prefix = unique_prefix("keepalive-cancel");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let (job, event) = start_run(&node_a).await;
    let guard = RunGuard::start(node_a.queue.clone(), node_a.locks.clone(), job, event, EVENT_TTL);
    let flag = guard.cancel_flag();
    node_b.queue.request_cancel("run-1").await.expect("cancel");
    assert!(eventually(PATIENCE, || async { flag.load(Ordering::SeqCst) }).await);
    assert_eq!(guard.finish().await, Some(StopReason::CancelRequested));
    cleanup(backend, &prefix).await;
}

async fn lost_event_lease_raises_the_flag(backend: Backend) {
    let prefix = unique_prefix("keepalive-lost");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let (job, event) = start_run(&node_a).await;
    let guard = RunGuard::start(
        node_a.queue.clone(),
        node_a.locks.clone(),
        job,
        event.clone(),
        EVENT_TTL,
    );
    // Someone (an operator, or an expiry during a pause) frees the lock and another node takes it.
    assert!(node_b.locks.release(&event).await.expect("release"));
    let newer = node_b
        .locks
        .acquire("event-1", Duration::from_secs(30))
        .await
        .expect("acquire")
        .expect("free");
    assert!(newer.token > event.token);
    let flag = guard.cancel_flag();
    assert!(eventually(PATIENCE, || async { flag.load(Ordering::SeqCst) }).await);
    assert_eq!(guard.finish().await, Some(StopReason::EventLeaseLost));
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(
    guard_keeps_both_leases,
    cancellation_raises_the_flag,
    lost_event_lease_raises_the_flag
);
