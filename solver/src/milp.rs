//! The exact model over the whole objective, for problems small enough to solve whole.
//!
//! One binary per (meeting, first slot, room class). Per participant and slot, `busy` is
//! the sum of the meetings covering it; per session two monotone indicators say whether
//! the participant has started (`started`) and has not yet finished (`pending`). A slot
//! that is started, pending and not busy is idle; a busy slot followed by an idle one
//! opens a gap. The relaxation of these is weak, which is why the solver only comes here
//! warm started from the annealer's best schedule, to improve it and bound it.
//!
//! With the fairness rule (`max_wait_spread: d`) the waits are modelled for everyone who
//! could wait, exact both ways (pending only while a meeting is still to come, a gap only
//! where one opens), and every participant's gaps lie within [least, least + d] of one
//! more column, so the schedules and the bound are those of the fair problem.

use good_lp::{Expression, SolverModel, Variable, constraint, highs, variable};
use highs::{HighsModelStatus, HighsSolutionStatus};

use crate::lp::{Col, Columns, Sums, class_capacity, is_empty, quotas};
use crate::model::Model;
use crate::problem::{MeetingIx, ParticipantIx, SlotIx};
use crate::state::{Spot, State};

/// Above this many placement binaries the whole-problem MIP is not attempted.
pub(crate) const MIP_LIMIT: usize = 1_000;

/// Placement binaries the MIP would have.
pub(crate) fn placement_count(model: &Model) -> usize {
    model.starts.iter().flatten().map(|s| s.classes.len()).sum()
}

/// What the MIP found.
pub(crate) struct MipResult {
    /// A schedule better than the warm start, if HiGHS found one.
    pub spots: Option<Vec<Option<Spot>>>,
    /// A proved upper bound on the objective.
    pub bound: Option<i64>,
    pub status: String,
}

/// The part of a schedule a large-neighbourhood step may change.
pub(crate) struct Neighbourhood {
    /// Meetings that may move (or be dropped, or be added).
    pub free: Vec<bool>,
    /// Where they may go, when limited to a window of slots.
    pub slots: Option<std::ops::Range<SlotIx>>,
}

impl Neighbourhood {
    /// Everything held in `window`, and everything not held, may move within `window`.
    pub fn window(model: &Model, warm: &[Option<Spot>], window: std::ops::Range<SlotIx>) -> Self {
        let free = (0..warm.len())
            .map(|m| {
                warm[m].is_none_or(|s| window.start <= s.slot && s.slot + model.duration(m) <= window.end)
            })
            .collect();
        Self {
            free,
            slots: Some(window),
        }
    }

    /// Every meeting of these participants may move anywhere.
    pub fn participants(model: &Model, who: &[ParticipantIx]) -> Self {
        let mut free = vec![false; model.problem.meetings.len()];
        for &p in who {
            for &m in &model.meetings_of[p] {
                free[m] = true;
            }
        }
        Self { free, slots: None }
    }
}

struct Placing {
    meeting: MeetingIx,
    spot: Spot,
    col: Col,
}

/// A variable with its HiGHS column.
#[derive(Clone, Copy)]
struct Var {
    x: Variable,
    col: Col,
}

/// One participant's session: busy per slot and the wait indicators.
struct Waits {
    participant: ParticipantIx,
    slots: std::ops::Range<SlotIx>,
    busy: Vec<Var>,
    started: Vec<Var>,
    pending: Vec<Var>,
    idle: Vec<Var>,
    /// From the session's second slot on.
    gap: Vec<Option<Var>>,
}

/// Solves the whole problem with HiGHS, warm started from `warm` (a valid schedule in
/// `state`'s model), within `seconds`.
///
/// With a `neighbourhood`, only its free meetings may move (within its slots): everything
/// else stays where `warm` has it. That is the large-neighbourhood step; the bound it
/// reports is then only the neighbourhood's.
pub(crate) fn solve_mip(
    model: &Model,
    warm: &[Option<Spot>],
    seconds: f64,
    seed: u64,
    neighbourhood: Option<&Neighbourhood>,
) -> MipResult {
    let problem = model.problem;
    let slots = model.slot_count;
    let participants = problem.participants.len();
    let penalties = problem.penalties;
    let (idle_cost, gap_cost, move_cost) = (
        f64::from(penalties.idle_slot),
        f64::from(penalties.gap),
        f64::from(penalties.move_),
    );
    let with_waits = idle_cost > 0.0 || gap_cost > 0.0;
    // The fairness rule needs every participant's gaps, exact, whatever they cost.
    let fair = problem.max_wait_spread;
    let mut columns = Columns::default();
    let mut objective = Expression::default();

    // Placements: x[m, slot, class], binary; a meeting that may not move keeps its one.
    let mut placings = Vec::new();
    let mut held_once = Sums::new(problem.meetings.len());
    let mut covering = Sums::new(participants * slots);
    let mut in_class = Sums::new(model.classes.len() * slots);
    let mut held = Sums::new(participants);
    let inside = |m: MeetingIx, slot: SlotIx| {
        neighbourhood
            .and_then(|n| n.slots.as_ref())
            .is_none_or(|w| w.start <= slot && slot + model.duration(m) <= w.end)
    };
    for (m, starts) in model.starts.iter().enumerate() {
        let meeting = &problem.meetings[m];
        let current = model.current_class(m);
        let free = neighbourhood.is_none_or(|n| n.free[m]);
        for start in starts {
            for &class in start.classes.iter() {
                let spot = Spot {
                    slot: start.slot,
                    class,
                };
                let kept = warm[m] == Some(spot);
                if !(kept || (free && inside(m, spot.slot))) {
                    continue;
                }
                let lower = if kept && !free { 1 } else { 0 };
                let (x, col) = columns.add(variable().integer().clamp(lower, 1));
                let keeps_current = current == Some((spot.slot, spot.class));
                objective.add_mul(
                    f64::from(meeting.weight) + if keeps_current { move_cost } else { 0.0 },
                    x,
                );
                held_once.add(m, 1.0, x);
                for t in spot.slot..spot.slot + model.duration(m) {
                    in_class.add(class * slots + t, 1.0, x);
                    for &p in &meeting.participants {
                        covering.add(p * slots + t, 1.0, x);
                    }
                }
                for &p in &meeting.participants {
                    held.add(p, 1.0, x);
                }
                placings.push(Placing {
                    meeting: m,
                    spot,
                    col,
                });
            }
        }
    }

    // busy[p, t] in [0, 1] (0 where p is unavailable): the meetings covering (p, t).
    let busy: Vec<Var> = (0..participants * slots)
        .map(|ix| {
            let upper = if model.participant_available[ix] { 1 } else { 0 };
            let (x, col) = columns.add(variable().clamp(0, upper));
            Var { x, col }
        })
        .collect();
    // Per participant-session where waits are modelled: started[i] (a meeting at or
    // before slot i), pending[i] (one at or after it), idle[i] and gap[i] (a wait opens).
    let mut waits: Vec<Waits> = Vec::new();
    for p in 0..participants {
        for session in &problem.sessions {
            let range = session.slots.clone();
            if !((with_waits || fair.is_some()) && model.meetings_of[p].len() >= 2 && range.len() >= 3) {
                continue;
            }
            let mut entry = Waits {
                participant: p,
                busy: range.clone().map(|t| busy[p * slots + t]).collect(),
                slots: range.clone(),
                started: Vec::new(),
                pending: Vec::new(),
                idle: Vec::new(),
                gap: Vec::new(),
            };
            let add = |columns: &mut Columns| {
                let (x, col) = columns.add(variable().clamp(0, 1));
                Var { x, col }
            };
            for i in 0..range.len() {
                entry.started.push(add(&mut columns));
                entry.pending.push(add(&mut columns));
                // Both wait variables exist even when free: their rows would forbid waits otherwise.
                let idle = add(&mut columns);
                objective.add_mul(-idle_cost, idle.x);
                entry.idle.push(idle);
                let gap = (i > 0).then(|| add(&mut columns));
                if let Some(gap) = gap {
                    objective.add_mul(-gap_cost, gap.x);
                }
                entry.gap.push(gap);
            }
            waits.push(entry);
        }
    }
    // Fairness: the fewest gaps anyone has, every participant's within the rule above it.
    let least = fair.map(|_| {
        let (x, col) = columns.add(variable().min(0));
        Var { x, col }
    });
    let column_count = columns.len();

    let mut lp = columns.vars.maximise(objective).using(highs);
    for (m, once) in held_once.into_rows().enumerate() {
        if is_empty(&once) {
            continue;
        }
        lp.add_constraint(if problem.meetings[m].fixed.is_some() {
            constraint!(once == 1)
        } else {
            constraint!(once <= 1)
        });
    }
    for (ix, covered) in covering.into_rows().enumerate() {
        lp.add_constraint(constraint!(covered - busy[ix].x == 0));
    }
    class_capacity(&mut lp, model, in_class);
    quotas(&mut lp, problem, held);
    for entry in &waits {
        let (busy, started, pending) = (&entry.busy, &entry.started, &entry.pending);
        for i in 0..entry.slots.len() {
            lp.add_constraint(constraint!(started[i].x - busy[i].x >= 0));
            lp.add_constraint(constraint!(pending[i].x - busy[i].x >= 0));
            if i > 0 {
                lp.add_constraint(constraint!(started[i].x - started[i - 1].x >= 0));
                lp.add_constraint(constraint!(pending[i - 1].x - pending[i].x >= 0));
            }
            // Idle: started, pending and not busy.
            let idle = entry.idle[i].x;
            lp.add_constraint(constraint!(idle - started[i].x - pending[i].x + busy[i].x >= -1));
            // A gap opens: busy before, not busy now, and more to come.
            if let Some(gap) = entry.gap[i] {
                lp.add_constraint(constraint!(
                    gap.x - busy[i - 1].x + busy[i].x - pending[i].x >= -1
                ));
            }
        }
    }

    if let (Some(spread), Some(least)) = (fair, least) {
        let mut gaps_of: Vec<Expression> = vec![Expression::default(); participants];
        for entry in &waits {
            let (busy, pending) = (&entry.busy, &entry.pending);
            for i in 0..entry.slots.len() {
                // Pending only while a meeting is still to come: then a gap opens exactly
                // where one does, and the sum below is the participant's gaps.
                let to_come: Expression = busy[i..].iter().map(|b| b.x).sum();
                lp.add_constraint(constraint!(pending[i].x - to_come <= 0));
                if let Some(gap) = entry.gap[i] {
                    lp.add_constraint(constraint!(gap.x - busy[i - 1].x <= 0));
                    lp.add_constraint(constraint!(gap.x + busy[i].x <= 1));
                    lp.add_constraint(constraint!(gap.x - pending[i].x <= 0));
                    gaps_of[entry.participant].add_mul(1.0, gap.x);
                }
            }
        }
        // A participant whose waits are not modelled has none (fewer than two meetings,
        // or sessions too short for a gap).
        for gaps in gaps_of {
            lp.add_constraint(constraint!(gaps.clone() - least.x >= 0));
            lp.add_constraint(constraint!(gaps - least.x <= f64::from(spread)));
        }
    }

    // The raw model, for the MIP start and the dual bound good_lp does not expose.
    let Ok(mut highs) = lp.try_into_inner() else {
        return MipResult {
            spots: None,
            bound: None,
            status: "error".into(),
        };
    };
    highs.make_quiet();
    highs.set_option("threads", 1);
    highs.set_option("random_seed", (seed % i32::MAX as u64) as i32);
    highs.set_option("time_limit", seconds.max(0.1));
    highs.set_option("mip_rel_gap", 0.0);
    highs.set_option("mip_abs_gap", 0.999);

    let mut start_values = warm_start(model, warm, &placings, &busy, &waits, column_count);
    if let Some(least) = least {
        let mut gaps = vec![0.0; participants];
        for entry in &waits {
            gaps[entry.participant] += entry
                .gap
                .iter()
                .flatten()
                .map(|g| start_values[g.col])
                .sum::<f64>();
        }
        start_values[least.col] = gaps.into_iter().reduce(f64::min).unwrap_or(0.0);
    }
    let _ = highs.try_set_solution(Some(&start_values), None, None, None);

    let Ok(solved) = highs.try_solve() else {
        return MipResult {
            spots: None,
            bound: None,
            status: "error".into(),
        };
    };
    let status = solved.status();
    let constant = -move_cost * problem.meetings.iter().filter(|m| m.current.is_some()).count() as f64;
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .map(|b| ((b + constant) + 1e-6 * b.abs().max(1.0)).floor() as i64);
    let proved = matches!(status, HighsModelStatus::Optimal);
    let spots = (solved.primal_solution_status() == HighsSolutionStatus::Feasible).then(|| {
        let values = solved.get_solution();
        let columns = values.columns();
        let mut spots = vec![None; problem.meetings.len()];
        for placing in &placings {
            if columns[placing.col] > 0.5 {
                spots[placing.meeting] = Some(placing.spot);
            }
        }
        spots
    });
    MipResult {
        spots,
        bound,
        status: if proved {
            "optimal".into()
        } else {
            format!("{status:?}")
        },
    }
}

/// A complete start for HiGHS: the schedule's placements and every derived column.
fn warm_start(
    model: &Model,
    warm: &[Option<Spot>],
    placings: &[Placing],
    busy_vars: &[Var],
    waits: &[Waits],
    column_count: usize,
) -> Vec<f64> {
    let slots = model.slot_count;
    let mut values = vec![0.0; column_count];
    let mut busy = vec![false; model.problem.participants.len() * slots];
    for placing in placings {
        if warm[placing.meeting] == Some(placing.spot) {
            values[placing.col] = 1.0;
            for t in placing.spot.slot..placing.spot.slot + model.duration(placing.meeting) {
                for &p in model.participants(placing.meeting) {
                    busy[p * slots + t] = true;
                }
            }
        }
    }
    for (ix, var) in busy_vars.iter().enumerate() {
        if busy[ix] {
            values[var.col] = 1.0;
        }
    }
    let one = |b: bool| f64::from(u8::from(b));
    for entry in waits {
        let row: Vec<bool> = entry
            .slots
            .clone()
            .map(|t| busy[entry.participant * slots + t])
            .collect();
        let first = row.iter().position(|&b| b);
        let last = row.iter().rposition(|&b| b);
        for i in 0..row.len() {
            let started = first.is_some_and(|f| i >= f);
            let pending = last.is_some_and(|l| i <= l);
            values[entry.started[i].col] = one(started);
            values[entry.pending[i].col] = one(pending);
            values[entry.idle[i].col] = one(started && pending && !row[i]);
            if let Some(gap) = entry.gap[i] {
                values[gap.col] = one(row[i - 1] && !row[i] && pending);
            }
        }
    }
    values
}

/// Replays MIP spots through the state's checks; `None` if any is not placeable.
pub(crate) fn validated(state: &mut State, spots: &[Option<Spot>]) -> Option<()> {
    for m in 0..spots.len() {
        state.remove(m);
    }
    for (m, spot) in spots.iter().enumerate() {
        if let Some(spot) = *spot {
            let feasible = state.model.starts[m]
                .iter()
                .any(|s| s.slot == spot.slot && s.classes.contains(&spot.class));
            if !feasible || !state.can_place(m, spot) {
                return None;
            }
            state.place(m, spot);
        }
    }
    Some(())
}
