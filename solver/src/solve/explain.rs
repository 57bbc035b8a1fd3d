//! Why each meeting left out of the schedule is not held.

use crate::model::{Model, Never};
use crate::problem::{MeetingIx, Problem};
use crate::solution::{Schedule, Unplaced};

fn names(problem: &Problem, m: MeetingIx) -> Vec<String> {
    problem.meetings[m]
        .participants
        .iter()
        .map(|&p| problem.participants[p].id.clone())
        .collect()
}

/// Why each meeting the schedule leaves out is not held. `proved` says whether the
/// schedule is proved optimal: only then may a meeting that still fits be called not worth
/// holding.
pub(super) fn reasons_for_unplaced(
    model: &Model,
    schedule: &Schedule,
    proved: bool,
) -> Vec<(MeetingIx, Unplaced)> {
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
            Some(Never::NoRoom { seats, features }) => Unplaced::NoRoom {
                seats: *seats,
                features: features.clone(),
            },
            Some(Never::NoCommonSlot) => Unplaced::NoCommonSlot {
                participants: names(problem, m),
            },
            Some(Never::NoRoomWhenFree) => Unplaced::NoRoomWhenFree {
                participants: names(problem, m),
            },
            Some(Never::PinnedRoomUnfit | Never::PinImpossible) => Unplaced::PinCannotBeHonoured,
            None => {
                let full = meeting.participants.iter().find_map(|&p| {
                    let participant = &problem.participants[p];
                    participant
                        .max_meetings
                        .filter(|&cap| held[p] >= cap)
                        .map(|cap| (participant, cap))
                });
                if let Some((participant, max_meetings)) = full {
                    Unplaced::ParticipantFull {
                        participant: participant.id.clone(),
                        max_meetings,
                    }
                } else if model.starts[m].iter().all(|start| {
                    meeting
                        .participants
                        .iter()
                        .any(|&p| (start.slot..start.slot + model.duration(m)).any(|t| busy[p * slots + t]))
                }) {
                    Unplaced::SlotsTaken {
                        participants: names(problem, m),
                    }
                } else if proved {
                    Unplaced::NotWorthIt
                } else {
                    Unplaced::Unproved
                }
            }
        };
        reasons.push((m, reason));
    }
    reasons
}
