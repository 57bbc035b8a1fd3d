//! What a publish stores: a done run's solution read against the problem it solved, each
//! placed meeting with its participants and every slot it occupies. Meetings no longer
//! accepted (withdrawn or declined since the solve) are left out and listed.

use std::collections::HashSet;

use rendezvous_solver::{Problem, SolutionDoc};

use crate::store::PlacedMeeting;

/// Why a stored run cannot be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The stored documents do not parse: the store is damaged.
    #[error("stored {0} of the run does not parse: {1}")]
    Corrupt(&'static str, String),
    /// The solution does not fit its problem.
    #[error("{0}")]
    Mismatch(String),
}

/// The meetings to publish, and the ids of those left out because they are no longer
/// accepted.
#[derive(Debug)]
pub struct Placements {
    pub meetings: Vec<PlacedMeeting>,
    pub skipped: Vec<String>,
}

/// Reads a run's stored problem and solution documents into the meetings to publish.
pub fn placements(
    problem: &str,
    solution: &str,
    accepted: &HashSet<String>,
) -> Result<Placements, PublishError> {
    let problem = Problem::from_json(problem).map_err(|e| PublishError::Corrupt("problem", e.to_string()))?;
    let solution: SolutionDoc =
        serde_json::from_str(solution).map_err(|e| PublishError::Corrupt("solution", e.to_string()))?;
    let mut meetings = Vec::new();
    let mut skipped = Vec::new();
    for a in &solution.assignments {
        if !accepted.contains(&a.meeting) {
            skipped.push(a.meeting.clone());
            continue;
        }
        let (Some(m), Some(slot)) = (problem.meeting_index(&a.meeting), problem.slot_index(&a.slot)) else {
            return Err(PublishError::Mismatch(format!(
                "the solution places unknown meeting or slot ({a:?})"
            )));
        };
        if problem.room_index(&a.room).is_none() {
            return Err(PublishError::Mismatch(format!(
                "the solution uses unknown room {:?}",
                a.room
            )));
        }
        let occupied = problem.occupied_slots(m, slot).ok_or_else(|| {
            PublishError::Mismatch(format!("meeting {} runs past the end of its session", a.meeting))
        })?;
        meetings.push(PlacedMeeting {
            request_id: a.meeting.clone(),
            slot_id: a.slot.clone(),
            room_id: a.room.clone(),
            participants: problem.meetings[m]
                .participants
                .iter()
                .map(|&p| problem.participants[p].id.clone())
                .collect(),
            occupied_slots: occupied.map(|s| problem.slots[s].id.clone()).collect(),
        });
    }
    Ok(Placements { meetings, skipped })
}
