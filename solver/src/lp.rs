//! What the linear models share, written with good_lp: sums of variables filled meeting by
//! meeting (one per participant and slot, room class and slot, ...) that become the rows
//! `Σ ≤ limit`, and the column numbers of the HiGHS model behind them.
//!
//! Measured before choosing (BENCHMARKS.md, "good_lp" run of 2026-12-01): good_lp keeps
//! each sum in a hash map and hands HiGHS the model row by row, so building the LP bound's
//! relaxation costs more than the column-wise raw model did (pub-l: 0.54 s of CPU instead
//! of 0.30 s, +14 MiB peak), and on the whole expo less (2.7 s instead of 4.5 s, +39 MiB:
//! the union of class sets got faster at the same time). It runs on the LP's own thread,
//! and the bounds are the same, so every model is written with good_lp; the raw model
//! (`into_inner()`) is reached only for HiGHS's interrupt callback, the MIP start with
//! column numbers, and the MIP's dual bound.

use good_lp::solvers::highs::HighsProblem;
use good_lp::{
    Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable, VariableDefinition, constraint,
};

use crate::model::Model;
use crate::problem::{ParticipantIx, Problem};

/// One sum of variables per row of a family, filled column by column.
pub(crate) struct Sums(Vec<Expression>);

impl Sums {
    pub fn new(rows: usize) -> Self {
        Self((0..rows).map(|_| Expression::default()).collect())
    }

    /// Adds `factor · x` to row `row`.
    pub fn add(&mut self, row: usize, factor: f64, x: Variable) {
        self.0[row].add_mul(factor, x);
    }

    /// Every row's sum, in row order (empty ones included).
    pub fn into_rows(self) -> impl Iterator<Item = Expression> {
        self.0.into_iter()
    }

    /// `Σ_row ≤ limit(row)` for every row that has a variable and a limit.
    pub fn at_most(self, lp: &mut HighsProblem, limit: impl Fn(usize) -> Option<f64>) {
        for (row, sum) in self.0.into_iter().enumerate() {
            if let Some(limit) = limit(row).filter(|_| !is_empty(&sum)) {
                lp.add_constraint(constraint!(sum <= limit));
            }
        }
    }
}

pub(crate) fn is_empty(sum: &Expression) -> bool {
    sum.linear_coefficients().next().is_none()
}

/// Variables with the number of their HiGHS column: good_lp's HiGHS backend adds one
/// column per variable, in the order they were created, and that is the order of the
/// values a MIP start or a solution of the raw model (`into_inner()`) lists.
#[derive(Default)]
pub(crate) struct Columns {
    pub vars: ProblemVariables,
}

/// A HiGHS column's index.
pub(crate) type Col = usize;

impl Columns {
    pub fn add(&mut self, definition: VariableDefinition) -> (Variable, Col) {
        let col = self.vars.len();
        (self.vars.add(definition), col)
    }

    pub fn len(&self) -> usize {
        self.vars.len()
    }
}

/// Rows `Σ meetings in class c at slot t ≤ rooms of c free at t`, indexed
/// `class * slot_count + slot`.
pub(crate) fn class_capacity(lp: &mut HighsProblem, model: &Model, sums: Sums) {
    let slots = model.slot_count;
    sums.at_most(lp, |ix| {
        let class = &model.classes[ix / slots];
        Some(if class.available[ix % slots] {
            f64::from(class.size())
        } else {
            0.0
        })
    });
}

/// Rows `Σ meetings of p ≤ max_meetings(p)` for the participants with a quota.
pub(crate) fn quotas(lp: &mut HighsProblem, problem: &Problem, sums: Sums) {
    sums.at_most(lp, |p: ParticipantIx| {
        problem.participants[p].max_meetings.map(f64::from)
    });
}
