//! `rendezvous-bench recommendations`: latency of the recommendations endpoint's core —
//! index refresh from the store, exclusions, suggest — on a generated expo loaded straight
//! into a store (the `xl` sample: 20,000 participants, 80,000 accepted meetings). Profiles
//! change between calls, so refreshes are part of what is timed. HTTP and JSON are not.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rand::seq::IndexedRandom as _;
use rand::{RngCore as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use rendezvous::cli::BadInput;
use rendezvous::matchmaking::{Matchmaking, Sees, recommend};
use rendezvous::sample::{Expo, SampleSpec};
use rendezvous::store;

use crate::load::load;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset to load (`xl`: 20,000 participants, 80,000 accepted meetings).
    #[arg(long, default_value = "xl", value_name = "PRESET")]
    pub preset: String,
    /// An empty database to load it into (`postgres://…`); default: a fresh SQLite file in
    /// a temporary directory.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Timed calls.
    #[arg(long, default_value_t = 1000)]
    pub calls: usize,
    /// Before every this-many-th call a random profile changes (0: never).
    #[arg(long, default_value_t = 10)]
    pub update_every: usize,
    /// Recommendations per call.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// CPU time of this thread (Linux scheduler statistics): without the time spent waiting for
/// a core on a shared machine, and without the database server's work.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        stat.split_whitespace().next()?.parse().ok()?,
    ))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    if !(1..=100).contains(&args.limit) {
        return Err(BadInput("--limit: from 1 to 100".into()).into());
    }
    // One thread: the CPU time measured is all of the service's work.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let scratch = std::env::temp_dir().join(format!(
        "{}.db",
        rendezvous::domain::ids::new_id("rendezvous-bench")
    ));
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.display()));
    let result = bench_on(&args, spec, &url).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    result
}

async fn bench_on(args: &Args, spec: SampleSpec, url: &str) -> anyhow::Result<ExitCode> {
    let store = store::connect(url).await?;
    let expo = Expo::generate(&spec).map_err(|e| BadInput(format!("sample: {e}")))?;
    let (event, _) = load(store.as_ref(), &expo).await?;
    let backend = url.split(':').next().unwrap_or_default().to_string();
    if backend.starts_with("postgres") {
        // Freshly loaded tables have no planner statistics yet; autovacuum would gather them
        // within a minute of a real import. Without them the first plans are poor.
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query("ANALYZE").execute(&mut conn).await?;
        conn.close().await?;
    }
    eprintln!(
        "Loaded {} participants and {} requests into {backend}",
        expo.participants.len(),
        expo.requests.len()
    );

    let matchmaking = Matchmaking::default();
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let ids: Vec<&str> = expo.participants.iter().map(|p| p.id.as_str()).collect();
    let started = Instant::now();
    recommend(
        store.as_ref(),
        &matchmaking,
        &event,
        ids[0],
        args.limit,
        Sees::OwnOnly,
    )
    .await?;
    let first = started.elapsed();

    let mut times = Vec::with_capacity(args.calls);
    let mut cpu = Duration::ZERO;
    let mut returned = 0;
    let mut updates = 0;
    for call in 0..args.calls {
        if args.update_every > 0 && call % args.update_every == 0 {
            let who = ids.choose(&mut rng).context("participants")?;
            let (mut p, read_at) = store.participant_at(&event, who).await?;
            p.profile
                .offers
                .push(format!("pilot programme {}", rng.next_u32() % 1000));
            p.profile.offers.truncate(50);
            store
                .update_participant(&p, read_at)
                .await?
                .context("nothing else writes these profiles")?;
            updates += 1;
        }
        let me = ids.choose(&mut rng).context("participants")?;
        let cpu_before = thread_cpu_time();
        let started = Instant::now();
        returned += recommend(
            store.as_ref(),
            &matchmaking,
            &event,
            me,
            args.limit,
            Sees::OwnOnly,
        )
        .await?
        .len();
        times.push(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_before, thread_cpu_time()) {
            cpu += after - before;
        }
    }
    times.sort();
    println!(
        "Recommendations core on `{}` ({} participants, {} requests, {backend}), limit {}, \
         {} calls, a profile changed before every {}th call ({updates} changes), \
         {:.1} recommendations per call on average; first call (index built) {:.0} ms.\n",
        args.preset,
        expo.participants.len(),
        expo.requests.len(),
        args.limit,
        args.calls,
        args.update_every,
        returned as f64 / args.calls.max(1) as f64,
        ms(first),
    );
    println!("| backend | p50 | p99 | max | CPU per call (this process) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| {backend} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().context("no calls")?),
        ms(cpu) / args.calls.max(1) as f64,
    );
    Ok(ExitCode::SUCCESS)
}
