//! The `rendezvous-problem/1` document of an event, built from the store: what
//! `GET /events/{event}/problem` returns and what a run solves.

use std::collections::{HashMap, HashSet};

use rendezvous_solver::format::{
    FixedDoc, MeetingDoc, PROBLEM_FORMAT, ParticipantDoc, PenaltiesDoc, PlacementDoc, ProblemDoc, RoomDoc,
    SlotDoc,
};

use crate::domain::request::weight;
use crate::domain::{EventSpec, MeetingState, RequestStatus};
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
/// request as a meeting, placed where the live timetable has it, with `fixed` from the
/// organiser's pins (a pin outranks a booking's place).
pub async fn problem_doc(store: &dyn Store, event: &str) -> StoreResult<ProblemDoc> {
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let rooms = store.rooms(event).await?;
    let participants = store.participants(event).await?;
    let requests = store.requests(event, None).await?;
    let pins = store.pins(event).await?.pins;
    let mut doc = build_problem_doc(&stored, &spec, rooms, participants, requests);
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

/// The slots booked meetings hold, by room or participant id.
type Held<'a> = HashMap<&'a str, HashSet<&'a str>>;

/// The problem of an event from its records: every slot, room and participant, and every
/// accepted request as a meeting. A booked meeting is `fixed` where it is (its participants
/// agreed on that slot; the organiser can release it); a scheduled or confirmed one has its
/// place as `current` (moving it costs `penalties.move`); slots a participant refused for a
/// meeting are left out of its `allowed_slots`. A booking stands until it is moved or
/// cancelled: a slot marked unavailable (by a participant or for a room) after it was booked
/// there is not unavailable for it, or its pin would make the whole solve infeasible. The
/// sample generator builds its problems here too, so they are the service's.
pub fn build_problem_doc(
    event: &Event,
    spec: &EventSpec,
    rooms: Vec<Room>,
    participants: Vec<Participant>,
    requests: Vec<MeetingRequest>,
) -> ProblemDoc {
    let slots: Vec<SlotDoc> = spec
        .slots()
        .iter()
        .map(|s| SlotDoc {
            id: s.id.clone(),
            start: s.start_rfc3339(),
            end: s.end_rfc3339(),
        })
        .collect();
    let allowed = |refused: &[String]| {
        (!refused.is_empty()).then(|| {
            slots
                .iter()
                .filter(|s| !refused.contains(&s.id))
                .map(|s| s.id.clone())
                .collect()
        })
    };
    // What each booked meeting holds, slot by slot: its room's and its participants'.
    let (mut rooms_held, mut people_held): (Held<'_>, Held<'_>) = Default::default();
    for r in requests.iter().filter(|r| r.status == RequestStatus::Accepted) {
        let Some(m) = r.placed().filter(|m| m.state == MeetingState::Booked) else {
            continue;
        };
        let count = (r.duration_minutes / event.slot_minutes.max(1)).max(1) as usize;
        for slot in spec.run_from(&m.slot_id, count).unwrap_or_default() {
            rooms_held.entry(&m.room_id).or_default().insert(&slot.id);
            for p in std::iter::once(&r.requester).chain(r.invitees.iter().map(|i| &i.participant)) {
                people_held.entry(p).or_default().insert(&slot.id);
            }
        }
    }
    let available = |held: &Held<'_>, id: &str, unavailable: Vec<String>| -> Vec<String> {
        match held.get(id) {
            Some(booked) => unavailable
                .into_iter()
                .filter(|s| !booked.contains(s.as_str()))
                .collect(),
            None => unavailable,
        }
    };
    let rooms: Vec<RoomDoc> = rooms
        .into_iter()
        .map(|r| RoomDoc {
            unavailable: available(&rooms_held, &r.id, r.unavailable),
            id: r.id,
            capacity: r.capacity,
            features: r.features,
        })
        .collect();
    let participants: Vec<ParticipantDoc> = participants
        .into_iter()
        .map(|p| ParticipantDoc {
            unavailable: available(&people_held, &p.id, p.profile.unavailable),
            id: p.id,
            size: p.profile.size,
            max_meetings: p.profile.max_meetings,
        })
        .collect();
    let meetings = requests
        .iter()
        .filter(|r| r.status == RequestStatus::Accepted)
        .map(|r| {
            let placed = r.placed().map(|m| {
                let place = PlacementDoc {
                    slot: m.slot_id.clone(),
                    room: m.room_id.clone(),
                };
                (m.state == MeetingState::Booked, place)
            });
            MeetingDoc {
                participants: r.participants(),
                duration: r.duration_minutes / event.slot_minutes,
                weight: weight(r.priority, r.duration_minutes / event.slot_minutes),
                features: r.features.clone(),
                allowed_slots: allowed(&r.life.refused_slots),
                fixed: placed
                    .as_ref()
                    .filter(|(booked, _)| *booked)
                    .map(|(_, p)| FixedDoc {
                        slot: p.slot.clone(),
                        room: Some(p.room.clone()),
                    }),
                current: placed.map(|(_, p)| p),
                id: r.id.clone(),
            }
        })
        .collect();
    ProblemDoc {
        format: PROBLEM_FORMAT.into(),
        name: Some(event.name.clone()),
        timezone: Some(event.timezone.clone()),
        slots,
        rooms,
        participants,
        meetings,
        penalties: PENALTIES,
        max_wait_spread: event.max_wait_spread,
    }
}
