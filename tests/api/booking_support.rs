//! Helpers of the meeting-life tests: many participants at once, requests with proposed
//! slots, accepting at a slot, and SQL over the stored rows of either backend.

use crate::common;

use common::{Backend, ORGANISER, Reply, TestApp, id};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Connection as _;

/// Registers `n` companies named `{prefix}{i}` in one CSV import; returns (id, token) each.
pub async fn people(app: &TestApp, event: &str, prefix: &str, n: usize) -> Vec<(String, String)> {
    let mut csv = String::from("name,kind\n");
    for i in 0..n {
        csv.push_str(&format!("{prefix}{i},company\n"));
    }
    let reply = app
        .raw(
            Method::POST,
            &format!("/api/v1/events/{event}/participants/import"),
            Some(ORGANISER),
            "text/csv",
            csv,
            &[],
        )
        .await;
    reply.expect(201);
    reply.json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (id(r), r["token"].as_str().expect("token").to_owned()))
        .collect()
}

/// A request from `token` to `with` with this body's extra fields; returns the reply.
pub async fn ask(app: &TestApp, event: &str, token: &str, with: &[&str], extra: Value) -> Reply {
    let mut body = json!({"with": with, "duration_minutes": 20, "priority": 3});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.post(&format!("/api/v1/events/{event}/requests"), Some(token), body)
        .await
}

/// Invitee `token` accepts `request` at `slot`.
pub async fn accept_at(app: &TestApp, event: &str, request: &str, token: &str, slot: &str) -> Reply {
    app.post(
        &format!("/api/v1/events/{event}/requests/{request}/accept"),
        Some(token),
        json!({"slot": slot}),
    )
    .await
}

/// POST to one of a request's actions (`cancel`, `move/accept`, …).
pub async fn act(app: &TestApp, event: &str, request: &str, action: &str, token: &str, body: Value) -> Reply {
    app.post(
        &format!("/api/v1/events/{event}/requests/{request}/{action}"),
        Some(token),
        body,
    )
    .await
}

/// Runs a query that returns one integer (`SELECT COUNT(*) …`) on the app's database, as
/// the database itself answers it: the proof over stored rows.
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .expect("connect");
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(&mut conn)
                .await
                .expect("query")
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url)
                .await
                .expect("connect");
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(&mut conn)
                .await
                .expect("query")
        }
    }
}

/// Every (participant, slot) held by two live meetings or more, counted from the meetings
/// and their requests' parties, not from the occupancy cells that forbid it.
pub const DOUBLE_BOOKED_PEOPLE: &str = "SELECT COUNT(*) FROM (SELECT p.participant_id, m.slot_id FROM meetings m \
     JOIN (SELECT id AS request_id, requester_id AS participant_id FROM requests \
           UNION ALL SELECT request_id, participant_id FROM request_invitees) p ON p.request_id = m.request_id \
     WHERE m.state <> 'cancelled' GROUP BY p.participant_id, m.slot_id HAVING COUNT(*) > 1) clashes";

/// Every (room, slot) held by two live meetings or more.
pub const DOUBLE_BOOKED_ROOMS: &str = "SELECT COUNT(*) FROM (SELECT room_id, slot_id FROM meetings \
     WHERE state <> 'cancelled' GROUP BY room_id, slot_id HAVING COUNT(*) > 1) clashes";

/// The slot ids of a 409's or a listing's free slots.
pub fn slots_of(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["slot"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The VEVENT of `request` in an iCalendar text.
pub fn vevent(ics: &str, request: &str) -> String {
    ics.split("BEGIN:VEVENT")
        .find(|block| block.contains(&format!("UID:{request}@rendezvous")))
        .unwrap_or_else(|| panic!("no VEVENT for {request}: {ics}"))
        .to_string()
}
