//! The timetable board on SQLite and PostgreSQL: a done run's meetings as cards in their
//! slot and room; the pin form pins (stored, shown as pinned) and a re-solve from the board
//! keeps the meeting there; an impossible pin is said beside its meeting, naming the
//! meetings, and stores nothing; a declined request is refused (409); unpin; the live
//! timetable; Arabic right to left; a participant's session refused (403) on every page and
//! form of the board.

use crate::common;
use crate::web_support::{Browser, Page, expo};

use common::{Backend, ORGANISER};
use reqwest::StatusCode;
use serde_json::Value;

/// The cell of `slot` and `room` on a board page: what is inside its `<td>`.
fn cell<'p>(page: &'p Page, slot: &str, room: &str) -> &'p str {
    let open = format!("data-slot=\"{slot}\" data-room=\"{room}\"");
    let at = page
        .text
        .find(&open)
        .unwrap_or_else(|| panic!("no cell {slot} {room}"));
    let rest = &page.text[at..];
    &rest[..rest.find("</td>").unwrap()]
}

async fn pins_of(x: &crate::web_support::Expo) -> Vec<Value> {
    x.app
        .get(&format!("/api/v1/events/{}/pins", x.event), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .as_array()
        .unwrap()
        .clone()
}

async fn solve_from(browser: &mut Browser, x: &crate::web_support::Expo, csrf: &str) -> String {
    let started = browser
        .post(
            &format!("/organiser/events/{}/solve", x.event),
            &[("csrf", csrf), ("time_limit_seconds", "5")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
    let run = started.location().rsplit('/').next().unwrap().to_string();
    let done = x.app.wait_for_run(&x.event, &run).await;
    assert_eq!(done["status"], "done", "{done}");
    run
}

async fn organiser_steers_the_board(backend: Backend) {
    let x = expo(backend).await;
    let event = &x.event;
    let t1 = x.app.room(event, "Table 1", 2, &[]).await;
    let t2 = x.app.room(event, "Table 2", 2, &[]).await;
    // Bangkok meets Acme and Rabat; Rabat declined Acme.
    let with_acme = x.app.request(event, &x.bangkok.1, &[&x.acme.0], 20, 3).await;
    x.app
        .answer(event, &with_acme, &x.acme.1, "accept")
        .await
        .expect(200);
    let with_rabat = x.app.request(event, &x.bangkok.1, &[&x.rabat.0], 20, 3).await;
    x.app
        .answer(event, &with_rabat, &x.rabat.1, "accept")
        .await
        .expect(200);
    let declined = x.app.request(event, &x.rabat.1, &[&x.acme.0], 20, 3).await;
    x.app
        .answer(event, &declined, &x.acme.1, "decline")
        .await
        .expect(200);
    let problem = x
        .app
        .get(&format!("/api/v1/events/{event}/problem"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    let slots: Vec<String> = problem["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();

    let mut browser = Browser::new(&x.app);
    browser.get(&format!("/login?token={ORGANISER}")).await;
    let board = format!("/organiser/events/{event}/board");
    let empty = browser.get(&board).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert!(
        empty.text.contains("Aucun calcul n’est encore terminé"),
        "{}",
        empty.text
    );
    let csrf = empty.csrf();

    // A done run: each meeting a card in its slot and room.
    let run = solve_from(&mut browser, &x, &csrf).await;
    let solution = x
        .app
        .get(
            &format!("/api/v1/events/{event}/schedules/{run}/solution"),
            Some(ORGANISER),
        )
        .await
        .expect(200)
        .json
        .clone();
    let shown = browser.get(&board).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.h1_count(), 1);
    assert!(shown.text.contains("data-board"), "{}", shown.text);
    for a in solution["assignments"].as_array().unwrap() {
        let (slot, room, meeting) = (
            a["slot"].as_str().unwrap(),
            a["room"].as_str().unwrap(),
            a["meeting"].as_str().unwrap(),
        );
        if !slot.starts_with("d1-") {
            continue;
        }
        let inside = cell(&shown, slot, room);
        assert!(inside.contains(&format!("id=\"m-{meeting}\"")), "{inside}");
        assert!(inside.contains("Bangkok Metropolitan Administration"), "{inside}");
        assert!(inside.contains("20 min"), "{inside}");
    }
    // Each card: "pin here" and the link to its page, where the full pin form is.
    let card = &shown.text[shown.text.find(&format!("id=\"m-{with_acme}\"")).unwrap()..];
    let card = &card[..card.find("</article>").unwrap()];
    assert!(card.contains("Épingler ici"), "{card}");
    let page = format!("{board}/meetings/{with_acme}?view=draft&day=0&from=0&left=0");
    assert!(card.contains(&page.replace('&', "&amp;")), "{card}");
    let meeting = browser.get(&page).await;
    assert_eq!(meeting.status, StatusCode::OK, "{}", meeting.text);
    assert_eq!(meeting.h1_count(), 1);
    assert!(
        meeting
            .text
            .contains("<label for=\"slot\">Créneau</label><select id=\"slot\" name=\"slot\""),
        "{}",
        meeting.text
    );
    for s in &slots {
        assert!(
            meeting.text.contains(&format!("value=\"{s}\"")),
            "every slot offered: {s}"
        );
    }
    assert!(
        meeting.text.contains(&format!("value=\"{t2}\"")),
        "every room offered"
    );

    // Pin Bangkok–Acme at the third slot, Table 2: stored, shown pinned there after a
    // re-solve from the board.
    let pin = format!("{board}/pin");
    let placed_at = solution["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["meeting"] == with_acme.as_str())
        .map(|a| a["slot"].as_str().unwrap().to_string());
    let target = slots
        .iter()
        .skip(2)
        .find(|s| s.starts_with("d1-") && Some(*s) != placed_at.as_ref())
        .unwrap()
        .as_str();
    let pinned = browser
        .post(
            &pin,
            &[
                ("csrf", &csrf),
                ("request", &with_acme),
                ("slot", target),
                ("room", &t2),
                ("view", "draft"),
                ("day", "0"),
                ("from", "0"),
            ],
        )
        .await;
    assert_eq!(pinned.status, StatusCode::SEE_OTHER, "{}", pinned.text);
    assert!(
        pinned.location().ends_with(&format!("#m-{with_acme}")),
        "{}",
        pinned.location()
    );
    let stored = pins_of(&x).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["request"], with_acme.as_str());
    assert_eq!(stored[0]["slot"], target);
    assert_eq!(stored[0]["room"], t2.as_str());
    let before = browser.get(&board).await;
    assert!(
        before.text.contains("Épinglé à"),
        "the draft does not hold the pin yet"
    );

    solve_from(&mut browser, &x, &csrf).await;
    let after = browser.get(&board).await;
    let inside = cell(&after, target, &t2);
    assert!(inside.contains(&format!("id=\"m-{with_acme}\"")), "{inside}");
    assert!(inside.contains("Épinglé ici"), "{inside}");
    assert!(inside.contains("card pinned"), "{inside}");

    // Bangkok–Rabat at the same slot cannot hold with it: said beside the meeting, naming
    // both meetings, nothing stored.
    let impossible = browser
        .post(
            &pin,
            &[
                ("csrf", &csrf),
                ("request", &with_rabat),
                ("slot", target),
                ("room", &t1),
                ("view", "draft"),
                ("day", "0"),
                ("from", "0"),
            ],
        )
        .await;
    assert_eq!(
        impossible.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        impossible.text
    );
    assert_eq!(impossible.h1_count(), 1);
    let beside = format!("id=\"pin-error-{with_rabat}\"");
    assert!(impossible.text.contains(&beside), "{}", impossible.text);
    assert!(impossible.text.contains(&format!(
        "aria-describedby=\"pin-error-{with_rabat} who-{with_rabat}\""
    )));
    let error = &impossible.text[impossible.text.find(&beside).unwrap()..];
    let error = &error[..error.find("</p>").unwrap()];
    assert!(error.contains("ne peuvent pas toutes tenir"), "{error}");
    assert!(
        error.contains("Acme Mobility") && error.contains("Rabat"),
        "{error}"
    );
    assert_eq!(pins_of(&x).await.len(), 1, "nothing stored");

    // A slot the event does not have: 422 beside the field, nothing stored.
    let unknown = browser
        .post(
            &pin,
            &[
                ("csrf", &csrf),
                ("request", &with_rabat),
                ("slot", "d9-0000"),
                ("room", ""),
            ],
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.text
    );
    assert!(
        unknown
            .text
            .contains("Créneau : ce créneau n’est pas un créneau de l’événement."),
        "{}",
        unknown.text
    );
    assert_eq!(pins_of(&x).await.len(), 1);

    // The same from the meeting's page: that page again, the error beside its field.
    let from_page = browser
        .post(
            &pin,
            &[
                ("csrf", &csrf),
                ("request", &with_rabat),
                ("slot", "d9-0000"),
                ("room", ""),
                ("back", "meeting"),
            ],
        )
        .await;
    assert_eq!(
        from_page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        from_page.text
    );
    assert_eq!(from_page.h1_count(), 1);
    assert!(
        from_page.text.contains(&format!(
            "aria-invalid=\"true\" aria-describedby=\"pin-error-{with_rabat}\""
        )),
        "{}",
        from_page.text
    );
    let error = &from_page.text[from_page
        .text
        .find(&format!("id=\"pin-error-{with_rabat}\""))
        .unwrap()..];
    assert!(
        error[..error.find("</p>").unwrap()].contains("ce créneau n’est pas un créneau de l’événement"),
        "{error}"
    );
    assert_eq!(pins_of(&x).await.len(), 1);

    // A declined request: 409, said on the page.
    let refused = browser
        .post(
            &pin,
            &[
                ("csrf", &csrf),
                ("request", &declined),
                ("slot", &slots[0]),
                ("room", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert!(
        refused.text.contains("la demande est Refusée"),
        "{}",
        refused.text
    );
    assert_eq!(pins_of(&x).await.len(), 1);

    // Unpin: gone from the store and from the card.
    let unpinned = browser
        .post(
            &format!("{board}/unpin"),
            &[("csrf", &csrf), ("request", &with_acme), ("view", "draft")],
        )
        .await;
    assert_eq!(unpinned.status, StatusCode::SEE_OTHER, "{}", unpinned.text);
    assert!(pins_of(&x).await.is_empty());
    assert!(!browser.get(&board).await.text.contains("Épinglé"));

    // The live timetable: nothing published, the accepted meetings left out.
    let live = browser.get(&format!("{board}?view=live")).await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.text.contains("Rien n’est encore publié"), "{}", live.text);
    assert!(
        live.text.contains("absent du programme en vigueur"),
        "{}",
        live.text
    );

    // Arabic, right to left.
    browser.get(&format!("/language?set=ar&back={board}")).await;
    let arabic = browser.get(&board).await;
    assert!(arabic.text.contains("dir=\"rtl\""));
    assert!(arabic.text.contains("لوحة"), "{}", arabic.text);

    // A participant: refused everywhere, nothing stored.
    let mut bangkok = Browser::new(&x.app);
    bangkok.sign_in(&x.bangkok.1).await;
    let own = bangkok.get("/").await.csrf();
    assert_eq!(bangkok.get(&board).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        bangkok.get(&format!("{board}/meetings/{with_acme}")).await.status,
        StatusCode::FORBIDDEN
    );
    for path in [pin.clone(), format!("{board}/unpin")] {
        let refused = bangkok
            .post(
                &path,
                &[
                    ("csrf", &own),
                    ("request", &with_acme),
                    ("slot", target),
                    ("room", &t2),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert!(pins_of(&x).await.is_empty());
}

/// A window of the board reads its own part only: the rooms of its range, the meetings
/// starting in them on its day, a page of the meetings left out (and the one asked for
/// besides); the counts are the whole draft's, and a newer run's draft replaces it.
async fn a_window_holds_its_own_part(backend: Backend) {
    use rendezvous::board::{Source, Window, board};
    let x = expo(backend).await;
    let event = &x.event;
    let t1 = x.app.room(event, "Table 1", 2, &[]).await;
    let t2 = x.app.room(event, "Table 2", 2, &[]).await;
    let mut accepted = Vec::new();
    for (who, with) in [(&x.bangkok, &x.acme), (&x.bangkok, &x.rabat), (&x.rabat, &x.acme)] {
        let r = x.app.request(event, &who.1, &[&with.0], 20, 3).await;
        x.app.answer(event, &r, &with.1, "accept").await.expect(200);
        accepted.push(r);
    }
    let problem = x
        .app
        .get(&format!("/api/v1/events/{event}/problem"), Some(ORGANISER))
        .await
        .expect(200)
        .json
        .clone();
    let slots: Vec<String> = problem["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let (first, second) = (slots[0].as_str(), slots[1].as_str());
    x.app
        .hand_made_run(event, &[(&accepted[0], first, &t1), (&accepted[1], second, &t2)])
        .await;
    let store = x.app.store.as_ref();
    let window = |rooms_from, left_from, also: Option<&str>| Window {
        day: 0,
        rooms_from,
        rooms: 1,
        left_from,
        left: 1,
        also: also.map(str::to_string),
    };

    let second_room = board(store, event, Source::Draft, window(1, 0, None))
        .await
        .unwrap();
    assert_eq!((second_room.rooms.len(), second_room.rooms_total), (1, 2));
    assert_eq!(second_room.rooms[0].id, t2);
    let cards: Vec<(&str, &str, &str)> = second_room
        .cards
        .iter()
        .map(|c| (c.request.as_str(), c.slot.as_str(), c.room.as_str()))
        .collect();
    assert_eq!(cards, [(accepted[1].as_str(), second, t2.as_str())]);
    assert_eq!((second_room.placed, second_room.left_total), (2, 1));
    let left: Vec<&str> = second_room.left.iter().map(|l| l.request.as_str()).collect();
    assert_eq!(left, [accepted[2].as_str()]);
    assert_eq!(second_room.left[0].reason.as_deref(), Some("left out by hand"));

    // Past the list's end: nothing, unless that meeting is asked for.
    let past = board(store, event, Source::Draft, window(0, 1, None))
        .await
        .unwrap();
    assert!(past.left.is_empty());
    assert_eq!(past.cards.len(), 1, "the first room's card");
    let asked = board(store, event, Source::Draft, window(0, 1, Some(&accepted[2])))
        .await
        .unwrap();
    let left: Vec<&str> = asked.left.iter().map(|l| l.request.as_str()).collect();
    assert_eq!(left, [accepted[2].as_str()]);

    // A newer run's draft replaces the older's.
    x.app.hand_made_run(event, &[(&accepted[2], first, &t2)]).await;
    let newer = board(store, event, Source::Draft, window(1, 0, None))
        .await
        .unwrap();
    let cards: Vec<&str> = newer.cards.iter().map(|c| c.request.as_str()).collect();
    assert_eq!(cards, [accepted[2].as_str()]);
    assert_eq!((newer.placed, newer.left_total), (1, 2));

    // The live timetable: nothing published, the three accepted meetings lacking, by id.
    let live = board(store, event, Source::Live, window(0, 0, None))
        .await
        .unwrap();
    assert!(live.cards.is_empty());
    assert_eq!((live.placed, live.left_total), (0, 3));
    let mut ids = accepted.clone();
    ids.sort();
    assert_eq!(live.left.len(), 1);
    assert_eq!(live.left[0].request, ids[0]);
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

both_backends!(organiser_steers_the_board, a_window_holds_its_own_part);
