//! The organiser's pins: accepted requests held at a slot (and maybe a room) by every solve.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::meeting::may_pin;
use crate::store::backend::{Backend, Param, PushParam, Record, RowsAffected, SqlStore};
use crate::store::requests::request_on;
use crate::store::{StoreError, StoreResult};

/// A pin: the request's first slot and, unless only the time is pinned, its room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: Option<String>,
    pub pinned_at: DateTime<Utc>,
}

/// The event's pins and the revision they were read at.
#[derive(Debug, Clone)]
pub struct PinSet {
    /// Raised by every stored pin; a pin is stored only at the revision it was checked at.
    pub revision: i64,
    pub pins: Vec<Pin>,
}

/// The pins of each event.
#[async_trait]
pub trait PinStore: Send + Sync + 'static {
    /// The event's pins of accepted requests (a pin of a request withdrawn or declined
    /// since holds nothing), with their revision.
    async fn pins(&self, event: &str) -> StoreResult<PinSet>;
    /// The pins of accepted requests among `requests` (a window of the board's).
    async fn pins_of(&self, event: &str, requests: &[String]) -> StoreResult<Vec<Pin>>;
    /// Stores (or moves) a pin if the event's pins are still at `revision`: `Ok(false)`
    /// when another pin was stored since (check again). A `Conflict` when the domain's rule
    /// refuses the pin (`crate::domain::meeting::may_pin`); `NotFound` when the event or the
    /// request does not exist.
    async fn put_pin(&self, event: &str, pin: &Pin, revision: i64) -> StoreResult<bool>;
    /// Removes a request's pin; returns whether there was one.
    async fn remove_pin(&self, event: &str, request: &str) -> StoreResult<bool>;
}

fn pin_from(row: &impl Record) -> StoreResult<Pin> {
    Ok(Pin {
        request_id: row.read("request_id")?,
        slot_id: row.read("slot_id")?,
        room_id: row.read("room_id")?,
        pinned_at: row.read("pinned_at")?,
    })
}

#[async_trait]
impl<DB: Backend> PinStore for SqlStore<DB> {
    async fn pins(&self, event: &str) -> StoreResult<PinSet> {
        // One transaction: the revision and the pins are read together.
        let mut tx = self.pool.begin().await?;
        let revision: i64 = sqlx::query("SELECT pins_revision FROM events WHERE id = $1")
            .param(event)
            .fetch_optional(DB::on(&mut tx))
            .await?
            .ok_or(StoreError::NotFound)?
            .read("pins_revision")?;
        let pins = sqlx::query(
            "SELECT p.request_id, p.slot_id, p.room_id, p.pinned_at FROM pins p \
             JOIN requests r ON r.id = p.request_id \
             WHERE p.event_id = $1 AND r.status = 'accepted' ORDER BY p.pinned_at, p.request_id",
        )
        .param(event)
        .fetch_all(DB::on(&mut tx))
        .await?
        .iter()
        .map(pin_from)
        .collect::<StoreResult<Vec<_>>>()?;
        tx.commit().await?;
        Ok(PinSet { revision, pins })
    }

    async fn pins_of(&self, event: &str, requests: &[String]) -> StoreResult<Vec<Pin>> {
        // Bounded so that no chunk comes near either database's limit on parameters.
        const CHUNK: usize = 1000;
        let mut pins = Vec::new();
        for chunk in requests.chunks(CHUNK) {
            let mut query = sqlx::QueryBuilder::<DB>::new(
                "SELECT p.request_id, p.slot_id, p.room_id, p.pinned_at FROM pins p \
                 JOIN requests r ON r.id = p.request_id WHERE r.status = 'accepted' AND p.event_id = ",
            );
            query.push_param(event).push(" AND p.request_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_param(id);
            }
            query.push(")");
            for row in query.build().fetch_all(self.db()).await? {
                pins.push(pin_from(&row)?);
            }
        }
        Ok(pins)
    }

    async fn put_pin(&self, event: &str, pin: &Pin, revision: i64) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        // Taking the event's row first queues pin writes of one event behind each other.
        let moved = sqlx::query(
            "UPDATE events SET pins_revision = pins_revision + 1 WHERE id = $1 AND pins_revision = $2",
        )
        .param(event)
        .param(revision)
        .execute(DB::on(&mut tx))
        .await?;
        if moved.rows_affected() == 0 {
            let exists = sqlx::query("SELECT 1 AS one FROM events WHERE id = $1")
                .param(event)
                .fetch_optional(DB::on(&mut tx))
                .await?;
            return match exists {
                Some(_) => Ok(false),
                None => Err(StoreError::NotFound),
            };
        }
        // The domain's rule, on the request and its meeting as they are under the lock.
        let request = request_on::<DB>(&mut tx, event, &pin.request_id).await?;
        may_pin(
            request.status,
            request.life.meeting.as_ref(),
            &pin.slot_id,
            pin.room_id.as_deref(),
        )
        .map_err(|refused| StoreError::Conflict(refused.message()))?;
        sqlx::query(
            "INSERT INTO pins (event_id, request_id, slot_id, room_id, pinned_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (event_id, request_id) DO UPDATE SET slot_id = excluded.slot_id, \
             room_id = excluded.room_id, pinned_at = excluded.pinned_at",
        )
        .param(event)
        .param(&pin.request_id)
        .param(&pin.slot_id)
        .param(&pin.room_id)
        .param(pin.pinned_at)
        .execute(DB::on(&mut tx))
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn remove_pin(&self, event: &str, request: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM pins WHERE event_id = $1 AND request_id = $2")
            .param(event)
            .param(request)
            .execute(self.db())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
