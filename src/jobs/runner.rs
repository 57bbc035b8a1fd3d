//! Running a solve: build the problem, solve it on a blocking thread, record progress and
//! the solution.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use rendezvous_solver::{Problem, Progress, SolveOptions, solve};

use super::problem_doc;
use crate::store::{DynStore, RunResult};

/// Where queued runs go to be solved.
#[async_trait]
pub trait SolveQueue: Send + Sync + 'static {
    /// Hands over a queued run; returns once it is accepted, not when it is solved.
    async fn submit(&self, event: &str, run: &str) -> anyhow::Result<()>;
    /// Asks running solves to stop early with their best schedule (on shutdown).
    fn cancel_all(&self);
}

/// Solves in this process, on tokio's blocking threads.
pub struct InProcessQueue {
    store: DynStore,
    cancel: Arc<AtomicBool>,
}

impl InProcessQueue {
    /// A queue that solves with this store.
    pub fn new(store: DynStore) -> Self {
        Self {
            store,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }
}

#[async_trait]
impl SolveQueue for InProcessQueue {
    async fn submit(&self, event: &str, run: &str) -> anyhow::Result<()> {
        let (store, event, run, cancel) = (
            self.store.clone(),
            event.to_string(),
            run.to_string(),
            self.cancel.clone(),
        );
        tokio::spawn(async move {
            if let Err(err) = execute(store.clone(), &event, &run, cancel).await {
                tracing::error!(run, error = format!("{err:#}"), "schedule run failed");
                if let Err(err) = store.fail_run(&run, &format!("{err:#}")).await {
                    tracing::error!(run, error = %err, "could not record the failure");
                }
            }
        });
        Ok(())
    }

    fn cancel_all(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

fn progress_json(p: &Progress) -> serde_json::Value {
    serde_json::json!({
        "incumbent": p.incumbent,
        "bound": p.bound,
        "gap": p.gap(),
        "elapsed_seconds": p.elapsed.as_secs_f64(),
        "phase": p.phase,
    })
}

/// Solves one queued run to the end. An error leaves the run for the caller to mark failed.
pub async fn execute(
    store: DynStore,
    event: &str,
    run_id: &str,
    cancel: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let run = store.run(event, run_id).await?;
    let doc = problem_doc(store.as_ref(), event).await?;
    store.start_run(run_id, &serde_json::to_string(&doc)?).await?;
    let problem = match Problem::try_from(doc) {
        Ok(problem) => problem,
        Err(err) => {
            store
                .fail_run(run_id, &format!("the event's data is not a valid problem: {err}"))
                .await?;
            return Ok(());
        }
    };
    tracing::info!(
        run = run_id,
        meetings = problem.meetings.len(),
        slots = problem.slots.len(),
        rooms = problem.rooms.len(),
        "solve started"
    );

    let (progress_tx, mut progress_rx) = tokio::sync::watch::channel::<Option<serde_json::Value>>(None);
    let writer = {
        let (store, run_id) = (store.clone(), run_id.to_string());
        tokio::spawn(async move {
            while progress_rx.changed().await.is_ok() {
                let latest = progress_rx.borrow_and_update().clone();
                if let Some(progress) = latest
                    && let Err(err) = store.run_progress(&run_id, &progress).await
                {
                    tracing::warn!(run = run_id, error = %err, "could not record progress");
                }
                // Progress is for people watching: a few writes a second are plenty.
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let options = SolveOptions {
        time_limit: Duration::from_secs(u64::from(run.time_limit_seconds)),
        cancel: Some(cancel),
        ..SolveOptions::default()
    };
    let (problem, solution) = tokio::task::spawn_blocking(move || {
        let solution = solve(&problem, &options, &mut |p: &Progress| {
            progress_tx.send_replace(Some(progress_json(p)));
        });
        (problem, solution)
    })
    .await
    .map_err(|e| anyhow::anyhow!("the solver stopped abnormally: {e}"))?;
    writer.await.ok();

    let doc = solution.to_doc(&problem);
    let result = RunResult {
        objective: doc.objective,
        bound: doc.bound,
        placed: doc.assignments.len() as i64,
        unscheduled: doc.unscheduled.len() as i64,
        solution: serde_json::to_string(&doc)?,
    };
    store.finish_run(run_id, &result).await?;
    tracing::info!(
        run = run_id,
        objective = result.objective,
        placed = result.placed,
        unscheduled = result.unscheduled,
        "solve done"
    );
    Ok(())
}
