//! `Idempotency-Key`: a retried POST returns the first response and creates nothing new.

use crate::common;

use common::{Backend, ORGANISER, TestApp, expo_body, id};
use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

async fn retried_posts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let body = expo_body().to_string();
    let app_ref = &app;
    let post = |key: &'static str, token: &'static str, body: String| async move {
        app_ref
            .raw(
                Method::POST,
                "/api/v1/events",
                Some(token),
                "application/json",
                body,
                &[("Idempotency-Key", key)],
            )
            .await
    };
    let first = post("create-expo-1", ORGANISER, body.clone()).await;
    first.expect(201);
    let retry = post("create-expo-1", ORGANISER, body.clone()).await;
    retry.expect(201);
    assert_eq!(retry.json, first.json, "the retry returns the first response");
    assert_eq!(
        retry
            .headers
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    let events = app.get("/api/v1/events", Some(ORGANISER)).await;
    assert_eq!(
        events.expect(200).json.as_array().unwrap().len(),
        1,
        "nothing new was created"
    );

    // The same key with another body is refused, and creates nothing.
    let other = post(
        "create-expo-1",
        ORGANISER,
        expo_body().to_string().replace("2027", "2028"),
    )
    .await;
    other.expect(422);
    assert_eq!(
        app.get("/api/v1/events", Some(ORGANISER))
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A participant registration retried concurrently: one participant, one token.
    let e = id(&first.json);
    let path = format!("/api/v1/events/{e}/participants");
    let registration = json!({"name": "Bangkok", "kind": "delegation", "size": 6}).to_string();
    let (path_ref, registration_ref) = (&path, &registration);
    let replies = join_all((0..10).map(|_| async move {
        app_ref
            .raw(
                Method::POST,
                path_ref,
                Some(ORGANISER),
                "application/json",
                registration_ref.clone(),
                &[("Idempotency-Key", "register-bkk")],
            )
            .await
    }))
    .await;
    let created: Vec<_> = replies.iter().filter(|r| r.status.as_u16() == 201).collect();
    assert!(
        replies.iter().all(|r| matches!(r.status.as_u16(), 201 | 409)),
        "{replies:?}"
    );
    assert!(
        created.iter().all(|r| r.json == created[0].json),
        "every success is the first response"
    );
    let directory = app.get(&path, Some(ORGANISER)).await;
    assert_eq!(directory.expect(200).json.as_array().unwrap().len(), 1);

    // Keys are per caller: a participant's key does not collide with the organiser's.
    let token = created[0].json["token"].as_str().unwrap().to_string();
    let (b, _) = app.simple_participant(&e, "Acme").await;
    let ask = json!({"with": [b], "duration_minutes": 20, "priority": 3}).to_string();
    let requests = format!("/api/v1/events/{e}/requests");
    let r1 = app
        .raw(
            Method::POST,
            &requests,
            Some(&token),
            "application/json",
            ask.clone(),
            &[("Idempotency-Key", "register-bkk")],
        )
        .await;
    r1.expect(201);
    let r2 = app
        .raw(
            Method::POST,
            &requests,
            Some(&token),
            "application/json",
            ask,
            &[("Idempotency-Key", "register-bkk")],
        )
        .await;
    assert_eq!(r2.expect(201).json["id"], r1.json["id"]);
    let all = app.get(&requests, Some(ORGANISER)).await;
    assert_eq!(all.expect(200).json.as_array().unwrap().len(), 1);

    // A failed request is remembered too: its retry gets the same 422 and writes nothing.
    let bad = json!({"with": [], "duration_minutes": 20, "priority": 3}).to_string();
    let f1 = app
        .raw(
            Method::POST,
            &requests,
            Some(&token),
            "application/json",
            bad.clone(),
            &[("Idempotency-Key", "bad-one")],
        )
        .await;
    let f2 = app
        .raw(
            Method::POST,
            &requests,
            Some(&token),
            "application/json",
            bad,
            &[("Idempotency-Key", "bad-one")],
        )
        .await;
    f1.expect(422);
    f2.expect(422);
    assert_eq!(f1.json, f2.json);
    assert_eq!(f2.content_type(), "application/problem+json");
}

on_both_backends!(retried_posts);
