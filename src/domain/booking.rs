//! Where a meeting can be held now: the rules of booking a start slot and a room, as pure
//! functions of what is already taken. The store calls them inside the transaction that
//! writes the booking (under the event's lock), and its unique constraints on occupancy stay
//! the last guard.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::{EventSpec, Rule};

/// Someone who must be at the meeting, as booking sees them.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: String,
    /// Seats taken.
    pub size: u32,
    /// Slots it is not available in.
    pub unavailable: HashSet<String>,
    pub max_meetings: Option<u32>,
    /// Its live meetings other than this one.
    pub placed: u32,
}

/// A table or room, as booking sees it.
#[derive(Debug, Clone)]
pub struct Space {
    pub id: String,
    pub name: String,
    pub capacity: u32,
    pub features: Vec<String>,
    pub unavailable: HashSet<String>,
}

/// What other live meetings occupy: `(participant, slot)` and `(room, slot)`.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    pub people: HashSet<(String, String)>,
    pub rooms: HashSet<(String, String)>,
}

/// Everything a booking decision reads.
#[derive(Debug, Clone)]
pub struct Facts {
    pub parties: Vec<Party>,
    /// In the order they were added.
    pub rooms: Vec<Space>,
    pub taken: Taken,
}

/// What the meeting needs.
#[derive(Debug, Clone, Copy)]
pub struct Need<'a> {
    /// Consecutive slots it lasts.
    pub slots: usize,
    /// Room features it needs.
    pub features: &'a [String],
    /// Slots a participant refused for it.
    pub refused: &'a [String],
}

/// Why a start slot cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unbookable {
    /// No such slot in the event.
    UnknownSlot,
    /// The meeting would run past the end of the slot's session.
    CrossesSession,
    /// The slot has begun or is over.
    Started,
    /// A participant refused this slot for this meeting.
    Refused,
    /// A participant is unavailable, already in another meeting, or has no meeting left in
    /// its quota. Which one is not said: availability and quotas are private.
    NotFree,
    /// No free room has the seats and features.
    NoRoom,
}

impl Unbookable {
    /// Whether the choice itself is wrong (422) rather than taken for now (409).
    pub fn is_invalid(self) -> bool {
        matches!(
            self,
            Self::UnknownSlot | Self::CrossesSession | Self::Started | Self::Refused
        )
    }

    /// The rule `slot` breaks, as the API and the pages say it.
    pub fn rule(self, slot: &str) -> Rule {
        let value = slot.to_owned();
        match self {
            Self::UnknownSlot => Rule::UnknownSlot { value },
            Self::CrossesSession => Rule::PastSessionEnd { value },
            Self::Started => Rule::SlotStarted { value },
            Self::Refused => Rule::SlotRefused { value },
            Self::NotFree => Rule::SlotNotFree { value },
            Self::NoRoom => Rule::NoRoom { value },
        }
    }

    /// What to tell the caller about `slot`, in English.
    pub fn detail(self, slot: &str) -> String {
        self.rule(slot).to_string()
    }
}

/// A bookable start: the slot and the room it would get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeStart {
    pub slot: String,
    /// RFC 3339 with the event's offset.
    pub start: String,
    pub end: String,
    pub room: String,
    pub room_name: String,
}

/// Where a booking goes: every slot it occupies and its room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub slot: String,
    pub occupied: Vec<String>,
    pub room: String,
}

/// Checks that the meeting can start at `slot` now and picks its room: `prefer_room` when it
/// fits (a move keeps its table), else the smallest fitting room, so that big rooms stay
/// free for the delegations that need them.
pub fn place(
    spec: &EventSpec,
    facts: &Facts,
    need: Need<'_>,
    slot: &str,
    now: DateTime<Utc>,
    prefer_room: Option<&str>,
) -> Result<Place, Unbookable> {
    if spec.slot(slot).is_none() {
        return Err(Unbookable::UnknownSlot);
    }
    let run = spec
        .run_from(slot, need.slots.max(1))
        .ok_or(Unbookable::CrossesSession)?;
    if run[0].start.to_utc() <= now {
        return Err(Unbookable::Started);
    }
    let occupied: Vec<String> = run.iter().map(|s| s.id.clone()).collect();
    if occupied.iter().any(|s| need.refused.contains(s)) {
        return Err(Unbookable::Refused);
    }
    for party in &facts.parties {
        let over_quota = party.max_meetings.is_some_and(|max| party.placed >= max);
        let busy = occupied.iter().any(|s| {
            party.unavailable.contains(s) || facts.taken.people.contains(&(party.id.clone(), s.clone()))
        });
        if over_quota || busy {
            return Err(Unbookable::NotFree);
        }
    }
    let seats: u32 = facts.parties.iter().map(|p| p.size).sum();
    let fits = |room: &Space| {
        room.capacity >= seats
            && need.features.iter().all(|f| room.features.contains(f))
            && occupied.iter().all(|s| {
                !room.unavailable.contains(s) && !facts.taken.rooms.contains(&(room.id.clone(), s.clone()))
            })
    };
    let preferred = prefer_room.and_then(|id| facts.rooms.iter().find(|r| r.id == id && fits(r)));
    let room = preferred
        .or_else(|| {
            facts
                .rooms
                .iter()
                .filter(|r| fits(r))
                .min_by_key(|r| (r.capacity, r.features.len()))
        })
        .ok_or(Unbookable::NoRoom)?;
    Ok(Place {
        slot: slot.to_owned(),
        occupied,
        room: room.id.clone(),
    })
}

/// Every start the meeting could be booked at now, in time order, with its room.
pub fn free_starts(spec: &EventSpec, facts: &Facts, need: Need<'_>, now: DateTime<Utc>) -> Vec<FreeStart> {
    spec.slots()
        .iter()
        .filter_map(|slot| {
            let place = place(spec, facts, need, &slot.id, now, None).ok()?;
            let last = spec.slot(place.occupied.last()?)?;
            let room_name = facts.rooms.iter().find(|r| r.id == place.room)?.name.clone();
            Some(FreeStart {
                slot: slot.id.clone(),
                start: slot.start_rfc3339(),
                end: last.end_rfc3339(),
                room: place.room,
                room_name,
            })
        })
        .collect()
}

/// The `limit` free starts nearest in time to `slot` (the one that could not be had).
pub fn nearest(spec: &EventSpec, mut free: Vec<FreeStart>, slot: &str, limit: usize) -> Vec<FreeStart> {
    let index = |id: &str| spec.slots().iter().position(|s| s.id == id).unwrap_or(0);
    let asked = index(slot);
    free.sort_by_key(|f| {
        let at = index(&f.slot);
        (at.abs_diff(asked), at)
    });
    free.truncate(limit);
    free
}

/// A start that could not be booked, with the free ones nearest to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub slot: String,
    pub why: Unbookable,
    pub alternatives: Vec<FreeStart>,
}

/// How many alternatives a refusal offers.
pub const ALTERNATIVES: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DaySpec;
    use chrono::TimeZone;

    fn spec() -> EventSpec {
        EventSpec::new(
            "x",
            "UTC",
            30,
            vec![DaySpec {
                date: "2027-04-17".into(),
                sessions: vec![["10:00".into(), "11:00".into()], ["12:00".into(), "13:00".into()]],
            }],
        )
        .unwrap()
    }

    fn party(id: &str, size: u32) -> Party {
        Party {
            id: id.into(),
            size,
            unavailable: HashSet::new(),
            max_meetings: None,
            placed: 0,
        }
    }

    fn room(id: &str, capacity: u32, features: &[&str]) -> Space {
        Space {
            id: id.into(),
            name: format!("Room {id}"),
            capacity,
            features: features.iter().map(|f| f.to_string()).collect(),
            unavailable: HashSet::new(),
        }
    }

    fn early() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 4, 1, 0, 0, 0).unwrap()
    }

    const ONE: Need<'static> = Need {
        slots: 1,
        features: &[],
        refused: &[],
    };

    #[test]
    fn the_smallest_fitting_room_is_taken_and_a_preferred_one_kept() {
        let facts = Facts {
            parties: vec![party("a", 1), party("b", 3)],
            rooms: vec![
                room("big", 10, &["video"]),
                room("t1", 2, &[]),
                room("mid", 4, &[]),
            ],
            taken: Taken::default(),
        };
        let place = place(&spec(), &facts, ONE, "d1-1000", early(), None).unwrap();
        assert_eq!(place.room, "mid");
        let kept = super::place(&spec(), &facts, ONE, "d1-1000", early(), Some("big")).unwrap();
        assert_eq!(kept.room, "big");
        let needs_video = Need {
            features: &["video".to_string()],
            ..ONE
        };
        assert_eq!(
            super::place(&spec(), &facts, needs_video, "d1-1000", early(), None)
                .unwrap()
                .room,
            "big"
        );
    }

    #[test]
    fn every_reason_is_told_apart() {
        let mut facts = Facts {
            parties: vec![party("a", 1), party("b", 1)],
            rooms: vec![room("t1", 2, &[])],
            taken: Taken::default(),
        };
        let two = Need { slots: 2, ..ONE };
        let at = |facts: &Facts, need, slot, now| place(&spec(), facts, need, slot, now, None).err();
        assert_eq!(at(&facts, ONE, "d9-1000", early()), Some(Unbookable::UnknownSlot));
        assert_eq!(
            at(&facts, two, "d1-1030", early()),
            Some(Unbookable::CrossesSession)
        );
        let later = Utc.with_ymd_and_hms(2027, 4, 17, 10, 0, 0).unwrap();
        assert_eq!(at(&facts, ONE, "d1-1000", later), Some(Unbookable::Started));
        let refused = ["d1-1030".to_string()];
        let need = Need {
            refused: &refused,
            ..two
        };
        assert_eq!(at(&facts, need, "d1-1000", early()), Some(Unbookable::Refused));
        facts.taken.rooms.insert(("t1".into(), "d1-1030".into()));
        assert_eq!(at(&facts, two, "d1-1000", early()), Some(Unbookable::NoRoom));
        facts.taken.people.insert(("b".into(), "d1-1030".into()));
        assert_eq!(at(&facts, two, "d1-1000", early()), Some(Unbookable::NotFree));
        facts.parties[0].max_meetings = Some(1);
        facts.parties[0].placed = 1;
        assert_eq!(at(&facts, ONE, "d1-1200", early()), Some(Unbookable::NotFree));
    }

    #[test]
    fn free_starts_skip_what_is_taken_and_alternatives_are_nearest_first() {
        let mut facts = Facts {
            parties: vec![party("a", 1), party("b", 1)],
            rooms: vec![room("t1", 2, &[])],
            taken: Taken::default(),
        };
        facts.taken.people.insert(("a".into(), "d1-1030".into()));
        let free = free_starts(&spec(), &facts, ONE, early());
        let ids: Vec<&str> = free.iter().map(|f| f.slot.as_str()).collect();
        assert_eq!(ids, ["d1-1000", "d1-1200", "d1-1230"]);
        assert_eq!(free[0].end, "2027-04-17T10:30:00+00:00");
        let near = nearest(&spec(), free, "d1-1200", 2);
        let ids: Vec<&str> = near.iter().map(|f| f.slot.as_str()).collect();
        assert_eq!(ids, ["d1-1200", "d1-1230"]);
    }
}
