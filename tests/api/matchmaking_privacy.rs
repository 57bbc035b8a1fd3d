//! Recommendations reveal nothing private of others: a participant's list is made of public
//! profiles and what the caller itself knows (its own requests, its own availability and
//! quota), so neither another participant's unavailable slots nor whether its quota is
//! full can be read off what is suggested. The organiser, who sees every private field
//! anyway, still gets the lists those facts shape.

use crate::common;

use common::{Backend, ORGANISER, TestApp, id};
use serde_json::{Value, json};

fn company(name: &str, offers: &[&str], seeks: &[&str]) -> Value {
    json!({"name": name, "kind": "company", "languages": ["en"], "offers": offers, "seeks": seeks})
}

async fn suggested(app: &TestApp, e: &str, token: &str, query: &str) -> Vec<String> {
    let reply = app
        .get(
            &format!("/api/v1/events/{e}/recommendations?limit=50{query}"),
            Some(token),
        )
        .await;
    let mut ids: Vec<String> = reply.expect(200).json["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .map(|r| r["participant"]["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

async fn no_private_field_is_inferable(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.expo().await;
    let e = id(&event);
    let slots: Vec<String> = event["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    // A third party free at one slot only, and one whose quota is about to fill: private.
    let mut only_once = company("OnlyAtTen", &["flood sensors"], &[]);
    only_once["unavailable"] = json!(slots[1..]);
    let (only_once, _) = app.participant(&e, only_once).await;
    let mut quota = company("QuotaOfOne", &["flood sensors"], &[]);
    quota["max_meetings"] = json!(1);
    let (quota, quota_token) = app.participant(&e, quota).await;
    let (_, partner) = app
        .participant(&e, company("Partner", &[], &["croissants"]))
        .await;

    // Two callers alike but for their own unavailability: one is away at the third party's
    // only free slot.
    let mut away = company("AwayAtTen", &[], &["flood sensors"]);
    away["unavailable"] = json!([slots[0]]);
    let (away, away_token) = app.participant(&e, away).await;
    let (here, here_token) = app
        .participant(&e, company("HereAtTen", &[], &["flood sensors"]))
        .await;

    let away_list = suggested(&app, &e, &away_token, "").await;
    let here_list = suggested(&app, &e, &here_token, "").await;
    assert_eq!(
        away_list, here_list,
        "the list changes with the caller's own unavailability: it reveals {only_once}'s"
    );
    assert!(here_list.contains(&only_once), "{here_list:?}");

    // A quota filling up does not change anyone's list either.
    let before = suggested(&app, &e, &here_token, "").await;
    let taken = app.request(&e, &partner, &[&quota], 20, 3).await;
    app.answer(&e, &taken, &quota_token, "accept").await.expect(200);
    let after = suggested(&app, &e, &here_token, "").await;
    assert_eq!(before, after, "the list reveals that {quota}'s quota is full");

    // The organiser sees those private fields anyway: its lists still leave out who cannot
    // meet the participant.
    let for_away = suggested(&app, &e, ORGANISER, &format!("&for={away}")).await;
    assert!(
        !for_away.contains(&only_once) && !for_away.contains(&quota),
        "{for_away:?}"
    );
    let for_here = suggested(&app, &e, ORGANISER, &format!("&for={here}")).await;
    assert!(
        for_here.contains(&only_once) && !for_here.contains(&quota),
        "{for_here:?}"
    );

    // The caller's own constraints still hold: never free, or its own quota full, nobody
    // can be met, so nobody is suggested.
    let patch = format!("/api/v1/events/{e}/participants/{here}");
    app.call(
        reqwest::Method::PATCH,
        &patch,
        Some(&here_token),
        Some(json!({"unavailable": slots})),
    )
    .await
    .expect(200);
    assert!(suggested(&app, &e, &here_token, "").await.is_empty());
}

on_both_backends!(no_private_field_is_inferable);
