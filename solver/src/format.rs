//! The wire format: `rendezvous-problem/1` and `rendezvous-solution/1` documents as they
//! stand in JSON. These types only mirror the text; [`crate::Problem`] is the validated,
//! indexed form the solver and the checker work on.

use serde::{Deserialize, Serialize};

/// The `format` tag of a problem document.
pub const PROBLEM_FORMAT: &str = "rendezvous-problem/1";
/// The `format` tag of a solution document.
pub const SOLUTION_FORMAT: &str = "rendezvous-solution/1";

/// A problem exactly as written in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemDoc {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub slots: Vec<SlotDoc>,
    pub rooms: Vec<RoomDoc>,
    pub participants: Vec<ParticipantDoc>,
    pub meetings: Vec<MeetingDoc>,
    #[serde(default)]
    pub penalties: PenaltiesDoc,
    /// Fairness, a hard rule: the waits (gaps, as the objective counts them) of any two
    /// participants differ by at most this many. Every participant counts, one without
    /// meetings with 0 waits. Absent: no such rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_spread: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotDoc {
    pub id: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomDoc {
    pub id: String,
    pub capacity: u32,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    pub unavailable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantDoc {
    pub id: String,
    #[serde(default = "one")]
    pub size: u32,
    #[serde(default)]
    pub unavailable: Vec<String>,
    #[serde(default)]
    pub max_meetings: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingDoc {
    pub id: String,
    pub participants: Vec<String>,
    #[serde(default = "one")]
    pub duration: u32,
    pub weight: u32,
    #[serde(default)]
    pub features: Vec<String>,
    #[serde(default)]
    pub allowed_slots: Option<Vec<String>>,
    #[serde(default)]
    pub fixed: Option<FixedDoc>,
    #[serde(default)]
    pub current: Option<PlacementDoc>,
}

/// An organiser's pin: the first slot, and optionally the room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedDoc {
    pub slot: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

/// Where a published timetable already holds a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementDoc {
    pub slot: String,
    pub room: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltiesDoc {
    #[serde(default)]
    pub idle_slot: u32,
    #[serde(default)]
    pub gap: u32,
    #[serde(default, rename = "move")]
    pub move_: u32,
}

fn one() -> u32 {
    1
}

/// How good a solution is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Proved optimal: `objective == bound`.
    Optimal,
    /// A valid schedule, not proved optimal.
    Feasible,
    /// No valid schedule exists (the pins contradict each other).
    Infeasible,
}

/// A solution exactly as written in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolutionDoc {
    pub format: String,
    pub status: Status,
    pub objective: i64,
    pub bound: Option<i64>,
    pub assignments: Vec<AssignmentDoc>,
    pub unscheduled: Vec<UnscheduledDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentDoc {
    pub meeting: String,
    pub slot: String,
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnscheduledDoc {
    pub meeting: String,
    pub reason: String,
    /// The reason, typed (`code` and its values), for readers that say it in their own
    /// words and language; absent in documents written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<crate::solution::Unplaced>,
}
