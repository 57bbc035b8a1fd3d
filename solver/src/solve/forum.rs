//! Forums, where every meeting is held and only waits are left to minimise: the floors
//! portfolio and the pattern model's neighbourhoods.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::milp::validated;
use crate::model::Model;
use crate::patterns::{PatternResult, PatternSearch, solve_patterns};
use crate::problem::Problem;
use crate::solution::Stats;
use crate::state::{Spot, State};
use crate::waits::bound_with_waits;

use super::exact::Shared;
use super::options::Phase;
use super::report::Reporter;

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

/// Whether a schedule scoring `objective` is within [`FLOOR_REACH`] of the bound the
/// floors give, in gaps (or a quarter of the floors, if more).
pub(super) fn near_floors(problem: &Problem, floors: &[u32], bound: Option<i64>, objective: i64) -> bool {
    let per_gap = i64::from(problem.penalties.gap) + i64::from(problem.penalties.idle_slot);
    let floor: i64 = floors.iter().map(|&f| i64::from(f)).sum();
    bound.is_some_and(|b| b - objective <= per_gap.max(1) * FLOOR_REACH.max(floor / 4))
}

pub(super) fn holds_every_schedulable(model: &Model, spots: &[Option<Spot>]) -> bool {
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
pub(super) fn improve_waits(
    model: &Model,
    state: &mut State,
    floors: &[u32],
    threads: u32,
    (mut best, mut best_objective): (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
    beside: Option<&Shared>,
    seed: u64,
    report: &mut Reporter,
    stats: &mut Stats,
) -> (Vec<Option<Spot>>, i64) {
    let problem = model.problem;
    let outside_bound = || beside.and_then(Shared::bound);
    let stop = beside.map(|shared| &shared.settle);
    // The best bound known, this search's own or one proved beside it.
    let bound = |report: &Reporter| match (report.bound, outside_bound()) {
        (Some(own), Some(outside)) => Some(own.min(outside)),
        (own, outside) => own.or(outside),
    };
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
    // A proof beside this search that the floors are out of reach ends the tries.
    let floors_bound = bound_with_waits(model, floor);
    while attained.is_none() && !cancelled() && outside_bound().is_none_or(|b| b >= floors_bound) {
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
                                stop,
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
                stats.waits_proved_min = Some(floor + 1);
                report.bound(bound_with_waits(model, floor + 1), Phase::WaitsBound);
                beside.inspect(|shared| shared.prove(bound_with_waits(model, floor + 1)));
            }
            if let Some(spots) = at_floor.spots
                && attained != Some(true)
                && validated(state, &spots).is_some()
            {
                attained = Some(true);
                if state.objective() > best_objective {
                    best_objective = state.objective();
                    best = spots;
                    report.incumbent(best_objective, Phase::WaitsAtFloor);
                    beside.inspect(|shared| shared.offer(&best, best_objective));
                }
            }
        }
    }
    stats.waits_floor_attained = attained;
    let _ = validated(state, &best);

    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(2));
    let (mut tried, mut improved) = (0, 0);
    while remaining() > 0.1 && !cancelled() && bound(report).is_none_or(|b| b > best_objective) {
        // A better schedule found beside (the SAT search's) is worked on from now on.
        if let Some((spots, objective)) = beside.and_then(|shared| shared.better_than(best_objective)) {
            if validated(state, &spots).is_some() {
                (best, best_objective) = (spots, objective);
                report.incumbent(best_objective, Phase::WaitsSat);
                continue;
            }
            let _ = validated(state, &best);
        }
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
                stop,
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
                report.incumbent(best_objective, Phase::WaitsLns);
                beside.inspect(|shared| shared.offer(&spots, best_objective));
            }
            best = spots;
        }
        let _ = validated(state, &best);
    }
    stats.waits_neighbourhoods = Some(tried);
    stats.waits_improved = Some(improved);
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
