//! The busy-pattern model of waits, for schedules that hold every meeting (forums).
//!
//! What a participant pays in a session depends only on which of its slots are busy: a gap
//! for every busy block after the first, and its idle slots between them. Walking the
//! slots with a state (meetings so far, phase, gaps so far) gives each participant a
//! small layered network in which every path from the first slot to "all k meetings
//! held" is one busy/free sequence, with its exact penalty on the arcs. Per slot, the
//! participant's meetings there must equal the flow on the path's busy arcs. A network's
//! flows are integral, so only the placements need to be binary.
//!
//! Why this instead of indicator rows (as in `milp.rs`): those relax to no waits at all,
//! a meeting spread thinly over the session paying nothing, while a path carries the
//! participant's whole count and its unavailable slots. The relaxation alone reaches 4 on
//! pub-forum-2 (its floors) and 7.5 on pub-forum-1 (floors 12, which enter as rows). What
//! pays off most is a cap on the gaps a path may have, which removes most of the network:
//! capping everyone at its proved floor turns "are the floors attainable together?" into
//! a small feasibility problem, and capping at the incumbent's own waits gives
//! neighbourhoods in which nobody waits longer.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;

use good_lp::{Expression, ProblemVariables, SolverModel, Variable, constraint, highs, variable};
use highs::HighsModelStatus;

use crate::bound::stop_when_set;
use crate::lp::{Sums, class_capacity, is_empty, quotas};
use crate::model::Model;
use crate::problem::{MeetingIx, SlotIx};
use crate::state::Spot;

/// Where a participant's day stands at the start of a slot, within its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Phase {
    /// No meeting yet in this session.
    Before,
    /// The previous slot was busy.
    Busy,
    /// Free since the last meeting, and meeting again later in this session.
    Waiting,
    /// Free since the last meeting, and done for this session.
    Done,
}

/// A node of a participant's network: the state at the start of a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Node {
    meetings: u32,
    phase: Phase,
    gaps: u32,
}

/// An arc from slot `slot`'s layer to the next one.
#[derive(Debug, Clone, Copy)]
struct Arc {
    slot: SlotIx,
    from: Node,
    to: Node,
    busy: bool,
    penalty: f64,
}

/// One participant's arcs by the node they leave (slot, node): (target, flow variable).
type ArcColumns = HashMap<(SlotIx, Node), Vec<(Node, Variable)>>;

/// What the pattern model may change and how far.
pub(crate) struct PatternSearch<'a> {
    /// A schedule holding every schedulable meeting: the warm start, and where the
    /// meetings that are not free stay.
    pub warm: &'a [Option<Spot>],
    /// Meetings that may move; `None`: all of them.
    pub free: Option<&'a [bool]>,
    /// Where free meetings may go; `None`: anywhere.
    pub window: Option<std::ops::Range<SlotIx>>,
    /// Most gaps each participant may have (`u32::MAX`: no cap).
    pub caps: &'a [u32],
    /// Fewest gaps each participant is proved to need, as lower bounds on its path.
    pub floors: &'a [u32],
    pub seconds: f64,
    pub seed: u64,
    /// Raised to stop HiGHS early (it then returns the best schedule it has).
    pub stop: Option<&'a AtomicBool>,
}

/// What the pattern model found.
pub(crate) struct PatternResult {
    /// The best schedule found holding every meeting (possibly the warm start).
    pub spots: Option<Vec<Option<Spot>>>,
    /// The search space has no schedule at all.
    pub infeasible: bool,
}

impl PatternResult {
    fn nothing() -> Self {
        Self {
            spots: None,
            infeasible: false,
        }
    }
}

/// Minimises the waits' penalty over the schedules that hold every schedulable meeting,
/// keep the meetings that are not free where `search.warm` has them, and give nobody more
/// gaps than its cap.
pub(crate) fn solve_patterns(model: &Model, search: &PatternSearch) -> PatternResult {
    let problem = model.problem;
    let slots = model.slot_count;
    let is_free = |m: MeetingIx| search.free.is_none_or(|free| free[m]);
    let in_window = |m: MeetingIx, t: SlotIx| {
        search
            .window
            .as_ref()
            .is_none_or(|w| w.start <= t && t + model.duration(m) <= w.end)
    };
    let mut vars = ProblemVariables::new();
    // Each variable's HiGHS column: the order it was added in.
    let mut column: HashMap<Variable, usize> = HashMap::new();

    // Participants whose day can change, and per slot whether they could be busy there.
    let participants = problem.participants.len();
    let mut modelled = vec![false; participants];
    for m in (0..problem.meetings.len()).filter(|&m| is_free(m) && !model.starts[m].is_empty()) {
        for &p in model.participants(m) {
            modelled[p] = true;
        }
    }
    let mut could_be_busy = vec![false; participants * slots];
    let mut meeting_count = vec![0u32; participants];
    for (m, starts) in model.starts.iter().enumerate() {
        if starts.is_empty() {
            continue;
        }
        for &p in model.participants(m) {
            meeting_count[p] += 1;
            let possible = |s: &&crate::model::Start| {
                if is_free(m) {
                    in_window(m, s.slot)
                } else {
                    search.warm[m].is_some_and(|w| w.slot == s.slot)
                }
            };
            for start in starts.iter().filter(possible) {
                for t in start.slot..start.slot + model.duration(m) {
                    could_be_busy[p * slots + t] = true;
                }
            }
        }
    }
    let linked = |p: usize, t: SlotIx| modelled[p] && could_be_busy[p * slots + t];

    // Placements x[m, slot, class], binary; a meeting that is not free keeps its spot.
    let mut placings: Vec<(MeetingIx, Spot, Variable)> = Vec::new();
    let mut held_once = Sums::new(problem.meetings.len());
    let mut in_class = Sums::new(model.classes.len() * slots);
    let mut held = Sums::new(participants);
    // Σ placements of p covering t − Σ busy arcs of p at t, for linked (p, t).
    let mut link = Sums::new(participants * slots);
    for (m, starts) in model.starts.iter().enumerate() {
        if starts.is_empty() {
            continue;
        }
        let kept = if is_free(m) {
            None
        } else {
            let Some(spot) = search.warm[m] else {
                return PatternResult::nothing();
            };
            Some(spot)
        };
        for start in starts {
            for &class in start.classes.iter() {
                let spot = Spot {
                    slot: start.slot,
                    class,
                };
                if kept.is_some_and(|k| k != spot) || (kept.is_none() && !in_window(m, start.slot)) {
                    continue;
                }
                let lower = if kept.is_some() { 1 } else { 0 };
                let x = vars.add(variable().integer().clamp(lower, 1));
                column.insert(x, column.len());
                held_once.add(m, 1.0, x);
                for t in start.slot..start.slot + model.duration(m) {
                    in_class.add(class * slots + t, 1.0, x);
                    for &p in model.participants(m) {
                        if linked(p, t) {
                            link.add(p * slots + t, 1.0, x);
                        }
                    }
                }
                for &p in model.participants(m) {
                    held.add(p, 1.0, x);
                }
                placings.push((m, spot, x));
            }
        }
    }

    // Each modelled participant's network: one unit of flow from the first layer, kept at
    // every later node, and at least the participant's floor of gaps on its path.
    let mut penalty = Expression::default();
    let mut arc_vars: Vec<ArcColumns> = vec![HashMap::new(); participants];
    let mut node_rows: HashMap<(SlotIx, Node), usize> = HashMap::new();
    let mut nodes: Vec<(bool, Expression)> = Vec::new();
    let mut floors: Vec<(u32, Expression)> = Vec::new();
    for p in (0..participants).filter(|&p| modelled[p]) {
        let fixed_busy: Vec<bool> = (0..slots)
            .map(|t| {
                model.meetings_of[p].iter().any(|&m| {
                    !is_free(m)
                        && search.warm[m].is_some_and(|w| w.slot <= t && t < w.slot + model.duration(m))
                })
            })
            .collect();
        let arcs = network(
            model,
            meeting_count[p],
            search.caps[p],
            &could_be_busy[p * slots..(p + 1) * slots],
            &fixed_busy,
        );
        if arcs.is_empty() {
            return PatternResult {
                infeasible: true,
                ..PatternResult::nothing()
            };
        }
        node_rows.clear();
        let mut gaps = Expression::default();
        for arc in &arcs {
            let flow = vars.add(variable().clamp(0, 1));
            column.insert(flow, column.len());
            penalty.add_mul(arc.penalty, flow);
            let out = node_row(&mut node_rows, &mut nodes, arc.slot, arc.from);
            nodes[out].1.add_mul(1, flow);
            if arc.slot + 1 < slots {
                let into = node_row(&mut node_rows, &mut nodes, arc.slot + 1, arc.to);
                nodes[into].1.add_mul(-1, flow);
            }
            if arc.busy && linked(p, arc.slot) {
                link.add(p * slots + arc.slot, -1.0, flow);
            }
            if arc.from.phase == Phase::Busy && arc.to.phase == Phase::Waiting {
                gaps.add_mul(1, flow);
            }
            arc_vars[p]
                .entry((arc.slot, arc.from))
                .or_default()
                .push((arc.to, flow));
        }
        if search.floors[p] > 0 {
            floors.push((search.floors[p], gaps));
        }
    }

    let columns = vars.len();
    let mut lp = vars.minimise(penalty).using(highs);
    class_capacity(&mut lp, model, in_class);
    quotas(&mut lp, problem, held);
    for (ix, linked_sum) in link.into_rows().enumerate() {
        if linked(ix / slots, ix % slots) {
            lp.add_constraint(constraint!(linked_sum == 0));
        }
    }
    for once in held_once.into_rows().filter(|once| !is_empty(once)) {
        lp.add_constraint(constraint!(once == 1));
    }
    for (first, flow) in nodes {
        lp.add_constraint(if first {
            constraint!(flow == 1)
        } else {
            constraint!(flow == 0)
        });
    }
    for (floor, gaps) in floors {
        lp.add_constraint(constraint!(gaps >= f64::from(floor)));
    }
    let warm = warm_values(model, search, &modelled, &placings, &arc_vars);
    let Ok(mut highs) = lp.try_into_inner() else {
        return PatternResult::nothing();
    };
    highs.make_quiet();
    highs.set_option("threads", 1);
    highs.set_option("random_seed", (search.seed % i32::MAX as u64) as i32);
    highs.set_option("time_limit", search.seconds.max(0.1));
    highs.set_option("mip_rel_gap", 0.0);
    highs.set_option("mip_abs_gap", 0.999);
    // Measured on pub-forum-2 capped at its floors: HiGHS's sub-MIP heuristics spend most
    // of the time at the root without finding anything; branching finds the schedule three
    // times sooner without them.
    highs.set_option("mip_heuristic_run_rins", false);
    highs.set_option("mip_heuristic_run_rens", false);
    if let Some(values) = warm {
        let mut start = vec![0.0; columns];
        for (variable, value) in values {
            start[column[&variable]] = value;
        }
        if highs.try_set_solution(Some(&start), None, None, None).is_err() {
            return PatternResult::nothing();
        }
    }
    if let Some(stop) = search.stop {
        stop_when_set(&mut highs, stop);
    }
    let Ok(solved) = highs.try_solve() else {
        return PatternResult::nothing();
    };
    match solved.status() {
        // Every variable is bounded and every cost non-negative, so "unbounded or
        // infeasible" can only mean infeasible.
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => PatternResult {
            infeasible: true,
            ..PatternResult::nothing()
        },
        HighsModelStatus::Optimal
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedMemoryLimit => {
            let solution = solved.get_solution();
            let values = solution.columns();
            if values.len() != columns {
                return PatternResult::nothing();
            }
            let mut spots = vec![None; problem.meetings.len()];
            for &(m, spot, x) in &placings {
                if values[column[&x]] > 0.5 {
                    spots[m] = Some(spot);
                }
            }
            // Stopped before any schedule: HiGHS's values are then no schedule at all.
            if (0..spots.len()).any(|m| spots[m].is_none() && !model.starts[m].is_empty()) {
                return PatternResult::nothing();
            }
            PatternResult {
                spots: Some(spots),
                infeasible: false,
            }
        }
        _ => PatternResult::nothing(),
    }
}

/// The flow sum of a node of the network (rows numbered as nodes are first met, so the
/// model does not depend on a hash order); the first layer's flows must sum to one.
fn node_row(
    rows: &mut HashMap<(SlotIx, Node), usize>,
    nodes: &mut Vec<(bool, Expression)>,
    layer: SlotIx,
    node: Node,
) -> usize {
    *rows.entry((layer, node)).or_insert_with(|| {
        nodes.push((layer == 0, Expression::default()));
        nodes.len() - 1
    })
}

/// Every variable's value for the warm schedule (the placements it holds and the path of
/// each modelled participant's day), or `None` when some participant's day in it is not
/// a path of its network (more gaps than its cap).
fn warm_values(
    model: &Model,
    search: &PatternSearch,
    modelled: &[bool],
    placings: &[(MeetingIx, Spot, Variable)],
    arc_vars: &[ArcColumns],
) -> Option<Vec<(Variable, f64)>> {
    let slots = model.slot_count;
    let participants = model.problem.participants.len();
    let mut values = Vec::new();
    let mut busy = vec![false; participants * slots];
    for &(m, spot, x) in placings {
        if search.warm[m] == Some(spot) {
            values.push((x, 1.0));
            for t in spot.slot..spot.slot + model.duration(m) {
                for &p in model.participants(m) {
                    busy[p * slots + t] = true;
                }
            }
        }
    }
    for p in (0..participants).filter(|&p| modelled[p]) {
        let day = &busy[p * slots..(p + 1) * slots];
        let mut at = Node {
            meetings: 0,
            phase: Phase::Before,
            gaps: 0,
        };
        for t in 0..slots {
            // The arc out of `at` that the day takes (gaps are tracked only when the cap
            // binds, so the target's gap count is whatever the network has).
            let &(to, flow) = arc_vars[p]
                .get(&(t, at))?
                .iter()
                .find(|&&(to, _)| step_matches(model, day, t, at, to))?;
            values.push((flow, 1.0));
            at = to;
        }
    }
    Some(values)
}

/// Whether the step `from → to` at slot `t` is the one `day` (busy per slot) takes.
fn step_matches(model: &Model, day: &[bool], t: SlotIx, from: Node, to: Node) -> bool {
    if to.meetings != from.meetings + u32::from(day[t]) {
        return false;
    }
    let slots = model.slot_count;
    let session = model.session_of(t);
    let session_ends = t + 1 == slots || model.session_of(t + 1) != session;
    let meets_again = (t + 1..slots)
        .take_while(|&u| model.session_of(u) == session)
        .any(|u| day[u]);
    let phase = if day[t] {
        Phase::Busy
    } else {
        match from.phase {
            Phase::Before => Phase::Before,
            Phase::Busy | Phase::Waiting if meets_again => Phase::Waiting,
            _ => Phase::Done,
        }
    };
    let phase = if session_ends { Phase::Before } else { phase };
    to.phase == phase
}

/// The arcs of `p`'s network that lie on some path holding all `count` meetings with at
/// most `cap` gaps, busy wherever `fixed_busy` says and only where `could_be_busy` allows.
fn network(model: &Model, count: u32, cap: u32, could_be_busy: &[bool], fixed_busy: &[bool]) -> Vec<Arc> {
    let problem = model.problem;
    let slots = model.slot_count;
    let gap_penalty = f64::from(problem.penalties.gap) + f64::from(problem.penalties.idle_slot);
    let idle_penalty = f64::from(problem.penalties.idle_slot);
    // Gaps are only tracked when the cap can bind: at most count − 1 are possible.
    let track_gaps = cap < count.saturating_sub(1);
    let mut remaining_busy = vec![0u32; slots + 1];
    for t in (0..slots).rev() {
        remaining_busy[t] = remaining_busy[t + 1] + u32::from(could_be_busy[t]);
    }
    let start = Node {
        meetings: 0,
        phase: Phase::Before,
        gaps: 0,
    };
    let mut layer = vec![start];
    let mut arcs: Vec<Arc> = Vec::new();
    for t in 0..slots {
        let session_ends = t + 1 == slots || model.session_of(t + 1) != model.session_of(t);
        let mut next: Vec<Node> = Vec::new();
        let mut seen: HashSet<Node> = HashSet::new();
        for &from in &layer {
            let mut moves: Vec<(bool, Phase, f64)> = Vec::new();
            if could_be_busy[t] && from.meetings < count && from.phase != Phase::Done {
                moves.push((true, Phase::Busy, 0.0));
            }
            if !fixed_busy[t] {
                match from.phase {
                    Phase::Before => moves.push((false, Phase::Before, 0.0)),
                    Phase::Busy => {
                        moves.push((false, Phase::Waiting, gap_penalty));
                        moves.push((false, Phase::Done, 0.0));
                    }
                    Phase::Waiting => moves.push((false, Phase::Waiting, idle_penalty)),
                    Phase::Done => moves.push((false, Phase::Done, 0.0)),
                }
            }
            for (busy, phase, penalty) in moves {
                let opens_gap = from.phase == Phase::Busy && phase == Phase::Waiting;
                let mut to = Node {
                    meetings: from.meetings + u32::from(busy),
                    phase,
                    gaps: from.gaps + u32::from(opens_gap && track_gaps),
                };
                if to.gaps > cap || to.meetings + remaining_busy[t + 1] < count {
                    continue;
                }
                if session_ends {
                    if phase == Phase::Waiting {
                        continue;
                    }
                    to.phase = Phase::Before;
                }
                arcs.push(Arc {
                    slot: t,
                    from,
                    to,
                    busy,
                    penalty,
                });
                if seen.insert(to) {
                    next.push(to);
                }
            }
        }
        layer = next;
    }
    // Keep only arcs on a path that ends with every meeting held.
    let mut alive: HashSet<(SlotIx, Node)> = HashSet::new();
    let mut kept = vec![false; arcs.len()];
    for (i, arc) in arcs.iter().enumerate().rev() {
        let reaches_end = if arc.slot + 1 == slots {
            arc.to.meetings == count
        } else {
            alive.contains(&(arc.slot + 1, arc.to))
        };
        if reaches_end {
            kept[i] = true;
            alive.insert((arc.slot, arc.from));
        }
    }
    arcs.into_iter()
        .zip(kept)
        .filter(|&(_, k)| k)
        .map(|(a, _)| a)
        .collect()
}

#[cfg(test)]
mod tests;
