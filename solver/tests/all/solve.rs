//! `solve` on the public instances that fit a test run, verified by the independent
//! checker. The figures asserted are what the solver reaches (no assertion on speed).

use std::time::Duration;

use rendezvous_solver::{Problem, Solution, SolveOptions, Status, check, evaluate, solve};

fn solve_and_check(text: &str, seconds: u64) -> (Problem, Solution) {
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
fn pub_tiny_is_solved_to_its_known_optimum() {
    let (_, solution) = solve_and_check(include_str!("../data/pub-tiny.json"), 10);
    // The instances README: CP-SAT proves 3,390 optimal, and the LP bound is 3,390.
    assert_eq!(solution.status, Status::Optimal, "{:?}", solution.stats);
    assert_eq!(solution.objective, 3390);
    assert_eq!(solution.bound, Some(3390));
    assert_eq!(solution.schedule.placed(), 92);
}

/// Forums cost one per wait and nothing per idle slot: waits = weight held − objective.
fn waits(solution: &Solution) -> i64 {
    solution.stats.placed_weight - solution.objective
}

#[test]
fn forum_1_holds_every_meeting_near_its_wait_floor() {
    let (problem, solution) = solve_and_check(include_str!("../data/pub-forum-1.json"), 10);
    assert_eq!(solution.schedule.placed(), problem.meetings.len());
    // The per-participant floors prove 12 waits (bound 250,000 − 12); the SAT search's
    // upward steps may prove more within the limit (13 on a quiet machine: 249,987, the
    // 05:38 run of BENCHMARKS.md), never more than a known schedule's 21 (249,979).
    let bound = solution.bound.unwrap();
    assert!((249_979..=249_988).contains(&bound), "bound {bound}");
    assert_eq!(waits(&solution), solution.stats.gaps);
    // BENCHMARKS.md reports 19–21 waits at 30 s; a test cannot afford that. At this
    // test's 10 s, seeds 0, 1 and 2 reached 25, 22 and 22 waits (2026-12-01, debug
    // build, 2-core machine shared with other builds); 25 is what it reliably reaches.
    assert!(waits(&solution) <= 25, "{} waits", waits(&solution));
}

#[test]
fn forum_2_is_proved_optimal_at_its_known_optimum() {
    // Proved in 3–23 s (BENCHMARKS.md, idle to load 18); the solve returns once proved,
    // so the generous limit costs nothing when the machine is quiet.
    let (_, solution) = solve_and_check(include_str!("../data/pub-forum-2.json"), 90);
    // 32 meetings can never be held (empty allowed_slots): 198 is the maximum.
    assert_eq!(solution.schedule.placed(), 198);
    // The proved floor is 4 waits, and 4 is optimal: bound 198,000 − 4.
    assert_eq!(solution.status, Status::Optimal, "{:?}", solution.stats);
    assert_eq!(solution.bound, Some(197_996));
    assert_eq!(waits(&solution), 4);
}

#[test]
fn forum_2_with_a_fairness_rule_keeps_it() {
    // pub-forum-2 with a spread of at most one wait between any two participants: the
    // checker (in `solve_and_check`) verifies the rule along with every other.
    let mut doc: rendezvous_solver::ProblemDoc =
        serde_json::from_str(include_str!("../data/pub-forum-2.json")).unwrap();
    doc.max_wait_spread = Some(1);
    let text = serde_json::to_string(&doc).unwrap();
    let (problem, solution) = solve_and_check(&text, 10);
    assert_eq!(problem.max_wait_spread, Some(1));
    assert_ne!(solution.status, Status::Infeasible, "{:?}", solution.reasons);
    // The rule costs nothing in the bound's terms: the floors are 4 waits either way.
    assert!(
        solution.bound.is_some_and(|b| b <= 197_996),
        "{:?}",
        solution.bound
    );
}
