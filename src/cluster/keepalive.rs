//! Keeping a running solve's leases alive, and noticing when it must stop.
//!
//! A worker running a job holds two leases: the job's (queue) and the event's (lock with a
//! fencing token). [`RunGuard`] heartbeats both in the background and raises the solver's
//! cancel flag when either is lost or an organiser asked to cancel the run. Losing a lease
//! is not a disaster (the fencing token keeps a stale run from writing), but stopping early
//! saves the machine the work.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::lease::{EventLease, EventLock};
use super::queue::{JobLease, JobQueue};

/// Why a run should stop before it finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// `request_cancel` was called for the run.
    CancelRequested,
    /// The job's lease expired (it will be, or was, handed to another worker).
    JobLeaseLost,
    /// The event's lock expired or was taken over.
    EventLeaseLost,
}

/// Heartbeats a running job's leases until dropped or [finished](RunGuard::finish).
pub struct RunGuard {
    cancel: Arc<AtomicBool>,
    reason: Arc<Mutex<Option<StopReason>>>,
    task: JoinHandle<()>,
}

impl RunGuard {
    /// Starts heartbeating `job` and `event` (extending the event lock by `event_ttl`) every
    /// third of the shorter TTL, and checking for cancellation just as often.
    pub fn start(
        queue: Arc<dyn JobQueue>,
        locks: Arc<dyn EventLock>,
        job: JobLease,
        event: EventLease,
        event_ttl: Duration,
    ) -> Self {
        let cancel = Arc::new(AtomicBool::new(false));
        let reason = Arc::new(Mutex::new(None));
        let every = (job.ttl.min(event_ttl) / 3).max(Duration::from_millis(10));
        let task = tokio::spawn(keep_alive(
            queue,
            locks,
            job,
            event,
            event_ttl,
            every,
            Arc::clone(&cancel),
            Arc::clone(&reason),
        ));
        Self { cancel, reason, task }
    }

    /// The flag to hand to the solver (`SolveOptions::cancel`): raised when the run must stop.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }

    /// Why the run must stop, if it must.
    pub fn stop_reason(&self) -> Option<StopReason> {
        *self
            .reason
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stops heartbeating; returns why the run had to stop, if it did. Complete the job and
    /// release the event lock after this.
    pub async fn finish(self) -> Option<StopReason> {
        self.task.abort();
        self.stop_reason()
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[allow(clippy::too_many_arguments)]
async fn keep_alive(
    queue: Arc<dyn JobQueue>,
    locks: Arc<dyn EventLock>,
    job: JobLease,
    event: EventLease,
    event_ttl: Duration,
    every: Duration,
    cancel: Arc<AtomicBool>,
    reason: Arc<Mutex<Option<StopReason>>>,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        // A Redis error is not a lost lease: keep trying until the lease really expires.
        let stop = match (
            queue.heartbeat(&job).await,
            locks.extend(&event, event_ttl).await,
            queue.is_cancel_requested(&job.job.run_id).await,
        ) {
            (_, _, Ok(true)) => Some(StopReason::CancelRequested),
            (Ok(false), _, _) => Some(StopReason::JobLeaseLost),
            (_, Ok(false), _) => Some(StopReason::EventLeaseLost),
            (job_beat, event_beat, cancel_check) => {
                for error in [job_beat.err(), event_beat.err(), cancel_check.err()]
                    .into_iter()
                    .flatten()
                {
                    tracing::warn!(%error, run_id = %job.job.run_id, "could not heartbeat a running solve");
                }
                None
            }
        };
        if let Some(stop) = stop {
            tracing::warn!(run_id = %job.job.run_id, reason = ?stop, "stopping the solve run");
            *reason.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(stop);
            cancel.store(true, Ordering::SeqCst);
            return;
        }
    }
}
