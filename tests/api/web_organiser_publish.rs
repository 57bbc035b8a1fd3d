//! Publishing from the organiser's pages, on SQLite and PostgreSQL: a run's draft against the
//! published version (moves, drops, new meetings, who is affected), the publish button (the
//! API's operation: an older run than the published one is a 409 said on the page, a
//! timetable changed since the page was read is not replaced), the version history; the
//! dashboard's figures, exact on a small hand-made event; a participant refused everywhere.

use chrono::{DateTime, TimeDelta, Utc};
use rendezvous::meetings::dashboard;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{self, Backend, ORGANISER, TestApp};
use crate::web_support::{Browser, expo};

fn now_at(at: &str) -> TimeDelta {
    DateTime::parse_from_rfc3339(at).unwrap().to_utc() - Utc::now()
}

/// The organiser, signed in.
async fn organiser(app: &TestApp) -> Browser {
    let mut browser = Browser::new(app);
    let login = browser.get(&format!("/login?token={ORGANISER}")).await;
    assert_eq!(login.location(), "/organiser");
    browser
}

/// The live revision a review page was read at (its publish form's hidden field).
fn revision_of(page: &str) -> String {
    page.split("name=\"revision\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a publish form")
        .to_string()
}

async fn accepted(app: &TestApp, event: &str, from: &str, to: (&str, &str), minutes: u32) -> String {
    let r = app.request(event, from, &[to.0], minutes, 3).await;
    app.answer(event, &r, to.1, "accept").await.expect(200);
    r
}

async fn organiser_reviews_and_publishes(backend: Backend) {
    let x = expo(backend).await;
    let (app, e) = (&x.app, &x.event);
    let t1 = app.room(e, "Table 1", 2, &[]).await;
    let t2 = app.room(e, "Table 2", 2, &[]).await;
    let bangkok_acme = accepted(app, e, &x.bangkok.1, (&x.acme.0, &x.acme.1), 20).await;
    let bangkok_rabat = accepted(app, e, &x.bangkok.1, (&x.rabat.0, &x.rabat.1), 20).await;
    let acme_rabat = accepted(app, e, &x.acme.1, (&x.rabat.0, &x.rabat.1), 20).await;
    let first = app
        .hand_made_run(
            e,
            &[(&bangkok_acme, "d1-1000", &t1), (&bangkok_rabat, "d1-1020", &t1)],
        )
        .await;

    let mut browser = organiser(app).await;
    // Nothing published: everything is new.
    let review = browser
        .get(&format!("/organiser/events/{e}/runs/{first}/publish"))
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text);
    assert_eq!(review.h1_count(), 1);
    assert!(
        review.text.contains("Rien n'est encore publié"),
        "{}",
        review.text
    );
    assert!(
        review
            .text
            .contains("0 déplacés, 0 retirés, 2 nouveaux, 0 inchangés ; 3 participants concernés"),
        "{}",
        review.text
    );
    let csrf = review.csrf();
    let revision = revision_of(&review.text);
    let published = browser
        .post(
            &format!("/organiser/events/{e}/runs/{first}/publish"),
            &[("csrf", &csrf), ("revision", &revision)],
        )
        .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.text);
    assert_eq!(
        published.location(),
        format!("/organiser/events/{e}/versions?published=1")
    );
    let history = browser.get(published.location()).await;
    assert!(
        history.text.contains("La version 1 est publiée : 2 rendez-vous."),
        "{}",
        history.text
    );
    assert!(history.text.contains(&first), "{}", history.text);

    // A second run: one meeting moves, one is dropped, one is new.
    let second = app
        .hand_made_run(
            e,
            &[(&bangkok_acme, "d1-1040", &t2), (&acme_rabat, "d1-1000", &t1)],
        )
        .await;
    let review = browser
        .get(&format!("/organiser/events/{e}/runs/{second}/publish"))
        .await;
    assert!(
        review
            .text
            .contains("1 déplacés, 1 retirés, 1 nouveaux, 0 inchangés ; 3 participants concernés"),
        "{}",
        review.text
    );
    assert!(review.text.contains("Table 1") && review.text.contains("Table 2"));
    assert!(
        review
            .text
            .contains(&format!("face à la version publiée 1 (calcul {first})"))
    );
    // Read before a change: the publish does not replace what the page did not show.
    let stale = browser
        .post(
            &format!("/organiser/events/{e}/runs/{second}/publish"),
            &[("csrf", &csrf), ("revision", "0")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.text);
    assert!(stale.text.contains("le planning a changé"), "{}", stale.text);
    let revision = revision_of(&stale.text);
    let published = browser
        .post(
            &format!("/organiser/events/{e}/runs/{second}/publish"),
            &[("csrf", &csrf), ("revision", &revision)],
        )
        .await;
    assert_eq!(
        published.location(),
        format!("/organiser/events/{e}/versions?published=2")
    );
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await
        .json;
    assert_eq!(timetable["version"], 2, "{timetable}");

    // The first run again: older than the published one, refused, in the page's language.
    let mut english = organiser(app).await;
    english.get("/language?set=en&back=/organiser").await;
    let review = english
        .get(&format!("/organiser/events/{e}/runs/{first}/publish"))
        .await;
    let revision = revision_of(&review.text);
    let older = english
        .post(
            &format!("/organiser/events/{e}/runs/{first}/publish"),
            &[("csrf", &review.csrf()), ("revision", &revision)],
        )
        .await;
    assert_eq!(older.status, StatusCode::CONFLICT, "{}", older.text);
    assert!(
        older.text.contains(&format!(
            "this run is older than run {second}, whose schedule is published (version 2)"
        )),
        "{}",
        older.text
    );
    // The API's publish says the same, as its problem.
    let api = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{first}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    api.expect(409);
    assert!(api.text.contains("is older than run"), "{}", api.text);
    let history = english.get(&format!("/organiser/events/{e}/versions")).await;
    assert!(history.text.contains("2 (current)"), "{}", history.text);
    assert_eq!(
        history.text.matches("<tr>").count(),
        3,
        "a header and two versions"
    );

    // A participant: refused everywhere.
    let mut bangkok = Browser::new(app);
    bangkok.sign_in(&x.bangkok.1).await;
    let own = bangkok.get("/").await.csrf();
    let pages = [
        format!("/organiser/events/{e}/runs/{second}/publish"),
        format!("/organiser/events/{e}/versions"),
        format!("/organiser/events/{e}/dashboard"),
    ];
    for path in &pages {
        assert_eq!(bangkok.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refused = bangkok
        .post(&pages[0], &[("csrf", &own), ("revision", &revision)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// The dashboard of a hand-made event whose every figure is known.
async fn dashboard_figures_are_exact(backend: Backend) {
    let x = expo(backend).await;
    let (app, e) = (&x.app, &x.event);
    let hanoi = app
        .participant(
            e,
            json!({"name": "Hanoi", "kind": "delegation", "city": "Hanoi", "country": "VN"}),
        )
        .await;
    let lonely = app.simple_participant(e, "Lonely").await;
    let t1 = app.room(e, "Table 1", 2, &[]).await;
    let t2 = common::id(
        &app.post(
            &format!("/api/v1/events/{e}/rooms"),
            Some(ORGANISER),
            json!({"name": "Table 2", "capacity": 2, "unavailable": ["d1-1100"]}),
        )
        .await
        .expect(201)
        .json,
    );
    let (bangkok, acme, rabat) = (&x.bangkok, &x.acme, &x.rabat);
    let r1 = accepted(app, e, &bangkok.1, (&acme.0, &acme.1), 20).await;
    let r2 = accepted(app, e, &bangkok.1, (&rabat.0, &rabat.1), 20).await;
    let r3 = accepted(app, e, &hanoi.1, (&acme.0, &acme.1), 40).await;
    let _unplaced = accepted(app, e, &hanoi.1, (&rabat.0, &rabat.1), 20).await;
    let declined = app.request(e, &acme.1, &[&rabat.0], 20, 3).await;
    app.answer(e, &declined, &rabat.1, "decline").await.expect(200);
    let _pending = app.request(e, &rabat.1, &[&hanoi.0], 20, 3).await;
    let withdrawn = app.request(e, &lonely.1, &[&bangkok.0], 20, 3).await;
    app.answer(e, &withdrawn, &lonely.1, "withdraw").await.expect(200);
    let r8 = accepted(app, e, &rabat.1, (&lonely.0, &lonely.1), 20).await;
    let run = app
        .hand_made_run(
            e,
            &[
                (&r1, "d1-1000", &t1),
                (&r2, "d1-1040", &t1),
                (&r3, "d1-1020", &t2),
                (&r8, "d1-1100", &t1),
            ],
        )
        .await;
    app.post(
        &format!("/api/v1/events/{e}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/events/{e}/requests/{r8}/cancel"),
        Some(&lonely.1),
        json!({"reason": "Flight delayed"}),
    )
    .await
    .expect(200);
    let expo_day = app
        .another_node(|c| c.clock_offset = now_at("2027-04-17T12:00:00+01:00"))
        .await;
    for (r, outcome) in [(&r1, "held"), (&r3, "no_show")] {
        expo_day
            .post(
                &format!("/api/v1/events/{e}/requests/{r}/check-in"),
                Some(&acme.1),
                json!({"outcome": outcome}),
            )
            .await
            .expect(200);
    }

    let d = dashboard(app.store.as_ref(), e).await.expect("dashboard");
    assert_eq!(
        (
            d.requests.sent,
            d.requests.accepted,
            d.requests.declined,
            d.requests.pending
        ),
        (8, 4, 1, 1)
    );
    assert_eq!(d.acceptance_rate, Some(0.8));
    assert_eq!((d.placed, d.placed_share), (3, Some(0.75)));
    // Bangkok 2, Acme 2, Rabat 1, Hanoi 1, Lonely 0 (its one meeting was cancelled).
    assert_eq!((d.meetings_median, d.meetings_minimum), (1.0, 0));
    let used: Vec<(&str, u32, u32)> = d
        .table_use
        .iter()
        .take(6)
        .map(|u| (u.slot.id.as_str(), u.used, u.open))
        .collect();
    assert_eq!(
        used,
        [
            ("d1-1000", 1, 2),
            ("d1-1020", 1, 2),
            ("d1-1040", 2, 2),
            ("d1-1100", 0, 1),
            ("d1-1120", 0, 2),
            ("d1-1140", 0, 2)
        ]
    );
    // Bangkok waits one slot between its meetings; nobody else waits.
    assert_eq!(d.wait_mean_minutes, 5.0);
    let worst = d.wait_worst.as_ref().expect("a worst wait");
    assert_eq!(
        (worst.name.as_str(), worst.minutes),
        ("Bangkok Metropolitan Administration", 20)
    );
    assert_eq!((d.held, d.no_show, d.cancelled), (1, 1, 1));
    assert_eq!(
        (
            d.guest_of_honour.name.as_str(),
            d.guest_of_honour.accepted,
            d.guest_of_honour.placed
        ),
        ("Bangkok", 2, 2)
    );
    let asean: Vec<(&str, u32, u32)> = d
        .asean
        .iter()
        .map(|c| (c.name.as_str(), c.accepted, c.placed))
        .collect();
    assert_eq!(asean, [("TH", 2, 2), ("VN", 2, 1)]);

    // The page shows the same figures, each chart with its text.
    let mut browser = organiser(app).await;
    let page = browser.get(&format!("/organiser/events/{e}/dashboard")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.h1_count(), 1);
    for figure in [
        "data-figure=\"acceptance\">80 %<",
        "data-figure=\"placed\">3 sur 4 (75 %)<",
        "data-figure=\"median\">1<",
        "data-figure=\"minimum\">0<",
        "data-figure=\"wait-mean\">5<",
        "data-figure=\"wait-worst\">20 minutes (Bangkok Metropolitan Administration)<",
        "Au plus 2 tables occupées sur 2, à 10:40.",
        "Pays VN",
        "1 / 2 (50 %)",
    ] {
        assert!(page.text.contains(figure), "{figure} in {}", page.text);
    }
    assert!(page.text.contains("role=\"img\""));
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::Backend::Postgres).await; })*
        }
    };
}

both_backends!(organiser_reviews_and_publishes, dashboard_figures_are_exact);
