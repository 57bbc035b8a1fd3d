//! Settings, from the environment with flags mirroring them.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The longest request timeout that may be set: below an idempotency reservation's age limit.
pub const MAX_REQUEST_TIMEOUT_SECONDS: u64 = 240;
/// Requests a node works on at once by default: enough that a cached read never waits on a
/// busy database's requests, few enough that a node past its capacity answers 503 within
/// milliseconds rather than after the pool's 10 s acquire timeout.
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 512;
const _: () = assert!(MAX_REQUEST_TIMEOUT_SECONDS < crate::store::idempotency::RESERVATION_MAX_AGE.as_secs());

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
    /// Longest a request may take, in seconds, before it is answered 408 (its idempotency
    /// key, if any, is then released). At most 240: an abandoned key's reservation is
    /// taken over after five minutes, which must outlast any request.
    #[arg(
        long = "request-timeout-seconds",
        env = "RENDEZVOUS_REQUEST_TIMEOUT_SECONDS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=MAX_REQUEST_TIMEOUT_SECONDS)
    )]
    pub request_timeout_seconds: u64,
    /// Live streams (timetable updates, run progress) one token may hold open at once on a
    /// node; one more is a 429.
    #[arg(
        long = "streams-per-token",
        env = "RENDEZVOUS_STREAMS_PER_TOKEN",
        default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub streams_per_token: u32,
    /// Requests one node works on at once; one more is answered at once with 503
    /// (problem+json, `Retry-After`) instead of waiting in an unbounded queue (the database
    /// pool, the runtime). Live streams count only until their first byte.
    #[arg(
        long = "max-in-flight",
        env = "RENDEZVOUS_MAX_IN_FLIGHT",
        default_value_t = DEFAULT_MAX_IN_FLIGHT,
        value_parser = clap::value_parser!(u32).range(1..=1_000_000)
    )]
    pub max_in_flight: u32,
    /// Writes (POST, PUT, PATCH, DELETE) one participant token may make per minute.
    #[arg(
        long = "writes-per-minute",
        env = "RENDEZVOUS_WRITES_PER_MINUTE",
        default_value_t = 120
    )]
    pub writes_per_minute: u32,
    /// Reads that compute per call (recommendations, a meeting's free slots, the data
    /// export) one participant may make per minute, through the API or the pages; one more
    /// is a 429 with `Retry-After`. The organiser is not limited.
    #[arg(
        long = "expensive-reads-per-minute",
        env = "RENDEZVOUS_EXPENSIVE_READS_PER_MINUTE",
        default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(1..=100_000)
    )]
    pub expensive_reads_per_minute: u32,
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
    /// A bearer token that reads `/metrics` and nothing else, for a Prometheus scraper (the
    /// organiser's token reads them too); unset, only the organiser's does.
    #[arg(
        long = "metrics-token",
        env = "RENDEZVOUS_METRICS_TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
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
    #[command(flatten)]
    pub mail: MailConfig,
}

/// How the node sends mail (`serve` and `worker` alike).
#[derive(clap::Args, Clone)]
pub struct MailConfig {
    /// The SMTP relay: `smtp://user:password@host:587?tls=required` (STARTTLS),
    /// `smtps://…:465` (TLS), `smtp://host:25` (plain). Unset: messages are written as
    /// `.eml` files into `--mail-dir` and listed for the organiser.
    #[arg(long = "smtp-url", env = "RENDEZVOUS_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A PEM file of certificate authorities to trust for the relay, beside the usual ones.
    #[arg(long = "smtp-ca-file", env = "RENDEZVOUS_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Messages handed to the relay per second, by all nodes sharing Redis together (each
    /// node on its own without Redis); set it to the relay's quota.
    #[arg(long = "smtp-per-second", env = "RENDEZVOUS_SMTP_PER_SECOND",
          default_value_t = crate::notify::DEFAULT_PER_SECOND,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub smtp_per_second: u32,
    /// Where messages are written without a relay.
    #[arg(
        long = "mail-dir",
        env = "RENDEZVOUS_MAIL_DIR",
        default_value = "rendezvous-mail"
    )]
    pub mail_dir: PathBuf,
    /// The sender of every message; its domain ends every Message-ID.
    #[arg(
        long = "mail-from",
        env = "RENDEZVOUS_MAIL_FROM",
        default_value = "rendezvous <rendezvous@localhost.localdomain>"
    )]
    pub mail_from: String,
    /// The address participants reach the service at, for the links in messages
    /// (default: `http://` and the listening address).
    #[arg(long = "public-url", env = "RENDEZVOUS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Failed attempts after which a message is marked failed.
    #[arg(long = "mail-max-attempts", env = "RENDEZVOUS_MAIL_MAX_ATTEMPTS", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub mail_max_attempts: u32,
    /// Seconds before the first retry of a failed message; each next retry waits twice as
    /// long, with jitter, up to `--mail-retry-max-seconds`.
    #[arg(
        long = "mail-retry-seconds",
        env = "RENDEZVOUS_MAIL_RETRY_SECONDS",
        default_value_t = 30.0
    )]
    pub mail_retry_seconds: f64,
    #[arg(
        long = "mail-retry-max-seconds",
        env = "RENDEZVOUS_MAIL_RETRY_MAX_SECONDS",
        default_value_t = 3600.0
    )]
    pub mail_retry_max_seconds: f64,
    /// Seconds between two looks for meetings whose reminder is due.
    #[arg(
        long = "reminder-scan-seconds",
        env = "RENDEZVOUS_REMINDER_SCAN_SECONDS",
        default_value_t = 30.0
    )]
    pub reminder_scan_seconds: f64,
}

/// Seconds from the command line as a duration (negative or not a number: zero).
fn seconds(value: f64) -> std::time::Duration {
    std::time::Duration::try_from_secs_f64(value).unwrap_or_default()
}

impl MailConfig {
    /// The sender's settings; links go to `public_url` or, unset, to `listening`.
    pub fn settings(&self, listening: SocketAddr) -> crate::notify::MailSettings {
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}"));
        let mut settings = crate::notify::MailSettings::new(self.mail_dir.clone(), public_url);
        settings.smtp_url = self.smtp_url.clone().filter(|u| !u.trim().is_empty());
        settings.smtp_ca_file = self.smtp_ca_file.clone();
        settings.from = self.mail_from.clone();
        settings.per_second = self.smtp_per_second;
        settings.max_attempts = self.mail_max_attempts;
        settings.retry_base = seconds(self.mail_retry_seconds).max(std::time::Duration::from_millis(10));
        settings.retry_cap = seconds(self.mail_retry_max_seconds).max(settings.retry_base);
        settings.reminder_scan =
            seconds(self.reminder_scan_seconds).max(std::time::Duration::from_millis(10));
        settings
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_ca_file: None,
            smtp_per_second: crate::notify::DEFAULT_PER_SECOND,
            mail_dir: PathBuf::from("rendezvous-mail"),
            mail_from: "rendezvous <rendezvous@localhost.localdomain>".into(),
            public_url: None,
            mail_max_attempts: 8,
            mail_retry_seconds: 30.0,
            mail_retry_max_seconds: 3600.0,
            reminder_scan_seconds: 30.0,
        }
    }
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The relay URL may hold a password.
        f.debug_struct("MailConfig")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<set>"))
            .field("mail_dir", &self.mail_dir)
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .finish()
    }
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
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "<set>"))
            .field("mail", &self.mail)
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
            request_timeout_seconds: 60,
            streams_per_token: 4,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            writes_per_minute: 120,
            expensive_reads_per_minute: 60,
            requests_per_hour: 60,
            organiser_token,
            metrics_token: None,
            log_json: false,
            mail: MailConfig::default(),
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
