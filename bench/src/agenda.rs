//! `rendezvous-bench agenda`: agenda reads on the opening morning, measured with `wrk` on
//! loopback. A generated expo (the `xl` sample: 20,000 participants, 80,000 accepted
//! meetings) is loaded, scheduled (a short solve) and published; then every participant's
//! agenda is read with its own token, at each connection count, against:
//! (a) one node on SQLite, without Redis;
//! (b) two nodes on one PostgreSQL and one Redis (the load split between them);
//! and, in the same run, a bare axum endpoint returning a constant: the machine's ceiling.
//! Each configuration is warmed first (every agenda read once), so the numbers are cached
//! reads. Needs `wrk` on the PATH (`apt-get install wrk`).

use std::fmt::Write as _;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt as _;

use rendezvous::app::{self, App};
use rendezvous::cli::BadInput;
use rendezvous::config::Config;
use rendezvous::sample::{Expo, SampleSpec};
use rendezvous::store::{self, RunResult, ScheduleRun};

use crate::load::load;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sample preset to load (`xl`: 20,000 participants, 80,000 accepted meetings).
    #[arg(long, default_value = "xl", value_name = "PRESET")]
    pub preset: String,
    /// PostgreSQL server for configuration (b): a fresh database is created on it and
    /// dropped afterwards. Unset: (b) is skipped.
    #[arg(long, env = "RENDEZVOUS_BENCH_POSTGRES_URL", value_name = "URL")]
    pub postgres_url: Option<String>,
    /// Redis for configuration (b) (keys under a fresh prefix, removed afterwards).
    #[arg(
        long,
        env = "RENDEZVOUS_BENCH_REDIS_URL",
        default_value = "redis://127.0.0.1:6379"
    )]
    pub redis_url: String,
    /// Concurrent connections, one measurement each.
    #[arg(long, value_delimiter = ',', default_value = "100,1000")]
    pub connections: Vec<u32>,
    /// Seconds of load per measurement.
    #[arg(long, default_value_t = 10)]
    pub seconds: u32,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// Seconds the solver gets to schedule the sample before it is published.
    #[arg(long, default_value_t = 20)]
    pub solve_seconds: u64,
}

/// What one wrk run measured.
struct Measured {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    errors: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let spec = SampleSpec::preset(&args.preset)
        .ok_or_else(|| BadInput(format!("unknown preset {:?}", args.preset)))?;
    if args.connections.is_empty() || args.connections.iter().any(|&c| c < args.threads.max(1)) {
        return Err(BadInput("--connections: each at least --threads".into()).into());
    }
    Command::new("wrk")
        .arg("--version")
        .output()
        .map_err(|_| BadInput("wrk is not on the PATH (apt-get install wrk)".into()))?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(args, spec))
}

async fn bench(args: Args, spec: SampleSpec) -> anyhow::Result<ExitCode> {
    let expo = Expo::generate(&spec).map_err(|e| BadInput(format!("sample: {e}")))?;
    let scratch = tempfile_dir()?;
    let mut report = String::new();
    writeln!(
        report,
        "Agenda reads, `{}` sample ({} participants, {} accepted meetings), each request a \
         random participant's own agenda with its own token; wrk {} threads, {} s per row, \
         loopback, cached (every agenda read once before).\n",
        args.preset,
        expo.participants.len(),
        expo.accepted().count(),
        args.threads,
        args.seconds
    )?;
    writeln!(
        report,
        "| configuration | connections | requests/s | p50 | p99 | non-2xx | socket errors |"
    )?;
    writeln!(report, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")?;

    let ceiling = bare_endpoint().await?;
    let sqlite_url = format!("sqlite://{}?mode=rwc", scratch.join("agenda.db").display());
    let single = Deployment::start(&sqlite_url, None, 1, &expo, args.solve_seconds, &|_| {}).await?;
    let mut rows = vec![("bare axum (ceiling)".to_owned(), vec![ceiling.clone()], None)];
    rows.push((
        "(a) one node, SQLite".to_owned(),
        single.nodes.clone(),
        Some(single.targets.clone()),
    ));
    let mut postgres = None;
    if let Some(server) = &args.postgres_url {
        let database = FreshPostgres::create(server).await?;
        let prefix = format!("rdv-bench-{}", uuid::Uuid::new_v4().simple());
        let two = Deployment::start(
            &database.url,
            Some((args.redis_url.clone(), prefix.clone())),
            2,
            &expo,
            args.solve_seconds,
            &|_| {},
        )
        .await?;
        rows.push((
            "(b) two nodes, PostgreSQL + Redis".to_owned(),
            two.nodes.clone(),
            Some(two.targets.clone()),
        ));
        postgres = Some((database, two, prefix));
    }
    for (name, addresses, targets) in &rows {
        for &connections in &args.connections {
            let measured = wrk(
                &scratch,
                addresses,
                targets.as_deref().map(Vec::as_slice),
                connections,
                &args,
            )?;
            writeln!(
                report,
                "| {name} | {connections} | {:.0} | {:.2} ms | {:.2} ms | {} | {} |",
                measured.requests_per_second,
                measured.p50_ms,
                measured.p99_ms,
                measured.non_2xx,
                measured.errors
            )?;
            eprintln!(
                "{name}, {connections} connections: {:.0} requests/s, p99 {:.2} ms",
                measured.requests_per_second, measured.p99_ms
            );
        }
    }
    println!("{report}");
    if let Some((database, _, prefix)) = postgres {
        database.drop_database().await;
        remove_prefix(&args.redis_url, &prefix).await;
    }
    std::fs::remove_dir_all(&scratch).ok();
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(rendezvous::domain::ids::new_id("rendezvous-bench-agenda"));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// One deployment: its nodes' addresses, and every participant's agenda path and token.
pub(crate) struct Deployment {
    pub nodes: Vec<String>,
    pub targets: Arc<Vec<(String, String)>>,
    pub event: String,
    /// Every participant's id and token.
    pub tokens: Vec<(String, String)>,
    pub store: store::DynStore,
}

impl Deployment {
    /// Loads, schedules and publishes the expo, then serves it from `node_count` nodes, each
    /// warmed and with its settings changed by `tune` first.
    pub(crate) async fn start(
        database_url: &str,
        redis: Option<(String, String)>,
        node_count: usize,
        expo: &Expo,
        solve_seconds: u64,
        tune: &dyn Fn(&mut Config),
    ) -> anyhow::Result<Self> {
        let organiser = rendezvous::domain::ids::new_organiser_token();
        let config = |redis: &Option<(String, String)>| {
            let mut config = Config::new(database_url, Some(organiser.clone()));
            if let Some((url, prefix)) = redis {
                config.redis_url = Some(url.clone());
                config.redis_prefix = prefix.clone();
            }
            config.workers = Some(0);
            tune(&mut config);
            config
        };
        let store = store::connect(database_url).await?;
        let (event, tokens) = load(store.as_ref(), expo).await?;
        if database_url.starts_with("postgres") {
            // Planner statistics, as autovacuum would gather them after a real import.
            use sqlx::Connection as _;
            let mut conn = sqlx::PgConnection::connect(database_url).await?;
            sqlx::query("ANALYZE").execute(&mut conn).await?;
            conn.close().await?;
        }
        let run = schedule(store.as_ref(), &event, solve_seconds).await?;
        let mut nodes = Vec::new();
        let mut apps = Vec::new();
        for _ in 0..node_count {
            apps.push(app::build(&config(&redis)).await?);
        }
        call(
            &apps[0],
            "POST",
            &format!("/api/v1/events/{event}/schedules/{run}/publish"),
            &organiser,
        )
        .await?;
        let targets: Arc<Vec<(String, String)>> = Arc::new(
            tokens
                .iter()
                .cloned()
                .map(|(id, token)| (format!("/api/v1/events/{event}/participants/{id}/agenda"), token))
                .collect(),
        );
        for app in apps {
            // Warm: every agenda once through this node (its memory, and Redis if any).
            for (path, token) in targets.iter() {
                call(&app, "GET", path, token).await?;
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            nodes.push(listener.local_addr()?.to_string());
            tokio::spawn(async move {
                if let Err(err) = app::serve(listener, app, std::future::pending()).await {
                    eprintln!("node stopped: {err:#}");
                }
            });
        }
        eprintln!(
            "{} node(s) on {database_url} ready: {}",
            node_count,
            nodes.join(", ")
        );
        Ok(Self {
            nodes,
            targets,
            event,
            tokens,
            store,
        })
    }
}

/// A short solve of the event, stored as a done run; returns the run id.
pub(crate) async fn schedule(store: &dyn store::Store, event: &str, seconds: u64) -> anyhow::Result<String> {
    let doc = rendezvous::jobs::problem_doc(store, event).await?;
    let problem_json = serde_json::to_string(&doc)?;
    let problem = rendezvous_solver::Problem::try_from(doc).map_err(|e| anyhow::anyhow!("{e}"))?;
    let options = rendezvous_solver::SolveOptions {
        time_limit: Duration::from_secs(seconds),
        ..rendezvous_solver::SolveOptions::default()
    };
    let (problem, solution) = tokio::task::spawn_blocking(move || {
        let solution = rendezvous_solver::solve(&problem, &options, &mut |_| {});
        (problem, solution)
    })
    .await?;
    let doc = solution.to_doc(&problem);
    let id = rendezvous::domain::ids::new_id("sch");
    store
        .create_run(&ScheduleRun::queued(
            &id,
            event,
            u32::try_from(seconds).unwrap_or(u32::MAX),
        ))
        .await?;
    let fence = store.run_fence(event).await? + 1;
    store.start_run(event, &id, &problem_json, fence).await?;
    store
        .finish_run(
            &id,
            &RunResult {
                objective: doc.objective,
                bound: doc.bound,
                placed: doc.assignments.len() as i64,
                unscheduled: doc.unscheduled.len() as i64,
                solution: serde_json::to_string(&doc)?,
            },
            fence,
        )
        .await?;
    eprintln!(
        "Scheduled {} meetings ({} unscheduled) in {seconds} s",
        doc.assignments.len(),
        doc.unscheduled.len()
    );
    Ok(id)
}

/// One request through the node's router, without a socket; fails unless 2xx.
pub(crate) async fn call(app: &App, method: &str, path: &str, token: &str) -> anyhow::Result<()> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(if method == "POST" { "{}" } else { "" }))?;
    let response = app.router.clone().oneshot(request).await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{method} {path}: {}",
        response.status()
    );
    Ok(())
}

/// A constant answer on its own port: what the machine does with no work per request.
async fn bare_endpoint() -> anyhow::Result<String> {
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?.to_string();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(address)
}

/// Spreads wrk's threads over the nodes and its requests over the targets.
const WRK_SCRIPT: &str = r#"
local nodes = {}
for address in string.gmatch(os.getenv("BENCH_NODES"), "[^,]+") do
  local host, port = string.match(address, "([^:]+):(%d+)")
  table.insert(nodes, wrk.lookup(host, port)[1])
end
local next_node = 0
function setup(thread)
  thread.addr = nodes[(next_node % #nodes) + 1]
  next_node = next_node + 1
end
local requests = {}
function init(args)
  local file = os.getenv("BENCH_TARGETS")
  if file == nil or file == "" then
    requests = { wrk.format("GET", "/") }
    return
  end
  for line in io.lines(file) do
    local path, token = string.match(line, "([^\t]+)\t(.+)")
    table.insert(requests, wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token }))
  end
  math.randomseed(os.time() + #requests)
end
function request()
  return requests[math.random(#requests)]
end
"#;

fn wrk(
    scratch: &std::path::Path,
    nodes: &[String],
    targets: Option<&[(String, String)]>,
    connections: u32,
    args: &Args,
) -> anyhow::Result<Measured> {
    let script = scratch.join("agenda.lua");
    std::fs::write(&script, WRK_SCRIPT)?;
    let targets_file = match targets {
        Some(targets) => {
            let path = scratch.join(format!("targets-{}.tsv", uuid::Uuid::new_v4().simple()));
            let lines: String = targets.iter().map(|(p, t)| format!("{p}\t{t}\n")).collect();
            std::fs::write(&path, lines)?;
            path.display().to_string()
        }
        None => String::new(),
    };
    let output = Command::new("wrk")
        .args([
            "--latency",
            "-t",
            &args.threads.to_string(),
            "-c",
            &connections.to_string(),
        ])
        .args(["-d", &format!("{}s", args.seconds), "--timeout", "10s", "-s"])
        .arg(&script)
        .arg(format!("http://{}/", nodes[0]))
        .env("BENCH_NODES", nodes.join(","))
        .env("BENCH_TARGETS", &targets_file)
        .output()
        .context("run wrk")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    anyhow::ensure!(
        output.status.success(),
        "wrk failed: {}{}",
        text,
        String::from_utf8_lossy(&output.stderr)
    );
    parse_wrk(&text).with_context(|| format!("cannot read wrk's report:\n{text}"))
}

/// Reads wrk's `--latency` report.
fn parse_wrk(text: &str) -> Option<Measured> {
    let millis = |value: &str| -> Option<f64> {
        let split = value.find(|c: char| c.is_ascii_alphabetic())?;
        let (number, unit) = value.split_at(split);
        let number: f64 = number.parse().ok()?;
        Some(match unit {
            "us" => number / 1000.0,
            "ms" => number,
            "s" => number * 1000.0,
            "m" => number * 60_000.0,
            _ => return None,
        })
    };
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix).map(str::trim))
    };
    let errors = field("Socket errors:").map_or(0, |line| {
        line.split(',')
            .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
            .sum()
    });
    Some(Measured {
        requests_per_second: field("Requests/sec:")?.parse().ok()?,
        p50_ms: millis(field("50%")?)?,
        p99_ms: millis(field("99%")?)?,
        non_2xx: field("Non-2xx or 3xx responses:").map_or(Some(0), |v| v.parse().ok())?,
        errors,
    })
}

/// A database of its own on a PostgreSQL server.
pub(crate) struct FreshPostgres {
    pub url: String,
    server: String,
    name: String,
}

impl FreshPostgres {
    pub(crate) async fn create(server: &str) -> anyhow::Result<Self> {
        use sqlx::Connection as _;
        let name = format!("rdv_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(server).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
        Ok(Self {
            server: server.to_owned(),
            url: format!("{base}/{name}"),
            name,
        })
    }

    pub(crate) async fn drop_database(self) {
        use sqlx::Connection as _;
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.server).await {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&mut conn)
            .await;
        }
    }
}

pub(crate) async fn remove_prefix(redis_url: &str, prefix: &str) {
    let Ok(client) = redis::Client::open(redis_url) else {
        return;
    };
    let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
        return;
    };
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .unwrap_or_default();
    if !keys.is_empty() {
        let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_latency_report() {
        let report = "Running 10s test @ http://127.0.0.1:8080/
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  300.00us  12.00ms   90.00%
    Req/Sec    40.00k     2.00k   45.00k    70.00%
  Latency Distribution
     50%  1.10ms
     75%  1.30ms
     90%  1.60ms
     99%  850.00us
  800000 requests in 10.00s, 100.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:  80000.50
Transfer/sec:     10.00MB
";
        let measured = parse_wrk(report).expect("parsed");
        assert_eq!(measured.requests_per_second, 80000.5);
        assert_eq!(measured.p50_ms, 1.1);
        assert_eq!(measured.p99_ms, 0.85);
        assert_eq!((measured.non_2xx, measured.errors), (7, 5));
    }
}
