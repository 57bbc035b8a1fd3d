//! Notifications against a real SMTP server (aiosmtpd, `smtp.rs`): private addresses and
//! languages, each message once in its recipient's language with a valid iCalendar part,
//! nothing lost while the relay is down, nothing sent twice by two senders, nothing queued
//! by a change that fails, `.eml` files without a relay.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use rendezvous::config::Config;
use rendezvous::i18n::Lang;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Backend, ORGANISER, TestApp, id};
use crate::smtp::{Received, SmtpOptions, SmtpServer};
use mail_parser::MimeHeaders as _;

/// Mail settings for a test: the relay, quick retries and scans, no pacing to speak of.
fn mail_config(smtp: &SmtpServer) -> impl FnOnce(&mut Config) + '_ {
    move |config: &mut Config| {
        config.mail.smtp_url = Some(smtp.url());
        config.mail.smtp_ca_file = smtp.ca_file();
        config.mail.public_url = Some("https://rendezvous.test".into());
        config.mail.mail_from = "Smart City Expo <b2b@expo.test>".into();
        config.mail.smtp_per_second = 10_000;
        config.mail.mail_retry_seconds = 0.1;
        config.mail.mail_retry_max_seconds = 0.5;
        config.mail.reminder_scan_seconds = 0.2;
    }
}

async fn counts(app: &TestApp, event: &str) -> Value {
    app.get(
        &format!("/api/v1/events/{event}/messages/counts"),
        Some(ORGANISER),
    )
    .await
    .expect(200)
    .json
    .clone()
}

/// Waits until nothing of the event's is pending and at least `total` messages exist;
/// returns the counts. Bounded, so a test cannot hang.
async fn settled(app: &TestApp, event: &str, total: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let c = counts(app, event).await;
        let all: u64 = ["pending", "sent", "failed", "skipped"]
            .iter()
            .map(|k| c[k].as_u64().unwrap_or(0))
            .sum();
        if (c["pending"] == 0 && all >= total) || Instant::now() > deadline {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn messages(app: &TestApp, event: &str, query: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/events/{event}/messages?limit=1000&{query}"),
        Some(ORGANISER),
    )
    .await
    .expect(200)
    .json
    .as_array()
    .cloned()
    .unwrap_or_default()
}

fn person(name: &str, email: &str, language: &str) -> Value {
    json!({"name": name, "kind": "company", "email": email, "language": language})
}

/// The text/plain and text/html bodies and the calendar part of a message.
fn parts(message: &Received) -> (String, String, Option<(String, String)>) {
    let parsed = message.parsed();
    let text = parsed.body_text(0).expect("a text part").to_string();
    let html = parsed.body_html(0).expect("an HTML part").to_string();
    let calendar = parsed.attachments().find_map(|a| {
        let ct = a.content_type()?;
        (ct.ctype() == "text" && ct.subtype() == Some("calendar")).then(|| {
            let method = ct.attribute("method").unwrap_or("").to_string();
            (method, String::from_utf8_lossy(a.contents()).into_owned())
        })
    });
    (text, html, calendar)
}

/// A property of the first VEVENT of a calendar, read by a real iCalendar parser.
fn vevent(ics: &str, name: &str) -> Option<String> {
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar document");
    let event = calendar.components.iter().find(|c| c.name == "VEVENT")?;
    event.find_prop(name).map(|p| p.val.to_string())
}

fn by_recipient(received: &[Received]) -> HashMap<String, Vec<&Received>> {
    let mut map: HashMap<String, Vec<&Received>> = HashMap::new();
    for m in received {
        map.entry(m.to()).or_default().push(m);
    }
    map
}

async fn registration_keeps_the_address_private(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = id(&app.expo().await);
    let base = format!("/api/v1/events/{event}/participants");
    let reply = app
        .post(
            &base,
            Some(ORGANISER),
            person(
                "Bangkok Metropolitan Administration",
                "  Somchai@BMA.go.th ",
                "en",
            ),
        )
        .await;
    reply.expect(201);
    assert_eq!(reply.json["participant"]["email"], "Somchai@bma.go.th");
    assert_eq!(reply.json["participant"]["language"], "en");
    assert_eq!(
        reply.json["participant"]["notifications"],
        json!({"reminders": true, "requests": true})
    );
    let (bkk, bkk_token) = (id(&reply.json), reply.json["token"].as_str().unwrap().to_string());
    let (_, other) = app.simple_participant(&event, "HydroSense").await;

    // Never in the directory, nor on anyone else's view of it.
    let directory = app.get(&base, Some(&other)).await;
    directory.expect(200);
    assert!(
        !directory.text.contains("bma.go.th") && !directory.text.contains("\"email\""),
        "{}",
        directory.text
    );
    assert!(!directory.text.contains("\"language\""), "{}", directory.text);
    app.get(&format!("{base}/{bkk}"), Some(&other)).await.expect(404);

    // Bad input names the field and changes nothing.
    for (body, pointer) in [
        (json!({"email": "not an address"}), "/email"),
        (json!({"email": "a@b.org\r\nBcc: all@x.org"}), "/email"),
        (json!({"language": "th"}), "/language"),
        (
            json!({"notifications": {"reminders": "no"}}),
            "/notifications/reminders",
        ),
    ] {
        let reply = app
            .call(
                Method::PATCH,
                &format!("{base}/{bkk}"),
                Some(&bkk_token),
                Some(body),
            )
            .await;
        reply.expect(422);
        assert!(
            reply.pointers().iter().any(|p| p == pointer),
            "{pointer}: {}",
            reply.text
        );
    }
    let me = app.get(&format!("{base}/{bkk}"), Some(&bkk_token)).await;
    assert_eq!(me.json["email"], "Somchai@bma.go.th");
    assert_eq!(me.json["language"], "en");

    // The participant itself changes them; `null` removes the address.
    let changed = app
        .call(
            Method::PATCH,
            &format!("{base}/{bkk}"),
            Some(&bkk_token),
            Some(json!({"language": "ar", "notifications": {"reminders": false}, "email": null})),
        )
        .await;
    changed.expect(200);
    assert_eq!(changed.json["language"], "ar");
    assert_eq!(changed.json["email"], Value::Null);
    assert_eq!(
        changed.json["notifications"],
        json!({"reminders": false, "requests": true})
    );

    // CSV import: the same columns, the same rules, all rows or none.
    let csv =
        "name,kind,email,language\nCasa Transport,company,ops@casa-transport.ma,fr\nVinUni,researcher,,en\n";
    let import = app
        .raw(
            Method::POST,
            &format!("{base}/import"),
            Some(ORGANISER),
            "text/csv",
            csv,
            &[],
        )
        .await;
    import.expect(201);
    let casa = import.json["rows"][0]["id"].as_str().unwrap();
    let casa_view = app.get(&format!("{base}/{casa}"), Some(ORGANISER)).await;
    assert_eq!(casa_view.json["email"], "ops@casa-transport.ma");
    let bad = "name,kind,email,language\nA,company,a@x.org,fr\nB,company,nope,xx\n";
    let refused = app
        .raw(
            Method::POST,
            &format!("{base}/import"),
            Some(ORGANISER),
            "text/csv",
            bad,
            &[],
        )
        .await;
    refused.expect(422);
    let pointers = refused.pointers();
    assert!(pointers.contains(&"/rows/2/email".to_string()), "{pointers:?}");
    assert!(pointers.contains(&"/rows/2/language".to_string()), "{pointers:?}");
    assert_eq!(
        app.get(&base, Some(ORGANISER))
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

/// A request, its answers, a publish, a move, an invitation and a reminder: each message
/// once, to the right person, in its language, plain text and HTML, calendar parts valid.
async fn each_message_arrives_once_in_its_language(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions {
        tls: true,
        auth: Some(("relay-user".into(), "s3cret-pass".into())),
        ..SmtpOptions::default()
    });
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    let room = app.room(&event, "Table 12", 2, &[]).await;
    let p = |name, email, lang| app.participant(&event, person(name, email, lang));
    let (amina, amina_token) = p("Amina El Idrissi", "amina@casa.test", "fr").await;
    let (somchai, somchai_token) = p("Somchai Prasert", "somchai@bma.test", "en").await;
    let (layla, layla_token) = p("Layla Haddad", "layla@rabat.test", "ar").await;

    // Amina asks Somchai, who accepts; Layla asks Amina, who declines.
    let body = json!({"with": [somchai], "duration_minutes": 20, "priority": 4, "message": "Flood sensors <pilot>?"});
    let first = id(&app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&amina_token),
            body,
        )
        .await
        .expect(201)
        .json);
    // (Each invitee answers once its notice has gone: a notice of a request already
    // answered is skipped, as the invitee knows.)
    smtp.wait_for(1).await;
    app.answer(&event, &first, &somchai_token, "accept")
        .await
        .expect(200);
    let second = app.request(&event, &layla_token, &[&amina], 20, 2).await;
    smtp.wait_for(3).await;
    app.answer(&event, &second, &amina_token, "decline")
        .await
        .expect(200);

    // Published: both parties of the accepted meeting get their agenda.
    let slot = app
        .get(&format!("/api/v1/events/{event}"), Some(ORGANISER))
        .await
        .json["slots"][3]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let run = app.hand_made_run(&event, &[(&first, &slot, &room)]).await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let c = settled(&app, &event, 6).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 6, "failed": 0, "skipped": 0}),
        "{c}"
    );
    let received = smtp.wait_for(6).await;
    assert_eq!(received.len(), 6);
    let mail = by_recipient(&received);
    for m in &received {
        assert_eq!(m.meta["tls"], true, "STARTTLS was required");
        assert_eq!(m.meta["auth_user"], "relay-user");
        let parsed = m.parsed();
        let from = parsed.from().and_then(|f| f.first()).expect("a From");
        assert_eq!(
            (from.name(), from.address()),
            (Some("Smart City Expo"), Some("b2b@expo.test"))
        );
        assert_eq!(m.header("Auto-Submitted").as_deref(), Some("auto-generated"));
    }

    // Somchai (en): the new request, with Amina's message quoted and escaped in HTML.
    let somchai_mail = &mail["somchai@bma.test"];
    assert_eq!(somchai_mail.len(), 2, "request and agenda");
    let request_mail = somchai_mail
        .iter()
        .find(|m| m.parsed().subject().unwrap().contains("would like to meet"))
        .expect("request");
    assert_eq!(request_mail.header("Content-Language").as_deref(), Some("en"));
    let (text, html, calendar) = parts(request_mail);
    assert!(
        text.contains("Hello Somchai Prasert,") && text.contains("> Flood sensors <pilot>?"),
        "{text}"
    );
    assert!(html.contains("Flood sensors &lt;pilot&gt;?"), "{html}");
    assert!(
        text.contains(&format!("https://rendezvous.test/requests/{first}")),
        "{text}"
    );
    assert!(calendar.is_none());

    // Amina (fr): Layla's request, the acceptance, her agenda.
    let amina_mail = &mail["amina@casa.test"];
    assert_eq!(amina_mail.len(), 3, "request, acceptance and agenda");
    let subjects: Vec<String> = amina_mail
        .iter()
        .map(|m| m.parsed().subject().unwrap().to_string())
        .collect();
    assert!(
        subjects.iter().any(|s| s == "Demande acceptée : Somchai Prasert"),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s == "Layla Haddad souhaite vous rencontrer"),
        "{subjects:?}"
    );
    let agenda = amina_mail
        .iter()
        .find(|m| m.parsed().subject().unwrap().starts_with("Votre agenda"))
        .unwrap();
    assert_eq!(agenda.header("Content-Language").as_deref(), Some("fr"));
    let (text, _, calendar) = parts(agenda);
    assert!(
        text.contains("Nouveau dans votre agenda") && text.contains("Table 12"),
        "{text}"
    );
    let (method, ics) = calendar.expect("the agenda as a calendar");
    assert_eq!(method, "", "a calendar file, not an invitation");
    assert_eq!(
        vevent(&ics, "UID").as_deref(),
        Some(format!("{first}@rendezvous").as_str())
    );
    let feed = app
        .get(
            &format!("/api/v1/events/{event}/participants/{amina}/agenda.ics"),
            Some(&amina_token),
        )
        .await
        .text;
    assert_eq!(vevent(&ics, "SEQUENCE"), vevent(&feed, "SEQUENCE"));
    assert_eq!(vevent(&ics, "DTSTART"), vevent(&feed, "DTSTART"));

    // Layla (ar): declined, right to left.
    let layla_mail = &mail["layla@rabat.test"];
    assert_eq!(layla_mail.len(), 1);
    assert_eq!(layla_mail[0].header("Content-Language").as_deref(), Some("ar"));
    assert_eq!(
        layla_mail[0].parsed().subject().unwrap(),
        "رُفض طلب اللقاء: Amina El Idrissi"
    );
    let (_, html, _) = parts(layla_mail[0]);
    assert!(html.contains(r#"lang="ar" dir="rtl""#), "{html}");

    // Somchai proposes another slot and Amina accepts: the meeting moves, and each of them
    // gets an invitation with METHOD:REQUEST and the feed's UID and SEQUENCE, the organiser,
    // itself as attendee and the other party by name only.
    let later = app
        .get(&format!("/api/v1/events/{event}"), Some(ORGANISER))
        .await
        .json["slots"][6]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let meeting = |verb: &str| format!("/api/v1/events/{event}/requests/{first}/{verb}");
    app.post(&meeting("move"), Some(&somchai_token), json!({"slot": later}))
        .await
        .expect(200);
    app.post(&meeting("move/accept"), Some(&amina_token), json!({}))
        .await
        .expect(200);
    let received = smtp.wait_for(8).await;
    let moved_to = |who: &str| {
        received
            .iter()
            .find(|m| m.to() == who && parts(m).2.is_some_and(|(method, _)| method == "REQUEST"))
            .cloned()
            .unwrap_or_else(|| panic!("no moved invitation for {who}"))
    };
    let moved = moved_to("somchai@bma.test");
    let (text, _, calendar) = parts(&moved);
    assert!(
        text.contains("has moved") && text.contains("Table: Table 12"),
        "{text}"
    );
    let (_, ics) = calendar.expect("an invitation");
    let feed = app
        .get(
            &format!("/api/v1/events/{event}/participants/{somchai}/agenda.ics"),
            Some(&somchai_token),
        )
        .await
        .text;
    assert_eq!(vevent(&ics, "UID"), vevent(&feed, "UID"));
    assert_eq!(vevent(&ics, "SEQUENCE"), vevent(&feed, "SEQUENCE"));
    assert_eq!(vevent(&ics, "DTSTART"), vevent(&feed, "DTSTART"));
    assert_eq!(
        vevent(&ics, "SEQUENCE").as_deref(),
        Some("1"),
        "raised by the move"
    );
    assert_eq!(vevent(&ics, "ORGANIZER").as_deref(), Some("mailto:b2b@expo.test"));
    let unfolded = icalendar::parser::unfold(&ics);
    assert!(
        unfolded.contains("mailto:somchai@bma.test") && !unfolded.contains("amina@casa.test"),
        "{ics}"
    );
    assert_eq!(
        vevent(&ics, "SUMMARY").as_deref(),
        Some("Meeting with Amina El Idrissi")
    );
    let (amina_text, _, _) = parts(&moved_to("amina@casa.test"));
    assert!(amina_text.contains("a été déplacé"), "{amina_text}");

    // An invitation to one: its link signs in, the old token stops working.
    let invited = app
        .post(
            &format!("/api/v1/events/{event}/invitations"),
            Some(ORGANISER),
            json!({"to": "participant", "participant": layla}),
        )
        .await;
    invited.expect(202);
    assert_eq!(invited.json["queued"], 1);
    let received = smtp.wait_for(9).await;
    let invitation = received.last().unwrap();
    assert_eq!(invitation.to(), "layla@rabat.test");
    let (text, _, _) = parts(invitation);
    let token = text
        .split("https://rendezvous.test/login?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a sign-in link")
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while app
        .get(
            &format!("/api/v1/events/{event}/participants/{layla}"),
            Some(&token),
        )
        .await
        .status
        != 200
    {
        assert!(Instant::now() < deadline, "the invitation's token never worked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.get(
        &format!("/api/v1/events/{event}/participants/{layla}"),
        Some(&layla_token),
    )
    .await
    .expect(401);

    // Amina cancels: both get METHOD:CANCEL, the same UID, a higher SEQUENCE, as the feed.
    app.post(
        &meeting("cancel"),
        Some(&amina_token),
        json!({"reason": "flight changed"}),
    )
    .await
    .expect(200);
    let received = smtp.wait_for(11).await;
    for who in ["amina@casa.test", "somchai@bma.test"] {
        let cancel = received
            .iter()
            .find(|m| m.to() == who && parts(m).2.is_some_and(|(method, _)| method == "CANCEL"))
            .unwrap_or_else(|| panic!("no cancellation for {who}"));
        let (_, ics) = parts(cancel).2.unwrap();
        assert_eq!(vevent(&ics, "STATUS").as_deref(), Some("CANCELLED"));
        assert_eq!(vevent(&ics, "UID"), vevent(&feed, "UID"));
        assert_eq!(vevent(&ics, "SEQUENCE").as_deref(), Some("2"));
    }

    // Every message once: as many distinct Message-IDs as messages, each the outbox's.
    // A message reaches the server a moment before the sender marks it sent: settle first.
    let received = smtp.received();
    let ids: HashSet<String> = received.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), received.len());
    settled(&app, &event, received.len() as u64).await;
    let listed = messages(&app, &event, "status=sent").await;
    assert_eq!(listed.len(), received.len());
    for m in &listed {
        let mid = m["message_id"].as_str().unwrap().trim_matches(['<', '>']);
        assert!(ids.contains(mid), "{mid} was not received");
    }
}

/// The event for reminders: one session of today (UTC) starting within the hour or two.
async fn soon_event(app: &TestApp) -> (String, String) {
    let mut start = (Utc::now() + chrono::Duration::hours(2)).with_minute(0).unwrap();
    if start.hour() == 23 {
        start -= chrono::Duration::hours(1);
    }
    let date = start.format("%Y-%m-%d").to_string();
    let (from, to) = (
        start.format("%H:%M").to_string(),
        (start + chrono::Duration::hours(1)).format("%H:%M").to_string(),
    );
    let body = json!({"name": "Reminder Expo", "timezone": "UTC", "slot_minutes": 20, "reminder_minutes": 180,
                      "days": [{"date": date, "sessions": [[from, to]]}]});
    let event = app
        .post("/api/v1/events", Some(ORGANISER), body)
        .await
        .expect(201)
        .json
        .clone();
    (id(&event), event["slots"][0]["id"].as_str().unwrap().to_string())
}

async fn a_reminder_goes_once_before_each_meeting(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    // A second node scans too: the reminder is still queued once.
    let other = app.another_node(mail_config(&smtp)).await;
    let (event, slot) = soon_event(&app).await;
    let room = app.room(&event, "Salle Atlas", 2, &[]).await;
    let (a, a_token) = app
        .participant(&event, person("Youssef", "youssef@fes.test", "fr"))
        .await;
    let (b, b_token) = app
        .participant(&event, person("Mai", "mai@hanoi.test", "en"))
        .await;
    // Mai wants no request notices and no reminders: only her agenda reaches her.
    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{event}/participants/{b}"),
        Some(&b_token),
        Some(json!({"notifications": {"reminders": false, "requests": false}})),
    )
    .await
    .expect(200);
    let request = app.request(&event, &a_token, &[&b], 20, 3).await;
    app.answer(&event, &request, &b_token, "accept").await.expect(200);
    let run = app.hand_made_run(&event, &[(&request, &slot, &room)]).await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);

    // request (skipped), accepted, 2 agendas, 2 reminders (one skipped).
    let c = settled(&app, &event, 6).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 4, "failed": 0, "skipped": 2}),
        "{c}"
    );
    let reminders = messages(&app, &event, "kind=reminder").await;
    assert_eq!(
        reminders.len(),
        2,
        "one per participant, whichever node scanned: {reminders:?}"
    );
    let skipped = reminders.iter().find(|m| m["recipient"] == b.as_str()).unwrap();
    assert_eq!(skipped["status"], "skipped");
    assert!(
        skipped["last_error"]
            .as_str()
            .unwrap()
            .contains("turned reminder notices off")
    );
    let received = smtp.wait_for(4).await;
    let reminder = received
        .iter()
        .find(|m| m.parsed().subject().unwrap().contains("rendez-vous avec Mai"))
        .expect("Youssef's reminder");
    assert_eq!(reminder.to(), "youssef@fes.test");
    let (text, _, _) = parts(reminder);
    assert!(
        text.contains("commence dans") && text.contains("Salle Atlas"),
        "{text}"
    );
    // Scans go on: still one reminder each.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(messages(&app, &event, "kind=reminder").await.len(), 2);
    assert_eq!(smtp.received().len(), 4);
    let request_notice = messages(&app, &event, "kind=request_created").await;
    assert_eq!(request_notice[0]["status"], "skipped");
    drop(other);
    let _ = a;
}

/// Registers `n` participants with addresses in one CSV import.
async fn crowd(app: &TestApp, event: &str, n: usize) {
    let mut csv = String::from("name,kind,email,language\n");
    for i in 0..n {
        let lang = ["fr", "en", "ar"][i % 3];
        csv.push_str(&format!("Delegate {i},company,delegate{i}@crowd.test,{lang}\n"));
    }
    app.raw(
        Method::POST,
        &format!("/api/v1/events/{event}/participants/import"),
        Some(ORGANISER),
        "text/csv",
        csv,
        &[],
    )
    .await
    .expect(201);
}

async fn invite_everyone(app: &TestApp, event: &str) {
    app.post(
        &format!("/api/v1/events/{event}/invitations"),
        Some(ORGANISER),
        json!({"to": "everyone"}),
    )
    .await
    .expect(202);
}

/// Each of `count` messages arrived exactly once (by Message-ID, at the server).
fn exactly_once(received: &[Received], count: usize) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in received {
        *seen.entry(m.message_id()).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(seen.len(), count, "messages lost");
}

async fn the_relay_down_loses_nothing_and_sends_nothing_twice(backend: Backend) {
    let mut smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    crowd(&app, &event, 500).await;
    smtp.stop();
    invite_everyone(&app, &event).await;
    // The sender meets the closed port and records why it waits.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let waiting = messages(&app, &event, "status=pending&limit=1").await;
        if waiting.first().is_some_and(|m| m["last_error"].is_string()) {
            break;
        }
        assert!(Instant::now() < deadline, "the sender never tried the relay");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(counts(&app, &event).await["sent"], 0);
    smtp.start_again();
    let c = settled(&app, &event, 500).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 500, "failed": 0, "skipped": 0}),
        "{c}"
    );
    exactly_once(&smtp.received(), 500);
    // An outage costs messages no attempt: it was the relay's fault, not theirs.
    assert!(
        messages(&app, &event, "")
            .await
            .iter()
            .all(|m| m["attempts"] == 0)
    );
}

async fn two_senders_on_postgres_never_send_twice(_: Backend) {
    let smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(Backend::Postgres, mail_config(&smtp)).await;
    let other = app.another_node(mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    crowd(&app, &event, 500).await;
    invite_everyone(&app, &event).await;
    let c = settled(&app, &event, 500).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 500, "failed": 0, "skipped": 0}),
        "{c}"
    );
    exactly_once(&smtp.wait_for(500).await, 500);
    drop(other);
}

async fn a_change_that_fails_queues_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = id(&app.expo().await);
    let room = app.room(&event, "Table 1", 2, &[]).await;
    let (a, a_token) = app.participant(&event, person("A", "a@x.test", "fr")).await;
    let (b, b_token) = app.participant(&event, person("B", "b@x.test", "en")).await;
    let (c, c_token) = app.participant(&event, person("C", "c@x.test", "ar")).await;
    let outbox = |app: &TestApp| {
        let (store, event) = (app.store.clone(), event.clone());
        async move {
            let filter = rendezvous::store::MessageFilter {
                limit: 1000,
                ..Default::default()
            };
            store.messages(&event, &filter).await.unwrap().len()
        }
    };
    // A request that breaks a rule: 422, nothing queued.
    let bad = json!({"with": [b, "nobody"], "duration_minutes": 20, "priority": 9});
    app.post(&format!("/api/v1/events/{event}/requests"), Some(&a_token), bad)
        .await
        .expect(422);
    assert_eq!(outbox(&app).await, 0);
    // Two requests (two notices); an answer to one already declined: 409, nothing more.
    let first = app.request(&event, &a_token, &[&b], 20, 3).await;
    let second = app.request(&event, &c_token, &[&b], 20, 3).await;
    assert_eq!(outbox(&app).await, 2);
    app.answer(&event, &first, &b_token, "decline").await.expect(200);
    assert_eq!(outbox(&app).await, 3);
    app.answer(&event, &first, &b_token, "accept").await.expect(409);
    app.answer(&event, &first, &b_token, "decline").await.expect(409);
    assert_eq!(outbox(&app).await, 3);
    // A publish that rolls back (a double-booking): no agenda is queued.
    app.answer(&event, &second, &b_token, "accept").await.expect(200);
    assert_eq!(outbox(&app).await, 4);
    let third = app.request(&event, &a_token, &[&c], 20, 3).await;
    app.answer(&event, &third, &c_token, "accept").await.expect(200);
    assert_eq!(outbox(&app).await, 6);
    let slot = app
        .get(&format!("/api/v1/events/{event}"), Some(ORGANISER))
        .await
        .json["slots"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // C is in both meetings at once: the database refuses the version.
    let run = app
        .hand_made_run(&event, &[(&second, &slot, &room), (&third, &slot, &room)])
        .await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(409);
    assert_eq!(outbox(&app).await, 6);
    assert!(app.store.timetable(&event).await.unwrap().is_none());
    let _ = (a, c);
}

async fn without_a_relay_messages_are_files_listed_for_the_organiser(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = id(&app.expo().await);
    let (a, a_token) = app
        .participant(&event, person("Amina", "amina@casa.test", "fr"))
        .await;
    let (nobody, _) = app.simple_participant(&event, "No Address Ltd").await;
    // Only the organiser lists messages.
    app.get(&format!("/api/v1/events/{event}/messages"), Some(&a_token))
        .await
        .expect(403);
    invite_everyone(&app, &event).await;
    let c = settled(&app, &event, 2).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 1, "failed": 0, "skipped": 1}),
        "{c}"
    );
    let sent = &messages(&app, &event, "status=sent").await[0];
    assert_eq!(sent["recipient"], a.as_str());
    assert_eq!(sent["kind"], "invitation");
    let file = sent["delivery"].as_str().unwrap();
    assert!(
        file.starts_with(app.mail_dir.to_str().unwrap()) && file.ends_with(".eml"),
        "{file}"
    );
    let eml = app
        .get(
            &format!(
                "/api/v1/events/{event}/messages/{}/eml",
                sent["id"].as_str().unwrap()
            ),
            Some(ORGANISER),
        )
        .await;
    eml.expect(200);
    assert_eq!(eml.content_type(), "message/rfc822");
    let parsed = mail_parser::MessageParser::default()
        .parse(eml.text.as_bytes())
        .unwrap();
    assert_eq!(
        format!("<{}>", parsed.message_id().unwrap()),
        sent["message_id"].as_str().unwrap()
    );
    assert!(parsed.subject().unwrap().starts_with("Votre lien personnel"));
    let skipped = &messages(&app, &event, "status=skipped").await[0];
    assert_eq!(skipped["recipient"], nobody.as_str());
    assert_eq!(skipped["last_error"], "the participant has no e-mail address");
    // The organiser adds the address and sends that one again.
    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{event}/participants/{nobody}"),
        Some(ORGANISER),
        Some(json!({"email": "hello@noaddress.test"})),
    )
    .await
    .expect(200);
    let id_ = skipped["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/events/{event}/messages/{id_}/retry"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let c = settled(&app, &event, 2).await;
    assert_eq!(c["sent"], 2, "{c}");
    app.post(
        &format!("/api/v1/events/{event}/messages/{id_}/retry"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(409);
    // Pages: a full page says where the next one is.
    let page = app
        .get(
            &format!("/api/v1/events/{event}/messages?limit=1"),
            Some(ORGANISER),
        )
        .await;
    let link = page
        .headers
        .get("link")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(link.contains("rel=\"next\"") && link.contains("after="), "{link}");
    app.get(
        &format!("/api/v1/events/{event}/messages?limit=0"),
        Some(ORGANISER),
    )
    .await
    .expect(422);
}

async fn refusals_fail_for_good_or_retry_then_fail(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions {
        reject: Some("bounce".into()),
        tempfail: Some("busy".into()),
        ..SmtpOptions::default()
    });
    let app = TestApp::start_with(backend, |config: &mut Config| {
        mail_config(&smtp)(config);
        config.mail.mail_max_attempts = 3;
    })
    .await;
    let event = id(&app.expo().await);
    let (bounce, _) = app
        .participant(&event, person("Bounce", "bounce@x.test", "en"))
        .await;
    let (busy, _) = app.participant(&event, person("Busy", "busy@x.test", "en")).await;
    app.participant(&event, person("Fine", "fine@x.test", "en")).await;
    invite_everyone(&app, &event).await;
    let c = settled(&app, &event, 3).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 1, "failed": 2, "skipped": 0}),
        "{c}"
    );
    let failed = messages(&app, &event, "status=failed").await;
    let of = |who: &str| failed.iter().find(|m| m["recipient"] == who).unwrap().clone();
    assert_eq!(of(&bounce)["attempts"], 1, "refused for good: no retry");
    assert!(of(&bounce)["last_error"].as_str().unwrap().contains("550"));
    assert_eq!(of(&busy)["attempts"], 3, "retried up to the limit");
    assert!(of(&busy)["last_error"].as_str().unwrap().contains("451"));
    assert_eq!(smtp.received().len(), 1);
}

/// `smtps://`: TLS from the first byte, then authentication; several messages in a row each
/// arrive once, over the connection the sender keeps.
async fn an_implicit_tls_relay_gets_every_message_once(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions {
        implicit_tls: true,
        auth: Some(("relay-user".into(), "s3cret-pass".into())),
        ..SmtpOptions::default()
    });
    assert!(smtp.url().starts_with("smtps://"), "{}", smtp.url());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    crowd(&app, &event, 12).await;
    invite_everyone(&app, &event).await;
    let c = settled(&app, &event, 12).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 12, "failed": 0, "skipped": 0}),
        "{c}"
    );
    let received = smtp.wait_for(12).await;
    exactly_once(&received, 12);
    for m in &received {
        assert_eq!(m.meta["tls"], true, "TLS from the first byte");
        assert_eq!(m.meta["auth_user"], "relay-user");
    }
    // Messages sent back to back share the connection the sender keeps.
    let connections: HashSet<String> = received.iter().map(|m| m.meta["peer"].to_string()).collect();
    assert!(connections.len() < received.len(), "{connections:?}");
}

/// A request accepted at a proposed slot is booked at once: both parties get an invitation
/// (`METHOD:REQUEST`, the feed's UID and SEQUENCE). Then invitations to those not signed in
/// yet go to the one participant that never used its token.
async fn a_booking_invites_both_and_invitations_skip_those_signed_in(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    app.room(&event, "Table 7", 2, &[]).await;
    let p = |name, email, lang| app.participant(&event, person(name, email, lang));
    let (amina, amina_token) = p("Amina", "amina@casa.test", "fr").await;
    let (somchai, somchai_token) = p("Somchai", "somchai@bma.test", "en").await;
    let (_, _never_used) = p("Layla", "layla@rabat.test", "ar").await;
    let body =
        json!({"with": [somchai], "duration_minutes": 20, "priority": 3, "proposed_slots": ["d1-1020"]});
    let request = id(&app
        .post(
            &format!("/api/v1/events/{event}/requests"),
            Some(&amina_token),
            body,
        )
        .await
        .expect(201)
        .json);
    smtp.wait_for(1).await;
    app.post(
        &format!("/api/v1/events/{event}/requests/{request}/accept"),
        Some(&somchai_token),
        json!({"slot": "d1-1020"}),
    )
    .await
    .expect(200);
    // The request, its acceptance, and the booking to each party.
    let c = settled(&app, &event, 4).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 4, "failed": 0, "skipped": 0}),
        "{c}"
    );
    let booked = messages(&app, &event, "kind=meeting_booked").await;
    assert_eq!(booked.len(), 2, "{booked:?}");
    let received = smtp.wait_for(4).await;
    for who in ["amina@casa.test", "somchai@bma.test"] {
        let invite = received
            .iter()
            .find(|m| m.to() == who && parts(m).2.is_some_and(|(method, _)| method == "REQUEST"))
            .unwrap_or_else(|| panic!("no booking invitation for {who}"));
        let (_, ics) = parts(invite).2.unwrap();
        let (me, token) = if who.starts_with("amina") {
            (&amina, &amina_token)
        } else {
            (&somchai, &somchai_token)
        };
        let feed = app
            .get(
                &format!("/api/v1/events/{event}/participants/{me}/agenda.ics"),
                Some(token),
            )
            .await
            .text;
        assert_eq!(vevent(&ics, "UID"), vevent(&feed, "UID"), "{who}");
        assert_eq!(vevent(&ics, "SEQUENCE"), vevent(&feed, "SEQUENCE"), "{who}");
        assert_eq!(vevent(&ics, "DTSTART"), vevent(&feed, "DTSTART"), "{who}");
    }

    // Amina and Somchai used their tokens; Layla never did.
    let invited = app
        .post(
            &format!("/api/v1/events/{event}/invitations"),
            Some(ORGANISER),
            json!({"to": "not_signed_in"}),
        )
        .await;
    invited.expect(202);
    assert_eq!(invited.json["queued"], 1);
    let received = smtp.wait_for(5).await;
    assert_eq!(received.len(), 5);
    assert_eq!(received.last().unwrap().to(), "layla@rabat.test");
}

/// The start of the event's slot `index`.
fn slot_start(event: &Value, index: usize) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(event["slots"][index]["start"].as_str().unwrap())
        .unwrap()
        .to_utc()
}

fn slot_id(event: &Value, index: usize) -> String {
    event["slots"][index]["id"].as_str().unwrap().to_string()
}

/// One reminder scan as a node runs it, at `now` (a fresh node: nothing queued by it yet);
/// returns how many reminders it queued.
async fn scan_at(app: &TestApp, now: DateTime<Utc>) -> u64 {
    rendezvous::notify::reminders::scan(&app.mailer, now, &mut HashSet::new())
        .await
        .expect("a reminder scan")
}

/// A request from `from` to `to`, accepted.
async fn agreed(app: &TestApp, event: &str, from: &str, to: (&str, &str)) -> String {
    let request = app.request(event, from, &[to.0], 20, 3).await;
    app.answer(event, &request, to.1, "accept").await.expect(200);
    request
}

async fn cancel(app: &TestApp, event: &str, request: &str, token: &str) {
    app.post(
        &format!("/api/v1/events/{event}/requests/{request}/cancel"),
        Some(token),
        json!({"reason": "plans changed"}),
    )
    .await
    .expect(200);
}

/// Three meetings of an event next April, scanned at times the test chooses (the app's own
/// scans never reach them): the meeting kept gets its reminders; the one cancelled before its
/// scan gets none queued; the one cancelled after its reminders were queued (the relay down,
/// so they were still waiting) gets them skipped. No reminder of a cancelled meeting reaches
/// the relay.
async fn no_reminder_goes_for_a_cancelled_meeting(backend: Backend) {
    let mut smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let expo = app.expo().await;
    let event = id(&expo);
    let room = app.room(&event, "Salle Atlas", 2, &[]).await;
    let p = |name, email, lang| app.participant(&event, person(name, email, lang));
    let (youssef, youssef_token) = p("Youssef", "youssef@fes.test", "fr").await;
    let (mai, mai_token) = p("Mai", "mai@hanoi.test", "en").await;
    let (chen, chen_token) = p("Chen", "chen@shenzhen.test", "ar").await;
    let kept = agreed(&app, &event, &youssef_token, (&mai, &mai_token)).await;
    let early = agreed(&app, &event, &youssef_token, (&chen, &chen_token)).await;
    let late = agreed(&app, &event, &mai_token, (&chen, &chen_token)).await;
    let (s3, s4, s5) = (slot_id(&expo, 3), slot_id(&expo, 4), slot_id(&expo, 5));
    let run = app
        .hand_made_run(
            &event,
            &[(&kept, &s3, &room), (&early, &s4, &room), (&late, &s5, &room)],
        )
        .await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let lead = chrono::Duration::minutes(15);
    assert_eq!(expo["reminder_minutes"], 15);

    // Cancelled before its reminders are due: the scan that finds it queues nothing, while the
    // scan of the kept meeting, a slot earlier, queues one per participant.
    cancel(&app, &event, &early, &chen_token).await;
    assert_eq!(scan_at(&app, slot_start(&expo, 4) - lead).await, 0);
    assert_eq!(scan_at(&app, slot_start(&expo, 3) - lead).await, 2);
    settled(&app, &event, 0).await;
    assert!(
        messages(&app, &event, "kind=reminder")
            .await
            .iter()
            .all(|m| m["status"] == "sent"),
        "the kept meeting's reminders went"
    );

    // Queued, then cancelled while they wait for the relay: skipped when it is back.
    smtp.stop();
    assert_eq!(scan_at(&app, slot_start(&expo, 5) - lead).await, 2);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !messages(&app, &event, "kind=reminder&status=pending")
        .await
        .iter()
        .any(|m| m["last_error"].is_string())
    {
        assert!(Instant::now() < deadline, "the sender never tried the relay");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cancel(&app, &event, &late, &mai_token).await;
    smtp.start_again();
    settled(&app, &event, 0).await;

    let reminders = messages(&app, &event, "kind=reminder").await;
    let of = |status: &str| {
        let mut who: Vec<String> = reminders
            .iter()
            .filter(|m| m["status"] == status)
            .map(|m| m["recipient"].as_str().unwrap().to_string())
            .collect();
        who.sort();
        who
    };
    let mut kept_pair = vec![youssef.clone(), mai.clone()];
    kept_pair.sort();
    let mut late_pair = vec![mai.clone(), chen.clone()];
    late_pair.sort();
    assert_eq!(of("sent"), kept_pair, "{reminders:?}");
    assert_eq!(of("skipped"), late_pair, "{reminders:?}");
    assert_eq!(
        reminders.len(),
        4,
        "none for the meeting cancelled first: {reminders:?}"
    );
    for m in reminders.iter().filter(|m| m["status"] == "skipped") {
        assert_eq!(m["last_error"], "the meeting moved or was cancelled", "{m}");
    }
    // At the relay: the kept meeting's two reminders, no other.
    let reminder_ids: HashSet<String> = reminders
        .iter()
        .map(|m| {
            m["message_id"]
                .as_str()
                .unwrap()
                .trim_matches(['<', '>'])
                .to_string()
        })
        .collect();
    let arrived: Vec<String> = smtp
        .received()
        .iter()
        .filter(|m| reminder_ids.contains(&m.message_id()))
        .map(Received::to)
        .collect();
    assert_eq!(arrived.len(), 2, "{arrived:?}");
    assert!(
        !arrived.contains(&"chen@shenzhen.test".to_string()),
        "{arrived:?}"
    );
}

/// An event that sets no reminder lead has 15 minutes: its meeting's reminders are queued by
/// the scan at its start − 15 minutes, not by the one a second earlier.
async fn the_reminder_lead_is_fifteen_minutes_unless_set(backend: Backend) {
    let app = TestApp::start(backend).await;
    let expo = app.expo().await;
    let event = id(&expo);
    assert_eq!(expo["reminder_minutes"], 15);
    let read = app.get(&format!("/api/v1/events/{event}"), Some(ORGANISER)).await;
    assert_eq!(read.expect(200).json["reminder_minutes"], 15);
    let room = app.room(&event, "Table 3", 2, &[]).await;
    let (_, a_token) = app.participant(&event, person("A", "a@x.test", "fr")).await;
    let (b, b_token) = app.participant(&event, person("B", "b@x.test", "en")).await;
    let request = agreed(&app, &event, &a_token, (&b, &b_token)).await;
    let run = app
        .hand_made_run(&event, &[(&request, &slot_id(&expo, 3), &room)])
        .await;
    app.post(
        &format!("/api/v1/events/{event}/schedules/{run}/publish"),
        Some(ORGANISER),
        json!({}),
    )
    .await
    .expect(200);
    let due = slot_start(&expo, 3) - chrono::Duration::minutes(15);
    assert_eq!(scan_at(&app, due - chrono::Duration::seconds(1)).await, 0);
    assert!(messages(&app, &event, "kind=reminder").await.is_empty());
    assert_eq!(scan_at(&app, due).await, 2, "one per participant");
    assert_eq!(messages(&app, &event, "kind=reminder").await.len(), 2);
}

/// Two publishes with a change between (the second run moves one meeting and leaves the
/// other out): each participant's second agenda, in its language, says what changed for it,
/// in the event's zone, with the words of its `mail.ftl`.
async fn a_republished_timetable_mails_each_participant_what_changed(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions::default());
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let expo = app.expo().await;
    let event = id(&expo);
    let room = app.room(&event, "Table 12", 2, &[]).await;
    let p = |name, email, lang| app.participant(&event, person(name, email, lang));
    let (_, amina_token) = p("Amina El Idrissi", "amina@casa.test", "fr").await;
    let (somchai, somchai_token) = p("Somchai Prasert", "somchai@bma.test", "en").await;
    let (layla, layla_token) = p("Layla Haddad", "layla@rabat.test", "ar").await;
    let moving = agreed(&app, &event, &amina_token, (&somchai, &somchai_token)).await;
    let dropped = agreed(&app, &event, &amina_token, (&layla, &layla_token)).await;
    let publish = |run: String| {
        let app = &app;
        let event = event.clone();
        async move {
            app.post(
                &format!("/api/v1/events/{event}/schedules/{run}/publish"),
                Some(ORGANISER),
                json!({}),
            )
            .await
            .expect(200);
        }
    };
    let first = app
        .hand_made_run(
            &event,
            &[
                (&moving, &slot_id(&expo, 3), &room),
                (&dropped, &slot_id(&expo, 4), &room),
            ],
        )
        .await;
    publish(first).await;
    // The first agendas go before the second publish (a newer agenda supersedes one still
    // waiting).
    settled(&app, &event, 0).await;
    let agendas = "kind=timetable_published&status=sent";
    assert_eq!(
        messages(&app, &event, agendas).await.len(),
        3,
        "a first agenda each"
    );
    let second = app
        .hand_made_run(&event, &[(&moving, &slot_id(&expo, 7), &room)])
        .await;
    publish(second).await;
    settled(&app, &event, 0).await;
    let sent = messages(&app, &event, agendas).await;
    assert_eq!(sent.len(), 6, "a second agenda each: {sent:?}");

    let received = smtp.received();
    let second_agenda = |to: &str, lang: Lang| {
        let subject = lang.ta(
            "mail-timetable-subject",
            &[
                ("event", expo["name"].as_str().unwrap().to_string()),
                ("version", "2".into()),
            ],
        );
        let message = received
            .iter()
            .find(|m| m.to() == to && m.parsed().subject() == Some(subject.as_str()))
            .unwrap_or_else(|| panic!("no second agenda for {to} ({subject})"));
        assert_eq!(message.header("Content-Language").as_deref(), Some(lang.code()));
        parts(message).0.replace("\r\n", "\n")
    };
    // The agenda line of the moved meeting at slot 7, as each language writes it.
    let moved_line = |lang: Lang, other: &str| {
        let zone: chrono_tz::Tz = expo["timezone"].as_str().unwrap().parse().unwrap();
        let start = slot_start(&expo, 7).with_timezone(&zone);
        let end = (slot_start(&expo, 7) + chrono::Duration::minutes(20)).with_timezone(&zone);
        let when = lang.ta(
            "mail-when",
            &[
                ("date", start.format("%Y-%m-%d").to_string()),
                ("start", start.format("%H:%M").to_string()),
                ("end", end.format("%H:%M").to_string()),
                ("zone", zone.name().to_string()),
            ],
        );
        format!("- {when} · Table 12 · {other}")
    };

    // Amina (fr): one meeting moved, one no longer hers; her agenda holds the moved one.
    let amina = second_agenda("amina@casa.test", Lang::Fr);
    let fr = |key: &str| Lang::Fr.t(key);
    for expected in [
        format!(
            "{}\n{}",
            fr("mail-timetable-moved"),
            moved_line(Lang::Fr, "Somchai Prasert")
        ),
        format!("{}\n- Layla Haddad", fr("mail-timetable-removed")),
        format!(
            "{}\n{}",
            fr("mail-timetable-agenda"),
            moved_line(Lang::Fr, "Somchai Prasert")
        ),
    ] {
        assert!(amina.contains(&expected), "{expected:?} not in:\n{amina}");
    }
    assert!(!amina.contains(&fr("mail-timetable-added")), "{amina}");
    // Somchai (en): his meeting moved, nothing removed.
    let somchai_text = second_agenda("somchai@bma.test", Lang::En);
    let en = |key: &str| Lang::En.t(key);
    assert!(
        somchai_text.contains(&format!(
            "{}\n{}",
            en("mail-timetable-moved"),
            moved_line(Lang::En, "Amina El Idrissi")
        )),
        "{somchai_text}"
    );
    assert!(
        !somchai_text.contains(&en("mail-timetable-removed")),
        "{somchai_text}"
    );
    // Layla (ar): her meeting dropped, her agenda empty now.
    let layla_text = second_agenda("layla@rabat.test", Lang::Ar);
    let ar = |key: &str| Lang::Ar.t(key);
    assert!(
        layla_text.contains(&format!("{}\n- Amina El Idrissi", ar("mail-timetable-removed")))
            && layla_text.contains(&ar("mail-timetable-empty")),
        "{layla_text}"
    );
}

/// The organiser's messages page: the failed ones by default (to whom, of what kind, the
/// relay's last error, the attempts), each status a link with its count, the page linked from
/// the event's navigation; a participant's session is refused.
async fn the_organiser_sees_failed_messages_on_a_page(backend: Backend) {
    let smtp = SmtpServer::start(SmtpOptions {
        reject: Some("bounce".into()),
        ..SmtpOptions::default()
    });
    let app = TestApp::start_with(backend, mail_config(&smtp)).await;
    let event = id(&app.expo().await);
    let (_, bounce_token) = app
        .participant(&event, person("Bounce Trading", "bounce@x.test", "en"))
        .await;
    app.participant(&event, person("Fine Logistics", "fine@x.test", "fr"))
        .await;
    invite_everyone(&app, &event).await;
    let c = settled(&app, &event, 2).await;
    assert_eq!(
        c,
        json!({"pending": 0, "sent": 1, "failed": 1, "skipped": 0}),
        "{c}"
    );
    let failed = &messages(&app, &event, "status=failed").await[0];
    let error = failed["last_error"].as_str().unwrap();
    let escaped = maud::html! { (error) }.into_string();

    let mut browser = crate::web_support::Browser::new(&app);
    browser.get(&format!("/login?token={ORGANISER}")).await;
    let base = format!("/organiser/events/{event}/messages");
    let page = browser.get(&base).await;
    assert_eq!(page.status, reqwest::StatusCode::OK, "{}", page.text);
    let fr = Lang::Fr;
    let count = |key: &str| fr.ta(key, &[("count", "1".into())]);
    for expected in [
        "Bounce Trading".to_string(),
        fr.t("org-message-kind-invitation"),
        escaped.clone(),
        format!("<td>{}</td>", failed["attempts"]),
        count("org-messages-failed"),
        count("org-messages-sent"),
        format!("href=\"{base}?status=sent\""),
    ] {
        assert!(
            page.text.contains(&expected),
            "{expected:?} not in:\n{}",
            page.text
        );
    }
    assert!(!page.text.contains("Fine Logistics"), "{}", page.text);
    let sent = browser.get(&format!("{base}?status=sent")).await;
    assert!(
        sent.text.contains("Fine Logistics") && !sent.text.contains("Bounce Trading"),
        "{}",
        sent.text
    );
    let skipped = browser.get(&format!("{base}?status=skipped")).await;
    assert!(
        skipped.text.contains(&fr.t("org-messages-none")),
        "{}",
        skipped.text
    );
    let event_page = browser.get(&format!("/organiser/events/{event}")).await;
    assert!(
        event_page.text.contains(&format!("href=\"{base}\"")),
        "{}",
        event_page.text
    );

    let mut participant = crate::web_support::Browser::new(&app);
    participant.sign_in(&bounce_token).await;
    assert_eq!(
        participant.get(&base).await.status,
        reqwest::StatusCode::FORBIDDEN
    );
}

on_both_backends!(
    registration_keeps_the_address_private,
    a_booking_invites_both_and_invitations_skip_those_signed_in,
    an_implicit_tls_relay_gets_every_message_once,
    each_message_arrives_once_in_its_language,
    a_reminder_goes_once_before_each_meeting,
    the_relay_down_loses_nothing_and_sends_nothing_twice,
    a_change_that_fails_queues_nothing,
    without_a_relay_messages_are_files_listed_for_the_organiser,
    refusals_fail_for_good_or_retry_then_fail,
    no_reminder_goes_for_a_cancelled_meeting,
    the_reminder_lead_is_fifteen_minutes_unless_set,
    a_republished_timetable_mails_each_participant_what_changed,
    the_organiser_sees_failed_messages_on_a_page,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_senders_on_one_postgres_never_send_twice() {
    two_senders_on_postgres_never_send_twice(Backend::Postgres).await
}
