//! The warm start: pins first, then a fast greedy schedule.

use std::collections::BTreeSet;

use crate::model::Never;
use crate::problem::MeetingIx;
use crate::solution::Unplaced;
use crate::state::{Spot, State};

/// Places every pinned meeting. On a contradiction, returns the reasons naming the pinned
/// meetings involved (and leaves `state` partly filled).
pub(crate) fn place_pins(state: &mut State) -> Result<(), Vec<(MeetingIx, String)>> {
    let model = state.model;
    let problem = model.problem;
    let pinned: Vec<MeetingIx> = (0..problem.meetings.len())
        .filter(|&m| problem.meetings[m].fixed.is_some())
        .collect();
    let mut reasons: Vec<(MeetingIx, String)> = Vec::new();
    for &m in &pinned {
        if model.starts[m].is_empty() {
            let why = match &model.never[m] {
                Some(Never::PinnedRoomUnfit) => {
                    "pinned room lacks the seats or features it needs".to_string()
                }
                Some(Never::NoRoom { seats, features }) => Unplaced::NoRoom {
                    seats: *seats,
                    features: features.clone(),
                }
                .to_string(),
                _ => "pinned where a participant, the room or the session does not allow it".to_string(),
            };
            reasons.push((m, format!("pin impossible: {why}")));
        }
    }
    if !reasons.is_empty() {
        return Err(reasons);
    }
    // Pairwise clashes name both meetings; quotas and crowded classes name the group.
    let mut involved: BTreeSet<MeetingIx> = BTreeSet::new();
    let mut clash_notes: Vec<(MeetingIx, String)> = Vec::new();
    for (i, &a) in pinned.iter().enumerate() {
        let sa = model.starts[a][0].slot;
        let ea = sa + model.duration(a);
        for &b in &pinned[i + 1..] {
            let sb = model.starts[b][0].slot;
            let eb = sb + model.duration(b);
            if sa >= eb || sb >= ea {
                continue;
            }
            let shared = model
                .participants(a)
                .iter()
                .find(|p| model.participants(b).contains(p));
            let room_a = problem.meetings[a].fixed.and_then(|f| f.room);
            let same_room = room_a.is_some() && room_a == problem.meetings[b].fixed.and_then(|f| f.room);
            let what = match (shared, same_room) {
                (Some(&p), _) => format!("{} is in both at once", problem.participants[p].id),
                (None, true) => "both pinned to the same room at once".to_string(),
                _ => continue,
            };
            for (x, y) in [(a, b), (b, a)] {
                involved.insert(x);
                clash_notes.push((x, format!("pin contradicts {}: {what}", problem.meetings[y].id)));
            }
        }
    }
    for (p, participant) in problem.participants.iter().enumerate() {
        let Some(cap) = participant.max_meetings else {
            continue;
        };
        let mine: Vec<MeetingIx> = pinned
            .iter()
            .copied()
            .filter(|&m| model.participants(m).contains(&p))
            .collect();
        if mine.len() > cap as usize {
            for &m in &mine {
                involved.insert(m);
                clash_notes.push((
                    m,
                    format!(
                        "pins give {} {} meetings, above its max_meetings {cap}",
                        participant.id,
                        mine.len()
                    ),
                ));
            }
        }
    }
    if !clash_notes.is_empty() {
        return Err(merge_notes(clash_notes));
    }
    // No pairwise clash: place them; a failure now means a class has too few rooms. The
    // pins with the fewest room classes choose first, so a pin that could use several
    // does not take the only class another one fits (found by the pins property test).
    let mut by_choice = pinned.clone();
    by_choice.sort_by_key(|&m| model.starts[m][0].classes.len());
    let mut crowded = Vec::new();
    for &m in &by_choice {
        let start = &model.starts[m][0];
        // A pin of the slot only keeps the published room when it can (no `move` to pay).
        let keep = model
            .current_class(m)
            .filter(|&(slot, class)| slot == start.slot && start.classes.contains(&class))
            .map(|(_, class)| class);
        match keep
            .into_iter()
            .chain(start.classes.iter().copied().filter(|&c| Some(c) != keep))
            .map(|class| Spot {
                slot: start.slot,
                class,
            })
            .find(|&s| state.can_place(m, s))
        {
            Some(spot) => state.place(m, spot),
            None => crowded.push(m),
        }
    }
    if crowded.is_empty() {
        return Ok(());
    }
    // Name every pinned meeting competing for those rooms at those times.
    let mut notes = Vec::new();
    for &m in &crowded {
        let start = &model.starts[m][0];
        let (s, e) = (start.slot, start.slot + model.duration(m));
        let rivals: Vec<&str> = pinned
            .iter()
            .filter(|&&o| o != m)
            .filter(|&&o| {
                let os = model.starts[o][0].slot;
                let oe = os + model.duration(o);
                os < e
                    && s < oe
                    && model.starts[o][0]
                        .classes
                        .iter()
                        .any(|c| start.classes.contains(c))
            })
            .map(|&o| problem.meetings[o].id.as_str())
            .collect();
        notes.push((
            m,
            format!(
                "pins need more fitting rooms than exist at that time (with {})",
                rivals.join(", ")
            ),
        ));
    }
    Err(merge_notes(notes))
}

fn merge_notes(mut notes: Vec<(MeetingIx, String)>) -> Vec<(MeetingIx, String)> {
    notes.sort();
    let mut merged: Vec<(MeetingIx, String)> = Vec::new();
    for (m, note) in notes {
        match merged.last_mut() {
            Some((last, text)) if *last == m => {
                text.push_str("; ");
                text.push_str(&note);
            }
            _ => merged.push((m, note)),
        }
    }
    merged
}

/// Brings a start that breaks the fairness rule (published places kept by a re-solve)
/// back within it: drops, one at a time, the unpinned meeting whose removal raises
/// [`State::objective`] most (it counts the rule's breach first), and when no single
/// removal helps, keeps the pins alone. Those can break the rule too; then the searches
/// look for meetings that even the waits out, and the solve says when none did.
pub(crate) fn repair_fairness(state: &mut State) {
    let problem = state.model.problem;
    while !state.is_fair() {
        let before = state.objective();
        let mut best: Option<(MeetingIx, i64)> = None;
        for m in 0..problem.meetings.len() {
            if problem.meetings[m].fixed.is_some() {
                continue;
            }
            let Some(spot) = state.remove(m) else {
                continue;
            };
            let after = state.objective();
            state.place(m, spot);
            if after > before && best.is_none_or(|(_, b)| after > b) {
                best = Some((m, after));
            }
        }
        let Some((m, _)) = best else {
            for m in 0..problem.meetings.len() {
                if problem.meetings[m].fixed.is_none() {
                    state.remove(m);
                }
            }
            return;
        };
        state.remove(m);
    }
}

/// The best spot for an unplaced meeting right now, by objective change (earliest slot,
/// smallest class on ties), with that change.
pub(crate) fn best_spot(state: &mut State, m: MeetingIx) -> Option<(Spot, i64)> {
    let model = state.model;
    let before = state.objective();
    let mut best: Option<(Spot, i64)> = None;
    for start in &model.starts[m] {
        let Some(spot) = start
            .classes
            .iter()
            .map(|&class| Spot {
                slot: start.slot,
                class,
            })
            .find(|&s| state.can_place(m, s))
        else {
            continue;
        };
        state.place(m, spot);
        let delta = state.objective() - before;
        state.remove(m);
        if best.is_none_or(|(_, d)| delta > d) {
            best = Some((spot, delta));
        }
    }
    best
}

/// Greedy: heavier and scarcer meetings first, each where it costs the fewest waits;
/// a meeting is left out when holding it would lower the objective.
pub(crate) fn greedy(state: &mut State) {
    let model = state.model;
    let problem = model.problem;
    let mut order: Vec<MeetingIx> = (0..problem.meetings.len())
        .filter(|&m| state.spots[m].is_none() && !model.starts[m].is_empty())
        .collect();
    order.sort_by_key(|&m| {
        (
            std::cmp::Reverse(problem.meetings[m].weight),
            model.starts[m].len(),
            m,
        )
    });
    for m in order {
        if let Some((spot, delta)) = best_spot(state, m)
            && delta > 0
        {
            state.place(m, spot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::problem::Problem;

    fn tiny() -> Problem {
        Problem::from_json(include_str!("../tests/data/pub-tiny.json")).unwrap()
    }

    #[test]
    fn greedy_is_valid_and_compact() {
        let problem = tiny();
        let model = Model::new(&problem);
        let mut state = State::new(&model);
        place_pins(&mut state).unwrap();
        greedy(&mut state);
        let schedule = crate::rooms::assign_rooms(&model, &state.spots).unwrap();
        let score = crate::state::score_schedule(&problem, &schedule);
        assert_eq!(score, state.score);
        assert!(score.placed > 50, "{score:?}");
        let report = crate::check::evaluate(&problem, &schedule);
        assert!(report.is_valid(), "{:?}", report.violations);
        assert_eq!(report.objective, state.objective());
    }

    /// One morning of three slots, one table; `p` and `q` both between `a` and `b`, `q`
    /// pinned to the last slot when `pinned`, `p` to the first when `both`. With
    /// `max_wait_spread: 0`.
    fn uneven_pins(pinned: bool, both: bool) -> Problem {
        let pin = if pinned {
            r#", "fixed": {"slot": "s3"}"#
        } else {
            ""
        };
        let first = if both { r#", "fixed": {"slot": "s1"}"# } else { "" };
        Problem::from_json(&format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "s3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}}
              ],
              "rooms": [{{"id": "T1", "capacity": 2}}],
              "participants": [{{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}],
              "meetings": [
                {{"id": "p", "participants": ["a", "b"], "weight": 5{first}}},
                {{"id": "q", "participants": ["a", "b"], "weight": 5{pin}}}
              ],
              "penalties": {{"gap": 1}},
              "max_wait_spread": 0}}"#
        ))
        .unwrap()
    }

    fn uneven(pinned: bool) -> Problem {
        uneven_pins(pinned, false)
    }

    #[test]
    fn an_unfair_start_is_brought_within_the_rule() {
        // `p` at s1 and `q` at s3 (as a published timetable might have them): `a` and `b`
        // wait once, `c` never. Dropping either meeting evens it out.
        let problem = uneven(false);
        let model = Model::new(&problem);
        let mut state = State::new(&model);
        for (m, slot) in [(0, 0), (1, 2)] {
            let class = model.starts[m][slot].classes[0];
            state.place(m, Spot { slot, class });
        }
        assert!(!state.is_fair());
        repair_fairness(&mut state);
        assert!(state.is_fair());
        assert_eq!(state.spots.iter().flatten().count(), 1);
        // The greedy start then holds the other one where it keeps the rule.
        greedy(&mut state);
        assert!(state.is_fair());
        assert_eq!(state.spots.iter().flatten().count(), 2);
        let schedule = crate::rooms::assign_rooms(&model, &state.spots).unwrap();
        assert!(crate::check::evaluate(&problem, &schedule).is_valid());
    }

    #[test]
    fn a_pin_stays_when_an_unfair_start_is_repaired() {
        // `q` pinned to s3 with `p` at s1: `p` goes, the pin stays; the pins alone then
        // keep the rule. The solve holds both without a wait.
        let problem = uneven(true);
        let model = Model::new(&problem);
        let mut state = State::new(&model);
        place_pins(&mut state).unwrap();
        let class = model.starts[0][0].classes[0];
        state.place(0, Spot { slot: 0, class });
        repair_fairness(&mut state);
        assert!(state.is_fair());
        assert_eq!(state.spots[0], None);
        assert!(state.spots[1].is_some());
        let options = crate::SolveOptions {
            time_limit: std::time::Duration::from_secs(5),
            ..crate::SolveOptions::default()
        };
        let solution = crate::solve(&problem, &options, &mut |_| {});
        assert!(crate::check(&problem, &solution.to_doc(&problem)).is_valid());
        assert_eq!((solution.objective, solution.schedule.placed()), (10, 2));
    }

    #[test]
    fn pins_that_alone_break_the_rule_make_the_solve_infeasible() {
        // `p` pinned to s1 and `q` to s3: `a` and `b` wait once whatever else happens, and
        // `c`, without meetings, never. The solve says so; the checker accepts the claim.
        let problem = uneven_pins(true, true);
        let options = crate::SolveOptions {
            time_limit: std::time::Duration::from_secs(5),
            ..crate::SolveOptions::default()
        };
        let solution = crate::solve(&problem, &options, &mut |_| {});
        assert_eq!(solution.status, crate::Status::Infeasible);
        assert_eq!(solution.schedule.placed(), 0);
        let reasons: Vec<String> = solution.reasons.iter().map(|(_, r)| r.to_string()).collect();
        assert!(
            reasons.iter().all(|r| r.contains("max_wait_spread 0")),
            "{reasons:?}"
        );
        let report = crate::check(&problem, &solution.to_doc(&problem));
        assert!(report.is_valid(), "{:?}", report.violations);
    }
}
