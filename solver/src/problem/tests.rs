//! Parsing and validation: the spec example, defaults, sessions, and bad input by place.

use super::*;

const SPEC_EXAMPLE: &str = r#"{
  "format": "rendezvous-problem/1",
  "name": "Smart City Expo Casablanca — B2B",
  "timezone": "Africa/Casablanca",
  "slots": [
    {"id": "d1-1000", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}
  ],
  "rooms": [
    {"id": "T001", "capacity": 2, "features": [], "unavailable": []},
    {"id": "R01", "capacity": 10, "features": ["interpretation", "video"], "unavailable": ["d2-1640"]}
  ],
  "participants": [
    {"id": "bkk", "size": 5, "unavailable": [], "max_meetings": 10}
  ],
  "meetings": [
    {"id": "m1", "participants": ["bkk", "acme"], "duration": 2, "weight": 50,
     "features": ["interpretation"], "allowed_slots": null, "fixed": null, "current": null}
  ],
  "penalties": {"idle_slot": 1, "gap": 0, "move": 20}
}"#;

fn tiny(meetings: &str) -> String {
    format!(
        r#"{{"format": "rendezvous-problem/1",
          "slots": [
            {{"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
            {{"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
            {{"id": "s3", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}}
          ],
          "rooms": [{{"id": "T1", "capacity": 2}}],
          "participants": [{{"id": "a"}}, {{"id": "b"}}],
          "meetings": {meetings}}}"#
    )
}

#[test]
fn spec_example_names_the_dangling_slot() {
    // The spec's own example refers to slots it does not list: that must be caught.
    let err = Problem::from_json(SPEC_EXAMPLE).unwrap_err();
    assert_eq!(err.path, "rooms[1].unavailable[0]");
    assert!(err.message.contains("d2-1640"), "{err}");
}

#[test]
fn slots_are_sorted_and_cut_into_sessions() {
    let p = Problem::from_json(&tiny("[]")).unwrap();
    let ids: Vec<_> = p.slots.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["s1", "s2", "s3"]);
    assert_eq!(p.sessions, vec![Session { slots: 0..2 }, Session { slots: 2..3 }]);
    assert_eq!(p.penalties, Penalties::default());
}

#[test]
fn defaults_apply() {
    let p = Problem::from_json(&tiny(r#"[{"id": "m", "participants": ["a", "b"], "weight": 3}]"#)).unwrap();
    let m = &p.meetings[0];
    assert_eq!((m.duration, m.weight, m.fixed, m.current), (1, 3, None, None));
    assert_eq!(p.participants[0].size, 1);
    assert_eq!(p.occupied_slots(0, 1), Some(1..2));
}

#[test]
fn duration_may_not_cross_a_session_end() {
    let p = Problem::from_json(&tiny(
        r#"[{"id": "m", "participants": ["a", "b"], "weight": 3, "duration": 2}]"#,
    ))
    .unwrap();
    assert_eq!(p.occupied_slots(0, 0), Some(0..2));
    assert_eq!(p.occupied_slots(0, 1), None);
    assert_eq!(p.occupied_slots(0, 2), None);
}

#[test]
fn bad_input_names_the_place() {
    let cases = [
        (
            r#"[{"id": "m", "participants": ["a", "zz"], "weight": 3}]"#,
            "meetings[0].participants[1]",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": -3}]"#,
            "meetings[0].weight",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 0}]"#,
            "meetings[0].weight",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "colour": 1}]"#,
            "meetings[0]",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 1}, {"id": "m", "participants": ["a", "b"], "weight": 1}]"#,
            "meetings[1].id",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "a"], "weight": 1}]"#,
            "meetings[0].participants[1]",
        ),
        (
            r#"[{"id": "m", "participants": ["a"], "weight": 1}]"#,
            "meetings[0].participants",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "s9"}}]"#,
            "meetings[0].fixed.slot",
        ),
        (
            r#"[{"id": "m", "participants": ["a", "b"], "weight": 1, "current": {"slot": "s1", "room": "R9"}}]"#,
            "meetings[0].current.room",
        ),
    ];
    for (meetings, path) in cases {
        let err = Problem::from_json(&tiny(meetings)).unwrap_err();
        assert!(
            err.path.starts_with(path),
            "{meetings}: expected {path}, got {err}"
        );
    }
}

#[test]
fn overlapping_slots_are_rejected() {
    let text = tiny("[]").replace("10:40:00+01:00", "10:50:00+01:00").replace(
        r#""start": "2027-04-17T14:00:00+01:00""#,
        r#""start": "2027-04-17T10:45:00+01:00""#,
    );
    let err = Problem::from_json(&text).unwrap_err();
    assert!(err.message.contains("overlaps"), "{err}");
}

#[test]
fn wrong_format_tag_is_rejected() {
    let err = Problem::from_json(&tiny("[]").replace("problem/1", "problem/2")).unwrap_err();
    assert_eq!(err.path, "format");
}

#[test]
fn max_wait_spread_is_optional_and_a_whole_number_at_least_zero() {
    let p = Problem::from_json(&tiny("[]")).unwrap();
    assert_eq!(p.max_wait_spread, None);
    let with = |value: &str| {
        let text = tiny("[]");
        let text = text.replacen('{', &format!(r#"{{"max_wait_spread": {value}, "#), 1);
        Problem::from_json(&text)
    };
    assert_eq!(with("0").unwrap().max_wait_spread, Some(0));
    assert_eq!(with("2").unwrap().max_wait_spread, Some(2));
    assert_eq!(with("null").unwrap().max_wait_spread, None);
    for bad in ["-1", "1.5", "\"2\"", "true"] {
        let err = with(bad).unwrap_err();
        assert_eq!(err.path, "max_wait_spread", "{bad}: {err}");
    }
}
