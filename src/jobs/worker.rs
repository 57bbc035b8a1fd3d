//! The solver worker: takes solve jobs from the queue and runs them to the end.
//!
//! The same loop runs inside `rendezvous serve` (in-process queue, one node) and in
//! `rendezvous worker` processes (Redis queue, several machines). For each job it:
//! 1. takes the event's lock with a fencing token above every token the database has seen;
//! 2. starts the run in the database under that token (a stale holder is refused there);
//! 3. solves on a blocking thread while a [`RunGuard`] heartbeats the job and the lock and
//!    raises the solver's cancel flag when either is lost or an organiser cancels the run;
//! 4. stores the result in one fenced statement, announces it, completes the job.
//!
//! A worker killed at any point leaves its job leased; once the lease expires the queue hands
//! it to another worker, whose larger token makes every write of the dead one fail. Handling
//! is idempotent: a job whose run is already done or failed is simply completed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rendezvous_solver::{Problem, Progress, SolveOptions, solve};
use tokio::sync::watch;

use super::{RunNews, problem_doc};
use crate::cluster::{Cluster, EventLease, FencingToken, JobLease, RunGuard, StopReason, channels};
use crate::store::{DynStore, RunResult, RunStatus, StoreError};

/// How a worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// This worker's name in the queue (unique per process and worker).
    pub id: String,
    /// How long the event's lock lives without a heartbeat.
    pub event_lease_ttl: Duration,
    /// How long one `take` waits for a job before the loop looks around again.
    pub poll: Duration,
    /// How often expired job leases are handed back to the queue.
    pub reap_every: Duration,
}

impl WorkerSettings {
    /// A worker named after this host and process, with TTLs suited to `job_lease_ttl`.
    pub fn new(index: usize, job_lease_ttl: Duration) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
        Self {
            id: format!(
                "{host}-{}-{index}-{}",
                std::process::id(),
                uuid::Uuid::new_v4().simple()
            ),
            event_lease_ttl: job_lease_ttl,
            poll: Duration::from_secs(1),
            reap_every: (job_lease_ttl / 2).max(Duration::from_millis(200)),
        }
    }
}

/// Starts `count` workers on this runtime; they stop when `shutdown` says true.
pub fn spawn_workers(
    store: &DynStore,
    cluster: &Cluster,
    count: usize,
    job_lease_ttl: Duration,
    shutdown: &watch::Sender<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..count)
        .map(|index| {
            tokio::spawn(run_worker(
                store.clone(),
                cluster.clone(),
                WorkerSettings::new(index, job_lease_ttl),
                shutdown.subscribe(),
            ))
        })
        .collect()
}

/// Takes and runs jobs until `shutdown` says true. A run in progress at shutdown stops early
/// and stores its best schedule.
pub async fn run_worker(
    store: DynStore,
    cluster: Cluster,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(worker = settings.id, "solver worker started");
    let mut last_reap = tokio::time::Instant::now() - settings.reap_every;
    while !*shutdown.borrow() {
        if last_reap.elapsed() >= settings.reap_every {
            last_reap = tokio::time::Instant::now();
            match cluster.queue.reap_expired().await {
                Ok(0) => {}
                Ok(requeued) => tracing::warn!(requeued, "solve jobs of vanished workers queued again"),
                Err(error) => tracing::warn!(%error, "could not look for abandoned solve jobs"),
            }
        }
        let taken = tokio::select! {
            taken = cluster.queue.take(&settings.id, settings.poll) => taken,
            _ = shutdown.changed() => break,
        };
        match taken {
            Ok(Some(job)) => run_job(&store, &cluster, &settings, job, &shutdown).await,
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, "cannot take solve jobs; retrying");
                tokio::select! {
                    () = tokio::time::sleep(settings.poll) => {}
                    _ = shutdown.changed() => break,
                }
            }
        }
    }
    tracing::info!(worker = settings.id, "solver worker stopped");
}

/// Runs one delivered job; every outcome ends with the job completed or handed back.
async fn run_job(
    store: &DynStore,
    cluster: &Cluster,
    settings: &WorkerSettings,
    job: JobLease,
    shutdown: &watch::Receiver<bool>,
) {
    let (event, run_id) = (job.job.event_id.clone(), job.job.run_id.clone());
    let run = match store.run(&event, &run_id).await {
        Ok(run) => run,
        Err(StoreError::NotFound) => {
            tracing::warn!(run = run_id, "dropping a job whose run does not exist");
            complete(cluster, &job).await;
            return;
        }
        Err(error) => {
            tracing::warn!(run = run_id, %error, "cannot read the run; handing the job back");
            hand_back(cluster, &job).await;
            return;
        }
    };
    if matches!(run.status, RunStatus::Done | RunStatus::Failed) {
        // Delivered again after it finished (or cancelled before it started): nothing to do.
        complete(cluster, &job).await;
        return;
    }
    let lease = match acquire_event(store, cluster, settings, &event).await {
        Ok(Some(lease)) => lease,
        Ok(None) => {
            // An earlier holder's lock has not expired yet: try again a little later.
            tokio::time::sleep(settings.poll).await;
            hand_back(cluster, &job).await;
            return;
        }
        Err(error) => {
            tracing::warn!(
                run = run_id,
                error = format!("{error:#}"),
                "cannot lock the event"
            );
            hand_back(cluster, &job).await;
            return;
        }
    };
    let guard = RunGuard::start(
        cluster.queue.clone(),
        cluster.locks.clone(),
        job.clone(),
        lease.clone(),
        settings.event_lease_ttl,
    );
    let cancel = guard.cancel_flag();
    let stop_on_shutdown = {
        let (cancel, mut shutdown) = (cancel.clone(), shutdown.clone());
        tokio::spawn(async move {
            if shutdown.wait_for(|stop| *stop).await.is_ok() {
                cancel.store(true, Ordering::SeqCst);
            }
        })
    };
    let outcome = execute(store, cluster, &event, &run_id, &lease, &guard, cancel).await;
    stop_on_shutdown.abort();
    let stopped = guard.finish().await;
    if let Err(error) = &outcome {
        tracing::error!(run = run_id, error = format!("{error:#}"), "schedule run failed");
        metrics::counter!("rendezvous_schedule_runs_total", "outcome" => "failed").increment(1);
        let message = format!("{error:#}");
        if let Ok(true) = store
            .fail_started_run(&run_id, &message, lease.token.as_i64())
            .await
        {
            announce(store, cluster, &event, &run_id).await;
        }
    }
    if let Err(error) = cluster.locks.release(&lease).await {
        tracing::warn!(run = run_id, %error, "could not release the event lock (it will expire)");
    }
    match stopped {
        // Another worker has, or will get, the job: leave it to them.
        Some(StopReason::JobLeaseLost | StopReason::EventLeaseLost) => {}
        _ => complete(cluster, &job).await,
    }
}

async fn acquire_event(
    store: &DynStore,
    cluster: &Cluster,
    settings: &WorkerSettings,
    event: &str,
) -> anyhow::Result<Option<EventLease>> {
    let floor = store.run_fence(event).await?;
    let floor = FencingToken(u64::try_from(floor).unwrap_or(0));
    Ok(cluster
        .locks
        .acquire_above(event, settings.event_lease_ttl, floor)
        .await?)
}

async fn complete(cluster: &Cluster, job: &JobLease) {
    if let Err(error) = cluster.queue.complete(job).await {
        tracing::warn!(run = job.job.run_id, %error, "could not complete the job (it may run again; runs are idempotent)");
    }
}

async fn hand_back(cluster: &Cluster, job: &JobLease) {
    if let Err(error) = cluster.queue.release(job).await {
        tracing::warn!(run = job.job.run_id, %error, "could not hand the job back (it returns when its lease expires)");
    }
}

fn progress_news(p: &Progress) -> RunNews {
    RunNews::Progress(serde_json::to_value(p).unwrap_or_default())
}

/// Tells every node's watchers the run's state (it started, or it ended).
async fn announce(store: &DynStore, cluster: &Cluster, event: &str, run_id: &str) {
    match store.run(event, run_id).await {
        Ok(run) => publish(cluster, event, run_id, &RunNews::Status(run.into())).await,
        Err(error) => tracing::warn!(run = run_id, %error, "cannot read the run to announce it"),
    }
}

async fn publish(cluster: &Cluster, event: &str, run_id: &str, news: &RunNews) {
    let channel = channels::progress(event, run_id);
    match serde_json::to_string(news) {
        Ok(payload) => {
            if let Err(error) = cluster.bus.publish(&channel, &payload).await {
                tracing::debug!(%error, "could not announce run progress");
            }
        }
        Err(error) => tracing::warn!(%error, "cannot encode run progress"),
    }
}

/// Solves one run under `lease`. Writes are fenced by the lease's token; an error leaves the
/// run for the caller to mark failed.
async fn execute(
    store: &DynStore,
    cluster: &Cluster,
    event: &str,
    run_id: &str,
    lease: &EventLease,
    guard: &RunGuard,
    cancel: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let fence = lease.token.as_i64();
    let run = store.run(event, run_id).await?;
    let doc = problem_doc(store.as_ref(), event).await?;
    let attempt = match store
        .start_run(event, run_id, &serde_json::to_string(&doc)?, fence)
        .await
    {
        Ok(attempt) => attempt,
        Err(StoreError::Conflict(why)) => {
            tracing::warn!(run = run_id, why, "not starting the run");
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    };
    announce(store, cluster, event, run_id).await;
    let problem = match Problem::try_from(doc) {
        Ok(problem) => problem,
        Err(err) => {
            anyhow::bail!("the event's data is not a valid problem: {err}");
        }
    };
    tracing::info!(
        run = run_id,
        attempt,
        fence,
        meetings = problem.meetings.len(),
        slots = problem.slots.len(),
        rooms = problem.rooms.len(),
        "solve started"
    );

    let (progress_tx, mut progress_rx) = watch::channel::<Option<RunNews>>(None);
    let reporter = {
        let (store, cluster, event, run_id) = (
            store.clone(),
            cluster.clone(),
            event.to_owned(),
            run_id.to_owned(),
        );
        tokio::spawn(async move {
            while progress_rx.changed().await.is_ok() {
                let latest = progress_rx.borrow_and_update().clone();
                if let Some(news) = latest {
                    publish(&cluster, &event, &run_id, &news).await;
                    if let RunNews::Progress(progress) = &news {
                        match store.run_progress(&run_id, progress, fence).await {
                            Ok(true) => {}
                            Ok(false) => {
                                tracing::debug!(run = run_id, "progress not recorded: the run moved on")
                            }
                            Err(error) => tracing::warn!(run = run_id, %error, "could not record progress"),
                        }
                    }
                }
                // Progress is for people watching: a few updates a second are plenty.
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
            progress_tx.send_replace(Some(progress_news(p)));
        });
        (problem, solution)
    })
    .await
    .map_err(|e| anyhow::anyhow!("the solver stopped abnormally: {e}"))?;
    reporter.await.ok();

    match guard.stop_reason() {
        Some(StopReason::CancelRequested) => {
            if store
                .fail_started_run(run_id, "cancelled by the organiser", fence)
                .await?
            {
                tracing::info!(run = run_id, "schedule run cancelled");
                metrics::counter!("rendezvous_schedule_runs_total", "outcome" => "cancelled").increment(1);
                announce(store, cluster, event, run_id).await;
            }
            return Ok(());
        }
        Some(reason @ (StopReason::JobLeaseLost | StopReason::EventLeaseLost)) => {
            // Another worker takes over; the database would refuse our result anyway.
            tracing::warn!(run = run_id, ?reason, "abandoning the run");
            metrics::counter!("rendezvous_schedule_runs_total", "outcome" => "abandoned").increment(1);
            return Ok(());
        }
        None => {}
    }
    let doc = solution.to_doc(&problem);
    let result = RunResult {
        objective: doc.objective,
        bound: doc.bound,
        placed: doc.assignments.len() as i64,
        unscheduled: doc.unscheduled.len() as i64,
        solution: serde_json::to_string(&doc)?,
    };
    match store.finish_run(run_id, &result, fence).await {
        Ok(()) => {}
        Err(StoreError::Conflict(why)) => {
            tracing::warn!(
                run = run_id,
                why,
                "result not stored: a newer holder took the run over"
            );
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    }
    tracing::info!(
        run = run_id,
        objective = result.objective,
        placed = result.placed,
        unscheduled = result.unscheduled,
        "solve done"
    );
    metrics::counter!("rendezvous_schedule_runs_total", "outcome" => "done").increment(1);
    announce(store, cluster, event, run_id).await;
    Ok(())
}
