//! The solution handed back: concrete rooms, exact objective, status and statistics.

use std::time::Instant;

use serde_json::json;

use crate::format::Status;
use crate::model::Model;
use crate::problem::{MeetingIx, Problem};
use crate::rooms::assign_rooms;
use crate::solution::{Schedule, Solution};
use crate::state::{Score, Spot, objective_of_schedule, score_schedule};

use super::explain::reasons_for_unplaced;
use super::report::Reporter;

/// Concrete rooms, exact objective, reasons and statistics for the best class-level
/// schedule.
pub(super) fn finish(
    problem: &Problem,
    model: &Model,
    spots: &[Option<Spot>],
    report: &mut Reporter,
    mut stats: serde_json::Value,
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
    report.incumbent(objective, "rooms");
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
        reasons: reasons_for_unplaced(model, &schedule),
        schedule,
        objective,
        bound,
        stats,
    }
}

fn add_score_stats(
    stats: &mut serde_json::Value,
    score: &Score,
    objective: i64,
    bound: Option<i64>,
    seconds: f64,
) {
    stats["seconds"] = json!(seconds);
    stats["placed"] = json!(score.placed);
    stats["placed_weight"] = json!(score.weight);
    stats["idle_slots"] = json!(score.idle);
    stats["gaps"] = json!(score.gaps);
    stats["moved"] = json!(score.moved);
    stats["gap"] = json!(bound.map(|b| (b - objective) as f64 / b.unsigned_abs().max(1) as f64));
}

pub(super) fn infeasible(problem: &Problem, reasons: Vec<(MeetingIx, String)>, started: Instant) -> Solution {
    let schedule = Schedule::empty(problem);
    let score = score_schedule(problem, &schedule);
    let objective = objective_of_schedule(problem, &score);
    let mut all = reasons.clone();
    for m in 0..problem.meetings.len() {
        if !reasons.iter().any(|(r, _)| *r == m) {
            all.push((m, "not scheduled: the pins contradict each other".to_string()));
        }
    }
    all.sort_by_key(|(m, _)| *m);
    Solution {
        status: Status::Infeasible,
        schedule,
        objective,
        bound: None,
        reasons: all,
        stats: json!({
            "seconds": started.elapsed().as_secs_f64(),
            "conflicting_pins": reasons.iter().map(|(m, _)| problem.meetings[*m].id.clone()).collect::<Vec<_>>(),
        }),
    }
}
