//! Expo problems small enough for exact neighbourhoods: HiGHS re-optimises a window of
//! slots, or a waiting participant with everyone it meets, warm started from the best.
//! With `threads` > 1, that many neighbourhoods are solved at a time, each on its own
//! thread, and their improvements are merged.

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
/// windows and waiting participants, `threads` at a time; keeps only strict improvements.
///
/// A round draws `threads` neighbourhoods from the best schedule (the same draws, in the
/// same order, as one thread would make over that many rounds), solves them side by side,
/// then merges what improved, best first: each one's free meetings take the places it
/// found, and a merge is kept only when the whole schedule stays valid and gets better.
/// Which merges are kept depends only on the MIPs' answers, not on which finished first.
#[allow(clippy::too_many_arguments)]
pub(super) fn improve_windows(
    model: &Model,
    state: &mut State,
    (mut best, mut best_objective): (Vec<Option<Spot>>, i64),
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
    (seed, threads): (u64, u32),
    report: &mut Reporter,
    poll_bound: &dyn Fn(&mut Reporter),
    stats: &mut Stats,
) -> (Vec<Option<Spot>>, i64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let (mut tried, mut improved) = (0u64, 0u64);
    'rounds: while Instant::now() < deadline
        && !cancelled()
        && report.bound.is_none_or(|b| b > best_objective)
    {
        let mut round = Vec::new();
        for _ in 0..threads.max(1) {
            match draw(model, state, &best, tried + round.len() as u64, &mut rng) {
                Some(neighbourhood) => round.push(neighbourhood),
                None if round.is_empty() => break 'rounds,
                None => break,
            }
        }
        let seconds = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
            .min(WINDOW_SECONDS);
        let answers: Vec<Option<Vec<Option<Spot>>>> = std::thread::scope(|scope| {
            let best = &best;
            let running: Vec<_> = round
                .iter()
                .skip(1)
                .map(|n| scope.spawn(move || solve_mip(model, best, seconds, seed, Some(n)).spots))
                .collect();
            let first = solve_mip(model, best, seconds, seed, Some(&round[0])).spots;
            std::iter::once(first)
                .chain(running.into_iter().map(|h| h.join().ok().flatten()))
                .collect()
        });
        tried += round.len() as u64;
        // What each answer alone is worth, to merge the best first (ties: draw order).
        let mut gains: Vec<(i64, usize, Vec<Option<Spot>>)> = Vec::new();
        for (i, spots) in answers.into_iter().enumerate() {
            if let Some(spots) = spots
                && validated(state, &spots).is_some()
                && state.objective() > best_objective
            {
                gains.push((state.objective(), i, spots));
            }
        }
        gains.sort_by_key(|&(objective, i, _)| (std::cmp::Reverse(objective), i));
        let mut merged_any = false;
        for (_, i, spots) in gains {
            let mut merged = best.clone();
            for (m, free) in round[i].free.iter().enumerate() {
                if *free {
                    merged[m] = spots[m];
                }
            }
            if validated(state, &merged).is_some() && state.objective() > best_objective {
                best_objective = state.objective();
                best = merged;
                improved += 1;
                merged_any = true;
            }
        }
        let _ = validated(state, &best);
        if merged_any {
            report.incumbent(best_objective, Phase::Lns);
        }
        poll_bound(report);
    }
    stats.lns_windows = Some(tried);
    stats.lns_improved = Some(improved);
    (best, best_objective)
}

/// The `index`-th neighbourhood: even ones a window of slots in a random session, odd
/// ones a waiting participant with everyone it meets (`None` when nobody waits).
fn draw(
    model: &Model,
    state: &State,
    best: &[Option<Spot>],
    index: u64,
    rng: &mut ChaCha8Rng,
) -> Option<Neighbourhood> {
    let problem = model.problem;
    if index.is_multiple_of(2) {
        let session = &problem.sessions[rng.random_range(0..problem.sessions.len())];
        let width = session.slots.len().min(WINDOW_SLOTS);
        let first = session.slots.start + rng.random_range(0..=session.slots.len() - width);
        return Some(Neighbourhood::window(model, best, first..first + width));
    }
    let waiting: Vec<usize> = (0..problem.participants.len())
        .filter(|&p| (0..problem.sessions.len()).any(|s| state.waits(p, s).gaps > 0))
        .collect();
    let &p = waiting.get(rng.random_range(0..waiting.len().max(1)))?;
    let mut who: Vec<usize> = model.meetings_of[p]
        .iter()
        .flat_map(|&m| problem.meetings[m].participants.iter().copied())
        .collect();
    who.sort_unstable();
    who.dedup();
    Some(Neighbourhood::participants(model, &who))
}
