//! A batch of late changes to a solved problem, the way day 1 brings them: the solution
//! becomes the published timetable (`current`), then a share of the participants is away
//! for a half-day, a share of the tables breaks, and a share of new requests is accepted.
//! Deterministic from a seed, so a warm re-solve's figures can be reproduced.

use std::collections::{BTreeSet, HashMap, HashSet};

use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rendezvous_solver::format::{MeetingDoc, PlacementDoc};
use rendezvous_solver::{Problem, ProblemDoc, SolutionDoc};

/// How big a batch, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LateSpec {
    /// Same seed, same batch.
    pub seed: u64,
    /// Percent of the participants, of the tables and of the meetings that each kind of
    /// change touches (at least one of each when the share is above zero).
    pub share_percent: f64,
}

impl Default for LateSpec {
    fn default() -> Self {
        Self {
            seed: 1,
            share_percent: 1.0,
        }
    }
}

/// What a batch changed, by id; [`LateChanges::between`] finds the same from two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LateChanges {
    /// Participants with new unavailable slots (a half-day each, in the generator: a
    /// session where they were not away already).
    pub participants: BTreeSet<String>,
    /// Rooms made unavailable in more slots (every slot, in the generator).
    pub rooms: BTreeSet<String>,
    /// Meetings that are not in the original problem.
    pub new_meetings: BTreeSet<String>,
}

/// Input the batch cannot be made from; `field` names the place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct LateError {
    pub field: String,
    pub message: String,
}

impl LateError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Tries to draw participants for one new meeting before giving up on it.
const NEW_MEETING_TRIES: usize = 100;

/// The late problem: `problem` with `solution`'s placements as `current` and a batch of
/// changes drawn from `spec`. Every meeting the solution left out has no `current`.
pub fn late_changes(
    problem: &ProblemDoc,
    solution: &SolutionDoc,
    spec: &LateSpec,
) -> Result<(ProblemDoc, LateChanges), LateError> {
    if !(spec.share_percent.is_finite() && spec.share_percent > 0.0 && spec.share_percent <= 100.0) {
        return Err(LateError::new(
            "share",
            format!(
                "must be a percentage above 0 and at most 100, not {}",
                spec.share_percent
            ),
        ));
    }
    // The validated form gives the sessions and the time order of the slots.
    let validated =
        Problem::try_from(problem.clone()).map_err(|err| LateError::new("problem", err.to_string()))?;
    let mut late = problem.clone();
    publish(&mut late, solution, &validated)?;

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut changes = LateChanges::default();
    let slot_order: HashMap<&str, usize> = validated
        .slots
        .iter()
        .enumerate()
        .map(|(t, s)| (s.id.as_str(), t))
        .collect();

    // Participants away for one session (a morning or an afternoon).
    let away = share_of(late.participants.len(), spec.share_percent);
    for p in sample(&mut rng, late.participants.len(), away).into_vec() {
        let participant = &mut late.participants[p];
        let mut unavailable: BTreeSet<usize> = participant
            .unavailable
            .iter()
            .map(|id| slot_order[id.as_str()])
            .collect();
        // A session it would have attended: one where it is not away already.
        let open: Vec<std::ops::Range<usize>> = validated
            .sessions
            .iter()
            .map(|s| s.slots.clone())
            .filter(|slots| slots.clone().any(|t| !unavailable.contains(&t)))
            .collect();
        if open.is_empty() {
            continue;
        }
        unavailable.extend(open[rng.random_range(0..open.len())].clone());
        participant.unavailable = unavailable
            .into_iter()
            .map(|t| validated.slots[t].id.clone())
            .collect();
        changes.participants.insert(participant.id.clone());
    }

    // Tables out of use for the rest of the expo. A room a `current` points to must stay
    // listed, so it is marked unavailable in every slot rather than removed.
    let tables: Vec<usize> = {
        let plain: Vec<usize> = (0..late.rooms.len())
            .filter(|&r| late.rooms[r].features.is_empty())
            .collect();
        if plain.is_empty() {
            (0..late.rooms.len()).collect()
        } else {
            plain
        }
    };
    let broken = share_of(tables.len(), spec.share_percent);
    for i in sample(&mut rng, tables.len(), broken).into_vec() {
        let room = &mut late.rooms[tables[i]];
        room.unavailable = validated.slots.iter().map(|s| s.id.clone()).collect();
        changes.rooms.insert(room.id.clone());
    }

    // New accepted requests between existing participants, shaped like existing meetings.
    let wanted = share_of(problem.meetings.len(), spec.share_percent);
    let mut ids: HashSet<String> = late.meetings.iter().map(|m| m.id.clone()).collect();
    let sizes: HashMap<&str, u64> = problem
        .participants
        .iter()
        .map(|p| (p.id.as_str(), u64::from(p.size)))
        .collect();
    let usable: Vec<&rendezvous_solver::format::RoomDoc> = late
        .rooms
        .iter()
        .filter(|r| !changes.rooms.contains(&r.id))
        .collect();
    let mut added = Vec::new();
    // A meeting needs two participants; a validated problem with meetings has them.
    let wanted = if late.participants.len() < 2 { 0 } else { wanted };
    for n in 1..=wanted {
        let Some(template) = problem
            .meetings
            .get(rng.random_range(0..problem.meetings.len().max(1)))
        else {
            break;
        };
        let count = template.participants.len().clamp(2, late.participants.len());
        let fits = |who: &[usize]| {
            let seats: u64 = who.iter().map(|&p| sizes[late.participants[p].id.as_str()]).sum();
            usable.iter().any(|r| {
                u64::from(r.capacity) >= seats && template.features.iter().all(|f| r.features.contains(f))
            })
        };
        let Some(who) = (0..NEW_MEETING_TRIES)
            .map(|_| sample(&mut rng, late.participants.len(), count).into_vec())
            .find(|who| fits(who.as_slice()))
        else {
            continue;
        };
        let mut id = format!("late-{n:05}");
        while ids.contains(&id) {
            id.push('x');
        }
        ids.insert(id.clone());
        changes.new_meetings.insert(id.clone());
        added.push(MeetingDoc {
            id,
            participants: who.iter().map(|&p| late.participants[p].id.clone()).collect(),
            duration: template.duration,
            weight: template.weight,
            features: template.features.clone(),
            allowed_slots: None,
            fixed: None,
            current: None,
        });
    }
    late.meetings.extend(added);
    Ok((late, changes))
}

/// Sets every meeting's `current` to where `solution` holds it (none when it is left out).
fn publish(late: &mut ProblemDoc, solution: &SolutionDoc, problem: &Problem) -> Result<(), LateError> {
    let index: HashMap<&str, usize> = problem
        .meetings
        .iter()
        .enumerate()
        .map(|(m, meeting)| (meeting.id.as_str(), m))
        .collect();
    let slots: HashSet<&str> = problem.slots.iter().map(|s| s.id.as_str()).collect();
    let rooms: HashSet<&str> = problem.rooms.iter().map(|r| r.id.as_str()).collect();
    let mut placed: Vec<Option<PlacementDoc>> = vec![None; problem.meetings.len()];
    for (i, a) in solution.assignments.iter().enumerate() {
        let at = |field: &str| format!("solution.assignments[{i}].{field}");
        let &m = index.get(a.meeting.as_str()).ok_or_else(|| {
            LateError::new(
                at("meeting"),
                format!("no meeting {:?} in the problem", a.meeting),
            )
        })?;
        if !slots.contains(a.slot.as_str()) {
            return Err(LateError::new(
                at("slot"),
                format!("no slot {:?} in the problem", a.slot),
            ));
        }
        if !rooms.contains(a.room.as_str()) {
            return Err(LateError::new(
                at("room"),
                format!("no room {:?} in the problem", a.room),
            ));
        }
        if placed[m].is_some() {
            return Err(LateError::new(
                at("meeting"),
                format!("{:?} is assigned twice", a.meeting),
            ));
        }
        placed[m] = Some(PlacementDoc {
            slot: a.slot.clone(),
            room: a.room.clone(),
        });
    }
    // The validated problem keeps the document's meeting order.
    for (meeting, placement) in late.meetings.iter_mut().zip(placed) {
        meeting.current = placement;
    }
    Ok(())
}

/// `share` percent of `n`, rounded, at least one when `n` is not zero.
fn share_of(n: usize, share: f64) -> usize {
    if n == 0 {
        return 0;
    }
    ((n as f64 * share / 100.0).round() as usize).clamp(1, n)
}

impl LateChanges {
    /// What changed from `original` to `late`: participants and rooms whose unavailable
    /// slots differ, and meetings `original` does not have.
    pub fn between(original: &ProblemDoc, late: &ProblemDoc) -> Self {
        let participants: HashMap<&str, &Vec<String>> = original
            .participants
            .iter()
            .map(|p| (p.id.as_str(), &p.unavailable))
            .collect();
        let rooms: HashMap<&str, &Vec<String>> = original
            .rooms
            .iter()
            .map(|r| (r.id.as_str(), &r.unavailable))
            .collect();
        let meetings: HashSet<&str> = original.meetings.iter().map(|m| m.id.as_str()).collect();
        let differs = |before: Option<&&Vec<String>>, after: &Vec<String>| {
            before.is_none_or(|before| {
                before.iter().collect::<BTreeSet<_>>() != after.iter().collect::<BTreeSet<_>>()
            })
        };
        Self {
            participants: late
                .participants
                .iter()
                .filter(|p| differs(participants.get(p.id.as_str()), &p.unavailable))
                .map(|p| p.id.clone())
                .collect(),
            rooms: late
                .rooms
                .iter()
                .filter(|r| differs(rooms.get(r.id.as_str()), &r.unavailable))
                .map(|r| r.id.clone())
                .collect(),
            new_meetings: late
                .meetings
                .iter()
                .filter(|m| !meetings.contains(m.id.as_str()))
                .map(|m| m.id.clone())
                .collect(),
        }
    }

    /// Whether the batch left `meeting` alone: it has a `current` place, none of its
    /// participants changed, its room did not, and it is not new.
    pub fn untouched(&self, meeting: &MeetingDoc) -> bool {
        meeting
            .current
            .as_ref()
            .is_some_and(|c| !self.rooms.contains(&c.room))
            && !self.new_meetings.contains(&meeting.id)
            && meeting
                .participants
                .iter()
                .all(|p| !self.participants.contains(p))
    }
}

#[cfg(test)]
#[path = "late_tests.rs"]
mod tests;
