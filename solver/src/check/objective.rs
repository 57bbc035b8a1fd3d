//! The objective as the format defines it: weight held less idle slots, gaps and moves.

use crate::problem::{Placement, Problem};

use super::Breakdown;
use super::grid::Grid;

/// The objective of placements whose indices are known to exist, whatever rules they break.
pub(super) fn objective(
    problem: &Problem,
    grid: &Grid,
    placements: &[Option<Placement>],
) -> (i64, Breakdown) {
    let mut breakdown = Breakdown::default();
    for (m, placement) in placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if let Some(current) = meeting.current
            && *placement != Some(current)
        {
            breakdown.moved += 1;
        }
        if placement.is_none() {
            continue;
        }
        breakdown.placed += 1;
        breakdown.placed_weight += i64::from(meeting.weight);
    }
    for row in &busy_rows(problem, grid, placements) {
        let (idle, gaps) = idle_and_gaps(row, &grid.session);
        breakdown.idle_slots += idle;
        breakdown.gaps += gaps;
    }
    let penalties = problem.penalties;
    let objective = breakdown.placed_weight
        - i64::from(penalties.idle_slot) * breakdown.idle_slots
        - i64::from(penalties.gap) * breakdown.gaps
        - i64::from(penalties.move_) * breakdown.moved;
    (objective, breakdown)
}

/// `busy[p][s]`: whether participant `p` meets in slot `s`.
pub(super) fn busy_rows(problem: &Problem, grid: &Grid, placements: &[Option<Placement>]) -> Vec<Vec<bool>> {
    let mut busy = vec![vec![false; problem.slots.len()]; problem.participants.len()];
    for (m, placement) in placements.iter().enumerate() {
        let Some(p) = placement else { continue };
        let meeting = &problem.meetings[m];
        let (occupied, _) = grid.run(p.slot, meeting.duration);
        for &participant in &meeting.participants {
            busy[participant][occupied.clone()].fill(true);
        }
    }
    busy
}

/// Idle slots and gaps of one participant: `busy[s]` says whether it meets at slot `s`,
/// `session[s]` is the session of slot `s`. Idle time never spans two sessions.
pub(super) fn idle_and_gaps(busy: &[bool], session: &[usize]) -> (i64, i64) {
    let (mut idle, mut gaps) = (0, 0);
    let mut start = 0;
    while start < busy.len() {
        let mut end = start;
        while end < busy.len() && session[end] == session[start] {
            end += 1;
        }
        let row = &busy[start..end];
        if let (Some(first), Some(last)) = (row.iter().position(|&b| b), row.iter().rposition(|&b| b)) {
            let inner = &row[first..=last];
            idle += inner.iter().filter(|&&b| !b).count() as i64;
            gaps += inner.windows(2).filter(|w| w[0] && !w[1]).count() as i64;
        }
        start = end;
    }
    (idle, gaps)
}
