//! `rendezvous import-dzn`: a forum of the published B2B benchmark (a MiniZinc data file,
//! Bofill et al., JAIR 74 (2022)) as a `rendezvous-problem/1` document.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use rendezvous_solver::Problem;
use rendezvous_solver::b2b::parse_dzn;

use super::BadInput;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The benchmark's data file (nBusiness, nMeetings, nTables, nTotalSlots,
    /// nMorningSlots, requested, forbidden, fixed, …).
    pub file: PathBuf,
    /// Write here instead of stdout.
    #[arg(long, short, value_name = "PROBLEM.json")]
    pub output: Option<PathBuf>,
    /// Indent the JSON.
    #[arg(long)]
    pub pretty: bool,
}

/// Nothing is written unless the whole file is read.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.file.display();
    let bytes = std::fs::read(&args.file).map_err(|err| BadInput(format!("{path}: cannot read: {err}")))?;
    let text = String::from_utf8(bytes).map_err(|err| BadInput(format!("{path}: not UTF-8 text: {err}")))?;
    let mut forum = parse_dzn(&text).map_err(|err| BadInput(format!("{path}: {err}")))?;
    forum.name = args
        .file
        .file_stem()
        .map(|stem| format!("{} (B2B benchmark data file)", stem.to_string_lossy()));
    let doc = forum.to_problem_doc();
    let json = if args.pretty {
        serde_json::to_string_pretty(&doc)
    } else {
        serde_json::to_string(&doc)
    }?;
    // The document is built to be valid; the solver's own reading is the proof.
    Problem::from_json(&json).context("the document written from the data file is not a valid problem")?;
    match &args.output {
        Some(out) => {
            std::fs::write(out, json + "\n").with_context(|| format!("cannot write {}", out.display()))?
        }
        None => println!("{json}"),
    }
    eprintln!(
        "{}: {} participants, {} meetings, {} tables, {} slots ({} in the morning)",
        args.output
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string()),
        forum.participants,
        forum.meetings.len(),
        forum.tables,
        forum.slots,
        forum.morning_slots
    );
    Ok(ExitCode::SUCCESS)
}
