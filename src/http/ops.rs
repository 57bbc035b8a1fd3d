//! Operations: liveness, readiness, Prometheus metrics. Liveness and readiness are open (a
//! load balancer asks them); metrics are not: per-route counts and latencies say who uses
//! the service how much, so `/metrics` wants the organiser's token or the metrics token
//! (`RENDEZVOUS_METRICS_TOKEN`, for a scraper that should hold nothing else). The route
//! stays on the one router: a deployment need not bind a second port for it.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{Caller, bearer_token, resolve};
use super::error::{ApiError, ApiResult, Problem};
use crate::domain::ids::hash_token;
use crate::state::AppState;

/// Latency buckets in seconds. Histograms rather than the exporter's default summaries: a
/// histogram's buckets add up across the nodes of a deployment, a summary's quantiles do not.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often recorded samples are folded into their buckets. The recorder keeps every sample
/// of a histogram until an upkeep drains it, and `build_recorder` runs none by itself: without
/// this, a node that nobody scraped grew by every request it answered.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The name of the thread that runs the upkeep (tests look for it).
pub const UPKEEP_THREAD: &str = "metrics-upkeep";

/// The process-wide Prometheus recorder (metrics macros write to one global recorder, so
/// every app in the process shares it), with its upkeep on a thread of its own.
pub fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let recorder = match builder.set_buckets(LATENCY_BUCKETS) {
                Ok(with_buckets) => with_buckets.build_recorder(),
                Err(err) => {
                    tracing::warn!(error = %err, "latency buckets refused; summaries instead");
                    PrometheusBuilder::new().build_recorder()
                }
            };
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
            }
            let upkept = handle.clone();
            let started = std::thread::Builder::new()
                .name(UPKEEP_THREAD.into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkept.run_upkeep();
                    }
                });
            if let Err(err) = started {
                tracing::warn!(error = %err, "no metrics upkeep thread: samples wait for a scrape");
            }
            handle
        })
        .clone()
}

/// Counts requests and their latency by route and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(request).await;
    let labels = [
        ("method", method),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// A health answer.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics_text))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "ok".into() })
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
async fn readyz(State(state): State<AppState>) -> ApiResult<axum::Json<Health>> {
    match state.store.ping().await {
        Ok(()) => Ok(axum::Json(Health {
            status: "ready".into(),
        })),
        Err(err) => {
            tracing::warn!(error = %err, "database not reachable");
            Err(ApiError::Unavailable("the database is not reachable".into()))
        }
    }
}

/// Prometheus metrics: with the organiser's token or the metrics token
/// (`RENDEZVOUS_METRICS_TOKEN`), which reads nothing else.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
async fn metrics_text(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let token = bearer_token(&headers).ok_or(ApiError::Unauthorized)?;
    let is_scraper = state
        .metrics_token_hash
        .as_deref()
        .is_some_and(|hash| hash == hash_token(token));
    if !is_scraper {
        match resolve(&state, token).await? {
            Caller::Organiser => {}
            Caller::Participant(_) => {
                return Err(ApiError::forbidden(
                    "metrics are the organiser's (or the metrics token's)",
                ));
            }
        }
    }
    state.metrics.run_upkeep();
    let mut response = (StatusCode::OK, state.metrics.render()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    Ok(response)
}
