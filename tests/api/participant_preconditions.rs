//! A participant's profile under concurrent PATCHes: an `ETag` on the resource, `If-Match`
//! refused with 412 when stale, and no update lost with or without it.

use crate::common;

use common::{Backend, ORGANISER, Reply, TestApp, id};
use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

/// One field changed per PATCH, each to a value of its own.
fn changes() -> Vec<(&'static str, Value)> {
    vec![
        ("name", json!("Bangkok Metropolitan Administration")),
        ("organization", json!("BMA")),
        ("city", json!("Bangkok")),
        ("country", json!("TH")),
        ("languages", json!(["en", "fr"])),
        ("topics", json!(["flood sensors"])),
        ("offers", json!(["smart lighting"])),
        ("seeks", json!(["mobility data"])),
        ("max_meetings", json!(7)),
        ("email", json!("ops@bma.go.th")),
    ]
}

async fn patch(app: &TestApp, path: &str, body: Value, if_match: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = if_match.map(|tag| ("If-Match", tag)).into_iter().collect();
    app.raw(
        Method::PATCH,
        path,
        Some(ORGANISER),
        "application/json",
        body.to_string(),
        &headers,
    )
    .await
}

fn etag(reply: &Reply) -> String {
    reply
        .headers
        .get("etag")
        .unwrap_or_else(|| panic!("an ETag on {}", reply.text))
        .to_str()
        .unwrap()
        .to_string()
}

async fn concurrent_patches_lose_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (p, token) = app.simple_participant(&e, "Bangkok").await;
    let path = format!("/api/v1/events/{e}/participants/{p}");
    let read = app.get(&path, Some(ORGANISER)).await;
    let first_tag = etag(read.expect(200));
    // The participant itself sees the same representation, so the same tag.
    assert_eq!(etag(&app.get(&path, Some(&token)).await), first_tag);

    // Twenty PATCHes of different fields, all made against the same read: one wins, the
    // others are told their read is stale, and nothing of theirs is written.
    let all = changes();
    let attempts = (0..20).map(|i| {
        let (field, value) = all[i % all.len()].clone();
        // Free text varies by attempt; codes and addresses stay valid.
        let value = match (field, value) {
            ("name" | "organization" | "city", Value::String(s)) => json!(format!("{s} {i}")),
            (_, other) => other,
        };
        (field, value)
    });
    let replies = join_all(attempts.clone().map(|(field, value)| {
        let (app, path, tag) = (&app, &path, &first_tag);
        async move { patch(app, path, json!({ field: value }), Some(tag)).await }
    }))
    .await;
    let winners: Vec<usize> = (0..20).filter(|&i| replies[i].status == 200).collect();
    assert_eq!(winners.len(), 1, "{replies:?}");
    for (i, reply) in replies.iter().enumerate() {
        if i != winners[0] {
            reply.expect(412);
            assert_eq!(reply.content_type(), "application/problem+json");
        }
    }
    let winner = &replies[winners[0]];
    let now = app.get(&path, Some(ORGANISER)).await;
    assert_eq!(
        now.expect(200).json,
        winner.json,
        "the winner's change, and no other"
    );
    assert_eq!(etag(&now), etag(winner));
    assert_ne!(etag(&now), first_tag);
    let (field, value) = attempts.clone().nth(winners[0]).unwrap();
    assert_eq!(now.json[field], value);

    // A stale tag stays stale; `*` and the current tag pass.
    patch(&app, &path, json!({"city": "Chiang Mai"}), Some(&first_tag))
        .await
        .expect(412);
    patch(
        &app,
        &path,
        json!({"size": 2}),
        Some(&format!("\"x\", {}", etag(&now))),
    )
    .await
    .expect(200);
    patch(&app, &path, json!({"size": 3}), Some("*"))
        .await
        .expect(200);

    // Twenty read-modify-writes of one list, each retrying on 412: every topic lands.
    let appended = join_all((0..20).map(|i| {
        let (app, path) = (&app, &path);
        async move {
            for _ in 0..200 {
                let read = app.get(path, Some(ORGANISER)).await;
                let mut topics: Vec<Value> = read.json["topics"].as_array().unwrap().clone();
                topics.push(json!(format!("topic {i}")));
                let reply = patch(app, path, json!({ "topics": topics }), Some(&etag(&read))).await;
                match reply.status.as_u16() {
                    200 => return true,
                    412 => continue,
                    other => panic!("unexpected {other}: {}", reply.text),
                }
            }
            false
        }
    }))
    .await;
    assert!(appended.iter().all(|&done| done), "every writer got through");
    let now = app.get(&path, Some(ORGANISER)).await;
    let topics = now.json["topics"].as_array().unwrap();
    for i in 0..20 {
        assert!(
            topics.contains(&json!(format!("topic {i}"))),
            "topic {i} lost: {topics:?}"
        );
    }

    // Without If-Match, concurrent PATCHes of different fields all land too.
    let replies = join_all(changes().into_iter().map(|(field, value)| {
        let (app, path) = (&app, &path);
        async move { patch(app, path, json!({ field: value }), None).await }
    }))
    .await;
    for reply in &replies {
        reply.expect(200);
    }
    let now = app.get(&path, Some(ORGANISER)).await;
    for (field, value) in changes() {
        assert_eq!(now.json[field], value, "{field} lost");
    }
}

on_both_backends!(concurrent_patches_lose_nothing);
