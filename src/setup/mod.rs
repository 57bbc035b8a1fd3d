//! The organiser's set-up operations — events, rooms, participants imported from CSV and
//! their sign-in links — shared by the JSON API and the organiser's pages: every rule is
//! checked here (or in the domain), once.

mod events;
mod participants;
mod rooms;

pub use events::{
    MAX_REMINDER_MINUTES, MAX_WAIT_SPREAD, NewEvent, check_max_wait_spread, check_reminder_minutes,
    create_event,
};
pub use participants::{Imported, import_participants, new_sign_in_token};
pub use rooms::{RoomInput, create_room, update_room};

use crate::domain::Invalid;
use crate::store::StoreError;

/// Why a set-up change was not made (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Invalid> for SetupError {
    fn from(e: Invalid) -> Self {
        SetupError::Invalid(e)
    }
}
