//! Every validation rule: a 4xx naming the field, problem+json, and nothing written.

use crate::common;

use common::{Backend, ORGANISER, TestApp, expo_body, id};
use reqwest::Method;
use serde_json::{Value, json};

/// Sends a bad request and checks the 422 names `pointer`.
async fn rejects(app: &TestApp, method: Method, path: &str, token: &str, body: Value, pointer: &str) {
    let reply = app.call(method, path, Some(token), Some(body.clone())).await;
    assert_eq!(reply.status.as_u16(), 422, "{path} {body}: {}", reply.text);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(reply.json["status"], 422);
    assert!(
        reply.pointers().iter().any(|p| p == pointer),
        "{body}: expected {pointer} in {:?}",
        reply.pointers()
    );
}

fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

async fn counts(app: &TestApp, e: &str) -> (usize, usize, usize, usize) {
    let len = |v: Value| v.as_array().map(Vec::len).unwrap_or(0);
    (
        len(app.get("/api/v1/events", Some(ORGANISER)).await.json),
        len(app
            .get(&format!("/api/v1/events/{e}/rooms"), Some(ORGANISER))
            .await
            .json),
        len(app
            .get(&format!("/api/v1/events/{e}/participants"), Some(ORGANISER))
            .await
            .json),
        len(app
            .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
            .await
            .json),
    )
}

async fn validation(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (a, a_token) = app.simple_participant(&e, "Acme").await;
    let (b, b_token) = app.simple_participant(&e, "Bravo").await;
    let before = counts(&app, &e).await;

    // Events.
    let events = "/api/v1/events";
    let day = |date: &str, sessions: Value| json!([{"date": date, "sessions": sessions}]);
    for (patch, pointer) in [
        (json!({"name": null}), "/name"),
        (json!({"name": "  "}), "/name"),
        (json!({"colour": "blue"}), "/colour"),
        (json!({"timezone": "Africa/Atlantis"}), "/timezone"),
        (json!({"slot_minutes": 0}), "/slot_minutes"),
        (json!({"slot_minutes": 500}), "/slot_minutes"),
        (json!({"slot_minutes": -20}), "/slot_minutes"),
        (json!({"slot_minutes": "20"}), "/slot_minutes"),
        (json!({"days": []}), "/days"),
        (
            json!({"days": day("2027-02-30", json!([["10:00", "11:00"]]))}),
            "/days/0/date",
        ),
        (
            // Near chrono's last date: a late session used to overflow and panic.
            json!({"days": day("+262142-12-31", json!([["23:00", "23:59"]]))}),
            "/days/0/date",
        ),
        (json!({"days": day("2027-04-17", json!([]))}), "/days/0/sessions"),
        (
            json!({"days": day("2027-04-17", json!([["11:00", "10:00"]]))}),
            "/days/0/sessions/0/1",
        ),
        (
            json!({"days": day("2027-04-17", json!([["9:00", "10:00"]]))}),
            "/days/0/sessions/0/0",
        ),
        (
            json!({"days": day("2027-04-17", json!([["10:00", "25:00"]]))}),
            "/days/0/sessions/0/1",
        ),
        (
            json!({"days": day("2027-04-17", json!([["10:00", "10:10"]]))}),
            "/days/0/sessions/0/1",
        ),
        (
            json!({"days": day("2027-04-17", json!([["10:00", "12:00"], ["11:00", "13:00"]]))}),
            "/days/0/sessions/1/0",
        ),
        (
            json!({"days": day("2027-04-17", json!([["10:00"]]))}),
            "/days/0/sessions/0",
        ),
        (
            json!({"days": [{"date": "2027-04-18", "sessions": [["10:00", "11:00"]]},
                            {"date": "2027-04-17", "sessions": [["10:00", "11:00"]]}]}),
            "/days/1/date",
        ),
        (
            json!({"days": [{"date": "2027-04-17", "sessions": [["10:00", "11:00"]], "room": 1}]}),
            "/days/0/room",
        ),
        // 02:00-03:00 does not exist in Paris on 2027-03-28.
        (
            json!({"timezone": "Europe/Paris", "days": day("2027-03-28", json!([["01:00", "04:00"]]))}),
            "/days/0/sessions/0",
        ),
    ] {
        rejects(
            &app,
            Method::POST,
            events,
            ORGANISER,
            with(expo_body(), patch),
            pointer,
        )
        .await;
    }
    // Malformed JSON, wrong media type, oversized body.
    let malformed = app
        .raw(
            Method::POST,
            events,
            Some(ORGANISER),
            "application/json",
            "{\"name\": ",
            &[],
        )
        .await;
    assert_eq!(malformed.status.as_u16(), 422, "{}", malformed.text);
    assert_eq!(malformed.content_type(), "application/problem+json");
    let text = app
        .raw(
            Method::POST,
            events,
            Some(ORGANISER),
            "text/plain",
            expo_body().to_string(),
            &[],
        )
        .await;
    assert_eq!(text.status.as_u16(), 415, "{}", text.text);
    let huge = json!({"name": "x".repeat(3 * 1024 * 1024)});
    let huge = app
        .raw(
            Method::POST,
            events,
            Some(ORGANISER),
            "application/json",
            huge.to_string(),
            // The server answers 413 before reading the body and drops the connection:
            // keep it out of the client's pool so the next request cannot pick it up.
            &[("connection", "close")],
        )
        .await;
    assert_eq!(huge.status.as_u16(), 413, "{}", huge.text);
    assert_eq!(huge.content_type(), "application/problem+json");

    // Rooms.
    let rooms = format!("/api/v1/events/{e}/rooms");
    let room = json!({"name": "Table 1", "capacity": 2, "features": ["video"], "unavailable": ["d1-1000"]});
    for (patch, pointer) in [
        (json!({"capacity": 0}), "/capacity"),
        (json!({"capacity": 5000}), "/capacity"),
        (json!({"name": ""}), "/name"),
        (json!({"unavailable": ["d9-0900"]}), "/unavailable/0"),
        (json!({"features": ["video", "video"]}), "/features/1"),
        (json!({"features": [""]}), "/features/0"),
        (json!({"seats": 2}), "/seats"),
    ] {
        rejects(
            &app,
            Method::POST,
            &rooms,
            ORGANISER,
            with(room.clone(), patch),
            pointer,
        )
        .await;
    }
    app.post("/api/v1/events/evt_missing/rooms", Some(ORGANISER), room.clone())
        .await
        .expect(404);

    // Participants.
    let participants = format!("/api/v1/events/{e}/participants");
    let person = json!({"name": "Rabat", "kind": "delegation", "size": 3, "country": "MA"});
    for (patch, pointer) in [
        (json!({"name": null}), "/name"),
        (json!({"kind": "alien"}), "/kind"),
        (json!({"size": 0}), "/size"),
        (json!({"size": 101}), "/size"),
        (json!({"country": "Morocco"}), "/country"),
        (json!({"max_meetings": 0}), "/max_meetings"),
        (json!({"unavailable": ["d1-1000", "nope"]}), "/unavailable/1"),
        (json!({"topics": ["mobility", "mobility"]}), "/topics/1"),
        (json!({"token": "mine"}), "/token"),
    ] {
        rejects(
            &app,
            Method::POST,
            &participants,
            ORGANISER,
            with(person.clone(), patch),
            pointer,
        )
        .await;
    }
    let profile = format!("/api/v1/events/{e}/participants/{a}");
    rejects(
        &app,
        Method::PATCH,
        &profile,
        &a_token,
        json!({"country": "ma"}),
        "/country",
    )
    .await;
    rejects(
        &app,
        Method::PATCH,
        &profile,
        &a_token,
        json!({"unavailable": ["x"]}),
        "/unavailable/0",
    )
    .await;
    rejects(
        &app,
        Method::PATCH,
        &profile,
        &a_token,
        json!({"nickname": "A"}),
        "/nickname",
    )
    .await;
    rejects(
        &app,
        Method::PATCH,
        &profile,
        ORGANISER,
        json!({"size": 0}),
        "/size",
    )
    .await;
    for field in [
        json!({"size": 2}),
        json!({"kind": "researcher"}),
        json!({"max_meetings": 3}),
    ] {
        let reply = app
            .call(Method::PATCH, &profile, Some(&a_token), Some(field))
            .await;
        assert_eq!(reply.status.as_u16(), 403, "{}", reply.text);
    }
    let unchanged = app.get(&profile, Some(&a_token)).await;
    assert_eq!(
        (unchanged.json["size"].as_u64(), unchanged.json["kind"].as_str()),
        (Some(1), Some("company"))
    );

    // Requests.
    let requests = format!("/api/v1/events/{e}/requests");
    let ask = json!({"with": [b], "duration_minutes": 20, "priority": 3});
    for (patch, pointer) in [
        (json!({"with": []}), "/with"),
        (json!({"with": [a]}), "/with/0"),
        (json!({"with": ["p_nobody"]}), "/with/0"),
        (json!({"with": [b, b]}), "/with/1"),
        (json!({"duration_minutes": 25}), "/duration_minutes"),
        (json!({"duration_minutes": 0}), "/duration_minutes"),
        (json!({"duration_minutes": 240}), "/duration_minutes"),
        (json!({"priority": 0}), "/priority"),
        (json!({"priority": 6}), "/priority"),
        (json!({"message": "x".repeat(2001)}), "/message"),
        (json!({"features": ["video", " video "]}), "/features/1"),
        (json!({"urgent": true}), "/urgent"),
    ] {
        rejects(
            &app,
            Method::POST,
            &requests,
            &a_token,
            with(ask.clone(), patch),
            pointer,
        )
        .await;
    }
    app.post(&requests, Some(ORGANISER), ask.clone())
        .await
        .expect(403);

    // Nothing was written by any of the failures.
    assert_eq!(counts(&app, &e).await, before);

    // State rules of requests.
    let r = app.request(&e, &a_token, &[&b], 20, 3).await;
    app.answer(&e, &r, &a_token, "accept").await.expect(403);
    app.answer(&e, &r, &b_token, "withdraw").await.expect(403);
    app.answer(&e, &r, &b_token, "accept").await.expect(200);
    app.answer(&e, &r, &b_token, "accept").await.expect(409);
    app.answer(&e, &r, &b_token, "decline").await.expect(409);
    app.answer(&e, &r, &a_token, "withdraw").await.expect(200);
    let again = app.answer(&e, &r, &a_token, "withdraw").await;
    again.expect(409);
    assert_eq!(again.content_type(), "application/problem+json");
    let d = app.request(&e, &a_token, &[&b], 20, 3).await;
    app.answer(&e, &d, &b_token, "decline").await.expect(200);
    app.answer(&e, &d, &a_token, "withdraw").await.expect(409);
    app.answer(&e, &d, &b_token, "accept").await.expect(409);

    // Schedules.
    let schedules = format!("/api/v1/events/{e}/schedules");
    rejects(
        &app,
        Method::POST,
        &schedules,
        ORGANISER,
        json!({"time_limit_seconds": 0}),
        "/time_limit_seconds",
    )
    .await;
    rejects(
        &app,
        Method::POST,
        &schedules,
        ORGANISER,
        json!({"time_limit_seconds": 99999}),
        "/time_limit_seconds",
    )
    .await;
    rejects(
        &app,
        Method::POST,
        &schedules,
        ORGANISER,
        json!({"threads": 4}),
        "/threads",
    )
    .await;
    // A run that is still queued cannot be published or read, and blocks a second run.
    let queued = rendezvous::store::ScheduleRun::queued("sch_waiting", e.clone(), 5);
    app.store.create_run(&queued).await.unwrap();
    app.post(&schedules, Some(ORGANISER), json!({"time_limit_seconds": 5}))
        .await
        .expect(409);
    app.post(
        &format!("{schedules}/sch_waiting/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(409);
    app.get(&format!("{schedules}/sch_waiting/solution"), Some(ORGANISER))
        .await
        .expect(409);
    app.get(&format!("{schedules}/sch_nothing"), Some(ORGANISER))
        .await
        .expect(404);
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert!(timetable.expect(200).json["version"].is_null());

    // CSV import: all rows or none, each bad cell named.
    let import = format!("/api/v1/events/{e}/participants/import");
    let post_csv =
        |body: &'static str| app.raw(Method::POST, &import, Some(ORGANISER), "text/csv", body, &[]);
    for (csv, pointer) in [
        ("name,kind,shoe_size\nA,company,42\n", "/header/2"),
        ("name,size\nA,2\n", "/header"),
        ("name,kind,size\nA,company,2\nB,alien,1\n", "/rows/2/kind"),
        ("name,kind,size\nA,company,two\n", "/rows/1/size"),
        ("name,kind,country\nA,company,MA\n,company,FR\n", "/rows/2/name"),
        (
            "name,kind,unavailable\nA,company,d1-1000;d9-9999\n",
            "/rows/1/unavailable/1",
        ),
        ("name,kind\n", "/rows"),
    ] {
        let reply = post_csv(csv).await;
        assert_eq!(reply.status.as_u16(), 422, "{csv}: {}", reply.text);
        assert!(
            reply.pointers().iter().any(|p| p == pointer),
            "{csv}: {:?}",
            reply.pointers()
        );
    }
    let json_import = app.post(&import, Some(ORGANISER), json!({"name": "A"})).await;
    assert_eq!(json_import.status.as_u16(), 415);
    assert_eq!(counts(&app, &e).await.2, before.2);
}

on_both_backends!(validation);

/// Path and query parameters the server cannot read are the contract's 422 naming the
/// parameter, like a bad body field (axum alone answers 400 in plain text).
#[tokio::test]
async fn unreadable_path_and_query_parameters_are_422() {
    let app = TestApp::start(Backend::Sqlite).await;
    let e = id(&app.expo().await);
    for (path, pointer) in [
        // Not UTF-8 once percent-decoded.
        ("/api/v1/events/%FF".to_string(), "/event"),
        (format!("/api/v1/events/{e}/participants/%C3%28"), "/id"),
        (
            format!("/api/v1/events/{e}/recommendations?for=p&limit=lots"),
            "/limit",
        ),
    ] {
        let reply = app.get(&path, Some(ORGANISER)).await;
        assert_eq!(reply.status.as_u16(), 422, "{path}: {}", reply.text);
        assert_eq!(reply.content_type(), "application/problem+json");
        assert!(
            reply.pointers().iter().any(|p| p == pointer),
            "{path}: expected {pointer} in {:?}",
            reply.pointers()
        );
    }
}
