//! The `rendezvous-problem/1` document of an event, built from the store: what
//! `GET /events/{event}/problem` returns and what a run solves.

use std::collections::HashMap;

use rendezvous_solver::format::{
    FixedDoc, MeetingDoc, PROBLEM_FORMAT, ParticipantDoc, PenaltiesDoc, PlacementDoc, ProblemDoc, RoomDoc,
    SlotDoc,
};

use crate::domain::request::weight;
use crate::domain::{EventSpec, RequestStatus};
use crate::store::{Event, MeetingRequest, Participant, Pin, Room, Store, StoreResult};

/// The objective's penalties, as in the public benchmark instances: each idle slot between
/// two meetings costs 1, and moving or dropping a published meeting costs 20 (twice a
/// priority-1 meeting), so published meetings stay unless moving them is clearly worth it.
pub const PENALTIES: PenaltiesDoc = PenaltiesDoc {
    idle_slot: 1,
    gap: 0,
    move_: 20,
};

/// Builds the problem of `event`: every slot, room and participant, and every accepted
/// request as a meeting, with `current` set from the published timetable and `fixed` from
/// the organiser's pins.
pub async fn problem_doc(store: &dyn Store, event: &str) -> StoreResult<ProblemDoc> {
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let rooms = store.rooms(event).await?;
    let participants = store.participants(event).await?;
    let requests = store.requests(event, None).await?;
    let current: HashMap<String, PlacementDoc> = store
        .timetable(event)
        .await?
        .map(|t| {
            t.meetings
                .into_iter()
                .map(|m| {
                    (
                        m.request_id,
                        PlacementDoc {
                            slot: m.slot_id,
                            room: m.room_id,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let pins = store.pins(event).await?.pins;
    let mut doc = build_problem_doc(&stored, &spec, rooms, participants, requests, &current);
    apply_pins(&mut doc, &pins);
    Ok(doc)
}

/// Sets each pinned meeting's `fixed` from its pin.
pub fn apply_pins(doc: &mut ProblemDoc, pins: &[Pin]) {
    let by_request: HashMap<&str, &Pin> = pins.iter().map(|p| (p.request_id.as_str(), p)).collect();
    for meeting in &mut doc.meetings {
        if let Some(pin) = by_request.get(meeting.id.as_str()) {
            meeting.fixed = Some(FixedDoc {
                slot: pin.slot_id.clone(),
                room: pin.room_id.clone(),
            });
        }
    }
}

/// The problem of an event from its records: every slot, room and participant, and every
/// accepted request as a meeting (`current` where the published timetable has it). The
/// sample generator builds its problems here too, so they are the service's.
pub fn build_problem_doc(
    event: &Event,
    spec: &EventSpec,
    rooms: Vec<Room>,
    participants: Vec<Participant>,
    requests: Vec<MeetingRequest>,
    current: &HashMap<String, PlacementDoc>,
) -> ProblemDoc {
    ProblemDoc {
        format: PROBLEM_FORMAT.into(),
        name: Some(event.name.clone()),
        timezone: Some(event.timezone.clone()),
        slots: spec
            .slots()
            .iter()
            .map(|s| SlotDoc {
                id: s.id.clone(),
                start: s.start_rfc3339(),
                end: s.end_rfc3339(),
            })
            .collect(),
        rooms: rooms
            .into_iter()
            .map(|r| RoomDoc {
                id: r.id,
                capacity: r.capacity,
                features: r.features,
                unavailable: r.unavailable,
            })
            .collect(),
        participants: participants
            .into_iter()
            .map(|p| ParticipantDoc {
                id: p.id,
                size: p.size,
                unavailable: p.unavailable,
                max_meetings: p.max_meetings,
            })
            .collect(),
        meetings: requests
            .into_iter()
            .filter(|r| r.status == RequestStatus::Accepted)
            .map(|r| MeetingDoc {
                participants: r.participants(),
                duration: r.duration_minutes / event.slot_minutes,
                weight: weight(r.priority, r.duration_minutes / event.slot_minutes),
                features: r.features.clone(),
                allowed_slots: None,
                fixed: None,
                current: current.get(&r.id).cloned(),
                id: r.id,
            })
            .collect(),
        penalties: PENALTIES,
    }
}
