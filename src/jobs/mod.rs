//! Solve runs. A run is a row (queued → running → done | failed) with its progress; the
//! work happens in a [worker](run_worker) that takes jobs from the cluster's queue (in this
//! process without Redis, in `rendezvous worker` processes with it) and solves on a blocking
//! thread through the `solver` crate.

pub mod control;
pub mod expiry;
mod problem;
pub mod publish;
mod worker;

use serde::{Deserialize, Serialize};

pub use problem::{PENALTIES, apply_pins, build_problem_doc, problem_doc};
pub use worker::{WorkerSettings, run_worker, spawn_workers};

use chrono::{DateTime, Utc};

use crate::store::{RunStatus, ScheduleRun};

/// What a worker announces on a run's progress channel, for live watchers on every node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum RunNews {
    /// Incumbent, bound, gap, elapsed_seconds, phase.
    Progress(serde_json::Value),
    /// The run's state changed: it started running, or it is done or failed.
    Status(RunSummary),
}

/// A schedule run.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
// Named `ScheduleView` in the API document, as it always was.
#[schema(as = ScheduleView)]
pub struct RunSummary {
    pub id: String,
    pub status: RunStatus,
    pub time_limit_seconds: u32,
    /// The schedule's objective, once done.
    pub objective: Option<i64>,
    /// A proved upper bound on the objective, when known.
    pub bound: Option<i64>,
    /// Meetings placed, once done.
    pub placed: Option<i64>,
    /// Meetings not placed, once done (their reasons are in the solution).
    pub unscheduled: Option<i64>,
    /// The latest progress: incumbent, bound, gap, elapsed_seconds, phase.
    #[schema(value_type = Option<Object>)]
    pub progress: Option<serde_json::Value>,
    /// Why the run failed.
    pub error: Option<String>,
    /// How many times a worker started the run (above 1: a worker stopped and another one
    /// took over).
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ScheduleRun> for RunSummary {
    fn from(r: ScheduleRun) -> Self {
        Self {
            id: r.id,
            status: r.status,
            time_limit_seconds: r.time_limit_seconds,
            objective: r.objective,
            bound: r.bound,
            placed: r.placed,
            unscheduled: r.unscheduled,
            progress: r.progress,
            error: r.error,
            attempts: r.attempts,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
