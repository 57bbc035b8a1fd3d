//! Settings, from the environment with flags mirroring them.

use std::net::SocketAddr;

/// How the service runs. Every setting comes from the environment, or the flag of the
/// same name.
#[derive(clap::Args, Clone)]
pub struct Config {
    /// Address to listen on.
    #[arg(long = "addr", env = "RENDEZVOUS_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// `sqlite://…` (the default: a file, created on first start) or `postgres://…`.
    #[arg(
        long = "database-url",
        env = "DATABASE_URL",
        default_value = "sqlite://rendezvous.db?mode=rwc"
    )]
    pub database_url: String,
    /// Redis, when several machines share the solve queue; unset: everything in-process.
    #[arg(long = "redis-url", env = "REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key and channel, so that deployments can share one Redis.
    #[arg(
        long = "redis-prefix",
        env = "RENDEZVOUS_REDIS_PREFIX",
        default_value = "rendezvous"
    )]
    pub redis_prefix: String,
    /// Solver workers inside this process. Default: 1 without Redis, 0 with Redis (solves
    /// then run in `rendezvous worker` processes).
    #[arg(long = "workers", env = "RENDEZVOUS_WORKERS")]
    pub workers: Option<usize>,
    /// Seconds a taken solve job stays leased without a heartbeat before it runs elsewhere.
    #[arg(
        long = "job-lease-seconds",
        env = "RENDEZVOUS_JOB_LEASE_SECONDS",
        default_value_t = 30
    )]
    pub job_lease_seconds: u64,
    /// Writes (POST, PUT, PATCH, DELETE) one participant token may make per minute.
    #[arg(
        long = "writes-per-minute",
        env = "RENDEZVOUS_WRITES_PER_MINUTE",
        default_value_t = 120
    )]
    pub writes_per_minute: u32,
    /// Meeting requests one participant token may send per hour.
    #[arg(
        long = "requests-per-hour",
        env = "RENDEZVOUS_REQUESTS_PER_HOUR",
        default_value_t = 60
    )]
    pub requests_per_hour: u32,
    /// The organiser's bearer token; unset: one is generated at first start and printed once.
    #[arg(
        long = "organiser-token",
        env = "RENDEZVOUS_ORGANISER_TOKEN",
        hide_env_values = true
    )]
    pub organiser_token: Option<String>,
    /// Write logs as JSON lines.
    #[arg(long = "log-json", env = "RENDEZVOUS_LOG_JSON")]
    pub log_json: bool,
    /// How often a node looks for pending requests past their expiry (one node at a time,
    /// under the cluster lock), in milliseconds.
    #[arg(
        long = "expiry-check-ms",
        env = "RENDEZVOUS_EXPIRY_CHECK_MS",
        default_value_t = 60_000
    )]
    pub expiry_check_ms: u64,
    /// How far the service's clock is ahead of the machine's (rehearsals and tests of the
    /// expo's days: check-in, expiry). Not a command-line setting.
    #[arg(skip)]
    pub clock_offset: chrono::TimeDelta,
}

impl Config {
    /// Solver workers to run inside this process.
    pub fn embedded_workers(&self) -> usize {
        self.workers
            .unwrap_or(if self.redis_url.is_some() { 0 } else { 1 })
    }

    /// The coordination settings (queue, locks, bus, cache, rate limits).
    pub fn cluster(&self) -> crate::cluster::ClusterConfig {
        crate::cluster::ClusterConfig {
            redis_url: self.redis_url.clone(),
            key_prefix: self.redis_prefix.clone(),
            job_lease_ttl: std::time::Duration::from_secs(self.job_lease_seconds.max(1)),
            ..crate::cluster::ClusterConfig::default()
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &self.database_url)
            .field("redis_url", &self.redis_url)
            .field("redis_prefix", &self.redis_prefix)
            .field("workers", &self.workers)
            .field("organiser_token", &self.organiser_token.as_ref().map(|_| "<set>"))
            .finish()
    }
}

impl Config {
    /// Defaults with this database and organiser token (tests, demo).
    pub fn new(database_url: impl Into<String>, organiser_token: Option<String>) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            redis_url: None,
            redis_prefix: "rendezvous".into(),
            workers: None,
            job_lease_seconds: 30,
            writes_per_minute: 120,
            requests_per_hour: 60,
            organiser_token,
            log_json: false,
            expiry_check_ms: 60_000,
            clock_offset: chrono::TimeDelta::zero(),
        }
    }
}

/// Starts structured logging (`RUST_LOG` filters; default `info`).
/// Runs a long-lived command (`serve`, `worker`): logging as configured, then `main` on a
/// multi-threaded Tokio runtime.
pub fn run_service<F>(
    config: Config,
    main: impl FnOnce(Config) -> F,
) -> anyhow::Result<std::process::ExitCode>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    init_tracing(config.log_json);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(main(config))?;
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
