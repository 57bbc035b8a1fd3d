//! The organiser rotates a participant's token: the old one stops working at once, for the
//! API and for the web sessions signed in with it; the new one is shown once, never replayed.

use crate::common;
use crate::web_support::Browser;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn rotation(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (a, old) = app.simple_participant(&e, "Acme").await;
    let (_, other) = app.simple_participant(&e, "Bravo").await;
    let own = format!("/api/v1/events/{e}/participants/{a}");
    let rotate = format!("{own}/token");
    let mut browser = Browser::new(&app);
    browser.sign_in(&old).await;
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK);

    // Only the organiser, only a participant of the event.
    app.post(&rotate, None, json!({})).await.expect(401);
    app.post(&rotate, Some(&old), json!({})).await.expect(403);
    app.post(&rotate, Some(&other), json!({})).await.expect(403);
    app.post(
        &format!("/api/v1/events/{e}/participants/p_none/token"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(404);
    app.get(&own, Some(&old)).await.expect(200);
    // Agenda reads remember tokens in the node's memory: the old one is forgotten too.
    let agenda = format!("{own}/agenda");
    app.get(&agenda, Some(&old)).await.expect(200);

    let rotated = app
        .raw(
            Method::POST,
            &rotate,
            Some(ORGANISER),
            "application/json",
            "",
            &[("Idempotency-Key", "rotate-acme")],
        )
        .await;
    rotated.expect(200);
    assert_eq!(rotated.json["id"], a.as_str());
    let new = rotated.json["token"].as_str().expect("a new token").to_owned();
    assert!(new.starts_with("rdvp_") && new != old);

    app.get(&own, Some(&old)).await.expect(401);
    app.get(&agenda, Some(&old)).await.expect(401);
    app.get(&own, Some(&new)).await.expect(200);
    app.get(&agenda, Some(&new)).await.expect(200);
    let page = browser.get("/profile").await;
    assert_ne!(
        page.status,
        StatusCode::OK,
        "the session made with the old token ended"
    );
    browser.sign_in(&new).await;
    assert_eq!(browser.get("/profile").await.status, StatusCode::OK);

    // A retry does not show the token again, nor rotate it once more.
    let replay = app
        .raw(
            Method::POST,
            &rotate,
            Some(ORGANISER),
            "application/json",
            "",
            &[("Idempotency-Key", "rotate-acme")],
        )
        .await;
    assert_eq!(replay.status.as_u16(), 409, "{}", replay.text);
    assert!(!replay.text.contains(&new), "{}", replay.text);
    app.get(&own, Some(&new)).await.expect(200);
}

on_both_backends!(rotation);
