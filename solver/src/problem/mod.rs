//! The validated, indexed problem. Every id is resolved to an index once, here, so the
//! checker and the solver never look up strings.

mod input;
#[cfg(test)]
mod tests;
mod validate;

pub use input::InputError;
pub(crate) use input::parse_json;

use std::collections::HashMap;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};

use crate::format::ProblemDoc;

/// Index of a slot in [`Problem::slots`] (sorted by start time).
pub type SlotIx = usize;
/// Index of a room in [`Problem::rooms`].
pub type RoomIx = usize;
/// Index of a participant in [`Problem::participants`].
pub type ParticipantIx = usize;
/// Index of a meeting in [`Problem::meetings`].
pub type MeetingIx = usize;

#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Index into [`Problem::sessions`].
    pub session: usize,
}

/// A maximal run of consecutive slots: `slots` is a range of slot indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub slots: Range<SlotIx>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub id: String,
    pub capacity: u32,
    /// Sorted, without duplicates.
    pub features: Vec<String>,
    /// Sorted slot indices, without duplicates.
    pub unavailable: Vec<SlotIx>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: String,
    pub size: u32,
    /// Sorted slot indices, without duplicates.
    pub unavailable: Vec<SlotIx>,
    pub max_meetings: Option<u32>,
}

/// A first slot and, unless only the time is pinned, a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    pub slot: SlotIx,
    pub room: Option<RoomIx>,
}

/// A first slot and a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Placement {
    pub slot: SlotIx,
    pub room: RoomIx,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: String,
    /// Distinct participant indices, in document order.
    pub participants: Vec<ParticipantIx>,
    pub duration: u32,
    pub weight: u32,
    /// Sorted, without duplicates.
    pub features: Vec<String>,
    /// Sorted slot indices, without duplicates; `None` allows every slot.
    pub allowed_slots: Option<Vec<SlotIx>>,
    pub fixed: Option<Pin>,
    pub current: Option<Placement>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Penalties {
    pub idle_slot: u32,
    pub gap: u32,
    pub move_: u32,
}

/// A validated `rendezvous-problem/1`, with every id resolved to an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub name: Option<String>,
    pub timezone: Option<String>,
    /// Sorted by start time.
    pub slots: Vec<Slot>,
    /// In time order.
    pub sessions: Vec<Session>,
    pub rooms: Vec<Room>,
    pub participants: Vec<Participant>,
    pub meetings: Vec<Meeting>,
    pub penalties: Penalties,
    /// Fairness: the waits of any two participants (gaps, summed over sessions, as the
    /// objective counts them; a participant without meetings has 0) differ by at most
    /// this many. `None`: no such rule.
    pub max_wait_spread: Option<u32>,
    slot_by_id: HashMap<String, SlotIx>,
    room_by_id: HashMap<String, RoomIx>,
    meeting_by_id: HashMap<String, MeetingIx>,
}

impl Problem {
    /// Parses and validates a JSON problem document.
    pub fn from_json(text: &str) -> Result<Self, InputError> {
        Self::try_from(parse_json::<ProblemDoc>(text)?)
    }

    pub fn slot_index(&self, id: &str) -> Option<SlotIx> {
        self.slot_by_id.get(id).copied()
    }

    pub fn room_index(&self, id: &str) -> Option<RoomIx> {
        self.room_by_id.get(id).copied()
    }

    pub fn meeting_index(&self, id: &str) -> Option<MeetingIx> {
        self.meeting_by_id.get(id).copied()
    }

    /// The slots a meeting occupies when it starts at `first`, or `None` when its
    /// duration runs past the end of that slot's session.
    pub fn occupied_slots(&self, meeting: MeetingIx, first: SlotIx) -> Option<Range<SlotIx>> {
        let end = first + self.meetings[meeting].duration as usize;
        let session = &self.sessions[self.slots.get(first)?.session];
        (end <= session.slots.end).then_some(first..end)
    }

    /// Seats a meeting needs: the sum of its participants' sizes.
    pub fn seats_needed(&self, meeting: MeetingIx) -> u64 {
        self.meetings[meeting]
            .participants
            .iter()
            .map(|&p| u64::from(self.participants[p].size))
            .sum()
    }

    /// Whether a room has the seats and every feature a meeting needs.
    pub fn room_fits(&self, meeting: MeetingIx, room: RoomIx) -> bool {
        let room_ref = &self.rooms[room];
        u64::from(room_ref.capacity) >= self.seats_needed(meeting)
            && self.meetings[meeting]
                .features
                .iter()
                .all(|f| room_ref.features.binary_search(f).is_ok())
    }
}
