//! Concurrency: 50 simultaneous accepts of one request, 50 simultaneous publishes, and
//! double-booking refused by the database itself.

use crate::common;

use std::collections::{HashMap, HashSet};

use common::{Backend, ORGANISER, TestApp, id};
use futures::future::join_all;
use serde_json::json;

async fn concurrent_accepts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (_, a) = app.simple_participant(&e, "Acme").await;
    let (b_id, b) = app.simple_participant(&e, "Bravo").await;
    let (c_id, c) = app.simple_participant(&e, "Charlie").await;

    // One invitee, fifty accepts at once: exactly one wins.
    let r = app.request(&e, &a, &[&b_id], 20, 3).await;
    let replies = join_all((0..50).map(|_| app.answer(&e, &r, &b, "accept"))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 409).count(), 49, "{statuses:?}");
    let stored = app
        .get(&format!("/api/v1/events/{e}/requests/{r}"), Some(&a))
        .await;
    assert_eq!(stored.expect(200).json["status"], "accepted");

    // Two invitees racing 25 accepts each, mixed with declines: every invitee answers
    // once, and the request ends consistent with the answers.
    let r2 = app.request(&e, &a, &[&b_id, &c_id], 20, 3).await;
    let calls = (0..50).map(|i| {
        let (token, verb) = match i % 4 {
            0 => (&b, "accept"),
            1 => (&c, "accept"),
            2 => (&b, "decline"),
            _ => (&c, "decline"),
        };
        app.answer(&e, &r2, token, verb)
    });
    let replies = join_all(calls).await;
    let wins = replies.iter().filter(|r| r.status.as_u16() == 200).count();
    assert!(replies.iter().all(|r| matches!(r.status.as_u16(), 200 | 409)));
    assert!((1..=2).contains(&wins), "{wins} answers won");
    let stored = app
        .get(&format!("/api/v1/events/{e}/requests/{r2}"), Some(&a))
        .await
        .expect(200)
        .json
        .clone();
    let answers: Vec<&str> = stored["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["response"].as_str().unwrap())
        .collect();
    let expected = if answers.contains(&"declined") {
        "declined"
    } else if answers.iter().all(|r| *r == "accepted") {
        "accepted"
    } else {
        "pending"
    };
    assert_eq!(stored["status"], expected, "{stored}");
    assert_eq!(answers.iter().filter(|r| **r != "pending").count(), wins);
}

async fn concurrent_publishes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let t1 = app.room(&e, "Table 1", 2, &[]).await;
    let t2 = app.room(&e, "Table 2", 2, &[]).await;
    let mut people = Vec::new();
    for name in ["A", "B", "C", "D"] {
        people.push(app.simple_participant(&e, name).await);
    }
    let (ab, cd, ac) = (
        app.request(&e, &people[0].1, &[&people[1].0], 20, 3).await,
        app.request(&e, &people[2].1, &[&people[3].0], 40, 3).await,
        app.request(&e, &people[0].1, &[&people[2].0], 20, 3).await,
    );
    app.answer(&e, &ab, &people[1].1, "accept").await.expect(200);
    app.answer(&e, &cd, &people[3].1, "accept").await.expect(200);
    app.answer(&e, &ac, &people[2].1, "accept").await.expect(200);

    let good = app
        .hand_made_run(
            &e,
            &[
                (&ab, "d1-1000", &t1),
                (&cd, "d1-1000", &t2),
                (&ac, "d1-1040", &t1),
            ],
        )
        .await;
    // A participant in two meetings at once (C: cd runs 10:00-10:40, ac starts 10:20).
    let clash_participant = app
        .hand_made_run(
            &e,
            &[
                (&ab, "d1-1000", &t1),
                (&cd, "d1-1000", &t2),
                (&ac, "d1-1020", &t1),
            ],
        )
        .await;
    // A room holding two meetings at once.
    let clash_room = app
        .hand_made_run(&e, &[(&ab, "d1-1000", &t1), (&cd, "d1-1000", &t1)])
        .await;

    // Fifty publishes at once, a third of them of broken schedules.
    let runs: Vec<&String> = (0..50)
        .map(|i| match i % 3 {
            0 => &clash_participant,
            1 => &clash_room,
            _ => &good,
        })
        .collect();
    let paths: Vec<String> = runs
        .iter()
        .map(|run| format!("/api/v1/events/{e}/schedules/{run}/publish"))
        .collect();
    let replies = join_all(
        paths
            .iter()
            .map(|path| app.post(path, Some(ORGANISER), json!({}))),
    )
    .await;
    let mut versions = HashSet::new();
    for (run, reply) in runs.iter().zip(&replies) {
        if **run == good {
            reply.expect(200);
            assert!(
                versions.insert(reply.json["version"].as_i64().unwrap()),
                "versions are unique"
            );
        } else {
            reply.expect(409);
            assert!(
                reply.json["detail"].as_str().unwrap().contains("slot"),
                "{}",
                reply.text
            );
        }
    }
    let good_count = runs.iter().filter(|r| ***r == good).count();
    assert_eq!(
        versions,
        (1..=good_count as i64).collect::<HashSet<_>>(),
        "failed publishes consume no version"
    );

    // The timetable is the good schedule, without any double-booking.
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    assert_eq!(timetable["version"].as_i64(), Some(good_count as i64));
    let meetings = timetable["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 3);
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    for m in meetings {
        for p in m["participants"].as_array().unwrap() {
            let key = (
                p["id"].as_str().unwrap().to_string(),
                m["start"].as_str().unwrap().to_string(),
            );
            assert!(
                seen.insert(key, m["request"].to_string()).is_none(),
                "double-booked: {timetable}"
            );
        }
    }
}

on_both_backends!(concurrent_accepts, concurrent_publishes);
