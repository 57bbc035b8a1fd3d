//! The meeting's whole life through the API, on each backend: proposing and accepting at a
//! slot (booked at once, with the right room), agendas and calendars, moving it in place,
//! cancelling it (standby offers), the solver working around bookings, confirmations,
//! release, expiry, check-in and private feedback.

use crate::booking_support::{accept_at, act, ask, people, slots_of, vevent};
use crate::common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Backend, ORGANISER, TestApp, id};
use reqwest::Method;
use serde_json::{Value, json};

/// The clock offset that makes "now" `at`.
fn now_at(at: &str) -> TimeDelta {
    DateTime::parse_from_rfc3339(at).unwrap().to_utc() - Utc::now()
}

async fn request_of(app: &TestApp, e: &str, r: &str, token: &str) -> Value {
    app.get(&format!("/api/v1/events/{e}/requests/{r}"), Some(token))
        .await
        .expect(200)
        .json
        .clone()
}

async fn book_at_a_slot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let table = app.room(&e, "Table 1", 2, &[]).await;
    let atlas = app.room(&e, "Salle Atlas", 14, &["video"]).await;
    let (a, at) = app
        .participant(
            &e,
            json!({"name": "Acme", "kind": "company", "unavailable": ["d1-1040"]}),
        )
        .await;
    let (b, bt) = app.simple_participant(&e, "Bravo").await;
    let (_, outsider) = app.simple_participant(&e, "Charlie").await;

    // Proposed slots must be free for everyone, now: each bad one is named.
    let refused = ask(
        &app,
        &e,
        &at,
        &[&b],
        json!({"proposed_slots": ["d9-0000", "d1-1040", "d1-1000", "d1-1000"]}),
    )
    .await;
    refused.expect(422);
    assert_eq!(
        refused.pointers(),
        ["/proposed_slots/0", "/proposed_slots/1", "/proposed_slots/3"]
    );
    let r = ask(
        &app,
        &e,
        &at,
        &[&b],
        json!({"proposed_slots": ["d1-1000", "d1-1020"]}),
    )
    .await;
    assert_eq!(
        r.expect(201).json["proposed_slots"],
        json!(["d1-1000", "d1-1020"])
    );
    let r = id(&r.json);

    // The free slots, each with the smallest room that fits; a stranger sees nothing.
    let free = app
        .get(&format!("/api/v1/events/{e}/requests/{r}/slots"), Some(&bt))
        .await;
    let free = free.expect(200).json.clone();
    assert_eq!(free[0]["slot"], "d1-1000");
    assert_eq!(free[0]["room"], json!({"id": table, "name": "Table 1"}));
    assert_eq!(free[0]["end"], "2027-04-17T10:20:00+01:00");
    assert!(!slots_of(&free).contains(&"d1-1040".to_string()));
    app.get(&format!("/api/v1/events/{e}/requests/{r}/slots"), Some(&outsider))
        .await
        .expect(404);

    let agenda = format!("/api/v1/events/{e}/participants/{a}/agenda");
    let before = app.get(&agenda, Some(&at)).await;
    let etag = before.expect(200).headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(before.json["meetings"], json!([]));

    // A slot not free for everyone is a 409 with alternatives; an unknown one a 422.
    let busy = accept_at(&app, &e, &r, &bt, "d1-1040").await;
    busy.expect(409);
    assert!(
        slots_of(&busy.json["alternatives"]).contains(&"d1-1000".to_string()),
        "{}",
        busy.text
    );
    assert_eq!(
        accept_at(&app, &e, &r, &bt, "nope").await.expect(422).pointers(),
        ["/slot"]
    );
    // The requester cannot accept for the invitee.
    accept_at(&app, &e, &r, &at, "d1-1020").await.expect(403);

    let booked = accept_at(&app, &e, &r, &bt, "d1-1020").await;
    let booked = booked.expect(200).json.clone();
    assert_eq!(booked["status"], "accepted");
    assert_eq!(booked["booking"], json!({"slot": "d1-1020", "room": table}));
    assert_eq!(booked["meeting"]["state"], "booked");
    assert_eq!(booked["responses"][0]["slot"], "d1-1020");

    // In both agendas at once, with a new ETag.
    let after = app
        .raw(
            Method::GET,
            &agenda,
            Some(&at),
            "application/json",
            "",
            &[("if-none-match", &etag)],
        )
        .await;
    after.expect(200);
    assert_ne!(after.headers["etag"].to_str().unwrap(), etag);
    let meeting = &after.json["meetings"][0];
    assert_eq!(meeting["state"], "booked");
    assert_eq!(meeting["start"], "2027-04-17T10:20:00+01:00");
    assert_eq!(meeting["room"]["name"], "Table 1");
    let theirs = app
        .get(&format!("/api/v1/events/{e}/participants/{b}/agenda"), Some(&bt))
        .await;
    assert_eq!(theirs.expect(200).json["meetings"][0]["request"], json!(r));
    let ics = app
        .get(
            &format!("/api/v1/events/{e}/participants/{b}/agenda.ics"),
            Some(&bt),
        )
        .await;
    let event = vevent(&ics.expect(200).text, &r);
    for line in ["DTSTART:20270417T092000Z", "STATUS:CONFIRMED", "SEQUENCE:0"] {
        assert!(event.contains(line), "{line} in {event}");
    }
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert_eq!(timetable.expect(200).json["version"], Value::Null);
    assert_eq!(timetable.json["meetings"].as_array().unwrap().len(), 1);

    // Booked is fixed for the solver.
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    let doc = problem.expect(200).json["meetings"][0].clone();
    assert_eq!(doc["fixed"], json!({"slot": "d1-1020", "room": table}));

    // A delegation of six needing video gets the room that has both.
    let (_, bkk) = app
        .participant(&e, json!({"name": "Bangkok", "kind": "delegation", "size": 6}))
        .await;
    let big = id(&ask(&app, &e, &bkk, &[&a], json!({"features": ["video"]}))
        .await
        .expect(201)
        .json);
    let booked = accept_at(&app, &e, &big, &at, "d1-1100").await;
    assert_eq!(booked.expect(200).json["booking"]["room"], json!(atlas));
}

async fn move_cancel_standby(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    app.room(&e, "Table 1", 2, &[]).await;
    app.room(&e, "Table 2", 2, &[]).await;
    let p = people(&app, &e, "M", 6).await;
    let [(a, at), (b, bt), (_, ct), (d, dt), (_, et), (f, ft)] =
        <[(String, String); 6]>::try_from(p).unwrap();
    let r = id(&ask(&app, &e, &at, &[&b], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r, &bt, "d1-1000").await.expect(200);

    // Reschedule in place: proposed by one, accepted by the other.
    let moved = act(&app, &e, &r, "move", &at, json!({"slot": "d1-1100"})).await;
    assert_eq!(moved.expect(200).json["proposed_move"]["proposed_by"], json!(a));
    act(&app, &e, &r, "move/accept", &at, json!({})).await.expect(409);
    let moved = act(&app, &e, &r, "move/accept", &bt, json!({})).await;
    let moved = moved.expect(200).json.clone();
    assert_eq!(moved["meeting"]["slot"], "d1-1100");
    assert_eq!(moved["meeting"]["sequence"], 1);
    assert_eq!(moved["proposed_move"], Value::Null);
    let ics = app
        .get(
            &format!("/api/v1/events/{e}/participants/{a}/agenda.ics"),
            Some(&at),
        )
        .await;
    let event = vevent(&ics.expect(200).text, &r);
    assert!(
        event.contains("SEQUENCE:1") && event.contains("DTSTART:20270417T100000Z"),
        "{event}"
    );
    // Its old slot is free again.
    let other = id(&ask(&app, &e, &at, &[&d], json!({})).await.expect(201).json);
    let free = app
        .get(&format!("/api/v1/events/{e}/requests/{other}/slots"), Some(&at))
        .await;
    assert!(slots_of(&free.expect(200).json).contains(&"d1-1000".to_string()));
    act(&app, &e, &other, "withdraw", &at, json!({}))
        .await
        .expect(200);

    // A standby meeting: accepted, with no slot yet.
    let standby = id(&ask(&app, &e, &ct, &[&d], json!({})).await.expect(201).json);
    app.answer(&e, &standby, &dt, "accept").await.expect(200);

    // Cancelling needs a reason; it frees the slot, keeps the meeting listed and offers it.
    assert_eq!(
        act(&app, &e, &r, "cancel", &bt, json!({"reason": " "}))
            .await
            .expect(422)
            .pointers(),
        ["/reason"]
    );
    let cancelled = act(&app, &e, &r, "cancel", &bt, json!({"reason": "Flight delayed"})).await;
    let cancelled = cancelled.expect(200).json.clone();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["meeting"]["state"], "cancelled");
    assert_eq!(cancelled["reason"], "Flight delayed");
    act(&app, &e, &r, "cancel", &at, json!({"reason": "again"}))
        .await
        .expect(409);
    let agenda = app
        .get(&format!("/api/v1/events/{e}/participants/{a}/agenda"), Some(&at))
        .await;
    let listed = &agenda.expect(200).json["meetings"][0];
    assert_eq!(
        (listed["state"].as_str(), listed["reason"].as_str()),
        (Some("cancelled"), Some("Flight delayed"))
    );
    let ics = app
        .get(
            &format!("/api/v1/events/{e}/participants/{a}/agenda.ics"),
            Some(&at),
        )
        .await;
    let event = vevent(&ics.expect(200).text, &r);
    assert!(
        event.contains("STATUS:CANCELLED") && event.contains("SEQUENCE:2"),
        "{event}"
    );

    let offered = request_of(&app, &e, &standby, &ct).await;
    assert_eq!(offered["offered_slot"], "d1-1100");
    let taken = act(&app, &e, &standby, "offer/accept", &dt, json!({})).await;
    assert_eq!(taken.expect(200).json["booking"]["slot"], "d1-1100");
    assert_eq!(taken.json["offered_slot"], Value::Null);

    // The requester withdrawing a booked meeting cancels it too.
    let g = id(&ask(&app, &e, &et, &[&f], json!({})).await.expect(201).json);
    accept_at(&app, &e, &g, &ft, "d2-1000").await.expect(200);
    let withdrawn = act(&app, &e, &g, "withdraw", &et, json!({})).await;
    assert_eq!(withdrawn.expect(200).json["meeting"]["state"], "cancelled");
    assert_eq!(withdrawn.json["status"], "withdrawn");
}

async fn solver_works_around_bookings(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let t1 = app.room(&e, "Table 1", 2, &[]).await;
    let t2 = app.room(&e, "Table 2", 2, &[]).await;
    let p = people(&app, &e, "S", 4).await;
    let [(_, at), (b, bt), (c, ct), (d, dt)] = <[(String, String); 4]>::try_from(p).unwrap();
    let r1 = id(&ask(&app, &e, &at, &[&b], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r1, &bt, "d1-1000").await.expect(200);
    let r2 = id(&ask(&app, &e, &ct, &[&d], json!({})).await.expect(201).json);
    app.answer(&e, &r2, &dt, "accept").await.expect(200);
    let r3 = id(&ask(&app, &e, &at, &[&c], json!({})).await.expect(201).json);
    app.answer(&e, &r3, &ct, "accept").await.expect(200);

    let run = app
        .post(
            &format!("/api/v1/events/{e}/schedules"),
            Some(ORGANISER),
            json!({"time_limit_seconds": 5}),
        )
        .await;
    let run = id(&run.expect(202).json);
    assert_eq!(app.wait_for_run(&e, &run).await["status"], "done");
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    let problem = problem.expect(200).json.clone();
    let solution = app
        .get(
            &format!("/api/v1/events/{e}/schedules/{run}/solution"),
            Some(ORGANISER),
        )
        .await;
    let solution = solution.expect(200).json.clone();
    // The independent checker, with the booking as `fixed`: valid, and r1 stays put.
    let parsed = rendezvous_solver::Problem::try_from(
        serde_json::from_value::<rendezvous_solver::ProblemDoc>(problem.clone()).unwrap(),
    )
    .unwrap();
    let report = rendezvous_solver::check(&parsed, &serde_json::from_value(solution.clone()).unwrap());
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let fixed: Vec<&Value> = problem["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["fixed"].is_null())
        .collect();
    assert_eq!(fixed.len(), 1);
    assert_eq!(fixed[0]["id"], json!(r1));
    let placed = solution["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["meeting"] == json!(r1))
        .unwrap();
    assert_eq!(
        (placed["slot"].as_str(), placed["room"].as_str()),
        (Some("d1-1000"), Some(t1.as_str()))
    );

    app.post(
        &format!("/api/v1/events/{e}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    let states: std::collections::HashMap<String, String> = timetable.expect(200).json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["request"].as_str().unwrap().to_owned(),
                m["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(states[&r1], "booked");
    assert_eq!(states[&r2], "scheduled");

    // Confirmations: each participant once; then the organiser sees it confirmed.
    act(&app, &e, &r1, "confirm", &at, json!({})).await.expect(409);
    assert_eq!(
        act(&app, &e, &r2, "confirm", &ct, json!({}))
            .await
            .expect(200)
            .json["meeting"]["confirmed_by"],
        json!([c])
    );
    act(&app, &e, &r2, "confirm", &ct, json!({})).await.expect(409);
    assert_eq!(
        act(&app, &e, &r2, "confirm", &dt, json!({}))
            .await
            .expect(200)
            .json["meeting"]["state"],
        "confirmed"
    );

    // Asking for another slot: back to the solver, out of that slot, alternatives offered.
    let slot3 = request_of(&app, &e, &r3, &at).await["meeting"]["slot"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = act(&app, &e, &r3, "refuse-slot", &at, json!({})).await;
    let refused = refused.expect(200).json.clone();
    assert_eq!(refused["request"]["meeting"], Value::Null);
    assert_eq!(refused["request"]["refused_slots"], json!([slot3]));
    assert!(!slots_of(&refused["alternatives"]).is_empty());
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    let doc3 = problem.expect(200).json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(r3))
        .unwrap()
        .clone();
    assert!(!doc3["allowed_slots"].as_array().unwrap().contains(&json!(slot3)));
    assert!(doc3["current"].is_null());

    // The organiser releases a booking to the solver; a participant may not.
    act(&app, &e, &r1, "release", &at, json!({})).await.expect(403);
    assert_eq!(
        act(&app, &e, &r1, "release", ORGANISER, json!({}))
            .await
            .expect(200)
            .json["meeting"]["state"],
        "scheduled"
    );
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    let doc1 = problem.expect(200).json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(r1))
        .unwrap()
        .clone();
    assert!(doc1["fixed"].is_null());
    assert_eq!(doc1["current"], json!({"slot": "d1-1000", "room": t1}));

    // A run solved before a booking that clashes with it cannot be published.
    let stale = app.hand_made_run(&e, &[(&r2, "d1-1200", &t2)]).await;
    let r4 = id(&ask(&app, &e, &bt, &[&d], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r4, &dt, "d1-1200").await.expect(200);
    let clash = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{stale}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert!(
        clash.expect(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("booked since"),
        "{}",
        clash.text
    );
}

async fn expiry_check_in_feedback(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    app.room(&e, "Table 1", 2, &[]).await;
    let p = people(&app, &e, "X", 3).await;
    let [(a, at), (b, bt), (_, ct)] = <[(String, String); 3]>::try_from(p).unwrap();
    let settings = format!("/api/v1/events/{e}");
    let bad = app
        .call(
            Method::PATCH,
            &settings,
            Some(ORGANISER),
            Some(json!({"request_expiry_hours": 0})),
        )
        .await;
    assert_eq!(bad.expect(422).pointers(), ["/request_expiry_hours"]);
    app.call(
        Method::PATCH,
        &settings,
        Some(&at),
        Some(json!({"request_expiry_hours": 1})),
    )
    .await
    .expect(403);
    let set = app
        .call(
            Method::PATCH,
            &settings,
            Some(ORGANISER),
            Some(json!({"request_expiry_hours": 1})),
        )
        .await;
    assert_eq!(set.expect(200).json["request_expiry_hours"], 1);

    // Expiry: a node whose clock is two hours on expires the pending request by itself.
    let pending = id(&ask(&app, &e, &at, &[&b], json!({})).await.expect(201).json);
    let later = app
        .another_node(|c| {
            c.clock_offset = TimeDelta::hours(2);
            c.expiry_check_ms = 50;
        })
        .await;
    let mut status = Value::Null;
    for _ in 0..100 {
        status = request_of(&app, &e, &pending, &at).await["status"].clone();
        if status == "expired" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "expired");
    app.answer(&e, &pending, &bt, "accept").await.expect(409);
    drop(later);

    // Check-in only once the meeting has begun; feedback only after it was held.
    let r = id(&ask(&app, &e, &at, &[&b], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r, &bt, "d1-1000").await.expect(200);
    let r2 = id(&ask(&app, &e, &ct, &[&a], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r2, &at, "d1-1020").await.expect(200);
    act(&app, &e, &r, "check-in", &at, json!({"outcome": "held"}))
        .await
        .expect(409);
    let expo_day = app
        .another_node(|c| c.clock_offset = now_at("2027-04-17T12:00:00+01:00"))
        .await;
    let feedback = format!("/api/v1/events/{e}/requests/{r}/feedback");
    let rate = |token: String, body: Value| {
        let (node, path) = (&expo_day, feedback.clone());
        async move { node.call(Method::PUT, &path, Some(&token), Some(body)).await }
    };
    rate(bt.clone(), json!({"rating": 4})).await.expect(409);
    let held = act(&expo_day, &e, &r, "check-in", &at, json!({"outcome": "held"})).await;
    assert_eq!(held.expect(200).json["meeting"]["attendance"], "held");
    act(&expo_day, &e, &r, "check-in", &bt, json!({"outcome": "no_show"}))
        .await
        .expect(409);
    act(
        &expo_day,
        &e,
        &r,
        "check-in",
        ORGANISER,
        json!({"outcome": "held", "absent": [b]}),
    )
    .await
    .expect(422);
    act(
        &expo_day,
        &e,
        &r,
        "check-in",
        ORGANISER,
        json!({"outcome": "held"}),
    )
    .await
    .expect(200);
    let missed = act(&expo_day, &e, &r2, "check-in", &ct, json!({"outcome": "no_show"})).await;
    assert_eq!(missed.expect(200).json["meeting"]["absent"], json!([a]));

    assert_eq!(
        rate(at.clone(), json!({"rating": 6}))
            .await
            .expect(422)
            .pointers(),
        ["/rating"]
    );
    rate(at.clone(), json!({"rating": 4, "follow_up": true}))
        .await
        .expect(200);
    rate(bt.clone(), json!({"rating": 1})).await.expect(200);
    assert_eq!(
        rate(bt.clone(), json!({"rating": 2})).await.expect(200).json["rating"],
        2
    );
    // Each sees its own rating only; nobody else's appears anywhere.
    assert_eq!(app.get(&feedback, Some(&at)).await.expect(200).json["rating"], 4);
    assert_eq!(app.get(&feedback, Some(&bt)).await.expect(200).json["rating"], 2);
    app.get(&feedback, Some(ORGANISER)).await.expect(403);
    app.get(&feedback, Some(&ct)).await.expect(404);
    let seen = app
        .get(&format!("/api/v1/events/{e}/requests/{r}"), Some(&bt))
        .await;
    assert!(!seen.expect(200).text.contains("rating"), "{}", seen.text);

    let report = app
        .get(&format!("/api/v1/events/{e}/meetings/report"), Some(ORGANISER))
        .await;
    let report = report.expect(200).json.clone();
    assert_eq!(
        (report["held"].as_i64(), report["no_show"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (report["expired"].as_i64(), report["ratings"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(report["rating_average"], 3.0);
    assert_eq!(report["follow_ups"], 1);
    let row = |who: &str| {
        report["participants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["participant"] == json!(who))
            .unwrap()
            .clone()
    };
    assert_eq!(row(&a)["rating_average"], 2.0);
    assert_eq!(row(&b)["rating_average"], 4.0);
    assert_eq!(
        (row(&a)["held"].as_i64(), row(&a)["no_show"].as_i64()),
        (Some(1), Some(1))
    );
    app.get(&format!("/api/v1/events/{e}/meetings/report"), Some(&at))
        .await
        .expect(403);
}

/// A participant marking unavailable the slot of a booked meeting does not make the next
/// solve infeasible: the booking stands (its pin) until it is moved or cancelled.
async fn a_booking_stands_when_its_slot_becomes_unavailable(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    app.room(&e, "Table 1", 2, &[]).await;
    let p = people(&app, &e, "U", 2).await;
    let [(a, at), (b, bt)] = <[(String, String); 2]>::try_from(p).unwrap();
    let r = id(&ask(&app, &e, &at, &[&b], json!({})).await.expect(201).json);
    accept_at(&app, &e, &r, &bt, "d1-1000").await.expect(200);
    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{e}/participants/{a}"),
        Some(&at),
        Some(json!({"unavailable": ["d1-1000", "d1-1020"]})),
    )
    .await
    .expect(200);
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await;
    let problem = problem.expect(200).json.clone();
    let mine = problem["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(a))
        .unwrap();
    assert_eq!(mine["unavailable"], json!(["d1-1020"]));
    assert_eq!(problem["meetings"][0]["fixed"]["slot"], "d1-1000");
    let run = app
        .post(
            &format!("/api/v1/events/{e}/schedules"),
            Some(ORGANISER),
            json!({"time_limit_seconds": 2}),
        )
        .await;
    let run = id(&run.expect(202).json);
    let done = app.wait_for_run(&e, &run).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["placed"], 1);
}

on_both_backends!(
    book_at_a_slot,
    move_cancel_standby,
    solver_works_around_bookings,
    expiry_check_in_feedback,
    a_booking_stands_when_its_slot_becomes_unavailable
);
