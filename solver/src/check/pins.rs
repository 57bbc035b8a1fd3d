//! Whether the organiser's pins can be held together (to check an `infeasible` claim).

use std::collections::HashMap;
use std::ops::Range;

use crate::problem::{MeetingIx, Placement, Problem, RoomIx, SlotIx};

use super::grid::Grid;
use super::rules::check_placement;

/// Whether the pinned meetings can be held together.
pub(super) enum PinSearch {
    /// They can, for example like this.
    Fit(Vec<(MeetingIx, Placement)>),
    /// They cannot: some rule of 1–5 breaks among them whatever the rooms.
    Contradict,
    /// The search gave up before deciding (a huge number of room choices).
    Undecided,
}

/// Room choices tried before [`place_pins`] gives up.
const PIN_SEARCH_BUDGET: u64 = 1_000_000;

/// Looks for rooms that let every pinned meeting be held at its pinned slot (and room).
pub(super) fn place_pins(problem: &Problem, grid: &Grid) -> PinSearch {
    let mut pinned: Vec<(MeetingIx, Range<SlotIx>, Vec<Placement>)> = Vec::new();
    let mut participant_at: HashMap<(usize, SlotIx), MeetingIx> = HashMap::new();
    let mut pins_of = vec![0u32; problem.participants.len()];
    for (m, meeting) in problem.meetings.iter().enumerate() {
        let Some(pin) = meeting.fixed else { continue };
        let rooms: Vec<RoomIx> = match pin.room {
            Some(room) => vec![room],
            None => (0..problem.rooms.len()).collect(),
        };
        // Rooms where the meeting breaks no rule on its own.
        let mut occupied = pin.slot..pin.slot;
        let fits: Vec<Placement> = rooms
            .into_iter()
            .map(|room| Placement { slot: pin.slot, room })
            .filter(|&p| {
                let mut found = Vec::new();
                occupied = check_placement(problem, grid, m, p, &mut found);
                found.is_empty()
            })
            .collect();
        if fits.is_empty() {
            return PinSearch::Contradict;
        }
        // Participants' clashes and quotas do not depend on rooms.
        for &p in &meeting.participants {
            pins_of[p] += 1;
            if problem.participants[p]
                .max_meetings
                .is_some_and(|max| pins_of[p] > max)
            {
                return PinSearch::Contradict;
            }
            for s in occupied.clone() {
                if participant_at.insert((p, s), m).is_some() {
                    return PinSearch::Contradict;
                }
            }
        }
        pinned.push((m, occupied, fits));
    }
    // Only rooms remain to choose: depth-first, fewest choices first.
    pinned.sort_by_key(|(m, _, fits)| (fits.len(), *m));
    let mut room_at: HashMap<(RoomIx, SlotIx), MeetingIx> = HashMap::new();
    let mut chosen: Vec<(MeetingIx, Placement)> = Vec::with_capacity(pinned.len());
    let mut budget = PIN_SEARCH_BUDGET;

    type Pinned = (MeetingIx, Range<SlotIx>, Vec<Placement>);
    fn choose_rooms(
        pinned: &[Pinned],
        room_at: &mut HashMap<(RoomIx, SlotIx), MeetingIx>,
        chosen: &mut Vec<(MeetingIx, Placement)>,
        budget: &mut u64,
    ) -> Option<bool> {
        let Some(((m, occupied, fits), rest)) = pinned.split_first() else {
            return Some(true);
        };
        for &p in fits {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            if occupied.clone().any(|s| room_at.contains_key(&(p.room, s))) {
                continue;
            }
            for s in occupied.clone() {
                room_at.insert((p.room, s), *m);
            }
            chosen.push((*m, p));
            if choose_rooms(rest, room_at, chosen, budget)? {
                return Some(true);
            }
            chosen.pop();
            for s in occupied.clone() {
                room_at.remove(&(p.room, s));
            }
        }
        Some(false)
    }
    match choose_rooms(&pinned, &mut room_at, &mut chosen, &mut budget) {
        Some(true) => {
            chosen.sort();
            PinSearch::Fit(chosen)
        }
        Some(false) => PinSearch::Contradict,
        None => PinSearch::Undecided,
    }
}
