//! Every route × every caller: nobody, the organiser, the participant the object belongs
//! to ("self"), another participant of the event ("other"), and a participant of another
//! event ("stranger").

use crate::common;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug)]
enum Role {
    Nobody,
    Organiser,
    Own,
    Other,
    Stranger,
}

const ROLES: [Role; 5] = [
    Role::Nobody,
    Role::Organiser,
    Role::Own,
    Role::Other,
    Role::Stranger,
];

struct World {
    e: String,
    own: (String, String),
    other: (String, String),
    third: (String, String),
    stranger: String,
    room: String,
    run: String,
}

impl World {
    fn token(&self, role: Role) -> Option<&str> {
        match role {
            Role::Nobody => None,
            Role::Organiser => Some(ORGANISER),
            Role::Own => Some(&self.own.1),
            Role::Other => Some(&self.other.1),
            Role::Stranger => Some(&self.stranger),
        }
    }
}

async fn matrix(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let room = app.room(&e, "Table 1", 2, &[]).await;
    let own = app.simple_participant(&e, "Own").await;
    let other = app.simple_participant(&e, "Other").await;
    let third = app.simple_participant(&e, "Third").await;
    let elsewhere = id(&app.expo().await);
    let (_, stranger) = app.simple_participant(&elsewhere, "Stranger").await;
    let accepted = app.request(&e, &own.1, &[&third.0], 20, 3).await;
    app.answer(&e, &accepted, &third.1, "accept").await.expect(200);
    let run = app.hand_made_run(&e, &[(&accepted, "d1-1000", &room)]).await;
    app.post(
        &format!("/api/v1/events/{e}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let w = World {
        e: e.clone(),
        own,
        other,
        third,
        stranger,
        room,
        run,
    };
    let (o, own_id, third_id) = (&w.e, w.own.0.clone(), w.third.0.clone());

    // (method, path, body, expected status for nobody, organiser, own, other, stranger)
    let csv = "text/csv";
    let mut cases: Vec<(Method, String, Option<Value>, [u16; 5])> = vec![
        (Method::GET, "/healthz".into(), None, [200; 5]),
        (Method::GET, "/readyz".into(), None, [200; 5]),
        // Metrics say who uses the service how much: the organiser's (or a metrics token's).
        (Method::GET, "/metrics".into(), None, [401, 200, 403, 403, 403]),
        (Method::GET, "/api/v1/openapi.json".into(), None, [200; 5]),
        (
            Method::POST,
            "/api/v1/events".into(),
            Some(common::expo_body()),
            [401, 201, 403, 403, 403],
        ),
        (
            Method::GET,
            "/api/v1/events".into(),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}"),
            None,
            [401, 200, 200, 200, 404],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/rooms"),
            Some(json!({"name": "T", "capacity": 2})),
            [401, 201, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/rooms"),
            None,
            [401, 200, 200, 200, 404],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/participants"),
            Some(json!({"name": "N", "kind": "company"})),
            [401, 201, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/participants/import"),
            None,
            [401, 201, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/participants"),
            None,
            [401, 200, 200, 200, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/participants/{own_id}"),
            None,
            [401, 200, 200, 404, 404],
        ),
        (
            Method::PATCH,
            format!("/api/v1/events/{o}/participants/{own_id}"),
            Some(json!({"city": "Casablanca"})),
            [401, 200, 200, 404, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/participants/{own_id}/agenda"),
            None,
            [401, 200, 200, 404, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/participants/{own_id}/agenda.ics"),
            None,
            [401, 200, 200, 404, 404],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/requests"),
            Some(json!({"with": [third_id], "duration_minutes": 20, "priority": 1})),
            [401, 403, 201, 201, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/requests"),
            None,
            [401, 200, 200, 200, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/requests/{accepted}"),
            None,
            [401, 200, 200, 404, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/schedules/{}", w.run),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/schedules/{}/solution", w.run),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/schedules/{}/publish", w.run),
            Some(json!({})),
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/problem"),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/timetable"),
            None,
            [401, 200, 200, 200, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/rooms/{}/agenda", w.room),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/recommendations?for={own_id}"),
            None,
            [401, 200, 200, 403, 404],
        ),
        (
            Method::PUT,
            format!("/api/v1/events/{o}/participants/{third_id}/interest"),
            None,
            [401, 403, 200, 200, 404],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/interests"),
            None,
            [401, 403, 200, 200, 404],
        ),
        (
            Method::DELETE,
            format!("/api/v1/events/{o}/participants/{third_id}/interest"),
            None,
            [401, 403, 204, 204, 404],
        ),
        (
            Method::PUT,
            format!("/api/v1/events/{o}/boosts"),
            Some(json!({"boosts": [{"target": "city", "value": "Bangkok", "factor": 1.5}]})),
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/boosts"),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/events/{o}/proposals"),
            Some(json!({"min_requests": 1, "per_participant": 1})),
            [401, 201, 403, 403, 403],
        ),
        (
            Method::PUT,
            format!("/api/v1/events/{o}/requests/{accepted}/pin"),
            Some(json!({"slot": "d1-1000", "room": w.room})),
            [401, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/events/{o}/pins"),
            None,
            [401, 200, 403, 403, 403],
        ),
        (
            Method::DELETE,
            format!("/api/v1/events/{o}/requests/{accepted}/pin"),
            None,
            [401, 204, 403, 403, 403],
        ),
    ];
    // The schedule POST last but one: it starts a run.
    cases.push((
        Method::POST,
        format!("/api/v1/events/{o}/schedules"),
        Some(json!({"time_limit_seconds": 1})),
        [401, 202, 403, 403, 403],
    ));
    for (method, path, body, expected) in cases {
        for (role, want) in ROLES.iter().zip(expected) {
            let reply = if path.ends_with("/import") {
                app.raw(
                    method.clone(),
                    &path,
                    w.token(*role),
                    csv,
                    "name,kind\nImported,company\n",
                    &[],
                )
                .await
            } else {
                app.call(method.clone(), &path, w.token(*role), body.clone())
                    .await
            };
            assert_eq!(
                reply.status.as_u16(),
                want,
                "{method} {path} as {role:?}: {}",
                reply.text
            );
            if want >= 400 {
                assert_eq!(
                    reply.content_type(),
                    "application/problem+json",
                    "{method} {path} as {role:?}"
                );
            }
        }
    }

    // Answers and withdrawals change state: a fresh request for each caller.
    // accept / decline: only an invitee ("own" is the invitee here).
    for verb in ["accept", "decline"] {
        for (role, want) in ROLES.iter().zip([401, 403, 200, 404, 404]) {
            let r = app.request(&e, &w.third.1, &[&w.own.0], 20, 2).await;
            let reply = app
                .call(
                    Method::POST,
                    &format!("/api/v1/events/{e}/requests/{r}/{verb}"),
                    w.token(*role),
                    None,
                )
                .await;
            assert_eq!(reply.status.as_u16(), want, "{verb} as {role:?}: {}", reply.text);
        }
    }
    // withdraw: only the requester ("own" asked here); the invitee gets 403.
    for (role, want) in ROLES.iter().zip([401, 403, 200, 404, 404]) {
        let r = app.request(&e, &w.own.1, &[&w.third.0], 20, 2).await;
        let reply = app
            .call(
                Method::POST,
                &format!("/api/v1/events/{e}/requests/{r}/withdraw"),
                w.token(*role),
                None,
            )
            .await;
        assert_eq!(
            reply.status.as_u16(),
            want,
            "withdraw as {role:?}: {}",
            reply.text
        );
    }
    let r = app.request(&e, &w.own.1, &[&w.third.0], 20, 2).await;
    app.answer(&e, &r, &w.third.1, "withdraw").await.expect(403);

    // A wrong token is a 401, an unknown route a 404, a wrong method a 405: all problem+json.
    let bad = app
        .get(&format!("/api/v1/events/{e}"), Some("rdvp_not-a-token"))
        .await;
    bad.expect(401);
    assert_eq!(
        bad.headers.get("www-authenticate").map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
    let missing = app.get("/api/v1/nothing-here", Some(ORGANISER)).await;
    missing.expect(404);
    assert_eq!(missing.content_type(), "application/problem+json");
    let wrong = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{e}"),
            Some(ORGANISER),
            None,
        )
        .await;
    wrong.expect(405);
    assert_eq!(wrong.content_type(), "application/problem+json");
}

on_both_backends!(matrix);
