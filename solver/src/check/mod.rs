//! The independent checker: every hard rule of the format and the objective, recomputed
//! from the validated [`Problem`] alone.
//!
//! It is written apart from the solver on purpose: it shares none of the solver's model
//! structures, room classes or incremental objective, and it does not even trust
//! [`Problem::sessions`] or [`Problem::occupied_slots`] — consecutive slots and sessions are
//! derived here again from the slot times. A bug would have to be made twice, in two
//! different ways, to pass unnoticed.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::format::{SOLUTION_FORMAT, SolutionDoc, Status};
use crate::problem::{InputError, MeetingIx, Placement, Problem, RoomIx, SlotIx, parse_json};
use crate::solution::Schedule;

/// Parses a `rendezvous-solution/1` document, naming the place of the first error
/// (`assignments[2].room: missing field ...`). Ids are not resolved here: [`check`] reports
/// unknown ones as violations.
pub fn parse_solution(text: &str) -> Result<SolutionDoc, InputError> {
    parse_json(text)
}

/// The objective's parts, as the format defines them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Breakdown {
    /// Meetings held.
    pub placed: usize,
    /// Sum of the weights of the meetings held.
    pub placed_weight: i64,
    /// Empty slots between a participant's first and last occupied slot of a session,
    /// summed over participants and sessions.
    pub idle_slots: i64,
    /// Maximal runs of idle slots (waits), summed over participants and sessions.
    pub gaps: i64,
    /// Meetings with a `current` placement that were moved or dropped.
    pub moved: i64,
}

/// What the checker found: every broken rule, and the objective recomputed from scratch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    /// The schedule's objective, computed exactly as the format defines it.
    pub objective: i64,
    pub breakdown: Breakdown,
}

impl CheckReport {
    /// True when no rule is broken (and, for a document, its claimed objective is right).
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

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
            Self::ObjectiveMismatch { claimed, recomputed } => {
                write!(
                    f,
                    "claimed objective {claimed} differs from the recomputed {recomputed}"
                )
            }
        }
    }
}

/// Checks a solution document against a problem: its shape (every meeting exactly once, ids
/// known), the status rules, every hard constraint, and its claimed objective.
///
/// An `infeasible` claim has no schedule to check: instead the checker verifies that no
/// meeting is assigned and that the pinned meetings cannot all be held together.
pub fn check(problem: &Problem, solution: &SolutionDoc) -> CheckReport {
    let mut violations = Vec::new();
    if solution.format != SOLUTION_FORMAT {
        violations.push(Violation::WrongFormat {
            found: solution.format.clone(),
        });
    }

    let mut placements: Vec<Option<Placement>> = vec![None; problem.meetings.len()];
    let mut places: Vec<Vec<String>> = vec![Vec::new(); problem.meetings.len()];
    for (i, a) in solution.assignments.iter().enumerate() {
        let place = format!("assignments[{i}]");
        let Some(m) = problem.meeting_index(&a.meeting) else {
            violations.push(Violation::UnknownMeeting {
                meeting: a.meeting.clone(),
                place,
            });
            continue;
        };
        let slot = problem.slot_index(&a.slot);
        let room = problem.room_index(&a.room);
        if slot.is_none() {
            violations.push(Violation::UnknownSlot {
                meeting: a.meeting.clone(),
                slot: a.slot.clone(),
            });
        }
        if room.is_none() {
            violations.push(Violation::UnknownRoom {
                meeting: a.meeting.clone(),
                room: a.room.clone(),
            });
        }
        // A duplicate is reported below; the first assignment is the one checked.
        if let (Some(slot), Some(room), true) = (slot, room, places[m].is_empty()) {
            placements[m] = Some(Placement { slot, room });
        }
        places[m].push(place);
    }
    for (i, u) in solution.unscheduled.iter().enumerate() {
        let place = format!("unscheduled[{i}]");
        match problem.meeting_index(&u.meeting) {
            Some(m) => places[m].push(place),
            None => violations.push(Violation::UnknownMeeting {
                meeting: u.meeting.clone(),
                place,
            }),
        }
    }
    for (m, places) in places.into_iter().enumerate() {
        let meeting = problem.meetings[m].id.clone();
        match places.len() {
            0 => violations.push(Violation::MissingMeeting { meeting }),
            1 => {}
            _ => violations.push(Violation::DuplicateMeeting { meeting, places }),
        }
    }

    if let Some(bound) = solution.bound
        && solution.objective > bound
    {
        violations.push(Violation::ObjectiveAboveBound {
            objective: solution.objective,
            bound,
        });
    }
    if solution.status == Status::Optimal && solution.bound != Some(solution.objective) {
        violations.push(Violation::OptimalWithoutProof {
            objective: solution.objective,
            bound: solution.bound,
        });
    }

    let grid = Grid::new(problem);
    if solution.status == Status::Infeasible {
        if !solution.assignments.is_empty() {
            violations.push(Violation::InfeasibleWithAssignments {
                assignments: solution.assignments.len(),
            });
        }
        if let PinSearch::Fit(example) = place_pins(problem, &grid) {
            violations.push(Violation::InfeasibleButPinsFit {
                example: example
                    .into_iter()
                    .map(|(m, p)| {
                        (
                            problem.meetings[m].id.clone(),
                            problem.slots[p.slot].id.clone(),
                            problem.rooms[p.room].id.clone(),
                        )
                    })
                    .collect(),
            });
        }
        let empty = vec![None; problem.meetings.len()];
        let (objective, breakdown) = objective(problem, &grid, &empty);
        return CheckReport {
            violations,
            objective,
            breakdown,
        };
    }

    check_rules(problem, &grid, &placements, &mut violations);
    let (objective, breakdown) = objective(problem, &grid, &placements);
    if solution.objective != objective {
        violations.push(Violation::ObjectiveMismatch {
            claimed: solution.objective,
            recomputed: objective,
        });
    }
    CheckReport {
        violations,
        objective,
        breakdown,
    }
}

/// Checks an in-memory schedule: every hard constraint, and its objective.
pub fn evaluate(problem: &Problem, schedule: &Schedule) -> CheckReport {
    let mut violations = Vec::new();
    if schedule.placements.len() != problem.meetings.len() {
        violations.push(Violation::WrongMeetingCount {
            expected: problem.meetings.len(),
            found: schedule.placements.len(),
        });
    }
    let placements: Vec<Option<Placement>> = problem
        .meetings
        .iter()
        .enumerate()
        .map(|(m, meeting)| {
            let p = schedule.placements.get(m).copied().flatten()?;
            if p.slot < problem.slots.len() && p.room < problem.rooms.len() {
                Some(p)
            } else {
                violations.push(Violation::IndexOutOfRange {
                    meeting: meeting.id.clone(),
                    slot: p.slot,
                    room: p.room,
                });
                None
            }
        })
        .collect();
    let grid = Grid::new(problem);
    check_rules(problem, &grid, &placements, &mut violations);
    let (objective, breakdown) = objective(problem, &grid, &placements);
    CheckReport {
        violations,
        objective,
        breakdown,
    }
}

/// The time structure, derived again from the slot times: which slot follows which, and
/// the session of each slot.
struct Grid {
    /// `follows[i]`: slot `i + 1` starts when slot `i` ends.
    follows: Vec<bool>,
    /// Session number of each slot.
    session: Vec<usize>,
}

impl Grid {
    fn new(problem: &Problem) -> Self {
        let slots = &problem.slots;
        let follows: Vec<bool> = slots.windows(2).map(|w| w[0].end == w[1].start).collect();
        let mut session = Vec::with_capacity(slots.len());
        let mut current = 0;
        for i in 0..slots.len() {
            if i > 0 && !follows[i - 1] {
                current += 1;
            }
            session.push(current);
        }
        Self { follows, session }
    }

    /// The slots from `first` on, up to `duration` of them, that follow each other without a
    /// break; `true` when all `duration` are there.
    fn run(&self, first: SlotIx, duration: u32) -> (Range<SlotIx>, bool) {
        let mut end = first + 1;
        while end < first + duration as usize && end < self.session.len() && self.follows[end - 1] {
            end += 1;
        }
        (first..end, end == first + duration as usize)
    }
}

/// Rules 1–6 for placements whose indices are known to exist.
fn check_rules(problem: &Problem, grid: &Grid, placements: &[Option<Placement>], out: &mut Vec<Violation>) {
    let mut participant_at: HashMap<(usize, SlotIx), Vec<MeetingIx>> = HashMap::new();
    let mut room_at: HashMap<(RoomIx, SlotIx), Vec<MeetingIx>> = HashMap::new();
    let mut meetings_of: Vec<Vec<MeetingIx>> = vec![Vec::new(); problem.participants.len()];

    for (m, placement) in placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if let Some(pin) = meeting.fixed {
            let honoured =
                placement.is_some_and(|p| p.slot == pin.slot && pin.room.is_none_or(|room| room == p.room));
            if !honoured {
                out.push(Violation::PinNotHonoured {
                    meeting: meeting.id.clone(),
                    pinned_slot: problem.slots[pin.slot].id.clone(),
                    pinned_room: pin.room.map(|r| problem.rooms[r].id.clone()),
                    placed: placement
                        .map(|p| (problem.slots[p.slot].id.clone(), problem.rooms[p.room].id.clone())),
                });
            }
        }
        let Some(placement) = *placement else {
            continue;
        };
        for s in check_placement(problem, grid, m, placement, out) {
            room_at.entry((placement.room, s)).or_default().push(m);
            for &p in &meeting.participants {
                participant_at.entry((p, s)).or_default().push(m);
            }
        }
        for &p in &meeting.participants {
            meetings_of[p].push(m);
        }
    }

    let meeting_ids = |ms: &[MeetingIx]| {
        ms.iter()
            .map(|&m| problem.meetings[m].id.clone())
            .collect::<Vec<_>>()
    };
    // Sorted so that the report reads in a stable order.
    let mut participant_clashes: Vec<_> = participant_at
        .into_iter()
        .filter(|(_, ms)| ms.len() > 1)
        .collect();
    participant_clashes.sort();
    for ((p, s), ms) in participant_clashes {
        out.push(Violation::ParticipantDoubleBooked {
            participant: problem.participants[p].id.clone(),
            meetings: meeting_ids(&ms),
            slot: problem.slots[s].id.clone(),
        });
    }
    let mut room_clashes: Vec<_> = room_at.into_iter().filter(|(_, ms)| ms.len() > 1).collect();
    room_clashes.sort();
    for ((r, s), ms) in room_clashes {
        out.push(Violation::RoomDoubleBooked {
            room: problem.rooms[r].id.clone(),
            meetings: meeting_ids(&ms),
            slot: problem.slots[s].id.clone(),
        });
    }
    for (p, ms) in meetings_of.iter().enumerate() {
        let participant = &problem.participants[p];
        if let Some(max) = participant.max_meetings
            && ms.len() > max as usize
        {
            out.push(Violation::TooManyMeetings {
                participant: participant.id.clone(),
                meetings: meeting_ids(ms),
                max,
            });
        }
    }
}

/// The rules one placement can break on its own (1, and 2–4 apart from clashes with other
/// meetings). Returns the slots it occupies.
fn check_placement(
    problem: &Problem,
    grid: &Grid,
    m: MeetingIx,
    placement: Placement,
    out: &mut Vec<Violation>,
) -> Range<SlotIx> {
    let meeting = &problem.meetings[m];
    let room = &problem.rooms[placement.room];
    let slot_id = |s: SlotIx| problem.slots[s].id.clone();
    let (occupied, complete) = grid.run(placement.slot, meeting.duration);
    if !complete {
        out.push(Violation::RunsPastSession {
            meeting: meeting.id.clone(),
            slot: slot_id(placement.slot),
            duration: meeting.duration,
        });
    }
    let seats: u64 = meeting
        .participants
        .iter()
        .map(|&p| u64::from(problem.participants[p].size))
        .sum();
    if seats > u64::from(room.capacity) {
        out.push(Violation::RoomTooSmall {
            meeting: meeting.id.clone(),
            room: room.id.clone(),
            seats,
            capacity: room.capacity,
        });
    }
    let missing: Vec<String> = meeting
        .features
        .iter()
        .filter(|f| !room.features.contains(f))
        .cloned()
        .collect();
    if !missing.is_empty() {
        out.push(Violation::MissingFeatures {
            meeting: meeting.id.clone(),
            room: room.id.clone(),
            features: missing,
        });
    }
    for s in occupied.clone() {
        if let Some(allowed) = &meeting.allowed_slots
            && !allowed.contains(&s)
        {
            out.push(Violation::SlotNotAllowed {
                meeting: meeting.id.clone(),
                slot: slot_id(s),
            });
        }
        if room.unavailable.contains(&s) {
            out.push(Violation::RoomUnavailable {
                room: room.id.clone(),
                meeting: meeting.id.clone(),
                slot: slot_id(s),
            });
        }
        for &p in &meeting.participants {
            let participant = &problem.participants[p];
            if participant.unavailable.contains(&s) {
                out.push(Violation::ParticipantUnavailable {
                    participant: participant.id.clone(),
                    meeting: meeting.id.clone(),
                    slot: slot_id(s),
                });
            }
        }
    }
    occupied
}

/// The objective of placements whose indices are known to exist, whatever rules they break.
fn objective(problem: &Problem, grid: &Grid, placements: &[Option<Placement>]) -> (i64, Breakdown) {
    let mut breakdown = Breakdown::default();
    let mut busy = vec![vec![false; problem.slots.len()]; problem.participants.len()];
    for (m, placement) in placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if let Some(current) = meeting.current
            && *placement != Some(current)
        {
            breakdown.moved += 1;
        }
        let Some(p) = placement else { continue };
        breakdown.placed += 1;
        breakdown.placed_weight += i64::from(meeting.weight);
        let (occupied, _) = grid.run(p.slot, meeting.duration);
        for &participant in &meeting.participants {
            busy[participant][occupied.clone()].fill(true);
        }
    }
    for row in &busy {
        let (idle, gaps) = idle_and_gaps(row, &grid.session);
        breakdown.idle_slots += idle;
        breakdown.gaps += gaps;
    }
    let penalties = problem.penalties;
    let objective = breakdown.placed_weight
        - i64::from(penalties.idle_slot) * breakdown.idle_slots
        - i64::from(penalties.gap) * breakdown.gaps
        - i64::from(penalties.move_) * breakdown.moved;
    (objective, breakdown)
}

/// Idle slots and gaps of one participant: `busy[s]` says whether it meets at slot `s`,
/// `session[s]` is the session of slot `s`. Idle time never spans two sessions.
fn idle_and_gaps(busy: &[bool], session: &[usize]) -> (i64, i64) {
    let (mut idle, mut gaps) = (0, 0);
    let mut start = 0;
    while start < busy.len() {
        let mut end = start;
        while end < busy.len() && session[end] == session[start] {
            end += 1;
        }
        let row = &busy[start..end];
        if let (Some(first), Some(last)) = (row.iter().position(|&b| b), row.iter().rposition(|&b| b)) {
            let inner = &row[first..=last];
            idle += inner.iter().filter(|&&b| !b).count() as i64;
            gaps += inner.windows(2).filter(|w| w[0] && !w[1]).count() as i64;
        }
        start = end;
    }
    (idle, gaps)
}

/// Whether the pinned meetings can be held together.
enum PinSearch {
    /// They can, for example like this.
    Fit(Vec<(MeetingIx, Placement)>),
    /// They cannot: some rule of 1–5 breaks among them whatever the rooms.
    Contradict,
    /// The search gave up before deciding (a huge number of room choices).
    Undecided,
}

/// Room choices tried before [`place_pins`] gives up.
const PIN_SEARCH_BUDGET: u64 = 1_000_000;

/// Looks for rooms that let every pinned meeting be held at its pinned slot (and room).
fn place_pins(problem: &Problem, grid: &Grid) -> PinSearch {
    let mut pinned: Vec<(MeetingIx, Range<SlotIx>, Vec<Placement>)> = Vec::new();
    let mut participant_at: HashMap<(usize, SlotIx), MeetingIx> = HashMap::new();
    let mut pins_of = vec![0u32; problem.participants.len()];
    for (m, meeting) in problem.meetings.iter().enumerate() {
        let Some(pin) = meeting.fixed else { continue };
        let rooms: Vec<RoomIx> = match pin.room {
            Some(room) => vec![room],
            None => (0..problem.rooms.len()).collect(),
        };
        // Rooms where the meeting breaks no rule on its own.
        let mut occupied = pin.slot..pin.slot;
        let fits: Vec<Placement> = rooms
            .into_iter()
            .map(|room| Placement { slot: pin.slot, room })
            .filter(|&p| {
                let mut found = Vec::new();
                occupied = check_placement(problem, grid, m, p, &mut found);
                found.is_empty()
            })
            .collect();
        if fits.is_empty() {
            return PinSearch::Contradict;
        }
        // Participants' clashes and quotas do not depend on rooms.
        for &p in &meeting.participants {
            pins_of[p] += 1;
            if problem.participants[p]
                .max_meetings
                .is_some_and(|max| pins_of[p] > max)
            {
                return PinSearch::Contradict;
            }
            for s in occupied.clone() {
                if participant_at.insert((p, s), m).is_some() {
                    return PinSearch::Contradict;
                }
            }
        }
        pinned.push((m, occupied, fits));
    }
    // Only rooms remain to choose: depth-first, fewest choices first.
    pinned.sort_by_key(|(m, _, fits)| (fits.len(), *m));
    let mut room_at: HashMap<(RoomIx, SlotIx), MeetingIx> = HashMap::new();
    let mut chosen: Vec<(MeetingIx, Placement)> = Vec::with_capacity(pinned.len());
    let mut budget = PIN_SEARCH_BUDGET;

    type Pinned = (MeetingIx, Range<SlotIx>, Vec<Placement>);
    fn choose_rooms(
        pinned: &[Pinned],
        room_at: &mut HashMap<(RoomIx, SlotIx), MeetingIx>,
        chosen: &mut Vec<(MeetingIx, Placement)>,
        budget: &mut u64,
    ) -> Option<bool> {
        let Some(((m, occupied, fits), rest)) = pinned.split_first() else {
            return Some(true);
        };
        for &p in fits {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            if occupied.clone().any(|s| room_at.contains_key(&(p.room, s))) {
                continue;
            }
            for s in occupied.clone() {
                room_at.insert((p.room, s), *m);
            }
            chosen.push((*m, p));
            if choose_rooms(rest, room_at, chosen, budget)? {
                return Some(true);
            }
            chosen.pop();
            for s in occupied.clone() {
                room_at.remove(&(p.room, s));
            }
        }
        Some(false)
    }
    match choose_rooms(&pinned, &mut room_at, &mut chosen, &mut budget) {
        Some(true) => {
            chosen.sort();
            PinSearch::Fit(chosen)
        }
        Some(false) => PinSearch::Contradict,
        None => PinSearch::Undecided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{AssignmentDoc, UnscheduledDoc};

    /// Morning a1–a5 and afternoon b1–b2 of day 1, morning c1–c2 of day 2.
    fn problem_with(meetings: &str, penalties: &str) -> Problem {
        let text = format!(
            r#"{{"format": "rendezvous-problem/1",
              "slots": [
                {{"id": "a1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"}},
                {{"id": "a2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"}},
                {{"id": "a3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}},
                {{"id": "a4", "start": "2027-04-17T11:00:00+01:00", "end": "2027-04-17T11:20:00+01:00"}},
                {{"id": "a5", "start": "2027-04-17T11:20:00+01:00", "end": "2027-04-17T11:40:00+01:00"}},
                {{"id": "b1", "start": "2027-04-17T14:00:00+01:00", "end": "2027-04-17T14:20:00+01:00"}},
                {{"id": "b2", "start": "2027-04-17T14:20:00+01:00", "end": "2027-04-17T14:40:00+01:00"}},
                {{"id": "c1", "start": "2027-04-18T10:00:00+01:00", "end": "2027-04-18T10:20:00+01:00"}},
                {{"id": "c2", "start": "2027-04-18T10:20:00+01:00", "end": "2027-04-18T10:40:00+01:00"}}
              ],
              "rooms": [
                {{"id": "T1", "capacity": 2}},
                {{"id": "T2", "capacity": 2, "unavailable": ["a3"]}},
                {{"id": "R1", "capacity": 6, "features": ["interpretation", "video"]}}
              ],
              "participants": [
                {{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}, {{"id": "d", "size": 5}},
                {{"id": "e", "unavailable": ["a2"]}}, {{"id": "f", "max_meetings": 1}}
              ],
              "meetings": {meetings},
              "penalties": {penalties}}}"#
        );
        Problem::from_json(&text).unwrap()
    }

    fn base() -> Problem {
        problem_with(
            r#"[
              {"id": "m1", "participants": ["a", "b"], "weight": 10},
              {"id": "m2", "participants": ["a", "c"], "weight": 5},
              {"id": "m3", "participants": ["b", "c"], "weight": 7, "duration": 2},
              {"id": "m4", "participants": ["d", "a"], "weight": 4},
              {"id": "m5", "participants": ["a", "b"], "weight": 3, "features": ["video"]},
              {"id": "m6", "participants": ["e", "c"], "weight": 2},
              {"id": "m7", "participants": ["a", "b"], "weight": 1, "allowed_slots": ["b1", "b2"]},
              {"id": "m8", "participants": ["f", "a"], "weight": 1},
              {"id": "m9", "participants": ["f", "b"], "weight": 1}
            ]"#,
            r#"{"idle_slot": 1, "gap": 10}"#,
        )
    }

    /// A schedule holding each listed meeting at (slot, room), by id.
    fn schedule(problem: &Problem, placed: &[(&str, &str, &str)]) -> Schedule {
        let mut schedule = Schedule::empty(problem);
        for &(m, slot, room) in placed {
            schedule.placements[problem.meeting_index(m).unwrap()] = Some(Placement {
                slot: problem.slot_index(slot).unwrap(),
                room: problem.room_index(room).unwrap(),
            });
        }
        schedule
    }

    fn lines(report: &CheckReport) -> Vec<String> {
        report.violations.iter().map(ToString::to_string).collect()
    }

    /// Exactly one violation, returned for a closer look.
    fn only(report: CheckReport) -> Violation {
        assert_eq!(report.violations.len(), 1, "{:#?}", lines(&report));
        report.violations.into_iter().next().unwrap()
    }

    #[test]
    fn a_valid_schedule_has_no_violation_and_its_objective() {
        let p = base();
        let s = schedule(
            &p,
            &[
                ("m1", "a1", "T1"),
                ("m2", "a2", "T1"),
                ("m3", "a3", "T1"),
                ("m4", "a3", "R1"),
                ("m7", "b1", "T1"),
            ],
        );
        let report = evaluate(&p, &s);
        assert!(report.is_valid(), "{:#?}", lines(&report));
        // a: a1 a2 a3 b1, b: a1 a3 a4 b1, c: a2 a3 a4, d: a3. b waits at a2 once.
        assert_eq!(
            report.breakdown,
            Breakdown {
                placed: 5,
                placed_weight: 27,
                idle_slots: 1,
                gaps: 1,
                moved: 0
            }
        );
        assert_eq!(report.objective, 27 - 1 - 10);
    }

    #[test]
    fn rule_1_duration_must_fit_in_one_session() {
        let p = base();
        for first in ["a5", "b2", "c2"] {
            let v = only(evaluate(&p, &schedule(&p, &[("m3", first, "T1")])));
            assert_eq!(
                v,
                Violation::RunsPastSession {
                    meeting: "m3".into(),
                    slot: first.into(),
                    duration: 2
                }
            );
        }
        assert!(evaluate(&p, &schedule(&p, &[("m3", "a4", "T1")])).is_valid());
        assert!(evaluate(&p, &schedule(&p, &[("m3", "b1", "T1")])).is_valid());
    }

    #[test]
    fn rule_2_participant_double_booked() {
        let p = base();
        let v = only(evaluate(
            &p,
            &schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "R1")]),
        ));
        assert_eq!(
            v.to_string(),
            r#"participant "a" is in meetings "m1" and "m2" at slot "a1""#
        );
        // A two-slot meeting clashes on each slot it shares.
        let report = evaluate(&p, &schedule(&p, &[("m3", "a1", "T1"), ("m1", "a2", "R1")]));
        assert_eq!(
            lines(&report),
            [r#"participant "b" is in meetings "m1" and "m3" at slot "a2""#]
        );
    }

    #[test]
    fn rule_2_participant_unavailable() {
        let p = base();
        let v = only(evaluate(&p, &schedule(&p, &[("m6", "a2", "T1")])));
        assert_eq!(
            v,
            Violation::ParticipantUnavailable {
                participant: "e".into(),
                meeting: "m6".into(),
                slot: "a2".into()
            }
        );
    }

    #[test]
    fn rule_2_allowed_slots() {
        let p = base();
        let v = only(evaluate(&p, &schedule(&p, &[("m7", "a1", "T1")])));
        assert_eq!(
            v,
            Violation::SlotNotAllowed {
                meeting: "m7".into(),
                slot: "a1".into()
            }
        );
        assert!(evaluate(&p, &schedule(&p, &[("m7", "b2", "T1")])).is_valid());
    }

    #[test]
    fn rule_3_room_double_booked() {
        let p = base();
        let v = only(evaluate(
            &p,
            &schedule(&p, &[("m1", "a1", "T1"), ("m6", "a1", "T1")]),
        ));
        assert_eq!(
            v.to_string(),
            r#"room "T1" holds meetings "m1" and "m6" at slot "a1""#
        );
    }

    #[test]
    fn rule_3_room_unavailable() {
        let p = base();
        let v = only(evaluate(&p, &schedule(&p, &[("m1", "a3", "T2")])));
        assert_eq!(
            v,
            Violation::RoomUnavailable {
                room: "T2".into(),
                meeting: "m1".into(),
                slot: "a3".into()
            }
        );
    }

    #[test]
    fn rule_4_capacity() {
        let p = base();
        let v = only(evaluate(&p, &schedule(&p, &[("m4", "a1", "T1")])));
        assert_eq!(
            v,
            Violation::RoomTooSmall {
                meeting: "m4".into(),
                room: "T1".into(),
                seats: 6,
                capacity: 2
            }
        );
        assert!(evaluate(&p, &schedule(&p, &[("m4", "a1", "R1")])).is_valid());
    }

    #[test]
    fn rule_4_features() {
        let p = base();
        let v = only(evaluate(&p, &schedule(&p, &[("m5", "a1", "T1")])));
        assert_eq!(
            v,
            Violation::MissingFeatures {
                meeting: "m5".into(),
                room: "T1".into(),
                features: vec!["video".into()]
            }
        );
        assert!(evaluate(&p, &schedule(&p, &[("m5", "a1", "R1")])).is_valid());
    }

    #[test]
    fn rule_5_max_meetings() {
        let p = base();
        let v = only(evaluate(
            &p,
            &schedule(&p, &[("m8", "a1", "T1"), ("m9", "a2", "T1")]),
        ));
        assert_eq!(
            v.to_string(),
            r#"participant "f" has 2 meetings ("m8" and "m9"), more than its max_meetings 1"#
        );
    }

    fn pinned() -> Problem {
        problem_with(
            r#"[
              {"id": "m1", "participants": ["a", "b"], "weight": 10, "fixed": {"slot": "a2", "room": "T1"}},
              {"id": "m2", "participants": ["a", "c"], "weight": 5, "fixed": {"slot": "a3"}},
              {"id": "m3", "participants": ["b", "c"], "weight": 5}
            ]"#,
            "{}",
        )
    }

    #[test]
    fn rule_6_pins() {
        let p = pinned();
        assert!(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a3", "R1")])).is_valid());
        assert!(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a3", "T1")])).is_valid());
        let v = only(evaluate(
            &p,
            &schedule(&p, &[("m1", "a2", "T2"), ("m2", "a3", "T1")]),
        ));
        assert_eq!(
            v.to_string(),
            r#"meeting "m1" is pinned to slot "a2" in room "T1" but is at slot "a2" in room "T2""#
        );
        let v = only(evaluate(
            &p,
            &schedule(&p, &[("m1", "a2", "T1"), ("m2", "a4", "T1")]),
        ));
        assert_eq!(
            v.to_string(),
            r#"meeting "m2" is pinned to slot "a3" but is at slot "a4" in room "T1""#
        );
        let v = only(evaluate(&p, &schedule(&p, &[("m1", "a2", "T1")])));
        assert_eq!(
            v.to_string(),
            r#"meeting "m2" is pinned to slot "a3" but is not scheduled"#
        );
    }

    /// `a` meets in the given slots of the morning (1-based), each with someone else.
    fn idle_of_a(slots: [usize; 3]) -> Breakdown {
        let p = problem_with(
            r#"[
              {"id": "m1", "participants": ["a", "b"], "weight": 1},
              {"id": "m2", "participants": ["a", "c"], "weight": 1},
              {"id": "m3", "participants": ["a", "e"], "weight": 1}
            ]"#,
            "{}",
        );
        let ids: Vec<String> = slots.iter().map(|s| format!("a{s}")).collect();
        let report = evaluate(
            &p,
            &schedule(
                &p,
                &[
                    ("m1", &ids[0], "T1"),
                    ("m2", &ids[1], "T1"),
                    ("m3", &ids[2], "T1"),
                ],
            ),
        );
        assert!(report.is_valid(), "{:#?}", lines(&report));
        report.breakdown
    }

    #[test]
    fn idle_and_gap_examples_of_the_spec() {
        // "Occupied 1, 2 and 5 of a session: 2 idle slots, 1 gap."
        let b = idle_of_a([1, 2, 5]);
        assert_eq!((b.idle_slots, b.gaps), (2, 1));
        // "Occupied 1, 3 and 5: 2 idle slots, 2 gaps."
        let b = idle_of_a([1, 3, 5]);
        assert_eq!((b.idle_slots, b.gaps), (2, 2));
        let b = idle_of_a([3, 4, 5]);
        assert_eq!((b.idle_slots, b.gaps), (0, 0));
    }

    #[test]
    fn idle_time_is_counted_per_session() {
        let p = base();
        // Across lunch (a5 → b1) and across the night (b2 → c1): no idle slot.
        let report = evaluate(
            &p,
            &schedule(&p, &[("m1", "a5", "T1"), ("m2", "b1", "T1"), ("m4", "c1", "R1")]),
        );
        assert!(report.is_valid(), "{:#?}", lines(&report));
        assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (0, 0));
        let report = evaluate(&p, &schedule(&p, &[("m1", "b2", "T1"), ("m2", "c1", "T1")]));
        assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (0, 0));
        // The idle count's own session still counts: a1 and a4, then b1.
        let report = evaluate(
            &p,
            &schedule(&p, &[("m1", "a1", "T1"), ("m2", "a4", "T1"), ("m4", "b1", "R1")]),
        );
        assert_eq!((report.breakdown.idle_slots, report.breakdown.gaps), (2, 1));
        assert_eq!(report.objective, 19 - 2 - 10);
    }

    fn published() -> Problem {
        problem_with(
            r#"[
              {"id": "m1", "participants": ["a", "b"], "weight": 10, "current": {"slot": "a1", "room": "T1"}},
              {"id": "m2", "participants": ["c", "e"], "weight": 10, "current": {"slot": "a1", "room": "T2"}},
              {"id": "m3", "participants": ["a", "c"], "weight": 10, "current": {"slot": "b1", "room": "T1"}},
              {"id": "m4", "participants": ["b", "c"], "weight": 10}
            ]"#,
            r#"{"move": 20}"#,
        )
    }

    #[test]
    fn moves_count_changed_slot_changed_room_and_dropped() {
        let p = published();
        let kept = [
            ("m1", "a1", "T1"),
            ("m2", "a1", "T2"),
            ("m3", "b1", "T1"),
            ("m4", "c1", "T1"),
        ];
        let report = evaluate(&p, &schedule(&p, &kept));
        assert!(report.is_valid(), "{:#?}", lines(&report));
        assert_eq!((report.breakdown.moved, report.objective), (0, 40));

        let moved_slot = [("m1", "a2", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")];
        let report = evaluate(&p, &schedule(&p, &moved_slot));
        assert_eq!((report.breakdown.moved, report.objective), (1, 30 - 20));

        let moved_room = [("m1", "a1", "T1"), ("m2", "a1", "R1"), ("m3", "b1", "T1")];
        let report = evaluate(&p, &schedule(&p, &moved_room));
        assert_eq!((report.breakdown.moved, report.objective), (1, 30 - 20));

        // Dropping m3 costs its weight and the move; m4 had no place to lose.
        let dropped = [("m1", "a1", "T1"), ("m2", "a1", "T2")];
        let report = evaluate(&p, &schedule(&p, &dropped));
        assert_eq!((report.breakdown.moved, report.objective), (1, 20 - 20));
        assert_eq!(evaluate(&p, &Schedule::empty(&p)).objective, -60);
    }

    fn doc(
        problem: &Problem,
        schedule: &Schedule,
        status: Status,
        objective: i64,
        bound: Option<i64>,
    ) -> SolutionDoc {
        let mut doc = SolutionDoc {
            format: SOLUTION_FORMAT.into(),
            status,
            objective,
            bound,
            assignments: Vec::new(),
            unscheduled: Vec::new(),
            stats: None,
        };
        for (m, placement) in schedule.placements.iter().enumerate() {
            let meeting = problem.meetings[m].id.clone();
            match placement {
                Some(p) => doc.assignments.push(AssignmentDoc {
                    meeting,
                    slot: problem.slots[p.slot].id.clone(),
                    room: problem.rooms[p.room].id.clone(),
                }),
                None => doc.unscheduled.push(UnscheduledDoc {
                    meeting,
                    reason: "no room".into(),
                }),
            }
        }
        doc
    }

    #[test]
    fn a_document_is_checked_like_its_schedule() {
        let p = published();
        let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
        let report = check(&p, &doc(&p, &s, Status::Optimal, 30, Some(30)));
        assert!(report.is_valid(), "{:#?}", lines(&report));
        assert_eq!(
            report,
            CheckReport {
                violations: Vec::new(),
                ..evaluate(&p, &s)
            }
        );

        let clash = schedule(&p, &[("m1", "a1", "T1"), ("m3", "a1", "T2")]);
        let report = check(&p, &doc(&p, &clash, Status::Feasible, -20, None));
        assert_eq!(
            lines(&report),
            [r#"participant "a" is in meetings "m1" and "m3" at slot "a1""#]
        );
        assert_eq!(report.objective, 20 - 2 * 20);
    }

    #[test]
    fn the_document_shape_is_checked_by_id() {
        let p = published();
        let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
        let mut d = doc(&p, &s, Status::Feasible, 30, None);
        d.format = "rendezvous-solution/0".into();
        d.assignments[0].slot = "z9".into();
        d.assignments[1].room = "Z9".into();
        d.assignments.push(AssignmentDoc {
            meeting: "m3".into(),
            slot: "c1".into(),
            room: "T1".into(),
        });
        d.assignments.push(AssignmentDoc {
            meeting: "ghost".into(),
            slot: "a1".into(),
            room: "T1".into(),
        });
        d.unscheduled.clear();
        d.unscheduled.push(UnscheduledDoc {
            meeting: "phantom".into(),
            reason: String::new(),
        });
        let report = check(&p, &d);
        let lines = lines(&report);
        let expected = [
            r#"format is "rendezvous-solution/0", expected "rendezvous-solution/1""#,
            r#"meeting "m1" is assigned to unknown slot "z9""#,
            r#"meeting "m2" is assigned to unknown room "Z9""#,
            r#"assignments[4] names unknown meeting "ghost""#,
            r#"unscheduled[0] names unknown meeting "phantom""#,
            r#"meeting "m3" appears 2 times: assignments[2], assignments[3]"#,
            r#"meeting "m4" is neither in assignments nor in unscheduled"#,
        ];
        for line in expected {
            assert!(lines.iter().any(|l| l == line), "missing {line:?} in {lines:#?}");
        }
        // m1 and m2 are not held (their places are unknown): two moves.
        assert!(
            lines
                .iter()
                .any(|l| l == "claimed objective 30 differs from the recomputed -30"),
            "{lines:#?}"
        );
    }

    #[test]
    fn status_rules() {
        let p = published();
        let s = schedule(&p, &[("m1", "a1", "T1"), ("m2", "a1", "T2"), ("m3", "b1", "T1")]);
        let report = check(&p, &doc(&p, &s, Status::Feasible, 30, Some(29)));
        assert_eq!(lines(&report), ["objective 30 is above bound 29"]);
        let report = check(&p, &doc(&p, &s, Status::Optimal, 30, Some(40)));
        assert_eq!(
            lines(&report),
            [r#"status is "optimal" but objective 30 differs from bound 40"#]
        );
        let report = check(&p, &doc(&p, &s, Status::Optimal, 30, None));
        assert_eq!(
            lines(&report),
            [r#"status is "optimal" but there is no bound to prove objective 30"#]
        );
        let report = check(&p, &doc(&p, &s, Status::Feasible, 31, Some(40)));
        assert_eq!(
            lines(&report),
            ["claimed objective 31 differs from the recomputed 30"]
        );
        assert_eq!(report.objective, 30);
    }

    #[test]
    fn an_infeasible_claim_needs_contradictory_pins() {
        // Without pins the empty schedule is valid.
        let p = published();
        let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
        assert_eq!(
            lines(&report),
            [r#"status is "infeasible" but the problem has no pins: the empty schedule is valid"#]
        );
        let s = schedule(&p, &[("m1", "a1", "T1")]);
        let report = check(&p, &doc(&p, &s, Status::Infeasible, 0, None));
        assert!(
            lines(&report).contains(&r#"status is "infeasible" but 1 meetings are assigned"#.to_string())
        );

        // Pins that fit together, once m2 takes the room T1 does not need.
        let p = pinned();
        let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
        assert_eq!(
            lines(&report),
            [
                r#"status is "infeasible" but all pinned meetings can be held together: "m1" at slot "a2" in room "T1", "m2" at slot "a3" in room "T1""#
            ]
        );

        let contradictions = [
            // Participant a in both pinned meetings at a2.
            r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "a2"}},
                {"id": "m2", "participants": ["a", "c"], "weight": 1, "fixed": {"slot": "a2", "room": "R1"}}]"#,
            // At a3 only T1 and R1 are open (T2 is not), and m3 needs R1's seats: three pins, two rooms.
            r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "fixed": {"slot": "a3"}},
                {"id": "m2", "participants": ["c", "e"], "weight": 1, "fixed": {"slot": "a3"}},
                {"id": "m3", "participants": ["d", "f"], "weight": 1, "fixed": {"slot": "a3"}}]"#,
            // The pin runs past the end of the morning.
            r#"[{"id": "m1", "participants": ["a", "b"], "weight": 1, "duration": 2, "fixed": {"slot": "a5"}}]"#,
            // f may have one meeting only.
            r#"[{"id": "m1", "participants": ["f", "b"], "weight": 1, "fixed": {"slot": "a1"}},
                {"id": "m2", "participants": ["f", "c"], "weight": 1, "fixed": {"slot": "a2"}}]"#,
            // e is away at a2.
            r#"[{"id": "m1", "participants": ["e", "b"], "weight": 1, "fixed": {"slot": "a2"}}]"#,
        ];
        for meetings in contradictions {
            let p = problem_with(meetings, "{}");
            let report = check(&p, &doc(&p, &Schedule::empty(&p), Status::Infeasible, 0, None));
            assert!(report.is_valid(), "{meetings}: {:#?}", lines(&report));
        }
    }

    #[test]
    fn evaluate_reports_bad_indices_without_panicking() {
        let p = base();
        let mut s = Schedule::empty(&p);
        s.placements[0] = Some(Placement { slot: 99, room: 0 });
        s.placements[1] = Some(Placement { slot: 0, room: 99 });
        s.placements.push(None);
        let report = evaluate(&p, &s);
        assert_eq!(
            lines(&report),
            [
                "the schedule has 10 entries for 9 meetings",
                r#"meeting "m1" is placed at slot index 99, room index 0, which do not exist"#,
                r#"meeting "m2" is placed at slot index 0, room index 99, which do not exist"#,
            ]
        );
        s.placements.truncate(3);
        assert!(!evaluate(&p, &s).is_valid());
    }

    #[test]
    fn the_spec_solution_example_parses() {
        let text = r#"{
          "format": "rendezvous-solution/1",
          "status": "optimal",
          "objective": 12345,
          "bound": 12390,
          "assignments": [{"meeting": "m1", "slot": "d1-1000", "room": "R01"}],
          "unscheduled": [{"meeting": "m7", "reason": "acme has no free slot left"}]
        }"#;
        let doc = parse_solution(text).unwrap();
        assert_eq!(doc.status, Status::Optimal);
        assert_eq!((doc.objective, doc.bound), (12345, Some(12390)));
        assert_eq!(doc.assignments[0].room, "R01");
        assert_eq!(doc.unscheduled[0].meeting, "m7");
        // And the checker says what is wrong with it against the base problem, by id.
        let report = check(&base(), &doc);
        let lines = lines(&report);
        assert!(
            lines.contains(&r#"meeting "m1" is assigned to unknown slot "d1-1000""#.to_string()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&r#"meeting "m2" is neither in assignments nor in unscheduled"#.to_string()),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.contains("above bound")), "{lines:#?}");
    }

    #[test]
    fn solution_parse_errors_name_the_place() {
        let err = parse_solution(
            r#"{"format": "rendezvous-solution/1", "status": "optimal", "objective": 1,
            "bound": null, "assignments": [{"meeting": "m1", "slot": "a1", "room": "T1", "seat": 3}],
            "unscheduled": []}"#,
        )
        .unwrap_err();
        assert!(err.path.starts_with("assignments[0]"), "{err}");
        let err = parse_solution(
            r#"{"format": "rendezvous-solution/1", "status": "great", "objective": 1,
            "bound": null, "assignments": [], "unscheduled": []}"#,
        )
        .unwrap_err();
        assert_eq!(err.path, "status", "{err}");
    }
}
