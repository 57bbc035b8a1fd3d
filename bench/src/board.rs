//! `rendezvous-bench board`: the server time of the organiser's timetable board. A generated
//! expo (2,000 accepted meetings by default) is loaded, scheduled by a short solve and
//! published; the organiser signs in and every window of the board (each day, each page of
//! twenty rooms, the draft and the live timetable) is rendered through one node's router (no
//! sockets, so the time is the server's alone), twice.
//!
//! Wall-clock figures: they move with whatever else runs on the machine (say so with them).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use tower::ServiceExt as _;

use rendezvous::app::App;
use rendezvous::cli::BadInput;
use rendezvous::sample::SampleSpec;

use crate::booking::{ms, percentile};
use crate::published::{PublishedExpo, sign_in};

/// Rooms on one page of the board (the page's own constant).
const ROOMS_PER_PAGE: usize = 20;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Participants of the generated expo.
    #[arg(long, default_value_t = 500)]
    pub participants: usize,
    /// Accepted meetings of the generated expo.
    #[arg(long, default_value_t = 2_000)]
    pub meetings: usize,
    /// Tables of the generated expo (a few equipped rooms come on top).
    #[arg(long, default_value_t = 100)]
    pub tables: usize,
    /// Database to load it into (default: a fresh SQLite file).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds the solver gets before the publish.
    #[arg(long, default_value_t = 10)]
    pub solve_seconds: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::new(args.participants, args.meetings, args.tables, 2027);
    spec.validate().map_err(|e| BadInput(format!("sample: {e}")))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

/// One page, rendered: its time, size and cards. Anything but 200 is an error of the run.
async fn render(node: &App, path: &str, cookie: &str) -> anyhow::Result<(Duration, usize, usize)> {
    let request = Request::builder()
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())?;
    let at = Instant::now();
    let response = node.router.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let took = at.elapsed();
    anyhow::ensure!(status == 200, "{path}: {status}");
    let cards = String::from_utf8_lossy(&bytes)
        .matches("<article class=\"card")
        .count();
    Ok((took, bytes.len(), cards))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let published = PublishedExpo::new(&spec, "board", args.database_url.clone(), args.solve_seconds).await?;
    let (store, event, node) = (&published.store, &published.event, &published.node);
    let cookie = sign_in(node, &published.organiser).await?;

    let days = store.event(event).await?.days.len();
    let rooms = store.rooms(event).await?.len();
    let mut windows = Vec::new();
    for view in ["draft", "live"] {
        for day in 0..days {
            for from in (0..rooms).step_by(ROOMS_PER_PAGE) {
                windows.push((
                    view,
                    format!("/organiser/events/{event}/board?view={view}&day={day}&from={from}"),
                ));
            }
        }
    }
    let mut first = [Vec::new(), Vec::new()];
    let mut again = [Vec::new(), Vec::new()];
    let mut largest = [0usize; 2];
    let mut cards = [0usize; 2];
    for (view, path) in &windows {
        let i = usize::from(*view == "live");
        let (took, size, shown) = render(node, path, &cookie).await?;
        first[i].push(took);
        largest[i] = largest[i].max(size);
        cards[i] += shown;
        again[i].push(render(node, path, &cookie).await?.0);
    }

    let backend = published.backend();
    let expo = &published.expo;
    println!(
        "Organiser's board on a generated expo ({} participants, {} accepted meetings, {rooms} rooms, {days} days), \
         {backend}, one node, solved {}s and published; every window (day × {ROOMS_PER_PAGE} rooms) of the draft and \
         of the live timetable, in French; server time through the router (no sockets); wall-clock, machine shared.\n",
        expo.participants.len(),
        expo.accepted().count(),
        args.solve_seconds,
    );
    println!("| board | windows | cards shown | first p50 | p99 | max | again p50 | max | largest page |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (i, view) in ["draft", "live"].iter().enumerate() {
        println!(
            "| {view} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} KiB |",
            first[i].len(),
            cards[i],
            percentile(&first[i], 50),
            percentile(&first[i], 99),
            first[i].iter().max().copied().map_or(0.0, ms),
            percentile(&again[i], 50),
            again[i].iter().max().copied().map_or(0.0, ms),
            largest[i].div_ceil(1024)
        );
    }
    Ok(ExitCode::SUCCESS)
}
