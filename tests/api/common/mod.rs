//! The test harness: the real app on a random port with its own fresh database, a fresh
//! SQLite file or a new PostgreSQL database, dropped at the end.
#![allow(dead_code)]

use std::time::Duration;

use rendezvous::app;
use rendezvous::config::Config;
use rendezvous::store::DynStore;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection as _;

/// The two storage backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The organiser token every test app uses.
pub const ORGANISER: &str = "test-organiser-token";

/// The configured PostgreSQL, or a throwaway one when that does not answer.
fn postgres_admin_url() -> String {
    crate::servers::postgres_url()
}

/// A fresh, empty database; removed when dropped.
pub struct FreshDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl FreshDatabase {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("rendezvous.db").display());
                Self {
                    url,
                    _dir: Some(dir),
                    postgres_name: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("rdv_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                conn.close().await.ok();
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin);
                Self {
                    url: format!("{base}/{name}"),
                    _dir: None,
                    postgres_name: Some(name),
                }
            }
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs outside async: use a small runtime of its own on another thread.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

/// The running app.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: DynStore,
    pub backend: Backend,
    pub database_url: String,
    /// Where this node writes messages when it has no SMTP relay.
    pub mail_dir: std::path::PathBuf,
    /// This node's mailer, for tests that run a reminder scan at a time of their choosing.
    pub mailer: rendezvous::notify::Mailer,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<()>>,
    db: Option<FreshDatabase>,
    _mail: tempfile::TempDir,
}

/// A response: status, headers, body as text and JSON (Null when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The JSON pointers of a 422's `errors`.
    pub fn pointers(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["pointer"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }
}

impl TestApp {
    /// The app on a fresh database, with its defaults (in-process queue and solver).
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// The app on a fresh database, with `configure` applied to the test defaults.
    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let db = FreshDatabase::new(backend).await;
        let mut app = Self::node(db.url.clone(), backend, configure).await;
        app.db = Some(db);
        app
    }

    /// Another node of the same deployment: the same database, its own process state.
    pub async fn another_node(&self, configure: impl FnOnce(&mut Config)) -> Self {
        Self::node(self.database_url.clone(), self.backend, configure).await
    }

    async fn node(database_url: String, backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let mut config = Config::new(database_url.clone(), Some(ORGANISER.into()));
        // Tests send bursts of writes from one token; the rate-limit tests set their own.
        config.writes_per_minute = 1_000_000;
        config.requests_per_hour = 1_000_000;
        let mail = tempfile::tempdir().expect("mail folder");
        config.mail.mail_dir = mail.path().to_path_buf();
        configure(&mut config);
        let mail_dir = config.mail.mail_dir.clone();
        let built = app::build(&config).await.expect("build app");
        let store = built.state.store.clone();
        let mailer = built.state.mailer.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(async move {
            app::serve(listener, built, async {
                rx.await.ok();
            })
            .await
            .expect("serve");
        });
        Self {
            base,
            client: reqwest::Client::new(),
            store,
            backend,
            database_url,
            mail_dir,
            mailer,
            shutdown: Some(tx),
            served: Some(served),
            db: None,
            _mail: mail,
        }
    }

    /// Shuts the node down gracefully and waits until it has stopped serving.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(served) = self.served.take() {
            served.await.expect("serve task");
        }
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        reply(request.send().await.expect("request")).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// Creates the Smart City Expo Casablanca 2027 event; returns its JSON.
    pub async fn expo(&self) -> Value {
        self.post("/api/v1/events", Some(ORGANISER), expo_body())
            .await
            .expect(201)
            .json
            .clone()
    }

    pub async fn room(&self, event: &str, name: &str, capacity: u32, features: &[&str]) -> String {
        let body = json!({"name": name, "capacity": capacity, "features": features});
        id(&self
            .post(&format!("/api/v1/events/{event}/rooms"), Some(ORGANISER), body)
            .await
            .expect(201)
            .json)
    }

    /// Registers a participant; returns (id, token).
    pub async fn participant(&self, event: &str, body: Value) -> (String, String) {
        let reply = self
            .post(
                &format!("/api/v1/events/{event}/participants"),
                Some(ORGANISER),
                body,
            )
            .await;
        reply.expect(201);
        (
            id(&reply.json),
            reply.json["token"].as_str().expect("token").to_string(),
        )
    }

    /// A participant of a kind with a name; returns (id, token).
    pub async fn simple_participant(&self, event: &str, name: &str) -> (String, String) {
        self.participant(event, json!({"name": name, "kind": "company"}))
            .await
    }

    /// A request from `token` to `with`; returns its id.
    pub async fn request(
        &self,
        event: &str,
        token: &str,
        with: &[&str],
        minutes: u32,
        priority: u32,
    ) -> String {
        let body = json!({"with": with, "duration_minutes": minutes, "priority": priority});
        id(&self
            .post(&format!("/api/v1/events/{event}/requests"), Some(token), body)
            .await
            .expect(201)
            .json)
    }

    pub async fn answer(&self, event: &str, request: &str, token: &str, verb: &str) -> Reply {
        self.post(
            &format!("/api/v1/events/{event}/requests/{request}/{verb}"),
            Some(token),
            json!({}),
        )
        .await
    }

    /// Waits for a run to leave queued/running; returns its final JSON.
    pub async fn wait_for_run(&self, event: &str, run: &str) -> Value {
        for _ in 0..600 {
            let reply = self
                .get(
                    &format!("/api/v1/events/{event}/schedules/{run}"),
                    Some(ORGANISER),
                )
                .await;
            reply.expect(200);
            let status = reply.json["status"].as_str().unwrap_or_default().to_string();
            if status == "done" || status == "failed" {
                return reply.json;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("run {run} did not finish");
    }

    /// Records a finished run whose schedule is given by hand, as `(request, slot, room)`:
    /// a stand-in for the solver when a test needs exact placements (or a broken schedule).
    pub async fn hand_made_run(&self, event: &str, placements: &[(&str, &str, &str)]) -> String {
        use rendezvous::store::{RunResult, ScheduleRun};
        let doc = rendezvous::jobs::problem_doc(self.store.as_ref(), event)
            .await
            .expect("problem");
        let id = format!("sch_hand_{}", uuid::Uuid::new_v4().simple());
        let fence = self.store.run_fence(event).await.expect("fence") + 1;
        self.store
            .create_run(&ScheduleRun::queued(&id, event, 1))
            .await
            .expect("create run");
        self.store
            .start_run(event, &id, &serde_json::to_string(&doc).expect("json"), fence)
            .await
            .expect("start run");
        let placed: Vec<&str> = placements.iter().map(|p| p.0).collect();
        let solution = json!({
            "format": "rendezvous-solution/1",
            "status": "feasible",
            "objective": 0,
            "bound": null,
            "assignments": placements.iter().map(|(m, s, r)| json!({"meeting": m, "slot": s, "room": r})).collect::<Vec<_>>(),
            "unscheduled": doc.meetings.iter().filter(|m| !placed.contains(&m.id.as_str()))
                .map(|m| json!({"meeting": m.id, "reason": "left out by hand"})).collect::<Vec<_>>(),
        });
        self.store
            .finish_run(
                &id,
                &RunResult {
                    objective: 0,
                    bound: None,
                    placed: placements.len() as i64,
                    unscheduled: (doc.meetings.len() - placements.len()) as i64,
                    solution: solution.to_string(),
                },
                fence,
            )
            .await
            .expect("finish run");
        id
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = &self.db;
    }
}

async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// The `id` field of a JSON object.
pub fn id(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {value}"))
        .to_string()
}

/// The spec's example event.
pub fn expo_body() -> Value {
    json!({
        "name": "Smart City Expo Casablanca 2027",
        "timezone": "Africa/Casablanca",
        "slot_minutes": 20,
        "days": [
            {"date": "2027-04-17", "sessions": [["10:00", "13:00"], ["14:30", "18:00"]]},
            {"date": "2027-04-18", "sessions": [["10:00", "13:00"], ["14:30", "17:00"]]}
        ]
    })
}

/// Runs an async test body once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}
