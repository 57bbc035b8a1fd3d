//! The solver's entry point.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use crate::bound::{bound_lp, solve_bound};
use crate::construct::{greedy, no_room_reason, place_pins};
use crate::format::Status;
use crate::improve::{Annealer, Limits};
use crate::milp::{MIP_LIMIT, Neighbourhood, placement_count, solve_mip, validated};
use crate::model::{Model, Never};
use crate::patterns::{PatternResult, PatternSearch, solve_patterns};
use crate::problem::{MeetingIx, Problem};
use crate::rooms::assign_rooms;
use crate::solution::{Schedule, Solution};
use crate::state::{Score, Spot, State, objective_of_schedule, score_schedule};
use crate::waits::{bound_with_waits, dropping_bound, wait_floors};

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

/// Annealing steps budgeted per second of time limit. The budget is fixed from the
/// options, not measured, so a run does the same work on any machine unless the time
/// limit cuts it short.
const STEPS_PER_SECOND: f64 = 20_000.0;

/// Share of annealing steps that are Kempe-chain swaps.
const KEMPE_SHARE: f64 = 0.3;
/// Where each annealing round ends: below one penalty unit, so it ends greedy.
const FINAL_TEMPERATURE: f64 = 0.1;

/// Problems with at most this many placement binaries get exact window re-optimisation.
const WINDOW_LIMIT: usize = 10_000;
/// Slots in one re-optimised window, and its time limit.
const WINDOW_SLOTS: usize = 4;
const WINDOW_SECONDS: f64 = 3.0;

/// Problems with at most this many placement binaries, where the bound says every meeting
/// must be held, get the pattern model for their waits (`patterns.rs`).
const WAITS_LIMIT: usize = 20_000;
/// Share of the time limit the annealer gets before the pattern model, when it runs.
const WAITS_ANNEAL_SHARE: f64 = 0.8;
/// Forums: the reheats after the budgeted rounds run at least this many steps per
/// meeting. The time-derived length (60,000 steps at 30 s) is too short to leave a local
/// optimum: pub-forum-1 at 30 s averaged 21.5 waits with it (seeds 0–3), and 20.2, 19.8,
/// 20.2 and 19.8 with reheats of 240,000, 480,000, 1 and 2 million steps (seeds 0–5).
const FORUM_REHEAT_STEPS_PER_MEETING: u64 = 2_000;
/// Forums whose best schedule after the annealer's budgeted rounds is within this many
/// gaps of the floors try the floors at once (see [`near_floors`]).
const FLOOR_REACH: i64 = 2;
/// Share of what remains after annealing spent on holding everyone to its floor, and
/// the longest single try.
const FLOOR_SHARE: f64 = 0.8;
const FLOOR_TRY_SECONDS: f64 = 20.0;
/// Time limit of one neighbourhood of the pattern model, and how many participants it
/// frees (a waiting one, everyone it meets, and some of whom they meet).
const NEIGHBOURHOOD_SECONDS: f64 = 5.0;
const NEIGHBOURHOOD_PARTICIPANTS: usize = 22;
/// Every other neighbourhood is a window of this many slots instead: whatever is held in
/// it may be re-ordered there.
const WAITS_WINDOW_SLOTS: usize = 6;
/// Longest wait for the LP bound before annealing, as a share of the time limit: it
/// decides whether the pattern model runs, and is quick on problems that small.
const WAITS_BOUND_WAIT: f64 = 0.2;

/// The annealing's first temperature, at the scale of the trade-offs that matter: when
/// weights differ, which meetings to hold (about a typical weight); when all weigh the
/// same, the waits (a few penalty units).
fn starting_temperature(problem: &Problem) -> f64 {
    let mut weights: Vec<u32> = problem.meetings.iter().map(|m| m.weight).collect();
    weights.sort_unstable();
    let penalties = problem.penalties;
    let penalty = f64::from(penalties.idle_slot.max(penalties.gap).max(1));
    match (weights.first(), weights.last()) {
        (Some(low), Some(high)) if low != high => 0.75 * f64::from(weights[weights.len() / 2]),
        _ => 2.0 * penalty,
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
/// prove optimality too.
///
/// It never returns an invalid schedule: at worst the one holding only the pins.
/// Contradictory pins give [`Status::Infeasible`] with reasons naming them.
///
/// Determinism: the same problem and options give the same solution. Every random
/// choice comes from a ChaCha RNG seeded with `options.seed`, the annealing budget is a
/// number of steps derived from the time limit, and HiGHS runs with one thread and a
/// fixed seed. Searches that run side by side (`options.threads`) each have their own
/// seed, and the best result wins, the lowest seed on ties, whichever finished first.
/// The only exception is a time limit (or cancel) that stops work before its budget is
/// spent: then how far it got depends on the machine's speed.
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
    greedy(&mut state);
    let greedy_objective = state.objective();
    report.incumbent(greedy_objective, "construct");
    let first_solution = started.elapsed();

    let mut stats = json!({
        "greedy_objective": greedy_objective,
        "seconds_to_first_solution": first_solution.as_secs_f64(),
    });
    // The bound runs on its own thread; it owns its model, so a solve that ends first
    // (time limit, cancel) need not wait for it.
    let lp = bound_lp(&model);
    let lp_seconds = 0.8 * deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let (bound_sender, bound_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = bound_sender.send(solve_bound(lp, lp_seconds));
    });
    let poll_bound = |report: &mut Reporter| {
        if let Ok(Some(bound)) = bound_receiver.try_recv() {
            report.bound(bound, "lp bound");
        }
    };
    // When waits cost something and the bound leaves no room to drop a meeting, every
    // good schedule holds everything: then the waits can be proved (`waits.rs`).
    let with_waits = problem.penalties.idle_slot > 0 || problem.penalties.gap > 0;
    let mut wait_floors_found = None;
    if with_waits && placement_count(&model) <= WAITS_LIMIT {
        let patience = options.time_limit.mul_f64(WAITS_BOUND_WAIT);
        if let Ok(Some(bound)) = bound_receiver.recv_timeout(patience) {
            report.bound(bound, "lp bound");
        }
        if report
            .bound
            .is_some_and(|b| dropping_bound(&model).is_none_or(|dropping| b > dropping))
            && let Some(floors) = wait_floors(&model)
        {
            let floor: i64 = floors.iter().map(|&f| i64::from(f)).sum();
            stats["wait_floor"] = json!(floor);
            report.bound(bound_with_waits(&model, floor), "wait floors");
            wait_floors_found = Some(floors);
        }
    }
    let best = {
        let exact = placement_count(&model) <= MIP_LIMIT;
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
        // Forums lean on the annealer for their schedule, and their runs vary with the
        // seed by several gaps: one annealer per thread, the best one wins.
        let annealers = if wait_floors_found.is_some() && !exact {
            options.threads.max(1)
        } else {
            1
        };
        let floors = wait_floors_found.as_deref();
        let reheat = if floors.is_some() {
            (budget / 8).max(FORUM_REHEAT_STEPS_PER_MEETING * problem.meetings.len() as u64)
        } else {
            budget / 8
        };
        let best_so_far = AtomicI64::new(i64::MIN);
        let runs: Vec<AnnealRun> = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..annealers)
                .map(|i| {
                    let mut helper_state = state.clone();
                    let (bound, best_so_far, cancelled) = (report.bound, &best_so_far, &cancelled);
                    scope.spawn(move || {
                        let limits = Limits {
                            deadline: anneal_deadline,
                            cancelled,
                        };
                        anneal(
                            &mut helper_state,
                            options.seed.wrapping_add(u64::from(i)),
                            (budget, reheat),
                            &limits,
                            &mut |round, objective| {
                                best_so_far.fetch_max(objective, Ordering::Relaxed);
                                annealed_enough(problem, floors, bound, round, objective)
                            },
                        )
                    })
                })
                .collect();
            let limits = Limits {
                deadline: anneal_deadline,
                cancelled: &cancelled,
            };
            let main = anneal(
                &mut state,
                options.seed,
                (budget, reheat),
                &limits,
                &mut |round, objective| {
                    report.incumbent(objective.max(best_so_far.load(Ordering::Relaxed)), "anneal");
                    poll_bound(&mut report);
                    annealed_enough(problem, floors, report.bound, round, objective)
                },
            );
            std::iter::once(main)
                .chain(helpers.into_iter().filter_map(|h| h.join().ok()))
                .collect()
        });
        stats["anneal_steps"] = json!(runs.iter().map(|run| run.steps).sum::<u64>());
        stats["annealers"] = json!(runs.len());
        // The first (lowest seed) of the best: `max_by_key` would keep the last.
        let winner = runs
            .into_iter()
            .reduce(|best, run| if run.objective > best.objective { run } else { best })
            .expect("the main annealer always runs");
        let (mut best, mut best_objective) = (winner.spots, winner.objective);
        let _ = validated(&mut state, &best);
        report.incumbent(best_objective, "anneal");
        poll_bound(&mut report);
        // The whole-problem MIP below models every penalty; the pattern model only waits.
        if let Some(floors) = wait_floors_found.as_ref().filter(|_| !exact)
            && deadline.saturating_duration_since(Instant::now()).as_secs_f64() > 0.5
            && !cancelled()
            && report.bound.is_none_or(|b| b > best_objective)
            && holds_every_schedulable(&model, &best)
        {
            report.send("waits");
            (best, best_objective) = improve_waits(
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
            );
        }
        let remaining = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
        if exact && remaining > 0.5 && !cancelled() && report.bound.is_none_or(|b| b > best_objective) {
            report.send("mip");
            let result = solve_mip(&model, &best, remaining, options.seed, None);
            stats["mip_status"] = json!(result.status);
            if let Some(spots) = result.spots
                && validated(&mut state, &spots).is_some()
                && state.objective() > best_objective
            {
                best_objective = state.objective();
                best = spots;
                report.incumbent(best_objective, "mip");
            }
            if let Some(bound) = result.bound {
                report.bound(bound.max(best_objective), "mip bound");
            }
        }
        if windowed && !exact {
            let mut rng = ChaCha8Rng::seed_from_u64(options.seed.wrapping_add(1));
            let (mut tried, mut improved) = (0, 0);
            while Instant::now() < deadline && !cancelled() && report.bound.is_none_or(|b| b > best_objective)
            {
                let neighbourhood = if tried % 2 == 0 {
                    let session = &problem.sessions[rng.random_range(0..problem.sessions.len())];
                    let width = session.slots.len().min(WINDOW_SLOTS);
                    let first = session.slots.start + rng.random_range(0..=session.slots.len() - width);
                    Neighbourhood::window(&model, &best, first..first + width)
                } else {
                    // A participant who waits, with everyone it meets.
                    let waiting: Vec<usize> = (0..problem.participants.len())
                        .filter(|&p| (0..problem.sessions.len()).any(|s| state.waits(p, s).gaps > 0))
                        .collect();
                    let Some(&p) = waiting.get(rng.random_range(0..waiting.len().max(1))) else {
                        break;
                    };
                    let mut who: Vec<usize> = model.meetings_of[p]
                        .iter()
                        .flat_map(|&m| problem.meetings[m].participants.iter().copied())
                        .collect();
                    who.sort_unstable();
                    who.dedup();
                    Neighbourhood::participants(&model, &who)
                };
                let remaining = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
                let result = solve_mip(
                    &model,
                    &best,
                    remaining.min(WINDOW_SECONDS),
                    options.seed,
                    Some(&neighbourhood),
                );
                tried += 1;
                if let Some(spots) = result.spots
                    && validated(&mut state, &spots).is_some()
                    && state.objective() > best_objective
                {
                    improved += 1;
                    best_objective = state.objective();
                    best = spots;
                    report.incumbent(best_objective, "lns");
                } else {
                    let _ = validated(&mut state, &best);
                }
                poll_bound(&mut report);
            }
            stats["lns_windows"] = json!(tried);
            stats["lns_improved"] = json!(improved);
        }
        // Wait for the bound only while time remains.
        let remaining = deadline.saturating_duration_since(Instant::now());
        if report.bound.is_none()
            && !cancelled()
            && let Ok(Some(bound)) = bound_receiver.recv_timeout(remaining)
        {
            report.bound(bound, "lp bound");
        }
        best
    };
    finish(problem, &model, &best, &mut report, stats)
}

/// What one annealer found.
struct AnnealRun {
    spots: Vec<Option<Spot>>,
    objective: i64,
    steps: u64,
}

/// Anneals from `state` with `seed`: four long rounds sharing the step `budget`, each
/// reheating less, then (while time remains) reheats of `reheat` steps from the best; only
/// these depend on the machine's speed. `after_round(round, best objective)` says when to
/// stop early.
fn anneal(
    state: &mut State,
    seed: u64,
    (budget, reheat): (u64, u64),
    limits: &Limits,
    after_round: &mut dyn FnMut(u32, i64) -> bool,
) -> AnnealRun {
    let problem = state.model.problem;
    let hot = starting_temperature(problem);
    let mut annealer = Annealer::new(state, ChaCha8Rng::seed_from_u64(seed));
    annealer.kempe_share = KEMPE_SHARE;
    if problem.penalties.idle_slot == 0 && problem.penalties.gap > 0 {
        annealer.idle_shaping = 1;
    }
    let mut steps = 0;
    for round in 0u32.. {
        if limits_reached(limits) {
            break;
        }
        let length = if round < 4 { budget / 4 } else { reheat };
        let heat = hot / f64::from(round.min(7) + 1);
        steps += annealer
            .run(length.max(1000), heat, FINAL_TEMPERATURE, limits)
            .steps;
        if after_round(round, annealer.best().1) {
            break;
        }
    }
    let (spots, objective) = annealer.best();
    AnnealRun {
        spots: spots.to_vec(),
        objective,
        steps,
    }
}

/// Whether annealing can stop after `round`: the bound is reached, or (after the budgeted
/// rounds) a forum is near its floors, where more annealing rarely closes the last gaps
/// and the pattern model takes over.
fn annealed_enough(
    problem: &Problem,
    floors: Option<&[u32]>,
    bound: Option<i64>,
    round: u32,
    objective: i64,
) -> bool {
    bound.is_some_and(|b| b <= objective)
        || (round >= 3 && floors.is_some_and(|floors| near_floors(problem, floors, bound, objective)))
}

/// Whether a schedule scoring `objective` is within [`FLOOR_REACH`] of the bound the
/// floors give, in gaps (or a quarter of the floors, if more).
fn near_floors(problem: &Problem, floors: &[u32], bound: Option<i64>, objective: i64) -> bool {
    let per_gap = i64::from(problem.penalties.gap) + i64::from(problem.penalties.idle_slot);
    let floor: i64 = floors.iter().map(|&f| i64::from(f)).sum();
    bound.is_some_and(|b| b - objective <= per_gap.max(1) * FLOOR_REACH.max(floor / 4))
}

fn holds_every_schedulable(model: &Model, spots: &[Option<Spot>]) -> bool {
    (0..spots.len()).all(|m| spots[m].is_some() || model.starts[m].is_empty())
}

/// Forum problems, where every meeting is held and only waits are left to minimise:
///
/// 1. When the best schedule is near the floors ([`near_floors`]): can every participant
///    be held to its proved floor? A schedule that does is optimal, and a proof that none
///    does raises the bound by one gap.
/// 2. Then, until the deadline, neighbourhoods solved exactly by the pattern model: a
///    participant who waits more than its floor, everyone it meets and some of whom they
///    meet, with every other meeting kept; nobody may end up with more gaps than now.
#[allow(clippy::too_many_arguments)]
fn improve_waits(
    model: &Model,
    state: &mut State,
    floors: &[u32],
    threads: u32,
    (mut best, mut best_objective): (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
    seed: u64,
    report: &mut Reporter,
    stats: &mut serde_json::Value,
) -> (Vec<Option<Spot>>, i64) {
    let problem = model.problem;
    let floor: i64 = floors.iter().map(|&f| i64::from(f)).sum();
    let remaining = || deadline.saturating_duration_since(Instant::now()).as_secs_f64();
    let gaps = |state: &State, p: usize| -> u32 {
        (0..problem.sessions.len()).map(|s| state.waits(p, s).gaps).sum()
    };

    // HiGHS's time to find a schedule at the floors varies several-fold with its seed
    // (11–45 s on pub-forum-2), so a portfolio: one try per thread, each with its own seed,
    // and fresh seeds while time remains. The lowest seed that succeeds wins, so the
    // result does not depend on which thread finished first.
    let near = near_floors(problem, floors, report.bound, best_objective);
    let floor_share = if near { FLOOR_SHARE } else { 0.0 };
    let floor_deadline = Instant::now() + Duration::from_secs_f64(remaining() * floor_share);
    let cores = threads.max(1) as usize;
    let mut attained = None;
    let mut next_seed = seed;
    while attained.is_none() && !cancelled() {
        let left = floor_deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        if left < 0.5 {
            break;
        }
        let seeds: Vec<u64> = (0..cores as u64).map(|i| next_seed.wrapping_add(i)).collect();
        next_seed = next_seed.wrapping_add(cores as u64);
        let tries: Vec<PatternResult> = std::thread::scope(|scope| {
            let handles: Vec<_> = seeds
                .iter()
                .map(|&seed| {
                    let best = &best;
                    scope.spawn(move || {
                        solve_patterns(
                            model,
                            &PatternSearch {
                                warm: best,
                                free: None,
                                window: None,
                                caps: floors,
                                floors,
                                seconds: left.min(FLOOR_TRY_SECONDS),
                                seed,
                            },
                        )
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        for at_floor in tries {
            if at_floor.infeasible && attained.is_none() {
                attained = Some(false);
                stats["waits_proved_min"] = json!(floor + 1);
                report.bound(bound_with_waits(model, floor + 1), "waits bound");
            }
            if let Some(spots) = at_floor.spots
                && attained != Some(true)
                && validated(state, &spots).is_some()
            {
                attained = Some(true);
                if state.objective() > best_objective {
                    best_objective = state.objective();
                    best = spots;
                    report.incumbent(best_objective, "waits at floor");
                }
            }
        }
    }
    stats["waits_floor_attained"] = json!(attained);
    let _ = validated(state, &best);

    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(2));
    let (mut tried, mut improved) = (0, 0);
    while remaining() > 0.1 && !cancelled() && report.bound.is_none_or(|b| b > best_objective) {
        let over: Vec<usize> = (0..problem.participants.len())
            .filter(|&p| gaps(state, p) > floors[p])
            .collect();
        let Some(&first) = over.get(rng.random_range(0..over.len().max(1))) else {
            break;
        };
        let window = (tried % 2 == 1).then(|| {
            let session = &problem.sessions[rng.random_range(0..problem.sessions.len())];
            let width = session.slots.len().min(WAITS_WINDOW_SLOTS);
            let first = session.slots.start + rng.random_range(0..=session.slots.len() - width);
            first..first + width
        });
        let free: Vec<bool> = match &window {
            Some(window) => (0..problem.meetings.len())
                .map(|m| {
                    best[m]
                        .is_some_and(|s| window.start <= s.slot && s.slot + model.duration(m) <= window.end)
                })
                .collect(),
            None => around(model, first, &mut rng),
        };
        let caps: Vec<u32> = (0..problem.participants.len())
            .map(|p| gaps(state, p).max(floors[p]))
            .collect();
        let result = solve_patterns(
            model,
            &PatternSearch {
                warm: &best,
                free: Some(&free),
                window,
                caps: &caps,
                floors,
                seconds: remaining().min(NEIGHBOURHOOD_SECONDS),
                seed: seed.wrapping_add(tried),
            },
        );
        tried += 1;
        // Equal schedules are taken too: they move the search elsewhere.
        if let Some(spots) = result.spots
            && validated(state, &spots).is_some()
            && state.objective() >= best_objective
        {
            if state.objective() > best_objective {
                improved += 1;
                best_objective = state.objective();
                report.incumbent(best_objective, "waits lns");
            }
            best = spots;
        }
        let _ = validated(state, &best);
    }
    stats["waits_neighbourhoods"] = json!(tried);
    stats["waits_improved"] = json!(improved);
    (best, best_objective)
}

/// The meetings among `first`, everyone it meets, and some of whom they meet
/// ([`NEIGHBOURHOOD_PARTICIPANTS`] in all, when there are that many).
fn around(model: &Model, first: usize, rng: &mut ChaCha8Rng) -> Vec<bool> {
    let mut inside = vec![false; model.problem.participants.len()];
    let mut count = 1;
    inside[first] = true;
    for &m in &model.meetings_of[first] {
        for &p in model.participants(m) {
            count += usize::from(!std::mem::replace(&mut inside[p], true));
        }
    }
    let mut further: Vec<usize> = (0..inside.len())
        .filter(|&p| inside[p])
        .flat_map(|p| model.meetings_of[p].iter())
        .flat_map(|&m| model.participants(m).iter().copied())
        .filter(|&p| !inside[p])
        .collect();
    further.sort_unstable();
    further.dedup();
    while count < NEIGHBOURHOOD_PARTICIPANTS && !further.is_empty() {
        inside[further.swap_remove(rng.random_range(0..further.len()))] = true;
        count += 1;
    }
    (0..model.problem.meetings.len())
        .map(|m| model.participants(m).iter().all(|&p| inside[p]))
        .collect()
}

fn limits_reached(limits: &Limits) -> bool {
    Instant::now() >= limits.deadline || (limits.cancelled)()
}

/// Sends progress only when something improved.
struct Reporter<'a> {
    progress: &'a mut dyn FnMut(&Progress),
    started: Instant,
    incumbent: i64,
    bound: Option<i64>,
}

impl Reporter<'_> {
    fn send(&mut self, phase: &str) {
        (self.progress)(&Progress {
            incumbent: self.incumbent,
            bound: self.bound,
            elapsed: self.started.elapsed(),
            phase: phase.to_string(),
        });
    }

    fn incumbent(&mut self, objective: i64, phase: &str) {
        if objective > self.incumbent {
            self.incumbent = objective;
            self.send(phase);
        }
    }

    fn bound(&mut self, bound: i64, phase: &str) {
        if self.bound.is_none_or(|b| bound < b) {
            self.bound = Some(bound);
            self.send(phase);
        }
    }
}

/// Concrete rooms, exact objective, reasons and statistics for the best class-level
/// schedule.
fn finish(
    problem: &Problem,
    model: &Model,
    spots: &[Option<Spot>],
    report: &mut Reporter,
    mut stats: serde_json::Value,
) -> Solution {
    let schedule = assign_rooms(model, spots).unwrap_or_else(|| {
        // Unreachable while the state keeps class counts; the pins alone are still valid.
        let pins: Vec<Option<Spot>> = spots
            .iter()
            .enumerate()
            .map(|(m, s)| s.filter(|_| problem.meetings[m].fixed.is_some()))
            .collect();
        assign_rooms(model, &pins).unwrap_or_else(|| Schedule::empty(problem))
    });
    let score = score_schedule(problem, &schedule);
    let objective = objective_of_schedule(problem, &score);
    report.incumbent(objective, "rooms");
    let bound = report.bound.filter(|&b| b >= objective);
    let status = if bound == Some(objective) {
        Status::Optimal
    } else {
        Status::Feasible
    };
    let elapsed = report.started.elapsed().as_secs_f64();
    add_score_stats(&mut stats, &score, objective, bound, elapsed);
    Solution {
        status,
        reasons: reasons_for_unplaced(model, &schedule),
        schedule,
        objective,
        bound,
        stats,
    }
}

fn add_score_stats(
    stats: &mut serde_json::Value,
    score: &Score,
    objective: i64,
    bound: Option<i64>,
    seconds: f64,
) {
    stats["seconds"] = json!(seconds);
    stats["placed"] = json!(score.placed);
    stats["placed_weight"] = json!(score.weight);
    stats["idle_slots"] = json!(score.idle);
    stats["gaps"] = json!(score.gaps);
    stats["moved"] = json!(score.moved);
    stats["gap"] = json!(bound.map(|b| (b - objective) as f64 / b.unsigned_abs().max(1) as f64));
}

fn names(problem: &Problem, m: MeetingIx) -> String {
    let ids: Vec<&str> = problem.meetings[m]
        .participants
        .iter()
        .map(|&p| problem.participants[p].id.as_str())
        .collect();
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => ids.join(""),
    }
}

/// Why each meeting the schedule leaves out is not held.
fn reasons_for_unplaced(model: &Model, schedule: &Schedule) -> Vec<(MeetingIx, String)> {
    let problem = model.problem;
    let mut held = vec![0u32; problem.participants.len()];
    let slots = model.slot_count;
    let mut busy = vec![false; problem.participants.len() * slots];
    for (m, placement) in schedule.placements.iter().enumerate() {
        if let Some(placement) = placement {
            for &p in &problem.meetings[m].participants {
                held[p] += 1;
                for t in placement.slot..placement.slot + model.duration(m) {
                    busy[p * slots + t] = true;
                }
            }
        }
    }
    let mut reasons = Vec::new();
    for (m, placement) in schedule.placements.iter().enumerate() {
        if placement.is_some() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let reason = match &model.never[m] {
            Some(Never::NoRoom { seats, features }) => no_room_reason(*seats, features),
            Some(Never::NoCommonSlot) => format!("{} have no common free slot", names(problem, m)),
            Some(Never::NoRoomWhenFree) => {
                format!(
                    "no fitting room is available while {} are all free",
                    names(problem, m)
                )
            }
            Some(Never::PinnedRoomUnfit | Never::PinImpossible) => "its pin cannot be honoured".to_string(),
            None => {
                let full = meeting.participants.iter().find(|&&p| {
                    problem.participants[p]
                        .max_meetings
                        .is_some_and(|cap| held[p] >= cap)
                });
                if let Some(&p) = full {
                    let participant = &problem.participants[p];
                    format!(
                        "not held: {} is full (max_meetings {})",
                        participant.id,
                        participant.max_meetings.unwrap_or_default()
                    )
                } else if model.starts[m].iter().all(|start| {
                    meeting
                        .participants
                        .iter()
                        .any(|&p| (start.slot..start.slot + model.duration(m)).any(|t| busy[p * slots + t]))
                }) {
                    format!(
                        "not held: every common free slot of {} is taken",
                        names(problem, m)
                    )
                } else {
                    "not held: where it still fits, holding it would cost more than it is worth".to_string()
                }
            }
        };
        reasons.push((m, reason));
    }
    reasons
}

fn infeasible(problem: &Problem, reasons: Vec<(MeetingIx, String)>, started: Instant) -> Solution {
    let schedule = Schedule::empty(problem);
    let score = score_schedule(problem, &schedule);
    let objective = objective_of_schedule(problem, &score);
    let mut all = reasons.clone();
    for m in 0..problem.meetings.len() {
        if !reasons.iter().any(|(r, _)| *r == m) {
            all.push((m, "not scheduled: the pins contradict each other".to_string()));
        }
    }
    all.sort_by_key(|(m, _)| *m);
    Solution {
        status: Status::Infeasible,
        schedule,
        objective,
        bound: None,
        reasons: all,
        stats: json!({
            "seconds": started.elapsed().as_secs_f64(),
            "conflicting_pins": reasons.iter().map(|(m, _)| problem.meetings[*m].id.clone()).collect::<Vec<_>>(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check, evaluate};

    fn options(seconds: f64) -> SolveOptions {
        SolveOptions {
            time_limit: Duration::from_secs_f64(seconds),
            ..SolveOptions::default()
        }
    }

    /// Two sessions of three slots, two tables and a video room.
    fn small(participants: &str, meetings: &str) -> Problem {
        let text = format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "a1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "a2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "a3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}},
                {{"id": "b1", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}},
                {{"id": "b2", "start": "2027-04-17T14:20:00+01:00", "end": "2027-04-17T14:40:00+01:00"}},
                {{"id": "b3", "start": "2027-04-17T14:40:00+01:00", "end": "2027-04-17T15:00:00+01:00"}}
              ],
              "rooms": [{{"id": "T1", "capacity": 2}}, {{"id": "T2", "capacity": 2}},
                        {{"id": "V", "capacity": 4, "features": ["video"]}}],
              "participants": {participants},
              "meetings": {meetings},
              "penalties": {{"idle_slot": 1, "gap": 2, "move": 5}}}}"#
        );
        Problem::from_json(&text).unwrap()
    }

    /// The independent checker accepts the schedule, its objective and its claims.
    fn assert_consistent(problem: &Problem, solution: &Solution) {
        let report = evaluate(problem, &solution.schedule);
        assert!(report.is_valid(), "{:?}", report.violations);
        assert_eq!(solution.objective, report.objective);
        let document = check(problem, &solution.to_doc(problem));
        assert!(document.is_valid(), "{:?}", document.violations);
        let score = score_schedule(problem, &solution.schedule);
        assert_eq!(solution.objective, objective_of_schedule(problem, &score));
        if let Some(bound) = solution.bound {
            assert!(bound >= solution.objective);
        }
        assert_eq!(
            solution.status == Status::Optimal,
            solution.bound == Some(solution.objective)
        );
        let unplaced = solution
            .schedule
            .placements
            .iter()
            .filter(|p| p.is_none())
            .count();
        assert_eq!(solution.reasons.len(), unplaced);
    }

    #[test]
    fn pub_tiny_beats_greedy_and_is_consistent() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-tiny.json")).unwrap();
        let mut reports = Vec::new();
        let solution = solve(&problem, &options(4.0), &mut |p| reports.push(p.clone()));
        assert_consistent(&problem, &solution);
        let greedy = solution.stats["greedy_objective"].as_i64().unwrap();
        assert!(
            solution.objective >= greedy,
            "{} < greedy {greedy}",
            solution.objective
        );
        // The reference LP bound of pub-tiny is 3,390.
        assert!(solution.bound.is_some_and(|b| b <= 3390), "{:?}", solution.bound);
        assert!(reports.iter().any(|r| r.phase == "construct"));
        assert!(reports.windows(2).all(|w| w[0].incumbent <= w[1].incumbent));
    }

    #[test]
    fn forum_problems_hold_what_the_bound_allows() {
        for (text, held) in [
            (include_str!("../tests/data/pub-forum-1.json"), 250),
            (include_str!("../tests/data/pub-forum-2.json"), 198),
        ] {
            let problem = Problem::from_json(text).unwrap();
            let solution = solve(&problem, &options(6.0), &mut |_| {});
            assert_consistent(&problem, &solution);
            assert_eq!(solution.schedule.placed(), held);
        }
    }

    #[test]
    fn small_problem_is_solved_to_proved_optimality_and_deterministically() {
        let problem = small(
            r#"[{"id": "bkk"}, {"id": "acme"}, {"id": "uni"}, {"id": "city", "max_meetings": 1}]"#,
            r#"[{"id": "m1", "participants": ["bkk", "acme"], "weight": 10},
                {"id": "m2", "participants": ["bkk", "uni"], "weight": 10, "features": ["video"]},
                {"id": "m3", "participants": ["acme", "uni"], "weight": 7, "duration": 2},
                {"id": "m4", "participants": ["city", "acme"], "weight": 3},
                {"id": "m5", "participants": ["city", "uni"], "weight": 4},
                {"id": "m6", "participants": ["bkk", "city"], "weight": 6, "current": {"slot": "b2", "room": "T2"}}]"#,
        );
        let first = solve(&problem, &options(5.0), &mut |_| {});
        assert_consistent(&problem, &first);
        assert_eq!(first.status, Status::Optimal, "{:?}", first.stats);
        let again = solve(&problem, &options(5.0), &mut |_| {});
        assert_eq!(first.schedule, again.schedule);
        // `city` may hold one meeting: the heaviest one it is in.
        let city_meetings: Vec<_> = [3, 4, 5]
            .iter()
            .filter(|&&m| first.schedule.placements[m].is_some())
            .collect();
        assert_eq!(city_meetings, vec![&5]);
        assert!(
            first
                .reasons
                .iter()
                .any(|(m, r)| *m == 4 && r.contains("city is full")),
            "{:?}",
            first.reasons
        );
        // m6 keeps its published place (moving it would cost 5).
        assert_eq!(
            first.schedule.placements[5].map(|p| (p.slot, p.room)),
            Some((4, 1))
        );
    }

    #[test]
    fn impossible_meetings_get_specific_reasons() {
        let problem = small(
            r#"[{"id": "bkk", "size": 6}, {"id": "acme", "unavailable": ["a1", "a2", "a3"]},
                {"id": "uni", "unavailable": ["b1", "b2", "b3"]}, {"id": "x", "size": 2}]"#,
            r#"[{"id": "big", "participants": ["bkk", "acme"], "weight": 10, "features": ["video"]},
                {"id": "apart", "participants": ["acme", "uni"], "weight": 10},
                {"id": "wide", "participants": ["x", "acme"], "weight": 10}]"#,
        );
        let solution = solve(&problem, &options(2.0), &mut |_| {});
        assert_consistent(&problem, &solution);
        let reason = |m: MeetingIx| {
            solution
                .reasons
                .iter()
                .find(|(r, _)| *r == m)
                .map(|(_, t)| t.as_str())
        };
        assert_eq!(reason(0), Some("no room seats 7 with video"));
        assert_eq!(reason(1), Some("acme and uni have no common free slot"));
        assert!(solution.schedule.placements[2].is_some_and(|p| p.room == 2));
    }

    #[test]
    fn pins_are_honoured_with_and_without_room() {
        let problem = small(
            r#"[{"id": "bkk"}, {"id": "acme"}, {"id": "uni"}]"#,
            r#"[{"id": "m1", "participants": ["bkk", "acme"], "weight": 1, "fixed": {"slot": "a3", "room": "T2"}},
                {"id": "m2", "participants": ["bkk", "uni"], "weight": 1, "fixed": {"slot": "b1"}},
                {"id": "m3", "participants": ["acme", "uni"], "weight": 50}]"#,
        );
        let solution = solve(&problem, &options(2.0), &mut |_| {});
        assert_consistent(&problem, &solution);
        assert_eq!(
            solution.schedule.placements[0].map(|p| (p.slot, p.room)),
            Some((2, 1))
        );
        assert_eq!(solution.schedule.placements[1].map(|p| p.slot), Some(3));
        assert!(solution.schedule.placements[2].is_some());
    }

    #[test]
    fn contradictory_pins_are_infeasible_and_named() {
        let problem = small(
            r#"[{"id": "bkk"}, {"id": "acme"}, {"id": "uni"}]"#,
            r#"[{"id": "m1", "participants": ["bkk", "acme"], "weight": 1, "fixed": {"slot": "a2"}},
                {"id": "m2", "participants": ["bkk", "uni"], "weight": 1, "fixed": {"slot": "a1", "room": "T1"}, "duration": 2},
                {"id": "m3", "participants": ["acme", "uni"], "weight": 50}]"#,
        );
        let solution = solve(&problem, &options(2.0), &mut |_| {});
        assert_eq!(solution.status, Status::Infeasible);
        assert_eq!(solution.schedule.placed(), 0);
        assert_eq!(solution.reasons.len(), 3);
        assert!(
            solution.reasons[0].1.contains("m2") && solution.reasons[0].1.contains("bkk"),
            "{:?}",
            solution.reasons
        );
        assert!(solution.reasons[1].1.contains("m1"), "{:?}", solution.reasons);
    }

    #[test]
    fn cancel_returns_a_valid_schedule() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-forum-1.json")).unwrap();
        let cancel = Arc::new(AtomicBool::new(true));
        let options = SolveOptions {
            cancel: Some(cancel),
            ..options(30.0)
        };
        let solution = solve(&problem, &options, &mut |_| {});
        assert_consistent(&problem, &solution);
        assert!(solution.schedule.placed() > 0);
    }
}
