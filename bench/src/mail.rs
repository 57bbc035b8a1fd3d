//! `rendezvous-bench mail`: the published-timetable messages of a whole expo — the `xl`
//! sample, 20,000 participants with addresses — queued by the publish (one transaction) and
//! sent by one node's sender to a local SMTP server (aiosmtpd, as the tests run it): the
//! publish's time with its outbox rows, the send rate, and the process's memory.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use rendezvous::app;
use rendezvous::cli::BadInput;
use rendezvous::config::Config;
use rendezvous::sample::{Expo, SampleSpec};
use rendezvous::store::{self, MessageStatus};

use crate::agenda::{call, schedule};
use crate::load::load;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset (`xl`: 20,000 participants, 80,000 accepted meetings).
    #[arg(long, default_value = "xl", value_name = "PRESET")]
    pub preset: String,
    /// An empty database (`postgres://…`); default: a fresh SQLite file.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Seconds the solver gets before the publish.
    #[arg(long, default_value_t = 10)]
    pub solve_seconds: u64,
    /// Pace the sender at this many messages a second (`RENDEZVOUS_SMTP_PER_SECOND`). Unset:
    /// no pacing, to measure what the sender and the server take.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub per_second: Option<u32>,
    /// The Python with aiosmtpd (default: the tests' virtualenv).
    #[arg(long)]
    pub python: Option<std::path::PathBuf>,
}

/// This process's resident memory now and at its peak, in MiB (Linux).
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(f64::NAN, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The machine's one-minute load average (Linux), as text.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// Empties the outbox the sample's loading filled (its requests' notices), so that only the
/// publish's messages are measured.
async fn empty_outbox(url: &str) -> anyhow::Result<()> {
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        sqlx::query("DELETE FROM outbox").execute(&pool).await?;
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        sqlx::query("DELETE FROM outbox").execute(&pool).await?;
    }
    Ok(())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let dir = tempfile_dir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("mail.db").display()));
    let expo = Expo::generate(&spec).map_err(|e| anyhow::anyhow!("sample: {e}"))?;
    let participants = expo.participants.len();
    {
        let store = store::connect(&url).await?;
        let (event, _) = load(store.as_ref(), &expo).await?;
        for p in store.participants(&event).await? {
            let (mut p, read_at) = store.participant_at(&event, &p.id).await?;
            p.profile.email = Some(format!("{}@bench.rendezvous.test", p.id));
            store
                .update_participant(&p, read_at)
                .await?
                .context("nothing else writes these profiles")?;
        }
    }
    empty_outbox(&url).await?;

    // The SMTP server: aiosmtpd writing every message it accepts into a folder.
    let python = args.python.clone().unwrap_or_else(|| {
        std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/rendezvous/smtp-venv/bin/python")
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox)?;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/api/support/smtp_sink.py");
    let mut sink = Command::new(&python)
        .arg(script)
        .args(["--port", &port.to_string()])
        .arg("--dir")
        .arg(&inbox)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting aiosmtpd with {}", python.display()))?;
    let mut line = String::new();
    BufReader::new(sink.stdout.take().context("sink stdout")?).read_line(&mut line)?;
    anyhow::ensure!(line.trim() == "ready", "the SMTP server did not start");

    let organiser = rendezvous::domain::ids::new_organiser_token();
    let mut config = Config::new(url.clone(), Some(organiser.clone()));
    config.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    // Unpaced: a pace no sender reaches (the limiter's interval is then its 1 µs floor).
    config.mail.smtp_per_second = args.per_second.unwrap_or(u32::MAX);
    config.mail.mail_dir = dir.join("unused");
    config.writes_per_minute = 1_000_000;
    let built = app::build(&config).await?;
    let store = built.state.store.clone();
    let event = store.events().await?.first().context("no event")?.id.clone();
    let run = schedule(store.as_ref(), &event, args.solve_seconds).await?;

    let (rss_before, _) = memory_mib();
    let load_before = load_average();
    let started = Instant::now();
    call(
        &built,
        "POST",
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        &organiser,
    )
    .await?;
    let publish = started.elapsed();
    let queued: u64 = store.message_counts(&event).await?.values().sum();
    let sending = Instant::now();
    let deadline = sending + Duration::from_secs(3600);
    let counts = loop {
        let counts = store.message_counts(&event).await?;
        if counts.get(&MessageStatus::Pending).copied().unwrap_or(0) == 0 || Instant::now() > deadline {
            break counts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let send = sending.elapsed();
    let (rss_after, peak) = memory_mib();
    let load_after = load_average();
    let sent = counts.get(&MessageStatus::Sent).copied().unwrap_or(0);
    let received = std::fs::read_dir(&inbox)?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .count();
    drop(sink.stdin.take());
    let _ = sink.kill();
    let _ = sink.wait();
    let backend = if url.starts_with("sqlite:") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let pacing = args
        .per_second
        .map_or_else(|| "off".to_string(), |n| format!("{n}/s"));
    println!(
        "| participants | backend | pacing | messages queued by the publish | publish (with its outbox rows) | sent | received | send time | send rate | RSS before → after send | peak RSS | load average before → after |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    println!(
        "| {participants} | {backend} | {pacing} | {queued} | {:.2} s | {sent} | {received} | {:.1} s | {:.0} msg/s | {rss_before:.0} → {rss_after:.0} MiB | {peak:.0} MiB | {load_before} → {load_after} |",
        publish.as_secs_f64(),
        send.as_secs_f64(),
        sent as f64 / send.as_secs_f64().max(1e-9),
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(if sent == queued && received as u64 == sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("rendezvous-bench-mail-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
