//! Booking races: fifty invitees accepting, at the same slot, fifty different requests that
//! share one participant, or that compete for the last free table. Each round has one
//! winner, every loser a 409 with free alternatives, and the stored rows (meetings and their
//! parties, counted by SQL) hold no double-booking. Three rounds each, on both backends.

use crate::booking_support::{
    DOUBLE_BOOKED_PEOPLE, DOUBLE_BOOKED_ROOMS, accept_at, ask, people, scalar, slots_of,
};
use crate::common;

use common::{Backend, TestApp, id};
use futures::future::join_all;
use serde_json::json;

const RACERS: usize = 50;
const ROUNDS: [&str; 3] = ["d1-1000", "d1-1020", "d1-1040"];

/// Races the still-pending requests `open` (request, invitee token) to `slot`; returns the
/// winner's index in `open` and checks every loser's answer.
async fn race(app: &TestApp, event: &str, open: &[(String, String)], slot: &str, loser_says: &str) -> usize {
    let replies = join_all(
        open.iter()
            .map(|(request, token)| accept_at(app, event, request, token, slot)),
    )
    .await;
    let winners: Vec<usize> = (0..replies.len())
        .filter(|&i| replies[i].status.as_u16() == 200)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "one winner at {slot}: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let won = &replies[winners[0]].json;
    assert_eq!(won["status"], "accepted");
    assert_eq!(won["booking"]["slot"], slot);
    for (i, reply) in replies.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
        reply.expect(409);
        assert_eq!(reply.content_type(), "application/problem+json");
        assert!(
            reply.json["detail"].as_str().unwrap().contains(loser_says),
            "{}",
            reply.text
        );
        let alternatives = slots_of(&reply.json["alternatives"]);
        assert!(
            !alternatives.is_empty(),
            "a loser is offered free slots: {}",
            reply.text
        );
        assert!(!alternatives.iter().any(|a| a == slot), "{}", reply.text);
        // Nothing of the losing accept was kept: the request still waits for its answer.
        let request = &open[i].0;
        let stored = app
            .get(
                &format!("/api/v1/events/{event}/requests/{request}"),
                Some(&open[i].1),
            )
            .await;
        assert_eq!(stored.expect(200).json["status"], "pending");
    }
    winners[0]
}

/// Fifty requests that all need participant `hub`: one slot, one of them.
async fn one_participants_slot(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    for t in 0..3 {
        app.room(&e, &format!("Table {t}"), 2, &[]).await;
    }
    let all = people(&app, &e, "P", RACERS + 1).await;
    let (hub, others) = (&all[0], &all[1..]);
    let mut open = Vec::new();
    for (other, token) in others {
        let request = id(&ask(&app, &e, &hub.1, &[other], json!({})).await.expect(201).json);
        open.push((request, token.clone()));
    }
    for slot in ROUNDS {
        let winner = race(&app, &e, &open, slot, "not free for every participant").await;
        open.remove(winner);
    }
    assert_eq!(scalar(&app, DOUBLE_BOOKED_PEOPLE).await, 0);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM meetings WHERE state = 'booked'").await,
        3
    );
    let hub_meetings = format!(
        "SELECT COUNT(*) FROM meeting_participant_cells WHERE participant_id = '{}'",
        hub.0
    );
    assert_eq!(scalar(&app, &hub_meetings).await, 3);
}

/// Fifty pairs and one table: one slot, one pair.
async fn last_free_table(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let table = app.room(&e, "Table 1", 2, &[]).await;
    let all = people(&app, &e, "Q", 2 * RACERS).await;
    let mut open = Vec::new();
    for pair in all.chunks(2) {
        let request = id(&ask(&app, &e, &pair[0].1, &[&pair[1].0], json!({}))
            .await
            .expect(201)
            .json);
        open.push((request, pair[1].1.clone()));
    }
    for slot in ROUNDS {
        let winner = race(&app, &e, &open, slot, "no room").await;
        open.remove(winner);
    }
    assert_eq!(scalar(&app, DOUBLE_BOOKED_ROOMS).await, 0);
    assert_eq!(scalar(&app, DOUBLE_BOOKED_PEOPLE).await, 0);
    let at_table = format!("SELECT COUNT(*) FROM meetings WHERE room_id = '{table}' AND state = 'booked'");
    assert_eq!(scalar(&app, &at_table).await, 3);
    // The cells agree with the meetings: one per slot of the table, two people each.
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM meeting_room_cells").await, 3);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM meeting_participant_cells").await,
        6
    );
}

/// The unique constraints refuse a second occupant of a cell whatever writes it.
async fn the_database_is_the_last_guard(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    let table = app.room(&e, "Table 1", 2, &[]).await;
    let all = people(&app, &e, "G", 2).await;
    let r1 = id(&ask(&app, &e, &all[0].1, &[&all[1].0], json!({}))
        .await
        .expect(201)
        .json);
    accept_at(&app, &e, &r1, &all[1].1, "d1-1000").await.expect(200);
    let insert = |table_name: &str, who: &str| {
        format!("INSERT INTO {table_name} VALUES ('{e}', '{who}', 'd1-1000', '{r1}')")
    };
    for (table_name, who) in [
        ("meeting_participant_cells", all[0].0.as_str()),
        ("meeting_room_cells", table.as_str()),
    ] {
        let sql = insert(table_name, who);
        let refused = match app.backend {
            Backend::Sqlite => {
                use sqlx::Connection as _;
                let mut conn = sqlx::SqliteConnection::connect(&app.database_url).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .unwrap_err()
            }
            Backend::Postgres => {
                use sqlx::Connection as _;
                let mut conn = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut conn)
                    .await
                    .unwrap_err()
            }
        };
        assert!(
            matches!(&refused, sqlx::Error::Database(db) if db.is_unique_violation()),
            "{table_name}: {refused}"
        );
    }
}

on_both_backends!(
    one_participants_slot,
    last_free_table,
    the_database_is_the_last_guard
);

/// SQLite's migration 0005 rebuilds `requests` (a CHECK cannot change in place) and must
/// recreate every index earlier migrations gave it: the two databases keep the same ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rebuilt_requests_table_keeps_its_indexes() {
    use sqlx::Connection as _;
    let (lite, pg) = (
        common::FreshDatabase::new(Backend::Sqlite).await,
        common::FreshDatabase::new(Backend::Postgres).await,
    );
    for db in [&lite, &pg] {
        rendezvous::store::connect(&db.url).await.expect("migrate");
    }
    let mut conn = sqlx::SqliteConnection::connect(&lite.url).await.unwrap();
    let mut on_sqlite: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' \
         AND name NOT LIKE 'sqlite_autoindex%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut conn = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    let mut on_postgres: Vec<String> = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE tablename = 'requests' AND indexname <> 'requests_pkey'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    on_sqlite.sort();
    on_postgres.sort();
    assert!(!on_sqlite.is_empty());
    assert_eq!(on_sqlite, on_postgres);
}
