//! Control characters in text: a 422 naming the field on both backends (a NUL used to be a
//! 500 on PostgreSQL and a 201 on SQLite, a bare CR went into other participants' `.ics`),
//! nothing written; multi-line texts (a request's message, a cancellation's reason) keep
//! their line breaks and tabs, a form's CRLF read as one line break.

use crate::booking_support::{accept_at, act, ask, people};
use crate::common;
use crate::web_support::Browser;

use common::{Backend, ORGANISER, TestApp, expo_body, id};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn rejected(app: &TestApp, method: Method, path: &str, token: &str, body: Value, pointer: &str) {
    let reply = app.call(method, path, Some(token), Some(body.clone())).await;
    assert_eq!(reply.status.as_u16(), 422, "{path} {body}: {}", reply.text);
    assert_eq!(reply.content_type(), "application/problem+json");
    let named = reply.json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["pointer"] == pointer && e["code"] == "control-character");
    assert!(
        named,
        "{body}: expected {pointer} control-character in {}",
        reply.text
    );
}

async fn control_characters(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let people = people(&app, &e, "P", 3).await;
    let ((a, a_token), (b, b_token)) = (people[0].clone(), people[1].clone());
    let participants = format!("/api/v1/events/{e}/participants");
    let count = |path: String| {
        let app = &app;
        async move {
            app.get(&path, Some(ORGANISER))
                .await
                .json
                .as_array()
                .map(Vec::len)
        }
    };
    let before = (
        count("/api/v1/events".into()).await,
        count(format!("/api/v1/events/{e}/rooms")).await,
        count(participants.clone()).await,
        count(format!("/api/v1/events/{e}/requests")).await,
    );

    let mut event = expo_body();
    event["name"] = json!("Expo\u{0}");
    rejected(&app, Method::POST, "/api/v1/events", ORGANISER, event, "/name").await;

    let rooms = format!("/api/v1/events/{e}/rooms");
    for (body, pointer) in [
        (json!({"name": "Table\r1", "capacity": 4}), "/name"),
        (
            json!({"name": "Table 1", "capacity": 4, "features": ["screen\u{7}"]}),
            "/features/0",
        ),
    ] {
        rejected(&app, Method::POST, &rooms, ORGANISER, body, pointer).await;
    }

    for (field, value, pointer) in [
        ("name", json!("Acme\u{0}"), "/name"),
        ("name", json!("Acme\rX-INJECTED:1"), "/name"),
        ("name", json!("Acme\nMobility"), "/name"),
        ("organization", json!("Acme\u{1b}[31m"), "/organization"),
        ("city", json!("Casa\tblanca"), "/city"),
        ("topics", json!(["water", "flood\u{0}"]), "/topics/1"),
        ("offers", json!(["sen\u{85}sors"]), "/offers/0"),
        ("seeks", json!(["\u{7f}"]), "/seeks/0"),
        ("languages", json!(["f\rr"]), "/languages/0"),
    ] {
        let mut body = json!({"name": "Acme", "kind": "company"});
        body[field] = value.clone();
        rejected(&app, Method::POST, &participants, ORGANISER, body, pointer).await;
        if field != "name" || pointer == "/name" {
            let mut patch = json!({});
            patch[field] = value;
            let own = format!("{participants}/{a}");
            rejected(&app, Method::PATCH, &own, &a_token, patch, pointer).await;
        }
    }
    let csv = "name,kind\nNul\u{0}Corp,company\n";
    let import = app
        .raw(
            Method::POST,
            &format!("{participants}/import"),
            Some(ORGANISER),
            "text/csv",
            csv,
            &[],
        )
        .await;
    assert_eq!(import.status.as_u16(), 422, "{}", import.text);
    assert!(import.text.contains("control-character"), "{}", import.text);

    let requests = format!("/api/v1/events/{e}/requests");
    for (extra, pointer) in [
        (json!({"message": "hello\u{0}"}), "/message"),
        (json!({"message": "one\rtwo"}), "/message"),
        (json!({"message": "bell\u{7}"}), "/message"),
        (json!({"features": ["wifi\u{0}"]}), "/features/0"),
    ] {
        let mut body = json!({"with": [b], "duration_minutes": 20, "priority": 3});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        rejected(&app, Method::POST, &requests, &a_token, body, pointer).await;
    }
    // An id with a NUL is an unknown participant, not a database error.
    let nul_id = json!({"with": ["p\u{0}"], "duration_minutes": 20, "priority": 3});
    let reply = app.post(&requests, Some(&a_token), nul_id).await;
    assert_eq!(reply.status.as_u16(), 422, "{}", reply.text);
    assert!(reply.pointers().iter().any(|p| p == "/with/0"), "{}", reply.text);
    // A NUL in a path or query parameter is a 422 naming it.
    for (path, pointer) in [
        (format!("/api/v1/events/{e}%00"), "/event"),
        (format!("{participants}/{a}%00"), "/id"),
        (format!("/api/v1/events/{e}/recommendations?for=%00"), "/for"),
    ] {
        let reply = app.get(&path, Some(ORGANISER)).await;
        assert_eq!(reply.status.as_u16(), 422, "{path}: {}", reply.text);
        assert!(
            reply.pointers().iter().any(|p| p == pointer),
            "{path}: {}",
            reply.text
        );
    }

    let after = (
        count("/api/v1/events".into()).await,
        count(format!("/api/v1/events/{e}/rooms")).await,
        count(participants.clone()).await,
        count(format!("/api/v1/events/{e}/requests")).await,
    );
    assert_eq!(before, after, "nothing written");
    let unchanged = app.store.participant(&e, &a).await.unwrap();
    assert_eq!(unchanged.profile.name, "P0");

    // Multi-line texts keep \n and \t; CRLF (what forms send) is one line break.
    app.room(&e, "Table 1", 4, &[]).await;
    let message = "Dear P1,\r\n\tabout water sensors";
    let asked = ask(
        &app,
        &e,
        &a_token,
        &[&b],
        json!({"message": message, "proposed_slots": ["d1-1000"]}),
    )
    .await;
    asked.expect(201);
    assert_eq!(asked.json["message"], "Dear P1,\n\tabout water sensors");
    let r = id(&asked.json);
    accept_at(&app, &e, &r, &b_token, "d1-1000").await.expect(200);
    let cancel = |reason: &'static str| act(&app, &e, &r, "cancel", &a_token, json!({"reason": reason}));
    for reason in ["sorry\u{0}", "sorry\rreally"] {
        let reply = cancel(reason).await;
        assert_eq!(reply.status.as_u16(), 422, "{reason:?}: {}", reply.text);
        assert!(reply.pointers().iter().any(|p| p == "/reason"), "{}", reply.text);
    }
    cancel("Flight moved.\r\nSorry.").await.expect(200);
    let ics = app
        .get(&format!("{participants}/{b}/agenda.ics"), Some(&b_token))
        .await;
    let ics = &ics.expect(200).text;
    assert!(
        !ics.replace("\r\n", "").contains(['\r', '\n', '\0']),
        "no bare CR or LF or NUL in content lines: {ics:?}"
    );
}

/// The web form says the rule beside the field in the page's language.
async fn control_characters_in_forms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (a, a_token) = app.simple_participant(&e, "Rabat").await;
    let mut browser = Browser::new(&app);
    browser.sign_in(&a_token).await;
    let csrf = browser.get("/profile").await.csrf();
    let bad = browser
        .post(
            "/profile",
            &[("csrf", &csrf), ("name", "Rabat\u{0}"), ("city", "Rabat\rX")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("id=\"name-error\""), "{}", bad.text);
    assert!(bad.text.contains("id=\"city-error\""), "{}", bad.text);
    assert!(
        bad.text
            .contains("Ville : caractère de contrôle U+000D non admis ici."),
        "{}",
        bad.text
    );
    let stored = app.store.participant(&e, &a).await.unwrap();
    assert_eq!(
        (stored.profile.name.as_str(), stored.profile.city),
        ("Rabat", None),
        "nothing written"
    );
    // A page for an id no one can have is not found, not a database error.
    for path in ["/people/p%00", "/requests/r%00"] {
        assert_eq!(browser.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

on_both_backends!(control_characters, control_characters_in_forms);
