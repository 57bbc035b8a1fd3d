//! Want-to-meet marks, the one operation behind the JSON API's `PUT …/interest` and the
//! profile page's "want to meet" button. When two participants mark each other the meeting
//! is agreed: a request between them is created already accepted, once per pair.

use chrono::Utc;

use crate::domain::ids::new_id;
use crate::domain::{Invalid, RequestStatus, Response, Rule};
use crate::requests::RequestError;
use crate::store::{Interest, Invitee, Marked, MeetingRequest, Store};

/// Priority of a meeting agreed by mutual interest: both asked for it.
pub const MUTUAL_PRIORITY: u32 = 4;
/// The message of a meeting agreed by mutual interest (the API's text; pages say it in
/// their language, knowing the request by its origin).
pub const MUTUAL_MESSAGE: &str = "Mutual interest: you both marked each other as someone to meet.";

/// Participant `me` of `event` wants to meet `target`. Marking twice changes nothing. If
/// `target` marked `me` too and they have no pending or accepted request, an accepted one
/// between them is created (one, however many marks race).
pub async fn mark(store: &dyn Store, event: &str, me: &str, target: &str) -> Result<Marked, RequestError> {
    if target == me {
        return Err(RequestError::Invalid(Invalid::rule("/id", Rule::Yourself)));
    }
    let spec = store.event(event).await?.spec()?;
    store.participant(event, target).await?;
    let now = Utc::now();
    // The one marked first asked first: it is the requester, `me` accepts.
    let mutual = MeetingRequest {
        id: new_id("req"),
        event_id: event.to_string(),
        requester: target.to_string(),
        invitees: vec![Invitee {
            participant: me.to_string(),
            response: Response::Accepted,
            slot: None,
        }],
        duration_minutes: spec.slot_minutes,
        priority: MUTUAL_PRIORITY,
        message: MUTUAL_MESSAGE.to_string(),
        features: Vec::new(),
        status: RequestStatus::Accepted,
        created_at: now,
        updated_at: now,
        life: Default::default(),
    };
    Ok(store.mark_interest(event, me, target, &mutual).await?)
}

/// Removes `me`'s mark on `target` (whether or not there was one). A meeting the mutual
/// interest already created stays; it is withdrawn through its request.
pub async fn unmark(store: &dyn Store, event: &str, me: &str, target: &str) -> Result<(), RequestError> {
    store.participant(event, target).await?;
    store.unmark_interest(event, me, target).await?;
    Ok(())
}

/// `me`'s mark on `target`, if any (with whether it is mutual).
pub async fn mark_on(
    store: &dyn Store,
    event: &str,
    me: &str,
    target: &str,
) -> Result<Option<Interest>, RequestError> {
    Ok(store
        .interests(event, me)
        .await?
        .into_iter()
        .find(|i| i.target == target))
}

/// Whether a request is the one a mutual interest created.
pub fn is_mutual(request: &MeetingRequest) -> bool {
    request.priority == MUTUAL_PRIORITY && request.message == MUTUAL_MESSAGE
}
