//! A publish re-checks its inputs in its own transaction: requests withdrawn since the
//! solution was read are left out, an older run never replaces a newer one's timetable,
//! and `If-Match` with the timetable's `ETag` refuses a publish over a changed timetable.

use std::collections::HashSet;

use crate::booking_support::scalar;
use crate::common;

use common::{Backend, ORGANISER, Reply, TestApp, id};
use reqwest::Method;

async fn publish(app: &TestApp, e: &str, run: &str, if_match: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = if_match.map(|tag| ("If-Match", tag)).into_iter().collect();
    app.raw(
        Method::POST,
        &format!("/api/v1/events/{e}/schedules/{run}/publish"),
        Some(ORGANISER),
        "application/json",
        "{}",
        &headers,
    )
    .await
}

async fn publish_rechecks_its_inputs(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let t1 = app.room(&e, "Table 1", 2, &[]).await;
    let t2 = app.room(&e, "Table 2", 2, &[]).await;
    let mut people = Vec::new();
    for name in ["A", "B", "C", "D"] {
        people.push(app.simple_participant(&e, name).await);
    }
    let ab = app.request(&e, &people[0].1, &[&people[1].0], 20, 3).await;
    let cd = app.request(&e, &people[2].1, &[&people[3].0], 20, 3).await;
    app.answer(&e, &ab, &people[1].1, "accept").await.expect(200);
    app.answer(&e, &cd, &people[3].1, "accept").await.expect(200);
    let older = app
        .hand_made_run(&e, &[(&ab, "d1-1000", &t1), (&cd, "d1-1000", &t2)])
        .await;

    // The publish read the run while both requests were accepted; ab is withdrawn before
    // its transaction: ab is left out, not published.
    let run = app.store.run(&e, &older).await.unwrap();
    let accepted: HashSet<String> = [ab.clone(), cd.clone()].into();
    let read = rendezvous::jobs::publish::placements(
        run.problem.as_deref().unwrap(),
        run.solution.as_deref().unwrap(),
        &accepted,
    )
    .unwrap();
    assert_eq!(read.meetings.len(), 2);
    app.answer(&e, &ab, &people[0].1, "withdraw").await.expect(200);
    let published = app
        .store
        .publish(&e, &older, &read.meetings, &|_| true)
        .await
        .unwrap();
    assert_eq!(published.skipped, vec![ab.clone()]);
    assert_eq!(published.meetings, 1);
    let in_version = format!(
        "SELECT COUNT(*) FROM timetable_meetings WHERE event_id = '{e}' AND version = {} AND request_id = '{ab}'",
        published.version
    );
    assert_eq!(
        scalar(&app, &in_version).await,
        0,
        "a withdrawn request is not published"
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM meetings WHERE request_id = '{ab}'")
        )
        .await,
        0
    );

    // A newer run is published; the older one, finished before it, may not revert it.
    let newer = app.hand_made_run(&e, &[(&cd, "d1-1020", &t1)]).await;
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    let seen = timetable.expect(200).headers["etag"]
        .to_str()
        .unwrap()
        .to_string();
    let now = publish(&app, &e, &newer, Some(&seen)).await;
    now.expect(200);
    let reverting = publish(&app, &e, &older, None).await;
    reverting.expect(409);
    assert_eq!(reverting.content_type(), "application/problem+json");
    assert!(
        reverting.json["detail"].as_str().unwrap().contains(&newer),
        "the 409 names the published run: {}",
        reverting.text
    );
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert_eq!(
        timetable.json["version"], now.json["version"],
        "nothing published"
    );
    assert_eq!(
        timetable.json["meetings"][0]["start"]
            .as_str()
            .map(|s| s.contains("10:20")),
        Some(true)
    );

    // If-Match: the ETag read before the last publish is stale now; the current one passes.
    let stale = publish(&app, &e, &newer, Some(&seen)).await;
    stale.expect(412);
    assert_eq!(stale.content_type(), "application/problem+json");
    let current = timetable.headers["etag"].to_str().unwrap().to_string();
    assert_ne!(current, seen);
    publish(&app, &e, &newer, Some(&current)).await.expect(200);
    publish(&app, &e, &newer, Some("*")).await.expect(200);
    publish(&app, &e, &newer, Some("not-a-tag")).await.expect(422);
}

on_both_backends!(publish_rechecks_its_inputs);
