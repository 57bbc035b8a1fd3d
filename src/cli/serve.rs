//! `rendezvous serve`: the HTTP API (and, without Redis, the solver in-process).

use std::process::ExitCode;

use crate::app;
use crate::config::{Config, run_service};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: Config,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    run_service(args.config, serve)
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = app::build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    if let Some(token) = &app.generated_organiser_token {
        eprintln!("Organiser token (shown once; set RENDEZVOUS_ORGANISER_TOKEN to choose your own): {token}");
    }
    eprintln!("rendezvous listening on http://{addr}  (API docs: http://{addr}/api/v1/docs/)");
    tracing::info!(%addr, "listening");
    app::serve(listener, app, app::shutdown_signal()).await
}
