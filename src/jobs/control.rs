//! Starting and cancelling solve runs, shared by the JSON API and the organiser's pages:
//! the time limit's rule, the queue, and the announcement watchers on every node see.

use crate::cluster::{Cluster, SolveJob, channels};
use crate::domain::ids::new_id;
use crate::domain::{Invalid, Rule};
use crate::store::{RunStatus, ScheduleRun, Store, StoreError};

use super::{RunNews, RunSummary};

/// Longest solve one may ask for, in seconds.
pub const MAX_TIME_LIMIT: u32 = 3600;

/// The reason a cancelled run failed.
pub const CANCELLED: &str = "cancelled by the organiser";

/// Why a run was not started or cancelled.
#[derive(Debug, thiserror::Error)]
pub enum RunControlError {
    #[error("invalid input")]
    Invalid(Invalid),
    /// The run is over: nothing to cancel.
    #[error("{0}")]
    Conflict(String),
    /// The queue is unreachable.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues a solve of `event` with a time limit of 1–3600 seconds.
pub async fn start_run(
    store: &dyn Store,
    cluster: &Cluster,
    event: &str,
    time_limit_seconds: u32,
) -> Result<ScheduleRun, RunControlError> {
    if !(1..=MAX_TIME_LIMIT).contains(&time_limit_seconds) {
        return Err(RunControlError::Invalid(Invalid::rule(
            "/time_limit_seconds",
            Rule::Between {
                min: 1,
                max: MAX_TIME_LIMIT,
            },
        )));
    }
    store.event(event).await?;
    let run = ScheduleRun::queued(new_id("sch"), event, time_limit_seconds);
    store.create_run(&run).await?;
    let job = SolveJob::new(event, &run.id, time_limit_seconds);
    if let Err(err) = cluster.queue.enqueue(&job).await {
        tracing::error!(event, run = run.id, error = %err, "could not queue a schedule run");
        store.fail_run(&run.id, "the solve queue was unreachable").await?;
        return Err(RunControlError::Unavailable(
            "the solve queue is unreachable; try again shortly".into(),
        ));
    }
    tracing::info!(event, run = run.id, "schedule run queued");
    Ok(run)
}

/// Stops a queued or running solve: it ends `failed` with [`CANCELLED`], on whichever
/// worker runs it. A run already over is a conflict.
pub async fn cancel_run(
    store: &dyn Store,
    cluster: &Cluster,
    event: &str,
    id: &str,
) -> Result<ScheduleRun, RunControlError> {
    let run = store.run(event, id).await?;
    match run.status {
        RunStatus::Done | RunStatus::Failed => {
            return Err(RunControlError::Conflict(format!(
                "the run is {}; only a queued or running run can be cancelled",
                run.status.as_str()
            )));
        }
        RunStatus::Queued => {
            // No worker has it yet: end it here; a worker that takes it later skips it.
            if store.fail_run(id, CANCELLED).await? {
                announce_run(store, cluster, event, id).await;
            }
        }
        RunStatus::Running => {}
    }
    if let Err(err) = cluster.queue.request_cancel(id).await {
        if run.status == RunStatus::Running {
            tracing::error!(run = id, error = %err, "could not ask the worker to cancel");
            return Err(RunControlError::Unavailable(
                "the solve queue is unreachable; try again shortly".into(),
            ));
        }
        tracing::warn!(run = id, error = %err, "could not flag the cancelled run in the queue");
    }
    tracing::info!(event, run = id, "schedule run cancellation requested");
    Ok(store.run(event, id).await?)
}

/// Tells the run's watchers, on every node, its current state.
pub async fn announce_run(store: &dyn Store, cluster: &Cluster, event: &str, id: &str) {
    let Ok(run) = store.run(event, id).await else {
        return;
    };
    let news = RunNews::Status(RunSummary::from(run));
    if let Ok(payload) = serde_json::to_string(&news)
        && let Err(err) = cluster
            .bus
            .publish(&channels::progress(event, id), &payload)
            .await
    {
        tracing::debug!(error = %err, "could not announce the run");
    }
}
