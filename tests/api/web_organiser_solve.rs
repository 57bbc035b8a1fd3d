//! The organiser's solve pages on SQLite and PostgreSQL: a run started from the form (a bad
//! time limit beside its field, nothing queued), its page until done (reloading itself
//! without JavaScript, following the live stream with it), cancelling a run that is over
//! refused; a participant's session refused on every page.

use crate::common;
use crate::web_support::{Browser, expo};

use common::{Backend, ORGANISER};
use reqwest::StatusCode;

async fn organiser_solves_from_the_pages(backend: Backend) {
    let x = expo(backend).await;
    let event = &x.event;
    x.app.room(event, "Table 1", 2, &[]).await;
    let request = x.app.request(event, &x.bangkok.1, &[&x.acme.0], 20, 3).await;
    x.app
        .answer(event, &request, &x.acme.1, "accept")
        .await
        .expect(200);

    let mut browser = Browser::new(&x.app);
    let login = browser.get(&format!("/login?token={ORGANISER}")).await;
    assert_eq!(login.location(), "/organiser");
    let solve = format!("/organiser/events/{event}/solve");
    let form = browser.get(&solve).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let csrf = form.csrf();

    let bad = browser
        .post(&solve, &[("csrf", &csrf), ("time_limit_seconds", "0")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert!(
        bad.text.contains("id=\"time_limit_seconds-error\""),
        "{}",
        bad.text
    );
    assert!(bad.text.contains("choisissez entre 1 et 3600"), "{}", bad.text);

    let started = browser
        .post(&solve, &[("csrf", &csrf), ("time_limit_seconds", "5")])
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
    let page = started.location().to_string();
    let run = page.rsplit('/').next().unwrap().to_string();
    assert!(
        page.starts_with(&format!("/organiser/events/{event}/runs/sch")),
        "{page}"
    );
    let done = x.app.wait_for_run(event, &run).await;
    assert_eq!(done["status"], "done", "{done}");
    let shown = browser.get(&page).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.h1_count(), 1);
    assert!(shown.text.contains("terminée"), "{}", shown.text);
    assert!(shown.text.contains("data-field=\"placed\">1<"), "{}", shown.text);
    assert!(
        !shown.text.contains("http-equiv=\"refresh\""),
        "a finished run stops reloading"
    );
    assert!(!shown.text.contains("data-run-events"));
    // A run that is over cannot be cancelled.
    let cancel = browser.post(&format!("{page}/cancel"), &[("csrf", &csrf)]).await;
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    // The page's script is served, and the live stream answers the organiser's session.
    let script = browser.get("/assets/organiser.js").await;
    assert!(script.text.contains("EventSource"));
    let stream = browser.get(&format!("{page}/events")).await;
    assert_eq!(stream.status, StatusCode::OK);
    assert!(stream.text.contains("event: status"), "{}", stream.text);

    // A participant: refused everywhere.
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let own = bangkok.get("/").await.csrf();
    for path in [solve.clone(), page.clone(), format!("{page}/events")] {
        assert_eq!(bangkok.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    for path in [solve.clone(), format!("{page}/cancel")] {
        let refused = bangkok
            .post(&path, &[("csrf", &own), ("time_limit_seconds", "5")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
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

both_backends!(organiser_solves_from_the_pages);
