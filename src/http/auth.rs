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

impl Caller {
    /// Only the organiser may do this.
    pub fn organiser(&self) -> Result<(), ApiError> {
        match self {
            Caller::Organiser => Ok(()),
            Caller::Participant(_) => Err(ApiError::forbidden("only the organiser may do this")),
        }
    }

    /// The organiser, or a participant of `event`. A participant of another event gets 404:
    /// to it, this event does not exist.
    pub fn in_event(&self, event: &str) -> Result<(), ApiError> {
        match self {
            Caller::Organiser => Ok(()),
            Caller::Participant(p) if p.event_id == event => Ok(()),
            Caller::Participant(_) => Err(ApiError::NotFound),
        }
    }

    /// The calling participant of `event`; the organiser is refused (403).
    pub fn participant_in(&self, event: &str) -> Result<&Participant, ApiError> {
        match self {
            Caller::Organiser => Err(ApiError::forbidden("only a participant may do this")),
            Caller::Participant(p) if p.event_id == event => Ok(p),
            Caller::Participant(_) => Err(ApiError::NotFound),
        }
    }

    /// The organiser, or the participant `id` itself; any other participant gets 404
    /// (another participant's private data does not exist for it).
    pub fn organiser_or_self(&self, event: &str, id: &str) -> Result<(), ApiError> {
        match self {
            Caller::Organiser => Ok(()),
            Caller::Participant(p) if p.event_id == event && p.id == id => Ok(()),
            Caller::Participant(_) => Err(ApiError::NotFound),
        }
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
