//! The meeting-request state machine.
//!
//! ```text
//! pending --every invitee accepts--> accepted
//! pending --one invitee declines---> declined
//! pending | accepted --requester---> withdrawn
//! accepted --any participant, with a reason--> cancelled
//! pending --nobody answered in time--> expired (counts as declined)
//! ```
//! Declined, withdrawn, cancelled and expired are final. Every transition is a
//! compare-and-set in the store, so concurrent calls cannot both win. An accepted request
//! is a meeting; its life (booked, scheduled, moved, held) is [`super::meeting`]'s.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
    Cancelled,
    Expired,
}

impl RequestStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Accepted,
            Self::Declined,
            Self::Withdrawn,
            Self::Cancelled,
            Self::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The states a requester may withdraw from.
    pub const WITHDRAWABLE: [RequestStatus; 2] = [Self::Pending, Self::Accepted];
}

/// One invitee's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Response {
    Pending,
    Accepted,
    Declined,
}

impl Response {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Declined]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// Most slots a requester may propose.
pub const MAX_PROPOSED_SLOTS: usize = 20;
/// How long a pending request waits for its answers by default, in hours.
pub const DEFAULT_EXPIRY_HOURS: u32 = 72;
/// The expiry times an organiser may set, in hours (up to 60 days).
pub const EXPIRY_HOURS: std::ops::RangeInclusive<u32> = 1..=1440;

/// Priority range: how much the requester wants the meeting.
pub const PRIORITY: std::ops::RangeInclusive<u32> = 1..=5;
/// Most invitees in one request.
pub const MAX_INVITEES: usize = 10;
/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 2000;

/// The solver's weight of a meeting: ten times its priority for each slot it lasts (a
/// two-slot meeting is worth two one-slot meetings of the same priority), as in the public
/// benchmark instances.
pub fn weight(priority: u32, duration_slots: u32) -> u32 {
    10 * priority * duration_slots
}

/// One invitee's answer as the rule of answering reads it.
#[derive(Debug, Clone, Copy)]
pub struct Answered<'a> {
    pub participant: &'a str,
    pub response: Response,
    /// The slot it accepted at, if any.
    pub slot: Option<&'a str>,
}

/// What an answer does to its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerOutcome {
    /// The request's status after it.
    pub status: RequestStatus,
    /// The slot the meeting goes to (or, before the last answer, the slot asked for, to
    /// check that it is free).
    pub slot: Option<String>,
    /// Every invitee has accepted and they agree on `slot`: book it now.
    pub book: bool,
    /// This invitee named `slot` itself (so a slot that is not free is its conflict, not a
    /// reason to accept without one).
    pub asked: bool,
}

/// Invitee `me` answers `answer` (at `slot`, when accepting at one) a request in `status`
/// asked at `created_at`, whose invitees answered `invitees` so far; a pending request
/// expires `expiry_hours` after it was asked. Invitees who accept at a slot must agree on
/// it: an invitee who accepts without one accepts the others' slot.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    status: RequestStatus,
    created_at: chrono::DateTime<chrono::Utc>,
    expiry_hours: u32,
    now: chrono::DateTime<chrono::Utc>,
    invitees: &[Answered<'_>],
    me: &str,
    answer: Response,
    slot: Option<&str>,
) -> Result<AnswerOutcome, super::meeting::Refusal> {
    use super::meeting::Refusal;
    if status != RequestStatus::Pending {
        return Err(Refusal(format!(
            "the request is {}, not pending",
            status.as_str()
        )));
    }
    if created_at + chrono::TimeDelta::hours(i64::from(expiry_hours)) <= now {
        return Err(Refusal(format!(
            "the request expired: it waited {expiry_hours} hours for its answers"
        )));
    }
    let Some(mine) = invitees.iter().find(|i| i.participant == me) else {
        return Err(Refusal("only an invitee may answer a request".into()));
    };
    if mine.response != Response::Pending {
        return Err(Refusal("this invitee has already answered".into()));
    }
    let others = invitees.iter().filter(|i| i.participant != me);
    match answer {
        Response::Pending => Err(Refusal("an answer is accepted or declined".into())),
        Response::Declined => Ok(AnswerOutcome {
            status: RequestStatus::Declined,
            slot: None,
            book: false,
            asked: false,
        }),
        Response::Accepted => {
            let agreed = others
                .clone()
                .filter(|i| i.response == Response::Accepted)
                .find_map(|i| i.slot);
            if let (Some(mine), Some(theirs)) = (slot, agreed)
                && mine != theirs
            {
                return Err(Refusal(format!(
                    "another invitee accepted at {theirs}; accept at {theirs} or without a slot"
                )));
            }
            let everyone = others.clone().all(|i| i.response == Response::Accepted);
            Ok(AnswerOutcome {
                status: if everyone {
                    RequestStatus::Accepted
                } else {
                    RequestStatus::Pending
                },
                slot: slot.or(agreed).map(str::to_owned),
                book: everyone && slot.or(agreed).is_some(),
                asked: slot.is_some(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, Utc};

    fn pending(participant: &str) -> Answered<'_> {
        Answered {
            participant,
            response: Response::Pending,
            slot: None,
        }
    }

    #[test]
    fn the_last_accept_books_the_agreed_slot() {
        let now = Utc::now();
        let one = [pending("b")];
        let outcome = answer(
            RequestStatus::Pending,
            now,
            72,
            now,
            &one,
            "b",
            Response::Accepted,
            Some("d1-1000"),
        )
        .unwrap();
        assert_eq!(outcome.status, RequestStatus::Accepted);
        assert!(outcome.book && outcome.asked);
        let accepted_at = Answered {
            participant: "b",
            response: Response::Accepted,
            slot: Some("d1-1000"),
        };
        let two = [accepted_at, pending("c")];
        let clash = answer(
            RequestStatus::Pending,
            now,
            72,
            now,
            &two,
            "c",
            Response::Accepted,
            Some("d1-1020"),
        );
        assert!(clash.unwrap_err().0.contains("accept at d1-1000"));
        let follows = answer(
            RequestStatus::Pending,
            now,
            72,
            now,
            &two,
            "c",
            Response::Accepted,
            None,
        )
        .unwrap();
        assert_eq!(follows.slot.as_deref(), Some("d1-1000"));
        assert!(follows.book && !follows.asked);
        let first = answer(
            RequestStatus::Pending,
            now,
            72,
            now,
            &[pending("b"), pending("c")],
            "b",
            Response::Accepted,
            Some("d1-1000"),
        )
        .unwrap();
        assert_eq!(first.status, RequestStatus::Pending);
        assert!(!first.book && first.asked);
    }

    #[test]
    fn an_expired_or_answered_request_takes_no_answer() {
        let now = Utc::now();
        let asked = now - TimeDelta::hours(72);
        assert!(
            answer(
                RequestStatus::Pending,
                asked,
                72,
                now,
                &[pending("b")],
                "b",
                Response::Accepted,
                None
            )
            .is_err()
        );
        assert!(
            answer(
                RequestStatus::Pending,
                asked,
                73,
                now,
                &[pending("b")],
                "b",
                Response::Declined,
                None
            )
            .is_ok()
        );
        assert!(
            answer(
                RequestStatus::Accepted,
                now,
                72,
                now,
                &[pending("b")],
                "b",
                Response::Declined,
                None
            )
            .is_err()
        );
        assert!(
            answer(
                RequestStatus::Pending,
                now,
                72,
                now,
                &[pending("b")],
                "x",
                Response::Declined,
                None
            )
            .is_err()
        );
    }
}
