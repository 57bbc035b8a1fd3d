//! Invitations: the personal sign-in link, sent by the organiser to everyone, to those not
//! signed in yet, or to one participant.
//!
//! Only tokens' hashes are stored, so a link cannot be made from a participant's current
//! token: sending an invitation gives the participant a new token, and the old one stops
//! working. The token is never stored either: it is an HMAC of the outbox message's id under
//! a key derived from the organiser token's hash (which every node knows, as for web
//! sessions), so every attempt at one message carries the same link, and the participant's
//! token is replaced only once the message is delivered.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::domain::ids::{hash_token, participant_token_from};
use crate::domain::notice;
use crate::store::{Store, StoreResult};

/// Who gets an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Everyone,
    /// Participants that never used their token.
    NotSignedIn,
    One(String),
}

/// Queues an invitation for each participant of `audience`, in one transaction; returns how
/// many. Participants without an address are queued too: their message is listed as
/// skipped, so the organiser sees whom to ask for one.
pub async fn invite(store: &dyn Store, event: &str, audience: &Audience) -> StoreResult<u64> {
    let participants = match audience {
        Audience::One(id) => vec![store.participant(event, id).await?],
        Audience::Everyone => store.participants(event).await?,
        Audience::NotSignedIn => store
            .participants(event)
            .await?
            .into_iter()
            .filter(|p| p.signed_in_at.is_none())
            .collect(),
    };
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let notices: Vec<_> = participants
        .iter()
        .map(|p| notice::invitation(event, &p.id, &nonce))
        .collect();
    store.enqueue(&notices).await
}

/// Signs invitation links.
#[derive(Clone)]
pub struct InvitationKey([u8; 32]);

impl InvitationKey {
    pub fn new(organiser_token_hash: &str) -> Self {
        Self(
            Sha256::new()
                .chain_update(b"rendezvous invitation links\0")
                .chain_update(organiser_token_hash.as_bytes())
                .finalize()
                .into(),
        )
    }

    /// The token an invitation carries: the same for every attempt at message `outbox_id`.
    pub fn token_for(&self, outbox_id: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(outbox_id.as_bytes());
        participant_token_from(mac.finalize().into_bytes().into())
    }

    /// The stored form of [`token_for`](Self::token_for).
    pub fn token_hash_for(&self, outbox_id: &str) -> String {
        hash_token(&self.token_for(outbox_id))
    }
}

impl std::fmt::Debug for InvitationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_one_token_and_keys_differ_by_deployment() {
        let key = InvitationKey::new("hash-a");
        assert_eq!(key.token_for("msg_1"), key.token_for("msg_1"));
        assert_ne!(key.token_for("msg_1"), key.token_for("msg_2"));
        assert_ne!(
            key.token_for("msg_1"),
            InvitationKey::new("hash-b").token_for("msg_1")
        );
        assert!(key.token_for("msg_1").starts_with("rdvp_"));
    }
}
