//! The checker's tests and the problem they share: each rule broken on purpose
//! (`rules`), the objective's examples (`objective`), documents and their claims
//! (`document`), the fairness rule on its own (`fairness`).

mod document;
mod fairness;
mod objective;
mod rules;

use super::*;
use crate::format::{SOLUTION_FORMAT, Status};

/// Morning a1–a5 and afternoon b1–b2 of day 1, morning c1–c2 of day 2.
pub(super) fn problem_with(meetings: &str, penalties: &str) -> Problem {
    let text = format!(
        r#"{{"format": "rendezvous-problem/1",
          "slots": [
            {{"id": "a1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
            {{"id": "a2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
            {{"id": "a3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}},
            {{"id": "a4", "start": "2027-04-17T11:00:00+01:00", "end": "2027-04-17T11:20:00+01:00"}},
            {{"id": "a5", "start": "2027-04-17T11:20:00+01:00", "end": "2027-04-17T11:40:00+01:00"}},
            {{"id": "b1", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}},
            {{"id": "b2", "start": "2027-04-17T14:20:00+01:00", "end": "2027-04-17T14:40:00+01:00"}},
            {{"id": "c1", "start": "2027-04-18T10:00:00+01:00", "end": "2027-04-18T10:20:00+01:00"}},
            {{"id": "c2", "start": "2027-04-18T10:20:00+01:00", "end": "2027-04-18T10:40:00+01:00"}}
          ],
          "rooms": [
            {{"id": "T1", "capacity": 2}},
            {{"id": "T2", "capacity": 2, "unavailable": ["a3"]}},
            {{"id": "R1", "capacity": 6, "features": ["interpretation", "video"]}}
          ],
          "participants": [
            {{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}, {{"id": "d", "size": 5}},
            {{"id": "e", "unavailable": ["a2"]}}, {{"id": "f", "max_meetings": 1}}
          ],
          "meetings": {meetings},
          "penalties": {penalties}}}"#
    );
    Problem::from_json(&text).unwrap()
}

pub(super) fn base() -> Problem {
    problem_with(
        r#"[
          {"id": "m1", "participants": ["a", "b"], "weight": 10},
          {"id": "m2", "participants": ["a", "c"], "weight": 5},
          {"id": "m3", "participants": ["b", "c"], "weight": 7, "duration": 2},
          {"id": "m4", "participants": ["d", "a"], "weight": 4},
          {"id": "m5", "participants": ["a", "b"], "weight": 3, "features": ["video"]},
          {"id": "m6", "participants": ["e", "c"], "weight": 2},
          {"id": "m7", "participants": ["a", "b"], "weight": 1, "allowed_slots": ["b1", "b2"]},
          {"id": "m8", "participants": ["f", "a"], "weight": 1},
          {"id": "m9", "participants": ["f", "b"], "weight": 1}
        ]"#,
        r#"{"idle_slot": 1, "gap": 10}"#,
    )
}

/// A schedule holding each listed meeting at (slot, room), by id.
pub(super) fn schedule(problem: &Problem, placed: &[(&str, &str, &str)]) -> Schedule {
    let mut schedule = Schedule::empty(problem);
    for &(m, slot, room) in placed {
        schedule.placements[problem.meeting_index(m).unwrap()] = Some(Placement {
            slot: problem.slot_index(slot).unwrap(),
            room: problem.room_index(room).unwrap(),
        });
    }
    schedule
}

pub(super) fn lines(report: &CheckReport) -> Vec<String> {
    report.violations.iter().map(ToString::to_string).collect()
}

/// Exactly one violation, returned for a closer look.
pub(super) fn only(report: CheckReport) -> Violation {
    assert_eq!(report.violations.len(), 1, "{:#?}", lines(&report));
    report.violations.into_iter().next().unwrap()
}

pub(super) fn pinned() -> Problem {
    problem_with(
        r#"[
          {"id": "m1", "participants": ["a", "b"], "weight": 10, "fixed": {"slot": "a2", "room": "T1"}},
          {"id": "m2", "participants": ["a", "c"], "weight": 5, "fixed": {"slot": "a3"}},
          {"id": "m3", "participants": ["b", "c"], "weight": 5}
        ]"#,
        "{}",
    )
}

pub(super) fn published() -> Problem {
    problem_with(
        r#"[
          {"id": "m1", "participants": ["a", "b"], "weight": 10, "current": {"slot": "a1", "room": "T1"}},
          {"id": "m2", "participants": ["c", "e"], "weight": 10, "current": {"slot": "a1", "room": "T2"}},
          {"id": "m3", "participants": ["a", "c"], "weight": 10, "current": {"slot": "b1", "room": "T1"}},
          {"id": "m4", "participants": ["b", "c"], "weight": 10}
        ]"#,
        r#"{"move": 20}"#,
    )
}
