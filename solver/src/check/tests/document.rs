//! Solution documents: shape, status claims, `infeasible`, parsing; `evaluate` on bad input.

use super::*;
use crate::format::{AssignmentDoc, UnscheduledDoc};

pub(super) fn doc(
    problem: &Problem,
    schedule: &Schedule,
    status: Status,
    objective: i64,
    bound: Option<i64>,
) -> SolutionDoc {
    let mut doc = SolutionDoc {
        format: SOLUTION_FORMAT.into(),
        status,
        objective,
        bound,
        assignments: Vec::new(),
        unscheduled: Vec::new(),
        stats: None,
    };
    for (m, placement) in schedule.placements.iter().enumerate() {
        let meeting = problem.meetings[m].id.clone();
        match placement {
            Some(p) => doc.assignments.push(AssignmentDoc {
                meeting,
                slot: problem.slots[p.slot].id.clone(),
                room: problem.rooms[p.room].id.clone(),
            }),
            None => doc.unscheduled.push(UnscheduledDoc {
                meeting,
                reason: "no room".into(),
                cause: None,
            }),
        }
    }
    doc
}

#[test]
fn a_document_is_checked_like_its_schedule() {
    let p = published();
    let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
    let report = check(&p, &doc(&p, &s, Status::Optimal, 30, Some(30)));
    assert!(report.is_valid(), "{:#?}", lines(&report));
    assert_eq!(
        report,
        CheckReport {
            violations: Vec::new(),
            ..evaluate(&p, &s)
        }
    );

    let clash = schedule(&p, &[("m1", "a1", "T1"), ("m3", "a1", "T2")]);
    let report = check(&p, &doc(&p, &clash, Status::Feasible, -20, None));
    assert_eq!(
        lines(&report),
        [r#"participant "a" is in meetings "m1" and "m3" at slot "a1""#]
    );
    assert_eq!(report.objective, 20 - 2 * 20);
}

#[test]
fn the_document_shape_is_checked_by_id() {
    let p = published();
    let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
    let mut d = doc(&p, &s, Status::Feasible, 30, None);
    d.format = "rendezvous-solution/0".into();
    d.assignments[0].slot = "z9".into();
    d.assignments[1].room = "Z9".into();
    d.assignments.push(AssignmentDoc {
        meeting: "m3".into(),
        slot: "c1".into(),
        room: "T1".into(),
    });
    d.assignments.push(AssignmentDoc {
        meeting: "ghost".into(),
        slot: "a1".into(),
        room: "T1".into(),
    });
    d.unscheduled.clear();
    d.unscheduled.push(UnscheduledDoc {
        meeting: "phantom".into(),
        reason: String::new(),
        cause: None,
    });
    let report = check(&p, &d);
    let lines = lines(&report);
    let expected = [
        r#"format is "rendezvous-solution/0", expected "rendezvous-solution/1""#,
        r#"meeting "m1" is assigned to unknown slot "z9""#,
        r#"meeting "m2" is assigned to unknown room "Z9""#,
        r#"assignments[4] names unknown meeting "ghost""#,
        r#"unscheduled[0] names unknown meeting "phantom""#,
        r#"meeting "m3" appears 2 times: assignments[2], assignments[3]"#,
        r#"meeting "m4" is neither in assignments nor in unscheduled"#,
    ];
    for line in expected {
        assert!(lines.iter().any(|l| l == line), "missing {line:?} in {lines:#?}");
    }
    // m1 and m2 are not held (their places are unknown): two moves.
    assert!(
        lines
            .iter()
            .any(|l| l == "claimed objective 30 differs from the recomputed -30"),
        "{lines:#?}"
    );
}

#[test]
fn status_rules() {
    let p = published();
    let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
    let report = check(&p, &doc(&p, &s, Status::Feasible, 30, Some(29)));
    assert_eq!(lines(&report), ["objective 30 is above bound 29"]);
    let report = check(&p, &doc(&p, &s, Status::Optimal, 30, Some(40)));
    assert_eq!(
        lines(&report),
        [r#"status is "optimal" but objective 30 differs from bound 40"#]
    );
    let report = check(&p, &doc(&p, &s, Status::Optimal, 30, None));
    assert_eq!(
        lines(&report),
        [r#"status is "optimal" but there is no bound to prove objective 30"#]
    );
    let report = check(&p, &doc(&p, &s, Status::Feasible, 31, Some(40)));
    assert_eq!(
        lines(&report),
        ["claimed objective 31 differs from the recomputed 30"]
    );
    assert_eq!(report.objective, 30);
}

#[test]
fn an_infeasible_claim_needs_contradictory_pins() {
    // Without pins the empty schedule is valid.
    let p = published();
    let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
    assert_eq!(
        lines(&report),
        [r#"status is "infeasible" but the problem has no pins: the empty schedule is valid"#]
    );
    let s = schedule(&p, &[("m1", "a1", "T1")]);
    let report = check(&p, &doc(&p, &s, Status::Infeasible, 0, None));
    assert!(lines(&report).contains(&r#"status is "infeasible" but 1 meetings are assigned"#.to_string()));

    // Pins that fit together, once m2 takes the room T1 does not need.
    let p = pinned();
    let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
    assert_eq!(
        lines(&report),
        [
            r#"status is "infeasible" but all pinned meetings can be held together: "m1" at slot "a2" in room "T1", "m2" at slot "a3" in room "T1""#
        ]
    );

    let contradictions = [
        // Participant a in both pinned meetings at a2.
        r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "a2"}},
            {"id": "m2", "participants": ["a", "c"], "weight": 1, "fixed": {"slot": "a2", "room": "R1"}}]"#,
        // At a3 only T1 and R1 are open (T2 is not), and m3 needs R1's seats: three pins, two rooms.
        r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "a3"}},
            {"id": "m2", "participants": ["c", "e"], "weight": 1, "fixed": {"slot": "a3"}},
            {"id": "m3", "participants": ["d", "f"], "weight": 1, "fixed": {"slot": "a3"}}]"#,
        // The pin runs past the end of the morning.
        r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "duration": 2, "fixed": {"slot": "a5"}}]"#,
        // f may have one meeting only.
        r#"[{"id": "m1", "participants": ["f", "b"], "weight": 1, "fixed": {"slot": "a1"}},
            {"id": "m2", "participants": ["f", "c"], "weight": 1, "fixed": {"slot": "a2"}}]"#,
        // e is away at a2.
        r#"[{"id": "m1", "participants": ["e", "b"], "weight": 1, "fixed": {"slot": "a2"}}]"#,
    ];
    for meetings in contradictions {
        let p = problem_with(meetings, "{}");
        let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
        assert!(report.is_valid(), "{meetings}: {:#?}", lines(&report));
    }
}

#[test]
fn evaluate_reports_bad_indices_without_panicking() {
    let p = base();
    let mut s = Schedule::empty(&p);
    s.placements[0] = Some(Placement { slot: 99, room: 0 });
    s.placements[1] = Some(Placement { slot: 0, room: 99 });
    s.placements.push(None);
    let report = evaluate(&p, &s);
    assert_eq!(
        lines(&report),
        [
            "the schedule has 10 entries for 9 meetings",
            r#"meeting "m1" is placed at slot index 99, room index 0, which do not exist"#,
            r#"meeting "m2" is placed at slot index 0, room index 99, which do not exist"#,
        ]
    );
    s.placements.truncate(3);
    assert!(!evaluate(&p, &s).is_valid());
}

#[test]
fn the_spec_solution_example_parses() {
    let text = r#"{
      "format": "rendezvous-solution/1",
      "status": "optimal",
      "objective": 12345,
      "bound": 12390,
      "assignments": [{"meeting": "m1", "slot": "d1-1000", "room": "R01"}],
      "unscheduled": [{"meeting": "m7", "reason": "acme has no free slot left"}]
    }"#;
    let doc = parse_solution(text).unwrap();
    assert_eq!(doc.status, Status::Optimal);
    assert_eq!((doc.objective, doc.bound), (12345, Some(12390)));
    assert_eq!(doc.assignments[0].room, "R01");
    assert_eq!(doc.unscheduled[0].meeting, "m7");
    // And the checker says what is wrong with it against the base problem, by id.
    let report = check(&base(), &doc);
    let lines = lines(&report);
    assert!(
        lines.contains(&r#"meeting "m1" is assigned to unknown slot "d1-1000""#.to_string()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&r#"meeting "m2" is neither in assignments nor in unscheduled"#.to_string()),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("above bound")), "{lines:#?}");
}

#[test]
fn solution_parse_errors_name_the_place() {
    let err = parse_solution(
        r#"{"format": "rendezvous-solution/1", "status": "optimal", "objective": 1,
        "bound": null, "assignments": [{"meeting": "m1", "slot": "a1", "room": "T1", "seat": 3}],
        "unscheduled": []}"#,
    )
    .unwrap_err();
    assert!(err.path.starts_with("assignments[0]"), "{err}");
    let err = parse_solution(
        r#"{"format": "rendezvous-solution/1", "status": "great", "objective": 1,
        "bound": null, "assignments": [], "unscheduled": []}"#,
    )
    .unwrap_err();
    assert_eq!(err.path, "status", "{err}");
}
