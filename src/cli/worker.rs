//! `rendezvous worker`: solver workers taking jobs from the Redis queue, sharing the
//! database with the `rendezvous serve` nodes. Stop it with SIGTERM or ctrl-c: a running
//! solve stops early and stores its best schedule; a worker killed outright loses nothing
//! either, its job runs again elsewhere once its lease expires. A worker also sends mail
//! from the shared outbox, like every `serve` node.

use std::process::ExitCode;

use crate::app::ORGANISER_TOKEN_SETTING;
use crate::cluster::Cluster;
use crate::config::{Config, MailConfig, run_service};
use crate::domain::ids::hash_token;
use crate::jobs::spawn_workers;
use crate::notify::Mailer;
use crate::store;

/// Only what a worker uses: no address, no organiser token, no write limits.
#[derive(clap::Args)]
pub struct Args {
    /// The database the `serve` nodes use: `sqlite://…` or `postgres://…`.
    #[arg(long = "database-url", env = "DATABASE_URL")]
    pub database_url: String,
    /// The Redis the `serve` nodes queue solve jobs on (without Redis, `rendezvous serve`
    /// solves in-process and needs no worker).
    #[arg(long = "redis-url", env = "REDIS_URL")]
    pub redis_url: String,
    /// Prefix of every Redis key and channel, as the `serve` nodes were given.
    #[arg(
        long = "redis-prefix",
        env = "RENDEZVOUS_REDIS_PREFIX",
        default_value = "rendezvous"
    )]
    pub redis_prefix: String,
    /// Solves this process runs at once (at least 1).
    #[arg(long = "workers", env = "RENDEZVOUS_WORKERS", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: u16,
    /// Seconds a taken solve job stays leased without a heartbeat before it runs elsewhere.
    #[arg(
        long = "job-lease-seconds",
        env = "RENDEZVOUS_JOB_LEASE_SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub job_lease_seconds: u64,
    /// Write logs as JSON lines.
    #[arg(long = "log-json", env = "RENDEZVOUS_LOG_JSON")]
    pub log_json: bool,
    /// The organiser's token, as the `serve` nodes were given it: the worker's mail sender
    /// signs invitation links with it. Unset: the hash a `serve` node generated and stored
    /// is used; without either, this worker leaves invitations to the `serve` nodes.
    #[arg(
        long = "organiser-token",
        env = "RENDEZVOUS_ORGANISER_TOKEN",
        hide_env_values = true
    )]
    pub organiser_token: Option<String>,
    #[command(flatten)]
    pub mail: MailConfig,
}

impl Args {
    /// The service settings these options make; the rest keep their defaults, unused here.
    fn config(self) -> Config {
        Config {
            redis_url: Some(self.redis_url),
            redis_prefix: self.redis_prefix,
            workers: Some(usize::from(self.workers)),
            job_lease_seconds: self.job_lease_seconds,
            log_json: self.log_json,
            mail: self.mail,
            ..Config::new(self.database_url, self.organiser_token)
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.config();
    super::serve::check_organiser_token(&config)?;
    run_service(config, work)
}

async fn work(config: Config) -> anyhow::Result<()> {
    let store = store::connect(&config.database_url).await?;
    let cluster_config = config.cluster();
    let cluster = Cluster::connect_with(cluster_config.clone()).await?;
    let (shutdown, shutdown_rx) = tokio::sync::watch::channel(false);
    let mut workers = spawn_workers(
        &store,
        &cluster,
        config.workers.unwrap_or(1),
        cluster_config.job_lease_ttl,
        &shutdown,
    );
    eprintln!("rendezvous worker: {} solver(s) waiting for jobs", workers.len());
    let organiser_token_hash = match config.organiser_token.as_deref().map(str::trim) {
        Some(token) if !token.is_empty() => Some(hash_token(token)),
        _ => store.setting(ORGANISER_TOKEN_SETTING).await?,
    };
    if config.mail.public_url.is_none() {
        tracing::warn!(
            "RENDEZVOUS_PUBLIC_URL is unset: links in this worker's messages point at the default serve address"
        );
    }
    if organiser_token_hash.is_none() {
        tracing::warn!(
            "no organiser token known: this worker's mail sender leaves invitations to the serve nodes"
        );
    }
    let mailer = Mailer::new(
        store.clone(),
        Default::default(),
        &cluster,
        config.mail.settings(crate::config::DEFAULT_ADDR.parse()?),
        organiser_token_hash.as_deref(),
    )?;
    workers.extend(mailer.spawn(&shutdown_rx));
    crate::app::shutdown_signal().await;
    shutdown.send_replace(true);
    for worker in workers {
        worker.await.ok();
    }
    cluster.shutdown().await;
    Ok(())
}
