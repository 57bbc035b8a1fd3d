//! The upper bound: the linear relaxation of "hold the heaviest set of meetings".
//!
//! Penalties are never negative, so the most weight any valid schedule can hold bounds
//! the objective. Rooms enter through their classes: for every set of classes that some
//! meeting can use, the meetings confined to that set share its rooms (Hall's condition
//! on the sets that matter). Small problems get the time-indexed relaxation; large ones
//! the same with each slot constraint summed over its session, which is weaker only in
//! principle and much smaller.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use good_lp::solvers::highs::HighsProblem;
use good_lp::{Expression, ProblemVariables, SolverModel, constraint, highs, variable};
use highs::HighsModelStatus;

use crate::lp::{Sums, quotas};
use crate::model::{ClassIx, Model};

/// Above this many (meeting, start) pairs the session-summed relaxation is used.
const TIME_INDEXED_LIMIT: usize = 60_000;

/// Meetings added to a relaxation between two looks at its `Stop`.
const STOP_EVERY: usize = 512;

/// The relaxation to solve for the bound (built here, solved anywhere: it owns its data),
/// or `None` when `stop` is raised while it is built: on the whole expo building it takes
/// seconds, and a solve that has ended must not wait for a bound it no longer needs.
pub(crate) fn bound_lp(model: &Model, stop: &Stop) -> Option<HighsProblem> {
    let pairs: usize = model.starts.iter().map(Vec::len).sum();
    if pairs <= TIME_INDEXED_LIMIT {
        time_indexed(model, stop)
    } else {
        session_summed(model, stop)
    }
}

/// A proved upper bound on the objective from [`bound_lp`], or `None` if HiGHS fails,
/// runs out of time or is stopped by `stop`.
pub(crate) fn solve_bound(lp: HighsProblem, time_limit: f64, stop: &Stop) -> Option<i64> {
    // The raw model, for the interrupt callback good_lp does not expose.
    if stop.raised() {
        return None;
    }
    let mut highs = lp.try_into_inner().ok()?;
    highs.make_quiet();
    interrupt::stop_when_raised(&mut highs, stop);
    highs.set_option("threads", 1);
    highs.set_option("random_seed", 0);
    highs.set_option("time_limit", time_limit.max(0.1));
    let solved = highs.try_solve().ok()?;
    if solved.status() != HighsModelStatus::Optimal {
        return None;
    }
    // The LP optimum is exact up to solver tolerances; weights are integers.
    let value = solved.objective_value();
    Some((value + 1e-6 * value.abs().max(1.0)).floor() as i64)
}

/// Stops raised by the solver for a running HiGHS solve: the caller's cancel, or the solve
/// ending (so the LP never outlives it).
pub(crate) struct Stop {
    pub finished: AtomicBool,
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Stop {
    pub(crate) fn raised(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
            || self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// HiGHS's interrupt callbacks, the one thing the `highs` crate does not wrap: HiGHS
/// polls them between simplex and interior-point iterations and stops when asked.
pub(crate) use interrupt::stop_when_set;

#[allow(unsafe_code)]
mod interrupt {
    use std::ffi::{c_char, c_int, c_void};

    use highs_sys::{
        Highs_setCallback, Highs_startCallback, HighsCallbackDataIn, HighsCallbackDataOut,
        kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackSimplexInterrupt,
    };

    use std::sync::atomic::{AtomicBool, Ordering};

    use super::Stop;

    unsafe extern "C" fn on_interrupt(
        _kind: c_int,
        _message: *const c_char,
        _data_out: *const HighsCallbackDataOut,
        data_in: *mut HighsCallbackDataIn,
        user: *mut c_void,
    ) {
        // SAFETY: `user` is the `Stop` registered in `stop_when_raised`, which outlives
        // every solve of that model; `data_in` is HiGHS's own, valid during the call.
        let stop = unsafe { &*(user as *const Stop) };
        if stop.raised() && !data_in.is_null() {
            unsafe { (*data_in).user_interrupt = 1 };
        }
    }

    unsafe extern "C" fn on_flag(
        _kind: c_int,
        _message: *const c_char,
        _data_out: *const HighsCallbackDataOut,
        data_in: *mut HighsCallbackDataIn,
        user: *mut c_void,
    ) {
        // SAFETY: `user` is the flag registered in `stop_when_set`, which outlives every
        // solve of that model; `data_in` is HiGHS's own, valid during the call.
        let flag = unsafe { &*(user as *const AtomicBool) };
        if flag.load(Ordering::Relaxed) && !data_in.is_null() {
            unsafe { (*data_in).user_interrupt = 1 };
        }
    }

    /// Asks HiGHS to stop `model`'s solves, MIPs included, once `flag` is set. `flag` must
    /// outlive them.
    pub(crate) fn stop_when_set(model: &mut highs::Model, flag: &AtomicBool) {
        let highs = model.as_mut_ptr();
        // SAFETY: `highs` is a live HiGHS instance; the callback only reads `flag`.
        unsafe {
            Highs_setCallback(highs, Some(on_flag), flag as *const AtomicBool as *mut c_void);
            Highs_startCallback(highs, kHighsCallbackSimplexInterrupt);
            Highs_startCallback(highs, kHighsCallbackIpmInterrupt);
            Highs_startCallback(highs, kHighsCallbackMipInterrupt);
        }
    }

    /// Asks HiGHS to stop `model`'s solves once `stop` is raised. `stop` must outlive them.
    pub(super) fn stop_when_raised(model: &mut highs::Model, stop: &Stop) {
        let highs = model.as_mut_ptr();
        // SAFETY: `highs` is a live HiGHS instance; the callback only reads `stop`.
        unsafe {
            Highs_setCallback(highs, Some(on_interrupt), stop as *const Stop as *mut c_void);
            Highs_startCallback(highs, kHighsCallbackSimplexInterrupt);
            Highs_startCallback(highs, kHighsCallbackIpmInterrupt);
        }
    }
}

/// The sets of classes that some meeting can use (each meeting's own: the union over its
/// starts), which meetings have which, and which sets contain each set.
struct ClassSets {
    sets: Vec<Vec<ClassIx>>,
    /// Per meeting, the index of its own set (`None`: it has no start).
    own: Vec<Option<usize>>,
    /// Per set, the sets that contain it (itself included).
    containing: Vec<Vec<usize>>,
}

impl ClassSets {
    fn new(model: &Model) -> Self {
        let mut seen = vec![false; model.classes.len()];
        let per_meeting: Vec<Vec<ClassIx>> = model
            .starts
            .iter()
            .map(|starts| {
                let mut own = Vec::new();
                for &c in starts.iter().flat_map(|s| s.classes.iter()) {
                    if !std::mem::replace(&mut seen[c], true) {
                        own.push(c);
                    }
                }
                for &c in &own {
                    seen[c] = false;
                }
                own.sort_unstable();
                own
            })
            .collect();
        let sets: Vec<Vec<ClassIx>> = per_meeting
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let own = per_meeting.iter().map(|s| sets.binary_search(s).ok()).collect();
        let containing = sets
            .iter()
            .map(|small| (0..sets.len()).filter(|&i| subset(small, &sets[i])).collect())
            .collect();
        Self {
            sets,
            own,
            containing,
        }
    }

    /// The sets whose rooms meeting `m` may use.
    fn of(&self, m: usize) -> &[usize] {
        self.own[m].map_or(&[], |i| &self.containing[i])
    }
}

fn subset(small: &[ClassIx], big: &[ClassIx]) -> bool {
    small.iter().all(|c| big.binary_search(c).is_ok())
}

/// For every meeting and start, `x[m, start]` in [0, 1]: at most one start per meeting
/// (exactly one when pinned); per participant and slot at most one meeting; per set of
/// classes and slot at most its free rooms for the meetings confined to it; quotas.
fn time_indexed(model: &Model, stop: &Stop) -> Option<HighsProblem> {
    let problem = model.problem;
    let slots = model.slot_count;
    let class_sets = ClassSets::new(model);
    let sets = &class_sets.sets;
    let mut vars = ProblemVariables::new();
    let mut weight = Expression::default();
    let mut busy = Sums::new(problem.participants.len() * slots);
    let mut held = Sums::new(problem.participants.len());
    let mut confined = Sums::new(sets.len() * slots);
    let mut once = Vec::new();
    for (m, starts) in model.starts.iter().enumerate() {
        if m % STOP_EVERY == 0 && stop.raised() {
            return None;
        }
        if starts.is_empty() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let containing = class_sets.of(m);
        let mut held_once = Expression::default();
        for start in starts {
            let x = vars.add(variable().clamp(0, 1));
            weight.add_mul(meeting.weight, x);
            held_once.add_mul(1, x);
            for t in start.slot..start.slot + model.duration(m) {
                for &p in &meeting.participants {
                    busy.add(p * slots + t, 1.0, x);
                }
                for &i in containing {
                    confined.add(i * slots + t, 1.0, x);
                }
            }
            for &p in &meeting.participants {
                held.add(p, 1.0, x);
            }
        }
        once.push((meeting.fixed.is_some(), held_once));
    }
    if stop.raised() {
        return None;
    }
    let mut lp = vars.maximise(weight).using(highs);
    busy.at_most(&mut lp, |_| Some(1.0));
    quotas(&mut lp, problem, held);
    if stop.raised() {
        return None;
    }
    confined.at_most(&mut lp, |ix| {
        Some(f64::from(rooms_free(model, &sets[ix / slots], ix % slots)))
    });
    add_once(&mut lp, once);
    Some(lp)
}

/// `Σ starts of a meeting ≤ 1`, `= 1` when it is pinned.
fn add_once(lp: &mut HighsProblem, once: Vec<(bool, Expression)>) {
    for (pinned, held) in once {
        lp.add_constraint(if pinned {
            constraint!(held == 1)
        } else {
            constraint!(held <= 1)
        });
    }
}

/// Rooms of the classes in `set` that can be used at slot `t`.
fn rooms_free(model: &Model, set: &[usize], t: usize) -> u32 {
    set.iter()
        .filter(|&&c| model.classes[c].available[t])
        .map(|&c| model.classes[c].size())
        .sum()
}

/// The same with one variable per meeting and session, `x[m, s]`: per participant and
/// session its meetings' slots fit in its free slots there, and per set of classes and
/// session the meetings confined to it fit in its free room-slots.
fn session_summed(model: &Model, stop: &Stop) -> Option<HighsProblem> {
    let problem = model.problem;
    let sessions = problem.sessions.len();
    let class_sets = ClassSets::new(model);
    let sets = &class_sets.sets;
    let mut vars = ProblemVariables::new();
    let mut weight = Expression::default();
    let mut busy = Sums::new(problem.participants.len() * sessions);
    let mut held = Sums::new(problem.participants.len());
    let mut confined = Sums::new(sets.len() * sessions);
    let mut once = Vec::new();
    for (m, starts) in model.starts.iter().enumerate() {
        if m % STOP_EVERY == 0 && stop.raised() {
            return None;
        }
        if starts.is_empty() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let containing = class_sets.of(m);
        let d = model.duration(m) as f64;
        let in_sessions: BTreeSet<usize> = starts.iter().map(|s| model.session_of(s.slot)).collect();
        let mut held_once = Expression::default();
        for s in in_sessions {
            let x = vars.add(variable().clamp(0, 1));
            weight.add_mul(meeting.weight, x);
            held_once.add_mul(1, x);
            for &p in &meeting.participants {
                busy.add(p * sessions + s, d, x);
                held.add(p, 1.0, x);
            }
            for &i in containing {
                confined.add(i * sessions + s, d, x);
            }
        }
        once.push((meeting.fixed.is_some(), held_once));
    }
    if stop.raised() {
        return None;
    }
    let mut lp = vars.maximise(weight).using(highs);
    busy.at_most(&mut lp, |ix| {
        let (p, s) = (ix / sessions, ix % sessions);
        let free = problem.sessions[s]
            .slots
            .clone()
            .filter(|&t| model.participant_available[p * model.slot_count + t])
            .count();
        Some(free as f64)
    });
    quotas(&mut lp, problem, held);
    if stop.raised() {
        return None;
    }
    confined.at_most(&mut lp, |ix| {
        let (set, session) = (&sets[ix / sessions], &problem.sessions[ix % sessions]);
        let room_slots: u32 = session.slots.clone().map(|t| rooms_free(model, set, t)).sum();
        Some(f64::from(room_slots))
    });
    add_once(&mut lp, once);
    Some(lp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    fn running() -> Stop {
        Stop {
            finished: AtomicBool::new(false),
            cancel: None,
        }
    }

    #[test]
    fn a_cancelled_bound_stops_with_none() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-forum-1.json")).unwrap();
        let model = Model::new(&problem);
        let lp = bound_lp(&model, &running()).expect("built while nothing stops it");
        let cancelled = Stop {
            finished: AtomicBool::new(false),
            cancel: Some(Arc::new(AtomicBool::new(true))),
        };
        assert_eq!(solve_bound(lp, 60.0, &cancelled), None);
    }

    #[test]
    fn a_relaxation_is_not_built_after_the_solve_ends() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-forum-1.json")).unwrap();
        let model = Model::new(&problem);
        let ended = running();
        ended.finished.store(true, Ordering::Relaxed);
        assert!(bound_lp(&model, &ended).is_none());
        assert!(time_indexed(&model, &ended).is_none());
        assert!(session_summed(&model, &ended).is_none());
        assert!(session_summed(&model, &running()).is_some());
    }

    #[test]
    fn both_relaxations_bound_pub_tiny_at_its_known_value() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-tiny.json")).unwrap();
        let model = Model::new(&problem);
        let bound = solve_bound(bound_lp(&model, &running()).unwrap(), 60.0, &running()).unwrap();
        // The reference LP bound for pub-tiny (instances README) is 3,390.
        assert_eq!(bound, 3390);
        let mut highs = session_summed(&model, &running()).unwrap().into_inner();
        highs.make_quiet();
        let summed = highs.solve().objective_value();
        assert!(summed + 1e-6 >= 3390.0, "{summed}");
    }
}
