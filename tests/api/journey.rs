//! The whole journey of issue 3, end to end, on each backend: set-up, directory, requests
//! and answers, a background solve, publishing, agendas (JSON and .ics), door signs, late
//! changes and a republish.

use crate::common;

use std::collections::HashSet;

use common::{Backend, ORGANISER, TestApp, id};
use serde_json::{Value, json};

async fn journey(backend: Backend) {
    let app = TestApp::start(backend).await;

    // The organiser creates the expo: slots in Casablanca time, UTC+1 in April 2027.
    let expo = app.expo().await;
    let e = id(&expo);
    let slots = expo["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 9 + 10 + 9 + 7);
    assert_eq!(slots[0]["id"], "d1-1000");
    assert_eq!(slots[0]["start"], "2027-04-17T10:00:00+01:00");
    assert_eq!(slots[0]["end"], "2027-04-17T10:20:00+01:00");
    let fetched = app.get(&format!("/api/v1/events/{e}"), Some(ORGANISER)).await;
    assert_eq!(fetched.expect(200).json["slots"], expo["slots"]);

    // Tables and rooms.
    let table1 = app.room(&e, "Table 1", 2, &[]).await;
    let table2 = app.room(&e, "Table 2", 2, &[]).await;
    let atlas = app
        .room(&e, "Salle Atlas", 14, &["interpretation", "video"])
        .await;
    let _anfa = app.room(&e, "Salle Anfa", 8, &["video"]).await;
    let rooms = app
        .get(&format!("/api/v1/events/{e}/rooms"), Some(ORGANISER))
        .await;
    assert_eq!(rooms.expect(200).json.as_array().unwrap().len(), 4);

    // Participants: a Bangkok delegation of six, Moroccan city delegations, an exhibitor,
    // a researcher, an institution; then a CSV import.
    let (bkk, bkk_token) = app
        .participant(
            &e,
            json!({"name": "Bangkok Metropolitan Administration", "kind": "delegation", "organization": "BMA",
                   "city": "Bangkok", "country": "TH", "size": 6, "languages": ["th", "en"],
                   "topics": ["mobility", "flood resilience"], "offers": ["flood early warning"],
                   "seeks": ["AI traffic control"], "max_meetings": 10, "unavailable": ["d2-1430"]}),
        )
        .await;
    let (casa, casa_token) = app
        .participant(&e, json!({"name": "Casablanca", "kind": "delegation", "city": "Casablanca", "country": "MA", "size": 4}))
        .await;
    let (rabat, rabat_token) = app
        .participant(
            &e,
            json!({"name": "Rabat", "kind": "delegation", "city": "Rabat", "country": "MA", "size": 3}),
        )
        .await;
    let (acme, acme_token) = app
        .participant(
            &e,
            json!({"name": "Acme Mobility", "kind": "company", "country": "MA", "topics": ["mobility"]}),
        )
        .await;
    let (amina, amina_token) = app
        .participant(
            &e,
            json!({"name": "Dr. Amina El Idrissi", "kind": "researcher", "organization": "UM6P"}),
        )
        .await;
    let (unh, unh_token) = app
        .participant(
            &e,
            json!({"name": "UN-Habitat", "kind": "institution", "size": 2}),
        )
        .await;
    let csv = "name,kind,city,country,size,languages,topics\n\
               Tangier,delegation,Tangier,MA,3,ar;fr,port logistics;smart grids\n\
               GridWorks,company,,FR,1,fr;en,smart grids\n";
    let imported = app
        .raw(
            reqwest::Method::POST,
            &format!("/api/v1/events/{e}/participants/import"),
            Some(ORGANISER),
            "text/csv",
            csv,
            &[],
        )
        .await;
    imported.expect(201);
    assert_eq!(imported.json["created"], 2);
    let tangier = imported.json["rows"][0]["id"].as_str().unwrap().to_string();
    let tangier_token = imported.json["rows"][0]["token"].as_str().unwrap().to_string();
    assert_eq!(imported.json["rows"][0]["name"], "Tangier");

    // A delegate browses the directory: public fields only.
    let directory = app
        .get(&format!("/api/v1/events/{e}/participants"), Some(&bkk_token))
        .await;
    let entries = directory.expect(200).json.as_array().unwrap().clone();
    assert_eq!(entries.len(), 8);
    let bkk_entry = entries.iter().find(|p| p["id"] == bkk.as_str()).unwrap();
    assert_eq!(bkk_entry["size"], 6);
    assert_eq!(bkk_entry["topics"], json!(["mobility", "flood resilience"]));
    for private in ["token", "unavailable", "max_meetings"] {
        assert!(
            bkk_entry.get(private).is_none(),
            "{private} leaked into the directory"
        );
    }
    let tangier_entry = entries.iter().find(|p| p["id"] == tangier.as_str()).unwrap();
    assert_eq!(tangier_entry["languages"], json!(["ar", "fr"]));
    // Its own profile, with private fields; a participant updates its availability.
    let own = app
        .get(
            &format!("/api/v1/events/{e}/participants/{bkk}"),
            Some(&bkk_token),
        )
        .await;
    assert_eq!(own.expect(200).json["unavailable"], json!(["d2-1430"]));
    let patched = app
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/events/{e}/participants/{bkk}"),
            Some(&bkk_token),
            Some(
                json!({"unavailable": ["d2-1430", "d2-1450"], "seeks": ["AI traffic control", "open data"]}),
            ),
        )
        .await;
    assert_eq!(
        patched.expect(200).json["unavailable"],
        json!(["d2-1430", "d2-1450"])
    );

    // Requests: accepted, accepted by every invitee, declined, withdrawn.
    let body = json!({"with": [acme], "duration_minutes": 40, "priority": 5,
                      "message": "Flood sensors on the tramway?", "features": ["interpretation"]});
    let bkk_acme = app
        .post(&format!("/api/v1/events/{e}/requests"), Some(&bkk_token), body)
        .await;
    assert_eq!(bkk_acme.expect(201).json["status"], "pending");
    let bkk_acme = id(&bkk_acme.json);
    assert_eq!(
        app.answer(&e, &bkk_acme, &acme_token, "accept")
            .await
            .expect(200)
            .json["status"],
        "accepted"
    );

    let bkk_group = app.request(&e, &bkk_token, &[&casa, &unh], 20, 4).await;
    let after_one = app.answer(&e, &bkk_group, &casa_token, "accept").await;
    assert_eq!(after_one.expect(200).json["status"], "pending");
    assert_eq!(
        app.answer(&e, &bkk_group, &unh_token, "accept")
            .await
            .expect(200)
            .json["status"],
        "accepted"
    );

    let rabat_amina = app.request(&e, &rabat_token, &[&amina], 20, 2).await;
    assert_eq!(
        app.answer(&e, &rabat_amina, &amina_token, "decline")
            .await
            .expect(200)
            .json["status"],
        "declined"
    );

    let acme_rabat = app.request(&e, &acme_token, &[&rabat], 20, 1).await;
    assert_eq!(
        app.answer(&e, &acme_rabat, &acme_token, "withdraw")
            .await
            .expect(200)
            .json["status"],
        "withdrawn"
    );

    let tangier_acme = app.request(&e, &tangier_token, &[&acme], 20, 3).await;
    app.answer(&e, &tangier_acme, &acme_token, "accept")
        .await
        .expect(200);

    // Each sees its own requests, the organiser all.
    let acme_requests = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(&acme_token))
        .await;
    let acme_ids: HashSet<String> = acme_requests
        .expect(200)
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(
        acme_ids,
        HashSet::from([bkk_acme.clone(), acme_rabat.clone(), tangier_acme.clone()])
    );
    let all = app
        .get(&format!("/api/v1/events/{e}/requests"), Some(ORGANISER))
        .await;
    assert_eq!(all.expect(200).json.as_array().unwrap().len(), 5);

    // The problem the solver gets: the three accepted requests, weight 10 × priority × slots.
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    assert_eq!(problem["format"], "rendezvous-problem/1");
    let meetings = problem["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 3);
    let m = meetings.iter().find(|m| m["id"] == bkk_acme.as_str()).unwrap();
    assert_eq!(
        (m["duration"].as_u64(), m["weight"].as_u64()),
        (Some(2), Some(100))
    );
    assert_eq!(m["participants"], json!([bkk, acme]));
    assert_eq!(m["features"], json!(["interpretation"]));
    assert!(m["current"].is_null());
    let group = meetings.iter().find(|m| m["id"] == bkk_group.as_str()).unwrap();
    assert_eq!(group["participants"], json!([bkk, casa, unh]));
    assert_eq!(
        (group["duration"].as_u64(), group["weight"].as_u64()),
        (Some(1), Some(40))
    );
    assert_eq!(
        problem["penalties"],
        json!({"idle_slot": 1, "gap": 0, "move": 20})
    );
    let bkk_doc = problem["participants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == bkk.as_str())
        .unwrap();
    assert_eq!(
        (bkk_doc["size"].as_u64(), bkk_doc["max_meetings"].as_u64()),
        (Some(6), Some(10))
    );

    // The organiser solves in the background and watches the run.
    let queued = app
        .post(
            &format!("/api/v1/events/{e}/schedules"),
            Some(ORGANISER),
            json!({"time_limit_seconds": 5}),
        )
        .await;
    assert_eq!(queued.expect(202).json["status"], "queued");
    let run = id(&queued.json);
    let finished = app.wait_for_run(&e, &run).await;
    assert_eq!(finished["status"], "done", "{finished}");
    let solution = app
        .get(
            &format!("/api/v1/events/{e}/schedules/{run}/solution"),
            Some(ORGANISER),
        )
        .await;
    let solution = solution.expect(200).json.clone();
    assert_eq!(solution["format"], "rendezvous-solution/1");
    let placed: Vec<&Value> = solution["assignments"].as_array().unwrap().iter().collect();
    let unscheduled = solution["unscheduled"].as_array().unwrap();
    let mut seen: Vec<&str> = placed.iter().map(|a| a["meeting"].as_str().unwrap()).collect();
    seen.extend(unscheduled.iter().map(|u| u["meeting"].as_str().unwrap()));
    seen.sort_unstable();
    let mut expected = vec![bkk_acme.as_str(), bkk_group.as_str(), tangier_acme.as_str()];
    expected.sort_unstable();
    assert_eq!(seen, expected, "every accepted meeting appears exactly once");
    assert!(
        unscheduled
            .iter()
            .all(|u| !u["reason"].as_str().unwrap().is_empty())
    );
    assert_eq!(finished["placed"].as_u64(), Some(placed.len() as u64));
    assert_eq!(finished["unscheduled"].as_u64(), Some(unscheduled.len() as u64));

    // Publishing makes it timetable version 1, exactly as solved.
    let published = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{run}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert_eq!(published.expect(200).json["version"], 1);
    // SEQUENCE in the .ics counts how often a meeting moved between published versions.
    let mut sequences = Sequences::default();
    sequences.publish(placed.iter().map(|a| {
        (
            a["meeting"].as_str().unwrap(),
            a["slot"].as_str().unwrap(),
            a["room"].as_str().unwrap(),
        )
    }));
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert_eq!(timetable.expect(200).json["version"], 1);
    assert_eq!(timetable.json["meetings"].as_array().unwrap().len(), placed.len());

    // The organiser's own placements (a pin board), published as version 2.
    let pin_board = [
        (bkk_acme.as_str(), "d1-1000", atlas.as_str()),
        (bkk_group.as_str(), "d1-1040", atlas.as_str()),
        (tangier_acme.as_str(), "d1-1040", table1.as_str()),
    ];
    let run2 = app.hand_made_run(&e, &pin_board).await;
    let published = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{run2}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert_eq!(published.expect(200).json["version"], 2);
    sequences.publish(pin_board);

    // Everyone reads their agenda; the organiser sees every meeting.
    let all = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert_eq!(all.expect(200).json["meetings"].as_array().unwrap().len(), 3);
    let mine = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(&acme_token))
        .await;
    assert_eq!(mine.expect(200).json["meetings"].as_array().unwrap().len(), 2);
    let agenda = app
        .get(
            &format!("/api/v1/events/{e}/participants/{acme}/agenda"),
            Some(&acme_token),
        )
        .await;
    let agenda = agenda.expect(200).json.clone();
    assert_eq!(
        (agenda["participant"].as_str(), agenda["version"].as_i64()),
        (Some(acme.as_str()), Some(2))
    );
    let first = &agenda["meetings"][0];
    assert_eq!(first["request"], bkk_acme.as_str());
    assert_eq!(first["start"], "2027-04-17T10:00:00+01:00");
    assert_eq!(first["end"], "2027-04-17T10:40:00+01:00");
    assert_eq!(first["room"], json!({"id": atlas, "name": "Salle Atlas"}));
    assert_eq!(
        first["participants"],
        json!([{"id": bkk, "name": "Bangkok Metropolitan Administration"}, {"id": acme, "name": "Acme Mobility"}])
    );
    assert_eq!(agenda["meetings"][1]["start"], "2027-04-17T10:40:00+01:00");
    // Casablanca's agenda holds only the group meeting; another participant cannot read it.
    let casa_agenda = app
        .get(
            &format!("/api/v1/events/{e}/participants/{casa}/agenda"),
            Some(&casa_token),
        )
        .await;
    assert_eq!(
        casa_agenda.expect(200).json["meetings"].as_array().unwrap().len(),
        1
    );
    app.get(
        &format!("/api/v1/events/{e}/participants/{casa}/agenda"),
        Some(&acme_token),
    )
    .await
    .expect(404);

    let ics = app
        .get(
            &format!("/api/v1/events/{e}/participants/{acme}/agenda.ics"),
            Some(&acme_token),
        )
        .await;
    ics.expect(200);
    assert!(
        ics.content_type().starts_with("text/calendar"),
        "{}",
        ics.content_type()
    );
    assert_eq!(ics.text.matches("BEGIN:VEVENT").count(), 2);
    assert!(ics.text.contains("DTSTART:20270417T090000Z"), "{}", ics.text);
    assert!(ics.text.contains("DTEND:20270417T094000Z"), "{}", ics.text);
    assert!(
        ics.text.contains(&format!("UID:{bkk_acme}@rendezvous")),
        "{}",
        ics.text
    );
    for meeting in [&bkk_acme, &tangier_acme] {
        let block = ics
            .text
            .split("BEGIN:VEVENT")
            .find(|block| block.contains(&format!("UID:{meeting}@rendezvous")))
            .unwrap_or_else(|| panic!("no VEVENT for {meeting}: {}", ics.text));
        let expected = format!("SEQUENCE:{}", sequences.of(meeting));
        assert!(
            block.contains(&expected),
            "{meeting}: expected {expected} in {block}"
        );
    }

    // The door sign of Salle Atlas.
    let sign = app
        .get(
            &format!("/api/v1/events/{e}/rooms/{atlas}/agenda"),
            Some(ORGANISER),
        )
        .await;
    let sign_meetings: Vec<&str> = sign.expect(200).json["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["request"].as_str().unwrap())
        .collect();
    assert_eq!(sign_meetings, [bkk_acme.as_str(), bkk_group.as_str()]);

    // Late changes: a new accepted request, and the organiser moves Tangier–Acme.
    let late = app.request(&e, &amina_token, &[&rabat], 20, 3).await;
    app.answer(&e, &late, &rabat_token, "accept").await.expect(200);
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    let by_id = |id: &str| {
        problem["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        by_id(&tangier_acme)["current"],
        json!({"slot": "d1-1040", "room": table1})
    );
    assert!(by_id(&late)["current"].is_null());
    let run3 = app
        .hand_made_run(
            &e,
            &[
                (&bkk_acme, "d1-1000", &atlas),
                (&bkk_group, "d1-1040", &atlas),
                (&tangier_acme, "d1-1100", &table2),
                (&late, "d1-1000", &table1),
            ],
        )
        .await;
    let published = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{run3}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert_eq!(published.expect(200).json["version"], 3);
    let (tangier_before, bkk_before) = (sequences.of(&tangier_acme), sequences.of(&bkk_acme));
    sequences.publish([
        (bkk_acme.as_str(), "d1-1000", atlas.as_str()),
        (bkk_group.as_str(), "d1-1040", atlas.as_str()),
        (tangier_acme.as_str(), "d1-1100", table2.as_str()),
        (late.as_str(), "d1-1000", table1.as_str()),
    ]);
    assert_eq!(sequences.of(&tangier_acme), tangier_before + 1);
    assert_eq!(sequences.of(&bkk_acme), bkk_before);
    let ics = app
        .get(
            &format!("/api/v1/events/{e}/participants/{acme}/agenda.ics"),
            Some(&acme_token),
        )
        .await;
    let event_text = |uid: &str| -> String {
        ics.text
            .split("BEGIN:VEVENT")
            .find(|block| block.contains(&format!("UID:{uid}@rendezvous")))
            .unwrap_or_else(|| panic!("no VEVENT for {uid}: {}", ics.text))
            .to_string()
    };
    assert!(
        event_text(&tangier_acme).contains(&format!("SEQUENCE:{}", sequences.of(&tangier_acme))),
        "the moved meeting's SEQUENCE rises"
    );
    assert!(event_text(&tangier_acme).contains("DTSTART:20270417T100000Z"));
    assert!(
        event_text(&bkk_acme).contains(&format!("SEQUENCE:{}", sequences.of(&bkk_acme))),
        "a meeting that stayed keeps its SEQUENCE"
    );

    // A requester withdraws a published meeting; the organiser re-solves and republishes.
    app.answer(&e, &late, &amina_token, "withdraw").await.expect(200);
    let problem = app
        .get(&format!("/api/v1/events/{e}/problem"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    assert_eq!(problem["meetings"].as_array().unwrap().len(), 3);
    let rerun = app
        .post(
            &format!("/api/v1/events/{e}/schedules"),
            Some(ORGANISER),
            json!({"time_limit_seconds": 5}),
        )
        .await;
    let rerun = id(&rerun.expect(202).json);
    assert_eq!(app.wait_for_run(&e, &rerun).await["status"], "done");
    let solution = app
        .get(
            &format!("/api/v1/events/{e}/schedules/{rerun}/solution"),
            Some(ORGANISER),
        )
        .await;
    let assignments = solution.expect(200).json["assignments"].as_array().unwrap().len();
    let published = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{rerun}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert_eq!(published.expect(200).json["version"], 4);
    let timetable = app
        .get(&format!("/api/v1/events/{e}/timetable"), Some(ORGANISER))
        .await;
    assert_eq!(timetable.expect(200).json["version"], 4);
    // The withdrawn meeting stays listed, cancelled, with the reason; the others are the run's.
    let listed = timetable.json["meetings"].as_array().unwrap();
    let (cancelled, held): (Vec<&Value>, Vec<&Value>) =
        listed.iter().partition(|m| m["state"] == "cancelled");
    assert_eq!(held.len(), assignments);
    assert_eq!(cancelled.len(), 1, "{}", timetable.text);
    assert_eq!(cancelled[0]["request"], json!(late));
    assert_eq!(cancelled[0]["reason"], "withdrawn by the requester");

    // A stale run that still places the withdrawn meeting leaves it out when published.
    let stale = app
        .hand_made_run(&e, &[(&bkk_acme, "d1-1000", &atlas), (&late, "d1-1000", &table1)])
        .await;
    let published = app
        .post(
            &format!("/api/v1/events/{e}/schedules/{stale}/publish"),
            Some(ORGANISER),
            json!({}),
        )
        .await;
    assert_eq!(published.expect(200).json["skipped"], json!([late]));
    assert_eq!(published.json["meetings"], 1);
    let _ = (rabat, amina, casa_token);
}

on_both_backends!(journey);

/// The SEQUENCE each meeting should carry: raised each time a publication moves it.
#[derive(Default)]
struct Sequences {
    latest: std::collections::HashMap<String, (String, String, u32)>,
}

impl Sequences {
    fn publish<'a>(&mut self, placements: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>) {
        for (meeting, slot, room) in placements {
            let sequence = match self.latest.get(meeting) {
                Some((s, r, seq)) if s == slot && r == room => *seq,
                Some((_, _, seq)) => seq + 1,
                None => 0,
            };
            self.latest.insert(
                meeting.to_string(),
                (slot.to_string(), room.to_string(), sequence),
            );
        }
    }

    fn of(&self, meeting: &str) -> u32 {
        self.latest.get(meeting).map_or(0, |(_, _, seq)| *seq)
    }
}
