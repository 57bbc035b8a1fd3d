//! The exact model over the whole objective, for problems small enough to solve whole.
//!
//! One binary per (meeting, first slot, room class). Per participant and slot, `busy` is
//! the sum of the meetings covering it; per session two monotone indicators say whether
//! the participant has started (`started`) and has not yet finished (`pending`). A slot
//! that is started, pending and not busy is idle; a busy slot followed by an idle one
//! opens a gap. The relaxation of these is weak, which is why the solver only comes here
//! warm started from the annealer's best schedule, to improve it and bound it.

use highs::{ColProblem, HighsModelStatus, HighsSolutionStatus, Row, Sense};

/// A column's index in the model.
type Col = usize;

/// Adds a column and returns its index (`ColProblem` numbers columns in order).
fn column(lp: &mut ColProblem, cost: f64, upper: f64, factors: Vec<(Row, f64)>, integer: bool) -> Col {
    let index = lp.num_cols();
    lp.add_column_with_integrality(cost, 0.0..=upper, factors, integer);
    index
}

use crate::model::Model;
use crate::problem::{MeetingIx, ParticipantIx, SlotIx};
use crate::state::{Spot, State};

/// Above this many placement binaries the whole-problem MIP is not attempted.
pub(crate) const MIP_LIMIT: usize = 1_000;

/// Placement binaries the MIP would have.
/// One row per (room class, slot): at most as many meetings as the class has rooms free.
/// Row `class * slot_count + slot`.
pub(crate) fn class_capacity_rows(lp: &mut ColProblem, model: &Model) -> Vec<Row> {
    let slots = model.slot_count;
    (0..model.classes.len() * slots)
        .map(|ix| {
            let class = &model.classes[ix / slots];
            let rooms = if class.available[ix % slots] {
                class.size()
            } else {
                0
            };
            lp.add_row(..=f64::from(rooms))
        })
        .collect()
}

/// One row per participant with a quota: at most `max_meetings` meetings.
pub(crate) fn quota_rows(lp: &mut ColProblem, problem: &crate::problem::Problem) -> Vec<Option<Row>> {
    problem
        .participants
        .iter()
        .map(|p| p.max_meetings.map(|cap| lp.add_row(..=f64::from(cap))))
        .collect()
}

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

/// Columns of one participant's session: busy per slot and the wait indicators.
struct Waits {
    participant: ParticipantIx,
    slots: std::ops::Range<SlotIx>,
    busy: Vec<Col>,
    started: Vec<Col>,
    pending: Vec<Col>,
    idle: Vec<Option<Col>>,
    gap: Vec<Option<Col>>,
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
    let penalties = problem.penalties;
    let (idle_cost, gap_cost, move_cost) = (
        f64::from(penalties.idle_slot),
        f64::from(penalties.gap),
        f64::from(penalties.move_),
    );
    let with_waits = idle_cost > 0.0 || gap_cost > 0.0;
    let mut lp = ColProblem::default();

    // Rows first (column-wise model).
    let once: Vec<Row> = (0..problem.meetings.len())
        .map(|m| {
            lp.add_row(
                if problem.meetings[m].fixed.is_some() {
                    1.0
                } else {
                    0.0
                }..=1.0,
            )
        })
        .collect();
    // Σ placements covering (p, t) − busy(p, t) = 0.
    let cover: Vec<Row> = (0..problem.participants.len() * slots)
        .map(|_| lp.add_row(0.0..=0.0))
        .collect();
    let class_rows = class_capacity_rows(&mut lp, model);
    let quota = quota_rows(&mut lp, problem);

    // Wait structure rows, created per participant-session before their columns.
    let mut wait_rows = Vec::new();
    let mut waits: Vec<Waits> = Vec::new();
    for p in 0..problem.participants.len() {
        for session in &problem.sessions {
            let range = session.slots.clone();
            let n = range.len();
            if with_waits && model.meetings_of[p].len() >= 2 && n >= 3 {
                // started[i] − busy[i] ≥ 0, started[i] − started[i−1] ≥ 0,
                // pending[i] − busy[i] ≥ 0, pending[i] − pending[i+1] ≥ 0,
                // idle[i] − started[i] − pending[i] + busy[i] ≥ −1,
                // gap[i] − busy[i−1] + busy[i] − pending[i] ≥ −1.
                let rows: Vec<[Row; 6]> = (0..n)
                    .map(|_| {
                        [
                            lp.add_row(0.0..),
                            lp.add_row(0.0..),
                            lp.add_row(0.0..),
                            lp.add_row(0.0..),
                            lp.add_row(-1.0..),
                            lp.add_row(-1.0..),
                        ]
                    })
                    .collect();
                wait_rows.push(rows);
                waits.push(Waits {
                    participant: p,
                    slots: range,
                    busy: Vec::new(),
                    started: Vec::new(),
                    pending: Vec::new(),
                    idle: Vec::new(),
                    gap: Vec::new(),
                });
            }
        }
    }

    // Placement columns.
    let mut placings = Vec::new();
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
            for &class in &start.classes {
                let spot = Spot {
                    slot: start.slot,
                    class,
                };
                let kept = warm[m] == Some(spot);
                if !(kept || (free && inside(m, spot.slot))) {
                    continue;
                }
                let keeps_current = current == Some((spot.slot, spot.class));
                let cost = f64::from(meeting.weight) + if keeps_current { move_cost } else { 0.0 };
                let mut factors = vec![(once[m], 1.0)];
                for t in spot.slot..spot.slot + model.duration(m) {
                    factors.push((class_rows[class * slots + t], 1.0));
                    for &p in &meeting.participants {
                        factors.push((cover[p * slots + t], 1.0));
                    }
                }
                for &p in &meeting.participants {
                    if let Some(row) = quota[p] {
                        factors.push((row, 1.0));
                    }
                }
                let col = if free || !kept {
                    column(&mut lp, cost, 1.0, factors, true)
                } else {
                    let index = lp.num_cols();
                    lp.add_column_with_integrality(cost, 1.0..=1.0, factors, true);
                    index
                };
                placings.push(Placing {
                    meeting: m,
                    spot,
                    col,
                });
            }
        }
    }

    // Busy columns, with the wait structure where it is modelled.
    let mut wait_of_slot: Vec<Option<(usize, usize)>> = vec![None; problem.participants.len() * slots];
    for (w, entry) in waits.iter().enumerate() {
        for (i, t) in entry.slots.clone().enumerate() {
            wait_of_slot[entry.participant * slots + t] = Some((w, i));
        }
    }
    let mut busy_cols: Vec<Option<Col>> = vec![None; problem.participants.len() * slots];
    for p in 0..problem.participants.len() {
        for t in 0..slots {
            let mut factors = vec![(cover[p * slots + t], -1.0)];
            if let Some((w, i)) = wait_of_slot[p * slots + t] {
                let rows = &wait_rows[w];
                factors.push((rows[i][0], -1.0));
                factors.push((rows[i][2], -1.0));
                factors.push((rows[i][4], 1.0));
                factors.push((rows[i][5], 1.0));
                if i + 1 < rows.len() {
                    factors.push((rows[i + 1][5], -1.0));
                }
            }
            let upper = if model.participant_available[p * slots + t] {
                1.0
            } else {
                0.0
            };
            let col = column(&mut lp, 0.0, upper, factors, false);
            busy_cols[p * slots + t] = Some(col);
            if let Some((w, _)) = wait_of_slot[p * slots + t] {
                waits[w].busy.push(col);
            }
        }
    }
    for (w, entry) in waits.iter_mut().enumerate() {
        let rows = &wait_rows[w];
        let n = rows.len();
        for i in 0..n {
            let mut factors = vec![(rows[i][0], 1.0), (rows[i][1], 1.0), (rows[i][4], -1.0)];
            if i + 1 < n {
                factors.push((rows[i + 1][1], -1.0));
            }
            entry.started.push(column(&mut lp, 0.0, 1.0, factors, false));
            let mut factors = vec![
                (rows[i][2], 1.0),
                (rows[i][3], 1.0),
                (rows[i][4], -1.0),
                (rows[i][5], -1.0),
            ];
            if i > 0 {
                factors.push((rows[i - 1][3], -1.0));
            }
            entry.pending.push(column(&mut lp, 0.0, 1.0, factors, false));
            // Both wait columns exist even when free: their rows would forbid waits otherwise.
            entry.idle.push(Some(column(
                &mut lp,
                -idle_cost,
                1.0,
                vec![(rows[i][4], 1.0)],
                false,
            )));
            entry
                .gap
                .push((i > 0).then(|| column(&mut lp, -gap_cost, 1.0, vec![(rows[i][5], 1.0)], false)));
        }
    }

    let column_count = lp.num_cols();
    let mut highs = lp.optimise(Sense::Maximise);
    highs.make_quiet();
    highs.set_option("threads", 1);
    highs.set_option("random_seed", (seed % i32::MAX as u64) as i32);
    highs.set_option("time_limit", seconds.max(0.1));
    highs.set_option("mip_rel_gap", 0.0);
    highs.set_option("mip_abs_gap", 0.999);

    let start_values = warm_start(model, warm, &placings, &busy_cols, &waits, column_count);
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
    busy_cols: &[Option<Col>],
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
    for (ix, col) in busy_cols.iter().enumerate() {
        if let Some(col) = *col
            && busy[ix]
        {
            values[col] = 1.0;
        }
    }
    for entry in waits {
        let row: Vec<bool> = entry
            .slots
            .clone()
            .map(|t| busy[entry.participant * slots + t])
            .collect();
        let n = row.len();
        let first = row.iter().position(|&b| b);
        let last = row.iter().rposition(|&b| b);
        for i in 0..n {
            let started = first.is_some_and(|f| i >= f);
            let pending = last.is_some_and(|l| i <= l);
            values[entry.started[i]] = f64::from(u8::from(started));
            values[entry.pending[i]] = f64::from(u8::from(pending));
            if let Some(col) = entry.idle[i] {
                values[col] = f64::from(u8::from(started && pending && !row[i]));
            }
            if let Some(col) = entry.gap[i] {
                values[col] = f64::from(u8::from(row[i - 1] && !row[i] && pending));
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
