//! Forums as the published business-to-business meeting benchmark describes them (Bofill,
//! Coll, Garcia, Giráldez-Cru, Pesant, Suy, Villaret, JAIR 74 (2022)): participants,
//! identical two-seat tables, a morning and an afternoon of unit slots, meetings between
//! two participants with a morning/afternoon wish, forbidden slots per participant and
//! pinned slots. [`Forum::to_problem_doc`] writes one as a `rendezvous-problem/1` document;
//! [`parse_dzn`] reads the benchmark's MiniZinc data files.

mod dzn;
#[cfg(test)]
mod tests;

pub use dzn::{DznError, parse_dzn};

use chrono::{DateTime, Duration};

use crate::format::{
    FixedDoc, MeetingDoc, PROBLEM_FORMAT, ParticipantDoc, PenaltiesDoc, ProblemDoc, RoomDoc, SlotDoc,
};

/// Minutes of one slot in the documents written, and the break between the sessions.
const SLOT_MINUTES: i64 = 20;
const LUNCH_MINUTES: i64 = 60;
/// The first slot's start (the date is arbitrary: the benchmark has none).
const FIRST_START: &str = "2027-04-17T09:00:00+00:00";
/// Weight of every meeting, as in `shared/instances/pub-forum-*.json`: every meeting must
/// be held, so a meeting outweighs every wait a schedule could have (see [`Forum::weight`]).
const WEIGHT: u32 = 1000;

/// When a meeting wishes to be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionWish {
    Morning,
    Afternoon,
    Any,
}

/// A meeting of two participants (indices into the forum's participants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumMeeting {
    pub participants: (usize, usize),
    pub wish: SessionWish,
    /// The slot it is pinned to (an index into the forum's slots), if any.
    pub fixed: Option<usize>,
}

/// A forum: slots `0..morning_slots` are the morning, the rest the afternoon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forum {
    pub name: Option<String>,
    pub participants: usize,
    pub tables: usize,
    pub slots: usize,
    pub morning_slots: usize,
    pub meetings: Vec<ForumMeeting>,
    /// Per participant, the slots it cannot meet in.
    pub forbidden: Vec<Vec<usize>>,
}

impl Forum {
    /// The weight of each meeting: [`WEIGHT`], or more when the forum could have more waits
    /// than that (each participant waits at most half its slots).
    pub fn weight(&self) -> u32 {
        let most_waits = self.participants.saturating_mul(self.slots / 2).saturating_add(1);
        WEIGHT.max(u32::try_from(most_waits).unwrap_or(u32::MAX))
    }

    /// The forum as a `rendezvous-problem/1` document: slots `s01`…, two-seat tables
    /// `t01`…, participants `p001`…, meetings `m001`… in order; each wait costs 1, every
    /// meeting weighs [`Forum::weight`]; a wish becomes `allowed_slots`, a pin `fixed` (time
    /// only: the tables are identical), a forbidden slot `unavailable`. The morning starts
    /// at 09:00 (UTC, on an arbitrary date), the afternoon an hour after the morning ends;
    /// slots last 20 minutes.
    ///
    /// Indices must be in range (participants below `participants`, slots below `slots`);
    /// [`parse_dzn`] and the generator check that.
    pub fn to_problem_doc(&self) -> ProblemDoc {
        let slot_id = id_maker('s', self.slots);
        let participant_id = id_maker('p', self.participants);
        let table_id = id_maker('t', self.tables);
        let meeting_id = id_maker('m', self.meetings.len());
        let first = DateTime::parse_from_rfc3339(FIRST_START).expect("a valid constant");
        let start_minutes = |t: usize| {
            let t = t as i64;
            let lunch = if t >= self.morning_slots as i64 {
                LUNCH_MINUTES
            } else {
                0
            };
            t * SLOT_MINUTES + lunch
        };
        let at = |minutes: i64| (first + Duration::minutes(minutes)).to_rfc3339();
        let slots = (0..self.slots)
            .map(|t| SlotDoc {
                id: slot_id(t),
                start: at(start_minutes(t)),
                end: at(start_minutes(t) + SLOT_MINUTES),
            })
            .collect();
        let rooms = (0..self.tables)
            .map(|r| RoomDoc {
                id: table_id(r),
                capacity: 2,
                features: Vec::new(),
                unavailable: Vec::new(),
            })
            .collect();
        let participants = (0..self.participants)
            .map(|p| {
                let mut away: Vec<usize> = self.forbidden.get(p).cloned().unwrap_or_default();
                away.sort_unstable();
                away.dedup();
                ParticipantDoc {
                    id: participant_id(p),
                    size: 1,
                    unavailable: away.into_iter().map(&slot_id).collect(),
                    max_meetings: None,
                }
            })
            .collect();
        let weight = self.weight();
        let meetings = self
            .meetings
            .iter()
            .enumerate()
            .map(|(m, meeting)| {
                let allowed = match meeting.wish {
                    SessionWish::Morning => Some(0..self.morning_slots),
                    SessionWish::Afternoon => Some(self.morning_slots..self.slots),
                    SessionWish::Any => None,
                };
                let (a, b) = meeting.participants;
                MeetingDoc {
                    id: meeting_id(m),
                    participants: vec![participant_id(a), participant_id(b)],
                    duration: 1,
                    weight,
                    features: Vec::new(),
                    allowed_slots: allowed.map(|slots| slots.map(&slot_id).collect()),
                    fixed: meeting.fixed.map(|t| FixedDoc {
                        slot: slot_id(t),
                        room: None,
                    }),
                    current: None,
                }
            })
            .collect();
        ProblemDoc {
            format: PROBLEM_FORMAT.to_string(),
            name: self.name.clone(),
            timezone: Some("UTC".to_string()),
            slots,
            rooms,
            participants,
            meetings,
            penalties: PenaltiesDoc {
                idle_slot: 0,
                gap: 1,
                move_: 0,
            },
            max_wait_spread: None,
        }
    }
}

/// Ids `{prefix}{i + 1}`, zero-padded to the width of `count` (at least two digits).
fn id_maker(prefix: char, count: usize) -> impl Fn(usize) -> String {
    let width = count.to_string().len().max(2);
    move |i| format!("{prefix}{:0width$}", i + 1)
}
