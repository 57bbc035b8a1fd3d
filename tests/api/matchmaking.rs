//! Matchmaking through the API: recommendations (ranking, reasons, exclusions, public fields
//! only), profile updates seen at once, organiser boosts, want-to-meet marks that agree a
//! meeting exactly once under concurrency, auto-proposals, validation and access.

use crate::common;

use std::collections::{BTreeSet, HashSet};

use common::{Backend, ORGANISER, TestApp, id};
use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

fn company(name: &str, offers: &[&str], seeks: &[&str]) -> Value {
    json!({"name": name, "kind": "company", "organization": format!("{name} Ltd"),
           "languages": ["en", "fr"], "offers": offers, "seeks": seeks})
}

async fn recommend(app: &TestApp, e: &str, token: &str, query: &str) -> Value {
    app.get(&format!("/api/v1/events/{e}/recommendations{query}"), Some(token))
        .await
        .expect(200)
        .json
        .clone()
}

fn ids(recommendations: &Value) -> Vec<String> {
    recommendations["recommendations"]
        .as_array()
        .expect("recommendations")
        .iter()
        .map(|r| r["participant"]["id"].as_str().expect("id").to_string())
        .collect()
}

fn reasons_of(recommendations: &Value, who: &str) -> Vec<String> {
    recommendations["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["participant"]["id"] == who)
        .unwrap_or_else(|| panic!("{who} is not recommended: {recommendations}"))["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect()
}

fn slot_ids(event: &Value) -> Vec<String> {
    event["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

async fn recommendations_rank_explain_and_exclude(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.expo().await;
    let e = id(&event);
    let slots = slot_ids(&event);
    let (me, me_token) = app
        .participant(
            &e,
            json!({"name": "Casablanca", "kind": "delegation", "city": "Casablanca", "country": "MA",
                   "size": 4, "languages": ["fr", "en"], "topics": ["mobility"], "seeks": ["flood sensors"],
                   "max_meetings": 20, "unavailable": [slots[0]]}),
        )
        .await;
    let (hydro, _) = app
        .participant(
            &e,
            json!({"name": "HydroSense", "kind": "company", "languages": ["en"], "topics": ["mobility"],
                   "offers": ["flood sensors for storm drains"], "max_meetings": 5,
                   "unavailable": [slots[1], slots[2]]}),
        )
        .await;
    let flood = |name: &str| company(name, &["flood sensors"], &[]);
    let (asked, _) = app.participant(&e, flood("AquaMeter")).await;
    let (asking, asking_token) = app.participant(&e, flood("RainNet")).await;
    let (decliner, decliner_token) = app.participant(&e, flood("StormWatch")).await;
    let (withdrawn, _) = app.participant(&e, flood("Withdrawn Again")).await;
    let mut busy = flood("BusyFlood");
    busy["unavailable"] = json!(slots);
    let (busy, _) = app.participant(&e, busy).await;
    let mut full = flood("FullFlood");
    full["max_meetings"] = json!(1);
    let (full, full_token) = app.participant(&e, full).await;
    let (other, other_token) = app
        .participant(&e, company("Elsewhere", &[], &["flood sensors"]))
        .await;
    let (unrelated, _) = app.participant(&e, company("Bakery", &["croissants"], &[])).await;

    // Before any request, everyone offering flood sensors is suggested: others' availability
    // is private (`matchmaking_privacy`), so the never-free one too; not to the organiser.
    let before = recommend(&app, &e, &me_token, "").await;
    let all: HashSet<String> = ids(&before).into_iter().collect();
    for candidate in [&hydro, &asked, &asking, &decliner, &withdrawn, &full, &busy] {
        assert!(all.contains(candidate.as_str()), "{candidate} missing: {before}");
    }
    let for_me = recommend(&app, &e, ORGANISER, &format!("?for={me}")).await;
    assert!(!ids(&for_me).contains(&busy), "no common free slot: {for_me}");
    assert!(!all.contains(&me), "never oneself");
    assert!(!all.contains(&unrelated), "nothing in common: {before}");

    app.request(&e, &me_token, &[&asked], 20, 3).await;
    app.request(&e, &asking_token, &[&me], 20, 3).await;
    let declined = app.request(&e, &me_token, &[&decliner], 20, 3).await;
    app.answer(&e, &declined, &decliner_token, "decline")
        .await
        .expect(200);
    let gone = app.request(&e, &me_token, &[&withdrawn], 20, 3).await;
    app.answer(&e, &gone, &me_token, "withdraw").await.expect(200);
    let taken = app.request(&e, &other_token, &[&full], 20, 3).await;
    app.answer(&e, &taken, &full_token, "accept").await.expect(200);

    let after = recommend(&app, &e, &me_token, "?limit=50").await;
    let now: Vec<String> = ids(&after);
    assert_eq!(after["for"], me.as_str());
    for excluded in [&asked, &asking, &decliner, &me] {
        assert!(!now.contains(excluded), "{excluded} must be excluded: {after}");
    }
    assert!(
        now.contains(&full) && now.contains(&busy),
        "others' quota and availability are private"
    );
    assert!(
        now.contains(&withdrawn),
        "a withdrawn request excludes nobody: {after}"
    );
    // The only complementary match that also shares a topic and a language ranks first.
    assert_eq!(now[0], hydro, "{after}");
    let reasons = reasons_of(&after, &hydro);
    for expected in [
        "you seek flood sensors; HydroSense offers flood sensors for storm drains",
        "both work on mobility",
        "you share English",
    ] {
        assert!(
            reasons.iter().any(|r| r == expected),
            "{expected:?} not in {reasons:?}"
        );
    }
    let scores: Vec<f64> = after["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // The organiser sees the same list for the participant, less those its private facts
    // rule out: a full quota, no common free slot.
    let as_organiser = recommend(&app, &e, ORGANISER, &format!("?for={me}&limit=50")).await;
    let expected: Vec<String> = now
        .iter()
        .filter(|p| **p != full && **p != busy)
        .cloned()
        .collect();
    assert_eq!(ids(&as_organiser), expected);

    // Quotas count accepted meetings only: a pending request leaves a quota open.
    let mut open = flood("OpenQuota");
    open["max_meetings"] = json!(1);
    let (open, open_token) = app.participant(&e, open).await;
    app.request(&e, &open_token, &[&other], 20, 3).await;
    let with_open = ids(&recommend(&app, &e, ORGANISER, &format!("?for={me}&limit=50")).await);
    assert!(with_open.contains(&open), "{with_open:?}");
}

async fn only_public_fields_of_others(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.expo().await;
    let e = id(&event);
    let slots = slot_ids(&event);
    let (_, me_token) = app
        .participant(&e, company("Seeker", &[], &["smart parking"]))
        .await;
    let mut secretive = company("ParkCo", &["smart parking sensors"], &[]);
    secretive["max_meetings"] = json!(7);
    secretive["unavailable"] = json!([slots[3]]);
    secretive["city"] = json!("Rabat");
    let (park, _) = app.participant(&e, secretive).await;

    let reply = app
        .get(&format!("/api/v1/events/{e}/recommendations"), Some(&me_token))
        .await;
    reply.expect(200);
    let entry = &reply.json["recommendations"][0]["participant"];
    assert_eq!(entry["id"], park.as_str());
    let keys: BTreeSet<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
    let public: BTreeSet<&str> = [
        "id",
        "name",
        "kind",
        "organization",
        "city",
        "country",
        "size",
        "languages",
        "topics",
        "offers",
        "seeks",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, public);
    assert_eq!(entry["city"], "Rabat");
    for private in ["unavailable", "max_meetings", "token", "rdvp_", &slots[3]] {
        assert!(!reply.text.contains(private), "{private} leaked: {}", reply.text);
    }
}

async fn a_profile_update_is_reflected_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (_, me_token) = app
        .participant(&e, company("Tangier", &[], &["solar benches"]))
        .await;
    let (maker, maker_token) = app
        .participant(&e, company("UrbanFurniture", &["flood barriers"], &[]))
        .await;
    // A second API instance on the same database, already warmed up.
    let other_instance = rendezvous::matchmaking::Matchmaking::default();
    let me = ids(&recommend(&app, &e, &me_token, "").await);
    assert!(!me.contains(&maker), "nothing in common yet: {me:?}");
    let me_id = app
        .get(&format!("/api/v1/events/{e}/recommendations"), Some(&me_token))
        .await
        .json["for"]
        .as_str()
        .unwrap()
        .to_string();
    let elsewhere = rendezvous::matchmaking::recommend(
        app.store.as_ref(),
        &other_instance,
        &e,
        &me_id,
        10,
        rendezvous::matchmaking::Sees::OwnOnly,
    )
    .await
    .unwrap();
    assert!(elsewhere.iter().all(|r| r.participant.id != maker));

    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{e}/participants/{maker}"),
        Some(&maker_token),
        Some(json!({"offers": ["solar benches with USB chargers"]})),
    )
    .await
    .expect(200);
    let after = recommend(&app, &e, &me_token, "").await;
    assert_eq!(ids(&after), vec![maker.clone()], "{after}");
    assert!(
        reasons_of(&after, &maker).contains(
            &"you seek solar benches; UrbanFurniture offers solar benches with USB chargers".into()
        ),
        "{after}"
    );
    let elsewhere = rendezvous::matchmaking::recommend(
        app.store.as_ref(),
        &other_instance,
        &e,
        &me_id,
        10,
        rendezvous::matchmaking::Sees::OwnOnly,
    )
    .await
    .unwrap();
    assert_eq!(elsewhere.len(), 1);
    assert_eq!(elsewhere[0].participant.id, maker);

    // The caller's own profile too.
    app.call(
        Method::PATCH,
        &format!("/api/v1/events/{e}/participants/{me_id}"),
        Some(&me_token),
        Some(json!({"seeks": ["tide gauges"]})),
    )
    .await
    .expect(200);
    assert!(ids(&recommend(&app, &e, &me_token, "").await).is_empty());
}

async fn boosts_change_the_order(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let mut seeker = company("Rabat", &[], &["digital twin of the water network"]);
    seeker["topics"] = json!(["water"]);
    let (_, seeker_token) = app.participant(&e, seeker).await;
    let mut local = company("LocalTwin", &["digital twin for water networks"], &[]);
    local["topics"] = json!(["water"]);
    let (local, _) = app.participant(&e, local).await;
    let mut bangkok = company("BKK", &["jumeau numérique"], &[]);
    bangkok["kind"] = json!("delegation");
    bangkok["city"] = json!("Bangkok");
    bangkok["country"] = json!("TH");
    let (bangkok, _) = app.participant(&e, bangkok).await;

    let plain = recommend(&app, &e, &seeker_token, "").await;
    assert_eq!(ids(&plain), [local.clone(), bangkok.clone()], "{plain}");

    let boosts = format!("/api/v1/events/{e}/boosts");
    for (target, value) in [
        ("city", "bangkok"),
        ("country", "TH"),
        ("kind", "delegation"),
        ("participant", bangkok.as_str()),
    ] {
        let body = json!({"boosts": [{"target": target, "value": value, "factor": 10.0}]});
        let put = app
            .call(Method::PUT, &boosts, Some(ORGANISER), Some(body.clone()))
            .await;
        put.expect(200);
        assert_eq!(put.json, body);
        assert_eq!(app.get(&boosts, Some(ORGANISER)).await.expect(200).json, body);
        let boosted = recommend(&app, &e, &seeker_token, "").await;
        assert_eq!(
            ids(&boosted),
            [bangkok.clone(), local.clone()],
            "{target}: {boosted}"
        );
        assert!(
            reasons_of(&boosted, &bangkok)
                .iter()
                .any(|r| r.starts_with("highlighted by the organisers")),
            "{boosted}"
        );
    }

    // Bad boosts are refused whole, naming the field; the stored ones stay.
    let before = app.get(&boosts, Some(ORGANISER)).await.json.clone();
    for (bad, pointer) in [
        (
            json!({"target": "city", "value": "Bangkok", "factor": 0}),
            "/boosts/1/factor",
        ),
        (
            json!({"target": "city", "value": "Bangkok", "factor": 11}),
            "/boosts/1/factor",
        ),
        (
            json!({"target": "country", "value": "Thailand", "factor": 2}),
            "/boosts/1/value",
        ),
        (
            json!({"target": "kind", "value": "robot", "factor": 2}),
            "/boosts/1/value",
        ),
        (
            json!({"target": "participant", "value": "p_nobody", "factor": 2}),
            "/boosts/1/value",
        ),
        (
            json!({"target": "planet", "value": "Mars", "factor": 2}),
            "/boosts/1/target",
        ),
    ] {
        let body = json!({"boosts": [{"target": "city", "value": "Rabat", "factor": 2}, bad]});
        let reply = app.call(Method::PUT, &boosts, Some(ORGANISER), Some(body)).await;
        reply.expect(422);
        assert_eq!(reply.pointers(), [pointer], "{}", reply.text);
        assert_eq!(app.get(&boosts, Some(ORGANISER)).await.json, before);
    }
    // Clearing them restores the plain order.
    app.call(Method::PUT, &boosts, Some(ORGANISER), Some(json!({"boosts": []})))
        .await
        .expect(200);
    assert_eq!(ids(&recommend(&app, &e, &seeker_token, "").await), ids(&plain));
}

async fn mutual_interest_agrees_one_meeting(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let mark = |token: String, target: String| {
        let app = &app;
        let e = e.clone();
        async move {
            app.call(
                Method::PUT,
                &format!("/api/v1/events/{e}/participants/{target}/interest"),
                Some(&token),
                None,
            )
            .await
        }
    };

    // One side alone: a mark, no meeting.
    let (a, a_token) = app.simple_participant(&e, "Alpha").await;
    let (b, b_token) = app.simple_participant(&e, "Bravo").await;
    let first = mark(a_token.clone(), b.clone()).await;
    first.expect(200);
    assert_eq!(first.json["participant"], b.as_str());
    assert_eq!(first.json["mutual"], false);
    assert!(first.json["request"].is_null());
    // Marking again changes nothing.
    mark(a_token.clone(), b.clone()).await.expect(200);
    let mine = app
        .get(&format!("/api/v1/events/{e}/interests"), Some(&a_token))
        .await;
    assert_eq!(mine.expect(200).json.as_array().unwrap().len(), 1);
    // The other side: an accepted request from the one who marked first.
    let second = mark(b_token.clone(), a.clone()).await;
    second.expect(200);
    assert_eq!(second.json["mutual"], true);
    assert_eq!(second.json["request"]["status"], "accepted");
    assert_eq!(second.json["request"]["from"], a.as_str());
    assert_eq!(second.json["request"]["with"], json!([b]));
    // Unmarking and marking again does not agree a second meeting.
    let unmark = app
        .call(
            Method::DELETE,
            &format!("/api/v1/events/{e}/participants/{a}/interest"),
            Some(&b_token),
            None,
        )
        .await;
    unmark.expect(204);
    mark(b_token.clone(), a.clone()).await.expect(200);
    let requests = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(&a_token))
        .await;
    assert_eq!(requests.expect(200).json.as_array().unwrap().len(), 1);

    // Many pairs, both sides marking at the same moment, twice each.
    const PAIRS: usize = 12;
    let mut people = Vec::new();
    for i in 0..PAIRS {
        let left = app.simple_participant(&e, &format!("Left {i}")).await;
        let right = app.simple_participant(&e, &format!("Right {i}")).await;
        people.push((left, right));
    }
    let marks = people.iter().flat_map(|((l, l_token), (r, r_token))| {
        [
            mark(l_token.clone(), r.clone()),
            mark(r_token.clone(), l.clone()),
            mark(r_token.clone(), l.clone()),
            mark(l_token.clone(), r.clone()),
        ]
    });
    let replies = join_all(marks).await;
    for reply in &replies {
        reply.expect(200);
    }
    let all = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    for ((l, _), (r, _)) in &people {
        let between: Vec<&Value> = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|q| {
                let parties = [q["from"].as_str().unwrap(), q["with"][0].as_str().unwrap()];
                parties.contains(&l.as_str()) && parties.contains(&r.as_str())
            })
            .collect();
        assert_eq!(between.len(), 1, "{l} and {r}: {between:?}");
        assert_eq!(between[0]["status"], "accepted");
    }
    // Each pair's request was reported by the marks that saw the interest mutual.
    let reported: HashSet<&str> = replies
        .iter()
        .filter_map(|r| r.json["request"]["id"].as_str())
        .collect();
    assert_eq!(reported.len(), PAIRS);

    // Marking oneself, an unknown participant, or as the organiser.
    let own = mark(a_token.clone(), a.clone()).await;
    own.expect(422);
    assert_eq!(own.pointers(), ["/id"]);
    mark(a_token.clone(), "p_nobody".into()).await.expect(404);
    mark(ORGANISER.into(), a.clone()).await.expect(403);
}

/// The same race without HTTP in between, so both marks of a pair reach the database
/// within microseconds of each other: round after round, one accepted request per pair.
async fn mutual_marks_race_in_the_store(backend: Backend) {
    use rendezvous::domain::{RequestStatus, Response};
    use rendezvous::store::{Invitee, MeetingRequest};
    use std::sync::Arc;

    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let now = chrono::Utc::now();
    let request = |from: &str, to: &str| MeetingRequest {
        id: format!("req_race_{}", uuid::Uuid::new_v4().simple()),
        event_id: e.clone(),
        requester: to.to_string(),
        invitees: vec![Invitee {
            participant: from.to_string(),
            response: Response::Accepted,
            slot: None,
        }],
        duration_minutes: 20,
        priority: 4,
        message: String::new(),
        features: Vec::new(),
        status: RequestStatus::Accepted,
        created_at: now,
        updated_at: now,
        life: Default::default(),
    };
    const ROUNDS: usize = 40;
    for round in 0..ROUNDS {
        let (a, _) = app.simple_participant(&e, &format!("A{round}")).await;
        let (b, _) = app.simple_participant(&e, &format!("B{round}")).await;
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let tasks = [(a.clone(), b.clone()), (b.clone(), a.clone())].map(|(from, to)| {
            let (store, start, e, mutual) =
                (app.store.clone(), start.clone(), e.clone(), request(&from, &to));
            tokio::spawn(async move {
                start.wait().await;
                store.mark_interest(&e, &from, &to, &mutual).await.expect("mark")
            })
        });
        let marked: Vec<_> = join_all(tasks)
            .await
            .into_iter()
            .map(|t| t.expect("task"))
            .collect();
        assert_eq!(
            marked.iter().filter(|m| m.created_request).count(),
            1,
            "round {round}: {marked:?}"
        );
        let between = app.store.requests_of(&e, &a).await.expect("requests");
        assert_eq!(between.len(), 1, "round {round}: {between:?}");
        assert_eq!(between[0].status, RequestStatus::Accepted);
        assert!(between[0].involves(&b));
    }
}

/// Profile revisions: every write raises the event's counter, and `profiles_since` returns
/// exactly the profiles written after a watermark, each with its latest revision.
async fn profile_revisions_tell_what_changed(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let other_event = id(&app.expo().await);
    let (a, _) = app.simple_participant(&e, "A").await;
    let (b, _) = app.simple_participant(&e, "B").await;
    app.simple_participant(&other_event, "Elsewhere").await;
    let all = app.store.profiles_since(&e, -1).await.unwrap().participants;
    let ids: Vec<&str> = all.iter().map(|(p, _)| p.id.as_str()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    let watermark = all.iter().map(|(_, r)| *r).max().unwrap();
    assert!(all[0].1 < all[1].1, "{all:?}");
    assert!(
        app.store
            .profiles_since(&e, watermark)
            .await
            .unwrap()
            .participants
            .is_empty()
    );

    let (mut changed, read_at) = app.store.participant_at(&e, &a).await.unwrap();
    changed.profile.offers = vec!["tide gauges".into()];
    assert!(
        app.store
            .update_participant(&changed, read_at)
            .await
            .unwrap()
            .is_some()
    );
    let since = app
        .store
        .profiles_since(&e, watermark)
        .await
        .unwrap()
        .participants;
    assert_eq!(since.len(), 1);
    assert_eq!(since[0].0, changed);
    assert!(since[0].1 > watermark);
    assert!(
        app.store
            .profiles_since(&e, since[0].1)
            .await
            .unwrap()
            .participants
            .is_empty()
    );
}

async fn auto_proposals_fill_quiet_participants_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let event = app.expo().await;
    let e = id(&event);
    let (seeker, _) = app
        .participant(&e, company("Agadir", &[], &["flood sensors", "rain gauges"]))
        .await;
    let (sensors, _) = app
        .participant(&e, company("HydroSense", &["flood sensors"], &[]))
        .await;
    let (gauges, _) = app
        .participant(&e, company("RainCo", &["rain gauges"], &[]))
        .await;
    let mut busy = company("AlwaysBusy", &["flood sensors and rain gauges"], &[]);
    busy["unavailable"] = json!(slot_ids(&event));
    let (busy, _) = app.participant(&e, busy).await;

    let path = format!("/api/v1/events/{e}/proposals");
    let run = app
        .post(
            &path,
            Some(ORGANISER),
            json!({"min_requests": 2, "per_participant": 3}),
        )
        .await;
    run.expect(201);
    let proposals = run.json["proposals"].as_array().unwrap().clone();
    assert_eq!(run.json["created"], proposals.len());
    let mut pairs = HashSet::new();
    for p in &proposals {
        let request = &p["request"];
        assert_eq!(request["status"], "pending");
        let (from, to) = (
            request["from"].as_str().unwrap().to_string(),
            request["with"][0].as_str().unwrap().to_string(),
        );
        assert!(from != busy && to != busy, "no common slot: {p}");
        let message = request["message"].as_str().unwrap();
        assert!(message.starts_with("Proposed by the organisers"), "{message}");
        for reason in p["reasons"].as_array().unwrap() {
            assert!(message.contains(reason.as_str().unwrap()), "{message}");
        }
        let pair: BTreeSet<String> = [from, to].into_iter().collect();
        assert!(pairs.insert(pair), "a pair proposed twice: {proposals:?}");
    }
    // The seeker meets both providers, one way or the other.
    for provider in [&sensors, &gauges] {
        let pair: BTreeSet<String> = [seeker.clone(), provider.clone()].into_iter().collect();
        assert!(pairs.contains(&pair), "{provider}: {proposals:?}");
    }
    let stored = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
        .await;
    assert_eq!(stored.json.as_array().unwrap().len(), proposals.len());

    // Again: every pair worth proposing is already requested.
    let again = app
        .post(
            &path,
            Some(ORGANISER),
            json!({"min_requests": 2, "per_participant": 3}),
        )
        .await;
    again.expect(201);
    assert_eq!(again.json["created"], 0, "{}", again.text);
    let stored = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
        .await;
    assert_eq!(stored.json.as_array().unwrap().len(), proposals.len());

    for (body, pointer) in [
        (json!({"min_requests": 0, "per_participant": 3}), "/min_requests"),
        (
            json!({"min_requests": 2, "per_participant": 101}),
            "/per_participant",
        ),
        (json!({"min_requests": 2}), "/per_participant"),
        (
            json!({"min_requests": 2, "per_participant": 3, "max_participants": 0}),
            "/max_participants",
        ),
        (json!({"min_requests": -1, "per_participant": 3}), "/min_requests"),
    ] {
        let reply = app.post(&path, Some(ORGANISER), body).await;
        reply.expect(422);
        assert_eq!(reply.pointers(), [pointer], "{}", reply.text);
    }
}

async fn auto_proposals_work_through_the_quiet_in_batches(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let mut everyone = Vec::new();
    for n in 0..4 {
        let (who, _) = app
            .participant(&e, company(&format!("Seeker {n}"), &[], &["flood sensors"]))
            .await;
        everyone.push(who);
    }
    for n in 0..2 {
        let (who, _) = app
            .participant(&e, company(&format!("Provider {n}"), &["flood sensors"], &[]))
            .await;
        everyone.push(who);
    }
    let path = format!("/api/v1/events/{e}/proposals");
    let mut handled = HashSet::new();
    let mut runs = 0;
    let mut after = Value::Null;
    loop {
        let body = json!({"min_requests": 1, "per_participant": 10, "max_participants": 2, "after": after});
        let run = app.post(&path, Some(ORGANISER), body).await;
        run.expect(201);
        runs += 1;
        let requesters: HashSet<String> = run.json["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["request"]["from"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            requesters.len() <= 2,
            "at most two quiet participants per run: {requesters:?}"
        );
        for requester in requesters {
            assert!(handled.insert(requester), "a participant handled twice");
        }
        if run.json["remaining"] == 0 {
            assert!(run.json["next"].is_null());
            break;
        }
        after = run.json["next"].clone();
        assert!(after.is_string(), "{}", run.text);
        assert!(runs < 10, "the runs make progress: {}", run.text);
    }
    assert_eq!(runs, 3, "six quiet participants, two per run");
    // Every seeker ends up with a proposal to or from a provider, whichever page reached it.
    let requests = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
        .await;
    let pairs: Vec<(String, String)> = requests
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_owned(),
                r["with"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for seeker in &everyone[..4] {
        let providers = &everyone[4..];
        assert!(
            pairs
                .iter()
                .any(|(from, to)| (from == seeker && providers.contains(to))
                    || (to == seeker && providers.contains(from))),
            "{seeker} has no proposal with a provider: {pairs:?}"
        );
    }
}

async fn validation_and_access(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let (me, me_token) = app.simple_participant(&e, "Me").await;
    let (other, _) = app.simple_participant(&e, "Other").await;
    let path = format!("/api/v1/events/{e}/recommendations");
    for (query, pointer) in [
        ("?limit=0", "/limit"),
        ("?limit=101", "/limit"),
        ("?limit=ten", "/limit"),
        ("?limit=-3", "/limit"),
        ("?colour=blue", "/colour"),
    ] {
        let reply = app.get(&format!("{path}{query}"), Some(&me_token)).await;
        reply.expect(422);
        assert_eq!(reply.content_type(), "application/problem+json");
        assert_eq!(reply.pointers(), [pointer], "{query}: {}", reply.text);
    }
    recommend(&app, &e, &me_token, "?limit=1").await;
    recommend(&app, &e, &me_token, "?limit=100").await;
    recommend(&app, &e, &me_token, &format!("?for={me}")).await;
    // A participant may not ask for someone else's; the organiser must say for whom.
    app.get(&format!("{path}?for={other}"), Some(&me_token))
        .await
        .expect(403);
    let reply = app.get(&path, Some(ORGANISER)).await;
    reply.expect(422);
    assert_eq!(reply.pointers(), ["/for"]);
    let reply = app.get(&format!("{path}?for=p_nobody"), Some(ORGANISER)).await;
    reply.expect(422);
    assert_eq!(reply.pointers(), ["/for"]);
    app.get(&path, None).await.expect(401);

    // Organiser actions refuse participants.
    let boosts = format!("/api/v1/events/{e}/boosts");
    app.get(&boosts, Some(&me_token)).await.expect(403);
    app.call(
        Method::PUT,
        &boosts,
        Some(&me_token),
        Some(json!({"boosts": [{"target": "participant", "value": me, "factor": 10}]})),
    )
    .await
    .expect(403);
    assert_eq!(
        app.get(&boosts, Some(ORGANISER)).await.expect(200).json,
        json!({"boosts": []})
    );
    app.post(
        &format!("/api/v1/events/{e}/proposals"),
        Some(&me_token),
        json!({"min_requests": 5, "per_participant": 5}),
    )
    .await
    .expect(403);
    // An unknown event is a 404.
    app.get(
        "/api/v1/events/evt_nothing/recommendations?for=x",
        Some(ORGANISER),
    )
    .await
    .expect(404);
}

on_both_backends!(
    recommendations_rank_explain_and_exclude,
    only_public_fields_of_others,
    a_profile_update_is_reflected_at_once,
    boosts_change_the_order,
    mutual_interest_agrees_one_meeting,
    mutual_marks_race_in_the_store,
    profile_revisions_tell_what_changed,
    auto_proposals_fill_quiet_participants_once,
    auto_proposals_work_through_the_quiet_in_batches,
    validation_and_access,
);
