//! The solve job queue in this process's memory, for a single node without Redis.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{JobLease, JobQueue, SolveJob};
use crate::cluster::ClusterError;

/// The queue in this process's memory: for one node without Redis. Jobs do not survive a
/// restart (the service re-enqueues runs left `queued` or `running` in the store at start).
pub struct InProcessQueue {
    lease_ttl: Duration,
    state: Mutex<QueueState>,
    job_arrived: Notify,
}

#[derive(Default)]
struct QueueState {
    jobs: VecDeque<SolveJob>,
    /// Leased jobs by lease id.
    processing: HashMap<String, Held>,
    cancelled: HashSet<String>,
}

struct Held {
    job: SolveJob,
    expires: Instant,
}

impl InProcessQueue {
    /// An empty queue whose leases last `lease_ttl` without a heartbeat.
    pub fn new(lease_ttl: Duration) -> Self {
        Self {
            lease_ttl,
            state: Mutex::new(QueueState::default()),
            job_arrived: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl JobQueue for InProcessQueue {
    async fn enqueue(&self, job: &SolveJob) -> Result<(), ClusterError> {
        self.state().jobs.push_back(job.clone());
        self.job_arrived.notify_waiters();
        Ok(())
    }

    async fn take(&self, worker_id: &str, wait: Duration) -> Result<Option<JobLease>, ClusterError> {
        let deadline = Instant::now() + wait;
        loop {
            // Register for the wake-up before looking, so an enqueue in between is not missed.
            let arrived = self.job_arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            {
                let mut state = self.state();
                if let Some(job) = state.jobs.pop_front() {
                    let lease_id = uuid::Uuid::new_v4().to_string();
                    let expires = Instant::now() + self.lease_ttl;
                    state.processing.insert(
                        lease_id.clone(),
                        Held {
                            job: job.clone(),
                            expires,
                        },
                    );
                    return Ok(Some(JobLease {
                        job,
                        worker_id: worker_id.to_owned(),
                        lease_id,
                        ttl: self.lease_ttl,
                        payload: String::new(),
                    }));
                }
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return Ok(None);
            }
        }
    }

    async fn heartbeat(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let now = Instant::now();
        let mut state = self.state();
        match state.processing.get_mut(&lease.lease_id) {
            Some(held) if held.expires > now => {
                held.expires = now + self.lease_ttl;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn complete(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let now = Instant::now();
        let mut state = self.state();
        match state.processing.get(&lease.lease_id) {
            Some(held) if held.expires > now => {
                state.processing.remove(&lease.lease_id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release(&self, lease: &JobLease) -> Result<bool, ClusterError> {
        let now = Instant::now();
        let released = {
            let mut state = self.state();
            match state.processing.get(&lease.lease_id) {
                Some(held) if held.expires > now => {
                    let job = held.job.next_attempt();
                    state.processing.remove(&lease.lease_id);
                    state.jobs.push_front(job);
                    true
                }
                _ => false,
            }
        };
        if released {
            self.job_arrived.notify_waiters();
        }
        Ok(released)
    }

    async fn reap_expired(&self) -> Result<usize, ClusterError> {
        let now = Instant::now();
        let reaped = {
            let mut state = self.state();
            let expired: Vec<String> = state
                .processing
                .iter()
                .filter(|(_, held)| held.expires <= now)
                .map(|(lease_id, _)| lease_id.clone())
                .collect();
            for lease_id in &expired {
                if let Some(held) = state.processing.remove(lease_id) {
                    tracing::warn!(run_id = %held.job.run_id, attempt = held.job.attempt,
                        "solve job lease expired; queued again");
                    state.jobs.push_front(held.job.next_attempt());
                }
            }
            expired.len()
        };
        if reaped > 0 {
            self.job_arrived.notify_waiters();
        }
        Ok(reaped)
    }

    async fn request_cancel(&self, run_id: &str) -> Result<(), ClusterError> {
        self.state().cancelled.insert(run_id.to_owned());
        Ok(())
    }

    async fn is_cancel_requested(&self, run_id: &str) -> Result<bool, ClusterError> {
        Ok(self.state().cancelled.contains(run_id))
    }

    async fn pending(&self) -> Result<usize, ClusterError> {
        Ok(self.state().jobs.len())
    }
}
