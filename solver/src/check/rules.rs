//! The hard rules 1–6 of the format.

use std::collections::HashMap;
use std::ops::Range;

use crate::problem::{MeetingIx, Placement, Problem, RoomIx, SlotIx};

use super::Violation;
use super::grid::Grid;

/// Rules 1–6 for placements whose indices are known to exist.
pub(super) fn check_rules(
    problem: &Problem,
    grid: &Grid,
    placements: &[Option<Placement>],
    out: &mut Vec<Violation>,
) {
    let mut participant_at: HashMap<(usize, SlotIx), Vec<MeetingIx>> = HashMap::new();
    let mut room_at: HashMap<(RoomIx, SlotIx), Vec<MeetingIx>> = HashMap::new();
    let mut meetings_of: Vec<Vec<MeetingIx>> = vec![Vec::new(); problem.participants.len()];

    for (m, placement) in placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if let Some(pin) = meeting.fixed {
            let honoured =
                placement.is_some_and(|p| p.slot == pin.slot && pin.room.is_none_or(|room| room == p.room));
            if !honoured {
                out.push(Violation::PinNotHonoured {
                    meeting: meeting.id.clone(),
                    pinned_slot: problem.slots[pin.slot].id.clone(),
                    pinned_room: pin.room.map(|r| problem.rooms[r].id.clone()),
                    placed: placement
                        .map(|p| (problem.slots[p.slot].id.clone(), problem.rooms[p.room].id.clone())),
                });
            }
        }
        let Some(placement) = *placement else {
            continue;
        };
        for s in check_placement(problem, grid, m, placement, out) {
            room_at.entry((placement.room, s)).or_default().push(m);
            for &p in &meeting.participants {
                participant_at.entry((p, s)).or_default().push(m);
            }
        }
        for &p in &meeting.participants {
            meetings_of[p].push(m);
        }
    }

    let meeting_ids = |ms: &[MeetingIx]| {
        ms.iter()
            .map(|&m| problem.meetings[m].id.clone())
            .collect::<Vec<_>>()
    };
    // Sorted so that the report reads in a stable order.
    let mut participant_clashes: Vec<_> = participant_at
        .into_iter()
        .filter(|(_, ms)| ms.len() > 1)
        .collect();
    participant_clashes.sort();
    for ((p, s), ms) in participant_clashes {
        out.push(Violation::ParticipantDoubleBooked {
            participant: problem.participants[p].id.clone(),
            meetings: meeting_ids(&ms),
            slot: problem.slots[s].id.clone(),
        });
    }
    let mut room_clashes: Vec<_> = room_at.into_iter().filter(|(_, ms)| ms.len() > 1).collect();
    room_clashes.sort();
    for ((r, s), ms) in room_clashes {
        out.push(Violation::RoomDoubleBooked {
            room: problem.rooms[r].id.clone(),
            meetings: meeting_ids(&ms),
            slot: problem.slots[s].id.clone(),
        });
    }
    for (p, ms) in meetings_of.iter().enumerate() {
        let participant = &problem.participants[p];
        if let Some(max) = participant.max_meetings
            && ms.len() > max as usize
        {
            out.push(Violation::TooManyMeetings {
                participant: participant.id.clone(),
                meetings: meeting_ids(ms),
                max,
            });
        }
    }
}

/// The rules one placement can break on its own (1, and 2–4 apart from clashes with other
/// meetings). Returns the slots it occupies.
pub(super) fn check_placement(
    problem: &Problem,
    grid: &Grid,
    m: MeetingIx,
    placement: Placement,
    out: &mut Vec<Violation>,
) -> Range<SlotIx> {
    let meeting = &problem.meetings[m];
    let room = &problem.rooms[placement.room];
    let slot_id = |s: SlotIx| problem.slots[s].id.clone();
    let (occupied, complete) = grid.run(placement.slot, meeting.duration);
    if !complete {
        out.push(Violation::RunsPastSession {
            meeting: meeting.id.clone(),
            slot: slot_id(placement.slot),
            duration: meeting.duration,
        });
    }
    let seats: u64 = meeting
        .participants
        .iter()
        .map(|&p| u64::from(problem.participants[p].size))
        .sum();
    if seats > u64::from(room.capacity) {
        out.push(Violation::RoomTooSmall {
            meeting: meeting.id.clone(),
            room: room.id.clone(),
            seats,
            capacity: room.capacity,
        });
    }
    let missing: Vec<String> = meeting
        .features
        .iter()
        .filter(|f| !room.features.contains(f))
        .cloned()
        .collect();
    if !missing.is_empty() {
        out.push(Violation::MissingFeatures {
            meeting: meeting.id.clone(),
            room: room.id.clone(),
            features: missing,
        });
    }
    for s in occupied.clone() {
        if let Some(allowed) = &meeting.allowed_slots
            && !allowed.contains(&s)
        {
            out.push(Violation::SlotNotAllowed {
                meeting: meeting.id.clone(),
                slot: slot_id(s),
            });
        }
        if room.unavailable.contains(&s) {
            out.push(Violation::RoomUnavailable {
                room: room.id.clone(),
                meeting: meeting.id.clone(),
                slot: slot_id(s),
            });
        }
        for &p in &meeting.participants {
            let participant = &problem.participants[p];
            if participant.unavailable.contains(&s) {
                out.push(Violation::ParticipantUnavailable {
                    participant: participant.id.clone(),
                    meeting: meeting.id.clone(),
                    slot: slot_id(s),
                });
            }
        }
    }
    occupied
}
