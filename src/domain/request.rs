//! The meeting-request state machine.
//!
//! ```text
//! pending --every invitee accepts--> accepted
//! pending --one invitee declines---> declined
//! pending | accepted --requester---> withdrawn
//! ```
//! Declined and withdrawn are final. Every transition is a compare-and-set in the store, so
//! concurrent calls cannot both win.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Declined,
    Withdrawn,
}

impl RequestStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Declined, Self::Withdrawn]
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
