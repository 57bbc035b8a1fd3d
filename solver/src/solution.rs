//! What the solver returns — the schedule, why meetings stay out, statistics — and its
//! `rendezvous-solution/1` form.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::format::{AssignmentDoc, SOLUTION_FORMAT, SolutionDoc, Status, UnscheduledDoc};
use crate::problem::{MeetingIx, Placement, Problem};

/// Where each meeting is held: `placements[m]` is meeting `m`'s first slot and room,
/// or `None` when it is not held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub placements: Vec<Option<Placement>>,
}

impl Schedule {
    /// The schedule that holds no meeting: valid for every problem without pins.
    pub fn empty(problem: &Problem) -> Self {
        Self {
            placements: vec![None; problem.meetings.len()],
        }
    }

    pub fn placed(&self) -> usize {
        self.placements.iter().filter(|p| p.is_some()).count()
    }
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub status: Status,
    pub schedule: Schedule,
    /// The objective of `schedule`, computed exactly as the format defines it.
    pub objective: i64,
    /// A proved upper bound on any schedule's objective, when one is known.
    pub bound: Option<i64>,
    /// Why each unplaced meeting is not held, in meeting order.
    pub reasons: Vec<(MeetingIx, Unplaced)>,
    /// Timings and statistics, written under `stats`.
    pub stats: Stats,
}

impl Solution {
    /// The `rendezvous-solution/1` document for this solution.
    pub fn to_doc(&self, problem: &Problem) -> SolutionDoc {
        let assignments = self
            .schedule
            .placements
            .iter()
            .enumerate()
            .filter_map(|(m, p)| {
                p.map(|p| AssignmentDoc {
                    meeting: problem.meetings[m].id.clone(),
                    slot: problem.slots[p.slot].id.clone(),
                    room: problem.rooms[p.room].id.clone(),
                })
            })
            .collect();
        let mut unscheduled: Vec<UnscheduledDoc> = self
            .reasons
            .iter()
            .map(|(m, reason)| UnscheduledDoc {
                meeting: problem.meetings[*m].id.clone(),
                reason: reason.to_string(),
                cause: Some(reason.clone()),
            })
            .collect();
        // Every meeting appears exactly once: give any unplaced meeting without a reason one.
        for (m, p) in self.schedule.placements.iter().enumerate() {
            if p.is_none() && !self.reasons.iter().any(|(r, _)| *r == m) {
                unscheduled.push(UnscheduledDoc {
                    meeting: problem.meetings[m].id.clone(),
                    reason: Unplaced::Unproved.to_string(),
                    cause: Some(Unplaced::Unproved),
                });
            }
        }
        SolutionDoc {
            format: SOLUTION_FORMAT.into(),
            status: self.status,
            objective: self.objective,
            bound: self.bound,
            assignments,
            unscheduled,
            stats: serde_json::to_value(&self.stats).ok(),
        }
    }
}

/// Why a meeting is not in the schedule. `Display` gives the `reason` string of the
/// solution document (the format leaves its wording free; these name the ids involved);
/// the document's `cause` is this, typed (`{"code": "no_room", "seats": 4, ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", deny_unknown_fields)]
pub enum Unplaced {
    /// No room has the seats and features it needs.
    NoRoom { seats: u64, features: Vec<String> },
    /// Its participants share no slot where all are available (and it is allowed).
    NoCommonSlot { participants: Vec<String> },
    /// Fitting rooms exist, but none is available while all its participants are.
    NoRoomWhenFree { participants: Vec<String> },
    /// Its pin names a slot or room it cannot be held at.
    PinCannotBeHonoured,
    /// A participant already holds its `max_meetings` in this schedule.
    ParticipantFull { participant: String, max_meetings: u32 },
    /// Every slot where its participants are all free is taken by their other meetings.
    SlotsTaken { participants: Vec<String> },
    /// It still fits somewhere, and the schedule is proved optimal: holding it would
    /// cost more than it is worth.
    NotWorthIt,
    /// It still fits somewhere, but the schedule is not proved optimal: a better one
    /// might hold it.
    Unproved,
    /// The problem is infeasible and this meeting's pin is among the contradictory ones;
    /// `detail` names the others and the rule.
    PinContradicts { detail: String },
    /// The problem is infeasible because other meetings' pins contradict each other.
    OtherPinsContradict,
}

impl fmt::Display for Unplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRoom { seats, features } if features.is_empty() => write!(f, "no room seats {seats}"),
            Self::NoRoom { seats, features } => {
                write!(f, "no room seats {seats} with {}", features.join(" and "))
            }
            Self::NoCommonSlot { participants } => {
                write!(f, "{} have no common free slot", Names(participants))
            }
            Self::NoRoomWhenFree { participants } => write!(
                f,
                "no fitting room is available while {} are all free",
                Names(participants)
            ),
            Self::PinCannotBeHonoured => f.write_str("its pin cannot be honoured"),
            Self::ParticipantFull {
                participant,
                max_meetings,
            } => write!(f, "not held: {participant} is full (max_meetings {max_meetings})"),
            Self::SlotsTaken { participants } => write!(
                f,
                "not held: every common free slot of {} is taken",
                Names(participants)
            ),
            Self::NotWorthIt => {
                f.write_str("not held: where it still fits, holding it would cost more than it is worth")
            }
            Self::Unproved => f.write_str(
                "not held in the best schedule found; it still fits somewhere, and the schedule \
                 is not proved optimal",
            ),
            Self::PinContradicts { detail } => f.write_str(detail),
            Self::OtherPinsContradict => f.write_str("not scheduled: the pins contradict each other"),
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
struct Names<'a>(&'a [String]);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_last() {
            Some((last, rest)) if !rest.is_empty() => write!(f, "{} and {last}", rest.join(", ")),
            _ => f.write_str(&self.0.join("")),
        }
    }
}

/// What the solver did and what it reached, written under `stats` in the solution
/// document (fields that do not apply to a run are left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Wall-clock seconds of the solve.
    pub seconds: f64,
    /// Seconds until the first valid schedule (the greedy one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_to_first_solution: Option<f64>,
    /// Objective of the greedy schedule the search started from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greedy_objective: Option<i64>,
    /// Meetings held, their weight, idle slots, gaps (waits) and moved meetings.
    pub placed: i64,
    pub placed_weight: i64,
    pub idle_slots: i64,
    pub gaps: i64,
    pub moved: i64,
    /// `(bound − objective) / bound`, when a bound is known.
    pub gap: Option<f64>,
    /// Annealing steps over all annealers, and how many annealers ran.
    pub anneal_steps: u64,
    pub annealers: usize,
    /// Forums: the sum of the proved per-participant floors on waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait_floor: Option<i64>,
    /// Forums: whether a schedule with every participant at its floor was found
    /// (`false`: proved impossible; absent: undecided or not tried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_floor_attained: Option<bool>,
    /// Forums: the proved fewest waits, when it is above the floors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_proved_min: Option<i64>,
    /// Forums: neighbourhoods of the pattern model solved, and how many improved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_neighbourhoods: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_improved: Option<u64>,
    /// Forums: calls to the SAT search for the fewest waits, and whether its schedule was
    /// the best.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_sat_calls: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waits_sat_improved: Option<bool>,
    /// Re-solves (meetings with a `current` place): published meetings the warm start
    /// kept in place, kept in their slot in another room class, and left to the greedy
    /// start; and moves undone at the end because they bought nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_kept: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_reseated: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_displaced: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warm_restored: Option<usize>,
    /// Small problems: how HiGHS ended the exact MIP over everything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mip_status: Option<String>,
    /// Small expo problems: neighbourhoods re-optimised exactly, and how many improved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lns_windows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lns_improved: Option<u64>,
    /// Infeasible problems: the pinned meetings that contradict each other.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicting_pins: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_reason_reads_back_as_written() {
        let reasons = [
            Unplaced::NoRoom {
                seats: 4,
                features: vec!["screen".into()],
            },
            Unplaced::ParticipantFull {
                participant: "p1".into(),
                max_meetings: 6,
            },
            Unplaced::Unproved,
        ];
        for reason in reasons {
            let text = serde_json::to_string(&reason).unwrap();
            assert_eq!(serde_json::from_str::<Unplaced>(&text).unwrap(), reason, "{text}");
        }
        let written = serde_json::to_value(Unplaced::NoRoom {
            seats: 4,
            features: vec![],
        })
        .unwrap();
        assert_eq!(
            written,
            serde_json::json!({"code": "no_room", "seats": 4, "features": []})
        );
        // A document written before reasons were typed still reads.
        let old: UnscheduledDoc =
            serde_json::from_str(r#"{"meeting": "m1", "reason": "no room seats 4"}"#).unwrap();
        assert_eq!(old.cause, None);
    }
}
