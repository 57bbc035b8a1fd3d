//! The fairness rule (`max_wait_spread`) on its own: waits counted as gaps, every
//! participant counted (one without meetings waits 0 times), the spread exactly at the
//! rule passing and one more failing, in `evaluate` and in documents.

use super::document::doc;
use super::*;

/// Two meetings of `a` and `b` (`p` and `q`) and one of `c` and `d` (`r`, in the six-seat
/// room when held); `e` and `f` have none.
fn pairs(max_wait_spread: Option<u32>) -> Problem {
    let mut problem = problem_with(
        r#"[
          {"id": "p", "participants": ["a", "b"], "weight": 1},
          {"id": "q", "participants": ["a", "b"], "weight": 1},
          {"id": "r", "participants": ["c", "d"], "weight": 1}
        ]"#,
        r#"{"gap": 1}"#,
    );
    problem.max_wait_spread = max_wait_spread;
    problem
}

fn uneven(max_wait_spread: u32, most: i64, least: i64, most_waiting: &str, least_waiting: &str) -> Violation {
    Violation::WaitsTooUneven {
        max_wait_spread,
        most,
        least,
        most_waiting: most_waiting.into(),
        least_waiting: least_waiting.into(),
    }
}

#[test]
fn a_spread_of_exactly_the_rule_passes_and_one_more_fails() {
    // `a` and `b` wait once (a1, then a3); everyone else 0 times: a spread of 1.
    let s = |p: &Problem| schedule(p, &[("p", "a1", "T1"), ("q", "a3", "T1")]);
    for spread in [1, 2, 5] {
        let p = pairs(Some(spread));
        let report = evaluate(&p, &s(&p));
        assert!(report.is_valid(), "{spread}: {:#?}", lines(&report));
    }
    let p = pairs(Some(0));
    let v = only(evaluate(&p, &s(&p)));
    // The first participant (in problem order) with the most waits, and with the least.
    assert_eq!(v, uneven(0, 1, 0, "a", "c"));
    assert_eq!(
        v.to_string(),
        r#"participant "a" waits 1 times and "c" 0: more than max_wait_spread 0 apart"#
    );
    // No rule, no violation.
    let p = pairs(None);
    assert!(evaluate(&p, &s(&p)).is_valid());
}

#[test]
fn participants_without_meetings_count_with_no_waits() {
    // `a`, `b`, `c` and `e` all wait once; `d` and `f`, without meetings, wait 0 times.
    let mut p = problem_with(
        r#"[
          {"id": "p", "participants": ["a", "b"], "weight": 1},
          {"id": "q", "participants": ["a", "b"], "weight": 1},
          {"id": "r", "participants": ["c", "e"], "weight": 1},
          {"id": "r2", "participants": ["c", "e"], "weight": 1}
        ]"#,
        r#"{"gap": 1}"#,
    );
    p.max_wait_spread = Some(0);
    let s = schedule(
        &p,
        &[
            ("p", "a1", "T1"),
            ("q", "a3", "T1"),
            ("r", "a1", "T2"),
            ("r2", "a4", "T2"),
        ],
    );
    assert_eq!(only(evaluate(&p, &s)), uneven(0, 1, 0, "a", "d"));
    p.max_wait_spread = Some(1);
    assert!(evaluate(&p, &s).is_valid());
}

#[test]
fn waits_are_gaps_per_session_not_idle_slots() {
    // `a` and `b`: a1 and a4 is two idle slots but one wait; a5 and b1 are in different
    // sessions, no wait at all.
    let p = pairs(Some(1));
    let report = evaluate(&p, &schedule(&p, &[("p", "a1", "T1"), ("q", "a4", "T1")]));
    assert!(report.is_valid(), "{:#?}", lines(&report));
    assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (4, 2));
    let p = pairs(Some(0));
    let report = evaluate(&p, &schedule(&p, &[("p", "a5", "T1"), ("q", "b1", "T1")]));
    assert!(report.is_valid(), "{:#?}", lines(&report));
}

#[test]
fn a_document_breaking_the_rule_is_invalid() {
    let p = pairs(Some(0));
    let s = schedule(&p, &[("p", "a1", "T1"), ("q", "a3", "T1")]);
    // Weight 2, two gaps (a and b) at 1 each.
    let report = check(&p, &doc(&p, &s, Status::Feasible, 0, None));
    assert_eq!(lines(&report), [uneven(0, 1, 0, "a", "c").to_string()]);
    assert_eq!(report.objective, 0);
}

#[test]
fn an_infeasible_claim_stands_when_the_pins_alone_break_the_rule() {
    // Pinned at a1 and a3, `a` waits once while `e` has no meeting: no schedule holding
    // the pins has a spread of 0 unless others wait too, which the checker does not search.
    let pins = |a: &str, b: &str| {
        let mut p = problem_with(
            &format!(
                r#"[
                  {{"id": "p", "participants": ["a", "b"], "weight": 1, "fixed": {{"slot": "{a}"}}}},
                  {{"id": "q", "participants": ["a", "c"], "weight": 1, "fixed": {{"slot": "{b}"}}}}
                ]"#
            ),
            "{}",
        );
        p.max_wait_spread = Some(0);
        p
    };
    let p = pins("a1", "a3");
    let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
    assert!(report.is_valid(), "{:#?}", lines(&report));
    // Pinned at a1 and a2 the pins alone are a fair schedule: the claim is refuted.
    let p = pins("a1", "a2");
    let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
    assert_eq!(report.violations.len(), 1, "{:#?}", lines(&report));
    assert!(matches!(
        report.violations[0],
        Violation::InfeasibleButPinsFit { .. }
    ));
}
