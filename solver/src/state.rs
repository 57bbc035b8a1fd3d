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

/// Each participant's waits (gaps over all sessions) and how many participants have each
/// count, so the spread between the most and the fewest is known after every change.
#[derive(Debug, Clone)]
struct Fairness {
    max_spread: u32,
    /// What one unit of spread above `max_spread` costs in [`State::objective`]: more than
    /// any two schedules' objectives can differ, so a schedule that keeps the rule always
    /// scores above one that breaks it.
    penalty: i64,
    gaps_of: Vec<u32>,
    /// `with[g]`: participants with `g` waits.
    with: Vec<u32>,
    least: u32,
    most: u32,
}

impl Fairness {
    fn new(model: &Model) -> Option<Self> {
        let problem = model.problem;
        let max_spread = problem.max_wait_spread?;
        let participants = problem.participants.len();
        let weight: i64 = problem.meetings.iter().map(|m| i64::from(m.weight)).sum();
        let penalties = problem.penalties;
        let waits = i64::from(penalties.idle_slot) + i64::from(penalties.gap);
        let cells = (participants as i64).saturating_mul(model.slot_count as i64);
        let moves = i64::from(penalties.move_).saturating_mul(problem.meetings.len() as i64);
        let penalty = weight
            .saturating_add(waits.saturating_mul(cells))
            .saturating_add(moves)
            .saturating_add(1);
        let mut with = vec![0; model.slot_count + 1];
        with[0] = participants as u32;
        Some(Self {
            max_spread,
            penalty,
            gaps_of: vec![0; participants],
            with,
            least: 0,
            most: 0,
        })
    }

    fn change(&mut self, p: ParticipantIx, delta: i64) {
        if delta == 0 {
            return;
        }
        let old = self.gaps_of[p];
        let new = (i64::from(old) + delta) as u32;
        self.gaps_of[p] = new;
        self.with[old as usize] -= 1;
        self.with[new as usize] += 1;
        self.most = self.most.max(new);
        self.least = self.least.min(new);
        while self.with[self.most as usize] == 0 {
            self.most -= 1;
        }
        while self.with[self.least as usize] == 0 {
            self.least += 1;
        }
    }

    /// How far the spread is above the rule (0 when it keeps it).
    fn excess(&self) -> i64 {
        i64::from((self.most - self.least).saturating_sub(self.max_spread))
    }
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
    /// The fairness rule's bookkeeping, when the problem has one.
    fairness: Option<Fairness>,
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
            fairness: Fairness::new(model),
            idle_penalty: i64::from(problem.penalties.idle_slot),
            gap_penalty: i64::from(problem.penalties.gap),
            move_penalty: i64::from(problem.penalties.move_),
        }
    }

    /// The format's objective, less [`Fairness::penalty`] per unit of wait spread above
    /// the fairness rule: equal to the format's objective exactly when the schedule keeps
    /// the rule, and always lower than that of any schedule that does. Every search
    /// compares schedules by it, so none prefers one that breaks the rule.
    pub fn objective(&self) -> i64 {
        let objective = objective_of(
            &self.score,
            self.idle_penalty,
            self.gap_penalty,
            self.move_penalty,
        );
        match &self.fairness {
            Some(fairness) => objective.saturating_sub(fairness.penalty.saturating_mul(fairness.excess())),
            None => objective,
        }
    }

    /// Whether the schedule keeps the fairness rule (always, without one).
    pub fn is_fair(&self) -> bool {
        self.fairness.as_ref().is_none_or(|f| f.excess() == 0)
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
        if let Some(fairness) = &mut self.fairness {
            fairness.change(p, i64::from(new.gaps) - i64::from(old.gaps));
        }
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

    /// The fairness bookkeeping follows every change: a breach costs more than any two
    /// schedules' objectives differ, and nothing once the waits even out again.
    #[test]
    fn a_breach_of_the_fairness_rule_ranks_below_every_fair_schedule() {
        let problem = Problem::from_json(
            r#"{"format": "rendezvous-problem/1",
              "slots": [
                {"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
                {"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"},
                {"id": "s3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}
              ],
              "rooms": [{"id": "T1", "capacity": 2}],
              "participants": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
              "meetings": [
                {"id": "p", "participants": ["a", "b"], "weight": 1},
                {"id": "q", "participants": ["a", "b"], "weight": 1}
              ],
              "penalties": {"gap": 1},
              "max_wait_spread": 0}"#,
        )
        .unwrap();
        let model = Model::new(&problem);
        let spot = |m: MeetingIx, slot: SlotIx| {
            let start = model.starts[m].iter().find(|s| s.slot == slot).unwrap();
            Spot {
                slot,
                class: start.classes[0],
            }
        };
        let mut state = State::new(&model);
        state.place(0, spot(0, 0));
        state.place(1, spot(1, 2));
        // a and b wait once, c (no meetings) 0 times: the format's objective is 2 − 2 = 0,
        // less the penalty of 2 + 3 × 3 + 1 = 12 for a spread one above the rule.
        assert!(!state.is_fair());
        assert_eq!(objective_of_schedule(&problem, &state.score), 0);
        assert_eq!(state.objective(), -12);
        state.remove(1);
        state.place(1, spot(1, 1));
        assert!(state.is_fair());
        assert_eq!(state.objective(), 2);
        assert_eq!(objective_of_schedule(&problem, &state.score), 2);
        // Without the rule the same schedule pays nothing extra.
        let mut free = problem.clone();
        free.max_wait_spread = None;
        let model = Model::new(&free);
        let mut state = State::new(&model);
        state.place(0, spot(0, 0));
        state.place(1, spot(1, 2));
        assert!(state.is_fair());
        assert_eq!(state.objective(), 0);
    }

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
