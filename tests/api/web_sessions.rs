//! Web sessions are server-side: signing out ends them for every copy of the cookie, a new
//! sign-in never reuses one, expired and revoked sessions open nothing. Both backends.

use crate::common;
use crate::web_support::{Browser, expo};

use chrono::{Duration, Utc};
use common::Backend;
use rendezvous::store::{Principal, WebSession};
use reqwest::StatusCode;

async fn a_copied_cookie_fails_after_sign_out(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    // An attacker (or a shared computer) keeps a copy of the cookie.
    let mut copy = Browser::new(&x.app);
    copy.cookies = browser.cookies.clone();
    assert_eq!(copy.get("/requests").await.status, StatusCode::OK);

    let csrf = browser.get("/").await.csrf();
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    assert!(
        browser.cookies.iter().all(|(name, _)| name != "rv_session"),
        "cookie removed"
    );

    for path in ["/", "/requests", "/agenda", "/agenda.ics", "/profile"] {
        let page = copy.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), "/login", "{path}: the copy opens nothing");
    }
    // Nor can the copy post with the token it saw before.
    let posted = copy
        .post("/profile", &[("csrf", &csrf), ("name", "Hijacked")])
        .await;
    assert_eq!(posted.location(), "/login");
    let unchanged = x.app.store.participant(&x.event, &x.bangkok.0).await.unwrap();
    assert_eq!(unchanged.profile.name, "Bangkok Metropolitan Administration");
}

async fn every_sign_in_is_a_new_session(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    let first = browser.cookies.clone();
    // Signing in again (say, as another participant on the same phone) replaces the session.
    browser.sign_in(&x.acme.1).await;
    assert_ne!(browser.cookies, first);
    assert!(browser.get("/").await.text.contains("Acme Mobility"));
    let mut old = Browser::new(&x.app);
    old.cookies = first;
    assert_eq!(
        old.get("/").await.location(),
        "/login",
        "the replaced session ended"
    );
    // Two browsers of one participant have sessions of their own: one signing out leaves
    // the other signed in.
    let mut phone = Browser::new(&x.app);
    phone.sign_in(&x.acme.1).await;
    let csrf = browser.get("/").await.csrf();
    browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(phone.get("/").await.status, StatusCode::OK);
    // A made-up cookie opens nothing.
    let mut forger = Browser::new(&x.app);
    forger.cookies = vec![("rv_session".into(), "rdvs_made-up".into())];
    assert_eq!(forger.get("/").await.location(), "/login");
}

async fn expired_and_revoked_sessions_open_nothing(backend: Backend) {
    let x = expo(backend).await;
    let store = x.app.store.as_ref();
    let now = Utc::now();
    let principal = Principal::Participant {
        event: x.event.clone(),
        id: x.rabat.0.clone(),
    };
    let live = WebSession {
        id_hash: "a".repeat(64),
        principal: principal.clone(),
        created_at: now,
        expires_at: now + Duration::days(1),
    };
    let expired = WebSession {
        id_hash: "b".repeat(64),
        principal,
        created_at: now - Duration::days(31),
        expires_at: now - Duration::seconds(1),
    };
    let organiser = WebSession {
        id_hash: "c".repeat(64),
        principal: Principal::Organiser,
        created_at: now,
        expires_at: now + Duration::days(1),
    };
    for s in [&live, &expired, &organiser] {
        store.create_session(s).await.unwrap();
    }
    let read = store.session(&live.id_hash, now).await.unwrap().expect("live");
    assert_eq!(read.principal, live.principal);
    assert!((read.expires_at - live.expires_at).num_milliseconds().abs() < 1);
    assert_eq!(store.session(&expired.id_hash, now).await.unwrap(), None);
    assert_eq!(
        store
            .session(&organiser.id_hash, now)
            .await
            .unwrap()
            .map(|s| s.principal),
        Some(Principal::Organiser)
    );
    assert_eq!(store.delete_expired_sessions(now).await.unwrap(), 1);
    // Revoking the participant ends its sessions, and only its.
    assert_eq!(
        store
            .delete_participant_sessions(&x.event, &x.rabat.0)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.session(&live.id_hash, now).await.unwrap(), None);
    assert!(store.session(&organiser.id_hash, now).await.unwrap().is_some());
    assert!(store.delete_session(&organiser.id_hash).await.unwrap());
    assert!(!store.delete_session(&organiser.id_hash).await.unwrap());

    // A signed-in browser whose participant's sessions are revoked is signed out.
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.acme.1).await;
    store
        .delete_participant_sessions(&x.event, &x.acme.0)
        .await
        .unwrap();
    assert_eq!(browser.get("/").await.location(), "/login");
}

on_both_backends!(
    a_copied_cookie_fails_after_sign_out,
    every_sign_in_is_a_new_session,
    expired_and_revoked_sessions_open_nothing,
);
