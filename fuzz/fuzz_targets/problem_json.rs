//! The problem parser and its validation: any text is a problem or an `InputError`, never
//! a panic, and what it accepts holds together (every index it hands out is in range).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rendezvous_solver::{Problem, Schedule, evaluate, pin_conflicts};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(problem) = Problem::from_json(text) else {
        return;
    };
    for (m, meeting) in problem.meetings.iter().enumerate() {
        assert!(
            meeting
                .participants
                .iter()
                .all(|&p| p < problem.participants.len())
        );
        for first in [0, problem.slots.len().saturating_sub(1)] {
            if let Some(slots) = problem.occupied_slots(m, first) {
                assert!(slots.end <= problem.slots.len());
            }
        }
        problem.seats_needed(m);
        for r in 0..problem.rooms.len() {
            problem.room_fits(m, r);
        }
    }
    // The checker over the empty schedule, which breaks no rule unless a meeting is pinned;
    // and the pins' own feasibility test.
    let report = evaluate(&problem, &Schedule::empty(&problem));
    if problem.meetings.iter().all(|m| m.fixed.is_none()) {
        assert!(
            report.is_valid(),
            "the empty schedule breaks {:?}",
            report.violations
        );
    }
    pin_conflicts(&problem);
});
