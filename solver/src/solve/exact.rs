//! Forums: the SAT search for the fewest waits (`sat/`) on a thread of its own, beside the
//! pattern model's searches (`forum.rs`), both starting from the annealers' best schedule.
//!
//! Neither takes the other's time beyond its core: the pattern model's floor tries run on
//! one thread fewer, and its neighbourhoods, which run one at a time, leave a core free
//! anyway. Each stops when the other has settled the question (a schedule at the other's
//! proved bound). A SAT schedule is taken only when it scores strictly better than every
//! other, after the independent checker has passed it with its rooms assigned.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Instant;

use crate::check::evaluate;
use crate::milp::validated;
use crate::model::Model;
use crate::rooms::assign_rooms;
use crate::sat::{Found, WaitsSearch, applies, search_waits, waits_of_spots};
use crate::solution::Stats;
use crate::state::{Spot, State};
use crate::waits::bound_with_waits;

use super::forum::improve_waits;
use super::options::Phase;
use super::report::Reporter;

/// What the SAT thread hands back.
struct SatResult {
    /// Its best schedule, when strictly better than the warm one, and its objective.
    better: Option<(Vec<Option<Spot>>, i64)>,
    /// The fewest waits it proved, when it raised the floors' minimum.
    minimum: Option<u32>,
    calls: u32,
}

/// The forums' wait searches: the pattern model's, and beside it the SAT search when it
/// models the problem exactly ([`applies`]). Returns the best schedule and its objective.
#[allow(clippy::too_many_arguments)]
pub(super) fn improve_waits_beside_sat(
    model: &Model,
    state: &mut State,
    floors: &[u32],
    threads: u32,
    (best, best_objective): (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &(dyn Fn() -> bool + Sync),
    seed: u64,
    report: &mut Reporter,
    stats: &mut Stats,
) -> (Vec<Option<Spot>>, i64) {
    if !applies(model) {
        return improve_waits(
            model,
            state,
            floors,
            threads,
            (best, best_objective),
            deadline,
            cancelled,
            &|| None,
            None,
            seed,
            report,
            stats,
        );
    }
    let floor: u32 = floors.iter().sum();
    // What each side has: the SAT search's proved bound (objective) and either's best.
    let sat_bound = AtomicI64::new(i64::MAX);
    let sat_best = AtomicI64::new(best_objective);
    let patterns_done = AtomicBool::new(false);
    // Raised when the SAT search settles the question or the solve is cancelled: HiGHS,
    // busy in a floor try or a neighbourhood, stops at once.
    let settle = AtomicBool::new(false);
    let warm_waits = waits_of_spots(model, &best);
    let mut checker = state.clone();
    let (improved, sat) = std::thread::scope(|scope| {
        let sat = scope.spawn(|| {
            let stop = || cancelled() || patterns_done.load(Ordering::Relaxed);
            let mut result = SatResult {
                better: None,
                minimum: None,
                calls: 0,
            };
            let search = WaitsSearch {
                warm: &best,
                warm_waits: Some(warm_waits),
                proved_min: floor,
                floors,
                deadline,
                cancelled: &stop,
            };
            let outcome = search_waits(model, &search, &mut |found| match found {
                Found::Schedule(spots) => match verified(model, &mut checker, spots) {
                    Some(objective) => {
                        if objective > result.better.as_ref().map_or(best_objective, |b| b.1) {
                            result.better = Some((spots.to_vec(), objective));
                            sat_best.fetch_max(objective, Ordering::Relaxed);
                        }
                        true
                    }
                    None => false,
                },
                Found::Minimum(waits) => {
                    result.minimum = Some(waits);
                    sat_bound.fetch_min(bound_with_waits(model, i64::from(waits)), Ordering::Relaxed);
                    true
                }
            });
            result.calls = outcome.sat_calls;
            if cancelled() || sat_bound.load(Ordering::Relaxed) <= sat_best.load(Ordering::Relaxed) {
                settle.store(true, Ordering::Relaxed);
            }
            result
        });
        let settled = || sat_bound.load(Ordering::Relaxed) <= sat_best.load(Ordering::Relaxed);
        let outside_bound = || Some(sat_bound.load(Ordering::Relaxed)).filter(|&b| b < i64::MAX);
        let improved = improve_waits(
            model,
            state,
            floors,
            threads.saturating_sub(1).max(1),
            (best.clone(), best_objective),
            deadline,
            &|| cancelled() || settled(),
            &outside_bound,
            Some(&settle),
            seed,
            report,
            stats,
        );
        patterns_done.store(true, Ordering::Relaxed);
        let sat = sat.join().unwrap_or(SatResult {
            better: None,
            minimum: None,
            calls: 0,
        });
        (improved, sat)
    });
    stats.waits_sat_calls = Some(u64::from(sat.calls));
    if let Some(waits) = sat.minimum {
        let waits = i64::from(waits);
        stats.waits_proved_min = Some(stats.waits_proved_min.map_or(waits, |m| m.max(waits)));
        report.bound(bound_with_waits(model, waits), Phase::WaitsSatBound);
    }
    let (best, objective) = match sat.better {
        Some((spots, objective)) if objective > improved.1 => {
            stats.waits_sat_improved = Some(true);
            report.incumbent(objective, Phase::WaitsSat);
            (spots, objective)
        }
        _ => {
            stats.waits_sat_improved = Some(false);
            improved
        }
    };
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
