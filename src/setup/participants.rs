//! Participants registered from a CSV file, and a participant's new sign-in token.

use super::SetupError;
use crate::domain::ids::{hash_token, new_id, new_participant_token};
use crate::store::{Participant, Store};

/// One registered CSV row: its 1-based data row, the participant, its token (shown once:
/// only the hash is kept).
pub struct Imported {
    pub row: usize,
    pub participant: Participant,
    pub token: String,
}

/// Registers every row of a CSV file, or none: any bad cell is reported as
/// `/rows/<data row>/<field>` and nothing is stored.
pub async fn import_participants(
    store: &dyn Store,
    event: &str,
    csv: &[u8],
) -> Result<Vec<Imported>, SetupError> {
    let spec = store.event(event).await?.spec()?;
    let profiles = crate::domain::registrations_csv::parse(csv, &spec)?;
    let imported: Vec<Imported> = profiles
        .into_iter()
        .map(|(row, profile)| Imported {
            row,
            participant: Participant::new(new_id("p"), event, profile),
            token: new_participant_token(),
        })
        .collect();
    let to_store: Vec<(Participant, String)> = imported
        .iter()
        .map(|i| (i.participant.clone(), hash_token(&i.token)))
        .collect();
    store.create_participants(&to_store).await?;
    Ok(imported)
}

/// Gives a participant a new token (its old one and its sessions stop working) and returns
/// it: only its hash is kept, so this is the one time it can be shown.
pub async fn new_sign_in_token(store: &dyn Store, event: &str, id: &str) -> Result<String, SetupError> {
    let token = new_participant_token();
    store.replace_token(event, id, &hash_token(&token)).await?;
    store.delete_participant_sessions(event, id).await?;
    Ok(token)
}
