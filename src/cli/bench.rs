//! `rendezvous bench`: solves the benchmark instances, each in a child process
//! (`rendezvous solve`), verifies every solution, compares with a first-come-first-served
//! greedy run on the same machine and with the reference results of the instances' README,
//! and writes `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use rendezvous_solver::{Problem, SolutionDoc, Status};

use super::BadInput;
use crate::sample::greedy::{ScheduleMetrics, evaluate, greedy_schedule};
use crate::sample::{Expo, SampleSpec};

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
    /// Also solve a generated problem of this preset (`xl`: 80,000 meetings, 290 s).
    #[arg(long, value_name = "PRESET")]
    pub generated: Vec<String>,
    /// Only the generated problems, not the instances directory.
    #[arg(long)]
    pub generated_only: bool,
    /// The report to write; an earlier report's runs are kept below the new one.
    #[arg(long, default_value = "BENCHMARKS.md", value_name = "FILE")]
    pub output: PathBuf,
    /// Keep problems, solutions and solver logs here (default: a temporary directory).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
}

/// Time limit of a generated problem, in seconds before scaling. The whole-expo target
/// is 5 minutes of wall clock for the `rendezvous solve` process, reading the 14 MB
/// problem and writing the solution included, so its solve stops ten seconds early.
fn generated_time_limit(preset: &str) -> f64 {
    match preset {
        "xl" => 290.0,
        "l" => 120.0,
        _ => 60.0,
    }
}

/// Time limit of an instance the reference table does not list, in seconds before scaling.
const DEFAULT_TIME_LIMIT: f64 = 60.0;

/// One row of the reference table in the instances' README.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub problem: String,
    pub limit_seconds: f64,
    /// The greedy objective, `None` when there is no schedule.
    pub greedy: Option<i64>,
    pub greedy_text: String,
    pub cp_sat: Option<i64>,
    pub cp_sat_text: String,
    pub lp_bound: Option<i64>,
}

/// The number a table cell starts with: `"3,390 (optimal)"` → 3390, `"no schedule"` → none.
fn leading_number(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let digits: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '-')
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

/// Reads the reference table (`| problem | limit | greedy objective | CP-SAT objective | LP
/// bound |`) out of the instances' README; columns are found by their header.
pub fn parse_reference_table(markdown: &str) -> Vec<Reference> {
    let mut references = Vec::new();
    let mut columns: Option<(usize, usize, usize, usize, usize)> = None;
    for line in markdown.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let find = |name: &str| cells.iter().position(|c| c.to_lowercase().starts_with(name));
        if let (Some(p), Some(l), Some(g), Some(c), Some(b)) = (
            find("problem"),
            find("limit"),
            find("greedy"),
            find("cp-sat"),
            find("lp bound"),
        ) {
            columns = Some((p, l, g, c, b));
            continue;
        }
        let Some((p, l, g, c, b)) = columns else { continue };
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':' || ch == ' '))
        {
            continue;
        }
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        let limit: String = cell(l)
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        references.push(Reference {
            problem: cell(p).to_string(),
            limit_seconds: limit.parse().unwrap_or(DEFAULT_TIME_LIMIT),
            greedy: leading_number(cell(g)),
            greedy_text: cell(g).to_string(),
            cp_sat: leading_number(cell(c)),
            cp_sat_text: cell(c).to_string(),
            lp_bound: leading_number(cell(b)),
        });
    }
    references
}

/// A problem to solve.
struct Instance {
    name: String,
    path: PathBuf,
    limit_seconds: f64,
    reference: Option<Reference>,
}

/// What the solver's solution achieves, as verified here.
struct SolverRun {
    status: Status,
    claimed_objective: i64,
    bound: Option<i64>,
    metrics: ScheduleMetrics,
    /// Broken rules the independent checker found in the solution (empty: valid).
    violations: Vec<String>,
    seconds: f64,
    peak_mib: Option<f64>,
}

struct GreedyRun {
    metrics: ScheduleMetrics,
    seconds: f64,
}

struct Outcome {
    name: String,
    limit_seconds: f64,
    meetings: usize,
    reference: Option<Reference>,
    greedy: Option<GreedyRun>,
    solver: Result<SolverRun, String>,
}

impl Outcome {
    fn ok(&self) -> bool {
        self.solver.as_ref().is_ok_and(|run| run.violations.is_empty())
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.time_scale.is_finite() && args.time_scale > 0.0) {
        return Err(BadInput(format!(
            "--time-scale must be a positive number, not {}",
            args.time_scale
        ))
        .into());
    }
    for preset in &args.generated {
        if SampleSpec::preset(preset).is_none() {
            return Err(BadInput(format!("--generated: unknown preset {preset:?}")).into());
        }
    }
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
        instances.push(generate_instance(preset, work_dir)?);
    }
    if instances.is_empty() {
        return Err(BadInput("no instance to run".into()).into());
    }

    let exe = std::env::current_exe().context("cannot find the rendezvous binary")?;
    let started = chrono::Utc::now();
    let mut outcomes = Vec::new();
    for instance in &instances {
        let limit = instance.limit_seconds * args.time_scale;
        eprintln!("bench: {} (time limit {limit:.1} s)", instance.name);
        let outcome = run_instance(&exe, instance, limit, work_dir);
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

    let section = render_run(&RunInfo::collect(started, args.time_scale), &outcomes);
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
        .map_err(|err| BadInput(format!("--generated {preset}: {err}")))?
        .to_problem_doc();
    let file = std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), &doc)?;
    Ok(Instance {
        name,
        path,
        limit_seconds: generated_time_limit(preset),
        reference: None,
    })
}

fn run_instance(exe: &Path, instance: &Instance, limit: f64, work_dir: &Path) -> Outcome {
    let mut outcome = Outcome {
        name: instance.name.clone(),
        limit_seconds: limit,
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
        solve_in_child(exe, &instance.path, limit, &solution_path, &log_path).and_then(|child| {
            let text = std::fs::read_to_string(&solution_path)
                .map_err(|err| format!("cannot read the solution {}: {err}", solution_path.display()))?;
            let doc: SolutionDoc = serde_json::from_str(&text)
                .map_err(|err| format!("the solution is not rendezvous-solution/1: {err}"))?;
            let stats_peak = doc
                .stats
                .as_ref()
                .and_then(|s| s.get("peak_rss_mib"))
                .and_then(serde_json::Value::as_f64);
            let (metrics, violations) = verify(&problem, &doc);
            Ok(SolverRun {
                status: doc.status,
                claimed_objective: doc.objective,
                bound: doc.bound,
                metrics,
                violations,
                seconds: child.seconds,
                peak_mib: stats_peak.or(child.peak_mib),
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

struct ChildRun {
    seconds: f64,
    /// Peak resident memory seen by polling `/proc/<pid>/status` (VmHWM).
    peak_mib: Option<f64>,
}

/// Runs `rendezvous solve` on `problem`, watching its memory; kills it when it overruns
/// its limit by far.
fn solve_in_child(
    exe: &Path,
    problem: &Path,
    limit: f64,
    output: &Path,
    log: &Path,
) -> Result<ChildRun, String> {
    let log_file =
        std::fs::File::create(log).map_err(|err| format!("cannot create {}: {err}", log.display()))?;
    let _ = std::fs::remove_file(output);
    let clock = Instant::now();
    let mut child = Command::new(exe)
        .arg("solve")
        .arg(problem)
        .arg("--time-limit")
        .arg(format!("{limit}"))
        .arg("--output")
        .arg(output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", exe.display()))?;
    let deadline = Duration::from_secs_f64(limit * 2.0 + 60.0);
    let mut peak_kib: Option<u64> = None;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak_kib = Some(peak_kib.map_or(kib, |p| p.max(kib)));
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if clock.elapsed() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "still running after {:.0} s (limit {limit:.1} s): killed",
                    deadline.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => return Err(format!("cannot wait for the solver: {err}")),
        }
    };
    let seconds = clock.elapsed().as_secs_f64();
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        // The error line says most; clap's usage hint or a progress line comes after it.
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let message = lines
            .iter()
            .find(|l| l.starts_with("error"))
            .or(lines.last())
            .copied()
            .unwrap_or("no message");
        return Err(format!("solver exited with {status}: {message}"));
    }
    Ok(ChildRun {
        seconds,
        peak_mib: peak_kib.map(|k| k as f64 / 1024.0),
    })
}

/// VmHWM of a running process in KiB (Linux).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// Where and when the run happened.
struct RunInfo {
    started: chrono::DateTime<chrono::Utc>,
    time_scale: f64,
    cpus: usize,
    cpu_model: Option<String>,
    memory_gib: Option<f64>,
    commit: String,
}

impl RunInfo {
    fn collect(started: chrono::DateTime<chrono::Utc>, time_scale: f64) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, model)| model.trim().to_string());
        let memory_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
            let line = text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?;
            let kib: f64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(kib / 1024.0 / 1024.0)
        });
        Self {
            started,
            time_scale,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            memory_gib,
            commit: git_commit(),
        }
    }
}

/// The commit of the source tree this binary was built from.
fn git_commit() -> String {
    let run = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match run(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => {
            let dirty =
                run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{commit} (with local changes)")
            } else {
                commit
            }
        }
        None => "unknown".into(),
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// How far `value` is under `bound`, in percent of the bound.
fn gap(value: i64, bound: Option<i64>) -> String {
    match bound {
        Some(b) if b > 0 => format!("{:.2} %", (b - value) as f64 * 100.0 / b as f64),
        _ => "–".into(),
    }
}

fn or_dash(value: Option<i64>) -> String {
    value.map_or("–".into(), thousands)
}

/// The markdown section for one run.
fn render_run(info: &RunInfo, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Run of {}", info.started.format("%Y-%m-%d %H:%M UTC"));
    let _ = writeln!(out);
    let machine = format!(
        "{} CPU{}{}, {}",
        info.cpus,
        if info.cpus == 1 { "" } else { "s" },
        info.cpu_model
            .as_ref()
            .map_or(String::new(), |m| format!(" ({m})")),
        info.memory_gib
            .map_or("memory unknown".into(), |g| format!("{g:.1} GiB memory")),
    );
    let _ = writeln!(out, "- machine: {machine}");
    let _ = writeln!(out, "- commit: {}", info.commit);
    let _ = writeln!(
        out,
        "- time limits: the reference table's{}",
        if (info.time_scale - 1.0).abs() < 1e-9 {
            String::new()
        } else {
            format!(
                ", scaled by {} (a quick check, not comparable with the references)",
                info.time_scale
            )
        }
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| problem | limit | status | objective | bound | gap to own bound | gap to LP bound | placed | \
         idle slots | waits | time | peak memory | valid |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for o in outcomes {
        let limit = if o.limit_seconds.fract() == 0.0 {
            format!("{:.0} s", o.limit_seconds)
        } else {
            format!("{:.1} s", o.limit_seconds)
        };
        match &o.solver {
            Ok(run) => {
                let m = &run.metrics;
                let lp = o.reference.as_ref().and_then(|r| r.lp_bound);
                let valid = if run.violations.is_empty() {
                    "yes".to_string()
                } else {
                    format!("**NO**: {} ({} in all)", run.violations[0], run.violations.len())
                };
                let status = match run.status {
                    Status::Optimal => "optimal",
                    Status::Feasible => "feasible",
                    Status::Infeasible => "infeasible",
                };
                let objective = if run.claimed_objective == m.objective {
                    thousands(m.objective)
                } else {
                    format!(
                        "{} (claims {})",
                        thousands(m.objective),
                        thousands(run.claimed_objective)
                    )
                };
                let _ = writeln!(
                    out,
                    "| {} | {limit} | {status} | {objective} | {} | {} | {} | {}/{} | {} | {} | {:.1} s | {} | {valid} |",
                    o.name,
                    or_dash(run.bound),
                    gap(m.objective, run.bound),
                    gap(m.objective, lp),
                    thousands(m.placed as i64),
                    thousands(o.meetings as i64),
                    thousands(m.idle_slots),
                    thousands(m.gaps),
                    run.seconds,
                    run.peak_mib.map_or("–".into(), |p| format!("{p:.0} MiB")),
                );
            }
            Err(err) => {
                let _ = writeln!(
                    out,
                    "| {} | {limit} | **failed** | – | – | – | – | – | – | – | – | – | {} |",
                    o.name,
                    err.replace('|', "\\|")
                );
            }
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| problem | ours | greedy, this run | ours vs greedy | greedy (reference) | CP-SAT (reference) | LP bound (reference) |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for o in outcomes {
        let ours = o.solver.as_ref().ok().map(|r| r.metrics.objective);
        let greedy = o.greedy.as_ref().map(|g| g.metrics);
        let greedy_cell = greedy.map_or("–".into(), |g| {
            format!(
                "{} ({}/{} held, {} waits, {:.1} s)",
                thousands(g.objective),
                thousands(g.placed as i64),
                thousands(o.meetings as i64),
                thousands(g.gaps),
                o.greedy.as_ref().map_or(0.0, |g| g.seconds)
            )
        });
        let versus = match (ours, greedy) {
            (Some(ours), Some(g)) if g.objective > 0 => {
                format!(
                    "{:+.2} %",
                    (ours - g.objective) as f64 * 100.0 / g.objective as f64
                )
            }
            _ => "–".into(),
        };
        let reference = o.reference.as_ref();
        let _ = writeln!(
            out,
            "| {} | {} | {greedy_cell} | {versus} | {} | {} | {} |",
            o.name,
            ours.map_or("failed".into(), thousands),
            reference.map_or("–".into(), |r| r.greedy_text.clone()),
            reference.map_or("–".into(), |r| r.cp_sat_text.clone()),
            or_dash(reference.and_then(|r| r.lp_bound)),
        );
    }
    out
}

/// The line that separates the explanation from the runs.
const RUNS_MARKER: &str = "<!-- runs: newest first; `rendezvous bench` adds one above the others -->";

const HEADER: &str = "# Benchmarks

`rendezvous bench` solves every problem of `shared/instances/` (and, with `--generated xl`, a
generated whole-expo problem: 20,000 participants, 80,000 meetings, 2,500 tables, 290 s) with
`rendezvous solve` in a child process, then verifies the solution and recomputes its figures
itself. Each run below says where and when it ran; compare numbers within one run only (these
machines are shared and noisy).

- **objective**: placed weight − idle slots − waits − moves, as `solver-format.md` defines it,
  recomputed from the schedule. **bound**: the solver's own proved upper bound.
- **gap to own bound** / **gap to LP bound**: (bound − objective) / bound. The LP bound is the
  reference table's relaxation of the placed weight: no schedule can score above it.
- **placed**: meetings held / meetings. **idle slots** and **waits**: slots a participant
  spends waiting between two meetings of a session, and the number of such waits.
- **time**: wall clock of the child process; **peak memory**: its peak resident set (VmHWM).
- **greedy, this run**: first-come-first-served on the same machine — meetings by weight, each
  at the earliest free slot and smallest free table. The reference columns are copied by the
  bench from `shared/instances/README.md` (OR-Tools CP-SAT, 2 workers, the same limits).

Reproduce: `cargo build --release && target/release/rendezvous bench --instances ../shared/instances`
(`--only pub-s`, `--time-scale 0.1` for a quick check, `--generated xl` for the whole expo).
";

/// The report with `section` as its newest run, keeping the runs of `previous`.
fn merge_report(previous: Option<&str>, section: &str) -> String {
    let older = previous
        .and_then(|text| text.split_once(RUNS_MARKER))
        .map(|(_, runs)| runs.trim_start_matches('\n'))
        .unwrap_or("");
    let mut out = format!("{HEADER}\n{RUNS_MARKER}\n\n{section}");
    if !older.trim().is_empty() {
        out.push('\n');
        out.push_str(older);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const README: &str = "intro\n\n| problem | participants |\n| --- | --- |\n| pub-tiny | 40 |\n\n\
| problem | limit | greedy objective | CP-SAT objective | LP bound |\n| --- | --- | --- | --- | --- |\n\
| pub-tiny | 60 s | 3,308 | 3,390 (optimal) | 3,390 |\n\
| pub-m | 60 s | 141,289 | no schedule | 150,150 * |\n\
| pub-forum-1 | 30 s | 239,858 (240/250 held, 142 waits) | 249,951 (250/250, 49 waits) | 250,000 |\n\nafter\n";

    #[test]
    fn reference_table_is_read_by_column_name() {
        let refs = parse_reference_table(README);
        assert_eq!(refs.len(), 3, "{refs:?}");
        assert_eq!(refs[0].problem, "pub-tiny");
        assert_eq!(refs[0].limit_seconds, 60.0);
        assert_eq!(
            (refs[0].greedy, refs[0].cp_sat, refs[0].lp_bound),
            (Some(3308), Some(3390), Some(3390))
        );
        assert_eq!((refs[1].cp_sat, refs[1].lp_bound), (None, Some(150_150)));
        assert_eq!(refs[1].cp_sat_text, "no schedule");
        assert_eq!((refs[2].limit_seconds, refs[2].greedy), (30.0, Some(239_858)));
    }

    #[test]
    fn the_shared_readme_parses_when_present() {
        // The shared directory sits next to the repository (main) or two levels up (worktrees).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(text) = [
            "../shared/instances/README.md",
            "../../shared/instances/README.md",
        ]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok()) else {
            return;
        };
        let refs = parse_reference_table(&text);
        let names: Vec<&str> = refs.iter().map(|r| r.problem.as_str()).collect();
        assert!(names.contains(&"pub-s") && names.contains(&"pub-l"), "{names:?}");
        assert!(
            refs.iter().all(|r| r.lp_bound.is_some() && r.greedy.is_some()),
            "{refs:?}"
        );
    }

    #[test]
    fn numbers_read_and_print_with_separators() {
        assert_eq!(leading_number(" 464,175 * "), Some(464_175));
        assert_eq!(leading_number("no schedule"), None);
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_000), "-1,000");
        assert_eq!(thousands(12), "12");
        assert_eq!(gap(90, Some(100)), "10.00 %");
        assert_eq!(gap(90, None), "–");
    }

    #[test]
    fn a_new_run_goes_on_top_of_the_older_ones() {
        let first = merge_report(None, "## Run A\n");
        assert!(first.starts_with("# Benchmarks") && first.ends_with("## Run A\n"));
        let second = merge_report(Some(&first), "## Run B\n");
        let (a, b) = (second.find("## Run A").unwrap(), second.find("## Run B").unwrap());
        assert!(b < a);
        assert_eq!(second.matches("# Benchmarks").count(), 1);
    }

    #[test]
    fn a_failed_instance_is_reported_and_the_rest_still_shown() {
        let info = RunInfo {
            started: chrono::Utc::now(),
            time_scale: 0.1,
            cpus: 2,
            cpu_model: None,
            memory_gib: Some(8.0),
            commit: "abc".into(),
        };
        let metrics = ScheduleMetrics {
            placed: 9,
            placed_weight: 100,
            idle_slots: 2,
            gaps: 1,
            moved: 0,
            objective: 98,
        };
        let outcomes = [
            Outcome {
                name: "broken".into(),
                limit_seconds: 6.0,
                meetings: 0,
                reference: None,
                greedy: None,
                solver: Err("solver exited with 101".into()),
            },
            Outcome {
                name: "fine".into(),
                limit_seconds: 6.0,
                meetings: 10,
                reference: None,
                greedy: Some(GreedyRun {
                    metrics,
                    seconds: 0.1,
                }),
                solver: Ok(SolverRun {
                    status: Status::Feasible,
                    claimed_objective: 98,
                    bound: Some(100),
                    metrics,
                    violations: Vec::new(),
                    seconds: 1.0,
                    peak_mib: Some(30.0),
                }),
            },
        ];
        let text = render_run(&info, &outcomes);
        assert!(text.contains("| broken | 6 s | **failed** |"), "{text}");
        assert!(
            text.contains("| fine | 6 s | feasible | 98 | 100 | 2.00 % |"),
            "{text}"
        );
        assert!(text.contains("scaled by 0.1"), "{text}");
        assert!(!outcomes[0].ok() && outcomes[1].ok());
    }
}
