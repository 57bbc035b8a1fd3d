//! Live streams per token are bounded: beyond the cap a 429 problem with `Retry-After`, and
//! a stream that ends gives its place back. Other tokens are not affected.

use crate::common;

use common::{Backend, ORGANISER, TestApp, id};

async fn open(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

async fn streams_per_token(backend: Backend) {
    let app = TestApp::start_with(backend, |c| c.streams_per_token = 2).await;
    let e = id(&app.expo().await);
    let (_, mine) = app.simple_participant(&e, "Acme").await;
    let (_, theirs) = app.simple_participant(&e, "Bravo").await;
    let updates = format!("/api/v1/events/{e}/updates");

    let first = open(&app, &updates, &mine).await;
    let second = open(&app, &updates, &mine).await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (200, 200));
    let refused = open(&app, &updates, &mine).await;
    assert_eq!(refused.status().as_u16(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["status"], 429);

    // Someone else's streams are counted apart, the organiser's too.
    assert_eq!(open(&app, &updates, &theirs).await.status().as_u16(), 200);
    assert_eq!(open(&app, &updates, ORGANISER).await.status().as_u16(), 200);

    // A closed stream gives its place back (once the server sees the connection go).
    drop(first);
    let mut reopened = None;
    for _ in 0..200 {
        let reply = open(&app, &updates, &mine).await;
        if reply.status().as_u16() == 200 {
            reopened = Some(reply);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(reopened.is_some(), "the closed stream's place never came back");
    drop(second);
}

on_both_backends!(streams_per_token);
