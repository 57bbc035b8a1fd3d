//! Meeting-request operations shared by the JSON API and the web pages: who may ask, answer
//! and withdraw, and what a valid request is. Every rule lives here once.

use chrono::Utc;

use crate::domain::ids::new_id;
use crate::domain::request::{MAX_INVITEES, MAX_MESSAGE, PRIORITY};
use crate::domain::{Invalid, RequestStatus, Response, Rule, labels};
use crate::store::{Invitee, MeetingRequest, Store, StoreError};

/// What a participant asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRequest {
    pub with: Vec<String>,
    pub duration_minutes: u32,
    pub priority: u32,
    pub message: String,
    pub features: Vec<String>,
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
    // Only the invitees are looked up, never the whole event.
    let known = store.participant_names(event, &body.with).await?;
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
    if body.message.chars().count() > MAX_MESSAGE {
        errors.broke("/message", Rule::TooLong { max: MAX_MESSAGE });
    }
    let features = labels(&body.features, "/features", &mut errors);
    let now = Utc::now();
    let request = errors
        .into_result(MeetingRequest {
            id: new_id("req"),
            event_id: event.to_string(),
            requester: me.to_string(),
            invitees,
            duration_minutes: body.duration_minutes,
            priority: body.priority,
            message: body.message.trim().to_string(),
            features,
            status: RequestStatus::Pending,
            created_at: now,
            updated_at: now,
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

/// Invitee `me` accepts or declines.
pub async fn answer(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
    answer: Response,
) -> Result<MeetingRequest, RequestError> {
    let request = visible(store, Some(me), event, id).await?;
    if !request.invitees.iter().any(|i| i.participant == me) {
        return Err(RequestError::Forbidden("only an invitee may answer a request"));
    }
    Ok(store.respond(event, id, me, answer).await?)
}

/// Requester `me` withdraws.
pub async fn withdraw(
    store: &dyn Store,
    event: &str,
    id: &str,
    me: &str,
) -> Result<MeetingRequest, RequestError> {
    let request = visible(store, Some(me), event, id).await?;
    if request.requester != me {
        return Err(RequestError::Forbidden(
            "only the requester may withdraw a request",
        ));
    }
    Ok(store.withdraw(event, id).await?)
}
