//! The organiser's pins, shared by the JSON API and the board: an accepted request held at a
//! first slot (and maybe a room) by every solve. A pin is stored only when the whole set of
//! pins (and whatever else the problem fixes) can still be held together; the check and the
//! write are fenced by the event's pin revision, so two pins that fit alone but not
//! together are never both stored.

use std::collections::HashSet;

use chrono::Utc;
use rendezvous_solver::format::FixedDoc;
use rendezvous_solver::{Problem, pin_conflicts};

use crate::domain::meeting::may_pin;
use crate::domain::{Invalid, Rule};
use crate::jobs::problem_doc;
use crate::store::{Pin, Store, StoreError};

/// Times a pin is checked again when other pins were stored meanwhile.
const ATTEMPTS: usize = 8;

/// Where to pin: a first slot and, optionally, a room (else the solver picks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinAt {
    pub slot: String,
    pub room: Option<String>,
}

/// A pinned meeting that cannot be held where it is pinned, and why (naming the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinConflict {
    pub meeting: String,
    pub reason: String,
}

/// Why a pin was not stored.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    /// The slot or room does not exist, or the meeting does not fit there in time.
    #[error("invalid input")]
    Invalid(Invalid),
    /// The pins cannot all be held: these meetings are involved.
    #[error("the pins cannot be held together")]
    Infeasible(Vec<PinConflict>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PinError {
    /// The conflicts as field errors on the pin's `slot` (what the API's 422 lists).
    pub fn conflicts_as_invalid(conflicts: &[PinConflict]) -> Invalid {
        let mut errors = Invalid::default();
        for c in conflicts {
            errors.push("/slot", format!("meeting {}: {}", c.meeting, c.reason));
        }
        errors
    }
}

/// Pins the accepted request `request` of `event` at `at`, replacing its pin if it had one.
/// Nothing is stored when the slot or room is unknown, the meeting runs past its session,
/// the domain's rule refuses it (`StoreError::Conflict`: not accepted, over, cancelled, or
/// booked elsewhere: `crate::domain::meeting::may_pin`), or the pins would contradict each
/// other.
pub async fn pin(store: &dyn Store, event: &str, request: &str, at: PinAt) -> Result<Pin, PinError> {
    let stored = store.event(event).await?;
    let spec = stored.spec()?;
    let found = store.request(event, request).await?;
    // Checked again by the store under the event's lock, with the pin's write.
    may_pin(
        found.status,
        found.life.meeting.as_ref(),
        &at.slot,
        at.room.as_deref(),
    )
    .map_err(|refused| StoreError::Conflict(refused.message()))?;
    let mut errors = Invalid::default();
    let slots = (found.duration_minutes / stored.slot_minutes).max(1) as usize;
    if spec.slot(&at.slot).is_none() {
        errors.broke(
            "/slot",
            Rule::UnknownSlot {
                value: at.slot.clone(),
            },
        );
    } else if spec.run_from(&at.slot, slots).is_none() {
        errors.broke(
            "/slot",
            Rule::PastSessionEnd {
                value: at.slot.clone(),
            },
        );
    }
    if let Some(room) = &at.room
        && !store.rooms(event).await?.iter().any(|r| r.id == *room)
    {
        errors.push("/room", format!("unknown room {room:?}"));
    }
    let at = errors.into_result(at).map_err(PinError::Invalid)?;
    let pin = Pin {
        request_id: request.to_string(),
        slot_id: at.slot,
        room_id: at.room,
        pinned_at: Utc::now(),
    };
    for _ in 0..ATTEMPTS {
        let revision = store.pins(event).await?.revision;
        let conflicts = conflicts_with(store, event, &pin).await?;
        if !conflicts.is_empty() {
            return Err(PinError::Infeasible(conflicts));
        }
        if store.put_pin(event, &pin, revision).await? {
            tracing::info!(event, request, slot = pin.slot_id, room = ?pin.room_id, "meeting pinned");
            return Ok(pin);
        }
    }
    Err(StoreError::Conflict("other pins keep changing; try again".into()).into())
}

/// Removes a request's pin (the solver places it freely again); returns whether it had one.
pub async fn unpin(store: &dyn Store, event: &str, request: &str) -> Result<bool, StoreError> {
    store.request(event, request).await?;
    let removed = store.remove_pin(event, request).await?;
    if removed {
        tracing::info!(event, request, "meeting unpinned");
    }
    Ok(removed)
}

/// The event's pins of accepted requests.
pub async fn pins(store: &dyn Store, event: &str) -> Result<Vec<Pin>, StoreError> {
    Ok(store.pins(event).await?.pins)
}

/// What contradicts if `pin` joins the meetings the problem already fixes: the problem cut
/// down to its fixed meetings, as the solver would place them first.
async fn conflicts_with(store: &dyn Store, event: &str, pin: &Pin) -> Result<Vec<PinConflict>, StoreError> {
    let mut doc = problem_doc(store, event).await?;
    for meeting in &mut doc.meetings {
        if meeting.id == pin.request_id {
            meeting.fixed = Some(FixedDoc {
                slot: pin.slot_id.clone(),
                room: pin.room_id.clone(),
            });
        }
    }
    doc.meetings.retain(|m| m.fixed.is_some());
    let present: HashSet<&str> = doc
        .meetings
        .iter()
        .flat_map(|m| m.participants.iter().map(String::as_str))
        .collect();
    let participants = std::mem::take(&mut doc.participants);
    doc.participants = participants
        .into_iter()
        .filter(|p| present.contains(p.id.as_str()))
        .collect();
    let problem = Problem::try_from(doc)
        .map_err(|e| StoreError::Corrupt(format!("the event's problem does not validate: {e}")))?;
    Ok(pin_conflicts(&problem)
        .into_iter()
        .map(|(m, reason)| PinConflict {
            meeting: problem.meetings[m].id.clone(),
            reason,
        })
        .collect())
}
