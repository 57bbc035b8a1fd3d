//! `rendezvous-bench load`: the opening morning at a fixed offered rate (open loop, see
//! `offered.rs`): agenda reads, meeting requests and accepts, each participant with its own
//! token. First the rate one node on SQLite sustains is found (doubling, then halving the
//! gap: the highest rate with ≥ 99 % 2xx, p99 within `--slo-ms` and ≥ 95 % of the offered
//! rate answered on time); then that node and, with `--postgres-url`, two nodes on
//! PostgreSQL + Redis are offered 1×, 2× and 4× that rate. The nodes run in this process,
//! the generator on a thread and runtime of its own.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rendezvous::cli::BadInput;
use rendezvous::domain::RequestStatus;
use rendezvous::sample::{Expo, SampleSpec};

use crate::agenda::{Deployment, FreshPostgres, remove_prefix, tempfile_dir};
use crate::offered::{Op, Point, Workload, offer};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset to load.
    #[arg(long, default_value = "l", value_name = "PRESET")]
    pub preset: String,
    /// PostgreSQL server for two nodes on PostgreSQL + Redis (a fresh database, dropped
    /// afterwards). Unset: only the SQLite node is measured.
    #[arg(long, env = "RENDEZVOUS_BENCH_POSTGRES_URL", value_name = "URL")]
    pub postgres_url: Option<String>,
    #[arg(
        long,
        env = "RENDEZVOUS_BENCH_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,
    /// Seconds of load per point.
    #[arg(long, default_value_t = 4.0)]
    pub seconds: f64,
    /// The one-node rate to start from (skips the search: `--rate` alone is 1×).
    #[arg(long)]
    pub rate: Option<f64>,
    /// Where the search for one node's rate starts (requests/s).
    #[arg(long, default_value_t = 1000.0)]
    pub start_rate: f64,
    /// The p99 a sustained rate must keep, in ms.
    #[arg(long, default_value_t = 100.0)]
    pub slo_ms: f64,
    /// Multiples of the sustained rate to offer.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
    pub multiples: Vec<f64>,
    /// Per cent of requests creating a meeting request, and accepting one.
    #[arg(long, default_value_t = 5)]
    pub create_percent: u32,
    #[arg(long, default_value_t = 5)]
    pub accept_percent: u32,
    /// The nodes' `--max-in-flight` (unset: the service's default).
    #[arg(long)]
    pub max_in_flight: Option<u32>,
    /// Requests the generator keeps open at once (a request past it waits, late).
    #[arg(long, default_value_t = 4000)]
    pub client_in_flight: usize,
    /// Seconds before the generator gives up on an answer (counted as no answer).
    #[arg(long, default_value_t = 10)]
    pub timeout_seconds: u64,
    #[arg(long, default_value_t = 10)]
    pub solve_seconds: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    if args.create_percent + args.accept_percent > 100 || args.seconds <= 0.0 || args.start_rate <= 0.0 {
        return Err(BadInput(
            "--create-percent + --accept-percent at most 100; --seconds, --start-rate above 0".into(),
        )
        .into());
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let expo = Expo::generate(&spec).map_err(|e| BadInput(format!("sample: {e}")))?;
    let scratch = tempfile_dir()?;
    let max_in_flight = args.max_in_flight;
    let tune = move |config: &mut rendezvous::config::Config| {
        if let Some(limit) = max_in_flight {
            config.max_in_flight = limit;
        }
    };
    let mut report = String::new();
    writeln!(
        report,
        "Open loop, `{}` sample ({} participants): {} % agenda reads, {} % meeting requests, {} % accepts, \
         each participant with its own token; {} s per point; server in-flight limit {}; \
         latency from each request's due time.\n",
        args.preset,
        expo.participants.len(),
        100 - args.create_percent - args.accept_percent,
        args.create_percent,
        args.accept_percent,
        args.seconds,
        max_in_flight.map_or_else(
            || format!("{} (default)", rendezvous::config::DEFAULT_MAX_IN_FLIGHT),
            |l| l.to_string()
        ),
    )?;
    writeln!(
        report,
        "| configuration | offered | requests/s offered | answered/s | p50 | p99 | max | p99 agenda / create / accept | 2xx | 429 | 503 | other | no answer |"
    )?;
    writeln!(
        report,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |"
    )?;

    let sqlite_url = format!("sqlite://{}?mode=rwc", scratch.join("load.db").display());
    let single = Deployment::start(&sqlite_url, None, 1, &expo, args.solve_seconds, &tune).await?;
    let single = workload(&single, &expo, &args).await?;
    let capacity = match args.rate {
        Some(rate) => rate,
        None => find_capacity(&single, &args, &mut report).await?,
    };
    eprintln!("one node sustains {capacity:.0} requests/s");
    for &multiple in &args.multiples {
        let point = point(&single, capacity * multiple, &args).await?;
        row(
            &mut report,
            "(a) one node, SQLite",
            &format!("{multiple}×"),
            &point,
        )?;
    }
    if let Some(server) = &args.postgres_url {
        let database = FreshPostgres::create(server).await?;
        let prefix = format!("rdv-bench-{}", uuid::Uuid::new_v4().simple());
        let two = Deployment::start(
            &database.url,
            Some((args.redis_url.clone(), prefix.clone())),
            2,
            &expo,
            args.solve_seconds,
            &tune,
        )
        .await?;
        let two = workload(&two, &expo, &args).await?;
        for &multiple in &args.multiples {
            let point = point(&two, capacity * multiple, &args).await?;
            row(
                &mut report,
                "(b) two nodes, PostgreSQL + Redis",
                &format!("{multiple}×"),
                &point,
            )?;
        }
        database.drop_database().await;
        remove_prefix(&args.redis_url, &prefix).await;
    }
    writeln!(
        report,
        "\n1× = {capacity:.0} requests/s, the rate one node on SQLite sustained."
    )?;
    println!("{report}");
    std::fs::remove_dir_all(&scratch).ok();
    Ok(ExitCode::SUCCESS)
}

/// The deployment as the generator sees it, with the sample's pending single-invitee requests
/// to accept.
async fn workload(deployment: &Deployment, expo: &Expo, args: &Args) -> anyhow::Result<Arc<Workload>> {
    let token_of: std::collections::HashMap<&str, &str> = deployment
        .tokens
        .iter()
        .map(|(id, token)| (id.as_str(), token.as_str()))
        .collect();
    let event = &deployment.event;
    let pending = deployment
        .store
        .requests(event, None)
        .await?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Pending && r.invitees.len() == 1)
        .filter_map(|r| {
            let token = token_of.get(r.invitees[0].participant.as_str())?;
            Some((
                format!("/api/v1/events/{event}/requests/{}/accept", r.id),
                (*token).to_owned(),
            ))
        })
        .collect();
    Ok(Arc::new(Workload {
        nodes: deployment.nodes.clone(),
        event: event.clone(),
        participants: deployment.tokens.clone(),
        pending: Mutex::new(pending),
        slot_minutes: expo.slot_minutes,
        create_percent: args.create_percent,
        accept_percent: args.accept_percent,
    }))
}

/// One point, on a thread of its own; a short pause after it lets the nodes drain.
async fn point(workload: &Arc<Workload>, rate: f64, args: &Args) -> anyhow::Result<Point> {
    let (workload, seconds, in_flight) = (workload.clone(), args.seconds, args.client_in_flight);
    let timeout = Duration::from_secs(args.timeout_seconds);
    let seed = rate as u64;
    let point = tokio::task::spawn_blocking(move || offer(workload, rate, seconds, in_flight, timeout, seed))
        .await??;
    eprintln!(
        "offered {rate:.0}/s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, 2xx {:.1} %",
        Point::ms(&point.all, 0.5),
        Point::ms(&point.all, 0.99),
        point.all.max() as f64 / 1000.0,
        point.share_2xx() * 100.0
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(point)
}

fn sustained(point: &Point, args: &Args) -> bool {
    let on_time = point.completed as f64 / point.elapsed.as_secs_f64() >= 0.95 * point.offered_per_second;
    point.share_2xx() >= 0.99 && Point::ms(&point.all, 0.99) <= args.slo_ms && on_time
}

/// Doubling from `--start-rate` until a rate is not sustained, then three halvings of the
/// gap; every point tried is a row of the report.
async fn find_capacity(workload: &Arc<Workload>, args: &Args, report: &mut String) -> anyhow::Result<f64> {
    let (mut good, mut bad) = (0.0, None);
    let mut rate = args.start_rate;
    while bad.is_none() && rate <= 1_000_000.0 {
        let point = point(workload, rate, args).await?;
        row(
            report,
            "(a) search",
            if sustained(&point, args) {
                "sustained"
            } else {
                "not sustained"
            },
            &point,
        )?;
        if sustained(&point, args) {
            good = rate;
            rate *= 2.0;
        } else {
            bad = Some(rate);
        }
    }
    let Some(mut bad) = bad else { return Ok(good) };
    for _ in 0..3 {
        let rate = if good == 0.0 {
            bad / 2.0
        } else {
            (good + bad) / 2.0
        };
        let point = point(workload, rate, args).await?;
        let ok = sustained(&point, args);
        row(
            report,
            "(a) search",
            if ok { "sustained" } else { "not sustained" },
            &point,
        )?;
        if ok { good = rate } else { bad = rate }
    }
    anyhow::ensure!(good > 0.0, "one node sustains not even {:.0} requests/s", bad);
    Ok(good)
}

fn row(report: &mut String, name: &str, offered: &str, point: &Point) -> anyhow::Result<()> {
    let count = |code: u16| point.count(|s| s == Some(code));
    let other: Vec<String> = point
        .statuses
        .iter()
        .filter_map(|(status, n)| {
            let code = (*status)?;
            let counted = (200..300).contains(&code) || code == 429 || code == 503;
            (!counted).then(|| format!("{code}: {n}"))
        })
        .collect();
    let op_p99 = Op::ALL
        .iter()
        .map(|op| format!("{:.1}", Point::ms(&point.per_op[op], 0.99)))
        .collect::<Vec<_>>()
        .join(" / ");
    writeln!(
        report,
        "| {name} | {offered} | {:.0} | {:.0} | {:.2} ms | {:.2} ms | {:.0} ms | {op_p99} ms | {:.1} % | {} | {} | {} | {} |",
        point.offered_per_second,
        point.completed as f64 / point.elapsed.as_secs_f64(),
        Point::ms(&point.all, 0.5),
        Point::ms(&point.all, 0.99),
        point.all.max() as f64 / 1000.0,
        point.share_2xx() * 100.0,
        count(429),
        count(503),
        if other.is_empty() {
            "0".into()
        } else {
            other.join(", ")
        },
        point.count(|s| s.is_none()),
    )?;
    Ok(())
}
