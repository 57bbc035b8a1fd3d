//! What the caller chooses (time, seed, threads, cancel) and what it is told (progress).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::Serialize;

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
    /// What the solver is doing, or what just improved.
    pub phase: Phase,
}

impl Progress {
    /// Relative gap between incumbent and bound, when a bound is known.
    pub fn gap(&self) -> Option<f64> {
        self.bound
            .map(|b| (b - self.incumbent) as f64 / (b.unsigned_abs().max(1)) as f64)
    }
}

/// A step of the solve, as progress reports name it. `Display` and `Serialize` give the
/// lowercase words of [`Phase::as_str`] (`"lp bound"`, `"waits lns"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// The greedy schedule after the pins.
    Construct,
    /// The LP relaxation's bound arrived.
    LpBound,
    /// Forums: the bound from the proved per-participant floors on waits.
    WaitFloors,
    /// Simulated annealing.
    Anneal,
    /// Forums: the pattern model starts on the waits.
    Waits,
    /// Forums: a schedule with every participant at its floor.
    WaitsAtFloor,
    /// Forums: the floors proved unattainable together, which raises the bound.
    WaitsBound,
    /// Forums: a neighbourhood of the pattern model improved the schedule.
    WaitsLns,
    /// Small problems: the exact MIP over everything.
    Mip,
    /// Small problems: the exact MIP's bound.
    MipBound,
    /// Small expo problems: an exact neighbourhood improved the schedule.
    Lns,
    /// Rooms assigned within the room classes: the final schedule.
    Rooms,
}

impl Phase {
    /// The phase's name in progress lines and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Construct => "construct",
            Self::LpBound => "lp bound",
            Self::WaitFloors => "wait floors",
            Self::Anneal => "anneal",
            Self::Waits => "waits",
            Self::WaitsAtFloor => "waits at floor",
            Self::WaitsBound => "waits bound",
            Self::WaitsLns => "waits lns",
            Self::Mip => "mip",
            Self::MipBound => "mip bound",
            Self::Lns => "lns",
            Self::Rooms => "rooms",
        }
    }
}

impl fmt::Display for Phase {
    /// Pads like a string, so `{:<12}` lines up progress lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Phase {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
