//! The outbox: messages to send, written in the same transaction as the change that causes
//! them ([`enqueue_in`]), claimed by senders under a lease, marked sent, skipped or failed.
//!
//! A sender claims due rows by stamping them with a fresh lease token and an expiry; on
//! PostgreSQL the claim skips rows another sender is claiming (`FOR UPDATE SKIP LOCKED`),
//! on SQLite the write lock serialises claims. Only the current lease holder can settle a
//! row, so a sender that stalled past its lease cannot mark what another one now sends.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Transaction;

use crate::domain::ids::new_id;
use crate::domain::notice::{MessageKind, Notice, Topic};
use crate::store::backend::{Backend, Param, PushParam, Record, RowsAffected, SqlStore};
use crate::store::participants::participant_from;
use crate::store::{Participant, StoreError, StoreResult, from_json, to_json, to_u32};

/// Where a message stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    /// Waiting to be sent (again, after a failed attempt, at `due_at`).
    Pending,
    /// Handed to the mail server, or written to the mail folder.
    Sent,
    /// Given up after too many failed attempts, or refused for good by the mail server.
    Failed,
    /// Not sent, on purpose: no address, the category turned off, or superseded; the reason
    /// is kept.
    Skipped,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 4] = [Self::Pending, Self::Sent, Self::Failed, Self::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One message of the outbox.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: String,
    pub event_id: String,
    pub recipient_id: String,
    pub topic: Topic,
    pub status: MessageStatus,
    /// Attempts that failed so far.
    pub attempts: u32,
    /// When it is (next) due.
    pub due_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// The subject, once rendered.
    pub subject: Option<String>,
    /// Where it went: `smtp`, or the `.eml` file written.
    pub delivery: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A claimed message with its recipient as it is now.
#[derive(Debug, Clone)]
pub struct ClaimedMessage {
    pub message: OutboxMessage,
    pub recipient: Participant,
}

/// Claimed messages and the lease that settles them.
#[derive(Debug, Clone)]
pub struct Claim {
    pub lease: String,
    pub messages: Vec<ClaimedMessage>,
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub enum Settle {
    Sent {
        subject: String,
        delivery: String,
    },
    Skipped {
        reason: String,
    },
    /// Try again at `retry_at`, or (`None`) give up: failed.
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// Not attempted because the mail server could not be reached: back to the queue
    /// without counting an attempt, with the error kept for the organiser to see.
    Deferred {
        error: String,
    },
    /// Not attempted: back to the queue as it was.
    Released,
}

/// Which messages to list.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub status: Option<MessageStatus>,
    pub kind: Option<MessageKind>,
    pub recipient: Option<String>,
    /// Only messages with a larger id (a page's cursor).
    pub after: Option<String>,
    pub limit: u32,
}

/// The outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Queues notices due now, in one transaction; a notice whose dedupe key is already in
    /// the outbox is left out. Returns how many were queued.
    async fn enqueue(&self, notices: &[Notice]) -> StoreResult<u64>;
    /// Whether any message is due at `now` and not leased.
    async fn any_due(&self, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Leases up to `limit` due messages for `lease_for`, oldest due first.
    async fn claim_messages(&self, now: DateTime<Utc>, lease_for: Duration, limit: u32)
    -> StoreResult<Claim>;
    /// Settles a claimed message; false when the lease is no longer held (nothing changed).
    async fn settle_message(&self, id: &str, lease: &str, outcome: &Settle) -> StoreResult<bool>;
    /// An event's messages, in id order.
    async fn messages(&self, event: &str, filter: &MessageFilter) -> StoreResult<Vec<OutboxMessage>>;
    async fn message(&self, event: &str, id: &str) -> StoreResult<OutboxMessage>;
    /// How many messages of an event are in each status.
    async fn message_counts(&self, event: &str) -> StoreResult<BTreeMap<MessageStatus, u64>>;
    /// Puts a failed or skipped message back in the queue, due now, with its attempts reset.
    async fn requeue_message(&self, event: &str, id: &str) -> StoreResult<OutboxMessage>;
}

/// Writes notices to the outbox inside `tx`, due now (the transaction of the change that
/// causes them). Notices whose dedupe key is already there are left out.
pub(super) async fn enqueue_in<DB: Backend>(
    tx: &mut Transaction<'static, DB>,
    notices: &[Notice],
) -> StoreResult<u64> {
    // 11 parameters a row: 500 rows stay far below either database's limit.
    const ROWS: usize = 500;
    let now = Utc::now();
    let mut queued = 0;
    for chunk in notices.chunks(ROWS) {
        let rows: Vec<(&Notice, String)> = chunk
            .iter()
            .map(|n| Ok((n, to_json(&n.topic)?)))
            .collect::<StoreResult<_>>()?;
        let mut query = sqlx::QueryBuilder::<DB>::new(
            "INSERT INTO outbox (id, event_id, recipient_id, kind, topic, dedupe_key, status, attempts, \
             due_at, created_at, updated_at) ",
        );
        query.push_values(rows, |mut row, (n, topic)| {
            row.push_param(new_id("msg"))
                .push_param(&n.event)
                .push_param(&n.recipient)
                .push_param(n.topic.kind().as_str())
                .push_param(topic)
                .push_param(&n.dedupe)
                .push_param(MessageStatus::Pending.as_str())
                .push_param(0_i64)
                .push_param(now)
                .push_param(now)
                .push_param(now);
        });
        query.push(" ON CONFLICT (dedupe_key) DO NOTHING");
        queued += query.build().execute(DB::on(tx)).await?.rows_affected();
    }
    Ok(queued)
}

fn message_from(row: &impl Record) -> StoreResult<OutboxMessage> {
    let status: String = row.read("status")?;
    Ok(OutboxMessage {
        id: row.read("id")?,
        event_id: row.read("event_id")?,
        recipient_id: row.read("recipient_id")?,
        topic: from_json(&row.read::<String>("topic")?)?,
        status: MessageStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("message status {status:?}")))?,
        attempts: to_u32(row.read("attempts")?, "attempts")?,
        due_at: row.read("due_at")?,
        last_error: row.read("last_error")?,
        subject: row.read("subject")?,
        delivery: row.read("delivery")?,
        created_at: row.read("created_at")?,
        updated_at: row.read("updated_at")?,
        sent_at: row.read("sent_at")?,
    })
}

#[async_trait]
impl<DB: Backend> OutboxStore for SqlStore<DB> {
    async fn enqueue(&self, notices: &[Notice]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let queued = enqueue_in(&mut tx, notices).await?;
        tx.commit().await?;
        Ok(queued)
    }

    async fn any_due(&self, now: DateTime<Utc>) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT id FROM outbox WHERE status = 'pending' AND due_at <= $1 \
             AND (lease_until IS NULL OR lease_until < $1) LIMIT 1",
        )
        .param(now)
        .fetch_optional(self.db())
        .await?;
        Ok(row.is_some())
    }

    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_for: Duration,
        limit: u32,
    ) -> StoreResult<Claim> {
        let lease = new_id("lease");
        let until = now + chrono::Duration::from_std(lease_for).unwrap_or(chrono::Duration::minutes(5));
        let mut tx = self.begin_write().await?;
        let claim = format!(
            "UPDATE outbox SET lease_token = $1, lease_until = $2 WHERE id IN (\
             SELECT id FROM outbox WHERE status = 'pending' AND due_at <= $3 \
             AND (lease_until IS NULL OR lease_until < $3) ORDER BY due_at, id LIMIT $4{})",
            DB::SKIP_LOCKED
        );
        sqlx::query(sqlx::AssertSqlSafe(claim))
            .param(&lease)
            .param(until)
            .param(now)
            .param(i64::from(limit))
            .execute(DB::on(&mut tx))
            .await?;
        let rows = sqlx::query("SELECT * FROM outbox WHERE lease_token = $1 ORDER BY due_at, id")
            .param(&lease)
            .fetch_all(DB::on(&mut tx))
            .await?;
        let recipients: HashMap<String, Participant> = sqlx::query(
            "SELECT * FROM participants WHERE id IN (SELECT recipient_id FROM outbox WHERE lease_token = $1)",
        )
        .param(&lease)
        .fetch_all(DB::on(&mut tx))
        .await?
        .iter()
        .map(|row| participant_from(row).map(|p| (p.id.clone(), p)))
        .collect::<StoreResult<_>>()?;
        tx.commit().await?;
        let messages =
            rows.iter()
                .map(|row| {
                    let message = message_from(row)?;
                    let recipient = recipients.get(&message.recipient_id).cloned().ok_or_else(|| {
                        StoreError::Corrupt(format!("message {} has no recipient", message.id))
                    })?;
                    Ok(ClaimedMessage { message, recipient })
                })
                .collect::<StoreResult<_>>()?;
        Ok(Claim { lease, messages })
    }

    async fn settle_message(&self, id: &str, lease: &str, outcome: &Settle) -> StoreResult<bool> {
        let now = Utc::now();
        let query = match outcome {
            Settle::Sent { subject, delivery } => sqlx::query(
                "UPDATE outbox SET status = 'sent', subject = $3, delivery = $4, sent_at = $5, updated_at = $5, \
                 last_error = NULL, lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2",
            )
            .param(id)
            .param(lease)
            .param(subject)
            .param(delivery)
            .param(now),
            Settle::Skipped { reason } => sqlx::query(
                "UPDATE outbox SET status = 'skipped', last_error = $3, updated_at = $4, \
                 lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2",
            )
            .param(id)
            .param(lease)
            .param(reason)
            .param(now),
            Settle::Failed { error, retry_at } => sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $3, updated_at = $4, \
                 status = CASE WHEN $5 = 1 THEN 'pending' ELSE 'failed' END, due_at = $6, \
                 lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2",
            )
            .param(id)
            .param(lease)
            .param(error)
            .param(now)
            .param(i64::from(retry_at.is_some()))
            .param(retry_at.unwrap_or(now)),
            Settle::Deferred { error } => sqlx::query(
                "UPDATE outbox SET last_error = $3, updated_at = $4, lease_token = NULL, lease_until = NULL \
                 WHERE id = $1 AND lease_token = $2",
            )
            .param(id)
            .param(lease)
            .param(error)
            .param(now),
            Settle::Released => sqlx::query(
                "UPDATE outbox SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2",
            )
            .param(id)
            .param(lease),
        };
        Ok(query.execute(self.db()).await?.rows_affected() == 1)
    }

    async fn messages(&self, event: &str, filter: &MessageFilter) -> StoreResult<Vec<OutboxMessage>> {
        let status = filter.status.map(|s| s.as_str().to_owned());
        let kind = filter.kind.map(|k| k.as_str().to_owned());
        // One participant's messages (what the sender asks before each agenda) are found by
        // the recipient index: behind `$4 IS NULL OR …` neither database would use it, and
        // each of 20,000 agendas would scan the event's whole outbox.
        let sql = if filter.recipient.is_some() {
            "SELECT * FROM outbox WHERE recipient_id = $4 AND event_id = $1 AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR kind = $3) AND ($5 IS NULL OR id > $5) ORDER BY id LIMIT $6"
        } else {
            "SELECT * FROM outbox WHERE event_id = $1 AND ($2 IS NULL OR status = $2) \
             AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR recipient_id = $4) AND ($5 IS NULL OR id > $5) \
             ORDER BY id LIMIT $6"
        };
        let rows = sqlx::query(sql)
            .param(event)
            .param(&status)
            .param(&kind)
            .param(&filter.recipient)
            .param(&filter.after)
            .param(i64::from(filter.limit.max(1)))
            .fetch_all(self.db())
            .await?;
        rows.iter().map(message_from).collect()
    }

    async fn message(&self, event: &str, id: &str) -> StoreResult<OutboxMessage> {
        let row = sqlx::query("SELECT * FROM outbox WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        message_from(&row)
    }

    async fn message_counts(&self, event: &str) -> StoreResult<BTreeMap<MessageStatus, u64>> {
        let rows =
            sqlx::query("SELECT status, COUNT(*) AS n FROM outbox WHERE event_id = $1 GROUP BY status")
                .param(event)
                .fetch_all(self.db())
                .await?;
        let mut counts: BTreeMap<MessageStatus, u64> =
            MessageStatus::ALL.into_iter().map(|s| (s, 0)).collect();
        for row in rows {
            let status: String = row.read("status")?;
            let status = MessageStatus::parse(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("message status {status:?}")))?;
            counts.insert(status, u64::try_from(row.read::<i64>("n")?).unwrap_or(0));
        }
        Ok(counts)
    }

    async fn requeue_message(&self, event: &str, id: &str) -> StoreResult<OutboxMessage> {
        let now = Utc::now();
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, due_at = $1, updated_at = $1 \
             WHERE event_id = $2 AND id = $3 AND status IN ('failed', 'skipped')",
        )
        .param(now)
        .param(event)
        .param(id)
        .execute(self.db())
        .await?;
        let message = self.message(event, id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the message is {}; only a failed or skipped message can be sent again",
                message.status.as_str()
            )));
        }
        Ok(message)
    }
}
