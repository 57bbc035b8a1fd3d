//! A publish and the live timetable: the run's placements replace the solver's previous ones,
//! around the meetings booked meanwhile, which stay exactly where they are.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::{PlacedMeeting, cells, double_booking};
use crate::domain::MeetingState;
use crate::store::backend::{Backend, Param, PushParam, Record, insert_rows};
use crate::store::{StoreError, StoreResult, from_json, to_json};

/// A live meeting as a publish sees it.
pub(super) struct LiveRow {
    pub state: MeetingState,
    pub slot: String,
    pub room: String,
    pub sequence: i64,
    pub confirmed_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The live timetable at the publish (under the event's lock).
pub(super) struct LiveNow {
    /// Every placed (not cancelled) live meeting.
    pub placed: HashMap<String, LiveRow>,
    /// The booked ones, as they occupy the timetable.
    pub booked: Vec<PlacedMeeting>,
    /// Every accepted request, with the slots refused for it.
    pub accepted: HashMap<String, HashSet<String>>,
}

pub(super) async fn live_now<DB: Backend>(conn: &mut DB::Connection, event: &str) -> StoreResult<LiveNow> {
    let mut placed = HashMap::new();
    for row in sqlx::query(
        "SELECT request_id, state, slot_id, room_id, sequence, confirmed_by, updated_at FROM meetings \
         WHERE event_id = $1 AND state <> 'cancelled'",
    )
    .param(event)
    .fetch_all(DB::on(conn))
    .await?
    {
        let state: String = row.read("state")?;
        placed.insert(
            row.read::<String>("request_id")?,
            LiveRow {
                state: MeetingState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(format!("meeting state {state:?}")))?,
                slot: row.read("slot_id")?,
                room: row.read("room_id")?,
                sequence: row.read("sequence")?,
                confirmed_by: row.read("confirmed_by")?,
                updated_at: row.read("updated_at")?,
            },
        );
    }
    // Who and which slots each booked meeting occupies.
    let mut occupancy: HashMap<String, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
    for row in sqlx::query(
        "SELECT c.request_id, c.participant_id, c.slot_id FROM meeting_participant_cells c \
         JOIN meetings m ON m.request_id = c.request_id WHERE m.event_id = $1 AND m.state = 'booked'",
    )
    .param(event)
    .fetch_all(DB::on(conn))
    .await?
    {
        let entry = occupancy.entry(row.read("request_id")?).or_default();
        entry.0.insert(row.read("participant_id")?);
        entry.1.insert(row.read("slot_id")?);
    }
    let booked = occupancy
        .into_iter()
        .filter_map(|(request_id, (participants, slots))| {
            let live = placed.get(&request_id)?;
            Some(PlacedMeeting {
                slot_id: live.slot.clone(),
                room_id: live.room.clone(),
                participants: participants.into_iter().collect(),
                occupied_slots: slots.into_iter().collect(),
                request_id,
            })
        })
        .collect();
    let mut accepted = HashMap::new();
    for row in
        sqlx::query("SELECT id, refused_slots FROM requests WHERE event_id = $1 AND status = 'accepted'")
            .param(event)
            .fetch_all(DB::on(conn))
            .await?
    {
        let refused: Vec<String> = from_json(&row.read::<String>("refused_slots")?)?;
        accepted.insert(row.read::<String>("id")?, refused.into_iter().collect());
    }
    Ok(LiveNow {
        placed,
        booked,
        accepted,
    })
}

/// What the new version holds: the run's placements of meetings that are not booked, then
/// every booked meeting where it is.
pub(super) fn around_bookings(meetings: &[PlacedMeeting], live: &LiveNow) -> Vec<PlacedMeeting> {
    meetings
        .iter()
        .filter(|m| !live.is_booked(&m.request_id))
        .cloned()
        .chain(live.booked.iter().cloned())
        .collect()
}

impl LiveNow {
    fn is_booked(&self, id: &str) -> bool {
        self.placed
            .get(id)
            .is_some_and(|l| l.state == MeetingState::Booked)
    }

    /// Whether the version's placement `m` becomes live as the solver's: a meeting still
    /// accepted (not cancelled or withdrawn since the caller looked), not booked, and not in
    /// a slot refused for it since.
    fn takes(&self, m: &PlacedMeeting) -> bool {
        !self.is_booked(&m.request_id)
            && self
                .accepted
                .get(&m.request_id)
                .is_some_and(|refused| !m.occupied_slots.iter().any(|s| refused.contains(s)))
    }
}

/// The latest published placement of each meeting, for its SEQUENCE.
pub(super) async fn latest_published<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
) -> StoreResult<HashMap<String, (String, String, i64)>> {
    let mut latest = HashMap::new();
    for row in sqlx::query(
        "SELECT request_id, slot_id, room_id, sequence FROM timetable_meetings WHERE event_id = $1 ORDER BY version",
    )
    .param(event)
    .fetch_all(DB::on(conn))
    .await?
    {
        latest.insert(
            row.read("request_id")?,
            (row.read("slot_id")?, row.read("room_id")?, row.read("sequence")?),
        );
    }
    Ok(latest)
}

/// Makes the new version's solver placements the live ones: the previous solver placements
/// go, booked meetings stay. A meeting that did not move keeps its confirmations.
pub(super) async fn replace_solver_placements<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    version: i64,
    snapshot: &[PlacedMeeting],
    sequences: &[i64],
    live: &LiveNow,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for statement in [
        "DELETE FROM meeting_participant_cells WHERE request_id IN \
         (SELECT request_id FROM meetings WHERE event_id = $1 AND state IN ('scheduled', 'confirmed'))",
        "DELETE FROM meeting_room_cells WHERE request_id IN \
         (SELECT request_id FROM meetings WHERE event_id = $1 AND state IN ('scheduled', 'confirmed'))",
        "DELETE FROM meetings WHERE event_id = $1 AND state IN ('scheduled', 'confirmed')",
    ] {
        sqlx::query(statement).param(event).execute(DB::on(conn)).await?;
    }
    let solver: Vec<(&PlacedMeeting, i64)> = snapshot
        .iter()
        .zip(sequences.iter().copied())
        .filter(|(m, _)| live.takes(m))
        .collect();
    let nobody = to_json(&Vec::<String>::new())?;
    let rows: Vec<(&PlacedMeeting, i64, MeetingState, String, DateTime<Utc>)> = solver
        .iter()
        .map(|&(m, sequence)| match live.placed.get(&m.request_id) {
            Some(l) if l.slot == m.slot_id && l.room == m.room_id => {
                (m, sequence, l.state, l.confirmed_by.clone(), l.updated_at)
            }
            _ => (m, sequence, MeetingState::Scheduled, nobody.clone(), now),
        })
        .collect();
    insert_rows::<DB, _>(
        conn,
        "INSERT INTO meetings (request_id, event_id, state, slot_id, room_id, sequence, version, confirmed_by, \
         updated_at) ",
        &rows,
        |row, (m, sequence, state, confirmed_by, updated_at)| {
            row.push_param(&m.request_id)
                .push_param(event)
                .push_param(state.as_str())
                .push_param(&m.slot_id)
                .push_param(&m.room_id)
                .push_param(*sequence)
                .push_param(version)
                .push_param(confirmed_by)
                .push_param(*updated_at);
        },
    )
    .await?;
    let placed: Vec<PlacedMeeting> = solver.iter().map(|(m, _)| (*m).clone()).collect();
    let (room_cells, participant_cells) = cells(&placed);
    insert_rows::<DB, _>(
        conn,
        "INSERT INTO meeting_room_cells (event_id, room_id, slot_id, request_id) ",
        &room_cells,
        |row, (room, slot, request)| {
            row.push_param(event)
                .push_param(*room)
                .push_param(*slot)
                .push_param(*request);
        },
    )
    .await
    .map_err(double_booking)?;
    insert_rows::<DB, _>(
        conn,
        "INSERT INTO meeting_participant_cells (event_id, participant_id, slot_id, request_id) ",
        &participant_cells,
        |row, (participant, slot, request)| {
            row.push_param(event)
                .push_param(*participant)
                .push_param(*slot)
                .push_param(*request);
        },
    )
    .await
    .map_err(double_booking)?;
    // A meeting the version places needs no standby offer any more.
    sqlx::query(
        "DELETE FROM standby_offers WHERE event_id = $1 AND request_id IN \
         (SELECT request_id FROM meetings WHERE event_id = $1 AND state <> 'cancelled')",
    )
    .param(event)
    .execute(DB::on(conn))
    .await?;
    Ok(())
}
