//! A meeting's own page on the organiser's board, on SQLite and PostgreSQL: the full pin
//! form, and the organiser's steps in the meeting's life the API offers (release a booked
//! meeting to the solver, record whether it was held), each the API's operation; what the
//! meeting's state refuses is said beside its form in the page's language (a booked meeting
//! pinned elsewhere, a release of what is not booked, a check-in before the start, a missing
//! answer) and nothing is written; a participant's session is refused (403).

use crate::booking_support::{accept_at, ask};
use crate::common;
use crate::web_support::{Browser, Page, expo};

use common::{Backend, ORGANISER, id};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// What is inside the element whose id is `id` up to its first `</p>`.
fn beside<'p>(page: &'p Page, id: &str) -> &'p str {
    let at = page
        .text
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {}", page.text));
    let rest = &page.text[at..];
    &rest[..rest.find("</p>").unwrap()]
}

async fn organiser_steers_a_meeting_from_its_page(backend: Backend) {
    let x = expo(backend).await;
    let e = &x.event;
    let table = x.app.room(e, "Table 1", 2, &[]).await;
    let booked = id(&ask(&x.app, e, &x.bangkok.1, &[&x.acme.0], json!({}))
        .await
        .expect(201)
        .json);
    accept_at(&x.app, e, &booked, &x.acme.1, "d1-1000")
        .await
        .expect(200);
    let mut browser = Browser::new(&x.app);
    browser.get(&format!("/login?token={ORGANISER}")).await;
    let page_path = format!("/organiser/events/{e}/board/meetings/{booked}");
    let page = browser.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.h1_count(), 1);
    assert!(
        page.text
            .contains("Bangkok Metropolitan Administration – Acme Mobility"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(&format!("action=\"{page_path}/release\"")),
        "{}",
        page.text
    );
    assert!(
        page.text.contains(&format!("action=\"{page_path}/check-in\"")),
        "{}",
        page.text
    );
    let csrf = page.csrf();
    let post = |step: &str| format!("{page_path}/{step}");
    let meeting = || {
        let (app, path) = (&x.app, format!("/api/v1/events/{e}/requests/{booked}"));
        async move { app.get(&path, Some(ORGANISER)).await.expect(200).json["meeting"].clone() }
    };
    let stored_pins = || {
        let (app, path) = (&x.app, format!("/api/v1/events/{e}/pins"));
        async move { app.get(&path, Some(ORGANISER)).await.expect(200).json.clone() }
    };

    // Booked by its participants: pinned elsewhere is refused beside the slot, nothing stored.
    let elsewhere = browser
        .post(
            &format!("/organiser/events/{e}/board/pin"),
            &[
                ("csrf", &csrf),
                ("request", &booked),
                ("slot", "d1-1020"),
                ("room", ""),
                ("back", "meeting"),
            ],
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::CONFLICT, "{}", elsewhere.text);
    assert_eq!(elsewhere.h1_count(), 1);
    assert!(
        beside(&elsewhere, &format!("pin-error-{booked}"))
            .contains("ses participants ont réservé ce rendez-vous"),
        "{}",
        elsewhere.text
    );
    assert_eq!(stored_pins().await, json!([]));

    // Check-in before the meeting began, or without an answer: beside the form, nothing written.
    let early = browser
        .post(&post("check-in"), &[("csrf", &csrf), ("outcome", "held")])
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.text);
    assert!(
        beside(&early, "check-in-error").contains("Non enregistré"),
        "{}",
        early.text
    );
    assert!(early.text.contains("aria-describedby=\"check-in-error\""));
    let unanswered = browser.post(&post("check-in"), &[("csrf", &csrf)]).await;
    assert_eq!(
        unanswered.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unanswered.text
    );
    assert!(
        beside(&unanswered, "check-in-error")
            .contains("Le rendez-vous a-t-il eu lieu ? : ce champ est obligatoire."),
        "{}",
        unanswered.text
    );
    assert_eq!(meeting().await["attendance"], Value::Null);

    // Release: the API's operation; back to the page; a second release is refused beside it.
    let released = browser
        .post(&post("release"), &[("csrf", &csrf), ("view", "live")])
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.text);
    assert!(
        released.location().starts_with(&format!("{page_path}?view=live")),
        "{}",
        released.location()
    );
    assert_ne!(meeting().await["state"], "booked");
    let again = browser.post(&post("release"), &[("csrf", &csrf)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert!(
        beside(&again, "release-error").contains("Non rendu"),
        "{}",
        again.text
    );
    // Released, it can be pinned elsewhere.
    let pinned = browser
        .post(
            &format!("/organiser/events/{e}/board/pin"),
            &[
                ("csrf", &csrf),
                ("request", &booked),
                ("slot", "d1-1020"),
                ("room", &table),
                ("back", "meeting"),
            ],
        )
        .await;
    assert_eq!(pinned.status, StatusCode::SEE_OTHER, "{}", pinned.text);
    assert_eq!(stored_pins().await[0]["slot"], "d1-1020");

    // On the expo's day: recorded as held, as the API records it.
    let expo_day = x
        .app
        .another_node(|c| {
            c.clock_offset = chrono::DateTime::parse_from_rfc3339("2027-04-17T12:00:00+01:00")
                .unwrap()
                .to_utc()
                - chrono::Utc::now()
        })
        .await;
    let mut desk = Browser::new(&expo_day);
    desk.get(&format!("/login?token={ORGANISER}")).await;
    let desk_csrf = desk.get(&page_path).await.csrf();
    let held = desk
        .post(&post("check-in"), &[("csrf", &desk_csrf), ("outcome", "held")])
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.text);
    assert_eq!(meeting().await["attendance"], "held");
    let shown = desk.get(&page_path).await;
    assert!(shown.text.contains("Le rendez-vous a eu lieu."), "{}", shown.text);
    // Over: no longer pinned anywhere new.
    let over = desk
        .post(
            &format!("/organiser/events/{e}/board/pin"),
            &[
                ("csrf", &desk_csrf),
                ("request", &booked),
                ("slot", "d1-1040"),
                ("room", ""),
                ("back", "meeting"),
            ],
        )
        .await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.text);
    assert!(
        beside(&over, &format!("pin-error-{booked}")).contains("il est terminé"),
        "{}",
        over.text
    );

    // A participant's session: refused, nothing written.
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let own = bangkok.get("/").await.csrf();
    assert_eq!(bangkok.get(&page_path).await.status, StatusCode::FORBIDDEN);
    for step in ["release", "check-in"] {
        let refused = bangkok
            .post(&post(step), &[("csrf", &own), ("outcome", "no_show")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{step}");
    }
    assert_eq!(meeting().await["attendance"], "held");
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

both_backends!(organiser_steers_a_meeting_from_its_page);
