use super::*;
use crate::problem::Problem;

/// A small file in the published layout: 1-based numbers, `{0}` for no forbidden slot,
/// meetingsxBusiness with its dummy first member, a comment.
const GOOD: &str = "\
% a hand-written forum in the benchmark's layout
nBusiness = 4;
nMeetings = 4;
nTables = 2;
nTotalSlots = 5;
nMorningSlots = 3;

requested = [| 1, 2, 1,
| 1, 3, 3,
| 2, 4, 2,
| 3, 4, 3 |];

meetingsxBusiness = [{1, 2, 3}, {1, 2, 4}, {1, 3, 5}, {1, 4, 5}];
nMeetingsBusiness = [2, 2, 2, 2];
forbidden = [{0}, {5}, {}, {1..2}];
fixed = [0, 0, 4, 0];
precedences = [{}, {}, {}, {}];
";

#[test]
fn a_data_file_becomes_its_forum() {
    let forum = parse_dzn(GOOD).unwrap();
    assert_eq!(
        (forum.participants, forum.tables, forum.slots, forum.morning_slots),
        (4, 2, 5, 3)
    );
    let pairs: Vec<(usize, usize)> = forum.meetings.iter().map(|m| m.participants).collect();
    assert_eq!(pairs, [(0, 1), (0, 2), (1, 3), (2, 3)]);
    let wishes: Vec<SessionWish> = forum.meetings.iter().map(|m| m.wish).collect();
    assert_eq!(
        wishes,
        [
            SessionWish::Morning,
            SessionWish::Any,
            SessionWish::Afternoon,
            SessionWish::Any
        ]
    );
    let pins: Vec<Option<usize>> = forum.meetings.iter().map(|m| m.fixed).collect();
    assert_eq!(pins, [None, None, Some(3), None]);
    assert_eq!(forum.forbidden, [vec![], vec![4], vec![], vec![0, 1]]);
}

#[test]
fn the_forum_is_a_valid_problem_of_the_same_shape() {
    let doc = parse_dzn(GOOD).unwrap().to_problem_doc();
    let problem = Problem::from_json(&serde_json::to_string(&doc).unwrap()).unwrap();
    assert_eq!(problem.slots.len(), 5);
    // A morning and an afternoon: two sessions, split after slot 3.
    assert_eq!(problem.sessions.len(), 2);
    assert_eq!(problem.sessions[0].slots, 0..3);
    assert_eq!(problem.rooms.len(), 2);
    assert!(problem.rooms.iter().all(|r| r.capacity == 2));
    assert_eq!(
        doc.meetings[0].allowed_slots.as_deref(),
        Some(&["s01", "s02", "s03"].map(String::from)[..])
    );
    assert_eq!(
        doc.meetings[2].allowed_slots.as_deref(),
        Some(&["s04", "s05"].map(String::from)[..])
    );
    assert_eq!(doc.meetings[1].allowed_slots, None);
    assert_eq!(
        doc.meetings[2].fixed.as_ref().map(|f| f.slot.as_str()),
        Some("s04")
    );
    assert_eq!(doc.participants[3].unavailable, ["s01", "s02"]);
    assert_eq!(doc.participants[0].unavailable, Vec::<String>::new());
    assert_eq!((doc.penalties.gap, doc.penalties.idle_slot), (1, 0));
    assert!(doc.meetings.iter().all(|m| m.weight == 1000 && m.duration == 1));
}

#[test]
fn old_files_without_the_optional_fields_and_with_fixat_are_read() {
    let text = "nBusiness = 2; nMeetings = 1; nTables = 1; nTotalSlots = 2; nMorningSlots = 1;
        requested = [| 1, 2, 3 |]; forbidden = [{0}, {0}]; fixat = [2]; /* a pin */";
    let forum = parse_dzn(text).unwrap();
    assert_eq!(forum.meetings[0].fixed, Some(1));
}

/// The error for `text`, which must name `line` and `field`.
fn fails(text: &str, line: Option<usize>, field: Option<&str>, says: &str) {
    let err = parse_dzn(text).unwrap_err();
    assert_eq!(err.line, line, "{err}");
    assert_eq!(err.field.as_deref(), field, "{err}");
    assert!(err.to_string().contains(says), "{err}");
}

/// GOOD with its line `number` (from 1) replaced.
fn with_line(number: usize, line: &str) -> String {
    GOOD.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == number { line } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_malformed_file_is_an_error_naming_its_line_and_field() {
    assert_eq!(GOOD.lines().nth(2), Some("nMeetings = 4;"));
    fails(&with_line(3, ""), None, Some("nMeetings"), "missing");
    fails(
        &with_line(3, "nMeetings = 3;"),
        Some(8),
        Some("requested"),
        "4 rows, expected 3 (nMeetings)",
    );
    fails(&with_line(4, ""), None, Some("nTables"), "missing");
    fails(
        &with_line(4, "nTables = 0;"),
        Some(4),
        Some("nTables"),
        "0 is not in 1..",
    );
    fails(
        &with_line(4, "nTables = {1};"),
        Some(4),
        Some("nTables"),
        "expected a number, found a set",
    );
    fails(
        &with_line(6, "nMorningSlots = 6;"),
        Some(6),
        Some("nMorningSlots"),
        "not in 0..5",
    );
    fails(
        &with_line(5, "nTotalSlots = 5"),
        Some(6),
        Some("nTotalSlots"),
        "expected \";\"",
    );
    fails(
        &with_line(9, "| 1, 5, 3,"),
        Some(9),
        Some("requested"),
        "meeting 2: participant 5 is not in 1..4",
    );
    fails(
        &with_line(9, "| 1, 1, 3,"),
        Some(9),
        Some("requested"),
        "meeting 2: participant 1 meets itself",
    );
    fails(
        &with_line(9, "| 1, 3, 4,"),
        Some(9),
        Some("requested"),
        "meeting 2: session 4 is not 1",
    );
    fails(
        &with_line(9, "| 1, 3,"),
        Some(9),
        Some("requested"),
        "meeting 2: 2 numbers, expected 3",
    );
    fails(
        &with_line(11, "| 3, 4, 3 ];"),
        Some(11),
        Some("requested"),
        "expected \"|\", found \"]\"",
    );
    fails(
        &with_line(15, "forbidden = [{0}, {6}, {}, {1..2}];"),
        Some(15),
        Some("forbidden"),
        "item 2: slot 6 is not in 1..5",
    );
    fails(
        &with_line(15, "forbidden = [{0}, {5}, {}];"),
        Some(15),
        Some("forbidden"),
        "3 items, expected 4 (nBusiness)",
    );
    fails(
        &with_line(15, "forbidden = [{0}, 5, {}, {}];"),
        Some(15),
        Some("forbidden"),
        "item 2: expected a set",
    );
    fails(
        &with_line(16, "fixed = [0, 0, 9, 0];"),
        Some(16),
        Some("fixed"),
        "item 3: slot 9 is not in 1..5",
    );
    fails(
        &with_line(14, "nMeetingsBusiness = [2, 3, 2, 2];"),
        Some(14),
        Some("nMeetingsBusiness"),
        "participant 2 has 2 meetings in requested, not 3",
    );
    fails(
        &with_line(17, "precedences = [{}, {1}, {}, {}];"),
        Some(17),
        Some("precedences"),
        "item 2: must follow meeting 1",
    );
    fails(
        &with_line(17, "tables = 3;"),
        Some(17),
        Some("tables"),
        "unknown field",
    );
    fails(
        &with_line(17, "nTables = 3;"),
        Some(17),
        Some("nTables"),
        "given twice",
    );
    fails(&with_line(17, "/* never closed"), Some(17), None, "never closed");
    fails(
        &with_line(17, "nTables # 3;"),
        Some(17),
        None,
        "unexpected character '#'",
    );
    fails(&with_line(17, "= 3;"), Some(17), None, "expected a field name");
    fails(
        "nBusiness = 99999999999999999999;",
        Some(1),
        None,
        "is not a number",
    );
    fails("", None, Some("nBusiness"), "missing");
}
