//! The fairness rule as an event setting: `max_wait_spread` (0–100 or `null`) set when the
//! event is created or by `PATCH`, returned by `GET`, checked before anything is stored
//! (422 naming `/max_wait_spread`), and passed to the solver in the event's problem; and
//! the organiser's new-event form, where it is an optional field.

use crate::common;
use crate::web_support::Browser;

use common::{Backend, ORGANISER, TestApp, expo_body, id};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    fairness_is_an_event_setting_the_problem_carries,
    the_new_event_form_sets_the_fairness_rule
);

fn with_spread(spread: Value) -> Value {
    let mut body = expo_body();
    body["max_wait_spread"] = spread;
    body
}

async fn fairness_is_an_event_setting_the_problem_carries(backend: Backend) {
    let app = TestApp::start(backend).await;

    // Without it, no rule: `null` in the event, absent from the problem.
    let plain = id(&app.expo().await);
    let event = app.get(&format!("/api/v1/events/{plain}"), Some(ORGANISER)).await;
    assert_eq!(event.expect(200).json["max_wait_spread"], Value::Null);
    let problem = app
        .get(&format!("/api/v1/events/{plain}/problem"), Some(ORGANISER))
        .await;
    assert!(
        problem.expect(200).json.get("max_wait_spread").is_none(),
        "{}",
        problem.text
    );

    // Out of range or not a whole number at least 0: 422 naming the field, no event.
    for bad in [json!(101), json!(-1), json!(1.5), json!("2")] {
        let reply = app
            .post("/api/v1/events", Some(ORGANISER), with_spread(bad.clone()))
            .await;
        assert_eq!(
            reply.expect(422).pointers(),
            ["/max_wait_spread"],
            "{bad}: {}",
            reply.text
        );
    }
    let listed = app.get("/api/v1/events", Some(ORGANISER)).await;
    assert_eq!(listed.expect(200).json.as_array().map(Vec::len), Some(1));

    // Set at creation: returned, and in the problem every solve of the event reads.
    let created = app
        .post("/api/v1/events", Some(ORGANISER), with_spread(json!(2)))
        .await;
    let e = id(&created.expect(201).json);
    assert_eq!(created.json["max_wait_spread"], 2);
    let event = app.get(&format!("/api/v1/events/{e}"), Some(ORGANISER)).await;
    assert_eq!(event.expect(200).json["max_wait_spread"], 2);
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    assert_eq!(problem.expect(200).json["max_wait_spread"], 2);

    // Changed by PATCH, the bounds included; a bad value changes nothing.
    let settings = format!("/api/v1/events/{e}");
    for spread in [0, 100] {
        let reply = app
            .call(
                Method::PATCH,
                &settings,
                Some(ORGANISER),
                Some(json!({"max_wait_spread": spread})),
            )
            .await;
        assert_eq!(reply.expect(200).json["max_wait_spread"], spread);
    }
    let bad = app
        .call(
            Method::PATCH,
            &settings,
            Some(ORGANISER),
            Some(json!({"max_wait_spread": 101, "reminder_minutes": 5})),
        )
        .await;
    assert_eq!(bad.expect(422).pointers(), ["/max_wait_spread"]);
    let event = app.get(&settings, Some(ORGANISER)).await;
    assert_eq!(event.expect(200).json["max_wait_spread"], 100);
    assert_eq!(event.json["reminder_minutes"], 15);
    // Another setting alone leaves it as it is; `null` removes the rule.
    let reply = app
        .call(
            Method::PATCH,
            &settings,
            Some(ORGANISER),
            Some(json!({"reminder_minutes": 10})),
        )
        .await;
    assert_eq!(reply.expect(200).json["max_wait_spread"], 100);
    let reply = app
        .call(
            Method::PATCH,
            &settings,
            Some(ORGANISER),
            Some(json!({"max_wait_spread": null})),
        )
        .await;
    assert_eq!(reply.expect(200).json["max_wait_spread"], Value::Null);
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    assert!(
        problem.expect(200).json.get("max_wait_spread").is_none(),
        "{}",
        problem.text
    );

    // Only the organiser changes it.
    app.call(
        Method::PATCH,
        &settings,
        None,
        Some(json!({"max_wait_spread": 1})),
    )
    .await
    .expect(401);
}

async fn the_new_event_form_sets_the_fairness_rule(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut browser = Browser::new(&app);
    let login = browser.get(&format!("/login?token={ORGANISER}")).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text);
    let home = browser.get("/organiser").await;
    assert!(home.text.contains("name=\"max_wait_spread\""), "{}", home.text);
    let csrf = home.csrf();
    let form = |spread: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Forum".to_string()),
            ("timezone", "Africa/Casablanca".to_string()),
            ("slot_minutes", "30".to_string()),
            ("reminder_minutes", "15".to_string()),
            ("max_wait_spread", spread.to_string()),
            ("date-0", "2027-04-17".to_string()),
            ("sessions-0", "09:00-12:00".to_string()),
        ]
    };
    // Out of range: beside its field, what was typed kept, nothing written.
    let fields = form("101");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = browser.post("/organiser", &pairs).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("id=\"max_wait_spread-error\""), "{}", bad.text);
    assert!(bad.text.contains("value=\"101\""), "{}", bad.text);
    assert!(app.store.events().await.unwrap().is_empty(), "nothing written");

    // Set: stored, and said on the event's page.
    let fields = form("2");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = browser.post("/organiser", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let events = app.store.events().await.unwrap();
    assert_eq!(events[0].max_wait_spread, Some(2));
    let shown = browser.get(created.location()).await;
    assert!(
        shown
            .text
            .contains("Équité : les attentes de deux participants diffèrent d’au plus 2."),
        "{}",
        shown.text
    );

    // Blank: no rule.
    let fields = form("");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = browser.post("/organiser", &pairs).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let events = app.store.events().await.unwrap();
    assert_eq!(events.iter().filter(|e| e.max_wait_spread.is_none()).count(), 1);
    let shown = browser.get(created.location()).await;
    assert!(!shown.text.contains("Équité"), "{}", shown.text);
}
