//! The broken rules the checker reports, each as one readable line.

use std::fmt;

use crate::format::SOLUTION_FORMAT;
use crate::problem::{RoomIx, SlotIx};

/// One broken rule, with the ids involved. `Display` writes it as one readable line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The document's `format` is not `rendezvous-solution/1`.
    WrongFormat { found: String },
    /// An entry names a meeting the problem does not have; `place` is e.g. `assignments[3]`.
    UnknownMeeting { meeting: String, place: String },
    /// A meeting appears more than once in `assignments` and `unscheduled` together.
    DuplicateMeeting { meeting: String, places: Vec<String> },
    /// A meeting appears neither in `assignments` nor in `unscheduled`.
    MissingMeeting { meeting: String },
    /// An assignment names a slot the problem does not have.
    UnknownSlot { meeting: String, slot: String },
    /// An assignment names a room the problem does not have.
    UnknownRoom { meeting: String, room: String },
    /// An in-memory schedule does not have one entry per meeting.
    WrongMeetingCount { expected: usize, found: usize },
    /// An in-memory placement refers to a slot or room index that does not exist.
    IndexOutOfRange {
        meeting: String,
        slot: SlotIx,
        room: RoomIx,
    },
    /// `status` is `infeasible` but meetings are assigned.
    InfeasibleWithAssignments { assignments: usize },
    /// `status` is `infeasible` although every pinned meeting can be held together.
    InfeasibleButPinsFit { example: Vec<(String, String, String)> },
    /// The claimed objective is above the claimed bound.
    ObjectiveAboveBound { objective: i64, bound: i64 },
    /// `status` is `optimal` but the bound is missing or differs from the objective.
    OptimalWithoutProof { objective: i64, bound: Option<i64> },
    /// Rule 1: the meeting's `duration` slots starting at `slot` are not consecutive slots
    /// of one session.
    RunsPastSession {
        meeting: String,
        slot: String,
        duration: u32,
    },
    /// Rule 2: a participant is in several meetings at one slot.
    ParticipantDoubleBooked {
        participant: String,
        meetings: Vec<String>,
        slot: String,
    },
    /// Rule 2: a participant meets in one of its `unavailable` slots.
    ParticipantUnavailable {
        participant: String,
        meeting: String,
        slot: String,
    },
    /// Rule 2: a meeting occupies a slot outside its `allowed_slots`.
    SlotNotAllowed { meeting: String, slot: String },
    /// Rule 3: a room holds several meetings at one slot.
    RoomDoubleBooked {
        room: String,
        meetings: Vec<String>,
        slot: String,
    },
    /// Rule 3: a room is used in one of its `unavailable` slots.
    RoomUnavailable {
        room: String,
        meeting: String,
        slot: String,
    },
    /// Rule 4: the room has fewer seats than the meeting's participants take.
    RoomTooSmall {
        meeting: String,
        room: String,
        seats: u64,
        capacity: u32,
    },
    /// Rule 4: the room lacks features the meeting needs.
    MissingFeatures {
        meeting: String,
        room: String,
        features: Vec<String>,
    },
    /// Rule 5: a participant has more meetings than its `max_meetings`.
    TooManyMeetings {
        participant: String,
        meetings: Vec<String>,
        max: u32,
    },
    /// Rule 6: a pinned meeting is not where it is pinned (`placed` is where it is, if held).
    PinNotHonoured {
        meeting: String,
        pinned_slot: String,
        pinned_room: Option<String>,
        placed: Option<(String, String)>,
    },
    /// Fairness (`max_wait_spread`): `most_waiting` waits `most` times and
    /// `least_waiting` `least` times, more than `max_wait_spread` apart. Waits are gaps as
    /// the objective counts them; a participant without meetings has 0.
    WaitsTooUneven {
        max_wait_spread: u32,
        most: i64,
        least: i64,
        most_waiting: String,
        least_waiting: String,
    },
    /// The document's `objective` is not the schedule's objective.
    ObjectiveMismatch { claimed: i64, recomputed: i64 },
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
struct Ids<'a>(&'a [String]);

impl fmt::Display for Ids<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        for (i, id) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == n { " and " } else { ", " })?;
            }
            write!(f, "{id:?}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongFormat { found } => {
                write!(f, "format is {found:?}, expected {SOLUTION_FORMAT:?}")
            }
            Self::UnknownMeeting { meeting, place } => {
                write!(f, "{place} names unknown meeting {meeting:?}")
            }
            Self::DuplicateMeeting { meeting, places } => {
                write!(
                    f,
                    "meeting {meeting:?} appears {} times: {}",
                    places.len(),
                    places.join(", ")
                )
            }
            Self::MissingMeeting { meeting } => {
                write!(
                    f,
                    "meeting {meeting:?} is neither in assignments nor in unscheduled"
                )
            }
            Self::UnknownSlot { meeting, slot } => {
                write!(f, "meeting {meeting:?} is assigned to unknown slot {slot:?}")
            }
            Self::UnknownRoom { meeting, room } => {
                write!(f, "meeting {meeting:?} is assigned to unknown room {room:?}")
            }
            Self::WrongMeetingCount { expected, found } => {
                write!(f, "the schedule has {found} entries for {expected} meetings")
            }
            Self::IndexOutOfRange { meeting, slot, room } => {
                write!(
                    f,
                    "meeting {meeting:?} is placed at slot index {slot}, room index {room}, which do not exist"
                )
            }
            Self::InfeasibleWithAssignments { assignments } => {
                write!(
                    f,
                    "status is \"infeasible\" but {assignments} meetings are assigned"
                )
            }
            Self::InfeasibleButPinsFit { example } if example.is_empty() => {
                write!(
                    f,
                    "status is \"infeasible\" but the problem has no pins: the empty schedule is valid"
                )
            }
            Self::InfeasibleButPinsFit { example } => {
                write!(
                    f,
                    "status is \"infeasible\" but all pinned meetings can be held together:"
                )?;
                for (i, (meeting, slot, room)) in example.iter().enumerate() {
                    let sep = if i == 0 { " " } else { ", " };
                    write!(f, "{sep}{meeting:?} at slot {slot:?} in room {room:?}")?;
                }
                Ok(())
            }
            Self::ObjectiveAboveBound { objective, bound } => {
                write!(f, "objective {objective} is above bound {bound}")
            }
            Self::OptimalWithoutProof {
                objective,
                bound: Some(bound),
            } => {
                write!(
                    f,
                    "status is \"optimal\" but objective {objective} differs from bound {bound}"
                )
            }
            Self::OptimalWithoutProof {
                objective,
                bound: None,
            } => {
                write!(
                    f,
                    "status is \"optimal\" but there is no bound to prove objective {objective}"
                )
            }
            Self::RunsPastSession {
                meeting,
                slot,
                duration,
            } => write!(
                f,
                "meeting {meeting:?} starting at slot {slot:?} needs {duration} consecutive slots of one session"
            ),
            Self::ParticipantDoubleBooked {
                participant,
                meetings,
                slot,
            } => {
                write!(
                    f,
                    "participant {participant:?} is in meetings {} at slot {slot:?}",
                    Ids(meetings)
                )
            }
            Self::ParticipantUnavailable {
                participant,
                meeting,
                slot,
            } => write!(
                f,
                "participant {participant:?} is unavailable at slot {slot:?} but in meeting {meeting:?}"
            ),
            Self::SlotNotAllowed { meeting, slot } => {
                write!(
                    f,
                    "meeting {meeting:?} occupies slot {slot:?}, which is not in its allowed_slots"
                )
            }
            Self::RoomDoubleBooked { room, meetings, slot } => {
                write!(
                    f,
                    "room {room:?} holds meetings {} at slot {slot:?}",
                    Ids(meetings)
                )
            }
            Self::RoomUnavailable { room, meeting, slot } => {
                write!(
                    f,
                    "room {room:?} is unavailable at slot {slot:?} but holds meeting {meeting:?}"
                )
            }
            Self::RoomTooSmall {
                meeting,
                room,
                seats,
                capacity,
            } => write!(
                f,
                "meeting {meeting:?} needs {seats} seats but room {room:?} has {capacity}"
            ),
            Self::MissingFeatures {
                meeting,
                room,
                features,
            } => write!(
                f,
                "meeting {meeting:?} needs {} but room {room:?} lacks it",
                Ids(features)
            ),
            Self::TooManyMeetings {
                participant,
                meetings,
                max,
            } => write!(
                f,
                "participant {participant:?} has {} meetings ({}), more than its max_meetings {max}",
                meetings.len(),
                Ids(meetings)
            ),
            Self::PinNotHonoured {
                meeting,
                pinned_slot,
                pinned_room,
                placed,
            } => {
                write!(f, "meeting {meeting:?} is pinned to slot {pinned_slot:?}")?;
                if let Some(room) = pinned_room {
                    write!(f, " in room {room:?}")?;
                }
                match placed {
                    Some((slot, room)) => write!(f, " but is at slot {slot:?} in room {room:?}"),
                    None => write!(f, " but is not scheduled"),
                }
            }
            Self::WaitsTooUneven {
                max_wait_spread,
                most,
                least,
                most_waiting,
                least_waiting,
            } => write!(
                f,
                "participant {most_waiting:?} waits {most} times and {least_waiting:?} {least}: more than max_wait_spread {max_wait_spread} apart"
            ),
            Self::ObjectiveMismatch { claimed, recomputed } => {
                write!(
                    f,
                    "claimed objective {claimed} differs from the recomputed {recomputed}"
                )
            }
        }
    }
}
