//! Rooms: the tables and meeting rooms of an event.

use std::collections::BTreeSet;

use async_trait::async_trait;
use chrono::Utc;

use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult, from_json, to_json, to_u32};

/// A table or meeting room.
#[derive(Debug, Clone, PartialEq)]
pub struct Room {
    pub id: String,
    pub event_id: String,
    pub name: String,
    pub capacity: u32,
    pub features: Vec<String>,
    pub unavailable: Vec<String>,
}

/// The rooms of each event.
#[async_trait]
pub trait RoomStore: Send + Sync + 'static {
    /// Adds a room to its event.
    async fn create_room(&self, room: &Room) -> StoreResult<()>;
    /// The room `id` of the event.
    async fn room(&self, event: &str, id: &str) -> StoreResult<Room>;
    /// Replaces a room's name, seats, features and unavailable slots.
    async fn update_room(&self, room: &Room) -> StoreResult<()>;
    /// The rooms of an event, in the order they were added.
    async fn rooms(&self, event: &str) -> StoreResult<Vec<Room>>;
    /// Every feature some room of the event has, in order: what a request may ask for.
    async fn room_features(&self, event: &str) -> StoreResult<BTreeSet<String>>;
}

pub(super) fn room_from(row: &impl Record) -> StoreResult<Room> {
    Ok(Room {
        id: row.read("id")?,
        event_id: row.read("event_id")?,
        name: row.read("name")?,
        capacity: to_u32(row.read("capacity")?, "capacity")?,
        features: from_json(&row.read::<String>("features")?)?,
        unavailable: from_json(&row.read::<String>("unavailable")?)?,
    })
}

#[async_trait]
impl<DB: Backend> RoomStore for SqlStore<DB> {
    async fn create_room(&self, room: &Room) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO rooms (id, event_id, name, capacity, features, unavailable, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .param(&room.id)
        .param(&room.event_id)
        .param(&room.name)
        .param(i64::from(room.capacity))
        .param(to_json(&room.features)?)
        .param(to_json(&room.unavailable)?)
        .param(Utc::now())
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn room(&self, event: &str, id: &str) -> StoreResult<Room> {
        let row = sqlx::query("SELECT * FROM rooms WHERE event_id = $1 AND id = $2")
            .param(event)
            .param(id)
            .fetch_optional(self.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        room_from(&row)
    }

    async fn update_room(&self, room: &Room) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE rooms SET name = $1, capacity = $2, features = $3, unavailable = $4 \
             WHERE event_id = $5 AND id = $6",
        )
        .param(&room.name)
        .param(i64::from(room.capacity))
        .param(to_json(&room.features)?)
        .param(to_json(&room.unavailable)?)
        .param(&room.event_id)
        .param(&room.id)
        .execute(self.db())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn rooms(&self, event: &str) -> StoreResult<Vec<Room>> {
        let rows = sqlx::query("SELECT * FROM rooms WHERE event_id = $1 ORDER BY created_at, id")
            .param(event)
            .fetch_all(self.db())
            .await?;
        rows.iter().map(room_from).collect()
    }

    async fn room_features(&self, event: &str) -> StoreResult<BTreeSet<String>> {
        // Rooms of one equipment share one stored list: each distinct list is read once.
        let rows = sqlx::query("SELECT DISTINCT features FROM rooms WHERE event_id = $1")
            .param(event)
            .fetch_all(self.db())
            .await?;
        let mut features = BTreeSet::new();
        for row in rows {
            features.extend(from_json::<Vec<String>>(&row.read::<String>("features")?)?);
        }
        Ok(features)
    }
}
