//! The solver's entry point.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::format::Status;
use crate::problem::Problem;
use crate::solution::{Schedule, Solution};

/// How long and how to solve.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget; the best schedule found by then is returned.
    pub time_limit: Duration,
    /// Seed for every randomised choice: same input, same options, same result.
    pub seed: u64,
    /// HiGHS threads (1 keeps runs deterministic).
    pub threads: u32,
    /// Set to stop early; the best schedule so far is returned.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(30),
            seed: 0,
            threads: 1,
            cancel: None,
        }
    }
}

/// A progress report, sent whenever the incumbent or the bound improves.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Objective of the best valid schedule so far.
    pub incumbent: i64,
    /// Best proved upper bound so far.
    pub bound: Option<i64>,
    pub elapsed: Duration,
    /// What the solver is doing ("construct", "lp bound", "mip", "lns day 2", ...).
    pub phase: String,
}

impl Progress {
    /// Relative gap between incumbent and bound, when a bound is known.
    pub fn gap(&self) -> Option<f64> {
        self.bound
            .map(|b| (b - self.incumbent) as f64 / (b.unsigned_abs().max(1)) as f64)
    }
}

/// Solves `problem` within `options.time_limit`, calling `progress` as it improves.
///
/// Never returns an invalid schedule: at worst the empty one.
pub fn solve(problem: &Problem, options: &SolveOptions, progress: &mut dyn FnMut(&Progress)) -> Solution {
    // Placeholder until the model lands (branch solver-algo): the empty schedule.
    let _ = (options, &mut *progress);
    Solution {
        status: Status::Feasible,
        schedule: Schedule::empty(problem),
        objective: 0,
        bound: None,
        reasons: Vec::new(),
        stats: serde_json::json!({}),
    }
}
