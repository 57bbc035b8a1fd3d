//! `rendezvous worker`: solver workers taking jobs from the Redis queue, sharing the
//! database with the `rendezvous serve` nodes. Stop it with SIGTERM or ctrl-c: a running
//! solve stops early and stores its best schedule; a worker killed outright loses nothing
//! either, its job runs again elsewhere once its lease expires.

use std::process::ExitCode;

use crate::cluster::Cluster;
use crate::config::{Config, run_service};
use crate::jobs::spawn_workers;
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
            ..Config::new(self.database_url, None)
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    run_service(args.config(), work)
}

async fn work(config: Config) -> anyhow::Result<()> {
    let store = store::connect(&config.database_url).await?;
    let cluster_config = config.cluster();
    let cluster = Cluster::connect_with(cluster_config.clone()).await?;
    let (shutdown, _) = tokio::sync::watch::channel(false);
    let workers = spawn_workers(
        &store,
        &cluster,
        config.workers.unwrap_or(1),
        cluster_config.job_lease_ttl,
        &shutdown,
    );
    eprintln!("rendezvous worker: {} solver(s) waiting for jobs", workers.len());
    crate::app::shutdown_signal().await;
    shutdown.send_replace(true);
    for worker in workers {
        worker.await.ok();
    }
    cluster.shutdown().await;
    Ok(())
}
