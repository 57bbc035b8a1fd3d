//! What the caller chooses (time, seed, threads, cancel) and what it is told (progress).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::Serialize;

/// How long and how to solve.
///
/// # Determinism
///
/// Except on the forums of the last point below, the same problem, `seed` and `threads`
/// give the same schedule, whatever the LP bound's speed, as long as the time limit does
/// not cut the work short:
///
/// - every random choice comes from ChaCha RNGs seeded from `seed`, and HiGHS runs with
///   one thread and a fixed seed;
/// - which searches run is decided from the problem's shape and from the LP bound, which
///   is waited for where it decides (problems with at most 20,000 placement variables
///   where waits cost something: whether they are forums, where every meeting is held);
///   elsewhere the LP only proves the bound and so the status, and never changes the
///   schedule, because every search keeps only strictly better schedules;
/// - annealers side by side have seeds `seed`, `seed + 1`, ...; the best wins, the lowest
///   seed on ties, whichever finishes first; neighbourhood MIPs side by side are drawn
///   in one fixed order and merged best first (ties: draw order), whichever finishes
///   first;
/// - forums (every meeting must be held, waits cost something) where every meeting lasts
///   one slot, and which are too big for the exact MIP over everything, also run the SAT
///   search for the fewest waits, on a thread of its own from the start to the end,
///   beside the annealers and then the pattern model's searches. They exchange schedules
///   as they find them (the annealers' reheats and the pattern model continue from a
///   better SAT schedule, the SAT search from a better one of theirs) and whoever proves
///   the optimum stops the others, so on these forums **the schedule depends on timing**:
///   on which search found what first. What stays the same from run to run: every
///   schedule is valid; the annealers' four budgeted rounds (their schedules only, not
///   what comes after) depend on the seed alone, unless the deadline or a proof of the
///   optimum stops them first; and when the status is `optimal`, the objective (the
///   waits) is the same on every run, though the schedule may differ.
///
/// What the time limit decides: the annealer's four budgeted rounds are a number of steps
/// fixed by `time_limit`, but the reheats after them, the neighbourhood searches and the
/// floor tries run until the deadline, and HiGHS stops at its time limits; how many of them
/// fit depends on the machine's speed and load. A run that ends at its deadline (all
/// except those proved optimal sooner) may therefore give another schedule on a slower
/// or busier machine. On forums, when one of the two wait searches proves the optimum it
/// stops the other, so which gets there first can decide between two equally good
/// schedules. A cancel stops at once, with the best schedule so far.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock budget; the best schedule found by then is returned.
    pub time_limit: Duration,
    /// Seed for every randomised choice (see [Determinism](#determinism)).
    pub seed: u64,
    /// Search threads. Every problem runs this many annealers side by side, with seeds
    /// `seed`, `seed + 1`, ... (the best wins, the lowest seed on ties; on expo problems
    /// all but the first stop after their budgeted rounds, which leaves their core to the
    /// LP bound and makes their schedule depend on the seed alone). Then expo
    /// problems small enough for exact neighbourhoods solve this many neighbourhood MIPs
    /// at a time (one HiGHS thread each) and merge their improvements, and forums try
    /// this many HiGHS runs at their wait floors at a time (one fewer, at least one, where
    /// the SAT search runs beside them). The LP bound always has one
    /// more thread of its own, and so has the SAT search where it runs (see
    /// [Determinism](#determinism)), both joined before `solve` returns. A different count explores
    /// differently, so gives another schedule.
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

/// The one JSON shape of a progress report, for the service's live run news and the
/// command line's progress log: `incumbent`, `bound` (or null), `gap` (or null),
/// `elapsed_seconds`, `phase`.
impl Serialize for Progress {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut report = serializer.serialize_struct("Progress", 5)?;
        report.serialize_field("incumbent", &self.incumbent)?;
        report.serialize_field("bound", &self.bound)?;
        report.serialize_field("gap", &self.gap())?;
        report.serialize_field("elapsed_seconds", &self.elapsed.as_secs_f64())?;
        report.serialize_field("phase", &self.phase)?;
        report.end()
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
    /// Forums: the SAT search found a schedule with fewer waits.
    WaitsSat,
    /// Forums: the SAT search proved more waits necessary, which lowers the bound.
    WaitsSatBound,
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
            Self::WaitsSat => "waits sat",
            Self::WaitsSatBound => "waits sat bound",
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
