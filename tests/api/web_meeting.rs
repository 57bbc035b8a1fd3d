//! The meeting's life on the participant pages, without JavaScript: accepting at a free
//! slot, a slot taken meanwhile said beside the slots, moving, cancelling with a reason,
//! check-in and private feedback, in the page's language.

use crate::booking_support::{accept_at, ask};
use crate::common;
use crate::web_support::{Browser, expo};

use chrono::{DateTime, Utc};
use common::Backend;
use reqwest::StatusCode;
use serde_json::json;

async fn book_move_cancel_on_the_pages(backend: Backend) {
    let x = expo(backend).await;
    let app = &x.app;
    let e = &x.event;
    app.room(e, "Table 1", 2, &[]).await;
    app.room(e, "Table 2", 2, &[]).await;
    let r = common::id(
        &ask(
            app,
            e,
            &x.bangkok.1,
            &[&x.acme.0],
            json!({"proposed_slots": ["d1-1020"]}),
        )
        .await
        .expect(201)
        .json,
    );
    let mut acme = Browser::new(app);
    acme.sign_in(&x.acme.1).await;

    // The invitee is offered the free slots; the proposed one is marked.
    let page = acme.get(&format!("/requests/{r}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("value=\"d1-1000\""), "{}", page.text);
    assert!(
        page.text.contains("10:20–10:40, Table 1 — proposé"),
        "{}",
        page.text
    );

    // A slot taken meanwhile: said beside the slots, which are listed again without it.
    let other = common::id(
        &ask(app, e, &x.rabat.1, &[&x.acme.0], json!({}))
            .await
            .expect(201)
            .json,
    );
    accept_at(app, e, &other, &x.acme.1, "d1-1000").await.expect(200);
    let taken = acme
        .post(
            &format!("/requests/{r}/accept"),
            &[("csrf", &page.csrf()), ("slot", "d1-1000")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let error = taken
        .text
        .find("id=\"slot-error\"")
        .expect("the error beside the slots");
    let said = &taken.text[error..];
    assert!(
        said.contains(
            "Créneau : le créneau samedi 17 avril à 10:00 n’est pas libre pour tous les participants."
        ),
        "{said}"
    );
    assert!(
        !taken.text.contains("value=\"d1-1000\""),
        "the taken slot is not offered again"
    );
    assert_eq!(
        app.store.request(e, &r).await.unwrap().status,
        rendezvous::domain::RequestStatus::Pending
    );

    let booked = acme
        .post(
            &format!("/requests/{r}/accept"),
            &[("csrf", &page.csrf()), ("slot", "d1-1020")],
        )
        .await;
    assert_eq!(
        (booked.status, booked.location()),
        (StatusCode::SEE_OTHER, format!("/requests/{r}").as_str())
    );
    let agenda = acme.get("/agenda").await;
    assert!(
        agenda.text.contains("10:20–10:40") && agenda.text.contains("Réservé"),
        "{}",
        agenda.text
    );

    // Moving: proposed on one side, accepted on the other.
    let page = acme.get(&format!("/requests/{r}")).await;
    let proposed = acme
        .post(
            &format!("/requests/{r}/move"),
            &[("csrf", &page.csrf()), ("slot", "d1-1100")],
        )
        .await;
    assert_eq!(proposed.status, StatusCode::SEE_OTHER);
    let mut bangkok = Browser::new(app);
    bangkok.sign_in(&x.bangkok.1).await;
    let theirs = bangkok.get(&format!("/requests/{r}")).await;
    assert!(theirs.text.contains("Accepter le déplacement"), "{}", theirs.text);
    let moved = bangkok
        .post(&format!("/requests/{r}/move-accept"), &[("csrf", &theirs.csrf())])
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(bangkok.get("/agenda").await.text.contains("11:00–11:20"));

    // Cancelling needs a reason, said beside its field in the page's language.
    bangkok.get(&format!("/language?set=en&back=/requests/{r}")).await;
    let page = bangkok.get(&format!("/requests/{r}")).await;
    let blank = bangkok
        .post(
            &format!("/requests/{r}/cancel"),
            &[("csrf", &page.csrf()), ("reason", " ")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        blank
            .text
            .contains("Reason for cancelling: this field is required."),
        "{}",
        blank.text
    );
    let cancelled = bangkok
        .post(
            &format!("/requests/{r}/cancel"),
            &[("csrf", &page.csrf()), ("reason", "Flight delayed")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let agenda = bangkok.get("/agenda").await;
    assert!(
        agenda.text.contains("Cancelled: Flight delayed"),
        "{}",
        agenda.text
    );
    acme.get("/language?set=ar&back=/agenda").await;
    assert!(acme.get("/agenda").await.text.contains("أُلغي: Flight delayed"));
}

async fn check_in_and_private_feedback_on_the_pages(backend: Backend) {
    let x = expo(backend).await;
    let (app, e) = (&x.app, &x.event);
    app.room(e, "Table 1", 2, &[]).await;
    let r = common::id(
        &ask(app, e, &x.bangkok.1, &[&x.acme.0], json!({}))
            .await
            .expect(201)
            .json,
    );
    accept_at(app, e, &r, &x.acme.1, "d1-1000").await.expect(200);
    let day = DateTime::parse_from_rfc3339("2027-04-17T10:30:00+01:00")
        .unwrap()
        .to_utc()
        - Utc::now();
    let node = app.another_node(|c| c.clock_offset = day).await;

    let mut acme = Browser::new(&node);
    acme.sign_in(&x.acme.1).await;
    let page = acme.get(&format!("/requests/{r}")).await;
    assert!(
        page.text.contains("Le rendez-vous a-t-il eu lieu ?"),
        "{}",
        page.text
    );
    let held = acme
        .post(
            &format!("/requests/{r}/check-in"),
            &[("csrf", &page.csrf()), ("outcome", "held")],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER);
    let page = acme.get(&format!("/requests/{r}")).await;
    assert!(page.text.contains("Le rendez-vous a eu lieu."));
    let wrong = acme
        .post(
            &format!("/requests/{r}/feedback"),
            &[("csrf", &page.csrf()), ("rating", "9")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text.contains("Note : choisissez entre 1 et 5."),
        "{}",
        wrong.text
    );
    let rated = acme
        .post(
            &format!("/requests/{r}/feedback"),
            &[("csrf", &page.csrf()), ("rating", "4"), ("follow_up", "yes")],
        )
        .await;
    assert_eq!(rated.status, StatusCode::SEE_OTHER);
    assert!(
        acme.get(&format!("/requests/{r}"))
            .await
            .text
            .contains("Votre note : 4 / 5")
    );
    // The other participant sees the form, never this rating.
    let mut bangkok = Browser::new(&node);
    bangkok.sign_in(&x.bangkok.1).await;
    let theirs = bangkok.get(&format!("/requests/{r}")).await;
    assert!(theirs.text.contains("Votre note (privée"), "{}", theirs.text);
    assert!(!theirs.text.contains("Votre note : 4"));
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Backend::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name(super::Backend::Postgres).await; })*
        }
    };
}

both_backends!(
    book_move_cancel_on_the_pages,
    check_in_and_private_feedback_on_the_pages
);
