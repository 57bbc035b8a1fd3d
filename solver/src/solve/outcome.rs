//! The solution handed back: concrete rooms, exact objective, status and statistics.

use std::time::Instant;

use crate::format::Status;
use crate::model::Model;
use crate::problem::{MeetingIx, Problem};
use crate::rooms::assign_rooms;
use crate::solution::{Schedule, Solution, Stats, Unplaced};
use crate::state::{Score, Spot, objective_of_schedule, score_schedule};

use super::explain::reasons_for_unplaced;
use super::options::Phase;
use super::report::Reporter;

/// Concrete rooms, exact objective, reasons and statistics for the best class-level
/// schedule.
pub(super) fn finish(
    problem: &Problem,
    model: &Model,
    spots: &[Option<Spot>],
    report: &mut Reporter,
    mut stats: Stats,
) -> Solution {
    let schedule = assign_rooms(model, spots).unwrap_or_else(|| {
        // Unreachable while the state keeps class counts; the pins alone are still valid.
        let pins: Vec<Option<Spot>> = spots
            .iter()
            .enumerate()
            .map(|(m, s)| s.filter(|_| problem.meetings[m].fixed.is_some()))
            .collect();
        assign_rooms(model, &pins).unwrap_or_else(|| Schedule::empty(problem))
    });
    let score = score_schedule(problem, &schedule);
    let objective = objective_of_schedule(problem, &score);
    report.incumbent(objective, Phase::Rooms);
    let bound = report.bound.filter(|&b| b >= objective);
    let status = if bound == Some(objective) {
        Status::Optimal
    } else {
        Status::Feasible
    };
    let elapsed = report.started.elapsed().as_secs_f64();
    add_score_stats(&mut stats, &score, objective, bound, elapsed);
    Solution {
        status,
        reasons: reasons_for_unplaced(model, &schedule, status == Status::Optimal),
        schedule,
        objective,
        bound,
        stats,
    }
}

fn add_score_stats(stats: &mut Stats, score: &Score, objective: i64, bound: Option<i64>, seconds: f64) {
    stats.seconds = seconds;
    stats.placed = score.placed;
    stats.placed_weight = score.weight;
    stats.idle_slots = score.idle;
    stats.gaps = score.gaps;
    stats.moved = score.moved;
    stats.gap = bound.map(|b| (b - objective) as f64 / b.unsigned_abs().max(1) as f64);
}

/// The answer when the pins contradict each other: no schedule, and each pinned meeting
/// involved named with what it contradicts.
pub(super) fn infeasible(
    problem: &Problem,
    conflicts: Vec<(MeetingIx, String)>,
    started: Instant,
) -> Solution {
    let schedule = Schedule::empty(problem);
    let score = score_schedule(problem, &schedule);
    let objective = objective_of_schedule(problem, &score);
    let conflicting_pins = conflicts
        .iter()
        .map(|(m, _)| problem.meetings[*m].id.clone())
        .collect();
    let mut reasons: Vec<(MeetingIx, Unplaced)> = (0..problem.meetings.len())
        .filter(|m| !conflicts.iter().any(|(c, _)| c == m))
        .map(|m| (m, Unplaced::OtherPinsContradict))
        .collect();
    reasons.extend(
        conflicts
            .into_iter()
            .map(|(m, detail)| (m, Unplaced::PinContradicts { detail })),
    );
    reasons.sort_by_key(|(m, _)| *m);
    let mut stats = Stats {
        conflicting_pins,
        ..Stats::default()
    };
    add_score_stats(
        &mut stats,
        &score,
        objective,
        None,
        started.elapsed().as_secs_f64(),
    );
    Solution {
        status: Status::Infeasible,
        schedule,
        objective,
        bound: None,
        reasons,
        stats,
    }
}

/// Whether the solution's schedule keeps the fairness rule, by the independent checker.
pub(super) fn keeps_fairness(problem: &Problem, solution: &Solution) -> bool {
    problem.max_wait_spread.is_none()
        || !crate::check::evaluate(problem, &solution.schedule)
            .violations
            .iter()
            .any(|v| matches!(v, crate::Violation::WaitsTooUneven { .. }))
}

/// The answer when the pins alone break the fairness rule and no schedule holding them
/// was found that keeps it: no schedule, each pinned meeting named with the rule.
pub(super) fn unfair_pins(problem: &Problem, started: Instant) -> Solution {
    let spread = problem.max_wait_spread.unwrap_or(0);
    let conflicts = (0..problem.meetings.len())
        .filter(|&m| problem.meetings[m].fixed.is_some())
        .map(|m| {
            (
                m,
                format!(
                    "the pins alone make some participants wait more than max_wait_spread {spread} times more than others, and no schedule found evens it out"
                ),
            )
        })
        .collect();
    infeasible(problem, conflicts, started)
}
