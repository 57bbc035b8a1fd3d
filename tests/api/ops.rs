//! Operations routes, the OpenAPI document (snapshot) and the offline docs page.

use crate::common;

use common::{Backend, ORGANISER, TestApp};

/// A scraper gets its own token, so that Prometheus never holds the organiser's; the
/// organiser's still reads the metrics, nothing else reads them.
#[tokio::test]
async fn a_metrics_token_reads_metrics_and_nothing_else() {
    const SCRAPER: &str = "metrics-Zx8Qp2Lw9Rt5Vb3Nm7Kj4Hg6Fd1Sa0Ye";
    let app = TestApp::start_with(Backend::Sqlite, |c| c.metrics_token = Some(SCRAPER.into())).await;
    let (_, participant) = {
        let e = common::id(&app.expo().await);
        app.simple_participant(&e, "Acme").await
    };
    assert!(
        app.get("/metrics", Some(SCRAPER))
            .await
            .expect(200)
            .text
            .contains("http_requests_total")
    );
    app.get("/metrics", Some(ORGANISER)).await.expect(200);
    app.get("/metrics", Some(&participant)).await.expect(403);
    app.get("/metrics", Some("metrics-wrong")).await.expect(401);
    app.get("/metrics", None).await.expect(401);
    app.get("/api/v1/events", Some(SCRAPER)).await.expect(401);
}

#[tokio::test]
async fn health_readiness_metrics_and_docs() {
    let app = TestApp::start(Backend::Sqlite).await;
    assert_eq!(app.get("/healthz", None).await.expect(200).json["status"], "ok");
    assert_eq!(app.get("/readyz", None).await.expect(200).json["status"], "ready");
    app.get("/api/v1/events", Some(ORGANISER)).await.expect(200);
    let open = app.get("/metrics", None).await;
    open.expect(401);
    assert_eq!(open.content_type(), "application/problem+json");
    let metrics = app.get("/metrics", Some(ORGANISER)).await;
    metrics.expect(200);
    assert!(metrics.text.contains("http_requests_total"), "{}", metrics.text);
    assert!(
        metrics.text.contains("route=\"/api/v1/events\""),
        "{}",
        metrics.text
    );
    // Latencies are histograms (their buckets add up across nodes), and the samples are
    // drained by a thread of the process's own, scraped or not.
    assert!(
        metrics.text.contains("http_request_duration_seconds_bucket{"),
        "{}",
        metrics.text
    );
    let threads: Vec<String> = std::fs::read_dir("/proc/self/task")
        .expect("the process's threads")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect();
    assert!(
        threads
            .iter()
            .any(|name| name == rendezvous::http::ops::UPKEEP_THREAD),
        "{threads:?}"
    );

    // The docs page and its assets are served by the app itself (no CDN): it works offline.
    let page = app.get("/api/v1/docs/", None).await;
    page.expect(200);
    assert!(page.text.contains("swagger"), "{}", page.text);
    let assets: Vec<String> = page
        .text
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css"))
        .map(String::from)
        .collect();
    assert!(!assets.is_empty(), "{}", page.text);
    for asset in assets {
        assert!(
            !asset.starts_with("http"),
            "the docs page loads {asset} from elsewhere"
        );
        let path = if asset.starts_with('/') {
            asset
        } else {
            format!("/api/v1/docs/{}", asset.trim_start_matches("./"))
        };
        app.get(&path, None).await.expect(200);
    }
    let document = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(
        document.expect(200).json,
        serde_json::to_value(rendezvous::app::openapi()).unwrap()
    );
}

#[test]
fn openapi_document_snapshot() {
    let document = serde_json::to_value(rendezvous::app::openapi()).unwrap();
    // Every route of the spec is described.
    let paths = document["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/events", "post"),
        ("/api/v1/events/{event}", "get"),
        ("/api/v1/events/{event}/rooms", "post"),
        ("/api/v1/events/{event}/rooms", "get"),
        ("/api/v1/events/{event}/participants", "post"),
        ("/api/v1/events/{event}/participants/import", "post"),
        ("/api/v1/events/{event}/participants", "get"),
        ("/api/v1/events/{event}/participants/{id}", "get"),
        ("/api/v1/events/{event}/participants/{id}", "patch"),
        ("/api/v1/events/{event}/requests", "post"),
        ("/api/v1/events/{event}/requests", "get"),
        ("/api/v1/events/{event}/requests/{id}/accept", "post"),
        ("/api/v1/events/{event}/requests/{id}/decline", "post"),
        ("/api/v1/events/{event}/requests/{id}/withdraw", "post"),
        ("/api/v1/events/{event}/recommendations", "get"),
        ("/api/v1/events/{event}/participants/{id}/interest", "put"),
        ("/api/v1/events/{event}/participants/{id}/interest", "delete"),
        ("/api/v1/events/{event}/interests", "get"),
        ("/api/v1/events/{event}/boosts", "put"),
        ("/api/v1/events/{event}/boosts", "get"),
        ("/api/v1/events/{event}/proposals", "post"),
        ("/api/v1/events/{event}/schedules", "post"),
        ("/api/v1/events/{event}/schedules/{id}", "get"),
        ("/api/v1/events/{event}/schedules/{id}/solution", "get"),
        ("/api/v1/events/{event}/schedules/{id}/publish", "post"),
        ("/api/v1/events/{event}/problem", "get"),
        ("/api/v1/events/{event}/timetable", "get"),
        ("/api/v1/events/{event}/participants/{id}/agenda", "get"),
        ("/api/v1/events/{event}/participants/{id}/agenda.ics", "get"),
        ("/api/v1/events/{event}/rooms/{id}/agenda", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    insta::assert_json_snapshot!("openapi", document);
}

#[tokio::test]
async fn a_generated_organiser_token_is_made_once_and_kept() {
    let db = common::FreshDatabase::new(Backend::Sqlite).await;
    let mail = tempfile::tempdir().unwrap();
    let mut config = rendezvous::config::Config::new(db.url.clone(), None);
    config.mail.mail_dir = mail.path().to_path_buf();
    let first = rendezvous::app::build(&config).await.unwrap();
    let token = first
        .generated_organiser_token
        .clone()
        .expect("a token is generated at first start");
    assert_eq!(
        *first.state.organiser_token_hash,
        rendezvous::domain::ids::hash_token(&token)
    );
    drop(first);
    let second = rendezvous::app::build(&config).await.unwrap();
    assert!(
        second.generated_organiser_token.is_none(),
        "printed once: not generated again"
    );
    assert_eq!(
        *second.state.organiser_token_hash,
        rendezvous::domain::ids::hash_token(&token)
    );
    // Only the hash is stored.
    let stored = second
        .state
        .store
        .setting("organiser_token_hash")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored, token);
}
