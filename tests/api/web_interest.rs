//! "Want to meet" on profiles, requests to several invitees, rules said per rule in each
//! language, and calendars in the participant's language. Both backends.

use crate::common;
use crate::web_support::{Browser, expo};

use common::{Backend, ORGANISER};
use reqwest::StatusCode;
use serde_json::json;

async fn want_to_meet_is_the_apis_rule(backend: Backend) {
    let x = expo(backend).await;
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    // The suggestion's reasons in the page's language, from the engine's structured reasons.
    let suggested = bangkok.get("/recommendations").await;
    assert!(
        suggested
            .text
            .contains("vous recherchez « flood sensors » ; Acme Mobility propose « flood sensors »"),
        "{}",
        suggested.text
    );
    let _ = bangkok.get("/language?set=en&back=/").await;
    let suggested = bangkok.get("/recommendations").await;
    assert!(
        suggested
            .text
            .contains("you seek “flood sensors”; Acme Mobility offers “flood sensors”"),
        "{}",
        suggested.text
    );
    let _ = bangkok.get("/language?set=fr&back=/").await;
    let profile = bangkok.get(&format!("/people/{}", x.acme.0)).await;
    assert!(
        profile
            .text
            .contains(&format!("action=\"/people/{}/interest\"", x.acme.0)),
        "{}",
        profile.text
    );
    // Without the session's CSRF token, or from another site: 403, nothing marked.
    let forged = bangkok.post(&format!("/people/{}/interest", x.acme.0), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let cross = bangkok
        .client
        .post(format!("{}/people/{}/interest", bangkok.base, x.acme.0))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf", profile.csrf())]);
    assert_eq!(bangkok.send(cross).await.status, StatusCode::FORBIDDEN);
    let marks = format!("/api/v1/events/{}/interests", x.event);
    assert_eq!(x.app.get(&marks, Some(&x.bangkok.1)).await.json, json!([]));

    let marked = bangkok
        .post(
            &format!("/people/{}/interest", x.acme.0),
            &[("csrf", &profile.csrf())],
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.text);
    assert_eq!(marked.location(), format!("/people/{}", x.acme.0));
    // The API sees the page's mark: one rule, one store.
    let api = x.app.get(&marks, Some(&x.bangkok.1)).await;
    assert_eq!(api.json[0]["participant"], x.acme.0.as_str());
    assert_eq!(api.json[0]["mutual"], false);
    let page = bangkok.get(&format!("/people/{}", x.acme.0)).await;
    assert!(
        page.text.contains("Vous souhaitez rencontrer Acme Mobility"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains(&format!("action=\"/people/{}/unmark\"", x.acme.0))
    );

    // Acme marks back through the API: mutual, an accepted request created once.
    x.app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/events/{}/participants/{}/interest", x.event, x.bangkok.0),
            Some(&x.acme.1),
            None,
        )
        .await
        .expect(200);
    let page = bangkok.get(&format!("/people/{}", x.acme.0)).await;
    assert!(
        page.text
            .contains("Acme Mobility et vous souhaitez vous rencontrer"),
        "{}",
        page.text
    );
    let requests = x.app.store.requests(&x.event, None).await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status.as_str(), "accepted");
    // The requests page says it in the page's language, not the API's English message.
    let _ = bangkok.get("/language?set=ar&back=/requests").await;
    let list = bangkok.get("/requests").await;
    assert!(list.text.contains("اتُّفق عليه برغبة متبادلة"), "{}", list.text);
    assert!(!list.text.contains("Mutual interest"), "{}", list.text);

    // Marking oneself (no page offers it) is refused; unmarking keeps the agreed meeting.
    let csrf = list.csrf();
    let own = bangkok
        .post(&format!("/people/{}/interest", x.bangkok.0), &[("csrf", &csrf)])
        .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    let api_own = x
        .app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/events/{}/participants/{}/interest", x.event, x.bangkok.0),
            Some(&x.bangkok.1),
            None,
        )
        .await;
    api_own.expect(422);
    assert_eq!(api_own.json["errors"][0]["code"], "yourself");
    let unmarked = bangkok
        .post(&format!("/people/{}/unmark", x.acme.0), &[("csrf", &csrf)])
        .await;
    assert_eq!(unmarked.status, StatusCode::SEE_OTHER);
    assert_eq!(x.app.get(&marks, Some(&x.bangkok.1)).await.json, json!([]));
    assert_eq!(x.app.store.requests(&x.event, None).await.unwrap().len(), 1);
    // An unknown person has no profile and no mark.
    let missing = bangkok
        .post("/people/p_nobody/interest", &[("csrf", &csrf)])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn several_invitees_found_on_the_form(backend: Backend) {
    let x = expo(backend).await;
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let form = bangkok.get(&format!("/requests/new?with={}", x.acme.0)).await;
    let csrf = form.csrf();
    // Find Rabat on the form: offered as a box to tick, what was typed kept, nothing sent.
    let found = bangkok
        .post(
            "/requests/new",
            &[
                ("csrf", &csrf),
                ("with", &x.acme.0),
                ("find", "rab"),
                ("duration_minutes", "40"),
                ("message", "kept"),
            ],
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    assert!(
        found
            .text
            .contains(&format!("name=\"with\" value=\"{}\" checked", x.acme.0))
    );
    assert!(
        found
            .text
            .contains(&format!("name=\"with\" value=\"{}\">", x.rabat.0)),
        "{}",
        found.text
    );
    assert!(found.text.contains(">kept</textarea>") && found.text.contains("value=\"40\""));
    assert!(
        !found.text.contains(&format!("value=\"{}\"", x.bangkok.0)),
        "never oneself"
    );
    assert!(x.app.store.requests(&x.event, None).await.unwrap().is_empty());
    let nobody = bangkok
        .post("/requests/new", &[("csrf", &csrf), ("find", "zzz")])
        .await;
    assert!(
        nobody.text.contains("Personne ne correspond à « zzz »"),
        "{}",
        nobody.text
    );
    let forged = bangkok.post("/requests/new", &[("find", "rab")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let sent = bangkok
        .post(
            "/requests",
            &[
                ("csrf", &csrf),
                ("with", &x.acme.0),
                ("with", &x.rabat.0),
                ("duration_minutes", "20"),
                ("priority", "4"),
                ("message", "Both of you"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let request = x.app.store.requests(&x.event, None).await.unwrap().remove(0);
    let invitees: Vec<&str> = request.invitees.iter().map(|i| i.participant.as_str()).collect();
    assert_eq!(invitees, [x.acme.0.as_str(), x.rabat.0.as_str()]);
    let page = bangkok.get(&format!("/requests/{}", request.id)).await;
    assert!(page.text.contains("Acme Mobility, Rabat"), "{}", page.text);
    // Each invitee answers in its own session; accepted once both did.
    for (token, id) in [(&x.acme.1, &request.id), (&x.rabat.1, &request.id)] {
        let mut invitee = Browser::new(&x.app);
        invitee.sign_in(token).await;
        let csrf = invitee.get("/requests").await.csrf();
        let accepted = invitee
            .post(&format!("/requests/{id}/accept"), &[("csrf", &csrf)])
            .await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    }
    let stored = x.app.store.request(&x.event, &request.id).await.unwrap();
    assert_eq!(stored.status.as_str(), "accepted");
}

async fn each_rule_in_the_pages_language(backend: Backend) {
    let x = expo(backend).await;
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    let _ = browser.get("/language?set=en&back=/").await;
    let csrf = browser.get("/requests/new").await.csrf();
    let long = "x".repeat(2001);
    let page = browser
        .post(
            "/requests",
            &[
                ("csrf", &csrf),
                ("with", &x.bangkok.0),
                ("with", "p_nobody"),
                ("duration_minutes", "600"),
                ("priority", "9"),
                ("message", &long),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "With whom, entry 1: you cannot choose yourself.",
        "With whom, entry 2: this participant is not part of the event.",
        "Duration: longer than the longest session (200 minutes).",
        "Priority: choose between 1 and 5.",
        "Message: 2000 characters at most.",
    ] {
        assert!(page.text.contains(message), "{message}: {}", page.text);
    }
    assert!(x.app.store.requests(&x.event, None).await.unwrap().is_empty());
    // The same rules through the API: English detail and the code the pages translate.
    let api = x
        .app
        .post(
            &format!("/api/v1/events/{}/requests", x.event),
            Some(&x.bangkok.1),
            json!({"with": [x.bangkok.0], "duration_minutes": 25, "priority": 3}),
        )
        .await;
    api.expect(422);
    let codes: Vec<&str> = api.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["yourself", "whole-slots"]);

    // The profile form: one message per rule, list entries numbered, in Arabic.
    let _ = browser.get("/language?set=ar&back=/").await;
    let csrf = browser.get("/profile").await.csrf();
    let page = browser
        .post(
            "/profile",
            &[
                ("csrf", &csrf),
                ("name", " "),
                ("country", "Thailand"),
                ("topics", "water\nwater"),
                ("unavailable", "d9-0000"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "الاسم: هذا الحقل مطلوب.",
        "البلد: رمز بلد من حرفين كبيرين، مثل MA أو TH.",
        "المواضيع، العنصر 2: «water» مذكور مرتين.",
        "فترات عدم التوفر، العنصر 1: هذه الفترة ليست من فترات الحدث.",
    ] {
        assert!(page.text.contains(message), "{message}: {}", page.text);
    }
}

async fn calendars_in_the_participants_language(backend: Backend) {
    let x = expo(backend).await;
    let request = x.app.request(&x.event, &x.bangkok.1, &[&x.acme.0], 20, 3).await;
    x.app
        .answer(&x.event, &request, &x.acme.1, "accept")
        .await
        .expect(200);
    let room = x.app.room(&x.event, "Table 7", 2, &[]).await;
    let run = x
        .app
        .hand_made_run(&x.event, &[(&request, "d1-1000", &room)])
        .await;
    x.app
        .post(
            &format!("/api/v1/events/{}/schedules/{run}/publish", x.event),
            Some(ORGANISER),
            json!({}),
        )
        .await
        .expect(200);
    let mut browser = Browser::new(&x.app);
    browser.sign_in(&x.bangkok.1).await;
    for (lang, summary, description) in [
        (
            "fr",
            "SUMMARY:Rendez-vous avec Acme Mobility",
            "rendez-vous d’affaires",
        ),
        ("en", "SUMMARY:Meeting with Acme Mobility", "B2B meeting"),
        ("ar", "SUMMARY:موعد مع Acme Mobility", "موعد أعمال"),
    ] {
        let _ = browser.get(&format!("/language?set={lang}&back=/")).await;
        let page = browser.get("/agenda.ics").await;
        assert!(page.text.contains(summary), "{lang}: {}", page.text);
        assert!(page.text.contains(description), "{lang}: {}", page.text);
        let api = x
            .app
            .get(
                &format!(
                    "/api/v1/events/{}/participants/{}/agenda.ics?lang={lang}",
                    x.event, x.bangkok.0
                ),
                Some(&x.bangkok.1),
            )
            .await;
        api.expect(200);
        assert!(api.text.contains(summary), "{lang}: {}", api.text);
    }
    let bad = x
        .app
        .get(
            &format!(
                "/api/v1/events/{}/participants/{}/agenda.ics?lang=de",
                x.event, x.bangkok.0
            ),
            Some(&x.bangkok.1),
        )
        .await;
    bad.expect(422);
    assert_eq!(bad.json["errors"][0]["pointer"], "/lang");
    // Dates in the event's zone, as each language writes them.
    for (lang, date) in [
        ("fr", "samedi 17 avril"),
        ("en", "Saturday 17 April"),
        ("ar", "السبت 17 أبريل"),
    ] {
        let _ = browser.get(&format!("/language?set={lang}&back=/")).await;
        let agenda = browser.get("/agenda").await;
        assert!(agenda.text.contains(date), "{lang}: {}", agenda.text);
        assert!(agenda.text.contains("10:00–10:20"), "{lang}: {}", agenda.text);
    }
}

on_both_backends!(
    want_to_meet_is_the_apis_rule,
    several_invitees_found_on_the_form,
    each_rule_in_the_pages_language,
    calendars_in_the_participants_language,
);
