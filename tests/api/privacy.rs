//! A participant's data: exported whole to itself or the organiser, erased by the organiser
//! (profile, address, token, messages, marks), its meetings left to the others.

use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, ORGANISER, TestApp, id};

async fn export_then_erase(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = id(&app.expo().await);
    let base = format!("/api/v1/events/{event}/participants");
    let body = json!({"name": "Hanoi People's Committee", "kind": "delegation", "city": "Hanoi", "country": "VN",
                      "topics": ["flood resilience"], "email": "intl@hanoi.test", "language": "en"});
    let (hanoi, hanoi_token) = app.participant(&event, body).await;
    let (casa, casa_token) = app.simple_participant(&event, "Casa Transport").await;
    let request = app.request(&event, &hanoi_token, &[&casa], 20, 3).await;
    app.call(
        Method::PUT,
        &format!("{base}/{casa}/interest"),
        Some(&hanoi_token),
        None,
    )
    .await
    .expect(200);

    // The participant exports everything kept about it; nobody else may.
    app.get(&format!("{base}/{hanoi}/export"), Some(&casa_token))
        .await
        .expect(404);
    let export = app
        .get(&format!("{base}/{hanoi}/export"), Some(&hanoi_token))
        .await;
    export.expect(200);
    assert_eq!(export.json["participant"]["email"], "intl@hanoi.test");
    assert_eq!(export.json["requests"][0]["id"], request.as_str());
    assert_eq!(export.json["interests"][0]["participant"], casa.as_str());
    let messages = export.json["messages"].as_array().unwrap();
    assert!(messages.is_empty(), "Hanoi was asked nothing: {messages:?}");
    let casa_export = app.get(&format!("{base}/{casa}/export"), Some(ORGANISER)).await;
    assert_eq!(casa_export.json["messages"][0]["kind"], "request_created");

    // Only the organiser erases.
    app.post(&format!("{base}/{hanoi}/erase"), Some(&hanoi_token), json!({}))
        .await
        .expect(403);
    let erased = app
        .post(&format!("{base}/{hanoi}/erase"), Some(ORGANISER), json!({}))
        .await;
    erased.expect(200);
    assert_eq!(erased.json["name"], "—");
    assert_eq!(erased.json["email"], serde_json::Value::Null);
    assert_eq!(erased.json["topics"], json!([]));
    assert_eq!(erased.json["city"], serde_json::Value::Null);
    // Its token no longer works; its marks are gone; its meeting request stays for Casa,
    // without its message.
    app.get(&format!("{base}/{hanoi}"), Some(&hanoi_token))
        .await
        .expect(401);
    let after = app.get(&format!("{base}/{hanoi}/export"), Some(ORGANISER)).await;
    assert_eq!(after.json["interests"], json!([]));
    let casa_requests = app
        .get(&format!("/api/v1/events/{event}/requests"), Some(&casa_token))
        .await;
    assert_eq!(casa_requests.json[0]["id"], request.as_str());
    app.post(&format!("{base}/nobody/erase"), Some(ORGANISER), json!({}))
        .await
        .expect(404);
}

on_both_backends!(export_then_erase);
