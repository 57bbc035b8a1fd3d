//! Local search on the exact objective: simulated annealing over "move one meeting,
//! evict whatever is in the way, re-seat the evicted where they fit best" steps.
//!
//! Every step keeps the schedule valid, so the best one seen is always a valid answer.
//! The cooling schedule counts steps, not seconds: the same seed and the same step budget
//! give the same schedule on any machine; only a time limit that cuts a run short makes
//! the result depend on speed.

use std::time::Instant;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::construct::best_spot;
use crate::problem::{MeetingIx, SlotIx};
use crate::state::{Spot, State};

/// When to stop a search early.
pub(crate) struct Limits<'a> {
    pub deadline: Instant,
    pub cancelled: &'a dyn Fn() -> bool,
    /// A proved bound: a run that reaches it stops at that step, since nothing better
    /// exists. Stopping there depends only on the run's own steps, never on the clock.
    pub target: Option<i64>,
}

impl Limits<'_> {
    fn reached(&self) -> bool {
        Instant::now() >= self.deadline || (self.cancelled)()
    }
}

/// What one annealing run did.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SearchStats {
    pub steps: u64,
    pub accepted: u64,
}

pub(crate) struct Annealer<'s, 'm, 'p> {
    state: &'s mut State<'m, 'p>,
    rng: ChaCha8Rng,
    /// Previous spots of the meetings the current step changed, in change order.
    journal: Vec<(MeetingIx, Option<Spot>)>,
    movable: Vec<MeetingIx>,
    evicted: Vec<MeetingIx>,
    best: Vec<Option<Spot>>,
    best_objective: i64,
    /// Share of steps that are Kempe-chain swaps.
    pub kempe_share: f64,
    /// Weight of an idle slot in acceptance, in 1/[`SHAPING`] objective units.
    pub idle_shaping: i64,
}

/// Acceptance works in objective units times this, to leave room for shaping terms.
const SHAPING: i64 = 8;

impl<'s, 'm, 'p> Annealer<'s, 'm, 'p> {
    pub fn new(state: &'s mut State<'m, 'p>, rng: ChaCha8Rng) -> Self {
        let model = state.model;
        let movable = (0..model.problem.meetings.len())
            .filter(|&m| model.problem.meetings[m].fixed.is_none() && !model.starts[m].is_empty())
            .collect();
        let best = state.spots.clone();
        let best_objective = state.objective();
        Self {
            state,
            rng,
            journal: Vec::new(),
            movable,
            evicted: Vec::new(),
            best,
            best_objective,
            kempe_share: 0.3,
            idle_shaping: 0,
        }
    }

    pub fn best(&self) -> (&[Option<Spot>], i64) {
        (&self.best, self.best_objective)
    }

    fn set(&mut self, m: MeetingIx, spot: Option<Spot>) {
        self.journal.push((m, self.state.spots[m]));
        self.state.remove(m);
        if let Some(spot) = spot {
            self.state.place(m, spot);
        }
    }

    fn undo(&mut self) {
        while let Some((m, old)) = self.journal.pop() {
            self.state.remove(m);
            if let Some(spot) = old {
                self.state.place(m, spot);
            }
        }
    }

    /// Saves the schedule before the step in the journal as the best, keeping the step.
    fn save_pre_step(&mut self, objective: i64) {
        let changed: Vec<(MeetingIx, Option<Spot>)> = self
            .journal
            .iter()
            .map(|&(m, _)| (m, self.state.spots[m]))
            .collect();
        self.undo();
        self.best.clone_from(&self.state.spots);
        self.best_objective = objective;
        for &(m, _) in &changed {
            self.state.remove(m);
        }
        for &(m, spot) in &changed {
            if let Some(spot) = spot
                && self.state.spots[m].is_none()
            {
                self.state.place(m, spot);
            }
        }
    }

    /// Moves `m` to its `start_ix`-th start, evicting what is in the way and re-seating
    /// the evicted where they fit best. Returns false (and changes nothing) when the move
    /// is impossible (a pin in the way, no room of a fitting class free).
    fn relocate(&mut self, m: MeetingIx, start_ix: usize) -> bool {
        let model = self.state.model;
        let problem = model.problem;
        let start = &model.starts[m][start_ix];
        let d = model.duration(m);
        if self.state.spots[m].is_some_and(|s| s.slot == start.slot) {
            return false;
        }
        self.set(m, None);
        self.evicted.clear();
        for &p in model.participants(m) {
            for t in start.slot..start.slot + d {
                if let Some(o) = self.state.busy_with(p, t) {
                    if problem.meetings[o].fixed.is_some() {
                        self.undo();
                        return false;
                    }
                    self.evicted.push(o);
                    self.set(o, None);
                }
            }
            if let Some(cap) = problem.participants[p].max_meetings
                && self.state.held[p] >= cap
            {
                let held: Vec<MeetingIx> = model.meetings_of[p]
                    .iter()
                    .copied()
                    .filter(|&o| self.state.spots[o].is_some() && problem.meetings[o].fixed.is_none())
                    .collect();
                if held.is_empty() {
                    self.undo();
                    return false;
                }
                let o = held[self.rng.random_range(0..held.len())];
                self.evicted.push(o);
                self.set(o, None);
            }
        }
        let Some(class) = start
            .classes
            .iter()
            .copied()
            .find(|&c| self.state.class_free(c, start.slot, d))
        else {
            self.undo();
            return false;
        };
        self.set(
            m,
            Some(Spot {
                slot: start.slot,
                class,
            }),
        );
        for i in 0..self.evicted.len() {
            let o = self.evicted[i];
            if let Some((spot, delta)) = best_spot(self.state, o)
                && delta > 0
            {
                self.set(o, Some(spot));
            }
        }
        true
    }

    /// Swaps `m` between its slot and `other` together with the Kempe chain that keeps
    /// every participant conflict-free: whoever meets one of `m`'s participants in
    /// `other` moves to `m`'s slot, and so on. Only one-slot meetings take part.
    fn kempe(&mut self, m: MeetingIx, other: SlotIx) -> bool {
        let model = self.state.model;
        let problem = model.problem;
        let Some(spot) = self.state.spots[m] else {
            return false;
        };
        let here = spot.slot;
        if here == other || model.duration(m) != 1 || model.session_of(here) != model.session_of(other) {
            return false;
        }
        let mut chain = vec![m];
        let mut i = 0;
        while i < chain.len() {
            let x = chain[i];
            i += 1;
            let Some(at) = self.state.spots[x].map(|s| s.slot) else {
                return false;
            };
            let across = if at == here { other } else { here };
            for &p in model.participants(x) {
                if let Some(y) = self.state.busy_with(p, across)
                    && !chain.contains(&y)
                {
                    if model.duration(y) != 1 || problem.meetings[y].fixed.is_some() || chain.len() >= 64 {
                        return false;
                    }
                    chain.push(y);
                }
            }
        }
        let targets: Vec<(MeetingIx, SlotIx, usize)> = chain
            .iter()
            .map(|&x| {
                let spot = self.state.spots[x].unwrap_or(spot);
                (x, if spot.slot == here { other } else { here }, spot.class)
            })
            .collect();
        for &(x, _, _) in &targets {
            self.set(x, None);
        }
        for &(x, to, class) in &targets {
            let Ok(ix) = model.starts[x].binary_search_by_key(&to, |s| s.slot) else {
                self.undo();
                return false;
            };
            let classes = &model.starts[x][ix].classes;
            let pick = std::iter::once(class)
                .filter(|c| classes.contains(c))
                .chain(classes.iter().copied())
                .find(|&c| self.state.class_free(c, to, 1));
            match pick {
                Some(class) => self.set(x, Some(Spot { slot: to, class })),
                None => {
                    self.undo();
                    return false;
                }
            }
        }
        true
    }

    /// A start of `m` right next to another meeting of one of its participants, if any.
    fn adjacent_start(&mut self, m: MeetingIx) -> Option<usize> {
        let model = self.state.model;
        let participants = model.participants(m);
        let p = participants[self.rng.random_range(0..participants.len())];
        let mine = &model.meetings_of[p];
        let o = mine[self.rng.random_range(0..mine.len())];
        let spot = self.state.spots[o].filter(|_| o != m)?;
        let slot = if self.rng.random_bool(0.5) {
            spot.slot + model.duration(o)
        } else {
            spot.slot.checked_sub(model.duration(m))?
        };
        model.starts[m].binary_search_by_key(&slot, |s| s.slot).ok()
    }

    /// Runs `steps` annealing steps cooling from `hot` to `cold`, from the current
    /// schedule; returns to the best schedule at the end.
    pub fn run(&mut self, steps: u64, hot: f64, cold: f64, limits: &Limits) -> SearchStats {
        let mut stats = SearchStats::default();
        if self.movable.is_empty() {
            return stats;
        }
        let mut objective = self.state.objective();
        let mut idle = self.state.score.idle;
        let ratio = (cold / hot).ln();
        let mut temperature = hot;
        for step in 0..steps {
            if step % 512 == 0 {
                if limits.reached() {
                    break;
                }
                temperature = hot * (ratio * step as f64 / steps as f64).exp();
            }
            stats.steps += 1;
            let m = self.movable[self.rng.random_range(0..self.movable.len())];
            let roll: f64 = self.rng.random();
            let applied = if roll < 0.04 {
                if self.state.spots[m].is_some() {
                    self.set(m, None);
                    true
                } else {
                    false
                }
            } else if roll < 0.04 + self.kempe_share {
                let starts = &self.state.model.starts[m];
                let other = starts[self.rng.random_range(0..starts.len())].slot;
                self.kempe(m, other)
            } else {
                let target = if roll < 0.5 { self.adjacent_start(m) } else { None };
                let start_ix =
                    target.unwrap_or_else(|| self.rng.random_range(0..self.state.model.starts[m].len()));
                self.relocate(m, start_ix)
            };
            if !applied {
                continue;
            }
            let after = self.state.objective();
            let delta = after - objective;
            // Acceptance may see idle slots a little even when they cost nothing, so a
            // wait that shrinks is progress towards closing it.
            let shaped = SHAPING * delta - self.idle_shaping * (self.state.score.idle - idle);
            let accept = shaped >= 0
                || self.rng.random::<f64>() < (shaped as f64 / (SHAPING as f64 * temperature)).exp();
            if !accept {
                self.undo();
                continue;
            }
            stats.accepted += 1;
            if delta < 0 && objective > self.best_objective {
                self.save_pre_step(objective);
            }
            self.journal.clear();
            objective = after;
            idle = self.state.score.idle;
            if limits.target.is_some_and(|target| objective >= target) {
                break;
            }
        }
        if objective > self.best_objective {
            self.best.clone_from(&self.state.spots);
            self.best_objective = objective;
        }
        self.restore_best();
        stats
    }

    /// Makes `spots`, a valid schedule scoring `objective` found elsewhere, both the best
    /// and the current schedule.
    pub fn adopt(&mut self, spots: &[Option<Spot>], objective: i64) {
        self.best.clone_from_slice(spots);
        self.best_objective = objective;
        self.restore_best();
    }

    /// Puts the state back to the best schedule seen.
    pub fn restore_best(&mut self) {
        let model = self.state.model;
        for m in 0..model.problem.meetings.len() {
            if self.state.spots[m] != self.best[m] {
                self.state.remove(m);
            }
        }
        for m in 0..model.problem.meetings.len() {
            if let Some(spot) = self.best[m]
                && self.state.spots[m].is_none()
            {
                self.state.place(m, spot);
            }
        }
        debug_assert_eq!(self.state.objective(), self.best_objective);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::{greedy, place_pins};
    use crate::model::Model;
    use crate::problem::Problem;
    use crate::rooms::assign_rooms;
    use crate::state::{State, objective_of_schedule, score_schedule};
    use rand::SeedableRng;

    /// After every run, the incremental score equals a recomputation from scratch and the
    /// independent checker finds the schedule valid.
    #[test]
    fn incremental_objective_matches_naive_recomputation() {
        for text in [
            include_str!("../tests/data/pub-tiny.json"),
            include_str!("../tests/data/pub-forum-2.json"),
        ] {
            let problem = Problem::from_json(text).unwrap();
            let model = Model::new(&problem);
            let mut state = State::new(&model);
            place_pins(&mut state).unwrap();
            greedy(&mut state);
            let limits = Limits {
                deadline: Instant::now() + std::time::Duration::from_secs(60),
                cancelled: &|| false,
                target: None,
            };
            let mut annealer = Annealer::new(&mut state, ChaCha8Rng::seed_from_u64(7));
            for round in 0..4 {
                annealer.run(3_000, 5.0 / f64::from(round + 1), 0.1, &limits);
                let spots = annealer.best().0.to_vec();
                let objective = annealer.best().1;
                let schedule = assign_rooms(&model, &spots).unwrap();
                let naive = score_schedule(&problem, &schedule);
                assert_eq!(objective_of_schedule(&problem, &naive), objective);
                let report = crate::check::evaluate(&problem, &schedule);
                assert!(report.is_valid(), "{:?}", report.violations);
                assert_eq!(report.objective, objective);
            }
            assert_eq!(
                state.score,
                score_schedule(&problem, &assign_rooms(&model, &state.spots).unwrap())
            );
        }
    }
}
