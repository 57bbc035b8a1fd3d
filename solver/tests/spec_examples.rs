//! The examples of `spec/solver-format.md`, as tests (the dangling slot id of the problem
//! example is tested in `problem.rs`; the idle/gap examples in `check/tests/objective.rs`).

use rendezvous_solver::{Placement, Problem, Schedule, Status, check, evaluate, parse_solution};

/// The spec's problem example, completed with the slots and participant it refers to.
const PROBLEM: &str = r#"{
  "format": "rendezvous-problem/1",
  "name": "Smart City Expo Casablanca — B2B",
  "timezone": "Africa/Casablanca",
  "slots": [
    {"id": "d1-1000", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
    {"id": "d1-1020", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"},
    {"id": "d2-1640", "start": "2027-04-18T16:40:00+01:00", "end": "2027-04-18T17:00:00+01:00"}
  ],
  "rooms": [
    {"id": "T001", "capacity": 2, "features": [], "unavailable": []},
    {"id": "R01", "capacity": 10, "features": ["interpretation", "video"], "unavailable": ["d2-1640"]}
  ],
  "participants": [
    {"id": "bkk", "size": 5, "unavailable": [], "max_meetings": 10},
    {"id": "acme"}
  ],
  "meetings": [
    {"id": "m1", "participants": ["bkk", "acme"], "duration": 2, "weight": 50,
     "features": ["interpretation"], "allowed_slots": null, "fixed": null, "current": null}
  ],
  "penalties": {"idle_slot": 1, "gap": 0, "move": 20}
}"#;

#[test]
fn the_problem_example_parses_once_complete() {
    let problem = Problem::from_json(PROBLEM).unwrap();
    assert_eq!(problem.sessions.len(), 2);
    assert_eq!(problem.seats_needed(0), 6);
    assert!(!problem.room_fits(0, 0));
    assert!(problem.room_fits(0, 1));
    assert_eq!(problem.occupied_slots(0, 0), Some(0..2));

    let mut schedule = Schedule::empty(&problem);
    schedule.placements[0] = Some(Placement { slot: 0, room: 1 });
    let report = evaluate(&problem, &schedule);
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(report.objective, 50);
}

#[test]
fn the_solution_example_has_the_documented_shape() {
    let solution = parse_solution(
        r#"{
          "format": "rendezvous-solution/1",
          "status": "optimal",
          "objective": 12345,
          "bound": 12390,
          "assignments": [{"meeting": "m1", "slot": "d1-1000", "room": "R01"}],
          "unscheduled": [{"meeting": "m7", "reason": "acme has no free slot left"}]
        }"#,
    )
    .unwrap();
    assert_eq!(solution.status, Status::Optimal);
    assert_eq!(solution.assignments.len(), 1);
    assert_eq!(solution.unscheduled[0].reason, "acme has no free slot left");

    // Against the completed problem the example breaks the status rule (optimal needs
    // objective == bound), names an unknown meeting, and claims the wrong objective.
    let report = check(&Problem::from_json(PROBLEM).unwrap(), &solution);
    let lines: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            r#"unscheduled[0] names unknown meeting "m7""#,
            r#"status is "optimal" but objective 12345 differs from bound 12390"#,
            "claimed objective 12345 differs from the recomputed 50",
        ]
    );
}

#[test]
fn stats_are_accepted_in_a_solution() {
    let solution = parse_solution(
        r#"{"format": "rendezvous-solution/1", "status": "feasible", "objective": 50, "bound": null,
            "assignments": [{"meeting": "m1", "slot": "d1-1000", "room": "R01"}], "unscheduled": [],
            "stats": {"seconds": 0.2, "peak_rss_mib": 12.5}}"#,
    )
    .unwrap();
    assert!(check(&Problem::from_json(PROBLEM).unwrap(), &solution).is_valid());
}

#[test]
fn text_after_a_document_is_an_error() {
    let err = Problem::from_json(&format!("{PROBLEM} {{}}")).unwrap_err();
    assert!(err.message.contains("trailing"), "{err}");
    let err = parse_solution(
        r#"{"format": "rendezvous-solution/1", "status": "feasible", "objective": 0, "bound": null,
            "assignments": [], "unscheduled": []} x"#,
    )
    .unwrap_err();
    assert!(err.message.contains("trailing"), "{err}");
}
