//! `rendezvous worker`: solver workers taking jobs from the Redis queue, sharing the
//! database with the `rendezvous serve` nodes. Stop it with SIGTERM or ctrl-c: a running
//! solve stops early and stores its best schedule; a worker killed outright loses nothing
//! either, its job runs again elsewhere once its lease expires.

use std::process::ExitCode;

use crate::cluster::Cluster;
use crate::config::{Config, run_service};
use crate::jobs::spawn_workers;
use crate::store;

#[derive(clap::Args)]
pub struct Args {
    /// The same settings as `rendezvous serve`; `--workers` (default 1) is the number of
    /// solves this process runs at once, and `REDIS_URL` is required.
    #[command(flatten)]
    pub config: Config,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    run_service(args.config, work)
}

async fn work(config: Config) -> anyhow::Result<()> {
    if config.redis_url.is_none() {
        anyhow::bail!(
            "`rendezvous worker` takes jobs from Redis: set REDIS_URL (or --redis-url). Without \
             Redis, `rendezvous serve` solves in-process"
        );
    }
    let store = store::connect(&config.database_url).await?;
    let cluster_config = config.cluster();
    let cluster = Cluster::connect_with(cluster_config.clone()).await?;
    let (shutdown, _) = tokio::sync::watch::channel(false);
    let workers = spawn_workers(
        &store,
        &cluster,
        config.workers.unwrap_or(1).max(1),
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
