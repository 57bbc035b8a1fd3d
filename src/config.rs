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
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &self.database_url)
            .field("redis_url", &self.redis_url)
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
            organiser_token,
            log_json: false,
        }
    }
}

/// Starts structured logging (`RUST_LOG` filters; default `info`).
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
