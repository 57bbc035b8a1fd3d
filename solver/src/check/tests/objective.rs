//! The objective's parts: the spec's idle and gap examples, sessions, moves.

use super::*;

/// `a` meets in the given slots of the morning (1-based), each with someone else.
fn idle_of_a(slots: [usize; 3]) -> Breakdown {
    let p = problem_with(
        r#"[
          {"id": "m1", "participants": ["a", "b"], "weight": 1},
          {"id": "m2", "participants": ["a", "c"], "weight": 1},
          {"id": "m3", "participants": ["a", "e"], "weight": 1}
        ]"#,
        "{}",
    );
    let ids: Vec<String> = slots.iter().map(|s| format!("a{s}")).collect();
    let report = evaluate(
        &p,
        &schedule(
            &p,
            &[
                ("m1", &ids[0], "T1"),
                ("m2", &ids[1], "T1"),
                ("m3", &ids[2], "T1"),
            ],
        ),
    );
    assert!(report.is_valid(), "{:#?}", lines(&report));
    report.breakdown
}

#[test]
fn idle_and_gap_examples_of_the_spec() {
    // "Occupied 1, 2 and 5 of a session: 2 idle slots, 1 gap."
    let b = idle_of_a([1, 2, 5]);
    assert_eq!((b.idle_slots, b.gaps), (2, 1));
    // "Occupied 1, 3 and 5: 2 idle slots, 2 gaps."
    let b = idle_of_a([1, 3, 5]);
    assert_eq!((b.idle_slots, b.gaps), (2, 2));
    let b = idle_of_a([3, 4, 5]);
    assert_eq!((b.idle_slots, b.gaps), (0, 0));
}

#[test]
fn idle_time_is_counted_per_session() {
    let p = base();
    // Across lunch (a5 → b1) and across the night (b2 → c1): no idle slot.
    let report = evaluate(
        &p,
        &schedule(&p, &[("m1", "a5", "T1"), ("m2", "b1", "T1"), ("m4", "c1", "R1")]),
    );
    assert!(report.is_valid(), "{:#?}", lines(&report));
    assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (0, 0));
    let report = evaluate(&p, &schedule(&p, &[("m1", "b2", "T1"), ("m2", "c1", "T1")]));
    assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (0, 0));
    // The idle count's own session still counts: a1 and a4, then b1.
    let report = evaluate(
        &p,
        &schedule(&p, &[("m1", "a1", "T1"), ("m2", "a4", "T1"), ("m4", "b1", "R1")]),
    );
    assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (2, 1));
    assert_eq!(report.objective, 19 - 2 - 10);
}

#[test]
fn moves_count_changed_slot_changed_room_and_dropped() {
    let p = published();
    let kept = [
        ("m1", "a1", "T1"),
        ("m2", "a1", "T2"),
        ("m3", "b1", "T1"),
        ("m4", "c1", "T1"),
    ];
    let report = evaluate(&p, &schedule(&p, &kept));
    assert!(report.is_valid(), "{:#?}", lines(&report));
    assert_eq!((report.breakdown.moved, report.objective), (0, 40));

    let moved_slot = [("m1", "a2", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")];
    let report = evaluate(&p, &schedule(&p, &moved_slot));
    assert_eq!((report.breakdown.moved, report.objective), (1, 30 - 20));

    let moved_room = [("m1", "a1", "T1"), ("m2", "a1", "R1"), ("m3", "b1", "T1")];
    let report = evaluate(&p, &schedule(&p, &moved_room));
    assert_eq!((report.breakdown.moved, report.objective), (1, 30 - 20));

    // Dropping m3 costs its weight and the move; m4 had no place to lose.
    let dropped = [("m1", "a1", "T1"), ("m2", "a1", "T2")];
    let report = evaluate(&p, &schedule(&p, &dropped));
    assert_eq!((report.breakdown.moved, report.objective), (1, 20 - 20));
    assert_eq!(evaluate(&p, &Schedule::empty(&p)).objective, -60);
}
