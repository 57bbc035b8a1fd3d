//! `rendezvous solve`: a problem file in, the solution JSON out, live progress on stderr.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rendezvous_solver::{Problem, Progress, Solution, SolutionDoc, SolveOptions, Status};

use super::BadInput;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The rendezvous-problem/1 file to solve. Its optional `max_wait_spread` (fairness:
    /// the waits of any two participants differ by at most that many) is a hard rule that
    /// every phase keeps, like the others.
    pub problem: PathBuf,
    /// Wall-clock budget in seconds; the best schedule found by then is written.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Write the solution here instead of stdout.
    #[arg(long, short, value_name = "SOLUTION.json")]
    pub output: Option<PathBuf>,
    /// Seed for the solver's randomised choices.
    ///
    /// The same problem, seed and --threads give the same schedule, whatever the LP
    /// bound's speed, unless the time limit cuts work short: the annealer's main rounds
    /// are a step count fixed by --time-limit, but its reheats and the neighbourhood
    /// searches run until the deadline, so a run that ends there (every run not proved
    /// optimal sooner) may give another schedule on a slower or busier machine.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Search threads: every problem runs this many annealers side by side (seeds seed,
    /// seed+1, ..., best wins, lowest seed on ties); then small expo problems solve this
    /// many neighbourhood MIPs at a time and merge them, and forums try this many HiGHS
    /// runs at their wait floors at a time. The LP bound has one more thread.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// No progress on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write every progress report to this file, one JSON object per line
    /// (`elapsed_seconds`, `phase`, `incumbent`, `bound`, `gap`): how the objective and
    /// the bound improve over time, as `cargo bench-expo solve` tabulates and plots them.
    #[arg(long, value_name = "FILE.jsonl")]
    pub progress_log: Option<PathBuf>,
}

/// Reads and validates a problem file; any problem with it is [`BadInput`] naming the place.
pub fn read_problem(path: &Path) -> anyhow::Result<Problem> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| BadInput(format!("{}: cannot read: {err}", path.display())))?;
    Problem::from_json(&text).map_err(|err| BadInput(format!("{}: {err}", path.display())).into())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.time_limit.is_finite() && args.time_limit > 0.0) {
        return Err(BadInput(format!(
            "--time-limit must be a positive number of seconds, not {}",
            args.time_limit
        ))
        .into());
    }
    if args.threads == 0 {
        return Err(BadInput("--threads must be at least 1".into()).into());
    }
    let started = Instant::now();
    let problem = read_problem(&args.problem)?;

    let cancel = Arc::new(AtomicBool::new(false));
    stop_on_ctrl_c(Arc::clone(&cancel));
    let options = SolveOptions {
        time_limit: Duration::from_secs_f64(args.time_limit),
        seed: args.seed,
        threads: args.threads,
        cancel: Some(cancel),
    };
    let mut log = match &args.progress_log {
        Some(path) => Some(ProgressLog::create(path)?),
        None => None,
    };
    let mut reporter = Reporter::new(args.quiet);
    let solution = rendezvous_solver::solve(&problem, &options, &mut |p| {
        reporter.update(p);
        if let Some(log) = &mut log {
            log.write(p);
        }
    });
    reporter.finish(&problem, &solution, started.elapsed());
    if let Some(log) = log {
        log.finish()?;
    }

    let mut doc = solution.to_doc(&problem);
    add_run_stats(&mut doc, started.elapsed());
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .context("cannot write the solution to stdout")?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C asks the solver to stop and hand back its best schedule; a second one quits.
fn stop_on_ctrl_c(cancel: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new().name("ctrl-c".into()).spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_io().build() else {
            return;
        };
        runtime.block_on(async {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("stopping: the best schedule so far will be written (Ctrl-C again to quit)");
                cancel.store(true, Ordering::Relaxed);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        });
    });
    // Without the handler Ctrl-C simply ends the process, which is acceptable.
    drop(spawned);
}

/// `--progress-log`: one JSON line per report. The first write error is kept and
/// reported once the solve is over (the solve itself is not interrupted for a log).
struct ProgressLog {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    error: Option<std::io::Error>,
}

impl ProgressLog {
    fn create(path: &Path) -> anyhow::Result<Self> {
        let file = std::fs::File::create(path)
            .map_err(|err| BadInput(format!("--progress-log {}: cannot create: {err}", path.display())))?;
        Ok(Self {
            path: path.to_path_buf(),
            out: std::io::BufWriter::new(file),
            error: None,
        })
    }

    fn write(&mut self, progress: &Progress) {
        if self.error.is_some() {
            return;
        }
        let written = serde_json::to_writer(&mut self.out, progress)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"));
        self.error = written.err();
    }

    fn finish(mut self) -> anyhow::Result<()> {
        let flushed = match self.error.take() {
            Some(err) => Err(err),
            None => self.out.flush(),
        };
        flushed.with_context(|| format!("cannot write the progress log {}", self.path.display()))
    }
}

/// Live progress: a spinner line on a terminal, a plain line per update otherwise.
struct Reporter {
    bar: Option<ProgressBar>,
    /// Stderr is not a terminal: one line per update.
    plain: bool,
    quiet: bool,
}

impl Reporter {
    fn new(quiet: bool) -> Self {
        if quiet {
            return Self {
                bar: None,
                plain: false,
                quiet,
            };
        }
        if !std::io::stderr().is_terminal() {
            return Self {
                bar: None,
                plain: true,
                quiet,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("reading the problem");
        Self {
            bar: Some(bar),
            plain: false,
            quiet,
        }
    }

    fn update(&mut self, progress: &Progress) {
        let line = progress_line(progress);
        if let Some(bar) = &self.bar {
            bar.set_message(line);
        } else if self.plain {
            eprintln!("{line}");
        }
    }

    fn finish(&mut self, problem: &Problem, solution: &Solution, elapsed: Duration) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if !self.quiet {
            eprintln!("{}", summary_line(problem, solution, elapsed));
        }
    }
}

fn progress_line(progress: &Progress) -> String {
    let bound = progress.bound.map_or_else(|| "-".to_string(), |b| b.to_string());
    let gap = progress
        .gap()
        .map_or_else(|| "-".to_string(), |g| format!("{:.2} %", 100.0 * g));
    format!(
        "{:>7.1} s  {:<12} incumbent {:>9}  bound {:>9}  gap {:>8}",
        progress.elapsed.as_secs_f64(),
        progress.phase,
        progress.incumbent,
        bound,
        gap
    )
}

fn summary_line(problem: &Problem, solution: &Solution, elapsed: Duration) -> String {
    let status = match solution.status {
        Status::Optimal => "optimal",
        Status::Feasible => "feasible",
        Status::Infeasible => "infeasible",
    };
    let bound = solution
        .bound
        .map_or_else(|| "unknown".to_string(), |b| b.to_string());
    format!(
        "{status}: objective {}, bound {bound}, {} of {} meetings held, {:.1} s",
        solution.objective,
        solution.schedule.placed(),
        problem.meetings.len(),
        elapsed.as_secs_f64()
    )
}

/// Adds the run's wall time and peak memory to the solver's own statistics.
fn add_run_stats(doc: &mut SolutionDoc, elapsed: Duration) {
    let stats = doc.stats.get_or_insert_with(|| serde_json::json!({}));
    stats["seconds"] = serde_json::json!((elapsed.as_secs_f64() * 1000.0).round() / 1000.0);
    if let Some(mib) = peak_rss_mib() {
        stats["peak_rss_mib"] = serde_json::json!(mib);
    }
}

/// Peak resident memory of this process (VmHWM), in MiB rounded to 0.1; Linux only.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use rendezvous_solver::Phase;

    use super::*;

    #[test]
    fn peak_rss_is_read_from_proc() {
        let mib = peak_rss_mib().expect("VmHWM in /proc/self/status");
        assert!(mib > 0.0, "{mib}");
    }

    #[test]
    fn progress_line_shows_gap_in_percent() {
        let line = progress_line(&Progress {
            incumbent: 90,
            bound: Some(100),
            elapsed: Duration::from_millis(1500),
            phase: Phase::Mip,
        });
        assert!(line.contains("10.00 %"), "{line}");
        assert!(line.contains("incumbent        90"), "{line}");
        let line = progress_line(&Progress {
            incumbent: 5,
            bound: None,
            elapsed: Duration::ZERO,
            phase: Phase::Construct,
        });
        assert!(line.contains("bound         -"), "{line}");
    }
}
