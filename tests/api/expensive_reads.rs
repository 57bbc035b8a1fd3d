//! Reads that compute per call (recommendations, a meeting's free slots, the data export) are
//! limited per participant, whichever client asks: the API with any of its tokens and the
//! web pages share one count. Others, and the organiser, are not affected.

use crate::common;
use crate::web_support::Browser;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::StatusCode;
use serde_json::json;

async fn expensive_reads_per_participant(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.expensive_reads_per_minute = 3).await;
    let e = id(&app.expo().await);
    let (a, token) = app.simple_participant(&e, "Acme").await;
    let (_, other) = app.simple_participant(&e, "Bravo").await;
    let recommendations = format!("/api/v1/events/{e}/recommendations");
    let export = format!("/api/v1/events/{e}/participants/{a}/export");

    // The first three, of two kinds, in one count.
    app.get(&recommendations, Some(&token)).await.expect(200);
    app.get(&export, Some(&token)).await.expect(200);
    app.get(&recommendations, Some(&token)).await.expect(200);
    let refused = app.get(&export, Some(&token)).await;
    refused.expect(429);
    assert_eq!(refused.json["status"], 429);
    assert_eq!(refused.json["type"], "/problems/rate-limited");
    let retry_after: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "retry after {retry_after} s");

    // The pages count against the same participant.
    let mut browser = Browser::new(&app);
    browser.sign_in(&token).await;
    let page = browser.get("/recommendations").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after"));
    assert!(page.text.contains("<h1>Trop de demandes"), "{}", page.text);

    // A new token is the same participant: no fresh count.
    let rotated = app
        .post(
            &format!("/api/v1/events/{e}/participants/{a}/token"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    rotated.expect(200);
    let new = rotated.json["token"].as_str().expect("a new token").to_owned();
    app.get(&recommendations, Some(&new)).await.expect(429);

    // Someone else, and the organiser, still read.
    app.get(&recommendations, Some(&other)).await.expect(200);
    for _ in 0..5 {
        app.get(&format!("{recommendations}?for={a}"), Some(ORGANISER))
            .await
            .expect(200);
    }
    // Cheap reads are not counted.
    app.get(&format!("/api/v1/events/{e}/participants/{a}"), Some(&new))
        .await
        .expect(200);
}

on_both_backends!(expensive_reads_per_participant);
