//! The solve job queue, on Redis and in-process.

use crate::cluster_support;

use std::collections::HashSet;
use std::time::Duration;

use cluster_support::{Backend, cleanup, node_pair, unique_prefix};
use rendezvous::cluster::SolveJob;

const SHORT_WAIT: Duration = Duration::from_millis(100);
/// Longer than the tests' 600 ms job lease.
const PAST_LEASE: Duration = Duration::from_millis(800);

async fn enqueue_take_complete(backend: Backend) {
    let prefix = unique_prefix("queue-basic");
    let (node, _) = node_pair(backend, &prefix).await;
    let queue = &node.queue;
    let first = SolveJob::new("event-1", "run-1", 30);
    let second = SolveJob::new("event-2", "run-2", 10);
    queue.enqueue(&first).await.expect("enqueue");
    queue.enqueue(&second).await.expect("enqueue");
    assert_eq!(queue.pending().await.expect("pending"), 2);

    let lease = queue
        .take("worker-1", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    assert_eq!(lease.job, first, "first in, first out");
    assert_eq!(lease.job.attempt, 1);
    assert_eq!(lease.worker_id, "worker-1");
    assert_eq!(queue.pending().await.expect("pending"), 1);
    assert!(queue.heartbeat(&lease).await.expect("heartbeat"));
    assert!(queue.complete(&lease).await.expect("complete"));
    assert!(
        !queue.complete(&lease).await.expect("complete twice"),
        "a job completes once"
    );

    let lease = queue
        .take("worker-1", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    assert_eq!(lease.job, second);
    assert!(queue.complete(&lease).await.expect("complete"));
    assert!(
        queue.take("worker-1", SHORT_WAIT).await.expect("take").is_none(),
        "queue is empty"
    );
    assert_eq!(
        queue.reap_expired().await.expect("reap"),
        0,
        "nothing to reap after completion"
    );
    cleanup(backend, &prefix).await;
}

async fn dead_worker_job_runs_again_and_completes_once(backend: Backend) {
    let prefix = unique_prefix("queue-reap");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let job = SolveJob::new("event-1", "run-1", 30);
    node_a.queue.enqueue(&job).await.expect("enqueue");

    // Worker A takes the job and dies: no heartbeat, no completion.
    let dead = node_a
        .queue
        .take("worker-a", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    assert_eq!(
        node_b.queue.reap_expired().await.expect("reap"),
        0,
        "a live lease is not reaped"
    );
    assert!(
        node_b
            .queue
            .take("worker-b", SHORT_WAIT)
            .await
            .expect("take")
            .is_none()
    );

    tokio::time::sleep(PAST_LEASE).await;
    assert_eq!(node_b.queue.reap_expired().await.expect("reap"), 1);
    assert_eq!(
        node_b.queue.reap_expired().await.expect("reap again"),
        0,
        "reaped once"
    );

    let rerun = node_b
        .queue
        .take("worker-b", SHORT_WAIT)
        .await
        .expect("take")
        .expect("the job again");
    assert_eq!(rerun.job.run_id, job.run_id);
    assert_eq!(rerun.job.attempt, 2, "the second delivery says so");
    assert_ne!(rerun.lease_id, dead.lease_id);

    let mut completions = 0;
    for lease in [&rerun, &dead] {
        if node_b.queue.complete(lease).await.expect("complete") {
            completions += 1;
        }
    }
    assert_eq!(completions, 1, "only the live lease completes");
    assert!(
        !node_a.queue.heartbeat(&dead).await.expect("heartbeat"),
        "the dead worker's lease is lost"
    );
    assert_eq!(node_a.queue.pending().await.expect("pending"), 0);
    assert_eq!(
        node_a.queue.reap_expired().await.expect("reap"),
        0,
        "nothing left to reap"
    );
    assert!(
        node_a
            .queue
            .take("worker-c", SHORT_WAIT)
            .await
            .expect("take")
            .is_none()
    );
    cleanup(backend, &prefix).await;
}

async fn heartbeats_keep_the_lease(backend: Backend) {
    let prefix = unique_prefix("queue-heartbeat");
    let (node, other) = node_pair(backend, &prefix).await;
    node.queue
        .enqueue(&SolveJob::new("event-1", "run-1", 30))
        .await
        .expect("enqueue");
    let lease = node
        .queue
        .take("worker-a", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    // Twice the lease TTL in total, heartbeating every third of it.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(node.queue.heartbeat(&lease).await.expect("heartbeat"));
        assert_eq!(other.queue.reap_expired().await.expect("reap"), 0);
    }
    assert!(node.queue.complete(&lease).await.expect("complete"));
    cleanup(backend, &prefix).await;
}

async fn concurrent_takers_never_share_a_job(backend: Backend) {
    let prefix = unique_prefix("queue-concurrent");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let jobs = 30;
    for index in 0..jobs {
        node_a
            .queue
            .enqueue(&SolveJob::new("event-1", format!("run-{index}"), 5))
            .await
            .expect("enqueue");
    }
    let mut takers = Vec::new();
    for taker in 0..8 {
        let queue = if taker % 2 == 0 {
            node_a.queue.clone()
        } else {
            node_b.queue.clone()
        };
        takers.push(tokio::spawn(async move {
            let worker = format!("worker-{taker}");
            let mut taken = Vec::new();
            while let Some(lease) = queue.take(&worker, SHORT_WAIT).await.expect("take") {
                assert!(queue.complete(&lease).await.expect("complete"));
                taken.push(lease.job.run_id);
            }
            taken
        }));
    }
    let mut all = Vec::new();
    for taker in takers {
        all.extend(taker.await.expect("taker"));
    }
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), jobs, "every job taken exactly once");
    assert_eq!(distinct.len(), jobs, "no job taken twice");
    cleanup(backend, &prefix).await;
}

async fn release_hands_the_job_back_first(backend: Backend) {
    let prefix = unique_prefix("queue-release");
    let (node, _) = node_pair(backend, &prefix).await;
    node.queue
        .enqueue(&SolveJob::new("event-1", "run-1", 30))
        .await
        .expect("enqueue");
    node.queue
        .enqueue(&SolveJob::new("event-1", "run-2", 30))
        .await
        .expect("enqueue");
    let lease = node
        .queue
        .take("worker-a", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    assert!(node.queue.release(&lease).await.expect("release"));
    assert!(
        !node.queue.complete(&lease).await.expect("complete"),
        "a released lease is gone"
    );
    let again = node
        .queue
        .take("worker-b", SHORT_WAIT)
        .await
        .expect("take")
        .expect("a job");
    assert_eq!((again.job.run_id.as_str(), again.job.attempt), ("run-1", 2));
    cleanup(backend, &prefix).await;
}

async fn take_waits_for_a_job(backend: Backend) {
    let prefix = unique_prefix("queue-wait");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let queue = node_b.queue.clone();
    let taker = tokio::spawn(async move { queue.take("worker-b", Duration::from_secs(10)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    node_a
        .queue
        .enqueue(&SolveJob::new("event-1", "run-1", 30))
        .await
        .expect("enqueue");
    let lease = taker
        .await
        .expect("taker")
        .expect("take")
        .expect("the job enqueued meanwhile");
    assert_eq!(lease.job.run_id, "run-1");
    cleanup(backend, &prefix).await;
}

async fn cancellation_flags_are_per_run(backend: Backend) {
    let prefix = unique_prefix("queue-cancel");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    assert!(!node_b.queue.is_cancel_requested("run-1").await.expect("flag"));
    node_a.queue.request_cancel("run-1").await.expect("cancel");
    assert!(node_b.queue.is_cancel_requested("run-1").await.expect("flag"));
    assert!(!node_b.queue.is_cancel_requested("run-2").await.expect("flag"));
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(
    enqueue_take_complete,
    dead_worker_job_runs_again_and_completes_once,
    heartbeats_keep_the_lease,
    concurrent_takers_never_share_a_job,
    release_hands_the_job_back_first,
    take_waits_for_a_job,
    cancellation_flags_are_per_run,
);

/// A garbage payload in the queue (e.g. written by an older version) is set aside, not
/// retried forever, and does not block the jobs behind it.
#[tokio::test]
async fn redis_undecodable_job_is_buried() {
    let prefix = unique_prefix("queue-garbage");
    let (node, _) = node_pair(Backend::Redis, &prefix).await;
    let client = redis::Client::open(cluster_support::redis_url()).expect("url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connection");
    let _: i64 = redis::cmd("LPUSH")
        .arg(format!("{prefix}:queue:jobs"))
        .arg("{not a job")
        .query_async(&mut connection)
        .await
        .expect("lpush");
    node.queue
        .enqueue(&SolveJob::new("event-1", "run-1", 30))
        .await
        .expect("enqueue");
    let lease = node
        .queue
        .take("worker-a", SHORT_WAIT)
        .await
        .expect("take")
        .expect("the real job");
    assert_eq!(lease.job.run_id, "run-1");
    let dead: Vec<String> = redis::cmd("LRANGE")
        .arg(format!("{prefix}:queue:dead"))
        .arg(0)
        .arg(-1)
        .query_async(&mut connection)
        .await
        .expect("lrange");
    assert_eq!(dead, vec!["{not a job".to_owned()]);
    cleanup(Backend::Redis, &prefix).await;
}
