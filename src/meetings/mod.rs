//! Meeting operations after a request is accepted, shared by the JSON API and the web pages:
//! the free slots to offer, moves, confirmations, cancellations, standby offers, release to
//! the solver, check-in, feedback, and the organiser's report. Who may do what is checked
//! here; whether the meeting's state allows it is the domain's rule, applied by the store
//! inside the transaction that makes the change.

mod dashboard;
mod report;

use chrono::{DateTime, Utc};

pub use dashboard::{
    ASEAN_COUNTRIES, Coverage, Dashboard, GUEST_OF_HONOUR_CITY, RequestCounts, SlotUse, WorstWait, dashboard,
};
pub use report::{MeetingReport, ParticipantReport, report};

use crate::domain::booking::{self, FreeStart};
use crate::domain::meeting::{MAX_REASON, RATING};
use crate::domain::{Invalid, Outcome, RequestStatus, Rule, paragraph};
use crate::requests::{RequestError, visible};
use crate::store::{Feedback, MeetingRequest, Store, Transition};

/// Who acts on a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    Organiser,
    Participant(&'a str),
}

impl<'a> Actor<'a> {
    fn participant(self) -> Option<&'a str> {
        match self {
            Actor::Organiser => None,
            Actor::Participant(id) => Some(id),
        }
    }
}

/// The request `id` as `actor` may act on it: the organiser any, a participant its own.
async fn own(
    store: &dyn Store,
    actor: Actor<'_>,
    event: &str,
    id: &str,
) -> Result<MeetingRequest, RequestError> {
    visible(store, actor.participant(), event, id).await
}

/// The start slots free now for every participant of the request, each with the room it
/// would get: where it can be accepted at, or moved to.
pub async fn free_slots(
    store: &dyn Store,
    actor: Actor<'_>,
    event: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<FreeStart>, RequestError> {
    let request = own(store, actor, event, id).await?;
    if !matches!(request.status, RequestStatus::Pending | RequestStatus::Accepted) {
        return Ok(Vec::new());
    }
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let facts = store
        .booking_facts(event, &request.participants(), Some(&request.id))
        .await?;
    let need = booking::Need {
        slots: (request.duration_minutes / stored.slot_minutes.max(1)).max(1) as usize,
        features: &request.features,
        refused: &request.life.refused_slots,
    };
    let current = request.placed().map(|m| m.slot_id.as_str());
    Ok(booking::free_starts(&spec, &facts, need, now)
        .into_iter()
        .filter(|f| Some(f.slot.as_str()) != current)
        .collect())
}

/// Participant `me` cancels an accepted meeting, saying why.
pub async fn cancel(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    let mut errors = Invalid::default();
    // Typed into a textarea: it may run over several lines.
    let reason = paragraph(reason.trim(), MAX_REASON, "/reason", &mut errors);
    if reason.is_empty() {
        errors.broke("/reason", Rule::Required);
    }
    errors.into_result(()).map_err(RequestError::Invalid)?;
    Ok(store.cancel(event, id, me, &reason, now).await?)
}

/// Participant `me` proposes to move the meeting to `slot`.
pub async fn propose_move(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    slot: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    Ok(store.propose_move(event, id, me, slot, now).await?)
}

/// Participant `me` accepts or declines the proposed move.
pub async fn answer_move(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    accept: bool,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    Ok(store.answer_move(event, id, me, accept, now).await?)
}

/// Participant `me` confirms the slot the solver gave the meeting.
pub async fn confirm(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    Ok(store.confirm_slot(event, id, me, now).await?)
}

/// Participant `me` asks for another slot than the solver's: the meeting goes back to the
/// solver, kept out of that slot; returns the free slots it could be moved to at once.
pub async fn refuse_slot(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    now: DateTime<Utc>,
) -> Result<(Transition, Vec<FreeStart>), RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    let transition = store.refuse_slot(event, id, me, now).await?;
    let free = free_slots(store, Actor::Participant(me), event, id, now).await?;
    Ok((transition, free))
}

/// The organiser hands a booked meeting back to the solver.
pub async fn release(
    store: &dyn Store,
    event: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Organiser, event, id).await?;
    Ok(store.release(event, id, now).await?)
}

/// Participant `me` books the freed slot offered to its meeting.
pub async fn take_offer(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    Ok(store.take_offer(event, id, now).await?)
}

/// Records whether the meeting was held. `absent` (for a no-show) names who did not come;
/// by default everyone but the participant who says so (everyone, when the organiser does).
pub async fn check_in(
    store: &dyn Store,
    actor: Actor<'_>,
    event: &str,
    id: &str,
    outcome: Outcome,
    absent: Option<Vec<String>>,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    let request = own(store, actor, event, id).await?;
    let everyone = request.participants();
    let absent = match (outcome, absent) {
        (Outcome::Held, None) => Vec::new(),
        (Outcome::Held, Some(named)) if named.is_empty() => Vec::new(),
        (Outcome::Held, Some(_)) => {
            return Err(RequestError::Invalid(Invalid::one(
                "/absent",
                "a held meeting has nobody absent",
            )));
        }
        (Outcome::NoShow, None) => everyone
            .iter()
            .filter(|p| Some(p.as_str()) != actor.participant())
            .cloned()
            .collect(),
        (Outcome::NoShow, Some(named)) => {
            let mut errors = Invalid::default();
            if named.is_empty() {
                errors.push("/absent", "name at least one participant who did not come");
            }
            for (i, p) in named.iter().enumerate() {
                if !everyone.contains(p) {
                    errors.push(
                        format!("/absent/{i}"),
                        format!("{p:?} is not a participant of this meeting"),
                    );
                } else if named[..i].contains(p) {
                    errors.push(format!("/absent/{i}"), format!("{p:?} is named twice"));
                }
            }
            errors.into_result(named).map_err(RequestError::Invalid)?
        }
    };
    Ok(store
        .check_in(event, id, actor.participant(), outcome, &absent, now)
        .await?)
}

/// Participant `me` rates a held meeting 1–5 and says whether it wants a follow-up.
pub async fn rate(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    rating: u32,
    follow_up: bool,
    now: DateTime<Utc>,
) -> Result<Feedback, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    if !RATING.contains(&rating) {
        return Err(RequestError::Invalid(Invalid::rule(
            "/rating",
            Rule::Between {
                min: *RATING.start(),
                max: *RATING.end(),
            },
        )));
    }
    Ok(store.rate(event, id, me, rating, follow_up, now).await?)
}

/// Participant `me`'s own rating of the meeting (nobody else's is ever shown).
pub async fn my_feedback(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
) -> Result<Option<Feedback>, RequestError> {
    own(store, Actor::Participant(me), event, id).await?;
    Ok(store.feedback_of(event, id, me).await?)
}
