//! The independent checker: every hard rule of the format and the objective, recomputed
//! from the validated [`Problem`] alone.
//!
//! It is written apart from the solver on purpose: it shares none of the solver's model
//! structures, room classes or incremental objective, and it does not even trust
//! [`Problem::sessions`] or [`Problem::occupied_slots`] — consecutive slots and sessions are
//! derived here again from the slot times. A bug would have to be made twice, in two
//! different ways, to pass unnoticed.

mod document;
mod fairness;
mod grid;
mod objective;
mod pins;
mod rules;
#[cfg(test)]
mod tests;
mod violation;

pub use document::check;
pub use violation::Violation;

use crate::format::SolutionDoc;
use crate::problem::{InputError, Placement, Problem, parse_json};
use crate::solution::Schedule;
use fairness::check_fairness;
use grid::Grid;
use objective::objective;
use rules::check_rules;

/// Parses a `rendezvous-solution/1` document, naming the place of the first error
/// (`assignments[2].room: missing field ...`). Ids are not resolved here: [`check`] reports
/// unknown ones as violations.
pub fn parse_solution(text: &str) -> Result<SolutionDoc, InputError> {
    parse_json(text)
}

/// The objective's parts, as the format defines them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Meetings held.
    pub placed: usize,
    /// Sum of the weights of the meetings held.
    pub placed_weight: i64,
    /// Empty slots between a participant's first and last occupied slot of a session,
    /// summed over participants and sessions.
    pub idle_slots: i64,
    /// Maximal runs of idle slots (waits), summed over participants and sessions.
    pub gaps: i64,
    /// Meetings with a `current` placement that were moved or dropped.
    pub moved: i64,
}

/// What the checker found: every broken rule, and the objective recomputed from scratch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    /// The schedule's objective, computed exactly as the format defines it.
    pub objective: i64,
    pub breakdown: Breakdown,
}

impl CheckReport {
    /// True when no rule is broken (and, for a document, its claimed objective is right).
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks an in-memory schedule: every hard constraint, and its objective.
pub fn evaluate(problem: &Problem, schedule: &Schedule) -> CheckReport {
    let mut violations = Vec::new();
    if schedule.placements.len() != problem.meetings.len() {
        violations.push(Violation::WrongMeetingCount {
            expected: problem.meetings.len(),
            found: schedule.placements.len(),
        });
    }
    let placements: Vec<Option<Placement>> = problem
        .meetings
        .iter()
        .enumerate()
        .map(|(m, meeting)| {
            let p = schedule.placements.get(m).copied().flatten()?;
            if p.slot < problem.slots.len() && p.room < problem.rooms.len() {
                Some(p)
            } else {
                violations.push(Violation::IndexOutOfRange {
                    meeting: meeting.id.clone(),
                    slot: p.slot,
                    room: p.room,
                });
                None
            }
        })
        .collect();
    let grid = Grid::new(problem);
    check_rules(problem, &grid, &placements, &mut violations);
    check_fairness(problem, &grid, &placements, &mut violations);
    let (objective, breakdown) = objective(problem, &grid, &placements);
    CheckReport {
        violations,
        objective,
        breakdown,
    }
}
