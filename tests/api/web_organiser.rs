//! The organiser's set-up pages against the real app, on SQLite and PostgreSQL: sign-in
//! with the organiser token, an event created from the form (errors beside their fields,
//! nothing written), rooms added and edited, participants imported from CSV (a bad row
//! named, nothing registered; then all), sign-in links, the requests filtered; and every
//! organiser page and action refused to a participant's session.

use crate::common;
use crate::web_support::{Browser, expo};

use common::{Backend, ORGANISER};
use reqwest::StatusCode;
use serde_json::json;

async fn organiser(app: &common::TestApp) -> Browser {
    let mut browser = Browser::new(app);
    let page = browser.get(&format!("/login?token={ORGANISER}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
    assert_eq!(page.location(), "/organiser");
    browser
}

async fn organiser_sets_up_an_event_from_the_pages(backend: Backend) {
    let app = common::TestApp::start(backend).await;
    let mut browser = organiser(&app).await;
    let home = browser.get("/organiser").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text);
    assert_eq!(home.h1_count(), 1);
    let csrf = home.csrf();
    // The participant home sends the organiser to its own pages.
    assert_eq!(browser.get("/").await.location(), "/organiser");

    // Broken: a slot length out of range, a day's session that is not a time.
    let bad = browser
        .post(
            "/organiser",
            &[
                ("csrf", &csrf),
                ("name", "Smart City Expo"),
                ("timezone", "Africa/Casablanca"),
                ("slot_minutes", "500"),
                ("reminder_minutes", "15"),
                ("date-0", "2027-04-17"),
                ("sessions-0", "09:00-12:00"),
                ("date-1", "2027-04-18"),
                ("sessions-1", "9h-12:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(bad.text.contains("id=\"slot_minutes-error\""), "{}", bad.text);
    assert!(bad.text.contains("choisissez entre 5 et 240"), "{}", bad.text);
    assert!(bad.text.contains("id=\"sessions-1-error\""), "{}", bad.text);
    assert!(bad.text.contains("Jour 2 : sessions"), "{}", bad.text);
    assert!(bad.text.contains("value=\"9h-12:00\""), "what was typed is kept");
    assert!(app.store.events().await.unwrap().is_empty(), "nothing written");

    let created = browser
        .post(
            "/organiser",
            &[
                ("csrf", &csrf),
                ("name", "Smart City Expo"),
                ("timezone", "Africa/Casablanca"),
                ("slot_minutes", "30"),
                ("reminder_minutes", "15"),
                ("date-0", "2027-04-17"),
                ("sessions-0", "09:00-10:00, 14:00-15:00"),
                ("date-1", ""),
                ("sessions-1", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
    let events = app.store.events().await.unwrap();
    assert_eq!(events.len(), 1);
    let event = events[0].id.clone();
    assert_eq!(created.location(), format!("/organiser/events/{event}"));
    let shown = browser.get(created.location()).await;
    for slot in ["09:00–09:30", "09:30–10:00", "14:00–14:30", "14:30–15:00"] {
        assert!(shown.text.contains(slot), "{slot}: {}", shown.text);
    }
    assert!(shown.text.contains("4 créneaux en tout"));

    // Rooms: a bad capacity beside its field, then added, then edited.
    let rooms = format!("/organiser/events/{event}/rooms");
    let bad_room = browser
        .post(&rooms, &[("csrf", &csrf), ("name", "Table 1"), ("capacity", "0")])
        .await;
    assert_eq!(bad_room.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_room.text.contains("id=\"capacity-error\""),
        "{}",
        bad_room.text
    );
    assert!(app.store.rooms(&event).await.unwrap().is_empty());
    let added = browser
        .post(
            &rooms,
            &[
                ("csrf", &csrf),
                ("name", "Table 1"),
                ("capacity", "4"),
                ("features", "screen\nvisio"),
                ("unavailable", "d1-0900"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let room = app.store.rooms(&event).await.unwrap().remove(0);
    assert_eq!(room.features, ["screen", "visio"]);
    assert_eq!(room.unavailable, ["d1-0900"]);
    assert!(browser.get(&rooms).await.text.contains("Table 1"));
    let edited = browser
        .post(
            &format!("{rooms}/{}", room.id),
            &[("csrf", &csrf), ("name", "Salle Atlas"), ("capacity", "12")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text);
    // The JSON API reads the same room.
    let api = app
        .get(&format!("/api/v1/events/{event}/rooms"), Some(ORGANISER))
        .await;
    assert_eq!(api.json[0]["name"], "Salle Atlas");
    assert_eq!(api.json[0]["capacity"], 12);
    assert_eq!(api.json[0]["features"], json!([]));

    // CSV: one bad row named with its row and column, nothing registered; then fixed.
    let people = format!("/organiser/events/{event}/participants");
    let bad_csv = "name,kind,city,country\nBangkok,delegation,Bangkok,TH\nAcme,robot,Casablanca,MA\n";
    let refused = browser.post(&people, &[("csrf", &csrf), ("csv", bad_csv)]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert!(refused.text.contains("Ligne 2, colonne kind"), "{}", refused.text);
    assert!(refused.text.contains("Acme,robot"), "the file is kept to fix");
    assert!(app.store.participants(&event).await.unwrap().is_empty());
    let good_csv = bad_csv.replace("robot", "company");
    let imported = browser
        .post(&people, &[("csrf", &csrf), ("csv", &good_csv)])
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    assert!(imported.text.contains("2 participants inscrits"));
    let links: Vec<&str> = imported
        .text
        .match_indices("/login?token=")
        .map(|(at, _)| {
            let rest = &imported.text[at + 13..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    assert_eq!(links.len(), 2);
    // The link signs its participant in.
    let mut bangkok = Browser::new(&app);
    bangkok.sign_in(links[0]).await;
    assert!(bangkok.get("/").await.text.contains("Bangkok"));
    let directory = browser.get(&people).await;
    assert!(directory.text.contains("Acme") && directory.text.contains("Annuaire (2)"));
    // A new link: shown once, the old one and its sessions stop working.
    let bangkok_id = app
        .store
        .participant_by_token_hash(&rendezvous::domain::ids::hash_token(links[0]))
        .await
        .unwrap()
        .unwrap()
        .id;
    let fresh = browser
        .post(&format!("{people}/{bangkok_id}/link"), &[("csrf", &csrf)])
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
    assert!(fresh.text.contains("/login?token="));
    assert_eq!(bangkok.get("/").await.location(), "/login");
    let mut stale = Browser::new(&app);
    let old = stale.get(&format!("/login?token={}", links[0])).await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Requests: all of them, then by status and by participant.
    let acme_id = app
        .store
        .participants(&event)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.profile.name == "Acme")
        .unwrap()
        .id;
    let token = fresh.text.split("/login?token=").nth(1).unwrap();
    let token = &token[..token.find('"').unwrap()];
    app.post(
        &format!("/api/v1/events/{event}/requests"),
        Some(token),
        json!({"with": [acme_id], "duration_minutes": 30, "priority": 3}),
    )
    .await
    .expect(201);
    let requests = format!("/organiser/events/{event}/requests");
    let all = browser.get(&requests).await;
    assert!(all.text.contains("1 demandes."), "{}", all.text);
    let pending = browser
        .get(&format!("{requests}?status=pending&participant=acme"))
        .await;
    assert!(pending.text.contains("1 demandes."), "{}", pending.text);
    let declined = browser.get(&format!("{requests}?status=declined")).await;
    assert!(declined.text.contains("0 demandes."), "{}", declined.text);
    let nobody = browser.get(&format!("{requests}?participant=nobody")).await;
    assert!(nobody.text.contains("0 demandes."), "{}", nobody.text);
}

async fn organiser_pages_refuse_a_participant_and_forged_posts(backend: Backend) {
    let x = expo(backend).await;
    let event = &x.event;
    let room = x.app.room(event, "Table 9", 2, &[]).await;
    let pages = [
        "/organiser".to_string(),
        format!("/organiser/events/{event}"),
        format!("/organiser/events/{event}/rooms"),
        format!("/organiser/events/{event}/rooms/{room}"),
        format!("/organiser/events/{event}/participants"),
        format!("/organiser/events/{event}/requests"),
    ];
    let posts = [
        ("/organiser".to_string(), vec![("name", "X")]),
        (
            format!("/organiser/events/{event}/rooms"),
            vec![("name", "T"), ("capacity", "2")],
        ),
        (
            format!("/organiser/events/{event}/rooms/{room}"),
            vec![("name", "T"), ("capacity", "2")],
        ),
        (
            format!("/organiser/events/{event}/participants"),
            vec![("csv", "name,kind\nA,company\n")],
        ),
        (
            format!("/organiser/events/{event}/participants/{}/link", x.acme.0),
            vec![],
        ),
    ];
    // Anonymous: to the sign-in page.
    let mut anonymous = Browser::new(&x.app);
    for page in &pages {
        assert_eq!(anonymous.get(page).await.location(), "/login", "{page}");
    }
    // A participant: refused, with its own CSRF token too, and nothing changes.
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let csrf = bangkok.get("/").await.csrf();
    for page in &pages {
        assert_eq!(bangkok.get(page).await.status, StatusCode::FORBIDDEN, "{page}");
    }
    for (path, fields) in &posts {
        let mut fields = fields.clone();
        fields.push(("csrf", &csrf));
        assert_eq!(
            bangkok.post(path, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // The organiser without its CSRF token: refused too.
    let mut organiser = organiser(&x.app).await;
    for (path, fields) in &posts {
        assert_eq!(
            organiser.post(path, fields).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(x.app.store.events().await.unwrap().len(), 1);
    assert_eq!(x.app.store.rooms(event).await.unwrap()[0].name, "Table 9");
    assert_eq!(x.app.store.participants(event).await.unwrap().len(), 3);
    // The participant's token still works: no new link was made.
    let mut again = Browser::new(&x.app);
    again.sign_in(&x.acme.1).await;
    // An unknown event is a 404 for the organiser.
    assert_eq!(
        organiser.get("/organiser/events/evt_nope").await.status,
        StatusCode::NOT_FOUND
    );
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

both_backends!(
    organiser_sets_up_an_event_from_the_pages,
    organiser_pages_refuse_a_participant_and_forged_posts,
);
