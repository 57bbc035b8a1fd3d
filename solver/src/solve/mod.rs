//! The solver's pipeline: pins, a greedy start, annealing beside the LP bound, then exact
//! neighbourhoods (expo problems) or the wait floors and pattern model (forums).

mod anneal;
mod exact;
mod explain;
mod forum;
mod lns;
mod options;
mod outcome;
mod report;
#[cfg(test)]
mod tests;

pub use options::{Phase, Progress, SolveOptions};

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Instant;

use crate::bound::{Stop, bound_lp, solve_bound};
use crate::construct::{greedy, place_pins, repair_fairness};
use crate::improve::Limits;
use crate::milp::{MIP_LIMIT, placement_count, solve_mip, validated};
use crate::model::Model;
use crate::problem::Problem;
use crate::solution::{Solution, Stats};
use crate::state::State;
use crate::waits::{bound_with_waits, dropping_bound, fair_floors, wait_floors};
use crate::warm::{is_warm, place_current, restore_current};
use anneal::{AnnealRun, BUDGETED_ROUNDS, STEPS_PER_SECOND, anneal, annealed_enough};
use exact::{Shared, finish_sat, improve_waits_beside_sat, sat_applies, spawn_sat};
use forum::holds_every_schedulable;
use lns::improve_windows;
use outcome::{finish, infeasible, keeps_fairness, unfair_pins};
use report::Reporter;

/// Problems with at most this many placement binaries get exact window re-optimisation.
const WINDOW_LIMIT: usize = 10_000;

/// Problems with at most this many placement binaries, where the bound says every meeting
/// must be held, get the pattern model for their waits (`patterns/`).
const WAITS_LIMIT: usize = 20_000;
/// Share of the time limit the annealer gets before the pattern model, when it runs.
const WAITS_ANNEAL_SHARE: f64 = 0.8;
/// Forums: the reheats after the budgeted rounds run at least this many steps per
/// meeting. The time-derived length (60,000 steps at 30 s) is too short to leave a local
/// optimum: pub-forum-1 at 30 s averaged 21.5 waits with it (seeds 0–3), and 20.2, 19.8,
/// 20.2 and 19.8 with reheats of 240,000, 480,000, 1 and 2 million steps (seeds 0–5).
const FORUM_REHEAT_STEPS_PER_MEETING: u64 = 2_000;

/// Reports what the searches beside the annealers (the SAT search) found and proved.
fn poll_shared(report: &mut Reporter, shared: Option<&Shared>) {
    if let Some(shared) = shared {
        if let Some(bound) = shared.bound() {
            report.bound(bound, Phase::WaitsSatBound);
        }
        if let Some(objective) = shared.objective() {
            report.incumbent(objective, Phase::WaitsSat);
        }
    }
}

/// Solves `problem` within `options.time_limit`, calling `progress` whenever the best
/// schedule or the bound improves, and at each phase change.
///
/// The solver places the organiser's pins, builds a greedy schedule, then improves it by
/// simulated annealing on the exact objective (moves with eviction and re-seating, and
/// Kempe-chain swaps) while HiGHS computes the LP bound on a second thread. Then, for
/// small problems where waits cost something, HiGHS re-optimises neighbourhoods exactly
/// (a window of slots, or a waiting participant with everyone it meets), warm started
/// from the best schedule; very small problems get one exact MIP over everything, which
/// can prove optimality. Forums (every meeting must be held) get proved per-participant
/// floors on their waits and the busy-pattern model, which can reach those floors and so
/// prove optimality too; where every meeting lasts one slot, a SAT search for the fewest
/// waits runs from the start beside all of them, sharing their best schedule (`exact.rs`).
///
/// With a fairness rule (`max_wait_spread`), every phase keeps it: the state's objective
/// ranks a schedule that breaks it below any that keeps it (so the greedy start, the
/// annealers and every HiGHS neighbourhood, checked on that state, never prefer one), a
/// re-solve's published start is brought within it first, and the exact MIP and the SAT
/// search encode it.
///
/// It never returns an invalid schedule: at worst the one holding only the pins.
/// Contradictory pins give [`Status::Infeasible`](crate::Status::Infeasible) with reasons naming them,
/// and so do pins that alone break the fairness rule when no schedule holding them that
/// keeps it was found.
///
/// Determinism: the same problem, seed and thread count give the same schedule, whatever
/// the LP bound's speed, unless the time limit cuts work short — except on forums where
/// the SAT search runs beside the others, whose schedule depends on timing; see
/// [`SolveOptions`](SolveOptions#determinism) for exactly what is and is not guaranteed.
///
/// ```
/// use std::time::Duration;
/// use rendezvous_solver::{Problem, SolveOptions, Status, solve};
///
/// let problem = Problem::from_json(r#"{
///   "format": "rendezvous-problem/1",
///   "slots": [
///     {"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
///     {"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}
///   ],
///   "rooms": [{"id": "T1", "capacity": 2}],
///   "participants": [{"id": "bkk"}, {"id": "acme"}, {"id": "uni"}],
///   "meetings": [
///     {"id": "m1", "participants": ["bkk", "acme"], "weight": 50},
///     {"id": "m2", "participants": ["bkk", "uni"], "weight": 30}
///   ]
/// }"#).unwrap();
/// let options = SolveOptions { time_limit: Duration::from_secs(5), ..SolveOptions::default() };
/// let solution = solve(&problem, &options, &mut |_| {});
/// assert_eq!(solution.objective, 80);
/// assert_eq!(solution.status, Status::Optimal);
/// assert_eq!(solution.schedule.placed(), 2);
/// ```
pub fn solve(problem: &Problem, options: &SolveOptions, progress: &mut dyn FnMut(&Progress)) -> Solution {
    let started = Instant::now();
    let deadline = started + options.time_limit;
    let cancelled = || {
        options
            .cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    };
    let model = Model::new(problem);
    let mut state = State::new(&model);
    if let Err(reasons) = place_pins(&mut state) {
        return infeasible(problem, reasons, started);
    }
    let mut report = Reporter {
        progress,
        started,
        incumbent: i64::MIN,
        bound: None,
    };
    // A re-solve starts from the published timetable: what the changes left possible
    // stays, and the greedy start places the rest where it fits.
    let warm = is_warm(&model);
    let warm_start = warm.then(|| place_current(&mut state));
    // Every search compares schedules by the state's objective, which puts one that keeps
    // the fairness rule above any that breaks it; so from a start that keeps it, none
    // ends with one that breaks it.
    repair_fairness(&mut state);
    greedy(&mut state);
    let greedy_objective = state.objective();
    report.incumbent(greedy_objective, Phase::Construct);
    let first_solution = started.elapsed();

    let mut stats = Stats {
        greedy_objective: Some(greedy_objective),
        seconds_to_first_solution: Some(first_solution.as_secs_f64()),
        warm_kept: warm_start.map(|w| w.kept),
        warm_reseated: warm_start.map(|w| w.reseated),
        warm_displaced: warm_start.map(|w| w.displaced),
        ..Stats::default()
    };
    // The LP bound runs on a thread of its own inside this scope: HiGHS is asked to stop
    // when the solve ends or is cancelled, and the scope joins the thread, so it never
    // outlives `solve`.
    let stop_lp = &Stop {
        finished: AtomicBool::new(false),
        cancel: options.cancel.clone(),
    };
    // What the SAT search for waits and the other searches of a forum share (`exact.rs`).
    let shared = Shared::default();
    let solution = std::thread::scope(|scope| {
        let (bound_sender, bound_receiver) = std::sync::mpsc::channel();
        let lp_model = &model;
        // The relaxation is built on the LP's thread too, off the search's path.
        // Both give up as soon as the solve ends or is cancelled.
        scope.spawn(move || {
            let bound = bound_lp(lp_model, stop_lp).and_then(|lp| {
                let lp_seconds = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
                solve_bound(lp, lp_seconds, stop_lp)
            });
            let _ = bound_sender.send(bound);
        });
        let poll_bound = |report: &mut Reporter| {
            if let Ok(Some(bound)) = bound_receiver.try_recv() {
                report.bound(bound, Phase::LpBound);
            }
        };
        // When waits cost something and the bound leaves no room to drop a meeting, every
        // good schedule holds everything: then the waits can be proved (`waits.rs`). The LP
        // decides it, so it is waited for (not raced): on problems this small it takes well
        // under a second, and only the deadline or a cancel stops it sooner.
        let with_waits = problem.penalties.idle_slot > 0 || problem.penalties.gap > 0;
        let mut wait_floors_found = None;
        if with_waits && placement_count(&model) <= WAITS_LIMIT {
            if let Ok(Some(bound)) = bound_receiver.recv() {
                report.bound(bound, Phase::LpBound);
            }
            if report
                .bound
                .is_some_and(|b| dropping_bound(&model).is_none_or(|dropping| b > dropping))
                && let Some(floors) = wait_floors(&model)
            {
                let floors = fair_floors(problem, floors);
                let floor: i64 = floors.iter().map(|&f| i64::from(f)).sum();
                stats.wait_floor = Some(floor);
                report.bound(bound_with_waits(&model, floor), Phase::WaitFloors);
                wait_floors_found = Some(floors);
            }
        }
        let exact = placement_count(&model) <= MIP_LIMIT;
        // Forums where every meeting lasts one slot: the SAT search for the fewest waits
        // runs from now to the end beside every other search, from the best schedule they
        // share (the greedy one, if it holds every meeting).
        let mut sat = wait_floors_found
            .as_ref()
            .filter(|_| !exact && sat_applies(&model))
            .map(|floors| {
                if let Some(bound) = report.bound {
                    shared.prove(bound);
                }
                shared.offer(&state.spots, greedy_objective);
                let handle = spawn_sat(scope, &model, floors.clone(), &shared, deadline, &cancelled);
                (&shared, handle)
            });
        let beside = sat.as_ref().map(|&(shared, _)| shared);
        let best = {
            // Small problems where waits cost something re-optimise slot windows exactly.
            let windowed = placement_count(&model) <= WINDOW_LIMIT
                && (problem.penalties.idle_slot > 0 || problem.penalties.gap > 0);
            let anneal_share = if exact {
                0.5
            } else if wait_floors_found.is_some() {
                WAITS_ANNEAL_SHARE
            } else if windowed {
                0.9
            } else {
                1.0
            };
            let anneal_deadline = started + options.time_limit.mul_f64(anneal_share);
            let budget = (options.time_limit.as_secs_f64() * anneal_share * STEPS_PER_SECOND) as u64;
            // One annealer per thread, the best one wins: runs vary with the seed (on
            // forums by several gaps), and each has a core of its own.
            let annealers = options.threads.max(1);
            let floors = wait_floors_found.as_deref();
            let reheat = if floors.is_some() {
                (budget / 8).max(FORUM_REHEAT_STEPS_PER_MEETING * problem.meetings.len() as u64)
            } else {
                budget / 8
            };
            let best_so_far = AtomicI64::new(i64::MIN);
            // Beside the SAT search, a proof of the optimum stops the annealers too.
            let cancelled = || cancelled() || beside.is_some_and(Shared::settled);
            let runs: Vec<AnnealRun> = std::thread::scope(|scope| {
                let helpers: Vec<_> = (1..annealers)
                    .map(|i| {
                        let mut helper_state = state.clone();
                        let (bound, best_so_far, cancelled) = (report.bound, &best_so_far, &cancelled);
                        scope.spawn(move || {
                            let limits = Limits {
                                deadline: anneal_deadline,
                                cancelled,
                                target: bound,
                            };
                            anneal(
                                &mut helper_state,
                                options.seed.wrapping_add(u64::from(i)),
                                (budget, reheat),
                                &limits,
                                beside,
                                &mut |round, objective| {
                                    best_so_far.fetch_max(objective, Ordering::Relaxed);
                                    // On expo problems the helpers stop after their budgeted
                                    // rounds: their schedule then depends on the seed alone,
                                    // and the LP bound, still running there, gets their core.
                                    (floors.is_none() && round >= BUDGETED_ROUNDS - 1)
                                        || annealed_enough(problem, floors, bound, round, objective)
                                },
                            )
                        })
                    })
                    .collect();
                // The bound known now: on forums it was waited for, so it is the same on
                // every run; elsewhere a bound arriving later only stops at rounds' ends.
                let limits = Limits {
                    deadline: anneal_deadline,
                    cancelled: &cancelled,
                    target: report.bound,
                };
                let main = anneal(
                    &mut state,
                    options.seed,
                    (budget, reheat),
                    &limits,
                    beside,
                    &mut |round, objective| {
                        report.incumbent(objective.max(best_so_far.load(Ordering::Relaxed)), Phase::Anneal);
                        poll_bound(&mut report);
                        poll_shared(&mut report, beside);
                        annealed_enough(problem, floors, report.bound, round, objective)
                    },
                );
                std::iter::once(main)
                    .chain(helpers.into_iter().filter_map(|h| h.join().ok()))
                    .collect()
            });
            stats.anneal_steps = runs.iter().map(|run| run.steps).sum();
            stats.annealers = runs.len();
            // The first (lowest seed) of the best: `max_by_key` would keep the last.
            let winner = runs
                .into_iter()
                .reduce(|best, run| if run.objective > best.objective { run } else { best })
                .expect("the main annealer always runs");
            let (mut best, mut best_objective) = (winner.spots, winner.objective);
            report.incumbent(best_objective, Phase::Anneal);
            poll_bound(&mut report);
            poll_shared(&mut report, beside);
            if let Some(shared) = beside {
                shared.offer(&best, best_objective);
                if let Some(better) = shared.better_than(best_objective) {
                    (best, best_objective) = better;
                }
            }
            let _ = validated(&mut state, &best);
            // The whole-problem MIP below models every penalty; the pattern model only waits.
            if let Some(floors) = wait_floors_found.as_ref().filter(|_| !exact)
                && deadline.saturating_duration_since(Instant::now()).as_secs_f64() > 0.5
                && !cancelled()
                && report.bound.is_none_or(|b| b > best_objective)
                && holds_every_schedulable(&model, &best)
            {
                report.send(Phase::Waits);
                (best, best_objective) = improve_waits_beside_sat(
                    &model,
                    &mut state,
                    floors,
                    options.threads,
                    (best, best_objective),
                    deadline,
                    &cancelled,
                    options.seed,
                    &mut report,
                    &mut stats,
                    sat.take(),
                );
            }
            if let Some((shared, handle)) = sat.take() {
                let found = (best, best_objective);
                (best, best_objective) =
                    finish_sat(&model, &mut state, shared, handle, found, &mut report, &mut stats);
            }
            let remaining = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
            if exact && remaining > 0.5 && !cancelled() && report.bound.is_none_or(|b| b > best_objective) {
                report.send(Phase::Mip);
                let result = solve_mip(&model, &best, remaining, options.seed, None);
                stats.mip_status = Some(result.status);
                if let Some(spots) = result.spots
                    && validated(&mut state, &spots).is_some()
                    && state.objective() > best_objective
                {
                    best_objective = state.objective();
                    best = spots;
                    report.incumbent(best_objective, Phase::Mip);
                }
                if let Some(bound) = result.bound {
                    report.bound(bound.max(best_objective), Phase::MipBound);
                }
            }
            if windowed && !exact {
                (best, _) = improve_windows(
                    &model,
                    &mut state,
                    (best, best_objective),
                    deadline,
                    &cancelled,
                    (options.seed, options.threads),
                    &mut report,
                    &poll_bound,
                    &mut stats,
                );
            }
            // A re-solve undoes every move of a published meeting that bought nothing.
            if warm && validated(&mut state, &best).is_some() {
                let restored = restore_current(&mut state);
                stats.warm_restored = Some(restored);
                if restored > 0 {
                    best.clone_from(&state.spots);
                    report.incumbent(state.objective(), Phase::Anneal);
                }
            }
            // Wait for the bound only while time remains.
            let remaining = deadline.saturating_duration_since(Instant::now());
            if report.bound.is_none()
                && !cancelled()
                && let Ok(Some(bound)) = bound_receiver.recv_timeout(remaining)
            {
                report.bound(bound, Phase::LpBound);
            }
            best
        };
        // HiGHS stops at its next iteration, and the scope joins its thread.
        stop_lp.finished.store(true, Ordering::Relaxed);
        finish(problem, &model, &best, &mut report, stats)
    });
    // The pins alone may break the fairness rule, and then no search may have found
    // meetings that even the waits out: no schedule is returned that the checker rejects.
    if solution.status != crate::Status::Infeasible && !keeps_fairness(problem, &solution) {
        return unfair_pins(problem, started);
    }
    solution
}
