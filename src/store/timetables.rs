//! Timetables: the published versions of an event's schedule. Publishing one also makes its
//! placements the live timetable's, around the meetings booked meanwhile (`publish.rs`).

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::notice::{self, Placed};
use crate::store::backend::{Backend, Param, PushParam, Record, SqlStore, insert_rows, unique_violation};
use crate::store::meetings::live::bump_revision;
use crate::store::outbox::enqueue_in;
use crate::store::{EventStore, StoreError, StoreResult, from_json, to_json};

mod publish;

/// A meeting to publish: its first slot, room, participants, and every slot it occupies.
#[derive(Debug, Clone)]
pub struct PlacedMeeting {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: String,
    pub participants: Vec<String>,
    pub occupied_slots: Vec<String>,
}

/// A published timetable version.
#[derive(Debug, Clone)]
pub struct Timetable {
    pub version: i64,
    pub schedule_id: String,
    pub published_at: DateTime<Utc>,
    pub meetings: Vec<TimetableMeeting>,
}

/// A meeting in a published timetable.
#[derive(Debug, Clone, PartialEq)]
pub struct TimetableMeeting {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: String,
    pub participants: Vec<String>,
    /// Raised each time the meeting moves between versions (iCalendar SEQUENCE).
    pub sequence: i64,
}

/// What a publish stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    /// The new timetable version.
    pub version: i64,
    /// The run's meetings it placed (the booked ones stay besides).
    pub meetings: usize,
    /// Meetings of the run left out: no longer accepted when the publish committed.
    pub skipped: Vec<String>,
}

/// One published version, for the history.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRecord {
    pub version: i64,
    /// The run whose schedule it published.
    pub schedule_id: String,
    pub published_at: DateTime<Utc>,
    /// Meetings it placed (the run's and the booked ones kept).
    pub meetings: i64,
}

/// The published timetables of each event.
#[async_trait]
pub trait TimetableStore: Send + Sync + 'static {
    /// Publishes a finished run's meetings as the next timetable version, in one
    /// transaction that re-checks everything under the event's lock: the run is done and
    /// not older than the run of the published version (`Conflict` naming it: it would
    /// revert the timetable), `current_ok` accepts the live revision (`Stale` otherwise: the
    /// caller's `If-Match`), and meetings whose request is no longer accepted are left out.
    /// A double-booking is refused by the database (`Conflict`).
    async fn publish(
        &self,
        event: &str,
        run: &str,
        meetings: &[PlacedMeeting],
        current_ok: &(dyn Fn(i64) -> bool + Send + Sync),
    ) -> StoreResult<Publication>;
    /// The published timetable, if any.
    async fn timetable(&self, event: &str) -> StoreResult<Option<Timetable>>;
    /// Every published version of the event, the latest first.
    async fn versions(&self, event: &str) -> StoreResult<Vec<VersionRecord>>;
}

/// The first double-booking among meetings to publish, as a `Conflict` naming it: a meeting
/// placed twice, a room or a participant in two meetings at once.
pub fn find_double_booking(meetings: &[PlacedMeeting]) -> StoreResult<()> {
    let mut requests = HashSet::new();
    let mut rooms = HashSet::new();
    let mut participants = HashSet::new();
    for m in meetings {
        if !requests.insert(m.request_id.as_str()) {
            return Err(StoreError::Conflict(format!(
                "meeting {} is placed twice",
                m.request_id
            )));
        }
        for slot in &m.occupied_slots {
            if !rooms.insert((m.room_id.as_str(), slot.as_str())) {
                return Err(StoreError::Conflict(format!(
                    "room {} would hold two meetings in slot {slot}",
                    m.room_id
                )));
            }
            for participant in &m.participants {
                if !participants.insert((participant.as_str(), slot.as_str())) {
                    return Err(StoreError::Conflict(format!(
                        "participant {participant} would be in two meetings in slot {slot}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// One occupied cell: `(room or participant, slot, request)`.
pub(super) type Cell<'a> = (&'a str, &'a str, &'a str);

/// Every `(room, slot, request)` and `(participant, slot, request)` the meetings occupy.
pub(super) fn cells(meetings: &[PlacedMeeting]) -> (Vec<Cell<'_>>, Vec<Cell<'_>>) {
    let rooms = meetings
        .iter()
        .flat_map(|m| {
            m.occupied_slots
                .iter()
                .map(move |slot| (m.room_id.as_str(), slot.as_str(), m.request_id.as_str()))
        })
        .collect();
    let participants = meetings
        .iter()
        .flat_map(|m| {
            m.occupied_slots.iter().flat_map(move |slot| {
                m.participants
                    .iter()
                    .map(move |p| (p.as_str(), slot.as_str(), m.request_id.as_str()))
            })
        })
        .collect();
    (rooms, participants)
}

/// A unique violation while publishing: the database refused a double-booking. The 409 says
/// so in the store's words; the database's own (constraint and table names, values) goes to
/// the log only.
pub(super) fn double_booking(err: sqlx::Error) -> StoreError {
    if unique_violation(&err) {
        tracing::warn!(error = %err, "publish refused by a unique constraint");
        StoreError::Conflict(
            "the timetable double-books a meeting, a room or a participant: the database refused it".into(),
        )
    } else {
        err.into()
    }
}

#[async_trait]
impl<DB: Backend> TimetableStore for SqlStore<DB> {
    async fn publish(
        &self,
        event: &str,
        run: &str,
        meetings: &[PlacedMeeting],
        current_ok: &(dyn Fn(i64) -> bool + Send + Sync),
    ) -> StoreResult<Publication> {
        let mut tx = self.begin_write().await?;
        // Bumping the version first takes the event's row: publishes of one event queue up,
        // and so do they with every change of its live timetable (bookings take it too).
        // Everything checked below holds until the commit.
        let head = sqlx::query(
            "UPDATE events SET timetable_version = COALESCE(timetable_version, 0) + 1 \
             WHERE id = $1 RETURNING timetable_version, meetings_revision",
        )
        .param(event)
        .fetch_optional(DB::on(&mut tx))
        .await?
        .ok_or(StoreError::NotFound)?;
        let version: i64 = head.read("timetable_version")?;
        let revision: i64 = head.read("meetings_revision")?;
        let schedule =
            sqlx::query("SELECT status, created_at FROM schedules WHERE event_id = $1 AND id = $2")
                .param(event)
                .param(run)
                .fetch_optional(DB::on(&mut tx))
                .await?
                .ok_or(StoreError::NotFound)?;
        let status: String = schedule.read("status")?;
        if status != "done" {
            return Err(StoreError::Conflict(format!(
                "the run is {status}; only a done run can be published"
            )));
        }
        let created_at: DateTime<Utc> = schedule.read("created_at")?;
        if let Some(current) = sqlx::query(
            "SELECT s.id, s.created_at FROM timetable_versions v JOIN schedules s ON s.id = v.schedule_id \
             WHERE v.event_id = $1 AND v.version = $2",
        )
        .param(event)
        .param(version - 1)
        .fetch_optional(DB::on(&mut tx))
        .await?
        {
            let (current_run, current_created): (String, DateTime<Utc>) =
                (current.read("id")?, current.read("created_at")?);
            if current_created > created_at {
                return Err(StoreError::OlderRun {
                    run: run.to_owned(),
                    published_run: current_run,
                    version: version - 1,
                });
            }
        }
        if !current_ok(revision) {
            return Err(StoreError::Stale(revision));
        }
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO timetable_versions (event_id, version, schedule_id, published_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .param(event)
        .param(version)
        .param(run)
        .param(now)
        .execute(DB::on(&mut tx))
        .await?;
        let live = publish::live_now::<DB>(&mut tx, event).await?;
        // Requests withdrawn, declined or cancelled since the caller read them stay out.
        let (meetings, skipped): (Vec<PlacedMeeting>, Vec<PlacedMeeting>) = meetings
            .iter()
            .cloned()
            .partition(|m| live.accepted.contains_key(&m.request_id));
        let meetings = meetings.as_slice();
        let snapshot = publish::around_bookings(meetings, &live);
        // Every clash is found here, with its names (the run's own, then those with meetings
        // booked since it was solved); the unique constraints stay as the guard of last resort.
        find_double_booking(meetings)?;
        find_double_booking(&snapshot).map_err(|err| match err {
            StoreError::Conflict(clash) => StoreError::Conflict(format!(
                "{clash} (a meeting was booked since this run was solved: solve again)"
            )),
            other => other,
        })?;
        let latest = publish::latest_published::<DB>(&mut tx, event).await?;
        // Each participant whose agenda changes hears of it, in this transaction: its live
        // meetings before (as the last version placed them, or booked since) against after.
        let participants_before: HashMap<String, Vec<String>> = sqlx::query(
            "SELECT request_id, participants FROM timetable_meetings WHERE event_id = $1 AND version = $2",
        )
        .param(event)
        .param(version - 1)
        .fetch_all(DB::on(&mut tx))
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.read("request_id")?,
                from_json(&row.read::<String>("participants")?)?,
            ))
        })
        .collect::<StoreResult<_>>()?;
        let booked: HashMap<&str, &Vec<String>> = live
            .booked
            .iter()
            .map(|m| (m.request_id.as_str(), &m.participants))
            .collect();
        let before: Vec<Placed<'_>> = live
            .placed
            .iter()
            .filter_map(|(request, row)| {
                let participants = participants_before
                    .get(request)
                    .or_else(|| booked.get(request.as_str()).copied())?;
                Some(Placed {
                    request,
                    slot: &row.slot,
                    room: &row.room,
                    participants,
                })
            })
            .collect();
        let after: Vec<Placed<'_>> = snapshot
            .iter()
            .map(|m| Placed {
                request: &m.request_id,
                slot: &m.slot_id,
                room: &m.room_id,
                participants: &m.participants,
            })
            .collect();
        let changes = notice::agenda_changes(&before, &after);
        enqueue_in(&mut tx, &notice::timetable_published(event, version, changes)).await?;
        let sequences: Vec<i64> = snapshot
            .iter()
            .map(|m| {
                let before = live
                    .placed
                    .get(&m.request_id)
                    .map(|l| (l.slot.as_str(), l.room.as_str(), l.sequence))
                    .or_else(|| {
                        latest
                            .get(&m.request_id)
                            .map(|(s, r, q)| (s.as_str(), r.as_str(), *q))
                    });
                match before {
                    Some((slot, room, seq)) if slot == m.slot_id && room == m.room_id => seq,
                    Some((_, _, seq)) => seq + 1,
                    None => 0,
                }
            })
            .collect();
        let rows: Vec<(&PlacedMeeting, String, i64)> = snapshot
            .iter()
            .zip(&sequences)
            .map(|(m, &sequence)| Ok((m, to_json(&m.participants)?, sequence)))
            .collect::<StoreResult<_>>()?;
        insert_rows::<DB, _>(
            &mut tx,
            "INSERT INTO timetable_meetings (event_id, version, request_id, slot_id, room_id, participants, sequence) ",
            &rows,
            |row, (m, participants, sequence)| {
                row.push_param(event)
                    .push_param(version)
                    .push_param(&m.request_id)
                    .push_param(&m.slot_id)
                    .push_param(&m.room_id)
                    .push_param(participants)
                    .push_param(*sequence);
            },
        )
        .await
        .map_err(double_booking)?;
        let (room_cells, participant_cells) = cells(&snapshot);
        insert_rows::<DB, _>(
            &mut tx,
            "INSERT INTO timetable_room_cells (event_id, version, room_id, slot_id, request_id) ",
            &room_cells,
            |row, (room, slot, request)| {
                row.push_param(event)
                    .push_param(version)
                    .push_param(*room)
                    .push_param(*slot)
                    .push_param(*request);
            },
        )
        .await
        .map_err(double_booking)?;
        insert_rows::<DB, _>(
            &mut tx,
            "INSERT INTO timetable_participant_cells (event_id, version, participant_id, slot_id, request_id) ",
            &participant_cells,
            |row, (participant, slot, request)| {
                row.push_param(event)
                    .push_param(version)
                    .push_param(*participant)
                    .push_param(*slot)
                    .push_param(*request);
            },
        )
        .await
        .map_err(double_booking)?;
        publish::replace_solver_placements::<DB>(&mut tx, event, version, &snapshot, &sequences, &live, now)
            .await?;
        bump_revision::<DB>(&mut tx, event).await?;
        tx.commit().await?;
        Ok(Publication {
            version,
            meetings: meetings.len(),
            skipped: skipped.into_iter().map(|m| m.request_id).collect(),
        })
    }

    async fn timetable(&self, event: &str) -> StoreResult<Option<Timetable>> {
        let Some(version) = self.event(event).await?.timetable_version else {
            return Ok(None);
        };
        // A version's rows never change once committed: reading them after the version number
        // cannot mix two timetables.
        let head = sqlx::query(
            "SELECT schedule_id, published_at FROM timetable_versions WHERE event_id = $1 AND version = $2",
        )
        .param(event)
        .param(version)
        .fetch_one(self.db())
        .await?;
        let meetings = sqlx::query(
            "SELECT m.request_id, m.slot_id, m.room_id, m.participants, m.sequence \
             FROM timetable_meetings m WHERE m.event_id = $1 AND m.version = $2",
        )
        .param(event)
        .param(version)
        .fetch_all(self.db())
        .await?
        .iter()
        .map(|row| {
            Ok(TimetableMeeting {
                request_id: row.read("request_id")?,
                slot_id: row.read("slot_id")?,
                room_id: row.read("room_id")?,
                participants: from_json(&row.read::<String>("participants")?)?,
                sequence: row.read("sequence")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(Timetable {
            version,
            schedule_id: head.read("schedule_id")?,
            published_at: head.read("published_at")?,
            meetings,
        }))
    }

    async fn versions(&self, event: &str) -> StoreResult<Vec<VersionRecord>> {
        self.event(event).await?;
        sqlx::query(
            "SELECT v.version, v.schedule_id, v.published_at, \
             (SELECT COUNT(*) FROM timetable_meetings m WHERE m.event_id = v.event_id AND m.version = v.version) AS meetings \
             FROM timetable_versions v WHERE v.event_id = $1 ORDER BY v.version DESC",
        )
        .param(event)
        .fetch_all(self.db())
        .await?
        .iter()
        .map(|row| {
            Ok(VersionRecord {
                version: row.read("version")?,
                schedule_id: row.read("schedule_id")?,
                published_at: row.read("published_at")?,
                meetings: row.read("meetings")?,
            })
        })
        .collect()
    }
}
