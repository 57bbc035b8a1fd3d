//! `solve` on the public instances that fit a test run, verified by the independent
//! checker (short time limits; no assertion on speed).

use std::time::Duration;

use rendezvous_solver::{Problem, SolveOptions, Status, check, evaluate, solve};

fn solve_and_check(text: &str, seconds: u64) -> (Problem, rendezvous_solver::Solution) {
    let problem = Problem::from_json(text).unwrap();
    let options = SolveOptions {
        time_limit: Duration::from_secs(seconds),
        ..SolveOptions::default()
    };
    let solution = solve(&problem, &options, &mut |_| {});
    let report = evaluate(&problem, &solution.schedule);
    assert!(report.is_valid(), "{:?}", report.violations);
    assert_eq!(report.objective, solution.objective);
    let document = check(&problem, &solution.to_doc(&problem));
    assert!(document.is_valid(), "{:?}", document.violations);
    assert!(solution.bound.is_some_and(|b| b >= solution.objective));
    (problem, solution)
}

#[test]
fn pub_tiny_is_valid_and_beats_the_reference_greedy() {
    let (_, solution) = solve_and_check(include_str!("data/pub-tiny.json"), 5);
    // The instances README: greedy 3,308, LP bound 3,390.
    assert!(solution.objective > 3308, "{}", solution.objective);
    assert!(solution.bound.is_some_and(|b| b <= 3390));
}

#[test]
fn forum_1_holds_every_meeting_with_fewer_waits_than_greedy() {
    let (problem, solution) = solve_and_check(include_str!("data/pub-forum-1.json"), 8);
    assert_eq!(solution.schedule.placed(), problem.meetings.len());
    // The instances README: greedy leaves 142 waits (and drops ten meetings).
    let waits = 250_000 - solution.objective;
    assert!(waits < 142, "{waits} waits");
    assert_ne!(solution.status, Status::Infeasible);
}

#[test]
fn forum_2_holds_as_many_meetings_as_the_bound_allows() {
    let (_, solution) = solve_and_check(include_str!("data/pub-forum-2.json"), 8);
    assert_eq!(solution.schedule.placed(), 198);
    // The bound proves that no schedule holds a 199th meeting (each is worth 1,000); with
    // the wait floors it sits a few points under 198,000.
    let bound = solution.bound.expect("a bound");
    assert!((solution.objective..=198_000).contains(&bound), "bound {bound}");
}
