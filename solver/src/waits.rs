//! Proving the fewest waits when every meeting is held (forum problems).
//!
//! A participant's gaps in a session are its busy blocks there minus one, so the waits of a
//! schedule are `Σ (blocks − 1)` over participants and sessions. Two things bound them
//! from below, valid for every schedule that holds every meeting that can be held:
//!
//! - **Per-participant floors** ([`wait_floors`]): a participant with k meetings needs k
//!   busy slots, each meeting at one of its own feasible slots. Searching the sets of
//!   blocks with the fewest gaps that admit such an assignment (a bipartite matching)
//!   gives the participant's forced minimum, e.g. 17 meetings in 20 slots split by two
//!   unavailable slots.
//! - **The pattern model** (`patterns/`): the exact MIP over the schedules that hold
//!   everything, with the floors as lower bounds on each participant's gaps, so its
//!   relaxation starts at their sum. Capped at the floors it asks whether the floors are
//!   attainable together; a proof that they are not raises the minimum by one.
//!
//! The objective is `weight − idle·idle slots − gap·gaps − …`, and each gap holds at least
//! one idle slot, so a proved minimum of G gaps with everything held caps the objective at
//! `W − (gap + idle)·G`; a schedule that drops a meeting is capped at `W − lightest
//! droppable weight` (see [`bound_with_waits`]).

use crate::model::Model;
use crate::problem::{MeetingIx, ParticipantIx, Problem, SlotIx};

/// Leaves (candidate block sets) examined per participant and gap count before the floor
/// search settles for what it has proved so far.
const FLOOR_SEARCH_LEAVES: usize = 200_000;

/// The fewest gaps each participant can have when all its meetings are held: `None` when
/// some participant cannot hold all of its schedulable meetings at all (then no schedule
/// holds everything). Participants with a meeting longer than one slot get 0 (not
/// analysed).
pub(crate) fn wait_floors(model: &Model) -> Option<Vec<u32>> {
    (0..model.problem.participants.len())
        .map(|p| participant_floor(model, p))
        .collect()
}

/// The floors raised by the fairness rule, when the problem has one: in a schedule that
/// keeps it, everyone waits at least the highest floor less `max_wait_spread`.
pub(crate) fn fair_floors(problem: &Problem, mut floors: Vec<u32>) -> Vec<u32> {
    if let Some(spread) = problem.max_wait_spread {
        let least = floors.iter().copied().max().unwrap_or(0).saturating_sub(spread);
        for floor in &mut floors {
            *floor = (*floor).max(least);
        }
    }
    floors
}

/// Slots where each of `p`'s schedulable meetings could be held.
fn feasible_slots(model: &Model, p: ParticipantIx) -> Vec<Vec<SlotIx>> {
    model.meetings_of[p]
        .iter()
        .filter(|&&m| !model.starts[m].is_empty())
        .map(|&m| model.starts[m].iter().map(|s| s.slot).collect())
        .collect()
}

fn participant_floor(model: &Model, p: ParticipantIx) -> Option<u32> {
    let meetings: Vec<MeetingIx> = model.meetings_of[p]
        .iter()
        .copied()
        .filter(|&m| !model.starts[m].is_empty())
        .collect();
    if meetings.iter().any(|&m| model.duration(m) != 1) {
        return Some(0);
    }
    let options = feasible_slots(model, p);
    let slots = model.slot_count;
    let everywhere = vec![true; slots];
    if !perfect_matching(&options, &everywhere, slots) {
        return None;
    }
    if options.len() <= 1 {
        return Some(0);
    }
    let mut usable = vec![false; slots];
    for &t in options.iter().flatten() {
        usable[t] = true;
    }
    let mut search = BlockSearch {
        model,
        options: &options,
        usable: &usable,
        chosen: vec![false; slots],
        leaves: 0,
    };
    for gaps in 0..options.len() as u32 {
        search.leaves = 0;
        match search.fits(0, options.len(), gaps, None) {
            Some(true) => return Some(gaps),
            Some(false) => {}
            // Out of budget: fewer than `gaps` is proved impossible, `gaps` is not settled.
            None => return Some(gaps),
        }
    }
    Some(options.len() as u32 - 1)
}

/// Depth-first search over sets of busy blocks, left to right.
struct BlockSearch<'a, 'p> {
    model: &'a Model<'p>,
    options: &'a [Vec<SlotIx>],
    usable: &'a [bool],
    chosen: Vec<bool>,
    leaves: usize,
}

impl BlockSearch<'_, '_> {
    /// Whether blocks starting at or after `from`, covering `remaining` more slots with at
    /// most `gaps` more gaps, complete a busy set the meetings can be matched into.
    /// `previous` is the session of the last block chosen. `None`: budget exhausted.
    fn fits(&mut self, from: SlotIx, remaining: usize, gaps: u32, previous: Option<usize>) -> Option<bool> {
        if remaining == 0 {
            self.leaves += 1;
            if self.leaves > FLOOR_SEARCH_LEAVES {
                return None;
            }
            return Some(perfect_matching(
                self.options,
                &self.chosen,
                self.model.slot_count,
            ));
        }
        let problem = self.model.problem;
        for start in from..self.model.slot_count {
            if !self.usable[start] {
                continue;
            }
            let session = self.model.session_of(start);
            let cost = u32::from(previous == Some(session));
            if cost > gaps {
                continue;
            }
            let end_of_session = problem.sessions[session].slots.end;
            let mut end = start;
            while end < end_of_session && end - start < remaining && self.usable[end] {
                self.chosen[end] = true;
                end += 1;
                let length = end - start;
                // The next block starts after a free slot, or in a later session.
                let next = if end < end_of_session { end + 1 } else { end };
                let result = self.fits(next, remaining - length, gaps - cost, Some(session));
                if result != Some(false) {
                    for t in start..end {
                        self.chosen[t] = false;
                    }
                    return result;
                }
            }
            for t in start..end {
                self.chosen[t] = false;
            }
        }
        Some(false)
    }
}

/// Whether every meeting (given by its feasible slots) gets its own slot among `allowed`.
fn perfect_matching(options: &[Vec<SlotIx>], allowed: &[bool], slots: usize) -> bool {
    fn augment(
        m: usize,
        options: &[Vec<SlotIx>],
        allowed: &[bool],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for &t in &options[m] {
            if allowed[t] && !seen[t] {
                seen[t] = true;
                if owner[t].is_none_or(|other| augment(other, options, allowed, owner, seen)) {
                    owner[t] = Some(m);
                    return true;
                }
            }
        }
        false
    }
    let mut owner = vec![None; slots];
    (0..options.len()).all(|m| {
        let mut seen = vec![false; slots];
        augment(m, options, allowed, &mut owner, &mut seen)
    })
}

/// A proved upper bound on the objective from a proved minimum of `min_gaps` gaps over
/// the schedules that hold every schedulable meeting: those score at most
/// `W − (gap + idle)·min_gaps`, and any other schedule scores at most [`dropping_bound`].
pub(crate) fn bound_with_waits(model: &Model, min_gaps: i64) -> i64 {
    let problem = model.problem;
    let per_gap = i64::from(problem.penalties.gap) + i64::from(problem.penalties.idle_slot);
    let all_held = schedulable_weight(model).saturating_sub(per_gap.saturating_mul(min_gaps));
    dropping_bound(model).map_or(all_held, |dropping| all_held.max(dropping))
}

/// The most a schedule that leaves out a schedulable meeting can score: the total weight
/// less the lightest meeting that is not pinned (`None` when every meeting is pinned).
pub(crate) fn dropping_bound(model: &Model) -> Option<i64> {
    let problem = model.problem;
    (0..problem.meetings.len())
        .filter(|&m| !model.starts[m].is_empty() && problem.meetings[m].fixed.is_none())
        .map(|m| i64::from(problem.meetings[m].weight))
        .min()
        .map(|lightest| schedulable_weight(model) - lightest)
}

fn schedulable_weight(model: &Model) -> i64 {
    (0..model.problem.meetings.len())
        .filter(|&m| !model.starts[m].is_empty())
        .map(|m| i64::from(model.problem.meetings[m].weight))
        .sum()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::*;
    use crate::milp::validated;
    use crate::patterns::{PatternSearch, solve_patterns};
    use crate::problem::Problem;
    use crate::state::{State, waits_of};
    use crate::{SolveOptions, Status, check, solve};

    /// A one-session forum: every meeting weighs 1000 and each wait costs 1.
    fn forum(slots: usize, rooms: usize, unavailable: &[Vec<usize>], meetings: &[(usize, usize)]) -> Problem {
        let slot_docs: Vec<String> = (0..slots)
            .map(|t| {
                format!(
                    r#"{{"id": "s{t}", "start": "2027-04-17T09:{:02}:00+01:00", "end": "2027-04-17T09:{:02}:00+01:00"}}"#,
                    2 * t,
                    2 * t + 2
                )
            })
            .collect();
        let room_docs: Vec<String> = (0..rooms)
            .map(|r| format!(r#"{{"id": "t{r}", "capacity": 2}}"#))
            .collect();
        let participant_docs: Vec<String> = unavailable
            .iter()
            .enumerate()
            .map(|(p, away)| {
                let away: Vec<String> = away.iter().map(|t| format!(r#""s{t}""#)).collect();
                format!(r#"{{"id": "p{p}", "unavailable": [{}]}}"#, away.join(", "))
            })
            .collect();
        let meeting_docs: Vec<String> = meetings
            .iter()
            .enumerate()
            .map(|(m, (a, b))| {
                format!(r#"{{"id": "m{m}", "participants": ["p{a}", "p{b}"], "weight": 1000}}"#)
            })
            .collect();
        Problem::from_json(&format!(
            r#"{{"format": "rendezvous-problem/1", "slots": [{}], "rooms": [{}], "participants": [{}],
                "meetings": [{}], "penalties": {{"gap": 1}}}}"#,
            slot_docs.join(", "),
            room_docs.join(", "),
            participant_docs.join(", "),
            meeting_docs.join(", ")
        ))
        .unwrap()
    }

    /// The fewest gaps over every schedule that holds every meeting, by enumeration
    /// (`None` when no schedule holds them all).
    fn brute_force_min_gaps(model: &Model) -> Option<u32> {
        let mut chosen = vec![0; model.problem.meetings.len()];
        let mut best = None;
        fn visit(model: &Model, m: usize, chosen: &mut [SlotIx], best: &mut Option<u32>) {
            let problem = model.problem;
            let slots = model.slot_count;
            if m == problem.meetings.len() {
                let mut busy = vec![0u32; problem.participants.len() * slots];
                let mut used = vec![0usize; slots];
                for (meeting, &t) in chosen.iter().enumerate() {
                    used[t] += 1;
                    for &p in model.participants(meeting) {
                        busy[p * slots + t] += 1;
                    }
                }
                let rooms = problem.rooms.len();
                if used.iter().any(|&u| u > rooms) || busy.iter().any(|&b| b > 1) {
                    return;
                }
                let gaps: u32 = (0..problem.participants.len())
                    .map(|p| waits_of((0..slots).map(|t| busy[p * slots + t] == 1)).gaps)
                    .sum();
                if best.is_none_or(|b| gaps < b) {
                    *best = Some(gaps);
                }
                return;
            }
            for start in &model.starts[m] {
                chosen[m] = start.slot;
                visit(model, m + 1, chosen, best);
            }
        }
        visit(model, 0, &mut chosen, &mut best);
        best
    }

    fn small_forum() -> impl Strategy<Value = Problem> {
        (3..=6usize, 1..=3usize, 3..=5usize).prop_flat_map(|(slots, rooms, people)| {
            (
                prop::collection::vec(prop::collection::vec(0..slots, 0..=1), people),
                prop::collection::vec((0..people, 0..people), 2..=7),
            )
                .prop_map(move |(unavailable, pairs)| {
                    let meetings: Vec<(usize, usize)> = pairs
                        .into_iter()
                        .map(|(a, b)| if a == b { (a, (a + 1) % people) } else { (a, b) })
                        .collect();
                    forum(slots, rooms, &unavailable, &meetings)
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn proved_wait_bounds_never_exceed_the_brute_force_optimum(problem in small_forum()) {
            let model = Model::new(&problem);
            if model.starts.iter().any(Vec::is_empty) {
                return Ok(());
            }
            let optimum = brute_force_min_gaps(&model);
            let Some(floors) = wait_floors(&model) else {
                // Some participant cannot hold all its meetings: neither can any schedule.
                prop_assert_eq!(optimum, None);
                return Ok(());
            };
            let floor: u32 = floors.iter().sum();
            // The pattern model over everything, with no caps, from no warm start.
            let empty = vec![None; problem.meetings.len()];
            let uncapped = vec![u32::MAX; problem.participants.len()];
            let search = PatternSearch { warm: &empty, free: None, window: None, caps: &uncapped, floors: &floors, seconds: 10.0, seed: 0, stop: None };
            let result = solve_patterns(&model, &search);
            match optimum {
                None => prop_assert!(result.spots.is_none()),
                Some(optimum) => {
                    prop_assert!(floor <= optimum, "floors {floor} > optimum {optimum}");
                    let spots = result.spots.unwrap();
                    let mut state = State::new(&model);
                    prop_assert!(validated(&mut state, &spots).is_some());
                    let found: u32 = (0..problem.participants.len()).map(|p| state.waits(p, 0).gaps).sum();
                    prop_assert_eq!(found, optimum);
                    // Capped at the floors, it finds a schedule exactly when the floors are
                    // the optimum, and proves there is none otherwise.
                    let search = PatternSearch { caps: &floors, ..search };
                    let at_floor = solve_patterns(&model, &search);
                    prop_assert_eq!(at_floor.spots.is_some(), floor == optimum);
                    prop_assert_eq!(at_floor.infeasible, floor < optimum);
                }
            }
        }
    }

    #[test]
    fn a_participant_split_by_an_unavailable_slot_must_wait() {
        // p0 meets four others in five slots but is away in the middle one.
        let problem = forum(
            5,
            2,
            &[vec![2], vec![], vec![], vec![], vec![]],
            &[(0, 1), (0, 2), (0, 3), (0, 4)],
        );
        let model = Model::new(&problem);
        assert_eq!(wait_floors(&model), Some(vec![1, 0, 0, 0, 0]));
        // Three meetings fit in the two slots after the break: no forced wait.
        let problem = forum(
            6,
            2,
            &[vec![1], vec![], vec![], vec![]],
            &[(0, 1), (0, 2), (0, 3)],
        );
        assert_eq!(wait_floors(&Model::new(&problem)), Some(vec![0, 0, 0, 0]));
    }

    #[test]
    fn a_small_forum_is_solved_to_its_proved_fewest_waits() {
        // p0 must wait once (away in slot 2 with four meetings in five slots); the rest
        // can meet without waiting only if the schedule works around p0.
        let problem = forum(
            5,
            2,
            &[vec![2], vec![], vec![], vec![], vec![], vec![4]],
            &[(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (3, 4), (5, 1), (5, 3)],
        );
        let model = Model::new(&problem);
        let optimum = brute_force_min_gaps(&model).unwrap();
        let options = SolveOptions {
            time_limit: Duration::from_secs(10),
            ..SolveOptions::default()
        };
        let solution = solve(&problem, &options, &mut |_| {});
        assert!(check(&problem, &solution.to_doc(&problem)).is_valid());
        assert_eq!(solution.status, Status::Optimal, "{:?}", solution.stats);
        assert_eq!(solution.schedule.placed(), problem.meetings.len());
        assert_eq!(solution.objective, 8000 - i64::from(optimum));
        assert_eq!(solution.bound, Some(solution.objective));
    }

    #[test]
    fn side_by_side_annealers_give_the_same_schedule_run_to_run() {
        // Too many placements for the whole-problem MIP, so the annealers do the work.
        // Each stops at the step where it reaches the proved bound (no waits), all three
        // do (within about 400,000 steps each: two seconds of the 48 s annealing share on an
        // idle machine), and the lowest seed wins the tie: no clock decides the schedule. A
        // shorter time limit would let a busy machine's deadline cut a run short, which
        // is the one case `SolveOptions` says may change the schedule. One meeting lasts
        // two slots, so the SAT search (unit meetings only), whose schedule depends on
        // which search finds what first, does not run beside them.
        let mut away = vec![vec![]; 30];
        away[0] = vec![3];
        let meetings: Vec<(usize, usize)> = (0..30)
            .flat_map(|p| (1..=3).map(move |step| (p, (p + step) % 30)))
            .collect();
        let mut problem = forum(20, 12, &away, &meetings);
        problem.meetings[0].duration = 2;
        assert!(!crate::sat::applies(&Model::new(&problem)));
        let options = SolveOptions {
            time_limit: Duration::from_secs(60),
            threads: 3,
            ..SolveOptions::default()
        };
        let first = solve(&problem, &options, &mut |_| {});
        assert!(check(&problem, &first.to_doc(&problem)).is_valid());
        assert_eq!(first.stats.annealers, 3, "{:?}", first.stats);
        assert_eq!(first.schedule.placed(), problem.meetings.len());
        assert_eq!(first.status, Status::Optimal, "{:?}", first.stats);
        let again = solve(&problem, &options, &mut |_| {});
        assert_eq!(first.schedule, again.schedule);
        assert_eq!(first.objective, again.objective);
    }
}
