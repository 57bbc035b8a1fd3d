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
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fields only the organiser may change (a participant giving one is refused).
pub fn organiser_only(change: &ProfileChange) -> Option<&'static str> {
    change.organiser_only_field()
}

/// Checks and stores a change to participant `id`'s profile.
pub async fn update(
    store: &dyn Store,
    event: &str,
    id: &str,
    change: &ProfileChange,
) -> Result<Participant, ProfileError> {
    let spec = store.event(event).await?.spec()?;
    let mut participant = store.participant(event, id).await?;
    let mut errors = Invalid::default();
    let profile = change.apply(participant.profile(), &spec, &mut errors);
    participant.set_profile(errors.into_result(profile).map_err(ProfileError::Invalid)?);
    store.update_participant(&participant).await?;
    Ok(participant)
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
