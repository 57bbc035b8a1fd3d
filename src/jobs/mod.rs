//! Solve runs. A run is a row (queued → running → done | failed) with its progress; the
//! work happens in a [worker](run_worker) that takes jobs from the cluster's queue (in this
//! process without Redis, in `rendezvous worker` processes with it) and solves on a blocking
//! thread through the `solver` crate.

mod problem;
mod worker;

use serde::{Deserialize, Serialize};

pub use problem::{PENALTIES, build_problem_doc, problem_doc};
pub use worker::{WorkerSettings, run_worker, spawn_workers};

use crate::http::schedules::ScheduleView;

/// What a worker announces on a run's progress channel, for live watchers on every node.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum RunNews {
    /// Incumbent, bound, gap, elapsed_seconds, phase.
    Progress(serde_json::Value),
    /// The run's state changed: it started running, or it is done or failed.
    Status(ScheduleView),
}
