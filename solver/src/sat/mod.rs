//! The exact search for the fewest waits on forums, as the best published method does it
//! (Bofill, Coll, Garcia, Giráldez-Cru, Pesant, Suy, Villaret, JAIR 74 (2022)): a SAT model
//! of the schedules that hold every meeting, with the paper's implied constraints, asked
//! "at most k waits?" from both sides on one incremental CaDiCaL.
//!
//! Variables: a meeting at a (slot, room class) among its feasible starts (the session
//! wish, unavailable and forbidden slots and pins already cut them, see `model.rs`); a
//! participant busy in a slot; a wait starting in a slot (busy, the slot before free, and
//! busy somewhere earlier in the session: exactly one per gap, as the format counts them).
//! Clauses: each meeting held exactly once; a participant in at most one meeting a slot;
//! a class's rooms per slot. Implied (the paper's, which make refutations short): each
//! participant is busy in exactly as many slots as it has meetings, and, per slot, at
//! most (seats per meeting) × (rooms) participants are busy; per participant and set of
//! slots that some of its meetings are confined to, the busy slots there are at least the
//! meetings confined there and at most those that may go there; each participant waits
//! at least its proved floor (`waits.rs`). A totalizer over the wait indicators gives the
//! assumptions for "at most k waits".
//!
//! Fairness (`max_wait_spread: d`): the wait indicators and the unions of busy slots are
//! then defined both ways (a wait indicator true exactly where a gap ends), each
//! participant's waits get a totalizer of their own, and for every threshold j one
//! variable `h_j` says "someone waits more than j + d times": anyone's waits above j + d
//! force it, and it forces everyone's waits above j. So whoever waits least waits at
//! least (most − d) times, which is the rule.
//!
//! The search alternates, with a conflict budget doubling whenever neither side settles:
//! upward from the proved minimum (first, so a bound rises from the start), each
//! refutation raising it by one; downward from the best known schedule (the solver's
//! decisions start from it), each answer a better schedule or a proof that the incumbent
//! is optimal. Before each step it takes a better schedule found elsewhere, when its
//! caller knows one ([`WaitsSearch::known`]). Conflict budgets make it deterministic when
//! nothing comes from elsewhere; only the deadline or a cancel cut it short.

use std::collections::BTreeSet;
use std::time::Instant;

use rustsat::encodings::EnforceError;
use rustsat::encodings::am1::{Encode as _, Ladder, Pairwise};
use rustsat::encodings::card::{BoundBoth, BoundLower, BoundUpper, Totalizer, encode_cardinality_constraint};
use rustsat::instances::{BasicVarManager, Cnf, ManageVars};
use rustsat::solvers::{ControlSignal, PhaseLit, Solve, SolveIncremental, SolverResult, Terminate};
use rustsat::types::constraints::CardConstraint;
use rustsat::types::{Clause, Lit, TernaryVal};
use rustsat_cadical::{CaDiCaL, Limit};

use crate::model::{ClassIx, Model};
use crate::problem::{MeetingIx, SlotIx};
use crate::state::{Spot, waits_of};

/// Conflicts allowed to each side's first call; doubled each time neither side settles.
const FIRST_CONFLICTS: i32 = 2_000;
/// At-most-one over this many literals or fewer is pairwise; longer ones use a ladder.
const PAIRWISE_LIMIT: usize = 8;

/// Whether the SAT model describes the problem exactly: every meeting lasts one slot and
/// no quota is below the meetings a participant must hold. (Forums; the caller has
/// checked that every schedulable meeting is held.)
pub(crate) fn applies(model: &Model) -> bool {
    let problem = model.problem;
    (0..problem.meetings.len()).all(|m| model.duration(m) == 1)
        && problem.participants.iter().enumerate().all(|(p, participant)| {
            participant.max_meetings.is_none_or(|quota| {
                let held = model.meetings_of[p]
                    .iter()
                    .filter(|&&m| !model.starts[m].is_empty())
                    .count();
                held <= quota as usize
            })
        })
}

/// What the search is given.
pub(crate) struct WaitsSearch<'a> {
    /// The best schedule known (holding every schedulable meeting) and its waits; `None`:
    /// none known, the search starts by finding one.
    pub warm: &'a [Option<Spot>],
    pub warm_waits: Option<u32>,
    /// The fewest waits proved so far, and each participant's floor.
    pub proved_min: u32,
    pub floors: &'a [u32],
    pub deadline: Instant,
    pub cancelled: &'a (dyn Fn() -> bool + Sync),
    /// A schedule found elsewhere (holding every schedulable meeting) with fewer waits
    /// than the given number, and its waits, when one is known.
    pub known: &'a dyn Fn(u32) -> Option<(Vec<Option<Spot>>, u32)>,
}

/// What the search tells its caller as it goes.
pub(crate) enum Found<'a> {
    /// A schedule holding everything with fewer waits than the best before. The caller
    /// answers whether it accepts it (it verifies it independently).
    Schedule(&'a [Option<Spot>]),
    /// No schedule holding everything has fewer waits than this.
    Minimum(u32),
}

/// How the search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitsOutcome {
    /// The fewest waits of an accepted or known schedule (the warm one's when none was
    /// better; `u32::MAX` when there is none).
    pub best: u32,
    /// The fewest waits proved possible; equal to `best` when proved optimal.
    pub proved_min: u32,
    pub sat_calls: u32,
    pub variables: u32,
    pub clauses: usize,
}

/// One placement literal: meeting at (slot, class).
struct Placement {
    meeting: MeetingIx,
    slot: SlotIx,
    class: ClassIx,
    lit: Lit,
}

/// The encoded model, ready for assumptions.
struct Encoding {
    placements: Vec<Placement>,
    /// Placements of each meeting, as indices into `placements`.
    of_meeting: Vec<Vec<usize>>,
    waits: Totalizer,
    /// The highest `k` encoded for "at most k waits", once one is.
    encoded_up_to: Option<usize>,
}

/// Searches for the fewest waits from both sides until they meet, the deadline passes or
/// the search is cancelled, reporting each better schedule and each raised minimum.
pub(crate) fn search_waits(
    model: &Model,
    search: &WaitsSearch,
    found: &mut dyn FnMut(Found) -> bool,
) -> WaitsOutcome {
    let mut vars = BasicVarManager::default();
    let mut cnf = Cnf::new();
    let mut encoding = encode(model, search, &mut vars, &mut cnf);
    let mut outcome = WaitsOutcome {
        best: search.warm_waits.unwrap_or(u32::MAX),
        proved_min: search.proved_min,
        sat_calls: 0,
        variables: 0,
        clauses: cnf.len(),
    };
    if outcome.proved_min >= outcome.best {
        return outcome;
    }
    let mut solver = CaDiCaL::default();
    let deadline = search.deadline;
    let cancelled = search.cancelled;
    solver.attach_terminator(move || {
        if Instant::now() >= deadline || cancelled() {
            ControlSignal::Terminate
        } else {
            ControlSignal::Continue
        }
    });
    if solver.add_cnf(cnf).is_err() {
        return outcome;
    }
    outcome.variables = vars.n_used();
    phase_towards(&mut solver, &encoding, search.warm);

    let stopped = || Instant::now() >= deadline || cancelled();
    let mut budget = FIRST_CONFLICTS;
    while outcome.proved_min < outcome.best && !stopped() {
        take_known(&mut solver, &encoding, search, &mut outcome);
        let mut settled = false;
        // Upward: a refutation of the proved minimum raises it by one; a schedule there
        // is optimal.
        let k = Some(outcome.proved_min);
        match ask(&mut solver, &mut encoding, &mut vars, k, budget, &mut outcome) {
            Some(SolverResult::Sat) => {
                let Some((spots, waits)) = decode(model, &solver, &encoding) else {
                    break;
                };
                if waits < outcome.best {
                    if !found(Found::Schedule(&spots)) {
                        break;
                    }
                    outcome.best = waits;
                    phase_towards(&mut solver, &encoding, &spots);
                }
                settled = true;
            }
            Some(SolverResult::Unsat) => {
                outcome.proved_min += 1;
                found(Found::Minimum(outcome.proved_min));
                settled = true;
            }
            _ => {}
        }
        if outcome.proved_min >= outcome.best || stopped() {
            break;
        }
        take_known(&mut solver, &encoding, search, &mut outcome);
        // Downward: a schedule with fewer waits than the best, or a proof that none is;
        // with no schedule yet, any schedule holding everything, or the proof that none does.
        let k = (outcome.best < u32::MAX).then(|| outcome.best - 1);
        match ask(&mut solver, &mut encoding, &mut vars, k, budget, &mut outcome) {
            Some(SolverResult::Sat) => {
                let Some((spots, waits)) = decode(model, &solver, &encoding) else {
                    break;
                };
                if waits >= outcome.best || !found(Found::Schedule(&spots)) {
                    // Never expected: the model and the format disagree. Trust neither.
                    break;
                }
                outcome.best = waits;
                phase_towards(&mut solver, &encoding, &spots);
                settled = true;
            }
            Some(SolverResult::Unsat) if k.is_none() => {
                outcome.proved_min = u32::MAX;
                break;
            }
            Some(SolverResult::Unsat) => {
                outcome.proved_min = outcome.best;
                found(Found::Minimum(outcome.best));
                break;
            }
            _ => {}
        }
        if !settled {
            budget = budget.saturating_mul(2);
        }
    }
    outcome
}

/// Takes the schedule found elsewhere, when it has fewer waits than the search's best:
/// the downward side then asks for fewer than it, and decisions start from it.
fn take_known(solver: &mut CaDiCaL, encoding: &Encoding, search: &WaitsSearch, outcome: &mut WaitsOutcome) {
    if let Some((spots, waits)) = (search.known)(outcome.best)
        && waits < outcome.best
    {
        outcome.best = waits;
        phase_towards(solver, encoding, &spots);
    }
}

/// "At most `k` waits?" (`None`: any schedule holding everything?) within `conflicts`;
/// `None` when the solver failed.
fn ask(
    solver: &mut CaDiCaL,
    encoding: &mut Encoding,
    vars: &mut BasicVarManager,
    k: Option<u32>,
    conflicts: i32,
    outcome: &mut WaitsOutcome,
) -> Option<SolverResult> {
    let assumptions = match k {
        Some(k) => {
            let k = k as usize;
            if encoding.encoded_up_to.is_none_or(|done| k > done) {
                let mut more = Cnf::new();
                encoding.waits.encode_ub(0..=k, &mut more, vars).ok()?;
                encoding.encoded_up_to = Some(k);
                outcome.clauses += more.len();
                solver.add_cnf(more).ok()?;
            }
            encoding.waits.enforce_ub(k).ok()?
        }
        None => Vec::new(),
    };
    solver.set_limit(Limit::Conflicts(conflicts)).ok()?;
    outcome.sat_calls += 1;
    solver.solve_assumps(&assumptions).ok()
}

/// The schedule of a satisfying assignment, and its waits counted as the format does.
fn decode(model: &Model, solver: &CaDiCaL, encoding: &Encoding) -> Option<(Vec<Option<Spot>>, u32)> {
    let mut spots = vec![None; model.problem.meetings.len()];
    for (m, of) in encoding.of_meeting.iter().enumerate() {
        if of.is_empty() {
            continue;
        }
        let held = of
            .iter()
            .map(|&i| &encoding.placements[i])
            .find(|p| solver.lit_val(p.lit).ok() == Some(TernaryVal::True))?;
        spots[m] = Some(Spot {
            slot: held.slot,
            class: held.class,
        });
    }
    Some((spots.clone(), waits_of_spots(model, &spots)))
}

/// The gaps of a schedule, summed over participants and sessions.
pub(crate) fn waits_of_spots(model: &Model, spots: &[Option<Spot>]) -> u32 {
    waits_per_participant(model, spots).iter().sum()
}

/// Each participant's gaps in a schedule of one-slot meetings, summed over sessions.
pub(crate) fn waits_per_participant(model: &Model, spots: &[Option<Spot>]) -> Vec<u32> {
    let problem = model.problem;
    let slots = model.slot_count;
    let mut busy = vec![false; problem.participants.len() * slots];
    for (m, spot) in spots.iter().enumerate() {
        if let Some(spot) = spot {
            for &p in model.participants(m) {
                busy[p * slots + spot.slot] = true;
            }
        }
    }
    (0..problem.participants.len())
        .map(|p| {
            problem
                .sessions
                .iter()
                .map(|s| waits_of(s.slots.clone().map(|t| busy[p * slots + t])).gaps)
                .sum()
        })
        .collect()
}

/// Whether a schedule of one-slot meetings keeps the fairness rule (always, without one).
pub(crate) fn keeps_spread(model: &Model, spots: &[Option<Spot>]) -> bool {
    model.problem.max_wait_spread.is_none_or(|spread| {
        let waits = waits_per_participant(model, spots);
        let most = waits.iter().copied().max().unwrap_or(0);
        let least = waits.iter().copied().min().unwrap_or(0);
        most - least <= spread
    })
}

/// Decisions start from `spots`: what it holds true, every other placement false.
fn phase_towards(solver: &mut CaDiCaL, encoding: &Encoding, spots: &[Option<Spot>]) {
    for p in &encoding.placements {
        let chosen = spots[p.meeting].is_some_and(|s| s.slot == p.slot && s.class == p.class);
        let _ = solver.phase_lit(if chosen { p.lit } else { !p.lit });
    }
}

fn at_most_one(lits: &[Lit], cnf: &mut Cnf, vars: &mut BasicVarManager) {
    if lits.len() < 2 {
        return;
    }
    let result = if lits.len() <= PAIRWISE_LIMIT {
        Pairwise::from_iter(lits.iter().copied()).encode(cnf, vars)
    } else {
        Ladder::from_iter(lits.iter().copied()).encode(cnf, vars)
    };
    debug_assert!(result.is_ok(), "a Cnf does not run out of memory");
}

fn cardinality(constraint: CardConstraint, cnf: &mut Cnf, vars: &mut BasicVarManager) {
    let result = encode_cardinality_constraint::<Totalizer, _>(constraint, cnf, vars);
    debug_assert!(result.is_ok(), "a Cnf does not run out of memory");
}

fn encode(model: &Model, search: &WaitsSearch, vars: &mut BasicVarManager, cnf: &mut Cnf) -> Encoding {
    let problem = model.problem;
    let slots = model.slot_count;
    let new_lit = |vars: &mut BasicVarManager| vars.new_var().pos_lit();

    // Each meeting held exactly once, at one of its feasible (slot, class) pairs.
    let mut placements = Vec::new();
    let mut of_meeting = Vec::with_capacity(problem.meetings.len());
    for (m, starts) in model.starts.iter().enumerate() {
        let mut own = Vec::new();
        for start in starts {
            for &class in start.classes.iter() {
                own.push(placements.len());
                placements.push(Placement {
                    meeting: m,
                    slot: start.slot,
                    class,
                    lit: new_lit(vars),
                });
            }
        }
        let lits: Vec<Lit> = own.iter().map(|&i| placements[i].lit).collect();
        if !lits.is_empty() {
            cnf.add_clause(lits.iter().copied().collect::<Clause>());
            at_most_one(&lits, cnf, vars);
        }
        of_meeting.push(own);
    }

    // A class's rooms per slot.
    let mut in_class = vec![Vec::new(); model.classes.len() * slots];
    for p in &placements {
        in_class[p.class * slots + p.slot].push(p.lit);
    }
    for (i, lits) in in_class.iter().enumerate() {
        let rooms = model.classes[i / slots].size() as usize;
        if lits.len() > rooms {
            cardinality(CardConstraint::new_ub(lits.iter().copied(), rooms), cnf, vars);
        }
    }

    // Busy: a participant is in at most one meeting a slot, and busy exactly then.
    let participants = problem.participants.len();
    let mut at = vec![Vec::new(); participants * slots];
    for pl in &placements {
        for &p in model.participants(pl.meeting) {
            at[p * slots + pl.slot].push(pl.lit);
        }
    }
    let mut busy: Vec<Option<Lit>> = vec![None; participants * slots];
    for (i, lits) in at.iter().enumerate() {
        if lits.is_empty() {
            continue;
        }
        let b = new_lit(vars);
        for &lit in lits {
            cnf.add_binary(!lit, b);
        }
        cnf.add_clause(
            std::iter::once(!b)
                .chain(lits.iter().copied())
                .collect::<Clause>(),
        );
        at_most_one(lits, cnf, vars);
        busy[i] = Some(b);
    }

    // Implied: busy slots equal meetings; per set of slots some meetings are confined to,
    // the busy slots there lie between the meetings confined there and those that may go.
    for p in 0..participants {
        let held: Vec<MeetingIx> = model.meetings_of[p]
            .iter()
            .copied()
            .filter(|&m| !model.starts[m].is_empty())
            .collect();
        let busy_of = |set: &BTreeSet<SlotIx>| -> Vec<Lit> {
            set.iter().filter_map(|&t| busy[p * slots + t]).collect()
        };
        let everywhere: BTreeSet<SlotIx> = (0..slots).collect();
        cardinality(
            CardConstraint::new_eq(busy_of(&everywhere), held.len()),
            cnf,
            vars,
        );
        let domains: BTreeSet<BTreeSet<SlotIx>> = held
            .iter()
            .map(|&m| model.starts[m].iter().map(|s| s.slot).collect())
            .collect();
        for domain in domains.iter().filter(|d| d.len() < slots) {
            let confined = held
                .iter()
                .filter(|&&m| model.starts[m].iter().all(|s| domain.contains(&s.slot)))
                .count();
            let may = held
                .iter()
                .filter(|&&m| model.starts[m].iter().any(|s| domain.contains(&s.slot)))
                .count();
            let lits = busy_of(domain);
            cardinality(CardConstraint::new_lb(lits.iter().copied(), confined), cnf, vars);
            cardinality(CardConstraint::new_ub(lits.iter().copied(), may), cnf, vars);
        }
    }

    // Implied: per slot, at most (seats per meeting) × (rooms open) participants are busy.
    let widest = (0..problem.meetings.len())
        .filter(|&m| !model.starts[m].is_empty())
        .map(|m| model.participants(m).len())
        .max()
        .unwrap_or(0);
    for t in 0..slots {
        let rooms: usize = model
            .classes
            .iter()
            .filter(|c| c.available[t])
            .map(|c| c.size() as usize)
            .sum();
        let lits: Vec<Lit> = (0..participants).filter_map(|p| busy[p * slots + t]).collect();
        if lits.len() > widest * rooms {
            cardinality(CardConstraint::new_ub(lits, widest * rooms), cnf, vars);
        }
    }

    // Waits: one indicator where a gap ends (busy, the slot before free, busy earlier in
    // the session). Only forced true, never false: "at most k" then bounds the real gaps.
    let fair = problem.max_wait_spread;
    let mut all_waits = Vec::new();
    let mut waits_of_participant = Vec::with_capacity(participants);
    for p in 0..participants {
        let mut own = Vec::new();
        for session in &problem.sessions {
            let mut before: Option<Lit> = None;
            let mut earlier: Option<Lit> = None; // `before` of two slots back
            for t in session.slots.clone() {
                let now = busy[p * slots + t];
                if let (Some(now), Some(earlier)) = (now, earlier) {
                    let w = new_lit(vars);
                    let previous = busy[p * slots + t - 1];
                    let mut clause: Vec<Lit> = vec![!now, !earlier, w];
                    clause.extend(previous);
                    cnf.add_clause(clause.into_iter().collect::<Clause>());
                    if fair.is_some() {
                        // Only where a gap ends, so a lower bound on waits is one on gaps.
                        cnf.add_binary(!w, now);
                        cnf.add_binary(!w, earlier);
                        if let Some(previous) = previous {
                            cnf.add_binary(!w, !previous);
                        }
                    }
                    own.push(w);
                }
                earlier = before;
                before = match (before, now) {
                    (None, None) => None,
                    (Some(b), None) | (None, Some(b)) => Some(b),
                    (Some(b), Some(now)) => {
                        let union = new_lit(vars);
                        cnf.add_binary(!b, union);
                        cnf.add_binary(!now, union);
                        if fair.is_some() {
                            cnf.add_ternary(!union, b, now);
                        }
                        Some(union)
                    }
                };
            }
        }
        let floor = search.floors.get(p).copied().unwrap_or(0) as usize;
        if floor > 0 {
            cardinality(CardConstraint::new_lb(own.iter().copied(), floor), cnf, vars);
        }
        all_waits.extend(own.iter().copied());
        waits_of_participant.push(own);
    }
    if let Some(spread) = fair {
        encode_spread(&waits_of_participant, spread as usize, cnf, vars);
    }
    Encoding {
        placements,
        of_meeting,
        waits: Totalizer::from_iter(all_waits),
        encoded_up_to: None,
    }
}

/// The fairness rule over each participant's (exact) wait indicators: for every threshold
/// j, `h_j` ("someone waits more than j + spread times") is forced by anyone's waits above
/// j + spread and forces everyone's waits above j.
fn encode_spread(waits: &[Vec<Lit>], spread: usize, cnf: &mut Cnf, vars: &mut BasicVarManager) {
    let most = waits.iter().map(Vec::len).max().unwrap_or(0);
    if most <= spread {
        return;
    }
    let mut counters: Vec<Totalizer> = waits
        .iter()
        .map(|own| Totalizer::from_iter(own.iter().copied()))
        .collect();
    for (counter, own) in counters.iter_mut().zip(waits) {
        let result = counter.encode_both(0..=own.len(), cnf, vars);
        debug_assert!(result.is_ok(), "a Cnf does not run out of memory");
    }
    for j in 0..most - spread {
        let someone = vars.new_var().pos_lit();
        for counter in &counters {
            // Waits above j + spread force `someone`: either it holds or waits ≤ j + spread.
            if let Ok(at_most) = counter.enforce_ub(j + spread) {
                for lit in at_most {
                    cnf.add_binary(someone, lit);
                }
            }
            // `someone` forces waits above j, which a participant with too few possible
            // waits cannot have.
            match counter.enforce_lb(j + 1) {
                Ok(at_least) => {
                    for lit in at_least {
                        cnf.add_binary(!someone, lit);
                    }
                }
                Err(EnforceError::Unsat) => cnf.add_unit(!someone),
                // Encoded above. Were it not, the rule would be left out here, never
                // tightened: the checker then refuses an unfair answer, and no proof is wrong.
                Err(EnforceError::NotEncoded) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
