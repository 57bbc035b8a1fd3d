//! Inside a transition's transaction: the event's lock, the facts a booking decision reads,
//! and the live timetable's rows (the meeting and its occupancy) it writes.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::booking::{self, ALTERNATIVES, Facts, Need, Party, Place, Refused, Space, Taken};
use crate::domain::meeting::LiveMeeting;
use crate::store::backend::{Backend, Param, PushParam, Record, unique_violation};
use crate::store::events::event_from;
use crate::store::rooms::room_from;
use crate::store::{Event, MeetingRequest, StoreError, StoreResult, from_json, to_json, to_u32};

/// Takes the event's row for the rest of the transaction: every change of the live timetable
/// of one event queues here (a publish takes the same row), so what the transaction reads
/// next stays true until it commits. Returns the event as it is.
pub(in crate::store) async fn lock_event<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
) -> StoreResult<Event> {
    let row =
        sqlx::query("UPDATE events SET meetings_revision = meetings_revision WHERE id = $1 RETURNING *")
            .param(event)
            .fetch_optional(DB::on(conn))
            .await?
            .ok_or(StoreError::NotFound)?;
    event_from(&row)
}

/// Records that the live timetable changed: agendas are cached and tagged by this revision.
pub(in crate::store) async fn bump_revision<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
) -> StoreResult<i64> {
    Ok(sqlx::query(
        "UPDATE events SET meetings_revision = meetings_revision + 1 WHERE id = $1 RETURNING meetings_revision",
    )
    .param(event)
    .fetch_one(DB::on(conn))
    .await?
    .read("meetings_revision")?)
}

/// What a booking of a meeting between `participants` reads: them, every room, and what
/// the live meetings other than `exclude` occupy.
pub(in crate::store) async fn facts_on<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    participants: &[String],
    exclude: Option<&str>,
) -> StoreResult<Facts> {
    let exclude = exclude.unwrap_or("");
    let mut query = sqlx::QueryBuilder::<DB>::new(
        "SELECT id, size, unavailable, max_meetings FROM participants WHERE event_id = ",
    );
    query.push_param(event).push(" AND id IN (");
    let mut ids = query.separated(", ");
    for id in participants {
        ids.push_param(id);
    }
    query.push(")");
    let mut parties: HashMap<String, Party> = HashMap::new();
    for row in query.build().fetch_all(DB::on(conn)).await? {
        let id: String = row.read("id")?;
        parties.insert(
            id.clone(),
            Party {
                id,
                size: to_u32(row.read("size")?, "size")?,
                unavailable: from_json::<Vec<String>>(&row.read::<String>("unavailable")?)?
                    .into_iter()
                    .collect(),
                max_meetings: row
                    .read::<Option<i64>>("max_meetings")?
                    .map(|m| to_u32(m, "max_meetings"))
                    .transpose()?,
                placed: 0,
            },
        );
    }
    let mut query = sqlx::QueryBuilder::<DB>::new(
        "SELECT participant_id, slot_id, request_id FROM meeting_participant_cells WHERE event_id = ",
    );
    query
        .push_param(event)
        .push(" AND request_id <> ")
        .push_param(exclude)
        .push(" AND participant_id IN (");
    let mut ids = query.separated(", ");
    for id in participants {
        ids.push_param(id);
    }
    query.push(")");
    let mut taken = Taken::default();
    let mut meetings: HashSet<(String, String)> = HashSet::new();
    for row in query.build().fetch_all(DB::on(conn)).await? {
        let (participant, slot, request): (String, String, String) = (
            row.read("participant_id")?,
            row.read("slot_id")?,
            row.read("request_id")?,
        );
        meetings.insert((participant.clone(), request));
        taken.people.insert((participant, slot));
    }
    for (participant, _) in meetings {
        if let Some(party) = parties.get_mut(&participant) {
            party.placed += 1;
        }
    }
    let rooms = sqlx::query("SELECT * FROM rooms WHERE event_id = $1 ORDER BY created_at, id")
        .param(event)
        .fetch_all(DB::on(conn))
        .await?
        .iter()
        .map(|row| {
            let room = room_from(row)?;
            Ok(Space {
                id: room.id,
                name: room.name,
                capacity: room.capacity,
                features: room.features,
                unavailable: room.unavailable.into_iter().collect(),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    for row in sqlx::query(
        "SELECT room_id, slot_id FROM meeting_room_cells WHERE event_id = $1 AND request_id <> $2",
    )
    .param(event)
    .param(exclude)
    .fetch_all(DB::on(conn))
    .await?
    {
        taken.rooms.insert((row.read("room_id")?, row.read("slot_id")?));
    }
    let parties = participants
        .iter()
        .map(|id| {
            parties
                .remove(id)
                .ok_or_else(|| StoreError::Corrupt(format!("meeting participant {id} is not registered")))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Facts {
        parties,
        rooms,
        taken,
    })
}

/// What booking needs to know of the meeting itself.
pub(in crate::store) fn need<'r>(request: &'r MeetingRequest, event: &Event) -> Need<'r> {
    Need {
        slots: (request.duration_minutes / event.slot_minutes.max(1)).max(1) as usize,
        features: &request.features,
        refused: &request.life.refused_slots,
    }
}

/// Where the meeting would go if it started at `slot` now (keeping `prefer_room` when it
/// fits), or why it cannot, with the free starts nearest to it.
pub(in crate::store) async fn try_place<DB: Backend>(
    conn: &mut DB::Connection,
    event: &Event,
    request: &MeetingRequest,
    slot: &str,
    now: DateTime<Utc>,
    prefer_room: Option<&str>,
) -> StoreResult<Result<Place, Refused>> {
    let spec = event.spec()?;
    let facts = facts_on::<DB>(conn, &event.id, &request.participants(), Some(&request.id)).await?;
    let need = need(request, event);
    Ok(
        booking::place(&spec, &facts, need, slot, now, prefer_room).map_err(|why| Refused {
            slot: slot.to_owned(),
            why,
            alternatives: booking::nearest(
                &spec,
                booking::free_starts(&spec, &facts, need, now),
                slot,
                ALTERNATIVES,
            ),
        }),
    )
}

/// A refused place, as the error that rolls its transaction back.
pub(in crate::store) fn unbookable(refused: Refused) -> StoreError {
    StoreError::Unbookable(Box::new(refused))
}

/// The sequence a meeting's next placement carries: one above its live one, or above the
/// last published one when it has no live row (0 for its first).
pub(in crate::store) async fn next_sequence<DB: Backend>(
    conn: &mut DB::Connection,
    request: &MeetingRequest,
) -> StoreResult<i64> {
    if let Some(m) = &request.life.meeting {
        return Ok(m.sequence + 1);
    }
    let last: Option<i64> =
        sqlx::query("SELECT MAX(sequence) AS last FROM timetable_meetings WHERE request_id = $1")
            .param(&request.id)
            .fetch_one(DB::on(conn))
            .await?
            .read("last")?;
    Ok(last.map_or(0, |s| s + 1))
}

/// Writes the meeting's live row (inserted, or replacing the one it had).
pub(in crate::store) async fn put_meeting<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    request: &str,
    m: &LiveMeeting,
) -> StoreResult<()> {
    let attendance = m.attendance.map(|a| a.as_str().to_owned());
    sqlx::query(
        "INSERT INTO meetings (request_id, event_id, state, slot_id, room_id, sequence, version, reason, \
         confirmed_by, attendance, absent, attendance_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (request_id) DO UPDATE SET state = excluded.state, slot_id = excluded.slot_id, \
         room_id = excluded.room_id, sequence = excluded.sequence, version = excluded.version, \
         reason = excluded.reason, confirmed_by = excluded.confirmed_by, attendance = excluded.attendance, \
         absent = excluded.absent, attendance_by = excluded.attendance_by, updated_at = excluded.updated_at",
    )
    .param(request)
    .param(event)
    .param(m.state.as_str())
    .param(&m.slot_id)
    .param(&m.room_id)
    .param(m.sequence)
    .param(m.version)
    .param(&m.reason)
    .param(to_json(&m.confirmed_by)?)
    .param(&attendance)
    .param(to_json(&m.absent)?)
    .param(&m.attendance_by)
    .param(m.updated_at)
    .execute(DB::on(conn))
    .await?;
    Ok(())
}

/// Occupies every slot of `place` for each participant and for its room. The unique
/// constraints refuse a cell someone else holds: the last guard against double-booking.
pub(in crate::store) async fn occupy<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    request: &str,
    participants: &[String],
    place: &Place,
) -> StoreResult<()> {
    let people: Vec<(&str, &str)> = participants
        .iter()
        .flat_map(|p| place.occupied.iter().map(move |s| (p.as_str(), s.as_str())))
        .collect();
    let mut query = sqlx::QueryBuilder::<DB>::new(
        "INSERT INTO meeting_participant_cells (event_id, participant_id, slot_id, request_id) ",
    );
    query.push_values(&people, |mut row, (participant, slot)| {
        row.push_param(event)
            .push_param(*participant)
            .push_param(*slot)
            .push_param(request);
    });
    query
        .build()
        .execute(DB::on(conn))
        .await
        .map_err(refused_double_booking)?;
    let mut query = sqlx::QueryBuilder::<DB>::new(
        "INSERT INTO meeting_room_cells (event_id, room_id, slot_id, request_id) ",
    );
    query.push_values(&place.occupied, |mut row, slot| {
        row.push_param(event)
            .push_param(&place.room)
            .push_param(slot)
            .push_param(request);
    });
    query
        .build()
        .execute(DB::on(conn))
        .await
        .map_err(refused_double_booking)?;
    Ok(())
}

/// A unique violation on the occupancy: someone else holds the cell.
pub(in crate::store) fn refused_double_booking(err: sqlx::Error) -> StoreError {
    if unique_violation(&err) {
        StoreError::Conflict("the slot was taken meanwhile: the database refused a double-booking".into())
    } else {
        err.into()
    }
}

/// Frees every cell the meeting occupies.
pub(in crate::store) async fn vacate<DB: Backend>(
    conn: &mut DB::Connection,
    request: &str,
) -> StoreResult<()> {
    for statement in [
        "DELETE FROM meeting_participant_cells WHERE request_id = $1",
        "DELETE FROM meeting_room_cells WHERE request_id = $1",
    ] {
        sqlx::query(statement)
            .param(request)
            .execute(DB::on(conn))
            .await?;
    }
    Ok(())
}

/// Drops the meeting's move proposal and standby offer (it moved, was booked or ended).
pub(in crate::store) async fn drop_pending_moves<DB: Backend>(
    conn: &mut DB::Connection,
    request: &str,
) -> StoreResult<()> {
    for statement in [
        "DELETE FROM meeting_moves WHERE request_id = $1",
        "DELETE FROM standby_offers WHERE request_id = $1",
    ] {
        sqlx::query(statement)
            .param(request)
            .execute(DB::on(conn))
            .await?;
    }
    Ok(())
}

/// The live row of a meeting booked at `place` now.
pub(in crate::store) fn booked(place: &Place, sequence: i64, now: DateTime<Utc>) -> LiveMeeting {
    LiveMeeting {
        state: crate::domain::MeetingState::Booked,
        slot_id: place.slot.clone(),
        room_id: place.room.clone(),
        sequence,
        version: None,
        reason: None,
        confirmed_by: Vec::new(),
        attendance: None,
        absent: Vec::new(),
        attendance_by: None,
        updated_at: now,
    }
}
