//! `rendezvous-bench solve`: solves the benchmark instances, each in a child process
//! (the product's `rendezvous solve`), verifies every solution, compares with a
//! first-come-first-served greedy run on the same machine and with the reference results of
//! the instances' README, and writes `BENCHMARKS.md`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use rendezvous_solver::{Problem, SolutionDoc};

use rendezvous::cli::BadInput;
use rendezvous::sample::{Expo, SampleSpec, forum_look_alike};

use crate::child::{SolveSettings, Solver, solve_in_child};
use crate::greedy::{ScheduleMetrics, evaluate, greedy_schedule};
use crate::progress::{Trace, render_svg};
use crate::references::{DEFAULT_TIME_LIMIT, Reference, parse_reference_table};
use crate::report::{GreedyRun, Outcome, RunInfo, SolverRun, merge_report, progress_series, render_run};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory of benchmark problems (`*.json`); its README.md holds the reference table.
    #[arg(long, default_value = "../shared/instances", value_name = "DIR")]
    pub instances: PathBuf,
    /// Run only these instances (file names without `.json`; repeat or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Multiply every time limit by this (0.1 for a quick check).
    #[arg(long, default_value_t = 1.0, value_name = "F")]
    pub time_scale: f64,
    /// Also solve a generated problem of this preset (`xl`: 80,000 meetings, 290 s), or
    /// generated forum look-alikes of the B2B benchmark (`forum`: one per `--seeds`, 30 s).
    #[arg(long, value_name = "PRESET")]
    pub generated: Vec<String>,
    /// Seeds of the generated forums: `1-5`, `1,3,7` or both (`1-3,9`).
    #[arg(long, default_value = "1", value_name = "SEEDS")]
    pub seeds: String,
    /// Share of each generated forum's meetings pinned (0–100 %, the paper's Table 7
    /// variant at 20).
    #[arg(long, default_value_t = 0, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub pins: u8,
    /// The fairness rule of each generated forum: any two participants' waits differ by at
    /// most this many (the benchmark's fairness variant at 2).
    #[arg(long, value_name = "D")]
    pub max_wait_spread: Option<u32>,
    /// Only the generated problems, not the instances directory.
    #[arg(long)]
    pub generated_only: bool,
    /// The report to write; an earlier report's runs are kept below the new one.
    #[arg(long, default_value = "BENCHMARKS.md", value_name = "FILE")]
    pub output: PathBuf,
    /// Keep problems, solutions and solver logs here (default: a temporary directory).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Seed passed to every `rendezvous solve`.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Threads passed to every `rendezvous solve`.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// Measure the warm re-solve instead: solve each instance, draw a late-change batch
    /// from its solution with `rendezvous generate --late-changes`, re-solve the late
    /// problem warm and cold at --late-time-limit, check both, write BENCHMARKS.md.
    #[arg(long)]
    pub late_changes: bool,
    /// Time limit of the re-solves in --late-changes mode, in seconds (not scaled).
    #[arg(
        long,
        default_value_t = 10.0,
        value_name = "SECONDS",
        requires = "late_changes"
    )]
    pub late_time_limit: f64,
    /// Percent of participants, tables and meetings the batch touches (--late-changes).
    #[arg(
        long,
        default_value_t = 1.0,
        value_name = "PERCENT",
        requires = "late_changes"
    )]
    pub late_share: f64,
    /// The `rendezvous` binary to run (default: the one next to this binary, built first
    /// when run through cargo).
    #[arg(long, env = "RENDEZVOUS_BIN", value_name = "PATH")]
    pub rendezvous: Option<PathBuf>,
}

/// Time limit of a generated problem, in seconds before scaling. The whole-expo target
/// is 5 minutes of wall clock for the `rendezvous solve` process, reading the 14 MB
/// problem and writing the solution included, so its solve stops ten seconds early.
fn generated_time_limit(preset: &str) -> f64 {
    match preset {
        "xl" => 290.0,
        // The target: every forum proved optimal within 30 s on two cores.
        FORUM => 30.0,
        "l" => 120.0,
        _ => 60.0,
    }
}

/// A problem to solve.
struct Instance {
    name: String,
    path: PathBuf,
    limit_seconds: f64,
    reference: Option<Reference>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(BadInput(format!(
            "--time-scale must be a positive number, not {}",
            args.time_scale
        ))
        .into());
    }
    if args.threads == 0 {
        return Err(BadInput("--threads must be at least 1".into()).into());
    }
    for preset in &args.generated {
        if SampleSpec::preset(preset).is_none() && preset != FORUM {
            return Err(BadInput(format!("--generated: unknown preset {preset:?}")).into());
        }
    }
    parse_seeds(&args.seeds)?;
    let scratch = std::env::temp_dir().join(format!("rendezvous-bench-{}", std::process::id()));
    let work_dir = args.work_dir.clone().unwrap_or_else(|| scratch.clone());
    std::fs::create_dir_all(&work_dir).with_context(|| format!("cannot create {}", work_dir.display()))?;
    let result = run_in(&args, &work_dir);
    if args.work_dir.is_none() {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    result
}

fn run_in(args: &Args, work_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut instances = if args.generated_only {
        Vec::new()
    } else {
        list_instances(&args.instances, &args.only)?
    };
    for preset in &args.generated {
        if preset == FORUM {
            for seed in parse_seeds(&args.seeds)? {
                instances.push(generate_forum(seed, args.pins, args.max_wait_spread, work_dir)?);
            }
        } else {
            instances.push(generate_instance(preset, work_dir)?);
        }
    }
    if instances.is_empty() {
        return Err(BadInput("no instance to run".into()).into());
    }

    let solver = Solver::locate(args.rendezvous.clone())?;
    eprintln!(
        "bench: solving with {} ({} profile)",
        solver.path.display(),
        solver.profile.as_deref().unwrap_or("unknown")
    );
    if args.late_changes {
        if !(args.late_time_limit.is_finite() && args.late_time_limit > 0.0) {
            return Err(BadInput(format!(
                "--late-time-limit must be a positive number of seconds, not {}",
                args.late_time_limit
            ))
            .into());
        }
        let list: Vec<(String, PathBuf, f64)> = instances
            .iter()
            .map(|i| (i.name.clone(), i.path.clone(), i.limit_seconds * args.time_scale))
            .collect();
        return crate::late::run(args, &list, &solver, work_dir);
    }
    let started = chrono::Utc::now();
    let mut outcomes = Vec::new();
    for instance in &instances {
        let settings = SolveSettings {
            time_limit: instance.limit_seconds * args.time_scale,
            seed: args.seed,
            threads: args.threads,
        };
        eprintln!(
            "bench: {} (time limit {:.1} s)",
            instance.name, settings.time_limit
        );
        let outcome = run_instance(&solver, instance, settings, work_dir);
        match &outcome.solver {
            Ok(run) => eprintln!(
                "bench: {}: objective {} ({} placed), {:.1} s, {}",
                instance.name,
                run.metrics.objective,
                run.metrics.placed,
                run.seconds,
                if run.violations.is_empty() {
                    "valid"
                } else {
                    "INVALID"
                }
            ),
            Err(err) => eprintln!("bench: {}: failed: {err}", instance.name),
        }
        outcomes.push(outcome);
    }

    let info = RunInfo::collect(started, args.time_scale, solver.profile.clone());
    let plot = write_plot(&args.output, started, &outcomes)?;
    let section = render_run(&info, &outcomes, plot.as_deref());
    let previous = std::fs::read_to_string(&args.output).ok();
    let report = merge_report(previous.as_deref(), &section);
    std::fs::write(&args.output, report)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!("{section}");
    eprintln!("bench: wrote {}", args.output.display());
    Ok(if outcomes.iter().all(Outcome::ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Writes the run's time-to-quality plot into `benchmarks/` beside the report; returns its
/// path relative to the report (`None` when no solve left a trace).
fn write_plot(
    report: &Path,
    started: chrono::DateTime<chrono::Utc>,
    outcomes: &[Outcome],
) -> anyhow::Result<Option<String>> {
    let series = progress_series(outcomes);
    if series.is_empty() {
        return Ok(None);
    }
    let relative = format!("benchmarks/progress-{}.svg", started.format("%Y-%m-%d-%H%M"));
    let path = report.parent().unwrap_or(Path::new(".")).join(&relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let title = format!(
        "rendezvous solve, run of {}: objective and bound ÷ greedy",
        started.format("%Y-%m-%d %H:%M UTC")
    );
    std::fs::write(&path, render_svg(&title, &series))
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("bench: wrote {}", path.display());
    Ok(Some(relative))
}

/// The `*.json` problems of `dir`, in the reference table's order, then by name.
fn list_instances(dir: &Path, only: &[String]) -> anyhow::Result<Vec<Instance>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| BadInput(format!("--instances {}: cannot read: {err}", dir.display())))?;
    let references = std::fs::read_to_string(dir.join("README.md"))
        .map(|text| parse_reference_table(&text))
        .unwrap_or_default();
    let mut instances = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let reference = references.iter().find(|r| r.problem == name).cloned();
        instances.push(Instance {
            limit_seconds: reference.as_ref().map_or(DEFAULT_TIME_LIMIT, |r| r.limit_seconds),
            name,
            path,
            reference,
        });
    }
    for name in only {
        if !instances.iter().any(|i| &i.name == name) {
            return Err(BadInput(format!("--only: no instance {name:?} in {}", dir.display())).into());
        }
    }
    let rank = |i: &Instance| {
        references
            .iter()
            .position(|r| r.problem == i.name)
            .unwrap_or(usize::MAX)
    };
    instances.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)));
    Ok(instances)
}

/// The `--generated` name of the forum look-alikes.
const FORUM: &str = "forum";

/// `1-5`, `1,3,7`, `1-3,9`: the seeds, in the order given.
fn parse_seeds(text: &str) -> Result<Vec<u64>, BadInput> {
    let bad = || {
        BadInput(format!(
            "--seeds: {text:?} is not a list of seeds like 1-5 or 1,3,7"
        ))
    };
    let mut seeds = Vec::new();
    for part in text.split(',') {
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        match part.split_once('-') {
            Some((low, high)) => {
                let (low, high) = (number(low)?, number(high)?);
                if low > high || high - low >= 1000 {
                    return Err(bad());
                }
                seeds.extend(low..=high);
            }
            None => seeds.push(number(part)?),
        }
    }
    Ok(seeds)
}

fn generate_forum(seed: u64, pins: u8, spread: Option<u32>, work_dir: &Path) -> anyhow::Result<Instance> {
    let forum = forum_look_alike(seed, pins);
    let mut name = format!("generated-forum-{seed}");
    if pins > 0 {
        name.push_str(&format!("-pins-{pins}"));
    }
    if let Some(d) = spread {
        name.push_str(&format!("-spread-{d}"));
    }
    let path = work_dir.join(format!("{name}.json"));
    eprintln!(
        "bench: generating {name}: {} participants, {} meetings, {} tables, {} slots",
        forum.participants,
        forum.meetings.len(),
        forum.tables,
        forum.slots
    );
    let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut doc = forum.to_problem_doc();
    doc.max_wait_spread = spread;
    serde_json::to_writer(std::io::BufWriter::new(file), &doc)?;
    Ok(Instance {
        name,
        path,
        limit_seconds: generated_time_limit(FORUM),
        reference: None,
    })
}

fn generate_instance(preset: &str, work_dir: &Path) -> anyhow::Result<Instance> {
    let spec = SampleSpec::preset(preset)
        .ok_or_else(|| BadInput(format!("--generated: unknown preset {preset:?}")))?;
    let name = format!("generated-{preset}");
    let path = work_dir.join(format!("{name}.json"));
    eprintln!(
        "bench: generating {name}: {} participants, {} meetings, {} tables, seed {}",
        spec.participants, spec.meetings, spec.tables, spec.seed
    );
    let doc = Expo::generate(&spec)
        .and_then(|expo| expo.to_problem_doc())
        .map_err(|err| BadInput(format!("--generated {preset}: {err}")))?;
    let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &doc)?;
    Ok(Instance {
        name,
        path,
        limit_seconds: generated_time_limit(preset),
        reference: None,
    })
}

fn run_instance(solver: &Solver, instance: &Instance, settings: SolveSettings, work_dir: &Path) -> Outcome {
    let mut outcome = Outcome {
        name: instance.name.clone(),
        settings,
        meetings: 0,
        reference: instance.reference.clone(),
        greedy: None,
        solver: Err(String::new()),
    };
    let problem = match std::fs::read_to_string(&instance.path)
        .map_err(|err| format!("cannot read {}: {err}", instance.path.display()))
        .and_then(|text| Problem::from_json(&text).map_err(|err| format!("bad problem: {err}")))
    {
        Ok(problem) => problem,
        Err(err) => {
            outcome.solver = Err(err);
            return outcome;
        }
    };
    outcome.meetings = problem.meetings.len();

    let clock = Instant::now();
    let schedule = greedy_schedule(&problem);
    outcome.greedy = Some(GreedyRun {
        metrics: evaluate(&problem, &schedule),
        seconds: clock.elapsed().as_secs_f64(),
    });

    let solution_path = work_dir.join(format!("{}.solution.json", instance.name));
    let log_path = work_dir.join(format!("{}.solve.log", instance.name));
    outcome.solver =
        solve_in_child(solver, &instance.path, settings, &solution_path, &log_path).and_then(|child| {
            let text = std::fs::read_to_string(&solution_path)
                .map_err(|err| format!("cannot read the solution {}: {err}", solution_path.display()))?;
            let doc: SolutionDoc = serde_json::from_str(&text)
                .map_err(|err| format!("the solution is not rendezvous-solution/1: {err}"))?;
            let (metrics, violations) = verify(&problem, &doc);
            let trace = Trace::read(&child.progress_log).unwrap_or_else(|err| {
                eprintln!("bench: {}: no time-to-quality figures: {err}", instance.name);
                Trace::default()
            });
            Ok(SolverRun {
                status: doc.status,
                claimed_objective: doc.objective,
                bound: doc.bound,
                metrics,
                violations,
                seconds: child.seconds,
                peak_mib: child.peak_mib,
                trace,
            })
        });
    outcome
}

/// The solution's figures and broken rules, from the independent checker.
fn verify(problem: &Problem, doc: &SolutionDoc) -> (ScheduleMetrics, Vec<String>) {
    let report = rendezvous_solver::check(problem, doc);
    let violations = report.violations.iter().map(ToString::to_string).collect();
    (ScheduleMetrics::from(&report), violations)
}
