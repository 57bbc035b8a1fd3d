//! Checking a solution document: its shape, its status claims, then its schedule.

use crate::format::{SOLUTION_FORMAT, SolutionDoc, Status};
use crate::problem::{Placement, Problem};

use super::fairness::check_fairness;
use super::grid::Grid;
use super::objective::objective;
use super::pins::{PinSearch, place_pins};
use super::rules::check_rules;
use super::{CheckReport, Violation};

/// Checks a solution document against a problem: its shape (every meeting exactly once, ids
/// known), the status rules, every hard constraint, and its claimed objective.
///
/// An `infeasible` claim has no schedule to check: instead the checker verifies that no
/// meeting is assigned and that the pinned meetings cannot all be held together.
pub fn check(problem: &Problem, solution: &SolutionDoc) -> CheckReport {
    let mut violations = Vec::new();
    if solution.format != SOLUTION_FORMAT {
        violations.push(Violation::WrongFormat {
            found: solution.format.clone(),
        });
    }

    let mut placements: Vec<Option<Placement>> = vec![None; problem.meetings.len()];
    let mut places: Vec<Vec<String>> = vec![Vec::new(); problem.meetings.len()];
    for (i, a) in solution.assignments.iter().enumerate() {
        let place = format!("assignments[{i}]");
        let Some(m) = problem.meeting_index(&a.meeting) else {
            violations.push(Violation::UnknownMeeting {
                meeting: a.meeting.clone(),
                place,
            });
            continue;
        };
        let slot = problem.slot_index(&a.slot);
        let room = problem.room_index(&a.room);
        if slot.is_none() {
            violations.push(Violation::UnknownSlot {
                meeting: a.meeting.clone(),
                slot: a.slot.clone(),
            });
        }
        if room.is_none() {
            violations.push(Violation::UnknownRoom {
                meeting: a.meeting.clone(),
                room: a.room.clone(),
            });
        }
        // A duplicate is reported below; the first assignment is the one checked.
        if let (Some(slot), Some(room), true) = (slot, room, places[m].is_empty()) {
            placements[m] = Some(Placement { slot, room });
        }
        places[m].push(place);
    }
    for (i, u) in solution.unscheduled.iter().enumerate() {
        let place = format!("unscheduled[{i}]");
        match problem.meeting_index(&u.meeting) {
            Some(m) => places[m].push(place),
            None => violations.push(Violation::UnknownMeeting {
                meeting: u.meeting.clone(),
                place,
            }),
        }
    }
    for (m, places) in places.into_iter().enumerate() {
        let meeting = problem.meetings[m].id.clone();
        match places.len() {
            0 => violations.push(Violation::MissingMeeting { meeting }),
            1 => {}
            _ => violations.push(Violation::DuplicateMeeting { meeting, places }),
        }
    }

    if let Some(bound) = solution.bound
        && solution.objective > bound
    {
        violations.push(Violation::ObjectiveAboveBound {
            objective: solution.objective,
            bound,
        });
    }
    if solution.status == Status::Optimal && solution.bound != Some(solution.objective) {
        violations.push(Violation::OptimalWithoutProof {
            objective: solution.objective,
            bound: solution.bound,
        });
    }

    let grid = Grid::new(problem);
    if solution.status == Status::Infeasible {
        if !solution.assignments.is_empty() {
            violations.push(Violation::InfeasibleWithAssignments {
                assignments: solution.assignments.len(),
            });
        }
        // With a fairness rule the pins alone may break it; then they are no witness of a
        // valid schedule, and the claim stands unrefuted here.
        if let PinSearch::Fit(example) = place_pins(problem, &grid)
            && pins_are_fair(problem, &grid, &example)
        {
            violations.push(Violation::InfeasibleButPinsFit {
                example: example
                    .into_iter()
                    .map(|(m, p)| {
                        (
                            problem.meetings[m].id.clone(),
                            problem.slots[p.slot].id.clone(),
                            problem.rooms[p.room].id.clone(),
                        )
                    })
                    .collect(),
            });
        }
        let empty = vec![None; problem.meetings.len()];
        let (objective, breakdown) = objective(problem, &grid, &empty);
        return CheckReport {
            violations,
            objective,
            breakdown,
        };
    }

    check_rules(problem, &grid, &placements, &mut violations);
    check_fairness(problem, &grid, &placements, &mut violations);
    let (objective, breakdown) = objective(problem, &grid, &placements);
    if solution.objective != objective {
        violations.push(Violation::ObjectiveMismatch {
            claimed: solution.objective,
            recomputed: objective,
        });
    }
    CheckReport {
        violations,
        objective,
        breakdown,
    }
}

/// Whether the pins placed as in `example` (and nothing else) meet the fairness rule.
fn pins_are_fair(problem: &Problem, grid: &Grid, example: &[(usize, Placement)]) -> bool {
    let mut placements = vec![None; problem.meetings.len()];
    for &(m, p) in example {
        placements[m] = Some(p);
    }
    let mut found = Vec::new();
    check_fairness(problem, grid, &placements, &mut found);
    found.is_empty()
}
