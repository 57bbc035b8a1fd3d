//! The warm start of a re-solve: a problem whose meetings carry `current` places (a
//! published timetable) starts from them, so a batch of late changes moves only what it
//! must. Every move of a published meeting costs `penalties.move`; the searches after this
//! see that cost, and [`restore_current`] undoes, at the end, every move that bought
//! nothing.

use crate::model::Model;
use crate::problem::MeetingIx;
use crate::state::{Spot, State};

/// Whether `problem` is a re-solve: some meeting has a published place.
pub(crate) fn is_warm(model: &Model) -> bool {
    model.problem.meetings.iter().any(|m| m.current.is_some())
}

/// What [`place_current`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WarmStart {
    /// Meetings put back exactly where they are published.
    pub kept: usize,
    /// Meetings kept in their slot but given another room class (theirs is out of use
    /// there now, or full).
    pub reseated: usize,
    /// Published meetings left for the greedy start (their slot is no longer possible).
    pub displaced: usize,
}

/// Places every unpinned published meeting whose `current` place is still possible, in
/// meeting order; then those whose room class is not, at the same slot in the smallest
/// fitting class with a free room. The rest (a participant is away now, the slot is full,
/// holding it there would lower the objective) are left to the greedy start. Call after
/// the pins.
pub(crate) fn place_current(state: &mut State) -> WarmStart {
    let model = state.model;
    let problem = model.problem;
    let mut done = WarmStart::default();
    let mut later = Vec::new();
    for m in 0..problem.meetings.len() {
        if problem.meetings[m].fixed.is_some() || state.spots[m].is_some() {
            continue;
        }
        let Some((slot, class)) = model.current_class(m) else {
            continue;
        };
        let spot = Spot { slot, class };
        if is_start(model, m, spot) && state.can_place(m, spot) {
            if place_if_it_pays(state, m, spot) {
                done.kept += 1;
            } else {
                done.displaced += 1;
            }
        } else {
            later.push(m);
        }
    }
    for m in later {
        let Some((slot, _)) = model.current_class(m) else {
            continue;
        };
        let seat = model.starts[m]
            .binary_search_by_key(&slot, |s| s.slot)
            .ok()
            .and_then(|ix| {
                model.starts[m][ix]
                    .classes
                    .iter()
                    .map(|&class| Spot { slot, class })
                    .find(|&s| state.can_place(m, s))
            });
        match seat {
            Some(spot) if place_if_it_pays(state, m, spot) => done.reseated += 1,
            _ => done.displaced += 1,
        }
    }
    done
}

/// Places `m` at `spot` (the caller checked [`State::can_place`]) when that raises the
/// objective, as the greedy start would: a meeting whose waits cost more than it brings
/// is left to the searches.
fn place_if_it_pays(state: &mut State, m: MeetingIx, spot: Spot) -> bool {
    let before = state.objective();
    state.place(m, spot);
    if state.objective() > before {
        return true;
    }
    state.remove(m);
    false
}

/// Whether `spot` is a feasible start of `m` with nothing else scheduled.
fn is_start(model: &Model, m: MeetingIx, spot: Spot) -> bool {
    model.starts[m]
        .binary_search_by_key(&spot.slot, |s| s.slot)
        .is_ok_and(|ix| model.starts[m][ix].classes.contains(&spot.class))
}

/// Puts back at its published place every meeting that is elsewhere (or left out) when
/// that place is free and putting it back raises the objective, until none does. After
/// this, a published meeting is away from its place only when the place is taken or
/// when going back would not pay. Returns how many went back.
pub(crate) fn restore_current(state: &mut State) -> usize {
    let model = state.model;
    let problem = model.problem;
    let mut restored = 0;
    loop {
        let mut changed = false;
        for m in 0..problem.meetings.len() {
            if problem.meetings[m].fixed.is_some() {
                continue;
            }
            let Some((slot, class)) = model.current_class(m) else {
                continue;
            };
            let home = Spot { slot, class };
            if state.spots[m] == Some(home) || !is_start(model, m, home) {
                continue;
            }
            let before = state.objective();
            let away = state.remove(m);
            if state.can_place(m, home) {
                state.place(m, home);
                if state.objective() > before {
                    restored += 1;
                    changed = true;
                    continue;
                }
                state.remove(m);
            }
            if let Some(spot) = away {
                state.place(m, spot);
            }
        }
        if !changed {
            return restored;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    /// Two slots, two tables; `a` is published in s1 at T1 and `b` in s2 at T2, but `x`
    /// (in `a`) is away in s1 now.
    fn problem() -> Problem {
        Problem::from_json(
            r#"{"format": "rendezvous-problem/1",
              "slots": [
                {"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
                {"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}
              ],
              "rooms": [{"id": "T1", "capacity": 2}, {"id": "T2", "capacity": 2, "unavailable": ["s1"]}],
              "participants": [{"id": "x", "unavailable": ["s1"]}, {"id": "y"}, {"id": "z"}],
              "meetings": [
                {"id": "a", "participants": ["x", "y"], "weight": 10, "current": {"slot": "s1", "room": "T1"}},
                {"id": "b", "participants": ["z", "y"], "weight": 10, "current": {"slot": "s2", "room": "T2"}}
              ],
              "penalties": {"move": 5}}"#,
        )
        .unwrap()
    }

    #[test]
    fn possible_places_are_kept_and_impossible_ones_left_to_the_greedy_start() {
        let problem = problem();
        let model = Model::new(&problem);
        assert!(is_warm(&model));
        let mut state = State::new(&model);
        let done = place_current(&mut state);
        assert_eq!(
            done,
            WarmStart {
                kept: 1,
                reseated: 0,
                displaced: 1
            }
        );
        assert!(state.spots[0].is_none());
        assert_eq!(
            state.spots[1],
            model.current_class(1).map(|(slot, class)| Spot { slot, class })
        );
        // One of two published meetings is away from its place: 10 - 5.
        assert_eq!(state.objective(), 5);
    }

    #[test]
    fn a_move_that_buys_nothing_is_undone() {
        let problem = problem();
        let model = Model::new(&problem);
        let mut state = State::new(&model);
        // `b` moved to s1 at T1 for no gain: back to s2 raises the objective by `move`.
        let (_, t1) = model.current_class(0).unwrap();
        state.place(1, Spot { slot: 0, class: t1 });
        let before = state.objective();
        assert_eq!(restore_current(&mut state), 1);
        assert_eq!(state.objective(), before + 5);
        // `a` cannot go back: x is away in s1.
        assert!(state.spots[0].is_none());
        assert_eq!(restore_current(&mut state), 0);
    }
}
