//! A schedule under construction, with its objective kept up to date move by move.
//!
//! Meetings are placed at a first slot and a room class; concrete rooms are chosen at the
//! end (`rooms.rs`). Counting per class and slot is exact for that: rooms of a class are
//! interchangeable, and interval colouring never needs more rooms than the peak count.

use crate::model::{ClassIx, Model};
use crate::problem::{MeetingIx, ParticipantIx, Problem, SlotIx};
use crate::solution::Schedule;

const FREE: u32 = u32::MAX;

/// Where a meeting is held: first slot and room class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Spot {
    pub slot: SlotIx,
    pub class: ClassIx,
}

/// Idle slots and gaps of one participant in one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Waits {
    pub idle: u32,
    pub gaps: u32,
}

/// Counts the waits in one session's occupancy (`true` = busy).
pub(crate) fn waits_of(busy: impl Iterator<Item = bool>) -> Waits {
    let mut waits = Waits::default();
    let mut seen_busy = false;
    let mut pending = 0;
    for b in busy {
        if b {
            if seen_busy && pending > 0 {
                waits.idle += pending;
                waits.gaps += 1;
            }
            seen_busy = true;
            pending = 0;
        } else if seen_busy {
            pending += 1;
        }
    }
    waits
}

/// The score parts of a schedule; `objective()` combines them with the penalties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Score {
    pub weight: i64,
    pub placed: i64,
    pub idle: i64,
    pub gaps: i64,
    pub moved: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct State<'m, 'p> {
    pub model: &'m Model<'p>,
    pub spots: Vec<Option<Spot>>,
    /// `busy[p * slot_count + t]`: the meeting participant `p` attends in slot `t`.
    busy: Vec<u32>,
    /// `used[c * slot_count + t]`: rooms of class `c` in use in slot `t`.
    used: Vec<u32>,
    /// Meetings held per participant.
    pub held: Vec<u32>,
    /// `waits[p * session_count + s]`.
    waits: Vec<Waits>,
    pub score: Score,
    idle_penalty: i64,
    gap_penalty: i64,
    move_penalty: i64,
}

impl<'m, 'p> State<'m, 'p> {
    /// The schedule that holds nothing.
    pub fn new(model: &'m Model<'p>) -> Self {
        let problem = model.problem;
        let moved = problem.meetings.iter().filter(|m| m.current.is_some()).count() as i64;
        Self {
            model,
            spots: vec![None; problem.meetings.len()],
            busy: vec![FREE; problem.participants.len() * model.slot_count],
            used: vec![0; model.classes.len() * model.slot_count],
            held: vec![0; problem.participants.len()],
            waits: vec![Waits::default(); problem.participants.len() * problem.sessions.len()],
            score: Score {
                moved,
                ..Score::default()
            },
            idle_penalty: i64::from(problem.penalties.idle_slot),
            gap_penalty: i64::from(problem.penalties.gap),
            move_penalty: i64::from(problem.penalties.move_),
        }
    }

    pub fn objective(&self) -> i64 {
        objective_of(
            &self.score,
            self.idle_penalty,
            self.gap_penalty,
            self.move_penalty,
        )
    }

    /// The meeting participant `p` attends in slot `t`.
    pub fn busy_with(&self, p: ParticipantIx, t: SlotIx) -> Option<MeetingIx> {
        let m = self.busy[p * self.model.slot_count + t];
        (m != FREE).then_some(m as MeetingIx)
    }

    /// Whether a class has a free room through `duration` slots from `t`.
    pub fn class_free(&self, c: ClassIx, t: SlotIx, duration: usize) -> bool {
        let size = self.model.classes[c].size();
        (t..t + duration).all(|s| self.used[c * self.model.slot_count + s] < size)
    }

    /// Whether `m` (not placed) could be placed at `spot` now: participants free and
    /// under their quotas, a room of the class free. Assumes `spot` is a feasible start.
    pub fn can_place(&self, m: MeetingIx, spot: Spot) -> bool {
        let d = self.model.duration(m);
        let problem = self.model.problem;
        self.class_free(spot.class, spot.slot, d)
            && self.model.participants(m).iter().all(|&p| {
                problem.participants[p]
                    .max_meetings
                    .is_none_or(|cap| self.held[p] < cap)
                    && (spot.slot..spot.slot + d).all(|t| self.busy[p * self.model.slot_count + t] == FREE)
            })
    }

    /// Whether `m` sits at its published place (so it pays no `move`).
    fn keeps_current(&self, m: MeetingIx, spot: Spot) -> bool {
        self.model.current_class(m) == Some((spot.slot, spot.class))
    }

    fn refresh_waits(&mut self, p: ParticipantIx, session: usize) {
        let problem = self.model.problem;
        let ix = p * problem.sessions.len() + session;
        let range = problem.sessions[session].slots.clone();
        let row = p * self.model.slot_count;
        let new = waits_of(range.map(|t| self.busy[row + t] != FREE));
        let old = std::mem::replace(&mut self.waits[ix], new);
        self.score.idle += i64::from(new.idle) - i64::from(old.idle);
        self.score.gaps += i64::from(new.gaps) - i64::from(old.gaps);
    }

    /// Places `m` at `spot`. The caller has checked [`State::can_place`].
    pub fn place(&mut self, m: MeetingIx, spot: Spot) {
        debug_assert!(self.spots[m].is_none());
        let d = self.model.duration(m);
        let slots = self.model.slot_count;
        for t in spot.slot..spot.slot + d {
            self.used[spot.class * slots + t] += 1;
        }
        let session = self.model.session_of(spot.slot);
        for &p in &self.model.problem.meetings[m].participants {
            for t in spot.slot..spot.slot + d {
                self.busy[p * slots + t] = m as u32;
            }
            self.held[p] += 1;
            self.refresh_waits(p, session);
        }
        if self.keeps_current(m, spot) {
            self.score.moved -= 1;
        }
        self.spots[m] = Some(spot);
        self.score.weight += i64::from(self.model.problem.meetings[m].weight);
        self.score.placed += 1;
    }

    /// Unplaces `m`, returning where it was.
    pub fn remove(&mut self, m: MeetingIx) -> Option<Spot> {
        let spot = self.spots[m].take()?;
        let d = self.model.duration(m);
        let slots = self.model.slot_count;
        for t in spot.slot..spot.slot + d {
            self.used[spot.class * slots + t] -= 1;
        }
        let session = self.model.session_of(spot.slot);
        for &p in &self.model.problem.meetings[m].participants {
            for t in spot.slot..spot.slot + d {
                self.busy[p * slots + t] = FREE;
            }
            self.held[p] -= 1;
            self.refresh_waits(p, session);
        }
        if self.keeps_current(m, spot) {
            self.score.moved += 1;
        }
        self.score.weight -= i64::from(self.model.problem.meetings[m].weight);
        self.score.placed -= 1;
        Some(spot)
    }

    /// The waits of one participant in one session.
    pub fn waits(&self, p: ParticipantIx, session: usize) -> Waits {
        self.waits[p * self.model.problem.sessions.len() + session]
    }
}

pub(crate) fn objective_of(score: &Score, idle_penalty: i64, gap_penalty: i64, move_penalty: i64) -> i64 {
    score.weight - idle_penalty * score.idle - gap_penalty * score.gaps - move_penalty * score.moved
}

/// The score of a concrete schedule, recomputed from scratch (no shared state with the
/// incremental bookkeeping above, so each can test the other).
pub(crate) fn score_schedule(problem: &Problem, schedule: &Schedule) -> Score {
    let mut score = Score::default();
    let mut busy = vec![vec![false; problem.slots.len()]; problem.participants.len()];
    for (m, placement) in schedule.placements.iter().enumerate() {
        let meeting = &problem.meetings[m];
        if meeting.current.is_some() && *placement != meeting.current {
            score.moved += 1;
        }
        let Some(placement) = placement else { continue };
        score.weight += i64::from(meeting.weight);
        score.placed += 1;
        for &p in &meeting.participants {
            let occupied = placement.slot..placement.slot + meeting.duration as usize;
            busy[p][occupied].fill(true);
        }
    }
    for row in &busy {
        for session in &problem.sessions {
            let waits = waits_of(session.slots.clone().map(|t| row[t]));
            score.idle += i64::from(waits.idle);
            score.gaps += i64::from(waits.gaps);
        }
    }
    score
}

/// The objective of a concrete schedule, as the format defines it.
pub(crate) fn objective_of_schedule(problem: &Problem, score: &Score) -> i64 {
    let penalties = problem.penalties;
    objective_of(
        score,
        i64::from(penalties.idle_slot),
        i64::from(penalties.gap),
        i64::from(penalties.move_),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_follow_the_spec_examples() {
        let run = |busy: &[u8]| waits_of(busy.iter().map(|&b| b == 1));
        // Occupied 1, 2 and 5: 2 idle slots, 1 gap. Occupied 1, 3 and 5: 2 idle, 2 gaps.
        assert_eq!(run(&[1, 1, 0, 0, 1, 0]), Waits { idle: 2, gaps: 1 });
        assert_eq!(run(&[1, 0, 1, 0, 1]), Waits { idle: 2, gaps: 2 });
        assert_eq!(run(&[0, 0, 1, 1, 0, 0]), Waits::default());
        assert_eq!(run(&[]), Waits::default());
    }
}
