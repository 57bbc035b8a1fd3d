//! Bearer tokens and who the caller is. The organiser's token comes from the environment
//! (or is generated at start and printed once); participant tokens are returned once at
//! registration and only their SHA-256 is stored.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::app::AppState;
use crate::store::Participant;

/// Prefix of participant tokens, so a leaked one is recognisable.
const PARTICIPANT_PREFIX: &str = "rdvp_";
/// Prefix of generated organiser tokens.
const ORGANISER_PREFIX: &str = "rdvo_";

/// A new random token with the given prefix (256 bits).
fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A new participant token.
pub fn new_participant_token() -> String {
    new_token(PARTICIPANT_PREFIX)
}

/// A new organiser token.
pub fn new_organiser_token() -> String {
    new_token(ORGANISER_PREFIX)
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Expo staff: may do everything.
    Organiser,
    /// A registered participant of one event.
    Participant(Box<Participant>),
}

/// Who a caller is, without the profile: what access checks look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity<'a> {
    Organiser,
    Participant { event: &'a str, id: &'a str },
}

impl Identity<'_> {
    /// Only the organiser may do this.
    pub fn organiser(self) -> Result<(), ApiError> {
        match self {
            Identity::Organiser => Ok(()),
            Identity::Participant { .. } => Err(ApiError::forbidden("only the organiser may do this")),
        }
    }

    /// The organiser, or a participant of `event`. A participant of another event gets 404:
    /// to it, this event does not exist.
    pub fn in_event(self, event: &str) -> Result<(), ApiError> {
        match self {
            Identity::Organiser => Ok(()),
            Identity::Participant { event: own, .. } if own == event => Ok(()),
            Identity::Participant { .. } => Err(ApiError::NotFound),
        }
    }

    /// The organiser, or the participant `id` itself; any other participant gets 404
    /// (another participant's private data does not exist for it).
    pub fn organiser_or_self(self, event: &str, id: &str) -> Result<(), ApiError> {
        match self {
            Identity::Organiser => Ok(()),
            Identity::Participant { event: own, id: me } if own == event && me == id => Ok(()),
            Identity::Participant { .. } => Err(ApiError::NotFound),
        }
    }
}

impl Caller {
    /// Who this is, for access checks.
    pub fn identity(&self) -> Identity<'_> {
        match self {
            Caller::Organiser => Identity::Organiser,
            Caller::Participant(p) => Identity::Participant {
                event: &p.event_id,
                id: &p.id,
            },
        }
    }

    /// Only the organiser may do this.
    pub fn organiser(&self) -> Result<(), ApiError> {
        self.identity().organiser()
    }

    /// The organiser, or a participant of `event` (others: 404).
    pub fn in_event(&self, event: &str) -> Result<(), ApiError> {
        self.identity().in_event(event)
    }

    /// The calling participant of `event`; the organiser is refused (403).
    pub fn participant_in(&self, event: &str) -> Result<&Participant, ApiError> {
        match self {
            Caller::Organiser => Err(ApiError::forbidden("only a participant may do this")),
            Caller::Participant(p) if p.event_id == event => Ok(p),
            Caller::Participant(_) => Err(ApiError::NotFound),
        }
    }

    /// The organiser, or the participant `id` itself (others: 404).
    pub fn organiser_or_self(&self, event: &str, id: &str) -> Result<(), ApiError> {
        self.identity().organiser_or_self(event, id)
    }

    /// The key that scopes idempotency records: whose retry this is.
    pub fn idempotency_scope(&self) -> String {
        match self {
            Caller::Organiser => "organiser".into(),
            Caller::Participant(p) => format!("participant:{}", p.id),
        }
    }
}

/// Reads the bearer token, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// Resolves a token to a caller.
pub async fn resolve(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let hash = hash_token(token);
    if hash == *state.organiser_token_hash {
        return Ok(Caller::Organiser);
    }
    match state.store.participant_by_token_hash(&hash).await? {
        Some(p) => Ok(Caller::Participant(Box::new(p))),
        None => Err(ApiError::Unauthorized),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        let caller = resolve(state, token).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// A reader of the published timetable: who, without the profile. Resolved through
/// [`TokenIdentities`], this node's memory of token hashes, so that the opening-morning rush
/// of agenda reads does not query the database once per request: a participant's token and
/// event never change and participants are never deleted, so a remembered identity stays
/// right.
#[derive(Debug, Clone)]
pub enum Reader {
    Organiser,
    Participant { event: String, id: String },
}

impl Reader {
    /// Who this is, for access checks.
    pub fn identity(&self) -> Identity<'_> {
        match self {
            Reader::Organiser => Identity::Organiser,
            Reader::Participant { event, id } => Identity::Participant { event, id },
        }
    }
}

/// Participant identities by token hash, remembered by this node.
#[derive(Default)]
pub struct TokenIdentities {
    known: std::sync::RwLock<std::collections::HashMap<String, (String, String)>>,
}

/// Identities remembered before the memory starts over (bounds it to some tens of MB).
const MAX_REMEMBERED_TOKENS: usize = 200_000;

impl TokenIdentities {
    fn get(&self, hash: &str) -> Option<(String, String)> {
        self.known
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(hash)
            .cloned()
    }

    fn remember(&self, hash: String, identity: (String, String)) {
        let mut known = self
            .known
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() >= MAX_REMEMBERED_TOKENS {
            known.clear();
        }
        known.insert(hash, identity);
    }
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(ApiError::Unauthorized)?;
        let hash = hash_token(token);
        if hash == *state.organiser_token_hash {
            return Ok(Reader::Organiser);
        }
        if let Some((event, id)) = state.token_identities.get(&hash) {
            return Ok(Reader::Participant { event, id });
        }
        let participant = state
            .store
            .participant_by_token_hash(&hash)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let identity = (participant.event_id, participant.id);
        state.token_identities.remember(hash, identity.clone());
        Ok(Reader::Participant {
            event: identity.0,
            id: identity.1,
        })
    }
}
