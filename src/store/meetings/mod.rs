//! The live timetable and each meeting's life: booking at a slot, moves, confirmations,
//! cancellations (with standby offers), release to the solver, check-in, feedback, expiry.
//!
//! Every transition is one transaction that first takes the event's row
//! ([`live::lock_event`]), reads the request as it is then, asks the domain's rules
//! (`crate::domain::meeting`, `crate::domain::booking`) and writes; booking writes the
//! occupancy cells whose unique constraints are the last guard against double-booking. Its
//! [`MeetingEvent`]s all pass through [`SqlStore::close`] inside the transaction, the one
//! place for anything that must commit with them (a notification outbox).

mod cancel;
pub(super) mod live;
mod steps;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Transaction;

use crate::domain::booking::Facts;
use crate::domain::meeting::{MeetingEvent, Refusal};
use crate::domain::{Outcome, Response};
use crate::store::backend::{Backend, Param, Record, SqlStore};
use crate::store::requests::{request_on, requests_on};
use crate::store::{Event, MeetingRequest, StoreError, StoreResult, to_u32};

/// What a transition did: the request after it, what happened, and the live timetable's new
/// revision when it changed.
#[derive(Debug, Clone)]
pub struct Transition {
    pub request: MeetingRequest,
    pub events: Vec<MeetingEvent>,
    pub revision: Option<i64>,
}

/// The live timetable of an event, read as of one instant.
#[derive(Debug, Clone)]
pub struct LiveTimetable {
    /// The published version its solver placements come from.
    pub version: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    /// Raised by every change (a booking, a move, a cancellation, a publish).
    pub revision: i64,
    /// Every request with a live meeting (cancelled ones included).
    pub requests: Vec<MeetingRequest>,
}

/// One participant's rating of a held meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub request_id: String,
    pub participant_id: String,
    pub rating: u32,
    pub follow_up: bool,
    pub updated_at: DateTime<Utc>,
}

/// The live timetable and the meetings' life.
#[async_trait]
pub trait MeetingStore: Send + Sync + 'static {
    /// The live timetable, consistent with its revision.
    async fn live_timetable(&self, event: &str) -> StoreResult<LiveTimetable>;
    /// What booking a meeting between `participants` reads now (other than `exclude`'s own
    /// cells).
    async fn booking_facts(
        &self,
        event: &str,
        participants: &[String],
        exclude: Option<&str>,
    ) -> StoreResult<Facts>;
    /// An invitee's answer, at `slot` when it names one: the request becomes accepted when
    /// every invitee accepted, and booked there at once when they agree on a slot.
    async fn respond(
        &self,
        event: &str,
        id: &str,
        invitee: &str,
        answer: Response,
        slot: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// The requester withdraws a pending or accepted request (its meeting, if placed, is
    /// cancelled).
    async fn withdraw(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition>;
    /// Participant `by` cancels an accepted meeting: its slot and table are freed and offered
    /// to standby meetings.
    async fn cancel(
        &self,
        event: &str,
        id: &str,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// Participant `by` proposes to hold the meeting at `slot` (free now for everyone).
    async fn propose_move(
        &self,
        event: &str,
        id: &str,
        by: &str,
        slot: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// Participant `by` accepts (the last acceptance moves it) or declines the proposed move.
    async fn answer_move(
        &self,
        event: &str,
        id: &str,
        by: &str,
        accept: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// Participant `by` confirms the solver's slot.
    async fn confirm_slot(
        &self,
        event: &str,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// Participant `by` refuses the solver's slot: the meeting goes back to the solver, kept
    /// out of the slots it had.
    async fn refuse_slot(
        &self,
        event: &str,
        id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// The organiser hands a booked meeting back to the solver (it stays where it is until a
    /// publish moves it).
    async fn release(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition>;
    /// A participant books the slot a cancellation freed and offered to the meeting.
    async fn take_offer(&self, event: &str, id: &str, now: DateTime<Utc>) -> StoreResult<Transition>;
    /// Records whether the meeting was held; `by` is the participant, `None` the organiser.
    async fn check_in(
        &self,
        event: &str,
        id: &str,
        by: Option<&str>,
        outcome: Outcome,
        absent: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<Transition>;
    /// Participant `by` rates a held meeting (again: its new rating replaces the old).
    async fn rate(
        &self,
        event: &str,
        id: &str,
        by: &str,
        rating: u32,
        follow_up: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Feedback>;
    /// `by`'s own rating of the meeting.
    async fn feedback_of(&self, event: &str, id: &str, by: &str) -> StoreResult<Option<Feedback>>;
    /// Every rating of the event's meetings (for the organiser's averages only).
    async fn feedback(&self, event: &str) -> StoreResult<Vec<Feedback>>;
    /// Expires the event's pending requests asked at least its expiry time before `now`;
    /// returns their ids.
    async fn expire_pending(&self, event: &str, now: DateTime<Utc>) -> StoreResult<Vec<String>>;
}

/// A step the state does not allow, as the store's conflict.
pub(super) fn conflict(refusal: Refusal) -> StoreError {
    StoreError::Conflict(refusal.0)
}

/// A transition's open transaction: the event's lock taken, the request read under it.
pub(super) struct Open<DB: Backend> {
    pub tx: Transaction<'static, DB>,
    pub event: Event,
    pub request: MeetingRequest,
}

impl<DB: Backend> SqlStore<DB> {
    /// Begins a transition of request `id`: the event's lock, then the request as it is.
    pub(super) async fn open(&self, event: &str, id: &str) -> StoreResult<Open<DB>> {
        let mut tx = self.begin_write().await?;
        let event = live::lock_event::<DB>(&mut tx, event).await?;
        let request = request_on::<DB>(&mut tx, &event.id, id).await?;
        Ok(Open { tx, event, request })
    }

    /// Ends a transition: raises the live revision when the live timetable changed, commits,
    /// and reads the request back. Every transition's events pass here, inside its
    /// transaction.
    pub(super) async fn close(
        &self,
        mut open: Open<DB>,
        events: Vec<MeetingEvent>,
        live: bool,
    ) -> StoreResult<Transition> {
        let revision = if live {
            Some(live::bump_revision::<DB>(&mut open.tx, &open.event.id).await?)
        } else {
            None
        };
        open.tx.commit().await?;
        Ok(Transition {
            request: self.request_now(&open.event.id, &open.request.id).await?,
            events,
            revision,
        })
    }

    async fn request_now(&self, event: &str, id: &str) -> StoreResult<MeetingRequest> {
        let mut conn = self.pool.acquire().await?;
        request_on::<DB>(&mut conn, event, id).await
    }

    /// The live timetable in one snapshot: the revision and the meetings it counts.
    pub(super) async fn snapshot(&self, event: &str) -> StoreResult<LiveTimetable> {
        let mut tx = self.begin_snapshot().await?;
        let head = sqlx::query(
            "SELECT e.timetable_version, e.meetings_revision, v.published_at FROM events e \
             LEFT JOIN timetable_versions v ON v.event_id = e.id AND v.version = e.timetable_version \
             WHERE e.id = $1",
        )
        .param(event)
        .fetch_optional(DB::on(&mut tx))
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut requests = requests_on::<DB>(&mut tx, event, None).await?;
        tx.commit().await?;
        requests.retain(|r| r.life.meeting.is_some());
        Ok(LiveTimetable {
            version: head.read("timetable_version")?,
            published_at: head.read("published_at")?,
            revision: head.read("meetings_revision")?,
            requests,
        })
    }
}

fn feedback_from(row: &impl Record) -> StoreResult<Feedback> {
    Ok(Feedback {
        request_id: row.read("request_id")?,
        participant_id: row.read("participant_id")?,
        rating: to_u32(row.read("rating")?, "rating")?,
        follow_up: row.read::<i64>("follow_up")? != 0,
        updated_at: row.read("updated_at")?,
    })
}
