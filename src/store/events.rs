//! Events: the expo itself, its days and slot length.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::{DaySpec, EventSpec};
use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// An event as stored.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub name: String,
    pub timezone: String,
    pub slot_minutes: u32,
    pub days: Vec<DaySpec>,
    /// The published timetable's version, if any.
    pub timetable_version: Option<i64>,
    /// Raised by every change of the live timetable (bookings, moves, cancellations,
    /// publishes): what agenda caches and ETags follow.
    pub meetings_revision: i64,
    /// How long a pending request waits for its answers before it expires.
    pub request_expiry_hours: u32,
    pub created_at: DateTime<Utc>,
    /// Minutes before each meeting its reminder goes; 0: none.
    pub reminder_minutes: u32,
    /// Fairness: the waits of any two participants differ by at most this many, a hard
    /// rule of every solve (`max_wait_spread` in the problem); `None`: no such rule.
    pub max_wait_spread: Option<u32>,
}

impl Event {
    /// The validated event with its slots.
    pub fn spec(&self) -> StoreResult<EventSpec> {
        EventSpec::new(&self.name, &self.timezone, self.slot_minutes, self.days.clone())
            .map_err(|e| StoreError::Corrupt(format!("event {}: {:?}", self.id, e.0)))
    }
}

/// The events.
#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Creates an event (no timetable yet).
    async fn create_event(&self, event: &Event) -> StoreResult<()>;
    /// The event with this id.
    async fn event(&self, id: &str) -> StoreResult<Event>;
    /// Every event, oldest first.
    async fn events(&self) -> StoreResult<Vec<Event>>;
    /// Sets how many minutes before each meeting its reminder goes (0: none).
    async fn set_reminder_minutes(&self, id: &str, minutes: u32) -> StoreResult<()>;
    /// Sets how long the event's pending requests wait for their answers.
    async fn set_request_expiry(&self, id: &str, hours: u32) -> StoreResult<Event>;
    /// Sets (or with `None` removes) the event's fairness rule.
    async fn set_max_wait_spread(&self, id: &str, spread: Option<u32>) -> StoreResult<Event>;
}

pub(super) fn event_from(row: &impl Record) -> StoreResult<Event> {
    Ok(Event {
        id: row.read("id")?,
        name: row.read("name")?,
        timezone: row.read("timezone")?,
        slot_minutes: to_u32(row.read("slot_minutes")?, "slot_minutes")?,
        days: from_json(&row.read::<String>("days")?)?,
        timetable_version: row.read("timetable_version")?,
        meetings_revision: row.read("meetings_revision")?,
        request_expiry_hours: to_u32(row.read("request_expiry_hours")?, "request_expiry_hours")?,
        created_at: row.read("created_at")?,
        reminder_minutes: to_u32(row.read("reminder_minutes")?, "reminder_minutes")?,
        max_wait_spread: row
            .read::<Option<i64>>("max_wait_spread")?
            .map(|spread| to_u32(spread, "max_wait_spread"))
            .transpose()?,
    })
}

#[async_trait]
impl<DB: Backend> EventStore for SqlStore<DB> {
    async fn create_event(&self, event: &Event) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO events (id, name, timezone, slot_minutes, days, timetable_version, created_at, \
             request_expiry_hours, reminder_minutes, max_wait_spread) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)",
        )
        .param(&event.id)
        .param(&event.name)
        .param(&event.timezone)
        .param(i64::from(event.slot_minutes))
        .param(to_json(&event.days)?)
        .param(event.created_at)
        .param(i64::from(event.request_expiry_hours))
        .param(i64::from(event.reminder_minutes))
        .param(event.max_wait_spread.map(i64::from))
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn event(&self, id: &str) -> StoreResult<Event> {
        let row = sqlx::query("SELECT * FROM events WHERE id = $1")
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        event_from(&row)
    }

    async fn events(&self) -> StoreResult<Vec<Event>> {
        let rows = sqlx::query("SELECT * FROM events ORDER BY created_at, id")
            .fetch_all(self.db())
            .await?;
        rows.iter().map(event_from).collect()
    }

    async fn set_reminder_minutes(&self, id: &str, minutes: u32) -> StoreResult<()> {
        let done = sqlx::query("UPDATE events SET reminder_minutes = $1 WHERE id = $2")
            .param(i64::from(minutes))
            .param(id)
            .execute(self.db())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_request_expiry(&self, id: &str, hours: u32) -> StoreResult<Event> {
        let row = sqlx::query("UPDATE events SET request_expiry_hours = $1 WHERE id = $2 RETURNING *")
            .param(i64::from(hours))
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        event_from(&row)
    }

    async fn set_max_wait_spread(&self, id: &str, spread: Option<u32>) -> StoreResult<Event> {
        let row = sqlx::query("UPDATE events SET max_wait_spread = $1 WHERE id = $2 RETURNING *")
            .param(spread.map(i64::from))
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        event_from(&row)
    }
}
