//! Expo problems small enough for exact neighbourhoods: HiGHS re-optimises a window of
//! slots, or a waiting participant with everyone it meets, warm started from the best.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::milp::{Neighbourhood, solve_mip, validated};
use crate::model::Model;
use crate::solution::Stats;
use crate::state::{Spot, State};

use super::options::Phase;
use super::report::Reporter;

/// Slots in one re-optimised window, and its time limit.
const WINDOW_SLOTS: usize = 4;
const WINDOW_SECONDS: f64 = 3.0;

/// Re-optimises neighbourhoods until the deadline (or the bound is reached), alternating
/// windows and waiting participants; keeps only strict improvements.
#[allow(clippy::too_many_arguments)]
pub(super) fn improve_windows(
    model: &Model,
    state: &mut State,
    (mut best, mut best_objective): (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
    seed: u64,
    report: &mut Reporter,
    poll_bound: &dyn Fn(&mut Reporter),
    stats: &mut Stats,
) -> (Vec<Option<Spot>>, i64) {
    let problem = model.problem;
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let (mut tried, mut improved) = (0, 0);
    while Instant::now() < deadline && !cancelled() && report.bound.is_none_or(|b| b > best_objective) {
        let neighbourhood = if tried % 2 == 0 {
            let session = &problem.sessions[rng.random_range(0..problem.sessions.len())];
            let width = session.slots.len().min(WINDOW_SLOTS);
            let first = session.slots.start + rng.random_range(0..=session.slots.len() - width);
            Neighbourhood::window(model, &best, first..first + width)
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
            Neighbourhood::participants(model, &who)
        };
        let remaining = deadline.saturating_duration_since(Instant::now()).as_secs_f64();
        let result = solve_mip(
            model,
            &best,
            remaining.min(WINDOW_SECONDS),
            seed,
            Some(&neighbourhood),
        );
        tried += 1;
        if let Some(spots) = result.spots
            && validated(state, &spots).is_some()
            && state.objective() > best_objective
        {
            improved += 1;
            best_objective = state.objective();
            best = spots;
            report.incumbent(best_objective, Phase::Lns);
        } else {
            let _ = validated(state, &best);
        }
        poll_bound(report);
    }
    stats.lns_windows = Some(tried);
    stats.lns_improved = Some(improved);
    (best, best_objective)
}
