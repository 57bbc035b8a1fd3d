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

use highs::{ColProblem, HighsModelStatus, Row, Sense};

use crate::milp::quota_rows;
use crate::model::{ClassIx, Model};

/// Above this many (meeting, start) pairs the session-summed relaxation is used.
const TIME_INDEXED_LIMIT: usize = 60_000;

/// The relaxation to solve for the bound (built here, solved anywhere: it owns its data).
pub(crate) fn bound_lp(model: &Model) -> ColProblem {
    let pairs: usize = model.starts.iter().map(Vec::len).sum();
    if pairs <= TIME_INDEXED_LIMIT {
        time_indexed(model)
    } else {
        session_summed(model)
    }
}

/// A proved upper bound on the objective from [`bound_lp`], or `None` if HiGHS fails,
/// runs out of time or is stopped by `stop`.
pub(crate) fn solve_bound(lp: ColProblem, time_limit: f64, stop: &Stop) -> Option<i64> {
    let mut highs = lp.optimise(Sense::Maximise);
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
    fn raised(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
            || self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// HiGHS's interrupt callbacks, the one thing the `highs` crate does not wrap: HiGHS
/// polls them between simplex and interior-point iterations and stops when asked.
#[allow(unsafe_code)]
mod interrupt {
    use std::ffi::{c_char, c_int, c_void};

    use highs_sys::{
        Highs_setCallback, Highs_startCallback, HighsCallbackDataIn, HighsCallbackDataOut,
        kHighsCallbackIpmInterrupt, kHighsCallbackSimplexInterrupt,
    };

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

/// Each meeting's usable classes: the union over its starts.
fn class_sets(model: &Model) -> (Vec<Vec<ClassIx>>, Vec<Vec<ClassIx>>) {
    let per_meeting: Vec<Vec<ClassIx>> = model
        .starts
        .iter()
        .map(|starts| {
            starts
                .iter()
                .flat_map(|s| s.classes.iter().copied())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        })
        .collect();
    let distinct: BTreeSet<Vec<ClassIx>> = per_meeting.iter().filter(|s| !s.is_empty()).cloned().collect();
    (per_meeting, distinct.into_iter().collect())
}

fn subset(small: &[ClassIx], big: &[ClassIx]) -> bool {
    small.iter().all(|c| big.binary_search(c).is_ok())
}

fn time_indexed(model: &Model) -> ColProblem {
    let problem = model.problem;
    let slots = model.slot_count;
    let mut lp = ColProblem::default();
    let participant_rows: Vec<Row> = (0..problem.participants.len() * slots)
        .map(|_| lp.add_row(..=1.0))
        .collect();
    let quota = quota_rows(&mut lp, problem);
    let (per_meeting, sets) = class_sets(model);
    let set_rows: Vec<Vec<Row>> = sets
        .iter()
        .map(|set| {
            (0..slots)
                .map(|t| lp.add_row(..=f64::from(rooms_free(model, set, t))))
                .collect()
        })
        .collect();
    for (m, starts) in model.starts.iter().enumerate() {
        if starts.is_empty() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let pinned = meeting.fixed.is_some();
        let once = lp.add_row(if pinned { 1.0 } else { 0.0 }..=1.0);
        let containing: Vec<usize> = (0..sets.len())
            .filter(|&i| subset(&per_meeting[m], &sets[i]))
            .collect();
        for start in starts {
            let mut factors = vec![(once, 1.0)];
            for t in start.slot..start.slot + model.duration(m) {
                for &p in &meeting.participants {
                    factors.push((participant_rows[p * slots + t], 1.0));
                }
                for &i in &containing {
                    factors.push((set_rows[i][t], 1.0));
                }
            }
            for &p in &meeting.participants {
                if let Some(row) = quota[p] {
                    factors.push((row, 1.0));
                }
            }
            lp.add_column(f64::from(meeting.weight), 0.0..=1.0, factors);
        }
    }
    lp
}

/// Rooms of the classes in `set` that can be used at slot `t`.
fn rooms_free(model: &Model, set: &[usize], t: usize) -> u32 {
    set.iter()
        .filter(|&&c| model.classes[c].available[t])
        .map(|&c| model.classes[c].size())
        .sum()
}

fn session_summed(model: &Model) -> ColProblem {
    let problem = model.problem;
    let sessions = problem.sessions.len();
    let mut lp = ColProblem::default();
    let participant_rows: Vec<Row> = (0..problem.participants.len() * sessions)
        .map(|ix| {
            let (p, s) = (ix / sessions, ix % sessions);
            let free = problem.sessions[s]
                .slots
                .clone()
                .filter(|&t| model.participant_available[p * model.slot_count + t])
                .count();
            lp.add_row(..=free as f64)
        })
        .collect();
    let quota = quota_rows(&mut lp, problem);
    let (per_meeting, sets) = class_sets(model);
    let set_rows: Vec<Vec<Row>> = sets
        .iter()
        .map(|set| {
            problem
                .sessions
                .iter()
                .map(|session| {
                    let room_slots: u32 = session.slots.clone().map(|t| rooms_free(model, set, t)).sum();
                    lp.add_row(..=f64::from(room_slots))
                })
                .collect()
        })
        .collect();
    for (m, starts) in model.starts.iter().enumerate() {
        if starts.is_empty() {
            continue;
        }
        let meeting = &problem.meetings[m];
        let pinned = meeting.fixed.is_some();
        let once = lp.add_row(if pinned { 1.0 } else { 0.0 }..=1.0);
        let containing: Vec<usize> = (0..sets.len())
            .filter(|&i| subset(&per_meeting[m], &sets[i]))
            .collect();
        let d = model.duration(m) as f64;
        let in_sessions: BTreeSet<usize> = starts.iter().map(|s| model.session_of(s.slot)).collect();
        for s in in_sessions {
            let mut factors = vec![(once, 1.0)];
            for &p in &meeting.participants {
                factors.push((participant_rows[p * sessions + s], d));
                if let Some(row) = quota[p] {
                    factors.push((row, 1.0));
                }
            }
            for &i in &containing {
                factors.push((set_rows[i][s], d));
            }
            lp.add_column(f64::from(meeting.weight), 0.0..=1.0, factors);
        }
    }
    lp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    #[test]
    fn a_cancelled_bound_stops_with_none() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-forum-1.json")).unwrap();
        let model = Model::new(&problem);
        let cancelled = Stop {
            finished: AtomicBool::new(false),
            cancel: Some(Arc::new(AtomicBool::new(true))),
        };
        assert_eq!(solve_bound(bound_lp(&model), 60.0, &cancelled), None);
    }

    #[test]
    fn both_relaxations_bound_pub_tiny_at_its_known_value() {
        let problem = Problem::from_json(include_str!("../tests/data/pub-tiny.json")).unwrap();
        let model = Model::new(&problem);
        let running = Stop {
            finished: AtomicBool::new(false),
            cancel: None,
        };
        let bound = solve_bound(bound_lp(&model), 60.0, &running).unwrap();
        // The reference LP bound for pub-tiny (instances README) is 3,390.
        assert_eq!(bound, 3390);
        let lp = session_summed(&model);
        let mut highs = lp.optimise(Sense::Maximise);
        highs.make_quiet();
        let summed = highs.solve().objective_value();
        assert!(summed + 1e-6 >= 3390.0, "{summed}");
    }
}
