//! `rendezvous generate --late-changes`: a solved problem with a batch of late changes,
//! for the warm re-solve (the batch itself is drawn by `sample::late_changes`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rendezvous_solver::ProblemDoc;

use super::BadInput;
use crate::sample::{LateSpec, late_changes};

/// The flags of `generate --late-changes`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LateArgs {
    /// Write a late-change batch instead of a new problem: the --from problem with the
    /// --solution's placements as `current`, then --share percent of the participants away
    /// for a half-day, of the tables out of use, and of the meetings as new requests.
    #[arg(
        long,
        requires_all = ["from", "solution"],
        conflicts_with_all = ["preset", "participants", "meetings", "tables", "expo"]
    )]
    pub late_changes: bool,
    /// The rendezvous-problem/1 file the batch changes.
    #[arg(long, value_name = "PROBLEM.json", requires = "late_changes")]
    pub from: Option<PathBuf>,
    /// A rendezvous-solution/1 file of --from: the published timetable.
    #[arg(long, value_name = "SOLUTION.json", requires = "late_changes")]
    pub solution: Option<PathBuf>,
    /// Percent of participants, tables and meetings each kind of change touches.
    #[arg(long, value_name = "PERCENT", requires = "late_changes")]
    pub share: Option<f64>,
}

/// Reads the problem and its solution, draws the batch and writes the late problem.
pub fn run(
    args: &LateArgs,
    seed: Option<u64>,
    output: Option<&Path>,
    pretty: bool,
) -> anyhow::Result<ExitCode> {
    let (Some(from), Some(solution_path)) = (&args.from, &args.solution) else {
        return Err(
            BadInput("--late-changes needs --from PROBLEM.json and --solution SOLUTION.json".into()).into(),
        );
    };
    let text = read(from)?;
    let problem: ProblemDoc =
        serde_json::from_str(&text).map_err(|err| BadInput(format!("{}: {err}", from.display())))?;
    let solution = rendezvous_solver::parse_solution(&read(solution_path)?)
        .map_err(|err| BadInput(format!("{}: {err}", solution_path.display())))?;
    let defaults = LateSpec::default();
    let spec = LateSpec {
        seed: seed.unwrap_or(defaults.seed),
        share_percent: args.share.unwrap_or(defaults.share_percent),
    };
    let (late, changes) = late_changes(&problem, &solution, &spec).map_err(|err| {
        // Fields of the solution are named after its file; the others are flags.
        match err.field.strip_prefix("solution.") {
            Some(_) => BadInput(format!("{}: {err}", solution_path.display())),
            None if err.field == "problem" => BadInput(format!("{}: {}", from.display(), err.message)),
            None => BadInput(format!("--{err}")),
        }
    })?;
    let mut json = if pretty {
        serde_json::to_string_pretty(&late)?
    } else {
        serde_json::to_string(&late)?
    };
    json.push('\n');
    match output {
        Some(path) => {
            std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes())
                .context("cannot write the problem to stdout")?;
            out.flush()?;
        }
    }
    let published = late.meetings.iter().filter(|m| m.current.is_some()).count();
    let untouched = late.meetings.iter().filter(|m| changes.untouched(m)).count();
    eprintln!(
        "{}: {published} published meetings ({untouched} untouched), {} participants away a half-day, {} tables out of use, {} new meetings, seed {}, share {} %",
        output.map_or_else(|| "stdout".to_string(), |p| p.display().to_string()),
        changes.participants.len(),
        changes.rooms.len(),
        changes.new_meetings.len(),
        spec.seed,
        spec.share_percent
    );
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|err| BadInput(format!("{}: cannot read: {err}", path.display())).into())
}
