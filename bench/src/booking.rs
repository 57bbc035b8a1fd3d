//! `rendezvous-bench booking`: what bookings cost on a published expo. A generated expo (the
//! `xl` sample by default) is loaded, scheduled by a short solve and published; then, through
//! one node's router (no sockets):
//! - the live timetable's build: the first agenda read after a change rebuilds the event's
//!   resolved timetable on that node (timed over `--rounds` changes);
//! - bookings one after another: a pending request's free slots listed, then accepted at
//!   the first, and an uninvolved participant's agenda read right after (its cache emptied by
//!   the new revision);
//! - fifty accepts at once, of fifty different requests, each at its own free slot.
//!
//! Wall-clock figures: they move with whatever else runs on the machine (say so with them).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use rendezvous::cli::BadInput;
use rendezvous::domain::RequestStatus;
use rendezvous::sample::SampleSpec;

use crate::published::{PublishedExpo, send};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset to load.
    #[arg(long, default_value = "xl", value_name = "PRESET")]
    pub preset: String,
    /// Database to load it into (default: a fresh SQLite file).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Bookings made one after another (each with an agenda read after it).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Seconds the solver gets before the publish.
    #[arg(long, default_value_t = 20)]
    pub solve_seconds: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The p-th percentile (0–100) of `samples`, in ms.
pub(crate) fn percentile(samples: &[Duration], p: usize) -> f64 {
    let mut sorted: Vec<Duration> = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len().saturating_sub(1)) * p).div_ceil(100);
    sorted.get(index).copied().map_or(0.0, ms)
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let published =
        PublishedExpo::new(&spec, "booking", args.database_url.clone(), args.solve_seconds).await?;
    let PublishedExpo {
        expo,
        store,
        event,
        tokens,
        node,
        ..
    } = &published;
    let token_of = |id: &str| tokens.iter().find(|(p, _)| p == id).map(|(_, t)| t.clone());
    // Pending requests, each with its first invitee's token.
    let pending: Vec<(String, String)> = store
        .requests(event, None)
        .await?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Pending && r.invitees.len() == 1)
        .filter_map(|r| Some((r.id.clone(), token_of(&r.invitees[0].participant)?)))
        .collect();
    anyhow::ensure!(
        pending.len() > args.rounds + 50,
        "the sample has only {} pending requests",
        pending.len()
    );
    let (reader, reader_token) = tokens[0].clone();
    let agenda = format!("/api/v1/events/{event}/participants/{reader}/agenda");

    let started = Instant::now();
    let (status, _) = send(node, "GET", &agenda, &reader_token, None).await?;
    anyhow::ensure!(status == 200, "agenda: {status}");
    let first_build = started.elapsed();

    let (mut listing, mut booking, mut reading) = (Vec::new(), Vec::new(), Vec::new());
    let mut booked = 0;
    for (request, token) in pending.iter().take(args.rounds) {
        let at = Instant::now();
        let (_, free) = send(
            node,
            "GET",
            &format!("/api/v1/events/{event}/requests/{request}/slots"),
            token,
            None,
        )
        .await?;
        listing.push(at.elapsed());
        let Some(slot) = free
            .as_array()
            .and_then(|f| f.first())
            .and_then(|f| f["slot"].as_str())
        else {
            continue;
        };
        let at = Instant::now();
        let (status, _) = send(
            node,
            "POST",
            &format!("/api/v1/events/{event}/requests/{request}/accept"),
            token,
            Some(serde_json::json!({"slot": slot})),
        )
        .await?;
        booking.push(at.elapsed());
        booked += usize::from(status == 200);
        let at = Instant::now();
        let (status, _) = send(node, "GET", &agenda, &reader_token, None).await?;
        anyhow::ensure!(status == 200, "agenda: {status}");
        reading.push(at.elapsed());
    }
    let at = Instant::now();
    let (status, _) = send(node, "GET", &agenda, &reader_token, None).await?;
    anyhow::ensure!(status == 200);
    let cached = at.elapsed();

    // Fifty at once: each request's own first free slot.
    let mut racers = Vec::new();
    for (request, token) in pending.iter().skip(args.rounds).take(50) {
        let (_, free) = send(
            node,
            "GET",
            &format!("/api/v1/events/{event}/requests/{request}/slots"),
            token,
            None,
        )
        .await?;
        if let Some(slot) = free
            .as_array()
            .and_then(|f| f.first())
            .and_then(|f| f["slot"].as_str())
        {
            racers.push((request.clone(), token.clone(), slot.to_owned()));
        }
    }
    let paths: Vec<String> = racers
        .iter()
        .map(|(request, _, _)| format!("/api/v1/events/{event}/requests/{request}/accept"))
        .collect();
    let at = Instant::now();
    let outcomes = futures::future::join_all(racers.iter().zip(&paths).map(|((_, token, slot), path)| {
        send(node, "POST", path, token, Some(serde_json::json!({"slot": slot})))
    }))
    .await;
    let burst = at.elapsed();
    let won = outcomes
        .iter()
        .filter(|o| o.as_ref().is_ok_and(|(s, _)| *s == 200))
        .count();
    let refused = outcomes
        .iter()
        .filter(|o| o.as_ref().is_ok_and(|(s, _)| *s == 409))
        .count();

    let backend = published.backend();
    println!(
        "Bookings on the `{}` sample ({} participants, {} accepted meetings, {} pending), {backend}, one node, \
         through the router (no sockets), release build; wall-clock, machine shared.\n",
        args.preset,
        expo.participants.len(),
        expo.accepted().count(),
        pending.len()
    );
    println!("| what | n | p50 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| first agenda read after the publish (whole-event build) | 1 | {:.0} ms | | |",
        ms(first_build)
    );
    for (name, samples) in [
        ("free slots of a pending request", &listing),
        ("accept at a slot (booked)", &booking),
        (
            "an uninvolved agenda read right after a booking (rebuild)",
            &reading,
        ),
    ] {
        println!(
            "| {name} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            samples.len(),
            percentile(samples, 50),
            percentile(samples, 99),
            samples.iter().max().copied().map_or(0.0, ms)
        );
    }
    println!(
        "| the same agenda read again (cached) | 1 | {:.2} ms | | |",
        ms(cached)
    );
    println!(
        "\n{booked} of {} sequential accepts booked. {} accepts at once: {won} booked, {refused} refused (409, slot taken \
         meanwhile), in {:.0} ms ({:.0} accepts/s).",
        booking.len(),
        racers.len(),
        ms(burst),
        racers.len() as f64 / burst.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
