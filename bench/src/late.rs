//! `cargo bench-expo solve --late-changes`: the warm re-solve. Each instance is solved
//! cold, a late-change batch is drawn from its solution by the product's
//! `rendezvous generate --late-changes`, and the late problem is solved twice at the
//! re-solve limit: warm (the published places as `current`) and cold (the same problem
//! without them, its schedule then scored with the moves it makes). The independent
//! checker verifies every solution; the figures go to `BENCHMARKS.md`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::Context;
use rendezvous::sample::LateChanges;
use rendezvous_solver::{Placement, Problem, ProblemDoc, Schedule, SolutionDoc};

use crate::child::{SolveSettings, Solver, solve_in_child};
use crate::report::{RunInfo, machine_line, merge_report, thousands};
use crate::solve::Args;

/// One instance's re-solve, as verified here.
struct LateOutcome {
    name: String,
    /// The cold solve the batch was drawn from: its limit and verified objective.
    first: (f64, i64),
    changes: LateChanges,
    /// Published meetings the batch left alone.
    untouched: usize,
    warm: Resolve,
    cold: Resolve,
}

/// A solve of the late problem.
struct Resolve {
    objective: i64,
    seconds: f64,
    /// Untouched meetings not at their published place (moved or dropped).
    moved_untouched: usize,
    new_placed: usize,
    /// Broken rules the independent checker found (empty: valid).
    violations: Vec<String>,
}

/// The late-change mode of `solve`: `instances` are `(name, problem file, cold limit)`.
pub fn run(
    args: &Args,
    instances: &[(String, PathBuf, f64)],
    solver: &Solver,
    work_dir: &Path,
) -> anyhow::Result<ExitCode> {
    let started = chrono::Utc::now();
    let mut outcomes = Vec::new();
    let mut failed = false;
    for (name, path, limit) in instances {
        eprintln!(
            "bench: late changes on {name} (first solve {limit:.1} s, re-solves {:.1} s)",
            args.late_time_limit
        );
        match run_instance(args, name, path, *limit, solver, work_dir) {
            Ok(outcome) => {
                failed |= !outcome.warm.violations.is_empty() || !outcome.cold.violations.is_empty();
                eprintln!(
                    "bench: {name}: warm {:.1} s, moved {}/{} untouched, placed {}/{} new, objective {} (cold {})",
                    outcome.warm.seconds,
                    outcome.warm.moved_untouched,
                    outcome.untouched,
                    outcome.warm.new_placed,
                    outcome.changes.new_meetings.len(),
                    outcome.warm.objective,
                    outcome.cold.objective
                );
                outcomes.push(Ok(outcome));
            }
            Err(err) => {
                eprintln!("bench: {name}: failed: {err:#}");
                failed = true;
                outcomes.push(Err((name.clone(), format!("{err:#}"))));
            }
        }
    }
    let info = RunInfo::collect(started, args.time_scale, solver.profile.clone());
    let section = render(&info, args, &outcomes);
    let previous = std::fs::read_to_string(&args.output).ok();
    std::fs::write(&args.output, merge_report(previous.as_deref(), &section))
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!("{section}");
    eprintln!("bench: wrote {}", args.output.display());
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run_instance(
    args: &Args,
    name: &str,
    path: &Path,
    limit: f64,
    solver: &Solver,
    work_dir: &Path,
) -> anyhow::Result<LateOutcome> {
    let original: ProblemDoc = serde_json::from_str(&std::fs::read_to_string(path)?)
        .with_context(|| format!("{} is not rendezvous-problem/1", path.display()))?;
    let settings = |time_limit| SolveSettings {
        time_limit,
        seed: args.seed,
        threads: args.threads,
    };
    let file = |what: &str| work_dir.join(format!("{name}.{what}"));

    let first = file("first.solution.json");
    solve_in_child(solver, path, settings(limit), &first, &file("first.log")).map_err(anyhow::Error::msg)?;
    let first_problem = Problem::try_from(original.clone()).context("bad problem")?;
    let first_objective = checked(&first_problem, &first)?.0;

    let late_path = file("late.json");
    generate_late(solver, path, &first, args, &late_path)?;
    let late: ProblemDoc = serde_json::from_str(&std::fs::read_to_string(&late_path)?)
        .context("the late problem is not rendezvous-problem/1")?;
    let changes = LateChanges::between(&original, &late);
    let late_problem = Problem::try_from(late.clone()).context("the late problem is invalid")?;
    let untouched = late.meetings.iter().filter(|m| changes.untouched(m)).count();

    let warm_solution = file("warm.solution.json");
    let warm_run = solve_in_child(
        solver,
        &late_path,
        settings(args.late_time_limit),
        &warm_solution,
        &file("warm.log"),
    )
    .map_err(anyhow::Error::msg)?;
    let warm = resolve(
        &late,
        (&late_problem, &late_problem),
        &changes,
        &warm_solution,
        warm_run.seconds,
    )?;

    // The same late problem without the published places, scored with them.
    let mut unpublished = late.clone();
    for meeting in &mut unpublished.meetings {
        meeting.current = None;
    }
    let cold_path = file("late-cold.json");
    std::fs::write(&cold_path, serde_json::to_string(&unpublished)?)?;
    let cold_solution = file("cold.solution.json");
    let cold_run = solve_in_child(
        solver,
        &cold_path,
        settings(args.late_time_limit),
        &cold_solution,
        &file("cold.log"),
    )
    .map_err(anyhow::Error::msg)?;
    // Valid for the problem it solved; its objective is the late problem's, moves included.
    let unpublished_problem = Problem::try_from(unpublished).context("the late problem is invalid")?;
    let cold = resolve(
        &late,
        (&unpublished_problem, &late_problem),
        &changes,
        &cold_solution,
        cold_run.seconds,
    )?;
    Ok(LateOutcome {
        name: name.to_string(),
        first: (limit, first_objective),
        changes,
        untouched,
        warm,
        cold,
    })
}

/// `rendezvous generate --late-changes` in a child process.
fn generate_late(
    solver: &Solver,
    problem: &Path,
    solution: &Path,
    args: &Args,
    output: &Path,
) -> anyhow::Result<()> {
    let out = Command::new(&solver.path)
        .args(["generate", "--late-changes", "--from"])
        .arg(problem)
        .arg("--solution")
        .arg(solution)
        .args([
            "--seed",
            &args.seed.to_string(),
            "--share",
            &args.late_share.to_string(),
        ])
        .arg("--output")
        .arg(output)
        .stdin(Stdio::null())
        .output()
        .context("cannot run rendezvous generate")?;
    anyhow::ensure!(
        out.status.success(),
        "rendezvous generate --late-changes failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(())
}

/// The solution at `path`, checked against `problem`: its objective and broken rules.
fn checked(problem: &Problem, path: &Path) -> anyhow::Result<(i64, Vec<String>, SolutionDoc)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc: SolutionDoc =
        serde_json::from_str(&text).context("the solution is not rendezvous-solution/1")?;
    let report = rendezvous_solver::check(problem, &doc);
    let violations = report.violations.iter().map(ToString::to_string).collect();
    Ok((report.objective, violations, doc))
}

/// A re-solve's figures: `solved` is the problem it was solved for (its rules and claimed
/// objective are checked there), `late` the late problem its objective is scored on.
fn resolve(
    late: &ProblemDoc,
    (solved, scored): (&Problem, &Problem),
    changes: &LateChanges,
    solution: &Path,
    seconds: f64,
) -> anyhow::Result<Resolve> {
    let (_, violations, doc) = checked(solved, solution)?;
    let objective = rendezvous_solver::evaluate(scored, &schedule_of(scored, &doc)).objective;
    let placed: HashMap<&str, (&str, &str)> = doc
        .assignments
        .iter()
        .map(|a| (a.meeting.as_str(), (a.slot.as_str(), a.room.as_str())))
        .collect();
    let moved_untouched = late
        .meetings
        .iter()
        .filter(|m| changes.untouched(m))
        .filter(|m| {
            let current = m.current.as_ref().map(|c| (c.slot.as_str(), c.room.as_str()));
            placed.get(m.id.as_str()).copied() != current
        })
        .count();
    let new_placed = changes
        .new_meetings
        .iter()
        .filter(|id| placed.contains_key(id.as_str()))
        .count();
    Ok(Resolve {
        objective,
        seconds,
        moved_untouched,
        new_placed,
        violations,
    })
}

/// The schedule a solution document describes, by `problem`'s indices (unknown ids, which
/// the check reports, are left out).
fn schedule_of(problem: &Problem, doc: &SolutionDoc) -> Schedule {
    let meetings = index(problem.meetings.iter().map(|m| m.id.as_str()));
    let slots = index(problem.slots.iter().map(|s| s.id.as_str()));
    let rooms = index(problem.rooms.iter().map(|r| r.id.as_str()));
    let mut schedule = Schedule::empty(problem);
    for a in &doc.assignments {
        if let (Some(&m), Some(&slot), Some(&room)) = (
            meetings.get(a.meeting.as_str()),
            slots.get(a.slot.as_str()),
            rooms.get(a.room.as_str()),
        ) {
            schedule.placements[m] = Some(Placement { slot, room });
        }
    }
    schedule
}

fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

fn render(info: &RunInfo, args: &Args, outcomes: &[Result<LateOutcome, (String, String)>]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Late changes: warm re-solve, run of {}",
        info.started.format("%Y-%m-%d %H:%M UTC")
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "- machine: {}", machine_line(info));
    let _ = writeln!(out, "- commit: {}", info.commit);
    let _ = writeln!(out, "- build: {}", info.profile.as_deref().unwrap_or("unknown"));
    let _ = writeln!(
        out,
        "- each instance solved first (its reference limit × {}), then `rendezvous generate --late-changes \
         --seed {} --share {}` (participants away a half-day / tables out of use / new requests), then the late \
         problem re-solved at {} s: warm (published places as `current`) and cold (the same problem without \
         them; its schedule scored on the late problem, moves included); seed {}, threads {}",
        info.time_scale, args.seed, args.late_share, args.late_time_limit, args.seed, args.threads
    );
    let _ = writeln!(
        out,
        "- untouched: published meetings whose participants and room the batch left alone; moved: not at \
         their published place (moved or dropped)"
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| problem | first solve | changes | warm: time | warm: moved untouched | warm: new placed | warm: objective \
         | cold: moved untouched | cold: new placed | cold: objective | valid |"
    );
    let _ = writeln!(
        out,
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for outcome in outcomes {
        match outcome {
            Ok(o) => {
                let share = |n: usize| {
                    format!(
                        "{}/{} ({:.2} %)",
                        n,
                        o.untouched,
                        n as f64 * 100.0 / o.untouched.max(1) as f64
                    )
                };
                let new = o.changes.new_meetings.len();
                let valid = match (o.warm.violations.first(), o.cold.violations.first()) {
                    (None, None) => "yes".to_string(),
                    (Some(v), _) => format!("**NO** (warm): {v}"),
                    (None, Some(v)) => format!("**NO** (cold): {v}"),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} ({:.0} s) | {} away, {} tables, {} new | {:.1} s | {} | {}/{new} | {} | {} | {}/{new} | {} | {valid} |",
                    o.name,
                    thousands(o.first.1),
                    o.first.0,
                    o.changes.participants.len(),
                    o.changes.rooms.len(),
                    new,
                    o.warm.seconds,
                    share(o.warm.moved_untouched),
                    o.warm.new_placed,
                    thousands(o.warm.objective),
                    share(o.cold.moved_untouched),
                    o.cold.new_placed,
                    thousands(o.cold.objective),
                );
            }
            Err((name, err)) => {
                let _ = writeln!(
                    out,
                    "| {name} | **failed** | – | – | – | – | – | – | – | – | {} |",
                    err.replace('|', "\\|")
                );
            }
        }
    }
    out
}
