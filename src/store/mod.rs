//! Storage: one [`Store`] trait made of one trait per aggregate, and two sqlx backends
//! behind it ([`sqlite::SqliteStore`], the embedded default, and [`postgres::PgStore`]).
//! Handlers and jobs only see these traits and their records, never SQL.
//!
//! Each aggregate's module holds its records, its trait and its SQL, written once for every
//! [`backend::Backend`]; SQLite and PostgreSQL accept the same statements (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`, partial indexes) and their migrations differ only in column
//! types. Typed pools, because `AnyPool` cannot carry chrono timestamps.

use std::sync::Arc;

pub mod backend;
mod board;
mod events;
pub mod idempotency;
mod matchmaking;
mod meetings;
mod outbox;
mod participants;
mod pins;
pub mod postgres;
mod requests;
mod rooms;
mod runs;
mod sessions;
mod settings;
pub mod sqlite;
mod timetables;

pub use board::{BoardStore, Counts, LeftOut, Placement};
pub use events::{Event, EventStore};
pub use idempotency::{IdempotencyClock, IdempotencyStart, IdempotencyStore, Reservation, StoredResponse};
pub use matchmaking::{Interest, Marked, MatchmakingStore, ProfileChanges};
pub use meetings::{Feedback, LiveTimetable, MeetingStore, Transition};
pub use outbox::{Claim, ClaimedMessage, MessageFilter, MessageStatus, OutboxMessage, OutboxStore, Settle};
pub use participants::{ERASED_NAME, Participant, ParticipantStore};
pub use pins::{Pin, PinSet, PinStore};
pub use requests::{Invitee, MeetingRequest, RequestLife, RequestStore};
pub use rooms::{Room, RoomStore};
pub use runs::{RunResult, RunStatus, RunStore, ScheduleRun};
pub use sessions::{Principal, SessionStore, WebSession};
pub use settings::SettingsStore;
pub use timetables::{
    PlacedMeeting, Publication, Timetable, TimetableMeeting, TimetableStore, VersionRecord,
    find_double_booking,
};

/// The store's traits, for code that calls them on a concrete store (`&dyn Store` and
/// `S: Store` need no import): `use crate::store::prelude::*;`.
pub mod prelude {
    pub use super::{
        BoardStore, EventStore, IdempotencyStore, MatchmakingStore, MeetingStore, OutboxStore,
        ParticipantStore, PinStore, RequestStore, RoomStore, RunStore, SessionStore, SettingsStore, Store,
        TimetableStore,
    };
}

/// A shared handle on whichever backend the configuration chose.
pub type DynStore = Arc<dyn Store>;

/// Opens the store named by a `sqlite://…` or `postgres://…` URL and runs its migrations.
pub async fn connect(url: &str) -> anyhow::Result<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else {
        anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://")
    }
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such object (in this event).
    #[error("not found")]
    NotFound,
    /// The object is not in a state that allows this change; the message says why.
    #[error("{0}")]
    Conflict(String),
    /// The object is not at the revision the caller's copy is of (`If-Match`); its
    /// revision now.
    #[error("changed since it was read; its revision is now {0}")]
    Stale(i64),
    /// The run is older than the one whose schedule is published (`version`): publishing it
    /// would revert the timetable.
    #[error(
        "run {run} is older than run {published_run}, whose schedule is published (version {version}): \
         publishing it would revert the timetable; solve again"
    )]
    OlderRun {
        run: String,
        published_run: String,
        version: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Database(sqlx::Error),
    /// A stored value could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The meeting cannot be booked at that slot now; the nearest free ones are given.
    #[error("{}", .0.why.detail(&.0.slot))]
    Unbookable(Box<crate::domain::booking::Refused>),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        // PostgreSQL cannot hold a NUL in text (SQLSTATE 22021, "invalid byte sequence"): a
        // lookup by an id holding one matches nothing, as on SQLite, instead of failing. No
        // write gets here with one: every text field refuses control characters first.
        if let sqlx::Error::Database(db) = &err
            && db.code().as_deref() == Some("22021")
        {
            return StoreError::NotFound;
        }
        StoreError::Database(err)
    }
}

impl StoreError {
    /// The database cannot serve now: unreachable, restarting, saturated, locked too long or
    /// out of space. The request itself was fine and may be retried (503, not 500).
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Database(err) = self else {
            return false;
        };
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => true,
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                    // Primary result codes (the low byte of extended ones): BUSY, LOCKED,
                    // IOERR, FULL, CANTOPEN.
                    code.parse::<u32>()
                        .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14))
                } else {
                    // SQLSTATE classes: connection exception, insufficient resources (disk
                    // full, too many connections), operator intervention (shutdown,
                    // restart), system error.
                    ["08", "53", "57P", "58"]
                        .iter()
                        .any(|class| code.starts_with(class))
                }
            }
            _ => false,
        }
    }
}

/// Longest a request waits for a database connection. Past it the answer is 503: the pool
/// is saturated, or the database is down (the pool keeps trying to reconnect meanwhile).
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the service keeps: every aggregate's trait. Implemented by the SQLite and the
/// PostgreSQL backend with the same behaviour; the store test suite runs on both.
pub trait Store:
    SettingsStore
    + EventStore
    + RoomStore
    + ParticipantStore
    + RequestStore
    + RunStore
    + TimetableStore
    + MatchmakingStore
    + MeetingStore
    + IdempotencyStore
    + OutboxStore
    + PinStore
    + SessionStore
    + BoardStore
{
}

impl<S> Store for S where
    S: SettingsStore
        + EventStore
        + RoomStore
        + ParticipantStore
        + RequestStore
        + RunStore
        + TimetableStore
        + MatchmakingStore
        + MeetingStore
        + IdempotencyStore
        + OutboxStore
        + PinStore
        + SessionStore
        + BoardStore
{
}

/// A value as stored JSON text.
fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A value read back from stored JSON text.
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored integer that must fit a `u32`.
fn to_u32(value: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}
