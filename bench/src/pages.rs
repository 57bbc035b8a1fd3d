//! `rendezvous-bench pages`: the server time of the participant web pages on a published
//! expo. A generated expo (the `xl` sample: 20,000 participants) is loaded, scheduled by a
//! short solve and published; then participants spread over the whole directory sign in
//! with their personal link and each page is rendered through one node's router (no
//! sockets, so the time is the server's alone): first as the participant's first visit
//! after the publish, then again.
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

/// The pages a delegate opens on the morning of day 1, in that order.
const PAGES: [&str; 5] = ["/", "/agenda", "/requests", "/agenda/print", "/directory"];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset to load.
    #[arg(long, default_value = "xl", value_name = "PRESET")]
    pub preset: String,
    /// Database to load it into (default: a fresh SQLite file).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Participants who sign in and open every page (spread evenly over the directory).
    #[arg(long, default_value_t = 200)]
    pub participants: usize,
    /// Seconds the solver gets before the publish.
    #[arg(long, default_value_t = 20)]
    pub solve_seconds: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    if args.participants == 0 {
        return Err(BadInput("--participants: at least 1".into()).into());
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

/// One page, rendered: its time and size. Anything but 200 is an error of the run.
async fn render(node: &App, path: &str, cookie: &str) -> anyhow::Result<(Duration, usize)> {
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
    Ok((took, bytes.len()))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let published = PublishedExpo::new(&spec, "pages", args.database_url.clone(), args.solve_seconds).await?;
    let PublishedExpo {
        expo, tokens, node, ..
    } = &published;
    let step = (tokens.len() / args.participants).max(1);
    let visitors: Vec<&(String, String)> = tokens.iter().step_by(step).take(args.participants).collect();
    let mut first = vec![Vec::new(); PAGES.len()];
    let mut again = vec![Vec::new(); PAGES.len()];
    let mut sizes = vec![0usize; PAGES.len()];
    for (_, token) in &visitors {
        let cookie = sign_in(node, token).await?;
        for (i, page) in PAGES.iter().enumerate() {
            let (took, size) = render(node, page, &cookie).await?;
            first[i].push(took);
            sizes[i] = sizes[i].max(size);
        }
        for (i, page) in PAGES.iter().enumerate() {
            again[i].push(render(node, page, &cookie).await?.0);
        }
    }

    let backend = published.backend();
    println!(
        "Participant pages on the `{}` sample ({} participants, {} accepted meetings), {backend}, one node, \
         published timetable, {} participants spread over the directory, in French; server time through the \
         router (no sockets), release build; wall-clock, machine shared.\n",
        args.preset,
        expo.participants.len(),
        expo.accepted().count(),
        visitors.len()
    );
    println!("| page | first visit p50 | p99 | max | again p50 | p99 | largest page |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (i, page) in PAGES.iter().enumerate() {
        println!(
            "| `{page}` | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {} KiB |",
            percentile(&first[i], 50),
            percentile(&first[i], 99),
            first[i].iter().max().copied().map_or(0.0, ms),
            percentile(&again[i], 50),
            percentile(&again[i], 99),
            sizes[i].div_ceil(1024)
        );
    }
    Ok(ExitCode::SUCCESS)
}
