//! A meeting's life after its request is accepted.
//!
//! ```text
//! accepted, no slot --solver, publish--> scheduled --every participant confirms--> confirmed
//! accepted at a slot ------------------> booked (fixed for the solver)
//! booked --organiser releases--> scheduled (the solver may move it)
//! scheduled | confirmed --a participant asks for another slot--> back to the solver
//! any placed --a move every other participant accepts--> booked at the new slot
//! any placed --a participant cancels, with a reason--> cancelled (slot and table freed)
//! placed, after its start --check-in--> held | no-show --> rated by each participant
//! ```
//! The store runs each step as one transaction under the event's lock and calls the rules
//! here on what it read inside it; each step yields [`MeetingEvent`]s for whoever must hear.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::RequestStatus;

/// Where a placed meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeetingState {
    /// Its participants agreed on the slot: fixed for the solver.
    Booked,
    /// Placed by a published timetable.
    Scheduled,
    /// Placed by a published timetable and confirmed by every participant.
    Confirmed,
    /// Cancelled by a participant; listed with the reason.
    Cancelled,
}

impl MeetingState {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Scheduled => "scheduled",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Booked, Self::Scheduled, Self::Confirmed, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Placed by the solver (it may move it at the next solve).
    pub fn from_solver(self) -> bool {
        matches!(self, Self::Scheduled | Self::Confirmed)
    }
}

/// What check-in recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Held,
    NoShow,
}

impl Outcome {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::NoShow => "no_show",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Held, Self::NoShow]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A meeting where it is now: its place in the live timetable.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveMeeting {
    pub state: MeetingState,
    pub slot_id: String,
    pub room_id: String,
    /// Raised each time it moves or is cancelled (iCalendar SEQUENCE).
    pub sequence: i64,
    /// The published version that placed it (none when booked).
    pub version: Option<i64>,
    /// Why it was cancelled.
    pub reason: Option<String>,
    /// The participants who confirmed its slot.
    pub confirmed_by: Vec<String>,
    pub attendance: Option<Outcome>,
    /// Who did not come, for a no-show.
    pub absent: Vec<String>,
    /// Who recorded the attendance (a participant id, or `organiser`).
    pub attendance_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A participant's proposal to hold the meeting at another slot.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveProposal {
    pub slot_id: String,
    pub proposed_by: String,
    /// The other participants who accepted it so far.
    pub accepted_by: Vec<String>,
}

/// Something that happened to a meeting, once its transaction committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingEvent {
    Booked {
        request: String,
        slot: String,
        room: String,
    },
    Moved {
        request: String,
        slot: String,
        room: String,
        sequence: i64,
    },
    MoveProposed {
        request: String,
        slot: String,
        by: String,
    },
    Cancelled {
        request: String,
        by: String,
        reason: String,
    },
    Released {
        request: String,
    },
    Confirmed {
        request: String,
        by: String,
        everyone: bool,
    },
    SlotRefused {
        request: String,
        by: String,
        slot: String,
    },
    Offered {
        request: String,
        slot: String,
    },
    Expired {
        request: String,
    },
    CheckedIn {
        request: String,
        outcome: Outcome,
    },
}

/// A step the meeting's state does not allow; the message says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(message.into()))
}

/// Longest cancellation reason, in characters.
pub const MAX_REASON: usize = 500;
/// Ratings a participant may give.
pub const RATING: std::ops::RangeInclusive<u32> = 1..=5;

/// A cancellation (or a withdrawal of an accepted meeting): only of an accepted request
/// whose meeting was not held or missed.
pub fn may_cancel(status: RequestStatus, meeting: Option<&LiveMeeting>) -> Result<(), Refusal> {
    if status != RequestStatus::Accepted {
        return refuse(format!(
            "the request is {}; only an accepted meeting can be cancelled",
            status.as_str()
        ));
    }
    if let Some(outcome) = meeting.and_then(|m| m.attendance) {
        return refuse(format!("the meeting is over: it was marked {}", outcome.as_str()));
    }
    Ok(())
}

/// Participant `by` confirms the slot of a scheduled meeting; returns who confirmed after
/// it and whether that is everyone.
pub fn confirm(
    meeting: Option<&LiveMeeting>,
    by: &str,
    everyone: &[String],
) -> Result<(Vec<String>, bool), Refusal> {
    let Some(m) = meeting.filter(|m| m.state != MeetingState::Cancelled) else {
        return refuse("the meeting has no slot to confirm");
    };
    if !m.state.from_solver() {
        return refuse("a booked meeting was agreed already; there is nothing to confirm");
    }
    if m.confirmed_by.iter().any(|p| p == by) {
        return refuse("you confirmed this slot already");
    }
    let mut confirmed = m.confirmed_by.clone();
    confirmed.push(by.to_owned());
    let all = everyone.iter().all(|p| confirmed.contains(p));
    Ok((confirmed, all))
}

/// A participant asks for another slot than the solver's: only for a scheduled or confirmed
/// meeting that has not begun.
pub fn may_refuse_slot(meeting: Option<&LiveMeeting>, started: bool) -> Result<(), Refusal> {
    match meeting {
        Some(m) if m.state.from_solver() && !started => Ok(()),
        Some(m) if m.state.from_solver() => refuse("the meeting has begun"),
        Some(m) if m.state == MeetingState::Booked => {
            refuse("the meeting is booked at a slot its participants agreed; propose a move instead")
        }
        _ => refuse("the meeting has no slot to refuse"),
    }
}

/// A move may be proposed for an accepted meeting that is not cancelled or over.
pub fn may_propose_move(status: RequestStatus, meeting: Option<&LiveMeeting>) -> Result<(), Refusal> {
    may_cancel(status, meeting)
        .map_err(|_| Refusal("only an accepted meeting that is not over can move".into()))
}

/// Participant `by` accepts a proposed move; returns who accepted after it and whether every
/// participant but the proposer now has.
pub fn accept_move(
    proposal: Option<&MoveProposal>,
    by: &str,
    everyone: &[String],
) -> Result<(Vec<String>, bool), Refusal> {
    let Some(p) = proposal else {
        return refuse("no move is proposed for this meeting");
    };
    if p.proposed_by == by {
        return refuse("you proposed this move; the other participants accept it");
    }
    if p.accepted_by.iter().any(|a| a == by) {
        return refuse("you accepted this move already");
    }
    let mut accepted = p.accepted_by.clone();
    accepted.push(by.to_owned());
    let all = everyone
        .iter()
        .filter(|e| **e != p.proposed_by)
        .all(|e| accepted.contains(e));
    Ok((accepted, all))
}

/// The organiser hands a booked meeting back to the solver.
pub fn may_release(meeting: Option<&LiveMeeting>) -> Result<(), Refusal> {
    match meeting {
        Some(m) if m.state == MeetingState::Booked && m.attendance.is_none() => Ok(()),
        _ => refuse("only a booked meeting that is not over can be released to the solver"),
    }
}

/// Check-in: a placed meeting, after its start. A participant records it once; the
/// organiser may correct it.
pub fn may_check_in(meeting: Option<&LiveMeeting>, started: bool, by_organiser: bool) -> Result<(), Refusal> {
    let Some(m) = meeting.filter(|m| m.state != MeetingState::Cancelled) else {
        return refuse("only a placed meeting can be checked in");
    };
    if !started {
        return refuse("the meeting has not begun");
    }
    if let (Some(outcome), false) = (m.attendance, by_organiser) {
        return refuse(format!(
            "the meeting was marked {} already; the organiser can correct it",
            outcome.as_str()
        ));
    }
    Ok(())
}

/// Why the organiser cannot pin a meeting where asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinRefused {
    /// Only an accepted request is a meeting to place.
    NotAccepted(RequestStatus),
    /// Its participants booked it at a slot they agreed on, which holds it there already;
    /// released to the solver, it can be pinned elsewhere.
    Booked,
    /// It was checked in (held or missed): it is over.
    Over(Outcome),
    /// It was cancelled.
    Cancelled,
}

impl PinRefused {
    /// The refusal in English, as the API's problem says it.
    pub fn message(self) -> String {
        match self {
            Self::NotAccepted(status) => format!(
                "the request is {}; only an accepted request can be pinned",
                status.as_str()
            ),
            Self::Booked => "the meeting is booked at a slot its participants agreed; it can be pinned only \
                             there, or elsewhere once released to the solver"
                .into(),
            Self::Over(outcome) => format!("the meeting is over: it was marked {}", outcome.as_str()),
            Self::Cancelled => "the meeting was cancelled".into(),
        }
    }
}

/// Whether the organiser may pin the meeting at first slot `slot` (and `room`, when it
/// names one): an accepted request whose meeting is not over or cancelled; a booked one
/// only where its participants booked it (the solver keeps it there anyway), since moving it
/// would undo what they agreed (the organiser releases it to the solver first).
pub fn may_pin(
    status: RequestStatus,
    meeting: Option<&LiveMeeting>,
    slot: &str,
    room: Option<&str>,
) -> Result<(), PinRefused> {
    if status != RequestStatus::Accepted {
        return Err(PinRefused::NotAccepted(status));
    }
    let Some(m) = meeting else { return Ok(()) };
    if let Some(outcome) = m.attendance {
        return Err(PinRefused::Over(outcome));
    }
    match m.state {
        MeetingState::Cancelled => Err(PinRefused::Cancelled),
        MeetingState::Booked if m.slot_id != slot || room.is_some_and(|r| r != m.room_id) => {
            Err(PinRefused::Booked)
        }
        _ => Ok(()),
    }
}

/// Feedback is for a meeting that was held.
pub fn may_rate(meeting: Option<&LiveMeeting>) -> Result<(), Refusal> {
    match meeting.and_then(|m| m.attendance) {
        Some(Outcome::Held) => Ok(()),
        _ => refuse("only a held meeting can be rated"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheduled() -> LiveMeeting {
        LiveMeeting {
            state: MeetingState::Scheduled,
            slot_id: "d1-1000".into(),
            room_id: "t1".into(),
            sequence: 0,
            version: Some(1),
            reason: None,
            confirmed_by: Vec::new(),
            attendance: None,
            absent: Vec::new(),
            attendance_by: None,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn confirmed_once_everyone_confirms_and_never_twice() {
        let everyone = ["a".to_string(), "b".to_string()];
        let mut m = scheduled();
        let (after, all) = confirm(Some(&m), "a", &everyone).unwrap();
        assert!(!all);
        m.confirmed_by = after;
        assert!(confirm(Some(&m), "a", &everyone).is_err());
        assert!(confirm(Some(&m), "b", &everyone).unwrap().1);
        m.state = MeetingState::Booked;
        assert!(confirm(Some(&m), "b", &everyone).is_err());
    }

    #[test]
    fn a_move_needs_every_participant_but_the_proposer() {
        let everyone = ["a".to_string(), "b".to_string(), "c".to_string()];
        let mut p = MoveProposal {
            slot_id: "d1-1100".into(),
            proposed_by: "a".into(),
            accepted_by: Vec::new(),
        };
        assert!(accept_move(Some(&p), "a", &everyone).is_err());
        let (after, all) = accept_move(Some(&p), "b", &everyone).unwrap();
        assert!(!all);
        p.accepted_by = after;
        assert!(accept_move(Some(&p), "b", &everyone).is_err());
        assert!(accept_move(Some(&p), "c", &everyone).unwrap().1);
        assert!(accept_move(None, "c", &everyone).is_err());
    }

    #[test]
    fn a_pin_holds_an_accepted_meeting_not_over_and_a_booked_one_where_it_was_booked() {
        let mut m = scheduled();
        assert_eq!(may_pin(RequestStatus::Accepted, None, "d1-1100", None), Ok(()));
        assert_eq!(
            may_pin(RequestStatus::Declined, None, "d1-1100", None),
            Err(PinRefused::NotAccepted(RequestStatus::Declined))
        );
        assert_eq!(
            may_pin(RequestStatus::Accepted, Some(&m), "d1-1100", Some("t2")),
            Ok(())
        );
        m.state = MeetingState::Booked;
        assert_eq!(
            may_pin(RequestStatus::Accepted, Some(&m), "d1-1000", None),
            Ok(())
        );
        assert_eq!(
            may_pin(RequestStatus::Accepted, Some(&m), "d1-1000", Some("t1")),
            Ok(())
        );
        for (slot, room) in [("d1-1100", None), ("d1-1000", Some("t2"))] {
            assert_eq!(
                may_pin(RequestStatus::Accepted, Some(&m), slot, room),
                Err(PinRefused::Booked)
            );
        }
        m.attendance = Some(Outcome::NoShow);
        assert_eq!(
            may_pin(RequestStatus::Accepted, Some(&m), "d1-1000", None),
            Err(PinRefused::Over(Outcome::NoShow))
        );
        m.attendance = None;
        m.state = MeetingState::Cancelled;
        assert_eq!(
            may_pin(RequestStatus::Accepted, Some(&m), "d1-1000", None),
            Err(PinRefused::Cancelled)
        );
    }

    #[test]
    fn over_meetings_are_not_cancelled_and_check_in_waits_for_the_start() {
        let mut m = scheduled();
        assert!(may_cancel(RequestStatus::Accepted, Some(&m)).is_ok());
        assert!(may_cancel(RequestStatus::Pending, None).is_err());
        assert!(may_check_in(Some(&m), false, false).is_err());
        assert!(may_check_in(Some(&m), true, false).is_ok());
        m.attendance = Some(Outcome::Held);
        assert!(may_cancel(RequestStatus::Accepted, Some(&m)).is_err());
        assert!(may_check_in(Some(&m), true, false).is_err());
        assert!(may_check_in(Some(&m), true, true).is_ok());
        assert!(may_rate(Some(&m)).is_ok());
        m.attendance = Some(Outcome::NoShow);
        assert!(may_rate(Some(&m)).is_err());
    }
}
