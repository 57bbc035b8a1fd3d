//! What a window of the organiser's board reads: one day's slots and a range of rooms of the
//! draft (the latest done run) or of the live timetable, and a page of the meetings each
//! leaves out. The draft's placements are rows (`draft_placements`, `draft_unplaced`),
//! written with the run's result, so that a window of a 20,000-meeting event reads its own
//! few hundred meetings instead of the run's whole solution document. Only each event's
//! latest done run keeps its rows: the board shows no other.

use async_trait::async_trait;
use rendezvous_solver::Unplaced;
use serde::Deserialize;
use sqlx::QueryBuilder;

use crate::domain::MeetingState;
use crate::store::backend::{Backend, Param, PushParam, Record, SqlStore, insert_rows};
use crate::store::rooms::room_from;
use crate::store::runs::run_from;
use crate::store::{Room, ScheduleRun, StoreError, StoreResult, from_json, to_json};

/// A meeting placed on the board: its request, first slot, room, and live state (none in a
/// draft).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: String,
    pub state: Option<MeetingState>,
}

/// A meeting the timetable leaves out: in a draft, with the solver's reason (typed when the
/// run typed it) and its English words.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub request_id: String,
    pub cause: Option<Unplaced>,
    pub reason: Option<String>,
}

/// How many meetings a timetable places and leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub placed: usize,
    pub left: usize,
}

/// The reads of the board's windows, each bounded by what the window shows.
#[async_trait]
pub trait BoardStore: Send + Sync + 'static {
    /// Up to `limit` of the event's rooms from the `from`-th (in the order they were added),
    /// and how many it has.
    async fn rooms_window(&self, event: &str, from: usize, limit: usize) -> StoreResult<(Vec<Room>, usize)>;
    /// The event's latest done run (the draft), without its problem and solution documents.
    async fn draft_run(&self, event: &str) -> StoreResult<Option<ScheduleRun>>;
    /// The draft of run `run`: its meetings starting at one of `slots` in one of `rooms`.
    async fn draft_cells(&self, run: &str, slots: &[String], rooms: &[String])
    -> StoreResult<Vec<Placement>>;
    /// How many meetings run `run` places and leaves out.
    async fn draft_counts(&self, run: &str) -> StoreResult<Counts>;
    /// Up to `limit` of the meetings run `run` leaves out, from the `from`-th in the
    /// solution's order, and `also` wherever it stands.
    async fn draft_left(
        &self,
        run: &str,
        from: usize,
        limit: usize,
        also: Option<&str>,
    ) -> StoreResult<Vec<LeftOut>>;
    /// The live timetable: its meetings (cancelled ones aside) starting at one of `slots`
    /// in one of `rooms`.
    async fn live_cells(
        &self,
        event: &str,
        slots: &[String],
        rooms: &[String],
    ) -> StoreResult<Vec<Placement>>;
    /// How many meetings the live timetable holds, and how many accepted requests it lacks.
    async fn live_counts(&self, event: &str) -> StoreResult<Counts>;
    /// Up to `limit` of the accepted requests the live timetable lacks, from the `from`-th
    /// by id, and `also` wherever it stands.
    async fn live_left(
        &self,
        event: &str,
        from: usize,
        limit: usize,
        also: Option<&str>,
    ) -> StoreResult<Vec<LeftOut>>;
}

/// What the draft's rows are read from: the solution document's placements and left-out
/// meetings (a document without them has none).
#[derive(Deserialize)]
struct DraftDoc {
    #[serde(default)]
    assignments: Vec<DraftPlacement>,
    #[serde(default)]
    unscheduled: Vec<DraftLeft>,
}

#[derive(Deserialize)]
struct DraftPlacement {
    meeting: String,
    slot: String,
    room: String,
}

#[derive(Deserialize)]
struct DraftLeft {
    meeting: String,
    reason: String,
    #[serde(default)]
    cause: Option<serde_json::Value>,
}

/// Makes run `run`'s solution the rows of its event's draft, replacing the rows of the
/// event's earlier runs (inside the transaction that finishes the run).
pub(super) async fn write_draft<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    run: &str,
    solution: &str,
) -> StoreResult<()> {
    let doc: DraftDoc = from_json(solution)?;
    for statement in [
        "DELETE FROM draft_placements WHERE event_id = $1",
        "DELETE FROM draft_unplaced WHERE event_id = $1",
    ] {
        sqlx::query(statement).param(event).execute(DB::on(conn)).await?;
    }
    insert_rows::<DB, _>(
        conn,
        "INSERT INTO draft_placements (schedule_id, event_id, request_id, slot_id, room_id) ",
        &doc.assignments,
        |row, a| {
            row.push_param(run)
                .push_param(event)
                .push_param(&a.meeting)
                .push_param(&a.slot)
                .push_param(&a.room);
        },
    )
    .await?;
    let left: Vec<(i64, &DraftLeft, Option<String>)> = doc
        .unscheduled
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let cause = u.cause.as_ref().map(to_json).transpose()?;
            Ok((i as i64, u, cause))
        })
        .collect::<StoreResult<_>>()?;
    insert_rows::<DB, _>(
        conn,
        "INSERT INTO draft_unplaced (schedule_id, event_id, position, request_id, cause, reason) ",
        &left,
        |row, (position, u, cause)| {
            row.push_param(run)
                .push_param(event)
                .push_param(*position)
                .push_param(&u.meeting)
                .push_param(cause)
                .push_param(&u.reason);
        },
    )
    .await?;
    Ok(())
}

/// A count of a backend's `COUNT(*) AS n`.
fn count(row: &impl Record) -> StoreResult<usize> {
    let n: i64 = row.read("n")?;
    usize::try_from(n).map_err(|_| StoreError::Corrupt(format!("count {n}")))
}

fn state_from(text: &str) -> StoreResult<MeetingState> {
    MeetingState::parse(text).ok_or_else(|| StoreError::Corrupt(format!("meeting state {text:?}")))
}

/// `column IN (…)` of `values` (never empty: the callers return early).
fn push_in<DB: Backend>(query: &mut QueryBuilder<DB>, column: &str, values: &[String]) {
    query.push(format!(" AND {column} IN ("));
    let mut list = query.separated(", ");
    for value in values {
        list.push_param(value);
    }
    query.push(")");
}

fn left_from(row: &impl Record) -> StoreResult<LeftOut> {
    Ok(LeftOut {
        request_id: row.read("request_id")?,
        cause: row
            .read::<Option<String>>("cause")?
            .map(|c| from_json::<Option<Unplaced>>(&c))
            .transpose()?
            .flatten(),
        reason: row.read("reason")?,
    })
}

/// Rows of a page (`from`, `limit`) and, when it is not on it, the row of `also`.
fn with_also(mut page: Vec<LeftOut>, also: Option<LeftOut>) -> Vec<LeftOut> {
    if let Some(also) = also
        && !page.iter().any(|l| l.request_id == also.request_id)
    {
        page.push(also);
    }
    page
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[async_trait]
impl<DB: Backend> BoardStore for SqlStore<DB> {
    async fn rooms_window(&self, event: &str, from: usize, limit: usize) -> StoreResult<(Vec<Room>, usize)> {
        let total = count(
            &sqlx::query("SELECT COUNT(*) AS n FROM rooms WHERE event_id = $1")
                .param(event)
                .fetch_one(self.db())
                .await?,
        )?;
        let rooms =
            sqlx::query("SELECT * FROM rooms WHERE event_id = $1 ORDER BY created_at, id LIMIT $2 OFFSET $3")
                .param(event)
                .param(to_i64(limit))
                .param(to_i64(from))
                .fetch_all(self.db())
                .await?
                .iter()
                .map(room_from)
                .collect::<StoreResult<Vec<_>>>()?;
        Ok((rooms, total))
    }

    async fn draft_run(&self, event: &str) -> StoreResult<Option<ScheduleRun>> {
        let row = sqlx::query(
            "SELECT id, event_id, status, time_limit_seconds, objective, bound, placed, unscheduled, \
             progress, NULL AS problem, NULL AS solution, error, attempts, created_at, updated_at \
             FROM schedules WHERE event_id = $1 AND status = 'done' \
             ORDER BY updated_at DESC, id DESC LIMIT 1",
        )
        .param(event)
        .fetch_optional(self.db())
        .await?;
        row.as_ref().map(run_from).transpose()
    }

    async fn draft_cells(
        &self,
        run: &str,
        slots: &[String],
        rooms: &[String],
    ) -> StoreResult<Vec<Placement>> {
        let select =
            "SELECT request_id, slot_id, room_id, NULL AS state FROM draft_placements WHERE schedule_id = ";
        self.cells(select, run, slots, rooms).await
    }

    async fn draft_counts(&self, run: &str) -> StoreResult<Counts> {
        let placed = sqlx::query("SELECT COUNT(*) AS n FROM draft_placements WHERE schedule_id = $1")
            .param(run)
            .fetch_one(self.db())
            .await?;
        let left = sqlx::query("SELECT COUNT(*) AS n FROM draft_unplaced WHERE schedule_id = $1")
            .param(run)
            .fetch_one(self.db())
            .await?;
        Ok(Counts {
            placed: count(&placed)?,
            left: count(&left)?,
        })
    }

    async fn draft_left(
        &self,
        run: &str,
        from: usize,
        limit: usize,
        also: Option<&str>,
    ) -> StoreResult<Vec<LeftOut>> {
        let select = "SELECT request_id, cause, reason FROM draft_unplaced WHERE schedule_id = ";
        self.left_page(select, ("position", "request_id"), run, from, limit, also)
            .await
    }

    async fn live_cells(
        &self,
        event: &str,
        slots: &[String],
        rooms: &[String],
    ) -> StoreResult<Vec<Placement>> {
        let select = "SELECT request_id, slot_id, room_id, state FROM meetings WHERE state <> 'cancelled' AND event_id = ";
        self.cells(select, event, slots, rooms).await
    }

    async fn live_counts(&self, event: &str) -> StoreResult<Counts> {
        let placed =
            sqlx::query("SELECT COUNT(*) AS n FROM meetings WHERE event_id = $1 AND state <> 'cancelled'")
                .param(event)
                .fetch_one(self.db())
                .await?;
        let left = sqlx::query(
            "SELECT COUNT(*) AS n FROM requests r WHERE r.event_id = $1 AND r.status = 'accepted' \
             AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.request_id = r.id AND m.state <> 'cancelled')",
        )
        .param(event)
        .fetch_one(self.db())
        .await?;
        Ok(Counts {
            placed: count(&placed)?,
            left: count(&left)?,
        })
    }

    async fn live_left(
        &self,
        event: &str,
        from: usize,
        limit: usize,
        also: Option<&str>,
    ) -> StoreResult<Vec<LeftOut>> {
        let select = "SELECT r.id AS request_id, NULL AS cause, NULL AS reason FROM requests r \
                      WHERE r.status = 'accepted' AND NOT EXISTS \
                      (SELECT 1 FROM meetings m WHERE m.request_id = r.id AND m.state <> 'cancelled') \
                      AND r.event_id = ";
        self.left_page(select, ("r.id", "r.id"), event, from, limit, also)
            .await
    }
}

impl<DB: Backend> SqlStore<DB> {
    /// The placements `select` (ending in `… = `, completed by `key`) finds starting at one
    /// of `slots` in one of `rooms`.
    async fn cells(
        &self,
        select: &str,
        key: &str,
        slots: &[String],
        rooms: &[String],
    ) -> StoreResult<Vec<Placement>> {
        if slots.is_empty() || rooms.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<DB>::new(select);
        query.push_param(key);
        push_in(&mut query, "slot_id", slots);
        push_in(&mut query, "room_id", rooms);
        query.push(" ORDER BY request_id");
        query
            .build()
            .fetch_all(self.db())
            .await?
            .iter()
            .map(|row| {
                Ok(Placement {
                    request_id: row.read("request_id")?,
                    slot_id: row.read("slot_id")?,
                    room_id: row.read("room_id")?,
                    state: row
                        .read::<Option<String>>("state")?
                        .map(|s| state_from(&s))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// A page of left-out meetings, as `select` (ending in `… = `, completed by `key`) finds
    /// them in the order of `columns.0`, and, when it is not on it, the one whose
    /// `columns.1` is `also`.
    async fn left_page(
        &self,
        select: &str,
        columns: (&str, &str),
        key: &str,
        from: usize,
        limit: usize,
        also: Option<&str>,
    ) -> StoreResult<Vec<LeftOut>> {
        let mut query = QueryBuilder::<DB>::new(select);
        query
            .push_param(key)
            .push(format!(" ORDER BY {} LIMIT ", columns.0));
        query.push_param(to_i64(limit)).push(" OFFSET ");
        query.push_param(to_i64(from));
        let page = query
            .build()
            .fetch_all(self.db())
            .await?
            .iter()
            .map(left_from)
            .collect::<StoreResult<Vec<_>>>()?;
        let also = match also {
            Some(id) => {
                let mut query = QueryBuilder::<DB>::new(select);
                query.push_param(key).push(format!(" AND {} = ", columns.1));
                query.push_param(id);
                query
                    .build()
                    .fetch_optional(self.db())
                    .await?
                    .as_ref()
                    .map(left_from)
                    .transpose()?
            }
            None => None,
        };
        Ok(with_also(page, also))
    }
}
