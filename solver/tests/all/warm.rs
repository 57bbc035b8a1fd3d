//! The warm re-solve: a published timetable (`current`) and a few late changes, solved
//! again and judged by the independent checker.

use std::time::Duration;

use rendezvous_solver::format::{MeetingDoc, PlacementDoc};
use rendezvous_solver::{Problem, ProblemDoc, Solution, SolveOptions, check, evaluate, solve};

fn options(seconds: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(seconds),
        ..SolveOptions::default()
    }
}

/// pub-tiny solved, its solution published as `current`, then: the first published
/// meeting's first participant away for that whole day, the room of the second published
/// meeting out of use, and one new meeting. Returns the late problem and which meetings
/// are untouched (published, participants and room unchanged).
fn late_tiny() -> (ProblemDoc, Vec<bool>) {
    let text = include_str!("../data/pub-tiny.json");
    let problem = Problem::from_json(text).unwrap();
    let solution = solve(&problem, &options(2), &mut |_| {});
    let mut doc: ProblemDoc = serde_json::from_str(text).unwrap();
    for (meeting, placement) in doc.meetings.iter_mut().zip(&solution.schedule.placements) {
        meeting.current = placement.map(|p| PlacementDoc {
            slot: problem.slots[p.slot].id.clone(),
            room: problem.rooms[p.room].id.clone(),
        });
    }
    let published: Vec<usize> = (0..doc.meetings.len())
        .filter(|&m| doc.meetings[m].current.is_some())
        .collect();
    let away = doc.meetings[published[0]].participants[0].clone();
    let day = doc.meetings[published[0]].current.as_ref().unwrap().slot[..2].to_string();
    let day_slots: Vec<String> = doc
        .slots
        .iter()
        .filter(|s| s.id.starts_with(&day))
        .map(|s| s.id.clone())
        .collect();
    let participant = doc.participants.iter_mut().find(|p| p.id == away).unwrap();
    participant.unavailable.extend(day_slots);
    participant.unavailable.sort();
    participant.unavailable.dedup();
    let broken = doc.meetings[published[1]].current.as_ref().unwrap().room.clone();
    let all_slots: Vec<String> = doc.slots.iter().map(|s| s.id.clone()).collect();
    doc.rooms.iter_mut().find(|r| r.id == broken).unwrap().unavailable = all_slots;
    // Between the two one-seat participants with the fewest meetings, so that it fits.
    let mut quiet: Vec<(usize, String)> = doc
        .participants
        .iter()
        .filter(|p| p.size == 1 && p.id != away)
        .map(|p| {
            (
                doc.meetings
                    .iter()
                    .filter(|m| m.participants.contains(&p.id))
                    .count(),
                p.id.clone(),
            )
        })
        .collect();
    quiet.sort();
    let (a, b) = (quiet[0].1.clone(), quiet[1].1.clone());
    doc.meetings.push(MeetingDoc {
        id: "late-1".into(),
        participants: vec![a, b],
        duration: 1,
        weight: 40,
        features: Vec::new(),
        allowed_slots: None,
        fixed: None,
        current: None,
    });
    let untouched = doc
        .meetings
        .iter()
        .map(|m| m.current.as_ref().is_some_and(|c| c.room != broken) && !m.participants.contains(&away))
        .collect();
    (doc, untouched)
}

/// Every published meeting the solution moved or dropped cannot go back (its place is
/// taken or impossible now) or would lower the objective there. Returns how many of the
/// untouched ones moved.
fn assert_moves_pay(problem: &Problem, solution: &Solution, untouched: &[bool]) -> usize {
    let report = evaluate(problem, &solution.schedule);
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(report.objective, solution.objective);
    let document = check(problem, &solution.to_doc(problem));
    assert!(document.is_valid(), "{:?}", document.violations);
    let mut moved = 0;
    for (m, meeting) in problem.meetings.iter().enumerate() {
        let Some(current) = meeting.current else { continue };
        if solution.schedule.placements[m] == Some(current) {
            continue;
        }
        moved += usize::from(untouched[m]);
        let mut back = solution.schedule.clone();
        back.placements[m] = Some(current);
        let restored = evaluate(problem, &back);
        assert!(
            !restored.is_valid() || restored.objective <= report.objective,
            "{} could go back and raise the objective from {} to {}",
            meeting.id,
            report.objective,
            restored.objective
        );
    }
    moved
}

#[test]
fn a_warm_re_solve_keeps_the_published_places_that_still_hold() {
    let (doc, untouched) = late_tiny();
    let problem = Problem::try_from(doc).unwrap();
    let solution = solve(&problem, &options(2), &mut |_| {});
    let moved = assert_moves_pay(&problem, &solution, &untouched);
    let stats = &solution.stats;
    // Every untouched meeting's place is still possible; the warm start kept them all.
    let kept = untouched.iter().filter(|&&u| u).count();
    assert!(stats.warm_kept.is_some_and(|k| k >= kept), "{stats:?}");
    assert!(stats.warm_restored.is_some(), "{stats:?}");
    // The new meeting is between two participants with free slots: it is held.
    assert!(solution.schedule.placements[problem.meetings.len() - 1].is_some());
    assert!(moved <= 2, "{moved} of {kept} untouched meetings moved");
}

#[test]
fn a_re_solve_with_nothing_changed_moves_only_what_pays() {
    let (mut doc, _) = late_tiny();
    let original: ProblemDoc = serde_json::from_str(include_str!("../data/pub-tiny.json")).unwrap();
    // The published timetable on the unchanged problem.
    doc.rooms = original.rooms;
    doc.participants = original.participants;
    doc.meetings.pop();
    let published: Vec<bool> = doc.meetings.iter().map(|m| m.current.is_some()).collect();
    let problem = Problem::try_from(doc).unwrap();
    let mut as_published = rendezvous_solver::Schedule::empty(&problem);
    for (m, meeting) in problem.meetings.iter().enumerate() {
        as_published.placements[m] = meeting.current;
    }
    let before = evaluate(&problem, &as_published);
    assert!(before.is_valid(), "{:?}", before.violations);
    let solution = solve(&problem, &options(2), &mut |_| {});
    assert_moves_pay(&problem, &solution, &published);
    assert!(solution.objective >= before.objective);
}
