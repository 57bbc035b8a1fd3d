//! The product's `rendezvous solve` in a child process: which binary, how it was built, and
//! what the child used — wall clock, and peak memory as the kernel reports it to the parent.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use wait4::Wait4 as _;

/// The `rendezvous` binary the benchmark runs, and the cargo profile it was built with.
pub struct Solver {
    pub path: PathBuf,
    /// `release`, `dev`, … — `None` when the binary is not in a cargo target directory.
    pub profile: Option<String>,
}

impl Solver {
    /// `explicit`, else the `rendezvous` that cargo puts next to this binary (one directory
    /// per profile holds every binary of the workspace). Started by cargo (`cargo bench-expo`)
    /// it is built first, with this binary's profile, so it never lags behind the source.
    pub fn locate(explicit: Option<PathBuf>) -> anyhow::Result<Self> {
        if let Some(path) = explicit {
            anyhow::ensure!(path.is_file(), "--rendezvous {}: no such file", path.display());
            return Ok(Self {
                profile: cargo_profile(&path),
                path,
            });
        }
        let own = std::env::current_exe().context("cannot find this binary")?;
        let path = own.with_file_name(format!("rendezvous{}", std::env::consts::EXE_SUFFIX));
        let profile = cargo_profile(&own);
        if let (Some(cargo), Some(profile)) = (std::env::var_os("CARGO"), &profile) {
            build(Path::new(&cargo), profile)?;
        }
        anyhow::ensure!(
            path.is_file(),
            "{} not found: build it (`cargo build --release -p rendezvous`) or pass --rendezvous",
            path.display()
        );
        Ok(Self { path, profile })
    }
}

/// The profile of a binary in a cargo target directory: the directory's name (`debug` is
/// the `dev` profile's). Cargo keeps its lock file in every profile directory.
fn cargo_profile(binary: &Path) -> Option<String> {
    let dir = binary.parent()?;
    if !dir.join(".cargo-lock").exists() {
        return None;
    }
    let name = dir.file_name()?.to_str()?;
    Some(if name == "debug" { "dev" } else { name }.to_string())
}

/// `cargo build` of the product binary; a no-op when it is up to date.
fn build(cargo: &Path, profile: &str) -> anyhow::Result<()> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    eprintln!("bench: building rendezvous ({profile} profile)");
    let status = Command::new(cargo)
        .args([
            "build",
            "--locked",
            "--profile",
            profile,
            "-p",
            "rendezvous",
            "--bin",
            "rendezvous",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .status()
        .context("cannot run cargo")?;
    anyhow::ensure!(status.success(), "cargo build of rendezvous failed ({status})");
    Ok(())
}

/// The `rendezvous solve` options the benchmark passes on, so the report can say them.
#[derive(Debug, Clone, Copy)]
pub struct SolveSettings {
    pub time_limit: f64,
    pub seed: u64,
    pub threads: u32,
}

/// What the child used.
#[derive(Debug)]
pub struct ChildRun {
    pub seconds: f64,
    /// Peak resident set of the child over its whole life, writing the solution included
    /// (`wait4`'s maxrss); `None` where the platform does not report it.
    pub peak_mib: Option<f64>,
    /// The child's `--progress-log`: its objective and bound over time.
    pub progress_log: PathBuf,
}

/// Runs `rendezvous solve` on `problem`; an exit status other than success is an error
/// carrying the child's error line. Kills the child when it overruns its limit by far.
/// Its progress reports go to a JSON-lines file beside `log` ([`ChildRun::progress_log`]).
pub fn solve_in_child(
    solver: &Solver,
    problem: &Path,
    settings: SolveSettings,
    output: &Path,
    log: &Path,
) -> Result<ChildRun, String> {
    let log_file =
        std::fs::File::create(log).map_err(|err| format!("cannot create {}: {err}", log.display()))?;
    let _ = std::fs::remove_file(output);
    let progress_log = log.with_extension("progress.jsonl");
    let clock = Instant::now();
    let mut child = Command::new(&solver.path)
        .arg("solve")
        .arg(problem)
        .arg("--time-limit")
        .arg(format!("{}", settings.time_limit))
        .arg("--seed")
        .arg(settings.seed.to_string())
        .arg("--threads")
        .arg(settings.threads.to_string())
        .arg("--output")
        .arg(output)
        .arg("--progress-log")
        .arg(&progress_log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", solver.path.display()))?;
    let deadline = Duration::from_secs_f64(settings.time_limit * 2.0 + 60.0);
    let usage = loop {
        match child.try_wait4() {
            Ok(Some(usage)) => break usage,
            Ok(None) if clock.elapsed() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "still running after {:.0} s (limit {:.1} s): killed",
                    deadline.as_secs_f64(),
                    settings.time_limit
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(err) => return Err(format!("cannot wait for the solver: {err}")),
        }
    };
    let seconds = clock.elapsed().as_secs_f64();
    if !usage.status.success() {
        return Err(format!(
            "solver exited with {}: {}",
            usage.status,
            error_line(&std::fs::read_to_string(log).unwrap_or_default())
        ));
    }
    Ok(ChildRun {
        seconds,
        peak_mib: (usage.rusage.maxrss > 0).then(|| usage.rusage.maxrss as f64 / (1024.0 * 1024.0)),
        progress_log,
    })
}

/// The line of a failed child's log that says most: its error line (clap's usage hint or a
/// progress line comes after it), else its last line.
fn error_line(log: &str) -> &str {
    let lines: Vec<&str> = log.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines
        .iter()
        .find(|l| l.starts_with("error"))
        .or(lines.last())
        .copied()
        .unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_line_is_picked_from_the_log() {
        let log = "  1.0 s construct incumbent 5\nerror: pub-x.json: bad slot\n\nUsage: rendezvous solve\n";
        assert_eq!(error_line(log), "error: pub-x.json: bad slot");
        assert_eq!(
            error_line("killed by the OOM killer\n"),
            "killed by the OOM killer"
        );
        assert_eq!(error_line(""), "no message");
    }

    #[test]
    fn a_binary_outside_a_target_directory_has_no_profile() {
        let dir = tempfile::tempdir().unwrap();
        let release = dir.path().join("release");
        std::fs::create_dir(&release).unwrap();
        assert_eq!(cargo_profile(&release.join("rendezvous")), None);
        std::fs::write(release.join(".cargo-lock"), "").unwrap();
        assert_eq!(
            cargo_profile(&release.join("rendezvous")).as_deref(),
            Some("release")
        );
        let debug = dir.path().join("debug");
        std::fs::create_dir(&debug).unwrap();
        std::fs::write(debug.join(".cargo-lock"), "").unwrap();
        assert_eq!(cargo_profile(&debug.join("rendezvous")).as_deref(), Some("dev"));
    }
}
