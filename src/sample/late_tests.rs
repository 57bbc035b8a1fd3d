use std::time::Duration;

use rendezvous_solver::format::AssignmentDoc;
use rendezvous_solver::{SolveOptions, solve};

use super::*;
use crate::sample::{Expo, SampleSpec};

/// The `s` preset (300 participants, 1,200 meetings, 60 tables) and a short solve of it.
fn solved() -> (ProblemDoc, SolutionDoc) {
    let doc = Expo::generate(&SampleSpec::preset("s").unwrap())
        .unwrap()
        .to_problem_doc()
        .unwrap();
    let problem = Problem::try_from(doc.clone()).unwrap();
    let options = SolveOptions {
        time_limit: Duration::from_secs(1),
        ..SolveOptions::default()
    };
    let solution = solve(&problem, &options, &mut |_| {});
    (doc, solution.to_doc(&problem))
}

#[test]
fn a_batch_is_deterministic_per_seed_valid_and_of_the_asked_size() {
    let (doc, solution) = solved();
    let spec = LateSpec::default();
    let (late, changes) = late_changes(&doc, &solution, &spec).unwrap();
    let (again, _) = late_changes(&doc, &solution, &spec).unwrap();
    assert_eq!(
        serde_json::to_string(&late).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    let (other, _) = late_changes(&doc, &solution, &LateSpec { seed: 2, ..spec }).unwrap();
    assert_ne!(late, other);

    // 1 % of 300 participants, of 60 tables, of 1,200 meetings.
    assert_eq!(changes.participants.len(), 3);
    assert_eq!(changes.rooms.len(), 1);
    assert_eq!(changes.new_meetings.len(), 12);
    assert_eq!(late.meetings.len(), 1_212);
    assert_eq!(LateChanges::between(&doc, &late), changes);

    let problem = Problem::try_from(late.clone()).unwrap();
    // Each participant is away for exactly one more whole session.
    for id in &changes.participants {
        let p = problem.participants.iter().position(|p| &p.id == id).unwrap();
        let before = doc.participants.iter().find(|q| &q.id == id).unwrap();
        let gained: Vec<usize> = problem.participants[p]
            .unavailable
            .iter()
            .copied()
            .filter(|&t| !before.unavailable.contains(&problem.slots[t].id))
            .collect();
        assert!(!gained.is_empty(), "{id}");
        let session = problem.slots[gained[0]].session;
        assert!(
            gained.iter().all(|&t| problem.slots[t].session == session),
            "{id}"
        );
        let all: Vec<usize> = problem.sessions[session].slots.clone().collect();
        assert!(
            all.iter()
                .all(|t| problem.participants[p].unavailable.contains(t)),
            "{id}"
        );
    }
    // A broken table is unavailable everywhere and is a plain table.
    for id in &changes.rooms {
        let room = problem.rooms.iter().find(|r| &r.id == id).unwrap();
        assert_eq!(room.unavailable.len(), problem.slots.len());
        assert!(room.features.is_empty());
    }
    // The published timetable is the solution; new meetings have no place yet.
    let placed: HashMap<&str, &AssignmentDoc> = solution
        .assignments
        .iter()
        .map(|a| (a.meeting.as_str(), a))
        .collect();
    for meeting in &late.meetings {
        match (placed.get(meeting.id.as_str()), &meeting.current) {
            (Some(a), Some(c)) => assert_eq!((&a.slot, &a.room), (&c.slot, &c.room)),
            (None, None) => {}
            other => panic!("{}: {other:?}", meeting.id),
        }
        if changes.new_meetings.contains(&meeting.id) {
            assert!(
                meeting
                    .participants
                    .iter()
                    .all(|p| doc.participants.iter().any(|q| &q.id == p))
            );
            assert!(!changes.untouched(meeting));
        }
    }
    let untouched = late.meetings.iter().filter(|m| changes.untouched(m)).count();
    assert!(untouched > 0 && untouched < solution.assignments.len());
}

#[test]
fn bad_input_names_the_field() {
    let (doc, mut solution) = solved();
    let err = late_changes(
        &doc,
        &solution,
        &LateSpec {
            share_percent: 0.0,
            ..LateSpec::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field, "share");
    let err = late_changes(
        &doc,
        &solution,
        &LateSpec {
            share_percent: f64::NAN,
            ..LateSpec::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field, "share");
    solution.assignments[1].room = "nowhere".into();
    let err = late_changes(&doc, &solution, &LateSpec::default()).unwrap_err();
    assert_eq!(err.field, "solution.assignments[1].room");
    solution.assignments[0].meeting = "m-unknown".into();
    let err = late_changes(&doc, &solution, &LateSpec::default()).unwrap_err();
    assert_eq!(err.field, "solution.assignments[0].meeting");
}

/// Every published meeting of `late` that `solution` moved or dropped either cannot go
/// back (its place is taken or impossible now) or would lower the objective there, as the
/// independent checker scores it; returns how many untouched meetings moved.
fn moves_that_pay(late: &ProblemDoc, changes: &LateChanges, solution: &rendezvous_solver::Solution) -> usize {
    let problem = Problem::try_from(late.clone()).unwrap();
    let report = rendezvous_solver::evaluate(&problem, &solution.schedule);
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(report.objective, solution.objective);
    let mut moved_untouched = 0;
    for (m, meeting) in problem.meetings.iter().enumerate() {
        let Some(current) = meeting.current else { continue };
        if solution.schedule.placements[m] == Some(current) {
            continue;
        }
        if changes.untouched(&late.meetings[m]) {
            moved_untouched += 1;
        }
        let mut back = solution.schedule.clone();
        back.placements[m] = Some(current);
        let restored = rendezvous_solver::evaluate(&problem, &back);
        assert!(
            !restored.is_valid() || restored.objective <= report.objective,
            "{} could go back to its published place and raise the objective from {} to {}",
            meeting.id,
            report.objective,
            restored.objective
        );
    }
    moved_untouched
}

#[test]
fn a_warm_re_solve_moves_only_what_pays() {
    let (doc, solution) = solved();
    let (late, changes) = late_changes(&doc, &solution, &LateSpec::default()).unwrap();
    let problem = Problem::try_from(late.clone()).unwrap();
    let options = SolveOptions {
        time_limit: Duration::from_secs(3),
        ..SolveOptions::default()
    };
    let warm = solve(&problem, &options, &mut |_| {});
    let document = rendezvous_solver::check(&problem, &warm.to_doc(&problem));
    assert!(document.is_valid(), "{:?}", document.violations);
    let moved = moves_that_pay(&late, &changes, &warm);
    let untouched = late.meetings.iter().filter(|m| changes.untouched(m)).count();
    // The target: at most 1 % of the untouched meetings move.
    assert!(
        moved * 100 <= untouched,
        "{moved} of {untouched} untouched meetings moved"
    );
    // The published timetable less what the batch touched is a valid schedule; the warm
    // start holds it and more, and the search keeps only better schedules.
    let mut kept = rendezvous_solver::Schedule::empty(&problem);
    for (m, meeting) in problem.meetings.iter().enumerate() {
        kept.placements[m] = meeting.current.filter(|_| changes.untouched(&late.meetings[m]));
    }
    let floor = rendezvous_solver::evaluate(&problem, &kept);
    assert!(floor.is_valid(), "{:?}", floor.violations);
    assert!(
        warm.objective >= floor.objective,
        "{} < {}",
        warm.objective,
        floor.objective
    );
    let new_placed = problem
        .meetings
        .iter()
        .enumerate()
        .filter(|(m, meeting)| {
            changes.new_meetings.contains(&meeting.id) && warm.schedule.placements[*m].is_some()
        })
        .count();
    assert!(new_placed > 0, "no new meeting placed");
}
