//! `Idempotency-Key`: a retried POST returns the first response and creates nothing new.

use crate::common;

use crate::booking_support::scalar;
use chrono::{TimeDelta, Utc};
use common::{Backend, ORGANISER, TestApp, expo_body, id};
use futures::future::join_all;
use rendezvous::store::{IdempotencyClock, IdempotencyStart, StoredResponse};
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

    // A participant registration retried concurrently: one participant, one token, shown once.
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
    assert_eq!(
        created.len(),
        1,
        "one success; the others are in progress or shown-once: {replies:?}"
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

/// A key outside the document's pattern (1 to 255 visible ASCII characters) is a 422 naming
/// the header, and nothing is created (the contract's long run sent one with a space).
async fn keys_outside_the_pattern_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let too_long = "k".repeat(256);
    for key in ["with space", "tab\there", too_long.as_str()] {
        let reply = app
            .raw(
                Method::POST,
                "/api/v1/events",
                Some(ORGANISER),
                "application/json",
                expo_body().to_string(),
                &[("Idempotency-Key", key)],
            )
            .await;
        reply.expect(422);
        assert_eq!(
            reply.json["errors"][0]["pointer"], "/headers/Idempotency-Key",
            "{key:?}"
        );
    }
    let events = app.get("/api/v1/events", Some(ORGANISER)).await;
    assert_eq!(events.expect(200).json.as_array().unwrap().len(), 0);
}

/// How many stored idempotent responses hold `secret` anywhere in their body.
async fn stored_bodies_holding(app: &TestApp, secret: &str) -> i64 {
    let sql = match app.backend {
        Backend::Sqlite => {
            format!("SELECT COUNT(*) FROM idempotency_keys WHERE instr(CAST(body AS TEXT), '{secret}') > 0")
        }
        Backend::Postgres => format!(
            "SELECT COUNT(*) FROM idempotency_keys WHERE position(convert_to('{secret}', 'UTF8') in body) > 0"
        ),
    };
    scalar(app, &sql).await
}

/// A registration's token is shown once: neither kept with its idempotency key nor replayed.
async fn replayed_registrations_show_no_token(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let register = |path: String, content_type: &'static str, body: String| {
        let app = &app;
        async move {
            app.raw(
                Method::POST,
                &path,
                Some(ORGANISER),
                content_type,
                body,
                &[("Idempotency-Key", "register-once")],
            )
            .await
        }
    };
    let path = format!("/api/v1/events/{e}/participants");
    let body = json!({"name": "Bangkok", "kind": "delegation", "size": 6}).to_string();
    let first = register(path.clone(), "application/json", body.clone()).await;
    first.expect(201);
    let token = first.json["token"].as_str().unwrap().to_string();
    let participant = id(&first.json);

    let retry = register(path.clone(), "application/json", body).await;
    retry.expect(409);
    assert_eq!(retry.content_type(), "application/problem+json");
    assert!(
        !retry.text.contains(&token),
        "the token is not replayed: {}",
        retry.text
    );
    let detail = retry.json["detail"].as_str().unwrap();
    assert!(
        detail.contains(&participant),
        "the retry names what was created: {detail}"
    );
    assert!(detail.contains("shown once"), "{detail}");
    assert_eq!(
        retry
            .headers
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(stored_bodies_holding(&app, &token).await, 0, "no token at rest");
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM idempotency_keys WHERE status = 409").await,
        1,
        "the redacted answer is what is kept"
    );
    // Still one participant.
    let directory = app.get(&path, Some(ORGANISER)).await;
    assert_eq!(directory.expect(200).json.as_array().unwrap().len(), 1);

    // The CSV import shows its tokens once too.
    let csv = "name,kind\nHydroSense,company\nRabat,institution\n".to_string();
    let import = format!("/api/v1/events/{e}/participants/import");
    let imported = app
        .raw(
            Method::POST,
            &import,
            Some(ORGANISER),
            "text/csv",
            csv.clone(),
            &[("Idempotency-Key", "import-once")],
        )
        .await;
    imported.expect(201);
    let again = app
        .raw(
            Method::POST,
            &import,
            Some(ORGANISER),
            "text/csv",
            csv,
            &[("Idempotency-Key", "import-once")],
        )
        .await;
    again.expect(409);
    for row in imported.json["rows"].as_array().unwrap() {
        let token = row["token"].as_str().unwrap();
        assert!(!again.text.contains(token));
        assert_eq!(stored_bodies_holding(&app, token).await, 0);
    }
    let directory = app.get(&path, Some(ORGANISER)).await;
    assert_eq!(directory.expect(200).json.as_array().unwrap().len(), 3);
}

/// A reservation left by a request that can never answer (its process died) does not hold
/// its key forever: past its age limit, the retry runs.
async fn abandoned_reservations_are_taken_over(backend: Backend) {
    let app = TestApp::start(backend).await;
    let body = expo_body().to_string();
    let post = |key: &'static str| {
        let (app, body) = (&app, body.clone());
        async move {
            app.raw(
                Method::POST,
                "/api/v1/events",
                Some(ORGANISER),
                "application/json",
                body,
                &[("Idempotency-Key", key)],
            )
            .await
        }
    };
    let reserve = |key: &'static str, at| {
        let store = app.store.clone();
        async move {
            let reserved = store
                .idempotency_start(
                    "organiser",
                    key,
                    "a request that never answered",
                    IdempotencyClock::at(at),
                )
                .await
                .unwrap();
            assert!(matches!(reserved, IdempotencyStart::Fresh(_)));
        }
    };
    reserve("just-now", Utc::now()).await;
    // Within its age the reservation holds: another request with the key is refused.
    let busy = post("just-now").await;
    busy.expect(422);
    assert_eq!(busy.pointers(), vec!["/headers/Idempotency-Key"]);

    reserve("crashed", Utc::now() - TimeDelta::minutes(6)).await;
    let taken = post("crashed").await;
    taken.expect(201);
    let again = post("crashed").await;
    again.expect(201);
    assert_eq!(
        again.json, taken.json,
        "the new answer is kept for the key's retries"
    );
}

/// A request that runs out of time releases its key: the retry runs instead of a 409.
async fn a_timed_out_request_releases_its_key(backend: Backend) {
    let app = TestApp::start_with(backend, |config| config.request_timeout_seconds = 1).await;
    let post = || {
        app.raw(
            Method::POST,
            "/api/v1/events",
            Some(ORGANISER),
            "application/json",
            expo_body().to_string(),
            &[("Idempotency-Key", "slow-one")],
        )
    };
    // Another session holds what creating an event needs, so the request waits past its time.
    let held = hold_event_writes(&app).await;
    let timed_out = post().await;
    timed_out.expect(408);
    assert_eq!(timed_out.content_type(), "application/problem+json");
    drop(held);
    // The release runs as the timed-out request is dropped, and waits for the database like
    // any write: a retry may still find the key in progress for a while on a loaded machine
    // (seen over 5 s at load 15). Released means well before the reservation's 5-minute age
    // would free it: 30 s at most here.
    let released_by = std::time::Instant::now() + std::time::Duration::from_secs(30);
    // A retry can also run out of its own second while the database is still busy (408): that
    // too is not a key stuck in progress, which would answer 409 until the 30 s are up.
    let mut retry = post().await;
    while matches!(retry.status.as_u16(), 408 | 409) && std::time::Instant::now() < released_by {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        retry = post().await;
    }
    retry.expect(201);
}

/// A connection that holds the lock an event's creation needs, until dropped (kept only to
/// be dropped).
#[allow(dead_code)]
enum HeldLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

async fn hold_event_writes(app: &TestApp) -> HeldLock {
    use sqlx::Connection as _;
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
            sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
            HeldLock::Sqlite(conn)
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
            sqlx::raw_sql("BEGIN; LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut conn)
                .await
                .unwrap();
            HeldLock::Postgres(conn)
        }
    }
}

/// The service purges, in its periodic pass, reservations past their age and answers past
/// their retention.
async fn old_keys_are_purged(backend: Backend) {
    let app = TestApp::start_with(backend, |config| config.expiry_check_ms = 20).await;
    let day_ago = IdempotencyClock::at(Utc::now() - TimeDelta::hours(25));
    let IdempotencyStart::Fresh(old) = app
        .store
        .idempotency_start("organiser", "yesterday", "f", day_ago)
        .await
        .unwrap()
    else {
        panic!("fresh");
    };
    let answer = StoredResponse {
        status: 201,
        content_type: Some("application/json".into()),
        body: b"{}".to_vec(),
    };
    app.store
        .idempotency_finish("organiser", "yesterday", old, &answer)
        .await
        .unwrap();
    app.store
        .idempotency_start(
            "organiser",
            "abandoned",
            "f",
            IdempotencyClock::at(Utc::now() - TimeDelta::minutes(6)),
        )
        .await
        .unwrap();
    app.store
        .idempotency_start("organiser", "current", "f", IdempotencyClock::at(Utc::now()))
        .await
        .unwrap();
    let mut left = scalar(&app, "SELECT COUNT(*) FROM idempotency_keys").await;
    for _ in 0..200 {
        if left == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        left = scalar(&app, "SELECT COUNT(*) FROM idempotency_keys").await;
    }
    assert_eq!(left, 1, "only the current reservation stays");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'current'"
        )
        .await,
        1
    );
}

on_both_backends!(
    retried_posts,
    keys_outside_the_pattern_are_refused,
    replayed_registrations_show_no_token,
    abandoned_reservations_are_taken_over,
    a_timed_out_request_releases_its_key,
    old_keys_are_purged
);
