//! Scale-out, end to end on the machine's PostgreSQL and Redis: several API nodes and solver
//! workers sharing one database and one Redis (each test under its own database and key
//! prefix), a worker killed mid-solve, Redis going away, rate limits across nodes.

use crate::cluster_support;
use crate::common;

use std::time::Duration;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::Method;
use serde_json::{Value, json};

use cluster_support::{ThrowawayRedis, eventually, redis_url, unique_prefix};
use rendezvous::cluster::{Cluster, ClusterConfig};
use rendezvous::jobs::{WorkerSettings, run_worker};

/// A node that solves nothing itself: jobs go to Redis for the workers.
fn api_node(redis: String, prefix: String) -> impl FnOnce(&mut rendezvous::config::Config) {
    move |config| {
        config.redis_url = Some(redis);
        config.redis_prefix = prefix;
        config.workers = Some(0);
        config.job_lease_seconds = 1;
    }
}

/// An event with `people` participants, each requesting meetings with the next `per` ones,
/// all accepted. Returns the event id and the participants as (id, token).
async fn busy_event(app: &TestApp, people: usize, per: usize) -> (String, Vec<(String, String)>) {
    let event = id(&app.expo().await);
    for table in 0..people / 2 {
        app.room(&event, &format!("Table {table}"), 2, &[]).await;
    }
    let mut who = Vec::new();
    for n in 0..people {
        who.push(
            app.participant(
                &event,
                json!({"name": format!("Delegate {n}"), "kind": if n % 2 == 0 { "delegation" } else { "company" }}),
            )
            .await,
        );
    }
    for n in 0..people {
        for k in 1..=per {
            let other = (n + k) % people;
            let request = app
                .request(&event, &who[n].1, &[&who[other].0], 20, 1 + (n + k) as u32 % 5)
                .await;
            app.answer(&event, &request, &who[other].1, "accept")
                .await
                .expect(200);
        }
    }
    (event, who)
}

/// Queues a run through `app`; returns its id.
async fn queue_run(app: &TestApp, event: &str, seconds: u32) -> String {
    let run = app
        .post(
            &format!("/api/v1/events/{event}/schedules"),
            Some(ORGANISER),
            json!({"time_limit_seconds": seconds}),
        )
        .await;
    run.expect(202);
    id(&run.json)
}

/// Waits until the run's status says a worker is running it; returns its path.
async fn wait_until_running(app: &TestApp, event: &str, run: &str) -> String {
    let path = format!("/api/v1/events/{event}/schedules/{run}");
    let running = eventually(Duration::from_secs(30), || async {
        app.get(&path, Some(ORGANISER)).await.json["status"] == "running"
    })
    .await;
    assert!(running, "a worker started the run");
    path
}

/// Reads Server-Sent Events from a streaming response.
struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    async fn open(app: &TestApp, path: &str, token: &str) -> Self {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("open event stream");
        assert_eq!(response.status(), 200, "event stream refused");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event as (name, data), or None when the stream ended.
    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                return Some((name, serde_json::from_str(&data).expect("event data is JSON")));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(60), self.response.chunk())
                .await
                .expect("an event within a minute")
                .expect("read the stream")?;
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }
}

fn worker_settings(name: &str) -> WorkerSettings {
    WorkerSettings {
        id: format!("{name}-{}", uuid::Uuid::new_v4().simple()),
        event_lease_ttl: Duration::from_secs(1),
        poll: Duration::from_millis(200),
        reap_every: Duration::from_millis(300),
    }
}

async fn worker_cluster(prefix: &str) -> Cluster {
    Cluster::connect_with(ClusterConfig {
        redis_url: Some(redis_url()),
        key_prefix: prefix.to_owned(),
        job_lease_ttl: Duration::from_secs(1),
        ..ClusterConfig::default()
    })
    .await
    .expect("worker cluster")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn solve_through_one_node_watched_and_announced_on_another() {
    let prefix = unique_prefix("scale-two-nodes");
    let a = TestApp::start_with(Backend::Postgres, api_node(redis_url(), prefix.clone())).await;
    let b = a.another_node(api_node(redis_url(), prefix.clone())).await;
    let (event, who) = busy_event(&a, 10, 2).await;

    // Queued through A; no worker is running yet, so B's watcher sees the whole run.
    let run = queue_run(&a, &event, 2).await;
    let mut progress = SseReader::open(
        &b,
        &format!("/api/v1/events/{event}/schedules/{run}/events"),
        ORGANISER,
    )
    .await;
    let (name, first) = progress.next().await.expect("the current state first");
    assert_eq!(
        (name.as_str(), first["status"].as_str()),
        ("status", Some("queued"))
    );
    let mut updates_a = SseReader::open(&a, &format!("/api/v1/events/{event}/updates"), &who[0].1).await;
    let mut updates_b = SseReader::open(&b, &format!("/api/v1/events/{event}/updates"), ORGANISER).await;
    assert_eq!(
        updates_a.next().await.expect("current version").1,
        json!({"version": null, "revision": 0})
    );
    assert_eq!(
        updates_b.next().await.expect("current version").1,
        json!({"version": null, "revision": 0})
    );

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(
        a.store.clone(),
        worker_cluster(&prefix).await,
        worker_settings("solo"),
        stopped,
    ));

    let mut statuses = Vec::new();
    let mut progress_events = 0;
    while let Some((name, data)) = progress.next().await {
        match name.as_str() {
            "status" => statuses.push(data["status"].as_str().unwrap_or_default().to_owned()),
            "progress" => {
                assert!(
                    data["incumbent"].is_i64(),
                    "progress carries the incumbent: {data}"
                );
                assert!(data["elapsed_seconds"].is_number());
                progress_events += 1;
            }
            other => panic!("unexpected event {other}"),
        }
    }
    assert_eq!(
        statuses,
        ["running", "done"],
        "the stream ends after the final status"
    );
    assert!(progress_events >= 1, "progress reached node B");

    let done = b.wait_for_run(&event, &run).await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["attempts"], 1);
    a.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(
        updates_a.next().await.expect("announced on A").1,
        json!({"version": 1, "revision": 1})
    );
    assert_eq!(
        updates_b.next().await.expect("announced on B").1,
        json!({"version": 1, "revision": 1})
    );

    // Every node serves the same agenda, with the same validator.
    let path = format!("/api/v1/events/{event}/participants/{}/agenda", who[3].0);
    let from_a = a.get(&path, Some(&who[3].1)).await;
    let from_b = b.get(&path, Some(&who[3].1)).await;
    from_a.expect(200);
    from_b.expect(200);
    assert_eq!(from_a.json, from_b.json);
    assert!(!from_a.json["meetings"].as_array().unwrap().is_empty());
    let etag = from_a.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(from_b.headers["etag"].to_str().unwrap(), etag);
    let revalidated = b
        .raw(
            Method::GET,
            &path,
            Some(&who[3].1),
            "application/json",
            "",
            &[("if-none-match", &etag)],
        )
        .await;
    revalidated.expect(304);

    stop.send_replace(true);
    worker.await.unwrap();
    cluster_support::cleanup(cluster_support::Backend::Redis, &prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_mid_solve_is_replaced_and_the_run_completes_once() {
    let prefix = unique_prefix("scale-killed");
    let api = TestApp::start_with(Backend::Postgres, api_node(redis_url(), prefix.clone())).await;
    let (event, _) = busy_event(&api, 24, 4).await;

    // A real worker process, killed (SIGKILL) while it solves: no clean-up of any kind.
    let mut doomed = std::process::Command::new(env!("CARGO_BIN_EXE_rendezvous"))
        .arg("worker")
        .env("DATABASE_URL", &api.database_url)
        .env("REDIS_URL", redis_url())
        .env("RENDEZVOUS_REDIS_PREFIX", &prefix)
        .env("RENDEZVOUS_JOB_LEASE_SECONDS", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start a worker process");
    let run = queue_run(&api, &event, 4).await;
    let path = wait_until_running(&api, &event, &run).await;
    doomed.kill().expect("kill the worker");
    doomed.wait().expect("reap the worker");
    assert_eq!(api.get(&path, Some(ORGANISER)).await.json["status"], "running");

    // Another worker notices the abandoned job once its lease expires, and runs it again.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let rescuer = tokio::spawn(run_worker(
        api.store.clone(),
        worker_cluster(&prefix).await,
        worker_settings("rescuer"),
        stopped,
    ));
    let done = api.wait_for_run(&event, &run).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["attempts"], 2, "the second worker ran it again: {done}");

    // The stored result is whole and valid.
    let stored = api.store.run(&event, &run).await.unwrap();
    let problem = rendezvous_solver::Problem::from_json(stored.problem.as_deref().unwrap()).unwrap();
    let solution = rendezvous_solver::parse_solution(stored.solution.as_deref().unwrap()).unwrap();
    let report = rendezvous_solver::check(&problem, &solution);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    assert_eq!(Some(report.objective), stored.objective);

    // Completed once: nothing left in the queue, and the run does not start again.
    let queue = worker_cluster(&prefix).await.queue;
    assert_eq!(queue.pending().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let later = api.store.run(&event, &run).await.unwrap();
    assert_eq!(
        (later.attempts, later.updated_at),
        (stored.attempts, stored.updated_at)
    );

    stop.send_replace(true);
    rescuer.await.unwrap();
    cluster_support::cleanup(cluster_support::Backend::Redis, &prefix).await;
}

/// A published event on `app`: (event, participant id, token).
async fn published_event(app: &TestApp) -> (String, String, String) {
    let (event, who) = busy_event(app, 6, 1).await;
    let requests = app.store.requests(&event, None).await.unwrap();
    let slots = app
        .get(&format!("/api/v1/events/{event}"), Some(ORGANISER))
        .await
        .json["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    let rooms = app.store.rooms(&event).await.unwrap();
    let placements: Vec<(String, String, String)> = requests
        .iter()
        .enumerate()
        .map(|(n, r)| (r.id.clone(), slots[n].clone(), rooms[0].id.clone()))
        .collect();
    let placements: Vec<(&str, &str, &str)> = placements
        .iter()
        .map(|(r, s, room)| (r.as_str(), s.as_str(), room.as_str()))
        .collect();
    let run = app.hand_made_run(&event, &placements).await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let (participant, token) = who[0].clone();
    (event, participant, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_and_plain_writes_survive_redis_going_away_and_caching_resumes() {
    let redis = ThrowawayRedis::start().await;
    let prefix = unique_prefix("scale-outage");
    let app = TestApp::start_with(Backend::Postgres, api_node(redis.url(), prefix.clone())).await;
    let (event, participant, token) = published_event(&app).await;
    let agenda = format!("/api/v1/events/{event}/participants/{participant}/agenda");
    let cached_keys = || async {
        let client = redis::Client::open(redis.url()).unwrap();
        match client.get_multiplexed_async_connection().await {
            Ok(mut conn) => redis::cmd("KEYS")
                .arg(format!("{prefix}:tt:*"))
                .query_async::<Vec<String>>(&mut conn)
                .await
                .unwrap_or_default()
                .len(),
            Err(_) => 0,
        }
    };

    let healthy = app.get(&agenda, Some(&token)).await;
    healthy.expect(200);
    assert!(cached_keys().await > 0, "the agenda went into Redis");

    redis.stop().await;
    let during = app.get(&agenda, Some(&token)).await;
    during.expect(200);
    assert_eq!(during.json, healthy.json, "served from the database");
    // A write that needs no Redis still works (the rate limiter falls back to this node).
    app.participant(&event, json!({"name": "Late registrant", "kind": "researcher"}))
        .await;
    let (_, someone) = app.simple_participant(&event, "Walk-in").await;
    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{event}/participants/{participant}"),
        Some(&token),
        Some(json!({"organization": "Ville de Casablanca"})),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/events/{event}/participants"), Some(&someone))
            .await
            .status,
        200
    );

    redis.restart().await;
    let resumed = eventually(Duration::from_secs(20), || async {
        app.get(&agenda, Some(&token)).await.status == 200 && cached_keys().await > 0
    })
    .await;
    assert!(resumed, "caching resumed once Redis was back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unreachable_redis_fails_no_read() {
    let prefix = unique_prefix("scale-unreachable");
    let app = TestApp::start_with(Backend::Postgres, api_node("redis://127.0.0.1:1".into(), prefix)).await;
    let (event, participant, token) = published_event(&app).await;
    let agenda = format!("/api/v1/events/{event}/participants/{participant}/agenda");
    let reply = app.get(&agenda, Some(&token)).await;
    reply.expect(200);
    assert!(!reply.json["meetings"].as_array().unwrap().is_empty());
    let etag = reply.headers["etag"].to_str().unwrap().to_owned();
    app.raw(
        Method::GET,
        &agenda,
        Some(&token),
        "application/json",
        "",
        &[("if-none-match", &etag)],
    )
    .await
    .expect(304);
    app.get(&format!("{agenda}.ics"), Some(&token)).await.expect(200);
    // Solving needs the queue: a clear 503, and no run left behind.
    let refused = app
        .post(
            &format!("/api/v1/events/{event}/schedules"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    refused.expect(503);
    assert_eq!(refused.content_type(), "application/problem+json");
    app.post(
        &format!("/api/v1/events/{event}/schedules"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn write_rate_limits_hold_across_nodes() {
    let prefix = unique_prefix("scale-ratelimit");
    let limited = |redis: String, prefix: String| {
        move |config: &mut rendezvous::config::Config| {
            api_node(redis, prefix)(config);
            config.writes_per_minute = 6;
        }
    };
    let a = TestApp::start_with(Backend::Postgres, limited(redis_url(), prefix.clone())).await;
    let b = a.another_node(limited(redis_url(), prefix.clone())).await;
    let event = id(&a.expo().await);
    let (me, token) = a.simple_participant(&event, "Eager exhibitor").await;
    let path = format!("/api/v1/events/{event}/participants/{me}");
    for n in 0..6 {
        let node = if n % 2 == 0 { &a } else { &b };
        node.call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"organization": format!("Org {n}")})),
        )
        .await
        .expect(200);
    }
    let refused = b
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"organization": "one too many"})),
        )
        .await;
    refused.expect(429);
    assert_eq!(refused.content_type(), "application/problem+json");
    let retry: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    // Nothing was written by the refused request.
    let profile = a.get(&path, Some(&token)).await;
    assert_eq!(profile.json["organization"], "Org 5");
    // Reads are not limited, and the organiser never is.
    a.get(&path, Some(&token)).await.expect(200);
    for n in 0..10 {
        b.call(
            Method::PATCH,
            &path,
            Some(ORGANISER),
            Some(json!({"organization": format!("Staff {n}")})),
        )
        .await
        .expect(200);
    }
    cluster_support::cleanup(cluster_support::Backend::Redis, &prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_organiser_cancels_a_running_solve_through_another_node() {
    let prefix = unique_prefix("scale-cancel");
    let a = TestApp::start_with(Backend::Postgres, api_node(redis_url(), prefix.clone())).await;
    let b = a.another_node(api_node(redis_url(), prefix.clone())).await;
    let (event, _) = busy_event(&a, 24, 4).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(
        a.store.clone(),
        worker_cluster(&prefix).await,
        worker_settings("cancelled"),
        stopped,
    ));
    let run = queue_run(&a, &event, 600).await;
    let path = wait_until_running(&a, &event, &run).await;
    b.post(&format!("{path}/cancel"), Some(ORGANISER), json!({}))
        .await
        .expect(202);
    // Far sooner than the 600 s limit: the worker stopped.
    let ended = b.wait_for_run(&event, &run).await;
    assert_eq!(ended["status"], "failed");
    assert_eq!(ended["error"], "cancelled by the organiser");
    b.post(&format!("{path}/cancel"), Some(ORGANISER), json!({}))
        .await
        .expect(409);
    // The event is free for the next run.
    let next = queue_run(&a, &event, 1).await;
    assert_eq!(a.wait_for_run(&event, &next).await["status"], "done");
    stop.send_replace(true);
    worker.await.unwrap();
    cluster_support::cleanup(cluster_support::Backend::Redis, &prefix).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_queued_run_is_cancelled_before_any_worker_takes_it() {
    let app = TestApp::start_with(Backend::Sqlite, |config| config.workers = Some(0)).await;
    let (event, _) = busy_event(&app, 4, 1).await;
    let run = app
        .post(
            &format!("/api/v1/events/{event}/schedules"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    run.expect(202);
    let cancelled = app
        .post(
            &format!("/api/v1/events/{event}/schedules/{}/cancel", id(&run.json)),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    cancelled.expect(202);
    assert_eq!(cancelled.json["status"], "failed");
    assert_eq!(cancelled.json["error"], "cancelled by the organiser");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn live_streams_end_cleanly_when_the_node_shuts_down() {
    let mut app = TestApp::start(Backend::Sqlite).await;
    let (event, who) = busy_event(&app, 4, 1).await;
    let run = queue_run(&app, &event, 600).await;
    let mut updates = SseReader::open(&app, &format!("/api/v1/events/{event}/updates"), &who[0].1).await;
    updates.next().await.expect("the current version first");
    let mut progress = SseReader::open(
        &app,
        &format!("/api/v1/events/{event}/schedules/{run}/events"),
        ORGANISER,
    )
    .await;
    progress.next().await.expect("the current state first");
    // Graceful shutdown completes although both streams are open, and both end.
    tokio::time::timeout(Duration::from_secs(30), app.stop())
        .await
        .expect("shutdown does not wait for the streams");
    assert!(updates.next().await.is_none());
    while progress.next().await.is_some() {}
    // The solve stopped early and kept its best schedule.
    assert_eq!(
        app.store.run(&event, &run).await.unwrap().status,
        rendezvous::store::RunStatus::Done
    );
}
