//! `rendezvous check`: verify a solution against a problem with the independent checker.

use std::path::PathBuf;
use std::process::ExitCode;

use rendezvous_solver::{CheckReport, Problem, SolutionDoc};

use super::BadInput;
use super::solve::read_problem;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The rendezvous-problem/1 file.
    pub problem: PathBuf,
    /// The rendezvous-solution/1 file to check against it.
    pub solution: PathBuf,
}

/// Exit 0 when the solution is valid and its objective right, 1 otherwise, 2 on bad input.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let problem = read_problem(&args.problem)?;
    let text = std::fs::read_to_string(&args.solution)
        .map_err(|err| BadInput(format!("{}: cannot read: {err}", args.solution.display())))?;
    let solution = rendezvous_solver::parse_solution(&text)
        .map_err(|err| BadInput(format!("{}: {err}", args.solution.display())))?;
    let report = rendezvous_solver::check(&problem, &solution);
    print!("{}", render(&problem, &solution, &report));
    Ok(if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The report as text: one line per broken rule, then the objective and its parts.
fn render(problem: &Problem, solution: &SolutionDoc, report: &CheckReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for violation in &report.violations {
        let _ = writeln!(out, "broken: {violation}");
    }
    let b = &report.breakdown;
    let p = &problem.penalties;
    let _ = writeln!(
        out,
        "objective {} (claimed {}) = weight {} of {} of {} meetings held - {} x {} idle slots - {} x {} gaps - {} x {} moved",
        report.objective,
        solution.objective,
        b.placed_weight,
        b.placed,
        problem.meetings.len(),
        p.idle_slot,
        b.idle_slots,
        p.gap,
        b.gaps,
        p.move_,
        b.moved
    );
    if report.is_valid() {
        let _ = writeln!(out, "valid");
    } else {
        let _ = writeln!(out, "INVALID: {} broken rules", report.violations.len());
    }
    out
}
