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
    check_organiser_token(&args.config)?;
    run_service(args.config, serve)
}

/// A chosen organiser token must be strong (`demo` makes its own and skips this); unset, one
/// is generated. A metrics token too, when set.
pub(super) fn check_organiser_token(config: &Config) -> anyhow::Result<()> {
    for (token, variable) in [
        (&config.organiser_token, "RENDEZVOUS_ORGANISER_TOKEN"),
        (&config.metrics_token, "RENDEZVOUS_METRICS_TOKEN"),
    ] {
        if let Some(token) = token.as_deref().filter(|t| !t.trim().is_empty()) {
            crate::domain::ids::check_token_strength(token, variable).map_err(super::BadInput)?;
        }
    }
    Ok(())
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
