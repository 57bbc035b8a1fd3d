//! Profile changes, the one operation behind the JSON API's `PATCH` and the web page's
//! profile form: the rules themselves are the domain's ([`UpdateParticipant::apply`]).

use crate::domain::Invalid;
use crate::domain::participant::UpdateParticipant;
use crate::store::{Participant, Store, StoreError};

/// Fields to change; `None` leaves one as it is (`Some(None)` clears an optional one).
pub type ProfileChange = UpdateParticipant;

/// Why a profile was not changed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("invalid input")]
    Invalid(Invalid),
    /// The caller's copy (`If-Match`) is not the profile's revision, given, any more.
    #[error("the profile changed since it was read")]
    Stale(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fields only the organiser may change (a participant giving one is refused).
pub fn organiser_only(change: &ProfileChange) -> Option<&'static str> {
    change.organiser_only_field()
}

/// Writes lost to a concurrent change before one gives up (each loss means another write
/// committed, so a few suffice).
const MAX_ATTEMPTS: usize = 100;

/// Checks and stores a change to participant `id`'s profile, with its new revision.
/// `current_ok` says whether the caller's copy allows a change to the revision read
/// (`If-Match`); a change is applied to the latest profile only, never over a write made
/// since it was read (compare-and-set, read again on a lost race): no update is lost.
pub async fn update(
    store: &dyn Store,
    event: &str,
    id: &str,
    change: &ProfileChange,
    current_ok: &(dyn Fn(i64) -> bool + Send + Sync),
) -> Result<(Participant, i64), ProfileError> {
    let spec = store.event(event).await?.spec()?;
    for _ in 0..MAX_ATTEMPTS {
        let (mut participant, revision) = store.participant_at(event, id).await?;
        if !current_ok(revision) {
            return Err(ProfileError::Stale(revision));
        }
        let mut errors = Invalid::default();
        let profile = change.apply(participant.profile, &spec, &mut errors);
        participant.profile = errors.into_result(profile).map_err(ProfileError::Invalid)?;
        if let Some(revision) = store.update_participant(&participant, revision).await? {
            return Ok((participant, revision));
        }
    }
    Err(StoreError::Conflict("the profile kept changing while this change was made; retry".into()).into())
}

/// Records a participant's first use of its token (invitations can go to those who never
/// signed in); a participant already signed in costs nothing. A failure is logged, never
/// the caller's: the request it came with goes on.
pub async fn note_sign_in(store: &dyn Store, participant: &Participant) {
    if participant.signed_in_at.is_some() {
        return;
    }
    if let Err(err) = store.note_sign_in(&participant.id).await {
        tracing::warn!(participant = participant.id, error = %err, "could not record a first sign-in");
    }
}
