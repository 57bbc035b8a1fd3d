//! Rooms and tables: seats, features, unavailable slots.

use super::SetupError;
use crate::domain::ids::new_id;
use crate::domain::{Invalid, Rule, labels, text};
use crate::store::{Room, Store};

/// Most seats in one room.
pub const MAX_CAPACITY: u32 = 1000;

/// A room as the organiser describes it.
pub struct RoomInput {
    pub name: String,
    pub capacity: u32,
    pub features: Vec<String>,
    pub unavailable: Vec<String>,
}

async fn checked(store: &dyn Store, event: &str, id: String, input: &RoomInput) -> Result<Room, SetupError> {
    let spec = store.event(event).await?.spec()?;
    let mut errors = Invalid::default();
    let name = text(&input.name, 200, "/name", &mut errors);
    if !(1..=MAX_CAPACITY).contains(&input.capacity) {
        errors.broke(
            "/capacity",
            Rule::Between {
                min: 1,
                max: MAX_CAPACITY,
            },
        );
    }
    let features = labels(&input.features, "/features", &mut errors);
    let unavailable = spec.slot_ids(&input.unavailable, "/unavailable", &mut errors);
    Ok(errors.into_result(Room {
        id,
        event_id: event.to_string(),
        name,
        capacity: input.capacity,
        features,
        unavailable,
    })?)
}

/// Checks and adds a room to the event.
pub async fn create_room(store: &dyn Store, event: &str, input: &RoomInput) -> Result<Room, SetupError> {
    let room = checked(store, event, new_id("room"), input).await?;
    store.create_room(&room).await?;
    Ok(room)
}

/// Checks and replaces a room's name, seats, features and unavailable slots.
pub async fn update_room(
    store: &dyn Store,
    event: &str,
    id: &str,
    input: &RoomInput,
) -> Result<Room, SetupError> {
    store.room(event, id).await?;
    let room = checked(store, event, id.to_string(), input).await?;
    store.update_room(&room).await?;
    Ok(room)
}
