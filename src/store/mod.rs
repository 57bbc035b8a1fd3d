//! Storage: one [`Store`] trait, two sqlx backends behind it ([`sqlite::SqliteStore`], the
//! embedded default, and [`postgres::PgStore`]). Handlers and jobs only see this trait and
//! its models, never SQL.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::matchmaking::BoostRule;
use crate::domain::participant::Profile;
use crate::domain::{DaySpec, EventSpec, ParticipantKind, RequestStatus, Response};

#[macro_use]
mod sql;
pub mod postgres;
pub mod sqlite;

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
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

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
    pub created_at: DateTime<Utc>,
}

impl Event {
    /// The validated event with its slots.
    pub fn spec(&self) -> StoreResult<EventSpec> {
        EventSpec::new(&self.name, &self.timezone, self.slot_minutes, self.days.clone())
            .map_err(|e| StoreError::Corrupt(format!("event {}: {:?}", self.id, e.0)))
    }
}

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

/// A participant with its whole profile, public and private.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: String,
    pub event_id: String,
    pub name: String,
    pub kind: ParticipantKind,
    pub organization: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub size: u32,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub offers: Vec<String>,
    pub seeks: Vec<String>,
    pub max_meetings: Option<u32>,
    pub unavailable: Vec<String>,
}

impl Participant {
    /// A new participant of `event_id` with a checked profile.
    pub fn new(id: String, event_id: &str, profile: Profile) -> Self {
        let Profile {
            name,
            kind,
            organization,
            city,
            country,
            size,
            languages,
            topics,
            offers,
            seeks,
            max_meetings,
            unavailable,
        } = profile;
        Self {
            id,
            event_id: event_id.to_owned(),
            name,
            kind,
            organization,
            city,
            country,
            size,
            languages,
            topics,
            offers,
            seeks,
            max_meetings,
            unavailable,
        }
    }

    /// The profile, to be changed through the domain's rules.
    pub fn profile(&self) -> Profile {
        Profile {
            name: self.name.clone(),
            kind: self.kind,
            organization: self.organization.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            size: self.size,
            languages: self.languages.clone(),
            topics: self.topics.clone(),
            offers: self.offers.clone(),
            seeks: self.seeks.clone(),
            max_meetings: self.max_meetings,
            unavailable: self.unavailable.clone(),
        }
    }

    /// Takes every field of a checked profile.
    pub fn set_profile(&mut self, profile: Profile) {
        let id = std::mem::take(&mut self.id);
        let event_id = std::mem::take(&mut self.event_id);
        *self = Self::new(id, &event_id, profile);
    }
}

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

/// Where a schedule run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl RunStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One solve run and, once done, its schedule.
#[derive(Debug, Clone)]
pub struct ScheduleRun {
    pub id: String,
    pub event_id: String,
    pub status: RunStatus,
    pub time_limit_seconds: u32,
    pub objective: Option<i64>,
    pub bound: Option<i64>,
    pub placed: Option<i64>,
    pub unscheduled: Option<i64>,
    /// The latest progress report (JSON).
    pub progress: Option<serde_json::Value>,
    /// The `rendezvous-problem/1` document the run solved (JSON text).
    pub problem: Option<String>,
    /// The `rendezvous-solution/1` document (JSON text), once done.
    pub solution: Option<String>,
    pub error: Option<String>,
    /// How many times a worker started it (more than 1: a worker died and another took over).
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ScheduleRun {
    /// A run just created: queued, nothing found yet.
    pub fn queued(id: impl Into<String>, event_id: impl Into<String>, time_limit_seconds: u32) -> Self {
        let now = Utc::now();
        Self {
            id: id.into(),
            event_id: event_id.into(),
            status: RunStatus::Queued,
            time_limit_seconds,
            objective: None,
            bound: None,
            placed: None,
            unscheduled: None,
            progress: None,
            problem: None,
            solution: None,
            error: None,
            attempts: 0,
            created_at: now,
            updated_at: now,
        }
    }
}

/// What a finished run found.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub objective: i64,
    pub bound: Option<i64>,
    pub placed: i64,
    pub unscheduled: i64,
    pub solution: String,
}

/// The first double-booking among meetings to publish, as a `Conflict` naming it: a meeting
/// placed twice, a room or a participant in two meetings at once.
pub fn find_double_booking(meetings: &[PlacedMeeting]) -> StoreResult<()> {
    use std::collections::HashSet;
    let mut requests = HashSet::new();
    let mut rooms = HashSet::new();
    let mut participants = HashSet::new();
    for m in meetings {
        if !requests.insert(m.request_id.as_str()) {
            return Err(StoreError::Conflict(format!(
                "meeting {} is placed twice",
                m.request_id
            )));
        }
        for slot in &m.occupied_slots {
            if !rooms.insert((m.room_id.as_str(), slot.as_str())) {
                return Err(StoreError::Conflict(format!(
                    "room {} would hold two meetings in slot {slot}",
                    m.room_id
                )));
            }
            for participant in &m.participants {
                if !participants.insert((participant.as_str(), slot.as_str())) {
                    return Err(StoreError::Conflict(format!(
                        "participant {participant} would be in two meetings in slot {slot}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A meeting to publish: its first slot, room, participants, and every slot it occupies.
#[derive(Debug, Clone)]
pub struct PlacedMeeting {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: String,
    pub participants: Vec<String>,
    pub occupied_slots: Vec<String>,
}

/// A published timetable version.
#[derive(Debug, Clone)]
pub struct Timetable {
    pub version: i64,
    pub schedule_id: String,
    pub published_at: DateTime<Utc>,
    pub meetings: Vec<TimetableMeeting>,
}

/// A meeting in a published timetable.
#[derive(Debug, Clone, PartialEq)]
pub struct TimetableMeeting {
    pub request_id: String,
    pub slot_id: String,
    pub room_id: String,
    pub participants: Vec<String>,
    /// Raised each time the meeting moves between versions (iCalendar SEQUENCE).
    pub sequence: i64,
}

/// Profiles written after a revision: each participant with the revision of its last write.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub participants: Vec<(Participant, i64)>,
}

/// A want-to-meet mark: `participant` wants to meet `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Interest {
    pub target: String,
    pub created_at: DateTime<Utc>,
    /// Whether `target` marked `participant` too.
    pub mutual: bool,
}

/// What marking someone led to.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    pub interest: Interest,
    /// The meeting request between the two when the interest is mutual: the one this mark
    /// created, or the one they already had.
    pub request: Option<MeetingRequest>,
    /// Whether this mark created `request`.
    pub created_request: bool,
}

/// A response kept for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What the store knows about an `Idempotency-Key` when a POST arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyStart {
    /// First time: the key is now reserved for this request.
    Fresh,
    /// Seen before with the same request: here is the first response.
    Replay(StoredResponse),
    /// Seen before and still being handled.
    InProgress,
    /// Seen before with a different request.
    Mismatch,
}

/// Everything the service keeps. Implemented by the SQLite and the PostgreSQL backend with
/// the same behaviour; the store test suite runs on both.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;

    /// A service-wide setting.
    async fn setting(&self, name: &str) -> StoreResult<Option<String>>;
    /// Sets a setting unless it is already set; returns whether it was set now.
    async fn init_setting(&self, name: &str, value: &str) -> StoreResult<bool>;

    async fn create_event(&self, event: &Event) -> StoreResult<()>;
    async fn event(&self, id: &str) -> StoreResult<Event>;
    async fn events(&self) -> StoreResult<Vec<Event>>;

    async fn create_room(&self, room: &Room) -> StoreResult<()>;
    async fn rooms(&self, event: &str) -> StoreResult<Vec<Room>>;

    /// Registers participants with their token hashes, all or none.
    async fn create_participants(&self, participants: &[(Participant, String)]) -> StoreResult<()>;
    async fn participants(&self, event: &str) -> StoreResult<Vec<Participant>>;
    async fn participant(&self, event: &str, id: &str) -> StoreResult<Participant>;
    /// The participant holding the token with this hash.
    async fn participant_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<Participant>>;
    /// Overwrites a participant's profile.
    async fn update_participant(&self, participant: &Participant) -> StoreResult<()>;

    async fn create_request(&self, request: &MeetingRequest) -> StoreResult<()>;
    async fn request(&self, event: &str, id: &str) -> StoreResult<MeetingRequest>;
    /// All requests of an event, or only those `participant` asked or was asked.
    async fn requests(&self, event: &str, participant: Option<&str>) -> StoreResult<Vec<MeetingRequest>>;
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

    /// Queues a run; a `Conflict` when the event already has one queued or running.
    async fn create_run(&self, run: &ScheduleRun) -> StoreResult<()>;
    async fn run(&self, event: &str, id: &str) -> StoreResult<ScheduleRun>;
    /// The highest fencing token that started a run of the event (0 if none): a lock
    /// service that lost its counter must hand out tokens above it.
    async fn run_fence(&self, event: &str) -> StoreResult<i64>;
    /// queued (or running, under an older holder) → running under the holder of `fence`,
    /// with the problem it solves; returns the attempt number. A `Conflict` when the run is
    /// no longer queued or running, or a holder with a token ≥ `fence` started a run of the
    /// event: the caller is stale and must write nothing.
    async fn start_run(&self, event: &str, id: &str, problem: &str, fence: i64) -> StoreResult<u32>;
    /// Records progress if the holder of `fence` still runs the run; returns whether it did.
    async fn run_progress(&self, id: &str, progress: &serde_json::Value, fence: i64) -> StoreResult<bool>;
    /// running → done, only for the holder of `fence` (`Conflict` otherwise).
    async fn finish_run(&self, id: &str, result: &RunResult, fence: i64) -> StoreResult<()>;
    /// running → failed, only for the holder of `fence`; returns whether it did.
    async fn fail_started_run(&self, id: &str, error: &str, fence: i64) -> StoreResult<bool>;
    /// queued or running → failed, whoever holds it (a run that could not be queued, or an
    /// organiser cancelling a run no worker took yet); returns whether it did.
    async fn fail_run(&self, id: &str, error: &str) -> StoreResult<bool>;
    /// Marks every queued or running run failed (they cannot survive a restart of an
    /// in-process runner); returns how many.
    async fn fail_unfinished_runs(&self, error: &str) -> StoreResult<u64>;

    /// Publishes a finished run's meetings as the next timetable version, in one
    /// transaction. A double-booking is refused by the database (`Conflict`).
    async fn publish(&self, event: &str, run: &str, meetings: &[PlacedMeeting]) -> StoreResult<i64>;
    /// The published timetable, if any.
    async fn timetable(&self, event: &str) -> StoreResult<Option<Timetable>>;

    /// Profiles (created or updated) with a revision above `after`; revisions grow per
    /// event with every profile write and commit in order.
    async fn profiles_since(&self, event: &str, after: i64) -> StoreResult<ProfileChanges>;
    /// The requests `participant` asked or was asked, with their invitees.
    async fn requests_of(&self, event: &str, participant: &str) -> StoreResult<Vec<MeetingRequest>>;
    /// How many accepted requests each of `participants` is part of (absent: none).
    async fn accepted_meetings(
        &self,
        event: &str,
        participants: &[String],
    ) -> StoreResult<HashMap<String, u32>>;
    /// Creates requests, all or none.
    async fn create_requests(&self, requests: &[MeetingRequest]) -> StoreResult<()>;
    /// Records that `from` wants to meet `to`. When `to` wants to meet `from` too and the two
    /// have no pending or accepted request, `mutual` (an accepted request from `to` to
    /// `from`) is created, once per pair however many marks race.
    async fn mark_interest(
        &self,
        event: &str,
        from: &str,
        to: &str,
        mutual: &MeetingRequest,
    ) -> StoreResult<Marked>;
    /// Removes a mark; returns whether there was one. A request it created stays.
    async fn unmark_interest(&self, event: &str, from: &str, to: &str) -> StoreResult<bool>;
    /// The marks `participant` made, oldest first.
    async fn interests(&self, event: &str, participant: &str) -> StoreResult<Vec<Interest>>;
    /// Replaces the organiser boosts of an event.
    async fn set_boosts(&self, event: &str, boosts: &[BoostRule]) -> StoreResult<()>;
    /// The organiser boosts of an event, in order.
    async fn boosts(&self, event: &str) -> StoreResult<Vec<BoostRule>>;

    async fn idempotency_start(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<IdempotencyStart>;
    async fn idempotency_finish(&self, caller: &str, key: &str, response: &StoredResponse)
    -> StoreResult<()>;
    /// Forgets a reservation whose request failed, so that a retry runs again.
    async fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()>;
}

pub(crate) fn kind_from(text: &str) -> StoreResult<ParticipantKind> {
    ParticipantKind::parse(text).ok_or_else(|| StoreError::Corrupt(format!("participant kind {text:?}")))
}

pub(crate) fn status_from(text: &str) -> StoreResult<RequestStatus> {
    RequestStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("request status {text:?}")))
}

pub(crate) fn response_from(text: &str) -> StoreResult<Response> {
    Response::parse(text).ok_or_else(|| StoreError::Corrupt(format!("response {text:?}")))
}

pub(crate) fn run_status_from(text: &str) -> StoreResult<RunStatus> {
    RunStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("run status {text:?}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn to_u32(value: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value}")))
}
