//! Why each meeting left out of the schedule is not held.

use crate::construct::no_room_reason;
use crate::model::{Model, Never};
use crate::problem::{MeetingIx, Problem};
use crate::solution::Schedule;

fn names(problem: &Problem, m: MeetingIx) -> String {
    let ids: Vec<&str> = problem.meetings[m]
        .participants
        .iter()
        .map(|&p| problem.participants[p].id.as_str())
        .collect();
    match ids.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => ids.join(""),
    }
}

/// Why each meeting the schedule leaves out is not held.
pub(super) fn reasons_for_unplaced(model: &Model, schedule: &Schedule) -> Vec<(MeetingIx, String)> {
    let problem = model.problem;
    let mut held = vec![0u32; problem.participants.len()];
    let slots = model.slot_count;
    let mut busy = vec![false; problem.participants.len() * slots];
    for (m, placement) in schedule.placements.iter().enumerate() {
        if let Some(placement) = placement {
            for &p in &problem.meetings[m].participants {
                held[p] += 1;
                for t in placement.slot..placement.slot + model.duration(m) {
                    busy[p * slots + t] = true;
                }
            }
        }
    }
    let mut reasons = Vec::new();
    for (m, placement) in schedule.placements.iter().enumerate() {
        if placement.is_some() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let reason = match &model.never[m] {
            Some(Never::NoRoom { seats, features }) => no_room_reason(*seats, features),
            Some(Never::NoCommonSlot) => format!("{} have no common free slot", names(problem, m)),
            Some(Never::NoRoomWhenFree) => {
                format!(
                    "no fitting room is available while {} are all free",
                    names(problem, m)
                )
            }
            Some(Never::PinnedRoomUnfit | Never::PinImpossible) => "its pin cannot be honoured".to_string(),
            None => {
                let full = meeting.participants.iter().find(|&&p| {
                    problem.participants[p]
                        .max_meetings
                        .is_some_and(|cap| held[p] >= cap)
                });
                if let Some(&p) = full {
                    let participant = &problem.participants[p];
                    format!(
                        "not held: {} is full (max_meetings {})",
                        participant.id,
                        participant.max_meetings.unwrap_or_default()
                    )
                } else if model.starts[m].iter().all(|start| {
                    meeting
                        .participants
                        .iter()
                        .any(|&p| (start.slot..start.slot + model.duration(m)).any(|t| busy[p * slots + t]))
                }) {
                    format!(
                        "not held: every common free slot of {} is taken",
                        names(problem, m)
                    )
                } else {
                    "not held: where it still fits, holding it would cost more than it is worth".to_string()
                }
            }
        };
        reasons.push((m, reason));
    }
    reasons
}
