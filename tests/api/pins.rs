//! Pins on each backend: stored, `fixed` in the problem document, kept by every solve and
//! re-solve; a set that cannot hold together is refused naming the meetings and nothing is
//! stored, even when two clashing pins race; pinning a request that is not accepted is 409.

use crate::booking_support::{accept_at, ask};
use crate::common;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::Method;
use serde_json::{Value, json};

struct Setup {
    app: TestApp,
    e: String,
    t1: String,
    t2: String,
    /// Accepted: a–b, a–c (40 minutes), b–d. Then declined, withdrawn and pending ones.
    ab: String,
    ac: String,
    bd: String,
    declined: String,
    withdrawn: String,
    pending: String,
    a_token: String,
    b_token: String,
}

async fn setup(backend: Backend) -> Setup {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let t1 = app.room(&e, "Table 1", 2, &[]).await;
    let t2 = app.room(&e, "Table 2", 2, &[]).await;
    let (_, a) = app.simple_participant(&e, "Bangkok").await;
    let (b_id, b) = app.simple_participant(&e, "Acme").await;
    let (c_id, c) = app.simple_participant(&e, "UM6P").await;
    let (d_id, d) = app.simple_participant(&e, "Rabat").await;
    let ab = app.request(&e, &a, &[&b_id], 20, 3).await;
    app.answer(&e, &ab, &b, "accept").await.expect(200);
    let ac = app.request(&e, &a, &[&c_id], 40, 3).await;
    app.answer(&e, &ac, &c, "accept").await.expect(200);
    let bd = app.request(&e, &b, &[&d_id], 20, 3).await;
    app.answer(&e, &bd, &d, "accept").await.expect(200);
    let declined = app.request(&e, &c, &[&d_id], 20, 3).await;
    app.answer(&e, &declined, &d, "decline").await.expect(200);
    let withdrawn = app.request(&e, &d, &[&c_id], 20, 3).await;
    app.answer(&e, &withdrawn, &d, "withdraw").await.expect(200);
    let pending = app.request(&e, &c, &[&b_id], 20, 3).await;
    Setup {
        app,
        e,
        t1,
        t2,
        ab,
        ac,
        bd,
        declined,
        withdrawn,
        pending,
        a_token: a,
        b_token: b,
    }
}

impl Setup {
    async fn pin(&self, request: &str, body: Value) -> common::Reply {
        self.app
            .call(
                Method::PUT,
                &format!("/api/v1/events/{}/requests/{request}/pin", self.e),
                Some(ORGANISER),
                Some(body),
            )
            .await
    }

    async fn unpin(&self, request: &str) -> common::Reply {
        self.app
            .call(
                Method::DELETE,
                &format!("/api/v1/events/{}/requests/{request}/pin", self.e),
                Some(ORGANISER),
                None,
            )
            .await
    }

    /// Each meeting's `fixed` in the problem document, by id.
    async fn fixed(&self) -> std::collections::HashMap<String, Value> {
        let problem = self
            .app
            .get(&format!("/api/v1/events/{}/problem", self.e), Some(ORGANISER))
            .await;
        problem.expect(200).json["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["id"].as_str().unwrap().to_string(), m["fixed"].clone()))
            .collect()
    }

    async fn pinned(&self) -> Vec<String> {
        let list = self
            .app
            .get(&format!("/api/v1/events/{}/pins", self.e), Some(ORGANISER))
            .await;
        list.expect(200)
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["request"].as_str().unwrap().to_string())
            .collect()
    }

    /// Solves; returns each placed meeting's (slot, room).
    async fn solve(&self) -> (String, std::collections::HashMap<String, (String, String)>) {
        let run = self
            .app
            .post(
                &format!("/api/v1/events/{}/schedules", self.e),
                Some(ORGANISER),
                json!({"time_limit_seconds": 2}),
            )
            .await;
        let run = id(&run.expect(202).json);
        let done = self.app.wait_for_run(&self.e, &run).await;
        assert_eq!(done["status"], "done", "{done}");
        let solution = self
            .app
            .get(
                &format!("/api/v1/events/{}/schedules/{run}/solution", self.e),
                Some(ORGANISER),
            )
            .await;
        let placed = solution.expect(200).json["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["meeting"].as_str().unwrap().to_string(),
                    (
                        a["slot"].as_str().unwrap().to_string(),
                        a["room"].as_str().unwrap().to_string(),
                    ),
                )
            })
            .collect();
        (run, placed)
    }
}

async fn pins_are_stored_fixed_and_kept_by_every_solve(backend: Backend) {
    let s = setup(backend).await;
    let pinned = s.pin(&s.ab, json!({"slot": "d1-1120", "room": s.t2})).await;
    pinned.expect(200);
    assert_eq!(pinned.json["request"], s.ab.as_str());
    assert_eq!(pinned.json["slot"], "d1-1120");
    assert_eq!(pinned.json["room"], s.t2.as_str());
    // Only the time: the solver picks the room.
    s.pin(&s.bd, json!({"slot": "d2-1000"})).await.expect(200);
    let fixed = s.fixed().await;
    assert_eq!(fixed[&s.ab], json!({"slot": "d1-1120", "room": s.t2}));
    assert_eq!(fixed[&s.bd], json!({"slot": "d2-1000"}));
    assert_eq!(fixed[&s.ac], Value::Null);
    assert_eq!(s.pinned().await, [s.ab.as_str(), s.bd.as_str()]);

    let (run, placed) = s.solve().await;
    assert_eq!(placed[&s.ab], ("d1-1120".to_string(), s.t2.clone()));
    assert_eq!(placed[&s.bd].0, "d2-1000");
    s.app
        .post(
            &format!("/api/v1/events/{}/schedules/{run}/publish", s.e),
            Some(ORGANISER),
            json!({}),
        )
        .await
        .expect(200);

    // Moved to another slot and room: the re-solve follows the pin, not the published spot.
    s.pin(&s.ab, json!({"slot": "d1-1000", "room": s.t1}))
        .await
        .expect(200);
    assert_eq!(s.pinned().await.len(), 2, "a new pin replaces the old");
    let (_, placed) = s.solve().await;
    assert_eq!(placed[&s.ab], ("d1-1000".to_string(), s.t1.clone()));
    assert_eq!(placed[&s.bd].0, "d2-1000");

    // Unpinned: nothing fixed any more; unpinning again is still 204.
    s.unpin(&s.ab).await.expect(204);
    s.unpin(&s.ab).await.expect(204);
    assert_eq!(s.fixed().await[&s.ab], Value::Null);
    assert_eq!(s.pinned().await, [s.bd.as_str()]);
    s.unpin("req_nope").await.expect(404);
}

async fn contradicting_pins_are_refused_naming_the_meetings(backend: Backend) {
    let s = setup(backend).await;
    s.pin(&s.ab, json!({"slot": "d1-1000", "room": s.t1}))
        .await
        .expect(200);
    // Bangkok would be in both at 10:00.
    let refused = s.pin(&s.ac, json!({"slot": "d1-1000"})).await;
    refused.expect(422);
    assert_eq!(refused.content_type(), "application/problem+json");
    let details: Vec<&str> = refused.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with(&format!("meeting {}:", s.ab))),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with(&format!("meeting {}:", s.ac))),
        "{details:?}"
    );
    assert!(refused.pointers().iter().all(|p| p == "/slot"));
    // Nothing stored.
    assert_eq!(s.fixed().await[&s.ac], Value::Null);
    assert_eq!(s.pinned().await, [s.ab.as_str()]);

    // Same room at once, between meetings with nobody in common.
    let refused = s.pin(&s.bd, json!({"slot": "d1-1000", "room": s.t1})).await;
    refused.expect(422);
    assert!(
        refused.text.contains(&s.ab) && refused.text.contains(&s.bd),
        "{}",
        refused.text
    );
    // 40 minutes from 10:00 overlaps a–b at 10:20 too.
    s.pin(&s.ab, json!({"slot": "d1-1020", "room": s.t1}))
        .await
        .expect(200);
    s.pin(&s.ac, json!({"slot": "d1-1000"})).await.expect(422);
    s.pin(&s.ac, json!({"slot": "d1-1040"})).await.expect(200);

    // A booked meeting is fixed too: a pin over it is refused, naming it.
    let (guest, guest_token) = s.app.simple_participant(&s.e, "Jakarta").await;
    let booked = ask(
        &s.app,
        &s.e,
        &s.a_token,
        &[&guest],
        json!({"proposed_slots": ["d1-1200"]}),
    )
    .await;
    let booked = id(&booked.expect(201).json);
    accept_at(&s.app, &s.e, &booked, &guest_token, "d1-1200")
        .await
        .expect(200);
    let refused = s.pin(&s.ab, json!({"slot": "d1-1200"})).await;
    refused.expect(422);
    assert!(
        refused.text.contains(&format!("meeting {booked}:")),
        "{}",
        refused.text
    );
    assert_eq!(s.fixed().await[&s.ab], json!({"slot": "d1-1020", "room": s.t1}));
}

async fn pins_name_their_bad_fields_and_refuse_what_is_not_accepted(backend: Backend) {
    let s = setup(backend).await;
    for (request, status) in [
        (&s.declined, "declined"),
        (&s.withdrawn, "withdrawn"),
        (&s.pending, "pending"),
    ] {
        let refused = s.pin(request, json!({"slot": "d1-1000"})).await;
        refused.expect(409);
        assert!(
            refused.json["detail"].as_str().unwrap().contains(status),
            "{}",
            refused.text
        );
    }
    s.pin("req_nope", json!({"slot": "d1-1000"})).await.expect(404);
    assert_eq!(
        s.pin(&s.ab, json!({"slot": "d9-0900"}))
            .await
            .expect(422)
            .pointers(),
        ["/slot"]
    );
    assert_eq!(
        s.pin(&s.ab, json!({"slot": "d1-1000", "room": "room_nope"}))
            .await
            .expect(422)
            .pointers(),
        ["/room"]
    );
    // 40 minutes from the session's last slot run past its end.
    let past = s.pin(&s.ac, json!({"slot": "d1-1240"})).await;
    assert_eq!(past.expect(422).pointers(), ["/slot"]);
    s.pin(&s.ab, json!({"slot": "d1-1000", "extra": 1}))
        .await
        .expect(422);
    // A participant may not pin, even its own meeting.
    let own = s
        .app
        .call(
            Method::PUT,
            &format!("/api/v1/events/{}/requests/{}/pin", s.e, s.ab),
            Some(&s.b_token),
            Some(json!({"slot": "d1-1000"})),
        )
        .await;
    own.expect(403);
    let list = s
        .app
        .get(&format!("/api/v1/events/{}/pins", s.e), Some(&s.b_token))
        .await;
    list.expect(403);
    assert!(s.pinned().await.is_empty(), "nothing stored");
    // A pinned request that is withdrawn holds nothing any more.
    s.pin(&s.bd, json!({"slot": "d1-1000"})).await.expect(200);
    s.app
        .answer(&s.e, &s.bd, &s.b_token, "withdraw")
        .await
        .expect(200);
    assert!(s.pinned().await.is_empty());
}

/// The domain's rule for pins on the meeting's life (`may_pin`), through the API: a booked
/// meeting is pinned only where its participants booked it, elsewhere once the organiser
/// released it; a meeting checked in or cancelled is not pinned. Nothing is stored when
/// refused.
async fn booked_over_and_cancelled_meetings_are_pinned_only_as_their_life_allows(backend: Backend) {
    let s = setup(backend).await;
    let (x, x_token) = s.app.simple_participant(&s.e, "HydroSense").await;
    let meeting = |slot: &'static str| {
        let (app, e, a, x, x_token) = (&s.app, &s.e, &s.a_token, &x, &x_token);
        async move {
            let r = id(&ask(app, e, a, &[x], json!({})).await.expect(201).json);
            accept_at(app, e, &r, x_token, slot).await.expect(200);
            r
        }
    };
    let booked = meeting("d1-1000").await;
    let refused = s.pin(&booked, json!({"slot": "d1-1020"})).await;
    refused.expect(409);
    assert!(
        refused.json["detail"].as_str().unwrap().contains("booked"),
        "{}",
        refused.text
    );
    assert!(s.pinned().await.is_empty(), "nothing stored");
    // Where it was booked: held there (the room left to it).
    s.pin(&booked, json!({"slot": "d1-1000"})).await.expect(200);
    // Released to the solver, it can be pinned anywhere.
    s.app
        .post(
            &format!("/api/v1/events/{}/requests/{booked}/release", s.e),
            Some(ORGANISER),
            json!({}),
        )
        .await
        .expect(200);
    s.pin(&booked, json!({"slot": "d1-1020", "room": s.t2}))
        .await
        .expect(200);

    // Checked in: over.
    let held = meeting("d1-1040").await;
    let expo_day = s
        .app
        .another_node(|c| {
            c.clock_offset = chrono::DateTime::parse_from_rfc3339("2027-04-17T12:00:00+01:00")
                .unwrap()
                .to_utc()
                - chrono::Utc::now()
        })
        .await;
    expo_day
        .post(
            &format!("/api/v1/events/{}/requests/{held}/check-in", s.e),
            Some(ORGANISER),
            json!({"outcome": "held"}),
        )
        .await
        .expect(200);
    let over = s.pin(&held, json!({"slot": "d1-1040"})).await;
    over.expect(409);
    assert!(
        over.json["detail"].as_str().unwrap().contains("over"),
        "{}",
        over.text
    );

    // Cancelled by a participant.
    let cancelled = meeting("d1-1100").await;
    s.app
        .post(
            &format!("/api/v1/events/{}/requests/{cancelled}/cancel", s.e),
            Some(&x_token),
            json!({"reason": "Flight delayed"}),
        )
        .await
        .expect(200);
    s.pin(&cancelled, json!({"slot": "d1-1100"})).await.expect(409);
    assert_eq!(s.pinned().await, [booked], "only the released meeting's pin");

    // The store applies the same rule to its write, under the event's lock.
    let store = s.app.store.as_ref();
    let revision = store.pins(&s.e).await.unwrap().revision;
    let pin = rendezvous::store::Pin {
        request_id: held.clone(),
        slot_id: "d1-1040".into(),
        room_id: None,
        pinned_at: chrono::Utc::now(),
    };
    assert!(matches!(
        store.put_pin(&s.e, &pin, revision).await,
        Err(rendezvous::store::StoreError::Conflict(_))
    ));
}

async fn racing_clashing_pins_are_never_both_stored(backend: Backend) {
    let s = setup(backend).await;
    for round in 0..6 {
        let slot = format!("d2-{}", ["1000", "1020", "1040", "1100", "1120", "1140"][round]);
        let (first, second) = tokio::join!(
            s.pin(&s.ab, json!({"slot": slot})),
            s.pin(&s.ac, json!({"slot": slot}))
        );
        let mut statuses = [first.status.as_u16(), second.status.as_u16()];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 422],
            "round {round}: {} / {}",
            first.text,
            second.text
        );
        assert_eq!(s.pinned().await.len(), 1, "round {round}");
        s.unpin(&s.ab).await.expect(204);
        s.unpin(&s.ac).await.expect(204);
    }
}

/// The store's fence: a pin checked at an old revision is not stored.
async fn a_pin_checked_at_a_stale_revision_is_not_stored(backend: Backend) {
    use rendezvous::store::Pin;
    let s = setup(backend).await;
    let store = s.app.store.as_ref();
    let at = |request: &str, slot: &str| Pin {
        request_id: request.to_string(),
        slot_id: slot.to_string(),
        room_id: None,
        pinned_at: chrono::Utc::now(),
    };
    let revision = store.pins(&s.e).await.unwrap().revision;
    assert!(
        store
            .put_pin(&s.e, &at(&s.ab, "d1-1000"), revision)
            .await
            .unwrap()
    );
    assert!(
        !store
            .put_pin(&s.e, &at(&s.bd, "d1-1000"), revision)
            .await
            .unwrap()
    );
    let set = store.pins(&s.e).await.unwrap();
    assert_eq!(set.revision, revision + 1);
    assert_eq!(
        set.pins.iter().map(|p| p.request_id.as_str()).collect::<Vec<_>>(),
        [s.ab.as_str()]
    );
    assert!(matches!(
        store
            .put_pin(&s.e, &at(&s.declined, "d1-1000"), set.revision)
            .await,
        Err(rendezvous::store::StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.put_pin("evt_nope", &at(&s.ab, "d1-1000"), 0).await,
        Err(rendezvous::store::StoreError::NotFound)
    ));
}

on_both_backends!(
    a_pin_checked_at_a_stale_revision_is_not_stored,
    pins_are_stored_fixed_and_kept_by_every_solve,
    contradicting_pins_are_refused_naming_the_meetings,
    pins_name_their_bad_fields_and_refuse_what_is_not_accepted,
    racing_clashing_pins_are_never_both_stored,
    booked_over_and_cancelled_meetings_are_pinned_only_as_their_life_allows,
);
