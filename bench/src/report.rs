//! The report: one markdown section per run (machine, commit, a row per instance), newest
//! first below the explanation of `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use rendezvous_solver::Status;

use crate::child::SolveSettings;
use crate::greedy::ScheduleMetrics;
use crate::progress::{Series, Trace, render_table};
use crate::references::Reference;

/// What the solver's solution achieves, as verified here.
pub struct SolverRun {
    pub status: Status,
    pub claimed_objective: i64,
    pub bound: Option<i64>,
    pub metrics: ScheduleMetrics,
    /// Broken rules the independent checker found in the solution (empty: valid).
    pub violations: Vec<String>,
    pub seconds: f64,
    /// Measured by the bench when the child exited (see [`crate::child::ChildRun`]).
    pub peak_mib: Option<f64>,
    /// Its objective and bound over time (empty when the log could not be read).
    pub trace: Trace,
}

pub struct GreedyRun {
    pub metrics: ScheduleMetrics,
    pub seconds: f64,
}

/// One instance of a run: the settings its solve got, and what came of it.
pub struct Outcome {
    pub name: String,
    pub settings: SolveSettings,
    pub meetings: usize,
    pub reference: Option<Reference>,
    pub greedy: Option<GreedyRun>,
    /// The verified solution, or why there is none (the child failed, timed out, wrote
    /// nothing readable).
    pub solver: Result<SolverRun, String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.solver.as_ref().is_ok_and(|run| run.violations.is_empty())
    }
}

/// Where and when the run happened, and with which build.
pub struct RunInfo {
    pub started: chrono::DateTime<chrono::Utc>,
    pub time_scale: f64,
    pub cpus: usize,
    pub cpu_model: Option<String>,
    pub memory_gib: Option<f64>,
    pub commit: String,
    /// The cargo profile of the `rendezvous` binary that solved (`None`: not known).
    pub profile: Option<String>,
}

impl RunInfo {
    pub fn collect(started: chrono::DateTime<chrono::Utc>, time_scale: f64, profile: Option<String>) -> Self {
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
            profile,
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
pub fn thousands(n: i64) -> String {
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

/// CPUs, their model, memory and the load average when the run ended.
pub fn machine_line(info: &RunInfo) -> String {
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let parts: Vec<&str> = l.split_whitespace().take(3).collect();
            (parts.len() == 3).then(|| format!(", load average {} (1, 5, 15 min)", parts.join(" ")))
        })
        .unwrap_or_default();
    format!(
        "{} CPU{}{}, {}{load}",
        info.cpus,
        if info.cpus == 1 { "" } else { "s" },
        info.cpu_model
            .as_ref()
            .map_or(String::new(), |m| format!(" ({m})")),
        info.memory_gib
            .map_or("memory unknown".into(), |g| format!("{g:.1} GiB memory")),
    )
}

/// The markdown section for one run.
/// The solved outcomes' traces, for the time-to-quality table and plot.
pub fn progress_series(outcomes: &[Outcome]) -> Vec<Series<'_>> {
    outcomes
        .iter()
        .filter_map(|o| {
            let run = o.solver.as_ref().ok().filter(|r| !r.trace.0.is_empty())?;
            Some(Series {
                name: &o.name,
                greedy: o.greedy.as_ref()?.metrics.objective,
                limit: o.settings.time_limit,
                trace: &run.trace,
            })
        })
        .collect()
}

/// The run's section of BENCHMARKS.md; `plot` is the time-to-quality SVG's path relative
/// to the report, when one was written.
pub fn render_run(info: &RunInfo, outcomes: &[Outcome], plot: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Run of {}", info.started.format("%Y-%m-%d %H:%M UTC"));
    let _ = writeln!(out);
    let _ = writeln!(out, "- machine: {}", machine_line(info));
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
         idle slots | waits | time | peak memory | seed | threads | build | valid |"
    );
    let _ = writeln!(
        out,
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
    );
    let build = info.profile.as_deref().unwrap_or("unknown");
    for o in outcomes {
        let SolveSettings {
            time_limit,
            seed,
            threads,
        } = o.settings;
        let limit = if time_limit.fract() == 0.0 {
            format!("{time_limit:.0} s")
        } else {
            format!("{time_limit:.1} s")
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
                    "| {} | {limit} | {status} | {objective} | {} | {} | {} | {}/{} | {} | {} | {:.1} s | {} | {seed} | {threads} | {build} | {valid} |",
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
                    "| {} | {limit} | **failed** | – | – | – | – | – | – | – | – | – | {seed} | {threads} | {build} | {} |",
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
    let series = progress_series(outcomes);
    if !series.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Time to quality (from each solve's progress reports; seconds of the solve, reading the \
             problem not included): objective ÷ greedy's, and in brackets the gap to the bound known then."
        );
        let _ = writeln!(out);
        out.push_str(&render_table(&series));
        if let Some(plot) = plot {
            let _ = writeln!(out);
            let _ = writeln!(out, "![objective and bound ÷ greedy against seconds]({plot})");
        }
    }
    out
}

/// The line that separates the explanation from the runs.
const RUNS_MARKER: &str = "<!-- runs: newest first; `cargo bench-expo solve` adds one above the others -->";
/// The same line in reports written when the bench was `rendezvous bench`.
const OLD_RUNS_MARKER: &str = "<!-- runs: newest first; `rendezvous bench` adds one above the others -->";

const HEADER: &str = "# Benchmarks

`cargo bench-expo solve` (the `rendezvous-bench` crate) solves every problem of
`shared/instances/` (and, with `--generated xl`, a generated whole-expo problem: 20,000
participants, 80,000 meetings, 2,500 tables, 290 s) with the product's `rendezvous solve` in a
child process, then verifies the solution and recomputes its figures itself. Each run below
says where and when it ran; compare numbers within one run only (these machines are shared and
noisy).

- **objective**: placed weight − idle slots − waits − moves, as `solver-format.md` defines it,
  recomputed from the schedule. **bound**: the solver's own proved upper bound.
- **gap to own bound** / **gap to LP bound**: (bound − objective) / bound. The LP bound is the
  reference table's relaxation of the placed weight: no schedule can score above it.
- **placed**: meetings held / meetings. **idle slots** and **waits**: slots a participant
  spends waiting between two meetings of a session, and the number of such waits.
- **time**: wall clock of the child process; **peak memory**: its peak resident set over its
  whole life, writing the solution included, as the kernel reports it to the bench when the
  child exits (`wait4`; runs before 2026-12-01: the child's VmHWM before writing).
- **seed**, **threads**: the `rendezvous solve` options the bench passed; **build**: the cargo
  profile of that `rendezvous` binary (older runs say them in their notes).
- A solve that exits with an error, or runs far past its limit, is a **failed** row and the
  bench exits with status 1.
- **greedy, this run**: first-come-first-served on the same machine — meetings by weight, each
  at the earliest free slot and smallest free table. The reference columns are copied by the
  bench from `shared/instances/README.md` (OR-Tools CP-SAT, 2 workers, the same limits).

Reproduce: `cargo bench-expo solve --instances ../shared/instances` (builds `rendezvous` and
the bench in release; `--only pub-s`, `--time-scale 0.1` for a quick check, `--generated xl`
for the whole expo, `--seed`, `--threads`).
";

/// The report with `section` as its newest run, keeping the runs of `previous`.
pub fn merge_report(previous: Option<&str>, section: &str) -> String {
    let older = previous
        .and_then(|text| {
            text.split_once(RUNS_MARKER)
                .or_else(|| text.split_once(OLD_RUNS_MARKER))
        })
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

    #[test]
    fn numbers_print_with_separators() {
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
        // Runs written before the bench left the product binary are kept too.
        let old = format!("# Benchmarks\n\n{OLD_RUNS_MARKER}\n\n## Run Z\n");
        let third = merge_report(Some(&old), "## Run C\n");
        assert!(
            third.contains("## Run Z") && third.contains(RUNS_MARKER),
            "{third}"
        );
        assert!(!third.contains(OLD_RUNS_MARKER), "{third}");
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
            profile: Some("release".into()),
        };
        let metrics = ScheduleMetrics {
            placed: 9,
            placed_weight: 100,
            idle_slots: 2,
            gaps: 1,
            moved: 0,
            objective: 98,
        };
        let settings = SolveSettings {
            time_limit: 6.0,
            seed: 7,
            threads: 2,
        };
        let outcomes = [
            Outcome {
                name: "broken".into(),
                settings,
                meetings: 0,
                reference: None,
                greedy: None,
                solver: Err("solver exited with 101".into()),
            },
            Outcome {
                name: "fine".into(),
                settings,
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
                    trace: Trace(vec![crate::progress::Point {
                        seconds: 0.5,
                        incumbent: 98,
                        bound: Some(100),
                    }]),
                }),
            },
        ];
        let text = render_run(&info, &outcomes, Some("benchmarks/p.svg"));
        assert!(text.contains("| broken | 6 s | **failed** |"), "{text}");
        assert!(
            text.contains("| 7 | 2 | release | solver exited with 101 |"),
            "{text}"
        );
        assert!(
            text.contains("| 1.0 s | 30 MiB | 7 | 2 | release | yes |"),
            "{text}"
        );
        assert!(
            text.contains("| fine | 6 s | feasible | 98 | 100 | 2.00 % |"),
            "{text}"
        );
        assert!(text.contains("scaled by 0.1"), "{text}");
        // The greedy's metrics are the ones above: 98 / 98 at 1 s, the bound 2 % above.
        assert!(text.contains("| fine | 98 | 1.0000× (2.00 %) |"), "{text}");
        assert!(text.contains("](benchmarks/p.svg)"), "{text}");
        assert!(!outcomes[0].ok() && outcomes[1].ok());
    }
}
