//! Simulated annealing runs: the temperature schedule, rounds and reheats, and when to stop.

use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::improve::{Annealer, Limits};
use crate::problem::Problem;
use crate::state::{Spot, State};

use super::exact::Shared;
use super::forum::near_floors;

/// Annealing steps budgeted per second of time limit. The budget is fixed from the
/// options, not measured, so a run does the same work on any machine unless the time
/// limit cuts it short.
pub(super) const STEPS_PER_SECOND: f64 = 20_000.0;

/// Rounds that share the step budget; the reheats after them run while time remains.
pub(super) const BUDGETED_ROUNDS: u32 = 4;

/// Share of annealing steps that are Kempe-chain swaps.
const KEMPE_SHARE: f64 = 0.3;
/// Where each annealing round ends: below one penalty unit, so it ends greedy.
const FINAL_TEMPERATURE: f64 = 0.1;

/// The annealing's first temperature, at the scale of the trade-offs that matter: when
/// weights differ, which meetings to hold (about a typical weight); when all weigh the
/// same, the waits (a few penalty units).
fn starting_temperature(problem: &Problem) -> f64 {
    let mut weights: Vec<u32> = problem.meetings.iter().map(|m| m.weight).collect();
    weights.sort_unstable();
    let penalties = problem.penalties;
    let penalty = f64::from(penalties.idle_slot.max(penalties.gap).max(1));
    let hot = match (weights.first(), weights.last()) {
        (Some(low), Some(high)) if low != high => 0.75 * f64::from(weights[weights.len() / 2]),
        _ => 2.0 * penalty,
    };
    // A re-solve starts from the published timetable: hot enough to shift waits, too
    // cold to move a published meeting (a loss of `move`) for nothing.
    if penalties.move_ > 0 && problem.meetings.iter().any(|m| m.current.is_some()) {
        hot.min(f64::from(penalties.move_) * WARM_TEMPERATURE_SHARE)
    } else {
        hot
    }
}

/// A re-solve's first temperature, as a share of the move penalty: a move that buys
/// nothing is accepted with probability e^-4 at the hottest.
const WARM_TEMPERATURE_SHARE: f64 = 0.25;

/// What one annealer found.
pub(super) struct AnnealRun {
    pub(super) spots: Vec<Option<Spot>>,
    pub(super) objective: i64,
    pub(super) steps: u64,
}

/// Anneals from `state` with `seed`: four long rounds sharing the step `budget`, each
/// reheating less, then (while time remains) reheats of `reheat` steps from the best; only
/// these depend on the machine's speed. `after_round(round, best objective)` says when to
/// stop early. With `shared` (forums beside the SAT search), each round's best is offered
/// there, and the reheats start from a better schedule found beside, when there is one.
pub(super) fn anneal(
    state: &mut State,
    seed: u64,
    (budget, reheat): (u64, u64),
    limits: &Limits,
    shared: Option<&Shared>,
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
        let length = if round < BUDGETED_ROUNDS {
            budget / u64::from(BUDGETED_ROUNDS)
        } else {
            reheat
        };
        let heat = hot / f64::from(round.min(7) + 1);
        steps += annealer
            .run(length.max(1000), heat, FINAL_TEMPERATURE, limits)
            .steps;
        if let Some(shared) = shared {
            let (spots, objective) = annealer.best();
            shared.offer(spots, objective);
            if round + 1 >= BUDGETED_ROUNDS
                && let Some((better, objective)) = shared.better_than(objective)
            {
                annealer.adopt(&better, objective);
            }
        }
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
pub(super) fn annealed_enough(
    problem: &Problem,
    floors: Option<&[u32]>,
    bound: Option<i64>,
    round: u32,
    objective: i64,
) -> bool {
    bound.is_some_and(|b| b <= objective)
        || (round + 1 >= BUDGETED_ROUNDS
            && floors.is_some_and(|floors| near_floors(problem, floors, bound, objective)))
}

fn limits_reached(limits: &Limits) -> bool {
    Instant::now() >= limits.deadline || (limits.cancelled)()
}
