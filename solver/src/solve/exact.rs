//! Forums: the SAT search for the fewest waits (`sat/`) on a thread of its own from the
//! start, beside the annealers and then the pattern model's searches (`forum.rs`).
//!
//! They share what they find ([`Shared`]): the best schedule any of them has, and the best
//! proved bound. The SAT search starts from the best schedule known (the greedy one, when
//! it holds every meeting, or none), raises the bound upward at once, and takes a better
//! schedule from the others before each step; the annealers offer their best after each
//! round and reheat from a better one found beside them; the pattern model does the same
//! between its neighbourhoods. Whoever proves the optimum (a schedule at the bound) stops
//! the others. A SAT schedule is shared only after the independent checker has passed it
//! with its rooms assigned.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Instant;

use crate::check::evaluate;
use crate::milp::validated;
use crate::model::Model;
use crate::rooms::assign_rooms;
use crate::sat::{Found, WaitsSearch, keeps_spread, search_waits, waits_of_spots};
use crate::solution::Stats;
use crate::state::{Spot, State};
use crate::waits::bound_with_waits;

use super::forum::{holds_every_schedulable, improve_waits};
use super::options::Phase;
use super::report::Reporter;

pub(super) use crate::sat::applies as sat_applies;

/// What the searches of one forum share while they run side by side.
pub(super) struct Shared {
    /// The best schedule offered so far and its objective.
    best: Mutex<Option<(Vec<Option<Spot>>, i64)>>,
    /// Its objective (`i64::MIN` when none), readable without the lock.
    objective: AtomicI64,
    /// The best proved bound (`i64::MAX` when none).
    bound: AtomicI64,
    /// Raised once a schedule reaches the bound, or on cancel: HiGHS, busy in a floor try
    /// or a neighbourhood, stops at once.
    pub(super) settle: AtomicBool,
    /// Raised when the annealers and the pattern model are done: the SAT search stops.
    done: AtomicBool,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            best: Mutex::new(None),
            objective: AtomicI64::new(i64::MIN),
            bound: AtomicI64::new(i64::MAX),
            settle: AtomicBool::new(false),
            done: AtomicBool::new(false),
        }
    }
}

impl Shared {
    /// Offers a valid schedule scoring `objective`; kept when it beats the best.
    pub(super) fn offer(&self, spots: &[Option<Spot>], objective: i64) {
        if objective <= self.objective.load(Ordering::Relaxed) {
            return;
        }
        let mut best = self.best.lock().unwrap_or_else(PoisonError::into_inner);
        if best.as_ref().is_none_or(|(_, held)| objective > *held) {
            *best = Some((spots.to_vec(), objective));
            self.objective.store(objective, Ordering::Relaxed);
        }
        drop(best);
        self.note_settled();
    }

    /// The best schedule offered, when it scores more than `objective`.
    pub(super) fn better_than(&self, objective: i64) -> Option<(Vec<Option<Spot>>, i64)> {
        if self.objective.load(Ordering::Relaxed) <= objective {
            return None;
        }
        let best = self.best.lock().unwrap_or_else(PoisonError::into_inner);
        best.clone().filter(|(_, held)| *held > objective)
    }

    /// The best objective offered, when any.
    pub(super) fn objective(&self) -> Option<i64> {
        Some(self.objective.load(Ordering::Relaxed)).filter(|&o| o > i64::MIN)
    }

    /// Records a proved upper bound on the objective.
    pub(super) fn prove(&self, bound: i64) {
        self.bound.fetch_min(bound, Ordering::Relaxed);
        self.note_settled();
    }

    pub(super) fn bound(&self) -> Option<i64> {
        Some(self.bound.load(Ordering::Relaxed)).filter(|&b| b < i64::MAX)
    }

    /// Whether a schedule offered reaches the bound: the optimum is proved.
    pub(super) fn settled(&self) -> bool {
        self.bound
            .load(Ordering::Relaxed)
            .le(&self.objective.load(Ordering::Relaxed))
    }

    fn note_settled(&self) {
        if self.settled() {
            self.settle.store(true, Ordering::Relaxed);
        }
    }
}

/// What the SAT thread hands back.
pub(super) struct SatResult {
    /// The fewest waits it proved, when it raised the floors' minimum.
    minimum: Option<u32>,
    /// The objective of its best schedule, when it found one better than the others had.
    best: Option<i64>,
    calls: u32,
}

/// Starts the SAT search on a thread of `scope`, from the best schedule `shared` holds
/// (if any), until the optimum is proved, the others are done, the deadline or a cancel.
pub(super) fn spawn_sat<'scope, 'env, 'p>(
    scope: &'scope Scope<'scope, 'env>,
    model: &'env Model<'p>,
    floors: Vec<u32>,
    shared: &'env Shared,
    deadline: Instant,
    cancelled: &'env (dyn Fn() -> bool + Sync),
) -> ScopedJoinHandle<'scope, SatResult> {
    scope.spawn(move || {
        let mut checker = State::new(model);
        let stop = || cancelled() || shared.settled() || shared.done.load(Ordering::Relaxed);
        // Schedules of the others holding every schedulable meeting and keeping the
        // fairness rule, the only ones the model describes.
        let known = |fewer_than: u32| {
            let (spots, _) = shared.better_than(i64::MIN)?;
            let waits = waits_of_spots(model, &spots);
            (waits < fewer_than && holds_every_schedulable(model, &spots) && keeps_spread(model, &spots))
                .then_some((spots, waits))
        };
        let warm = known(u32::MAX);
        let none = vec![None; model.problem.meetings.len()];
        let mut result = SatResult {
            minimum: None,
            best: None,
            calls: 0,
        };
        let search = WaitsSearch {
            warm: warm.as_ref().map_or(&none, |(spots, _)| spots),
            warm_waits: warm.as_ref().map(|&(_, waits)| waits),
            proved_min: floors.iter().sum(),
            floors: &floors,
            deadline,
            cancelled: &stop,
            known: &known,
        };
        let outcome = search_waits(model, &search, &mut |found| match found {
            Found::Schedule(spots) => match verified(model, &mut checker, spots) {
                Some(objective) => {
                    if shared.objective().is_none_or(|best| objective > best) {
                        result.best = Some(objective);
                        shared.offer(spots, objective);
                    }
                    true
                }
                None => false,
            },
            Found::Minimum(waits) => {
                result.minimum = Some(waits);
                shared.prove(bound_with_waits(model, i64::from(waits)));
                true
            }
        });
        result.calls = outcome.sat_calls;
        if cancelled() {
            shared.settle.store(true, Ordering::Relaxed);
        }
        result
    })
}

/// The forums' wait searches after annealing: the pattern model's, beside the SAT search
/// when it runs (`sat`, started by [`spawn_sat`]). Returns the best schedule and its
/// objective.
#[allow(clippy::too_many_arguments)]
pub(super) fn improve_waits_beside_sat(
    model: &Model,
    state: &mut State,
    floors: &[u32],
    threads: u32,
    best: (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &(dyn Fn() -> bool + Sync),
    seed: u64,
    report: &mut Reporter,
    stats: &mut Stats,
    sat: Option<(&Shared, ScopedJoinHandle<SatResult>)>,
) -> (Vec<Option<Spot>>, i64) {
    let Some((shared, handle)) = sat else {
        return improve_waits(
            model, state, floors, threads, best, deadline, cancelled, None, seed, report, stats,
        );
    };
    // The floor tries run on one thread fewer: the SAT search has one.
    let improved = improve_waits(
        model,
        state,
        floors,
        threads.saturating_sub(1).max(1),
        best,
        deadline,
        &|| cancelled() || shared.settled(),
        Some(shared),
        seed,
        report,
        stats,
    );
    finish_sat(model, state, shared, handle, improved, report, stats)
}

/// Stops the SAT search and joins it; returns the best of `best` and every schedule
/// shared, and reports what the SAT search proved.
pub(super) fn finish_sat(
    model: &Model,
    state: &mut State,
    shared: &Shared,
    handle: ScopedJoinHandle<SatResult>,
    (best, objective): (Vec<Option<Spot>>, i64),
    report: &mut Reporter,
    stats: &mut Stats,
) -> (Vec<Option<Spot>>, i64) {
    shared.done.store(true, Ordering::Relaxed);
    let sat = handle.join().unwrap_or(SatResult {
        minimum: None,
        best: None,
        calls: 0,
    });
    stats.waits_sat_calls = Some(u64::from(sat.calls));
    if let Some(waits) = sat.minimum {
        let waits = i64::from(waits);
        stats.waits_proved_min = Some(stats.waits_proved_min.map_or(waits, |m| m.max(waits)));
        report.bound(bound_with_waits(model, waits), Phase::WaitsSatBound);
    }
    let (best, objective) = match shared.better_than(objective) {
        Some((spots, better)) => {
            report.incumbent(better, Phase::WaitsSat);
            (spots, better)
        }
        None => (best, objective),
    };
    stats.waits_sat_improved = Some(sat.best == Some(objective));
    let _ = validated(state, &best);
    (best, objective)
}

/// The objective of a schedule of the SAT model, when the solver's state accepts it and
/// the independent checker passes it, rooms assigned, with the same objective.
fn verified(model: &Model, state: &mut State, spots: &[Option<Spot>]) -> Option<i64> {
    validated(state, spots)?;
    let objective = state.objective();
    let schedule = assign_rooms(model, spots)?;
    let report = evaluate(model.problem, &schedule);
    (report.is_valid() && report.objective == objective).then_some(objective)
}
