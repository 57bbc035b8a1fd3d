//! Meeting requests: who asked whom, and each invitee's answer.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Transaction;

use crate::domain::notice;
use crate::domain::{RequestStatus, Response};
use crate::store::backend::{Backend, Param, PushParam, Record, RowsAffected, SqlStore};
use crate::store::outbox::enqueue_in;
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// One invitee of a request and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitee {
    pub participant: String,
    pub response: Response,
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
    /// The requests `participant` asked or was asked, with their invitees.
    async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>>;
    /// How many accepted requests each of `participants` is part of (absent: none).
    async fn accepted_meetings(
        &self,
        event: &str,
        participants: &[String],
    ) -> StoreResult<HashMap<String, u32>>;
    /// An invitee's answer: only from a pending answer on a pending request. The request
    /// becomes accepted when every invitee accepted, declined when one declines.
    async fn respond(
        &self,
        event: &str,
        id: &str,
        invitee: &str,
        answer: Response,
    ) -> StoreResult<MeetingRequest>;
    /// The requester withdraws a pending or accepted request.
    async fn withdraw(&self, event: &str, id: &str) -> StoreResult<MeetingRequest>;
}

fn status_from(text: &str) -> StoreResult<RequestStatus> {
    RequestStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("request status {text:?}")))
}

fn response_from(text: &str) -> StoreResult<Response> {
    Response::parse(text).ok_or_else(|| StoreError::Corrupt(format!("response {text:?}")))
}

fn request_from(row: &impl Record, invitees: Vec<Invitee>) -> StoreResult<MeetingRequest> {
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
    })
}

fn invitee_from(row: &impl Record) -> StoreResult<Invitee> {
    Ok(Invitee {
        participant: row.read("participant_id")?,
        response: response_from(&row.read::<String>("response")?)?,
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

/// Inserts a request and its invitees in `tx`, with the notices a new request causes.
pub(super) async fn insert_request<DB: Backend>(
    tx: &mut Transaction<'static, DB>,
    r: &MeetingRequest,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO requests (id, event_id, requester_id, duration_minutes, priority, message, \
         features, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .execute(DB::on(tx))
    .await?;
    for (position, invitee) in r.invitees.iter().enumerate() {
        sqlx::query(
            "INSERT INTO request_invitees (request_id, participant_id, position, response) \
             VALUES ($1, $2, $3, $4)",
        )
        .param(&r.id)
        .param(&invitee.participant)
        .param(position as i64)
        .param(invitee.response.as_str())
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
        let row = sqlx::query("SELECT * FROM requests WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        let invitees = sqlx::query(
            "SELECT participant_id, response FROM request_invitees WHERE request_id = $1 ORDER BY position",
        )
        .param(id)
        .fetch_all(self.db())
        .await?
        .iter()
        .map(invitee_from)
        .collect::<StoreResult<Vec<_>>>()?;
        request_from(&row, invitees)
    }

    async fn requests(&self, event: &str, participant: Option<&str>) -> StoreResult<Vec<MeetingRequest>> {
        let rows = match participant {
            None => {
                sqlx::query("SELECT * FROM requests WHERE event_id = $1 ORDER BY created_at, id")
                    .param(event)
                    .fetch_all(self.db())
                    .await?
            }
            Some(p) => {
                sqlx::query(
                    "SELECT * FROM requests WHERE event_id = $1 AND (requester_id = $2 OR id IN \
                     (SELECT request_id FROM request_invitees WHERE participant_id = $2)) \
                     ORDER BY created_at, id",
                )
                .param(event)
                .param(p)
                .fetch_all(self.db())
                .await?
            }
        };
        let invitee_rows = sqlx::query(
            "SELECT i.request_id, i.participant_id, i.response FROM request_invitees i \
             JOIN requests r ON r.id = i.request_id WHERE r.event_id = $1 \
             ORDER BY i.request_id, i.position",
        )
        .param(event)
        .fetch_all(self.db())
        .await?;
        let mut invitees = invitees_by_request(&invitee_rows)?;
        rows.iter()
            .map(|row| {
                let id: String = row.read("id")?;
                request_from(row, invitees.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>> {
        // Participant ids are unique across events: looking requests up by participant alone
        // lets both databases use the participant indexes.
        let rows = sqlx::query(
            "SELECT * FROM requests WHERE requester_id = $1 UNION \
             SELECT r.* FROM requests r JOIN request_invitees i ON i.request_id = r.id \
             WHERE i.participant_id = $1 ORDER BY created_at, id",
        )
        .param(participant)
        .fetch_all(self.db())
        .await?;
        let invitee_rows = sqlx::query(
            "SELECT request_id, participant_id, response FROM request_invitees WHERE request_id IN \
             (SELECT id FROM requests WHERE requester_id = $1 UNION \
              SELECT request_id FROM request_invitees WHERE participant_id = $1) \
             ORDER BY request_id, position",
        )
        .param(participant)
        .fetch_all(self.db())
        .await?;
        let mut invitees = invitees_by_request(&invitee_rows)?;
        rows.iter()
            .filter(|row| row.read::<String>("event_id").is_ok_and(|e| e == event))
            .map(|row| {
                let id: String = row.read("id")?;
                request_from(row, invitees.remove(&id).unwrap_or_default())
            })
            .collect()
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

    async fn respond(
        &self,
        event: &str,
        id: &str,
        invitee: &str,
        answer: Response,
    ) -> StoreResult<MeetingRequest> {
        let mut tx = self.begin_write().await?;
        let now = Utc::now();
        // Taking the request row first serialises answers to the same request.
        let locked = sqlx::query(
            "UPDATE requests SET updated_at = $1 WHERE event_id = $2 AND id = $3 AND status = 'pending'",
        )
        .param(now)
        .param(event)
        .param(id)
        .execute(DB::on(&mut tx))
        .await?;
        if locked.rows_affected() == 0 {
            drop(tx);
            let current = self.request(event, id).await?;
            return Err(StoreError::Conflict(format!(
                "the request is {}, not pending",
                current.status.as_str()
            )));
        }
        let answered = sqlx::query(
            "UPDATE request_invitees SET response = $1 \
             WHERE request_id = $2 AND participant_id = $3 AND response = 'pending'",
        )
        .param(answer.as_str())
        .param(id)
        .param(invitee)
        .execute(DB::on(&mut tx))
        .await?;
        if answered.rows_affected() == 0 {
            return Err(StoreError::Conflict("this invitee has already answered".into()));
        }
        match answer {
            Response::Declined => {
                sqlx::query("UPDATE requests SET status = 'declined' WHERE id = $1 AND status = 'pending'")
                    .param(id)
                    .execute(DB::on(&mut tx))
                    .await?;
            }
            Response::Accepted => {
                sqlx::query(
                    "UPDATE requests SET status = 'accepted' WHERE id = $1 AND status = 'pending' \
                     AND NOT EXISTS (SELECT 1 FROM request_invitees \
                     WHERE request_id = $1 AND response <> 'accepted')",
                )
                .param(id)
                .execute(DB::on(&mut tx))
                .await?;
            }
            Response::Pending => {
                return Err(StoreError::Conflict("an answer is accepted or declined".into()));
            }
        }
        let after = sqlx::query("SELECT status, requester_id FROM requests WHERE id = $1")
            .param(id)
            .fetch_one(DB::on(&mut tx))
            .await?;
        let status = status_from(&after.read::<String>("status")?)?;
        let requester: String = after.read("requester_id")?;
        enqueue_in(&mut tx, &notice::request_answered(event, id, &requester, status)).await?;
        tx.commit().await?;
        self.request(event, id).await
    }

    async fn withdraw(&self, event: &str, id: &str) -> StoreResult<MeetingRequest> {
        let done = sqlx::query(
            "UPDATE requests SET status = 'withdrawn', updated_at = $1 \
             WHERE event_id = $2 AND id = $3 AND status IN ('pending', 'accepted')",
        )
        .param(Utc::now())
        .param(event)
        .param(id)
        .execute(self.db())
        .await?;
        let current = self.request(event, id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the request is {}; only pending or accepted requests can be withdrawn",
                current.status.as_str()
            )));
        }
        debug_assert_eq!(current.status, RequestStatus::Withdrawn);
        Ok(current)
    }
}
