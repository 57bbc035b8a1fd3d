//! Meeting requests: who asked whom, each invitee's answer, and (joined in one query) where
//! the meeting stands in the live timetable.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Transaction;

use crate::domain::meeting::{LiveMeeting, MoveProposal};
use crate::domain::notice;
use crate::domain::{MeetingState, Outcome, RequestStatus, Response};
use crate::store::backend::{Backend, Param, PushParam, Record, SqlStore};
use crate::store::outbox::enqueue_in;
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// One invitee of a request and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitee {
    pub participant: String,
    pub response: Response,
    /// The slot it accepted at, if it named one.
    pub slot: Option<String>,
}

/// What became of a request after it was asked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestLife {
    /// Start slots the requester proposed.
    pub proposed_slots: Vec<String>,
    /// Slots a participant refused for this meeting: the solver keeps it out of them.
    pub refused_slots: Vec<String>,
    /// Who cancelled or withdrew it.
    pub closed_by: Option<String>,
    /// Why it was cancelled.
    pub close_reason: Option<String>,
    /// Where the meeting is in the live timetable, if it was placed.
    pub meeting: Option<LiveMeeting>,
    /// A move proposed by a participant.
    pub move_proposal: Option<MoveProposal>,
    /// A slot freed by a cancellation, offered to this meeting.
    pub offered_slot: Option<String>,
}

/// A meeting request.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRequest {
    pub id: String,
    pub event_id: String,
    pub requester: String,
    pub invitees: Vec<Invitee>,
    pub duration_minutes: u32,
    pub priority: u32,
    pub message: String,
    pub features: Vec<String>,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub life: RequestLife,
}

impl MeetingRequest {
    /// Everyone who must be present: the requester, then the invitees.
    pub fn participants(&self) -> Vec<String> {
        std::iter::once(self.requester.clone())
            .chain(self.invitees.iter().map(|i| i.participant.clone()))
            .collect()
    }

    /// Whether `participant` asked or was asked.
    pub fn involves(&self, participant: &str) -> bool {
        self.requester == participant || self.invitees.iter().any(|i| i.participant == participant)
    }

    /// Its live meeting, unless cancelled.
    pub fn placed(&self) -> Option<&LiveMeeting> {
        self.life
            .meeting
            .as_ref()
            .filter(|m| m.state != MeetingState::Cancelled)
    }
}

/// The meeting requests of each event and their answers.
#[async_trait]
pub trait RequestStore: Send + Sync + 'static {
    /// Creates a request with its invitees.
    async fn create_request(&self, request: &MeetingRequest) -> StoreResult<()>;
    /// Creates requests, all or none.
    async fn create_requests(&self, requests: &[MeetingRequest]) -> StoreResult<()>;
    /// The request `id` of `event`, with its invitees.
    async fn request(&self, event: &str, id: &str) -> StoreResult<MeetingRequest>;
    /// All requests of an event, or only those `participant` asked or was asked.
    async fn requests(&self, event: &str, participant: Option<&str>) -> StoreResult<Vec<MeetingRequest>>;
    /// Up to `limit` of [`requests`](Self::requests)' list, after the request `after`: a page,
    /// read with the invitees of its own requests only. `NotFound` when `after` is not one of
    /// the event's requests.
    async fn requests_page(
        &self,
        event: &str,
        participant: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<MeetingRequest>>;
    /// The requests of `event` among `ids`, with their invitees (in no particular order;
    /// unknown ids are left out).
    async fn requests_in(&self, event: &str, ids: &[String]) -> StoreResult<Vec<MeetingRequest>>;
    /// The requests `participant` asked or was asked, with their invitees.
    async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>>;
    /// How many accepted requests each of `participants` is part of (absent: none).
    async fn accepted_meetings(
        &self,
        event: &str,
        participants: &[String],
    ) -> StoreResult<HashMap<String, u32>>;
}

fn status_from(text: &str) -> StoreResult<RequestStatus> {
    RequestStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("request status {text:?}")))
}

fn response_from(text: &str) -> StoreResult<Response> {
    Response::parse(text).ok_or_else(|| StoreError::Corrupt(format!("response {text:?}")))
}

/// A request with its live meeting, move proposal and standby offer, one row each (a macro,
/// so that each query is one static string).
macro_rules! select_requests {
    () => {
        "SELECT r.*, m.state AS m_state, m.slot_id AS m_slot, m.room_id AS m_room, \
     m.sequence AS m_sequence, m.version AS m_version, m.reason AS m_reason, m.confirmed_by AS m_confirmed, \
     m.attendance AS m_attendance, m.absent AS m_absent, m.attendance_by AS m_attendance_by, \
     m.updated_at AS m_updated_at, v.slot_id AS move_slot, v.proposed_by AS move_by, \
     v.accepted_by AS move_accepted, o.slot_id AS offer_slot \
     FROM requests r LEFT JOIN meetings m ON m.request_id = r.id \
     LEFT JOIN meeting_moves v ON v.request_id = r.id LEFT JOIN standby_offers o ON o.request_id = r.id "
    };
}

fn meeting_from(row: &impl Record) -> StoreResult<Option<LiveMeeting>> {
    let Some(state) = row.read::<Option<String>>("m_state")? else {
        return Ok(None);
    };
    let attendance = match row.read::<Option<String>>("m_attendance")? {
        Some(text) => {
            Some(Outcome::parse(&text).ok_or_else(|| StoreError::Corrupt(format!("attendance {text:?}")))?)
        }
        None => None,
    };
    let read_text = |column: &str| -> StoreResult<String> {
        row.read::<Option<String>>(column)?
            .ok_or_else(|| StoreError::Corrupt(format!("meeting without {column}")))
    };
    Ok(Some(LiveMeeting {
        state: MeetingState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("meeting state {state:?}")))?,
        slot_id: read_text("m_slot")?,
        room_id: read_text("m_room")?,
        sequence: row.read::<Option<i64>>("m_sequence")?.unwrap_or_default(),
        version: row.read("m_version")?,
        reason: row.read("m_reason")?,
        confirmed_by: from_json(&read_text("m_confirmed")?)?,
        attendance,
        absent: from_json(&read_text("m_absent")?)?,
        attendance_by: row.read("m_attendance_by")?,
        updated_at: row
            .read::<Option<DateTime<Utc>>>("m_updated_at")?
            .ok_or_else(|| StoreError::Corrupt("meeting without updated_at".into()))?,
    }))
}

fn request_from(row: &impl Record, invitees: Vec<Invitee>) -> StoreResult<MeetingRequest> {
    let move_proposal = match row.read::<Option<String>>("move_slot")? {
        Some(slot_id) => Some(MoveProposal {
            slot_id,
            proposed_by: row.read::<Option<String>>("move_by")?.unwrap_or_default(),
            accepted_by: from_json(
                &row.read::<Option<String>>("move_accepted")?
                    .unwrap_or_else(|| "[]".into()),
            )?,
        }),
        None => None,
    };
    Ok(MeetingRequest {
        id: row.read("id")?,
        event_id: row.read("event_id")?,
        requester: row.read("requester_id")?,
        invitees,
        duration_minutes: to_u32(row.read("duration_minutes")?, "duration_minutes")?,
        priority: to_u32(row.read("priority")?, "priority")?,
        message: row.read("message")?,
        features: from_json(&row.read::<String>("features")?)?,
        status: status_from(&row.read::<String>("status")?)?,
        created_at: row.read("created_at")?,
        updated_at: row.read("updated_at")?,
        life: RequestLife {
            proposed_slots: from_json(&row.read::<String>("proposed_slots")?)?,
            refused_slots: from_json(&row.read::<String>("refused_slots")?)?,
            closed_by: row.read("closed_by")?,
            close_reason: row.read("close_reason")?,
            meeting: meeting_from(row)?,
            move_proposal,
            offered_slot: row.read("offer_slot")?,
        },
    })
}

fn invitee_from(row: &impl Record) -> StoreResult<Invitee> {
    Ok(Invitee {
        participant: row.read("participant_id")?,
        response: response_from(&row.read::<String>("response")?)?,
        slot: row.read("slot_id")?,
    })
}

/// Groups invitee rows (with `request_id`, in position order) by request.
fn invitees_by_request(rows: &[impl Record]) -> StoreResult<HashMap<String, Vec<Invitee>>> {
    let mut map: HashMap<String, Vec<Invitee>> = HashMap::new();
    for row in rows {
        map.entry(row.read("request_id")?)
            .or_default()
            .push(invitee_from(row)?);
    }
    Ok(map)
}

/// Request rows with their invitee rows, as records.
fn assemble<R: Record>(rows: &[R], invitee_rows: &[R]) -> StoreResult<Vec<MeetingRequest>> {
    let mut invitees = invitees_by_request(invitee_rows)?;
    rows.iter()
        .map(|row| {
            let id: String = row.read("id")?;
            request_from(row, invitees.remove(&id).unwrap_or_default())
        })
        .collect()
}

/// The request `id` of `event`, read on `conn` (a transaction's, to read what it locked).
pub(super) async fn request_on<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    id: &str,
) -> StoreResult<MeetingRequest> {
    let row = sqlx::query(concat!(select_requests!(), "WHERE r.event_id = $1 AND r.id = $2"))
        .param(event)
        .param(id)
        .fetch_optional(DB::on(conn))
        .await?
        .ok_or(StoreError::NotFound)?;
    let invitees = sqlx::query(
        "SELECT participant_id, response, slot_id FROM request_invitees WHERE request_id = $1 ORDER BY position",
    )
    .param(id)
    .fetch_all(DB::on(conn))
    .await?
    .iter()
    .map(invitee_from)
    .collect::<StoreResult<Vec<_>>>()?;
    request_from(&row, invitees)
}

/// Every request of `event`, or those `participant` asked or was asked, read on `conn`.
pub(super) async fn requests_on<DB: Backend>(
    conn: &mut DB::Connection,
    event: &str,
    participant: Option<&str>,
) -> StoreResult<Vec<MeetingRequest>> {
    let rows = match participant {
        None => {
            sqlx::query(concat!(
                select_requests!(),
                "WHERE r.event_id = $1 ORDER BY r.created_at, r.id"
            ))
            .param(event)
            .fetch_all(DB::on(conn))
            .await?
        }
        Some(p) => {
            sqlx::query(concat!(
                select_requests!(),
                "WHERE r.event_id = $1 AND (r.requester_id = $2 OR r.id IN \
                 (SELECT request_id FROM request_invitees WHERE participant_id = $2)) \
                 ORDER BY r.created_at, r.id"
            ))
            .param(event)
            .param(p)
            .fetch_all(DB::on(conn))
            .await?
        }
    };
    // The invitees of these requests only: a participant's list must not read the event's.
    let invitee_rows = match participant {
        None => {
            sqlx::query(
                "SELECT i.request_id, i.participant_id, i.response, i.slot_id FROM request_invitees i \
                 JOIN requests r ON r.id = i.request_id WHERE r.event_id = $1 \
                 ORDER BY i.request_id, i.position",
            )
            .param(event)
            .fetch_all(DB::on(conn))
            .await?
        }
        Some(p) => {
            sqlx::query(
                "SELECT i.request_id, i.participant_id, i.response, i.slot_id FROM request_invitees i \
                 WHERE i.request_id IN (SELECT id FROM requests WHERE event_id = $1 AND requester_id = $2 \
                 UNION SELECT request_id FROM request_invitees WHERE participant_id = $2) \
                 ORDER BY i.request_id, i.position",
            )
            .param(event)
            .param(p)
            .fetch_all(DB::on(conn))
            .await?
        }
    };
    assemble(&rows, &invitee_rows)
}

/// Inserts a request and its invitees in `tx`, with the notices a new request causes.
pub(super) async fn insert_request<DB: Backend>(
    tx: &mut Transaction<'static, DB>,
    r: &MeetingRequest,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO requests (id, event_id, requester_id, duration_minutes, priority, message, \
         features, status, created_at, updated_at, proposed_slots) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .param(&r.id)
    .param(&r.event_id)
    .param(&r.requester)
    .param(i64::from(r.duration_minutes))
    .param(i64::from(r.priority))
    .param(&r.message)
    .param(to_json(&r.features)?)
    .param(r.status.as_str())
    .param(r.created_at)
    .param(r.updated_at)
    .param(to_json(&r.life.proposed_slots)?)
    .execute(DB::on(tx))
    .await?;
    for (position, invitee) in r.invitees.iter().enumerate() {
        sqlx::query(
            "INSERT INTO request_invitees (request_id, participant_id, position, response, slot_id) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .param(&r.id)
        .param(&invitee.participant)
        .param(position as i64)
        .param(invitee.response.as_str())
        .param(&invitee.slot)
        .execute(DB::on(tx))
        .await?;
    }
    let notices = match r.status {
        RequestStatus::Accepted => notice::mutual_request(&r.event_id, &r.id, &r.participants()),
        _ => {
            let invitees: Vec<String> = r.invitees.iter().map(|i| i.participant.clone()).collect();
            notice::request_created(&r.event_id, &r.id, &invitees)
        }
    };
    enqueue_in(tx, &notices).await?;
    Ok(())
}

#[async_trait]
impl<DB: Backend> RequestStore for SqlStore<DB> {
    async fn create_request(&self, r: &MeetingRequest) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        insert_request(&mut tx, r).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_requests(&self, requests: &[MeetingRequest]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for r in requests {
            insert_request(&mut tx, r).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn request(&self, event: &str, id: &str) -> StoreResult<MeetingRequest> {
        let mut conn = self.pool.acquire().await?;
        request_on::<DB>(&mut conn, event, id).await
    }

    async fn requests(&self, event: &str, participant: Option<&str>) -> StoreResult<Vec<MeetingRequest>> {
        let mut conn = self.pool.acquire().await?;
        requests_on::<DB>(&mut conn, event, participant).await
    }

    async fn requests_page(
        &self,
        event: &str,
        participant: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<MeetingRequest>> {
        let mut conn = self.pool.acquire().await?;
        if let Some(after) = after {
            // The cursor's own row gives the place to start after.
            request_on::<DB>(&mut conn, event, after).await?;
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let (participant, after) = (participant.map(str::to_owned), after.map(str::to_owned));
        // Requests are listed by (created_at, id); a page starts after the cursor's row.
        let rows = sqlx::query(concat!(
            select_requests!(),
            "WHERE r.event_id = $1 AND ($2 IS NULL OR r.requester_id = $2 OR r.id IN \
             (SELECT request_id FROM request_invitees WHERE participant_id = $2)) \
             AND ($3 IS NULL OR (r.created_at, r.id) > (SELECT c.created_at, c.id FROM requests c WHERE c.id = $3)) \
             ORDER BY r.created_at, r.id LIMIT $4"
        ))
        .param(event)
        .param(&participant)
        .param(&after)
        .param(limit)
        .fetch_all(DB::on(&mut conn))
        .await?;
        let mut invitee_rows = Vec::new();
        if !rows.is_empty() {
            let mut query = sqlx::QueryBuilder::<DB>::new(
                "SELECT request_id, participant_id, response, slot_id FROM request_invitees WHERE request_id IN (",
            );
            let mut ids = query.separated(", ");
            for row in &rows {
                ids.push_param(row.read::<String>("id")?);
            }
            query.push(") ORDER BY request_id, position");
            invitee_rows = query.build().fetch_all(DB::on(&mut conn)).await?;
        }
        assemble(&rows, &invitee_rows)
    }

    async fn requests_in(&self, event: &str, ids: &[String]) -> StoreResult<Vec<MeetingRequest>> {
        // Bounded so that no chunk comes near either database's limit on parameters.
        const CHUNK: usize = 1000;
        let mut requests = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let mut query = sqlx::QueryBuilder::<DB>::new(concat!(select_requests!(), "WHERE r.event_id = "));
            query.push_param(event).push(" AND r.id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_param(id);
            }
            query.push(")");
            let rows = query.build().fetch_all(self.db()).await?;
            let mut query = sqlx::QueryBuilder::<DB>::new(
                "SELECT request_id, participant_id, response, slot_id FROM request_invitees WHERE request_id IN (",
            );
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_param(id);
            }
            query.push(") ORDER BY request_id, position");
            let invitee_rows = query.build().fetch_all(self.db()).await?;
            requests.extend(assemble(&rows, &invitee_rows)?);
        }
        Ok(requests)
    }

    async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>> {
        // Participant ids are unique across events: looking requests up by participant alone
        // lets both databases use the participant indexes.
        let rows = sqlx::query(concat!(
            select_requests!(),
            "WHERE r.id IN (SELECT id FROM requests WHERE requester_id = $1 UNION \
             SELECT request_id FROM request_invitees WHERE participant_id = $1) ORDER BY r.created_at, r.id"
        ))
        .param(participant)
        .fetch_all(self.db())
        .await?;
        let invitee_rows = sqlx::query(
            "SELECT request_id, participant_id, response, slot_id FROM request_invitees WHERE request_id IN \
             (SELECT id FROM requests WHERE requester_id = $1 UNION \
              SELECT request_id FROM request_invitees WHERE participant_id = $1) \
             ORDER BY request_id, position",
        )
        .param(participant)
        .fetch_all(self.db())
        .await?;
        let mut requests = assemble(&rows, &invitee_rows)?;
        requests.retain(|r| r.event_id == event);
        Ok(requests)
    }
    async fn accepted_meetings(
        &self,
        _event: &str,
        participants: &[String],
    ) -> StoreResult<HashMap<String, u32>> {
        // Bounded so that no chunk comes near either database's limit on parameters.
        const CHUNK: usize = 1000;
        let mut counts = HashMap::new();
        for chunk in participants.chunks(CHUNK) {
            // By participant only (ids are unique across events), so that the participant
            // indexes are used rather than a scan of the event's requests.
            let mut query = sqlx::QueryBuilder::<DB>::new(
                "SELECT a.participant, COUNT(*) AS meetings FROM (\
                 SELECT r.requester_id AS participant FROM requests r \
                 WHERE r.status = 'accepted' AND r.requester_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in chunk {
                ids.push_param(id);
            }
            query.push(
                ") UNION ALL SELECT i.participant_id AS participant FROM request_invitees i \
                 JOIN requests r ON r.id = i.request_id WHERE r.status = 'accepted' AND i.participant_id IN (",
            );
            let mut ids = query.separated(", ");
            for id in chunk {
                ids.push_param(id);
            }
            query.push(")) a GROUP BY a.participant");
            for row in query.build().fetch_all(self.db()).await? {
                counts.insert(
                    row.read::<String>("participant")?,
                    to_u32(row.read("meetings")?, "accepted meetings")?,
                );
            }
        }
        Ok(counts)
    }
}
