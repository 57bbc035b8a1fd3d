//! The solve job queue, with the reliable-queue pattern.
//!
//! A worker [`take`](JobQueue::take)s a job, which moves it (atomically, in Redis with
//! `BLMOVE`) from the shared queue to the worker's own *processing* list and gives it a
//! lease with a TTL. The worker [`heartbeat`](JobQueue::heartbeat)s the lease while it runs
//! and [`complete`](JobQueue::complete)s the job at the end. A worker that dies stops
//! heartbeating; once its lease expired, [`reap_expired`](JobQueue::reap_expired) (which every
//! worker runs periodically) puts the job back on the queue with `attempt + 1`.
//!
//! Delivery is therefore *at least once*: a job can run again after its first run did part of
//! its work (the worker was slow, not dead, or died after writing). **Handlers must be
//! idempotent**: a solve run writes its result under the run id, guarded by the event's
//! fencing token (see [`super::lease`]), so a second run of the same job either finds the run
//! already finished and completes the job without solving, or overwrites nothing a newer
//! holder wrote.

mod in_process;
mod redis;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ClusterError;

pub use in_process::InProcessQueue;
pub use redis::RedisQueue;

/// One solve run to execute. Small on purpose: the worker reads everything else from the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolveJob {
    /// The event whose accepted meetings are scheduled.
    pub event_id: String,
    /// The schedule run this job executes (unique per `POST /schedules`).
    pub run_id: String,
    /// The solver's time limit.
    pub time_limit_seconds: u32,
    /// 1 for the first delivery, raised each time the job is handed out again.
    pub attempt: u32,
}

impl SolveJob {
    /// A first attempt of `run_id`.
    pub fn new(event_id: impl Into<String>, run_id: impl Into<String>, time_limit_seconds: u32) -> Self {
        Self {
            event_id: event_id.into(),
            run_id: run_id.into(),
            time_limit_seconds,
            attempt: 1,
        }
    }

    fn next_attempt(&self) -> Self {
        Self {
            attempt: self.attempt.saturating_add(1),
            ..self.clone()
        }
    }
}

/// A job handed to one worker, valid while its lease is heartbeated.
#[derive(Debug, Clone)]
pub struct JobLease {
    /// The job to run.
    pub job: SolveJob,
    /// The worker that took it.
    pub worker_id: String,
    /// Identifies this delivery: a later delivery of the same job has another one.
    pub lease_id: String,
    /// Extend the lease (heartbeat) well within this time, e.g. every third of it.
    pub ttl: Duration,
    payload: String,
}

/// The solve job queue. Object-safe: use it as `Arc<dyn JobQueue>`.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Appends a job at the back of the queue.
    async fn enqueue(&self, job: &SolveJob) -> Result<(), ClusterError>;

    /// Takes the job at the front, waiting up to `wait` for one. `worker_id` must be unique
    /// per worker process (e.g. host, pid and a random suffix).
    async fn take(&self, worker_id: &str, wait: Duration) -> Result<Option<JobLease>, ClusterError>;

    /// Extends the lease by its TTL. `false`: the lease was lost (expired, maybe handed to
    /// another worker); the worker should stop working on the job.
    async fn heartbeat(&self, lease: &JobLease) -> Result<bool, ClusterError>;

    /// Marks the job done. `false`: the lease had been lost, the job is or will be delivered
    /// again (idempotent handlers make that harmless).
    async fn complete(&self, lease: &JobLease) -> Result<bool, ClusterError>;

    /// Gives the job back at once (a worker shutting down gracefully), as the next to run.
    /// `false` if the lease had been lost already.
    async fn release(&self, lease: &JobLease) -> Result<bool, ClusterError>;

    /// Puts every job whose lease expired back at the front of the queue with `attempt + 1`,
    /// returning how many. Safe to run from every worker concurrently.
    async fn reap_expired(&self) -> Result<usize, ClusterError>;

    /// Asks whoever runs (or will run) `run_id` to stop; the flag lives for a day.
    async fn request_cancel(&self, run_id: &str) -> Result<(), ClusterError>;

    /// Whether [`request_cancel`](JobQueue::request_cancel) was called for `run_id`. Workers
    /// check it when they take a job and at each heartbeat.
    async fn is_cancel_requested(&self, run_id: &str) -> Result<bool, ClusterError>;

    /// How many jobs wait in the queue (not counting the ones being run).
    async fn pending(&self) -> Result<usize, ClusterError>;
}

const CANCEL_FLAG_TTL: Duration = Duration::from_secs(24 * 3600);
