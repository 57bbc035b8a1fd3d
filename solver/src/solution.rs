//! What the solver returns, and its `rendezvous-solution/1` form.

use crate::format::{AssignmentDoc, SOLUTION_FORMAT, SolutionDoc, Status, UnscheduledDoc};
use crate::problem::{MeetingIx, Placement, Problem};

/// Where each meeting is held: `placements[m]` is meeting `m`'s first slot and room,
/// or `None` when it is not held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub placements: Vec<Option<Placement>>,
}

impl Schedule {
    /// The schedule that holds no meeting: valid for every problem without pins.
    pub fn empty(problem: &Problem) -> Self {
        Self {
            placements: vec![None; problem.meetings.len()],
        }
    }

    pub fn placed(&self) -> usize {
        self.placements.iter().filter(|p| p.is_some()).count()
    }
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub status: Status,
    pub schedule: Schedule,
    /// The objective of `schedule`, computed exactly as the format defines it.
    pub objective: i64,
    /// A proved upper bound on any schedule's objective, when one is known.
    pub bound: Option<i64>,
    /// Why each unplaced meeting is not held, in meeting order.
    pub reasons: Vec<(MeetingIx, String)>,
    /// Timings and statistics, written under `stats`.
    pub stats: serde_json::Value,
}

impl Solution {
    /// The `rendezvous-solution/1` document for this solution.
    pub fn to_doc(&self, problem: &Problem) -> SolutionDoc {
        let assignments = self
            .schedule
            .placements
            .iter()
            .enumerate()
            .filter_map(|(m, p)| {
                p.map(|p| AssignmentDoc {
                    meeting: problem.meetings[m].id.clone(),
                    slot: problem.slots[p.slot].id.clone(),
                    room: problem.rooms[p.room].id.clone(),
                })
            })
            .collect();
        let mut unscheduled: Vec<UnscheduledDoc> = self
            .reasons
            .iter()
            .map(|(m, reason)| UnscheduledDoc {
                meeting: problem.meetings[*m].id.clone(),
                reason: reason.clone(),
            })
            .collect();
        // Every meeting appears exactly once: give any unplaced meeting without a reason one.
        for (m, p) in self.schedule.placements.iter().enumerate() {
            if p.is_none() && !self.reasons.iter().any(|(r, _)| *r == m) {
                unscheduled.push(UnscheduledDoc {
                    meeting: problem.meetings[m].id.clone(),
                    reason: "not held in the best schedule found".into(),
                });
            }
        }
        SolutionDoc {
            format: SOLUTION_FORMAT.into(),
            status: self.status,
            objective: self.objective,
            bound: self.bound,
            assignments,
            unscheduled,
            stats: Some(self.stats.clone()),
        }
    }
}
