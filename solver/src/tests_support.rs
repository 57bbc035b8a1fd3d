//! A blunt validity check for the solver's own unit tests (the independent checker in
//! `check.rs` is the authority; this one only guards the modules while they are built).

use crate::problem::Problem;
use crate::solution::Schedule;

/// Panics with the first hard rule the schedule breaks.
pub(crate) fn assert_valid(problem: &Problem, schedule: &Schedule) {
    let slots = problem.slots.len();
    let mut participant_busy = vec![None; problem.participants.len() * slots];
    let mut room_busy = vec![None; problem.rooms.len() * slots];
    let mut held = vec![0u32; problem.participants.len()];
    for (m, placement) in schedule.placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if let Some(pin) = meeting.fixed {
            let p = placement.unwrap_or_else(|| panic!("pinned {} not placed", meeting.id));
            assert_eq!(p.slot, pin.slot, "pinned {} moved", meeting.id);
            assert!(
                pin.room.is_none_or(|r| r == p.room),
                "pinned {} changed room",
                meeting.id
            );
        }
        let Some(p) = placement else { continue };
        let occupied = problem
            .occupied_slots(m, p.slot)
            .unwrap_or_else(|| panic!("{} crosses a session", meeting.id));
        assert!(
            problem.room_fits(m, p.room),
            "{} does not fit its room",
            meeting.id
        );
        for t in occupied {
            if let Some(allowed) = &meeting.allowed_slots {
                assert!(allowed.contains(&t), "{} outside allowed slots", meeting.id);
            }
            assert!(
                !problem.rooms[p.room].unavailable.contains(&t),
                "{} in an unavailable room",
                meeting.id
            );
            let room = &mut room_busy[p.room * slots + t];
            assert!(room.is_none(), "{} and {:?} share a room", meeting.id, room);
            *room = Some(m);
            for &q in &meeting.participants {
                assert!(
                    !problem.participants[q].unavailable.contains(&t),
                    "{} when a participant is away",
                    meeting.id
                );
                let cell = &mut participant_busy[q * slots + t];
                assert!(
                    cell.is_none(),
                    "{} overlaps {:?} for a participant",
                    meeting.id,
                    cell
                );
                *cell = Some(m);
            }
        }
        for &q in &meeting.participants {
            held[q] += 1;
            if let Some(cap) = problem.participants[q].max_meetings {
                assert!(held[q] <= cap, "{} over max_meetings", problem.participants[q].id);
            }
        }
    }
}
