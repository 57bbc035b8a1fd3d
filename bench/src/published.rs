//! The morning of day 1, as the benchmarks that measure it start from: a generated expo
//! loaded into a database, scheduled by a short solve and published through one node's
//! router (no sockets, no rate limits, no workers).

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::Value;
use tower::ServiceExt as _;

use rendezvous::app::{self, App};
use rendezvous::cli::BadInput;
use rendezvous::config::Config;
use rendezvous::sample::{Expo, SampleSpec};
use rendezvous::store::{self, DynStore};

use crate::agenda::schedule;
use crate::load::load;

pub(crate) struct PublishedExpo {
    pub expo: Expo,
    pub store: DynStore,
    pub event: String,
    /// Each participant's id and bearer token, in the sample's order.
    pub tokens: Vec<(String, String)>,
    pub node: App,
    /// The node's organiser token.
    pub organiser: String,
    pub database_url: String,
    /// Holds the SQLite file when no database was named; removed on drop.
    scratch: PathBuf,
}

impl PublishedExpo {
    /// `database_url`: an empty database, or `None` for a fresh SQLite file named after
    /// `bench`.
    pub async fn new(
        spec: &SampleSpec,
        bench: &str,
        database_url: Option<String>,
        solve_seconds: u64,
    ) -> anyhow::Result<Self> {
        let expo = Expo::generate(spec).map_err(|e| BadInput(format!("sample: {e}")))?;
        let scratch = std::env::temp_dir().join(rendezvous::domain::ids::new_id(&format!(
            "rendezvous-bench-{bench}"
        )));
        std::fs::create_dir_all(&scratch)?;
        let database_url = database_url.unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                scratch.join(format!("{bench}.db")).display()
            )
        });
        let store = store::connect(&database_url).await?;
        let (event, tokens) = load(store.as_ref(), &expo).await?;
        analyse(&database_url).await?;
        let run = schedule(store.as_ref(), &event, solve_seconds).await?;
        let organiser = rendezvous::domain::ids::new_organiser_token();
        let mut config = Config::new(database_url.clone(), Some(organiser.clone()));
        config.workers = Some(0);
        config.writes_per_minute = u32::MAX;
        config.requests_per_hour = u32::MAX;
        let node = app::build(&config).await?;
        let (status, _) = send(
            &node,
            "POST",
            &format!("/api/v1/events/{event}/schedules/{run}/publish"),
            &organiser,
            Some(Value::Object(Default::default())),
        )
        .await?;
        anyhow::ensure!(status == 200, "publish: {status}");
        Ok(Self {
            expo,
            store,
            event,
            tokens,
            node,
            organiser,
            database_url,
            scratch,
        })
    }

    /// The backend's name, for the report.
    pub fn backend(&self) -> &'static str {
        if self.database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

impl Drop for PublishedExpo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Fresh planner statistics after the bulk load, as autovacuum would gather them on a
/// production server (it is off on the test machines' PostgreSQL): without them the planner
/// guesses hundreds of requests per participant and scans the whole requests table.
async fn analyse(database_url: &str) -> anyhow::Result<()> {
    if database_url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(database_url).await?;
        sqlx::query("ANALYZE").execute(&pool).await?;
        pool.close().await;
    }
    Ok(())
}

/// One request through the router: its status and JSON body.
pub(crate) async fn send(
    app: &App,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))?;
    let response = app.router.clone().oneshot(request).await?;
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
}

/// Signs in with a personal link (a participant's or the organiser's token), as a browser
/// would; returns the session cookie (`name=value`).
pub(crate) async fn sign_in(node: &App, token: &str) -> anyhow::Result<String> {
    let request = Request::builder()
        .uri(format!("/login?token={token}"))
        .body(Body::empty())?;
    let response = node.router.clone().oneshot(request).await?;
    anyhow::ensure!(
        response.status().is_redirection(),
        "sign-in: {}",
        response.status()
    );
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|c| c.starts_with("rv_session="))
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("sign-in set no session cookie"))
}
