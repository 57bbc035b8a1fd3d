//! The participant web pages against the real app, on SQLite and PostgreSQL: sign-in and
//! sessions, CSRF refusal, privacy between participants, form errors beside their field in
//! the page's language, every language and right-to-left Arabic, the agenda and its `.ics`.

use crate::common;
use crate::web_support::{Browser, expo};

use common::{Backend, ORGANISER};
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use serde_json::json;

async fn sign_in_sets_a_safe_cookie_and_drops_the_token(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    let anonymous = browser.get("/").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login");

    let link = browser.get(&format!("/login?token={}", x.bangkok.1)).await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    assert_eq!(link.location(), "/", "redirected to a URL without the token");
    assert_eq!(link.headers["referrer-policy"], "no-referrer");
    let cookie = link.headers[SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains(&x.bangkok.1),
        "the token itself is never in the cookie"
    );

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.text.contains("Bangkok Metropolitan Administration"),
        "{}",
        home.text
    );
    assert_eq!(home.h1_count(), 1);

    // A wrong token on the form: the form again, the message beside the field.
    let mut stranger = Browser::new(&x.app);
    let wrong = stranger.post("/login", &[("token", "not-a-token")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("id=\"token-error\""), "{}", wrong.text);
    assert!(wrong.text.contains("Ce code d’accès n’est pas reconnu."));
    assert!(stranger.cookies.is_empty());

    // The token form works like the link.
    let form = stranger.post("/login", &[("token", &x.acme.1)]).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert!(stranger.get("/").await.text.contains("Acme Mobility"));

    // Sign-out ends the session.
    let csrf = browser.get("/").await.csrf();
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/requests").await.location(), "/login");
}

async fn forged_posts_are_refused_and_change_nothing(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    let form = [
        ("with", x.acme.0.as_str()),
        ("duration_minutes", "20"),
        ("priority", "3"),
        ("message", "forged"),
    ];
    // Without the token (what a cross-site form can send along with the cookie).
    let forged = browser.post("/requests", &form).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // With a token but from another site's page.
    let csrf = browser.get("/requests/new").await.csrf();
    let mut with_csrf = form.to_vec();
    with_csrf.push(("csrf", &csrf));
    let request = browser
        .client
        .post(format!("{}/requests", browser.base))
        .header("origin", "https://evil.example")
        .form(&with_csrf);
    assert_eq!(browser.send(request).await.status, StatusCode::FORBIDDEN);
    assert!(
        x.app.store.requests(&x.event, None).await.unwrap().is_empty(),
        "nothing was written"
    );
    // Another session's token does not pass either.
    let mut other = Browser::new(&x.app);
    other.sign_in(&x.acme.1).await;
    let theirs = other.get("/requests/new").await.csrf();
    let mut with_theirs = form.to_vec();
    with_theirs.push(("csrf", &theirs));
    assert_eq!(
        browser.post("/requests", &with_theirs).await.status,
        StatusCode::FORBIDDEN
    );
    // The genuine form goes through.
    let sent = browser.post("/requests", &with_csrf).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(x.app.store.requests(&x.event, None).await.unwrap().len(), 1);
}

async fn request_accept_and_privacy(backend: Backend) {
    let x = expo(backend).await;
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let suggested = bangkok.get("/recommendations").await;
    assert_eq!(suggested.status, StatusCode::OK, "{}", suggested.text);
    assert!(
        suggested
            .text
            .contains(&format!("/requests/new?with={}", x.acme.0)),
        "{}",
        suggested.text
    );
    let missing = bangkok.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let directory = bangkok.get("/directory?q=acme&country=MA").await;
    assert!(
        directory.text.contains(&format!("/people/{}", x.acme.0)),
        "{}",
        directory.text
    );
    assert!(!directory.text.contains(&format!("/people/{}", x.rabat.0)));
    let profile = bangkok.get(&format!("/people/{}", x.acme.0)).await;
    assert!(profile.text.contains(&format!("/requests/new?with={}", x.acme.0)));
    let new = bangkok.get(&format!("/requests/new?with={}", x.acme.0)).await;
    assert_eq!(new.status, StatusCode::OK);
    for field in ["duration", "priority", "message"] {
        assert!(
            new.text.contains(&format!("<label for=\"{field}\"")),
            "label for {field}"
        );
    }
    let csrf = new.csrf();
    let sent = bangkok
        .post(
            "/requests",
            &[
                ("csrf", &csrf),
                ("with", &x.acme.0),
                ("duration_minutes", "40"),
                ("priority", "5"),
                ("message", "Flood sensors"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let request = x.app.store.requests(&x.event, None).await.unwrap().remove(0);

    // Rabat is not a party: the request does not exist for it.
    let mut rabat = Browser::new(&x.app);
    rabat.sign_in(&x.rabat.1).await;
    assert_eq!(
        rabat.get(&format!("/requests/{}", request.id)).await.status,
        StatusCode::NOT_FOUND
    );
    let rabat_csrf = rabat.get("/requests").await.csrf();
    let refused = rabat
        .post(
            &format!("/requests/{}/accept", request.id),
            &[("csrf", &rabat_csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!rabat.get("/requests").await.text.contains(&request.id));

    // Acme accepts it in its own session, from its home page's waiting list.
    let mut acme = Browser::new(&x.app);
    acme.sign_in(&x.acme.1).await;
    assert!(
        acme.get("/")
            .await
            .text
            .contains(&format!("/requests/{}", request.id))
    );
    let page = acme.get("/requests").await;
    assert!(page.text.contains(&format!("/requests/{}/accept", request.id)));
    // Bangkok may not answer its own request (only an invitee may).
    let own = bangkok
        .post(&format!("/requests/{}/accept", request.id), &[("csrf", &csrf)])
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let accepted = acme
        .post(
            &format!("/requests/{}/accept", request.id),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    let stored = x.app.store.request(&x.event, &request.id).await.unwrap();
    assert_eq!(stored.status.as_str(), "accepted");

    // Published: both see it in their agenda, with the version; the .ics is theirs.
    let rooms = x.app.room(&x.event, "Table 42", 4, &[]).await;
    let run = x
        .app
        .hand_made_run(&x.event, &[(&request.id, "d1-1000", &rooms)])
        .await;
    x.app
        .post(
            &format!("/api/v1/events/{}/schedules/{run}/publish", x.event),
            Some(ORGANISER),
            json!({}),
        )
        .await
        .expect(200);
    for browser in [&mut bangkok, &mut acme] {
        let agenda = browser.get("/agenda").await;
        assert!(agenda.text.contains("Table 42"), "{}", agenda.text);
        assert!(
            agenda.text.contains("10:00–10:40"),
            "event time zone: {}",
            agenda.text
        );
        assert!(agenda.text.contains("samedi 17 avril"), "{}", agenda.text);
        assert!(agenda.text.contains("Version 1"));
        let ics = browser.get("/agenda.ics").await;
        assert!(
            ics.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        assert!(ics.text.contains(&format!("UID:{}@rendezvous", request.id)));
        let print = browser.get("/agenda/print").await;
        assert!(print.text.contains("class=\"room big\""));
    }
    assert!(!rabat.get("/agenda").await.text.contains("Table 42"));
}

async fn form_errors_beside_the_field_in_each_language(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    let cases = [
        (
            "fr",
            "Durée : la durée doit être un multiple de 20 minutes.",
            "dir=\"ltr\"",
        ),
        (
            "en",
            "Duration: the duration must be a multiple of 20 minutes.",
            "dir=\"ltr\"",
        ),
        (
            "ar",
            "المدة: يجب أن تكون المدة من مضاعفات 20 دقيقة.",
            "dir=\"rtl\"",
        ),
    ];
    for (lang, message, dir) in cases {
        let switched = browser
            .get(&format!("/language?set={lang}&back=/requests/new"))
            .await;
        assert_eq!(switched.location(), "/requests/new");
        let form = browser.get("/requests/new").await;
        assert!(
            form.text.contains(&format!("lang=\"{lang}\" {dir}")),
            "{lang}: {}",
            form.text
        );
        let page = browser
            .post(
                "/requests",
                &[
                    ("csrf", &form.csrf()),
                    ("with", &x.acme.0),
                    ("duration_minutes", "25"),
                    ("priority", "3"),
                    ("message", "kept"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = page
            .text
            .find("id=\"duration_minutes-error\"")
            .expect("error beside the field");
        let field = page.text.find("id=\"duration\"").expect("the field");
        assert!(error > field && error - field < 600, "beside the duration field");
        assert!(page.text.contains(message), "{lang}: {}", page.text);
        assert!(page.text.contains(">kept</textarea>"), "what was typed stays");
        assert_eq!(page.h1_count(), 1);
    }
    assert!(x.app.store.requests(&x.event, None).await.unwrap().is_empty());
    // Accept-Language picks the language of a new visitor; French otherwise.
    let en = browser
        .client
        .get(format!("{}/login", x.app.base))
        .header("accept-language", "th-TH, en;q=0.8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Access code"));
    let fr = Browser::new(&x.app).get("/login").await;
    assert!(fr.text.contains("lang=\"fr\"") && fr.text.contains("<label for=\"token\">Code d’accès"));
}

async fn profile_edits_and_unavailable_slots(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.rabat.1).await;
    let page = browser.get("/profile").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("name=\"unavailable\" value=\"d2-1430\""),
        "the day × slot grid"
    );
    for field in ["name", "organization", "city", "country", "topics", "seeks"] {
        assert!(
            page.text.contains(&format!("<label for=\"{field}\"")),
            "label for {field}"
        );
    }
    let csrf = page.csrf();
    let bad = browser
        .post(
            "/profile",
            &[
                ("csrf", &csrf),
                ("name", "Rabat"),
                ("city", "Rabat"),
                ("country", "Morocco"),
                ("topics", "open data"),
                ("unavailable", "d1-1000"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"country-error\""), "{}", bad.text);
    assert!(
        bad.text
            .contains("Pays : un code pays à deux lettres majuscules, comme MA ou TH.")
    );
    assert!(bad.text.contains("value=\"Morocco\""), "what was typed stays");
    let unchanged = x.app.store.participant(&x.event, &x.rabat.0).await.unwrap();
    assert_eq!(unchanged.profile.city, None, "nothing written");
    let saved = browser
        .post(
            "/profile",
            &[
                ("csrf", &csrf),
                ("name", "Rabat"),
                ("city", "Rabat"),
                ("country", "MA"),
                ("topics", "open data\nmobility"),
                ("unavailable", "d1-1000"),
                ("unavailable", "d2-1430"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stored = x.app.store.participant(&x.event, &x.rabat.0).await.unwrap();
    assert_eq!(stored.profile.city.as_deref(), Some("Rabat"));
    assert_eq!(stored.profile.topics, ["open data", "mobility"]);
    assert_eq!(stored.profile.unavailable, ["d1-1000", "d2-1430"]);
    // The JSON API reads the same profile.
    let api = x
        .app
        .get(
            &format!("/api/v1/events/{}/participants/{}", x.event, x.rabat.0),
            Some(&x.rabat.1),
        )
        .await;
    assert_eq!(api.json["city"], "Rabat");
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
    sign_in_sets_a_safe_cookie_and_drops_the_token,
    forged_posts_are_refused_and_change_nothing,
    request_accept_and_privacy,
    form_errors_beside_the_field_in_each_language,
    profile_edits_and_unavailable_slots,
);
