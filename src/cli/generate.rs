//! `rendezvous generate`: a synthetic Smart City Expo problem of any size.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::BadInput;
use crate::sample::{Expo, PRESETS, SampleSpec, forum_look_alike};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A named size: demo, tiny, s, m, l (the public instances' sizes) or xl (80,000
    /// meetings, 20,000 participants, 2,500 tables). The flags below override its numbers.
    /// Or `forum`: a look-alike of the published B2B benchmark's forums (Bofill et al.,
    /// JAIR 2022), its sizes drawn from the seed, every meeting to be held.
    #[arg(long)]
    pub preset: Option<String>,
    /// With `--preset forum`: pin this share of the meetings (0–100 %) to their slot in a
    /// schedule that holds every meeting, so the forum stays feasible.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub pins: Option<u8>,
    /// With `--preset forum`: the fairness rule, any two participants' waits differing by
    /// at most this many (`max_wait_spread` in the problem; the benchmark's variant is 2).
    #[arg(long, value_name = "D")]
    pub max_wait_spread: Option<u32>,
    /// Number of participants.
    #[arg(long)]
    pub participants: Option<usize>,
    /// Number of meetings (accepted requests).
    #[arg(long)]
    pub meetings: Option<usize>,
    /// Number of two- and four-seat tables (a few equipped rooms come on top).
    #[arg(long)]
    pub tables: Option<usize>,
    /// Same seed, same problem (default: the preset's, else 1); with --late-changes, same
    /// batch (default 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write here instead of stdout.
    #[arg(long, short, value_name = "PROBLEM.json")]
    pub output: Option<PathBuf>,
    /// Indent the JSON.
    #[arg(long)]
    pub pretty: bool,
    /// Write the whole sample (profiles, rooms, requests of every status) instead of the
    /// rendezvous-problem/1 document.
    #[arg(long)]
    pub expo: bool,
    #[command(flatten)]
    pub late: super::late_changes::LateArgs,
}

impl Args {
    /// The sample size these flags ask for.
    pub fn spec(&self) -> Result<SampleSpec, BadInput> {
        let base = match &self.preset {
            Some(name) => Some(SampleSpec::preset(name).ok_or_else(|| {
                let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
                BadInput(format!(
                    "--preset: unknown preset {name:?} (one of {}, {FORUM})",
                    names.join(", ")
                ))
            })?),
            None => None,
        };
        let size = |flag: &str, given: Option<usize>, preset: Option<usize>| {
            given
                .or(preset)
                .ok_or_else(|| BadInput(format!("--{flag} is required without --preset")))
        };
        let spec = SampleSpec {
            participants: size("participants", self.participants, base.map(|b| b.participants))?,
            meetings: size("meetings", self.meetings, base.map(|b| b.meetings))?,
            tables: size("tables", self.tables, base.map(|b| b.tables))?,
            seed: self.seed.or(base.map(|b| b.seed)).unwrap_or(1),
        };
        spec.validate().map_err(|err| BadInput(format!("--{err}")))?;
        Ok(spec)
    }
}

/// The preset that writes a forum look-alike instead of an expo.
const FORUM: &str = "forum";

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.preset.as_deref() == Some(FORUM) && !args.late.late_changes {
        return run_forum(&args);
    }
    if args.pins.is_some() {
        return Err(BadInput("--pins: only with --preset forum".to_string()).into());
    }
    if args.max_wait_spread.is_some() {
        return Err(BadInput("--max-wait-spread: only with --preset forum".to_string()).into());
    }
    if args.late.late_changes {
        return super::late_changes::run(&args.late, args.seed, args.output.as_deref(), args.pretty);
    }
    let spec = args.spec()?;
    let started = Instant::now();
    let expo = Expo::generate(&spec).map_err(|err| BadInput(format!("--{err}")))?;
    let (rooms, meetings) = (expo.rooms.len(), expo.accepted().count());
    match &args.output {
        Some(path) => {
            let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            write(BufWriter::new(file), expo, &args)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => write(BufWriter::new(std::io::stdout().lock()), expo, &args)
            .context("cannot write the problem to stdout")?,
    }
    let target = args
        .output
        .as_ref()
        .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    eprintln!(
        "{target}: {} participants, {meetings} meetings, {rooms} rooms ({} tables), seed {}, in {:.1} s",
        spec.participants,
        spec.tables,
        spec.seed,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--preset forum`: its sizes come from the seed, so the size flags are refused.
fn run_forum(args: &Args) -> anyhow::Result<ExitCode> {
    for (flag, given) in [
        ("participants", args.participants.is_some()),
        ("meetings", args.meetings.is_some()),
        ("tables", args.tables.is_some()),
        ("expo", args.expo),
    ] {
        if given {
            return Err(BadInput(format!(
                "--{flag}: not with --preset forum (its sizes come from --seed)"
            ))
            .into());
        }
    }
    let (seed, pins) = (args.seed.unwrap_or(1), args.pins.unwrap_or(0));
    let forum = forum_look_alike(seed, pins);
    let mut doc = forum.to_problem_doc();
    doc.max_wait_spread = args.max_wait_spread;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    to_writer(&mut out, &doc, args.pretty)?;
    out.write_all(b"\n")?;
    out.flush()?;
    let pinned = forum.meetings.iter().filter(|m| m.fixed.is_some()).count();
    eprintln!(
        "forum: {} participants, {} meetings ({pinned} pinned), {} tables, {} slots ({} in the morning), seed {seed}",
        forum.participants,
        forum.meetings.len(),
        forum.tables,
        forum.slots,
        forum.morning_slots
    );
    Ok(ExitCode::SUCCESS)
}

/// Streams the JSON out; the sample is dropped as soon as the problem is built from it.
fn write<W: Write>(mut out: W, expo: Expo, args: &Args) -> anyhow::Result<()> {
    if args.expo {
        to_writer(&mut out, &expo, args.pretty)?;
    } else {
        let doc = expo.to_problem_doc()?;
        drop(expo);
        to_writer(&mut out, &doc, args.pretty)?;
    }
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn to_writer<W: Write, T: serde::Serialize>(out: W, value: &T, pretty: bool) -> serde_json::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(out, value)
    } else {
        serde_json::to_writer(out, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(preset: Option<&str>, participants: Option<usize>) -> Args {
        Args {
            preset: preset.map(String::from),
            participants,
            meetings: Some(100),
            tables: Some(10),
            seed: None,
            pins: None,
            max_wait_spread: None,
            output: None,
            pretty: false,
            expo: false,
            late: Default::default(),
        }
    }

    #[test]
    fn preset_numbers_can_be_overridden() {
        let spec = args(Some("xl"), None).spec().unwrap();
        assert_eq!((spec.participants, spec.meetings, spec.tables), (20_000, 100, 10));
        let spec = Args {
            meetings: None,
            tables: None,
            ..args(Some("xl"), None)
        }
        .spec()
        .unwrap();
        assert_eq!(
            (spec.participants, spec.meetings, spec.tables),
            (20_000, 80_000, 2_500)
        );
    }

    #[test]
    fn missing_or_bad_sizes_are_named() {
        let err = args(None, None).spec().unwrap_err();
        assert!(err.0.contains("--participants"), "{err}");
        let err = args(Some("huge"), None).spec().unwrap_err();
        assert!(err.0.contains("--preset") && err.0.contains("xl"), "{err}");
        let err = args(None, Some(1)).spec().unwrap_err();
        assert!(err.0.starts_with("--participants"), "{err}");
    }
}
