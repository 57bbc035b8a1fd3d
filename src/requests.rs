//! Meeting-request operations shared by the JSON API and the web pages: who may ask, answer
//! and withdraw, and what a valid request is (its proposed slots included). Every rule lives
//! here once; what happens to the meeting afterwards is `crate::meetings`'.

use chrono::{DateTime, Utc};

use crate::domain::booking::{self, Need};
use crate::domain::ids::new_id;
use crate::domain::request::{MAX_INVITEES, MAX_MESSAGE, MAX_PROPOSED_SLOTS, PRIORITY};
use crate::domain::{EventSpec, Invalid, RequestStatus, Response, Rule, labels, paragraph};
use crate::store::{Invitee, MeetingRequest, RequestLife, Store, StoreError, Transition};

/// What a participant asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub with: Vec<String>,
    pub duration_minutes: u32,
    pub priority: u32,
    pub message: String,
    pub features: Vec<String>,
    /// Start slots the requester offers, each free for everyone now.
    pub proposed_slots: Vec<String>,
}

/// Why an operation on a request did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates and stores a new request from participant `me` of `event`.
pub async fn create(
    store: &dyn Store,
    event: &str,
    me: &str,
    body: NewRequest,
    now: DateTime<Utc>,
) -> Result<MeetingRequest, RequestError> {
    let spec = store.event(event).await?.spec()?;
    let mut errors = Invalid::default();
    if body.with.is_empty() {
        errors.broke("/with", Rule::NoInvitee);
    }
    if body.with.len() > MAX_INVITEES {
        errors.broke("/with", Rule::TooManyInvitees { max: MAX_INVITEES });
        // Before any per-invitee work: a huge list costs nothing but this answer.
        return Err(RequestError::Invalid(errors));
    }
    // Only the invitees are looked up, never the whole event; a text no id can be (a NUL
    // is not even storable on PostgreSQL) is not looked up at all.
    let lookup: Vec<String> = (body.with.iter())
        .filter(|id| crate::domain::text::control_in_line(id).is_none())
        .cloned()
        .collect();
    let known = store.participant_names(event, &lookup).await?;
    let mut invitees: Vec<Invitee> = Vec::new();
    for (i, id) in body.with.iter().enumerate() {
        let pointer = format!("/with/{i}");
        if id == me {
            errors.broke(pointer, Rule::Yourself);
        } else if !known.contains_key(id) {
            errors.broke(pointer, Rule::UnknownParticipant { value: id.clone() });
        } else if invitees.iter().any(|inv| inv.participant == *id) {
            errors.broke(pointer, Rule::InvitedTwice { value: id.clone() });
        } else {
            invitees.push(Invitee {
                participant: id.clone(),
                response: Response::Pending,
                slot: None,
            });
        }
    }
    let slot = spec.slot_minutes;
    if body.duration_minutes == 0 || !body.duration_minutes.is_multiple_of(slot) {
        errors.broke("/duration_minutes", Rule::WholeSlots { slot });
    } else if body.duration_minutes > spec.longest_session_minutes() {
        errors.broke(
            "/duration_minutes",
            Rule::LongerThanSessions {
                max: spec.longest_session_minutes(),
            },
        );
    }
    if !PRIORITY.contains(&body.priority) {
        errors.broke(
            "/priority",
            Rule::Between {
                min: *PRIORITY.start(),
                max: *PRIORITY.end(),
            },
        );
    }
    // A letter to the invitees: line breaks and tabs kept, no other control character.
    let message = paragraph(&body.message, MAX_MESSAGE, "/message", &mut errors);
    let features = labels(&body.features, "/features", &mut errors);
    // Whether the proposed slots are free is only asked of a request that is right otherwise.
    let proposed_slots = if errors.0.is_empty() && !body.proposed_slots.is_empty() {
        let mut everyone = vec![me.to_owned()];
        everyone.extend(invitees.iter().map(|i| i.participant.clone()));
        let need = Need {
            slots: (body.duration_minutes / spec.slot_minutes) as usize,
            features: &features,
            refused: &[],
        };
        let facts = store.booking_facts(event, &everyone, None).await?;
        proposed(&spec, &facts, need, &body.proposed_slots, now, &mut errors)
    } else {
        Vec::new()
    };
    let request = errors
        .into_result(MeetingRequest {
            id: new_id("req"),
            event_id: event.to_string(),
            requester: me.to_string(),
            invitees,
            duration_minutes: body.duration_minutes,
            priority: body.priority,
            message: message.trim().to_string(),
            features,
            status: RequestStatus::Pending,
            created_at: now,
            updated_at: now,
            life: RequestLife {
                proposed_slots,
                ..RequestLife::default()
            },
        })
        .map_err(RequestError::Invalid)?;
    store.create_request(&request).await?;
    Ok(request)
}

/// A request as `viewer` may see it: its parties see it; to any other participant it does
/// not exist. `None` is the organiser, who sees every request.
pub async fn visible(
    store: &dyn Store,
    viewer: Option<&str>,
    event: &str,
    id: &str,
) -> Result<MeetingRequest, RequestError> {
    let request = store.request(event, id).await?;
    match viewer {
        Some(me) if !request.involves(me) => Err(StoreError::NotFound.into()),
        _ => Ok(request),
    }
}

/// Checks the proposed start slots: at most [`MAX_PROPOSED_SLOTS`], each once, each free now
/// for every participant with a room; returns them.
fn proposed(
    spec: &EventSpec,
    facts: &booking::Facts,
    need: Need<'_>,
    slots: &[String],
    now: DateTime<Utc>,
    errors: &mut Invalid,
) -> Vec<String> {
    if slots.len() > MAX_PROPOSED_SLOTS {
        errors.broke(
            "/proposed_slots",
            Rule::TooManyItems {
                max: MAX_PROPOSED_SLOTS,
            },
        );
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let pointer = format!("/proposed_slots/{i}");
        if out.contains(slot) {
            errors.broke(pointer, Rule::Duplicate { value: slot.clone() });
        } else if let Err(why) = booking::place(spec, facts, need, slot, now, None) {
            errors.broke(pointer, why.rule(slot));
        } else {
            out.push(slot.clone());
        }
    }
    out
}

/// Invitee `me` accepts (at `slot`, when it names one: the meeting is booked there once
/// every invitee accepted) or declines.
pub async fn answer(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    answer: Response,
    slot: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    let request = visible(store, Some(me), event, id).await?;
    if !request.invitees.iter().any(|i| i.participant == me) {
        return Err(RequestError::Forbidden("only an invitee may answer a request"));
    }
    Ok(store.respond(event, id, me, answer, slot, now).await?)
}

/// Requester `me` withdraws; an accepted meeting's slot is freed.
pub async fn withdraw(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    now: DateTime<Utc>,
) -> Result<Transition, RequestError> {
    let request = visible(store, Some(me), event, id).await?;
    if request.requester != me {
        return Err(RequestError::Forbidden(
            "only the requester may withdraw a request",
        ));
    }
    Ok(store.withdraw(event, id, now).await?)
}
