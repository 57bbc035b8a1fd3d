//! The fairness rule (`max_wait_spread`): the waits of any two participants differ by at
//! most that many.
//!
//! A participant's waits are its gaps (maximal runs of idle slots between two of its
//! meetings in one session), summed over sessions, exactly as the objective counts them
//! ([`idle_and_gaps`]). Every participant of the problem counts, as in the published B2B
//! benchmark: one without meetings has 0 waits, so while someone has no meeting, nobody
//! may wait more than `max_wait_spread` times.

use crate::problem::{Placement, Problem};

use super::Violation;
use super::grid::Grid;
use super::objective::{busy_rows, idle_and_gaps};

/// Each participant's waits, in problem order.
pub(super) fn waits_per_participant(
    problem: &Problem,
    grid: &Grid,
    placements: &[Option<Placement>],
) -> Vec<i64> {
    busy_rows(problem, grid, placements)
        .iter()
        .map(|row| idle_and_gaps(row, &grid.session).1)
        .collect()
}

/// The fairness rule, when the problem has one: one violation naming a participant who
/// waits most and one who waits least, when they are more than `max_wait_spread` apart.
pub(super) fn check_fairness(
    problem: &Problem,
    grid: &Grid,
    placements: &[Option<Placement>],
    out: &mut Vec<Violation>,
) {
    let Some(max_wait_spread) = problem.max_wait_spread else {
        return;
    };
    let waits = waits_per_participant(problem, grid, placements);
    // The first participant (in problem order) with the most waits, and with the least.
    let Some(most) = (0..waits.len()).reduce(|a, b| if waits[b] > waits[a] { b } else { a }) else {
        return;
    };
    let least = (0..waits.len())
        .reduce(|a, b| if waits[b] < waits[a] { b } else { a })
        .unwrap_or(most);
    if waits[most] - waits[least] > i64::from(max_wait_spread) {
        out.push(Violation::WaitsTooUneven {
            max_wait_spread,
            most: waits[most],
            least: waits[least],
            most_waiting: problem.participants[most].id.clone(),
            least_waiting: problem.participants[least].id.clone(),
        });
    }
}
