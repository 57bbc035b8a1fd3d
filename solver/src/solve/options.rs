//! What the caller chooses (time, seed, threads, cancel) and what it is told (progress).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// How long and how to solve.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget; the best schedule found by then is returned.
    pub time_limit: Duration,
    /// Seed for every randomised choice: same input, same options, same result.
    pub seed: u64,
    /// Searches run side by side, one thread each, with seeds `seed`, `seed + 1`, ...:
    /// forums anneal and try their wait floors on this many threads (the LP bound has a
    /// thread of its own). Results are deterministic for a given count; a different count
    /// explores differently.
    pub threads: u32,
    /// Set to stop early; the best schedule so far is returned.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(30),
            seed: 0,
            threads: 2,
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
