//! Each hard rule broken on purpose, and a schedule that breaks none.

use super::*;

#[test]
fn a_valid_schedule_has_no_violation_and_its_objective() {
    let p = base();
    let s = schedule(
        &p,
        &[
            ("m1", "a1", "T1"),
            ("m2", "a2", "T1"),
            ("m3", "a3", "T1"),
            ("m4", "a3", "R1"),
            ("m7", "b1", "T1"),
        ],
    );
    let report = evaluate(&p, &s);
    assert!(report.is_valid(), "{:#?}", lines(&report));
    // a: a1 a2 a3 b1, b: a1 a3 a4 b1, c: a2 a3 a4, d: a3. b waits at a2 once.
    assert_eq!(
        report.breakdown,
        Breakdown {
            placed: 5,
            placed_weight: 27,
            idle_slots: 1,
            gaps: 1,
            moved: 0
        }
    );
    assert_eq!(report.objective, 27 - 1 - 10);
}

#[test]
fn rule_1_duration_must_fit_in_one_session() {
    let p = base();
    for first in ["a5", "b2", "c2"] {
        let v = only(evaluate(&p, &schedule(&p, &[("m3", first, "T1")])));
        assert_eq!(
            v,
            Violation::RunsPastSession {
                meeting: "m3".into(),
                slot: first.into(),
                duration: 2
            }
        );
    }
    assert!(evaluate(&p, &schedule(&p, &[("m3", "a4", "T1")])).is_valid());
    assert!(evaluate(&p, &schedule(&p, &[("m3", "b1", "T1")])).is_valid());
}

#[test]
fn rule_2_participant_double_booked() {
    let p = base();
    let v = only(evaluate(
        &p,
        &schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "R1")]),
    ));
    assert_eq!(
        v.to_string(),
        r#"participant "a" is in meetings "m1" and "m2" at slot "a1""#
    );
    // A two-slot meeting clashes on each slot it shares.
    let report = evaluate(&p, &schedule(&p, &[("m3", "a1", "T1"), ("m1", "a2", "R1")]));
    assert_eq!(
        lines(&report),
        [r#"participant "b" is in meetings "m1" and "m3" at slot "a2""#]
    );
}

#[test]
fn rule_2_participant_unavailable() {
    let p = base();
    let v = only(evaluate(&p, &schedule(&p, &[("m6", "a2", "T1")])));
    assert_eq!(
        v,
        Violation::ParticipantUnavailable {
            participant: "e".into(),
            meeting: "m6".into(),
            slot: "a2".into()
        }
    );
}

#[test]
fn rule_2_allowed_slots() {
    let p = base();
    let v = only(evaluate(&p, &schedule(&p, &[("m7", "a1", "T1")])));
    assert_eq!(
        v,
        Violation::SlotNotAllowed {
            meeting: "m7".into(),
            slot: "a1".into()
        }
    );
    assert!(evaluate(&p, &schedule(&p, &[("m7", "b2", "T1")])).is_valid());
}

#[test]
fn rule_3_room_double_booked() {
    let p = base();
    let v = only(evaluate(
        &p,
        &schedule(&p, &[("m1", "a1", "T1"), ("m6", "a1", "T1")]),
    ));
    assert_eq!(
        v.to_string(),
        r#"room "T1" holds meetings "m1" and "m6" at slot "a1""#
    );
}

#[test]
fn rule_3_room_unavailable() {
    let p = base();
    let v = only(evaluate(&p, &schedule(&p, &[("m1", "a3", "T2")])));
    assert_eq!(
        v,
        Violation::RoomUnavailable {
            room: "T2".into(),
            meeting: "m1".into(),
            slot: "a3".into()
        }
    );
}

#[test]
fn rule_4_capacity() {
    let p = base();
    let v = only(evaluate(&p, &schedule(&p, &[("m4", "a1", "T1")])));
    assert_eq!(
        v,
        Violation::RoomTooSmall {
            meeting: "m4".into(),
            room: "T1".into(),
            seats: 6,
            capacity: 2
        }
    );
    assert!(evaluate(&p, &schedule(&p, &[("m4", "a1", "R1")])).is_valid());
}

#[test]
fn rule_4_features() {
    let p = base();
    let v = only(evaluate(&p, &schedule(&p, &[("m5", "a1", "T1")])));
    assert_eq!(
        v,
        Violation::MissingFeatures {
            meeting: "m5".into(),
            room: "T1".into(),
            features: vec!["video".into()]
        }
    );
    assert!(evaluate(&p, &schedule(&p, &[("m5", "a1", "R1")])).is_valid());
}

#[test]
fn rule_5_max_meetings() {
    let p = base();
    let v = only(evaluate(
        &p,
        &schedule(&p, &[("m8", "a1", "T1"), ("m9", "a2", "T1")]),
    ));
    assert_eq!(
        v.to_string(),
        r#"participant "f" has 2 meetings ("m8" and "m9"), more than its max_meetings 1"#
    );
}

#[test]
fn rule_6_pins() {
    let p = pinned();
    assert!(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a3", "R1")])).is_valid());
    assert!(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a3", "T1")])).is_valid());
    let v = only(evaluate(
        &p,
        &schedule(&p, &[("m1", "a2", "T2"), ("m2", "a3", "T1")]),
    ));
    assert_eq!(
        v.to_string(),
        r#"meeting "m1" is pinned to slot "a2" in room "T1" but is at slot "a2" in room "T2""#
    );
    let v = only(evaluate(
        &p,
        &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a4", "T1")]),
    ));
    assert_eq!(
        v.to_string(),
        r#"meeting "m2" is pinned to slot "a3" but is at slot "a4" in room "T1""#
    );
    let v = only(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1")])));
    assert_eq!(
        v.to_string(),
        r#"meeting "m2" is pinned to slot "a3" but is not scheduled"#
    );
}
