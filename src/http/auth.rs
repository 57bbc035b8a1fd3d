//! Bearer tokens and who the caller is. The organiser's token comes from the environment
//! (or is generated at start and printed once); participant tokens are returned once at
//! registration and only their SHA-256 is stored.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::error::ApiError;
use crate::domain::ids::hash_token;
use crate::state::AppState;
use crate::store::Participant;

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
    bearer_token(&parts.headers)
}

/// The bearer token of `Authorization: Bearer <token>`; the scheme is case-insensitive
/// (RFC 9110 §11.1). The one parser for authentication and rate limits alike.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    parse_bearer(headers.get(header::AUTHORIZATION)?.to_str().ok()?)
}

/// The token of one `Authorization` header value, `Bearer <token>` in any case; `None` for
/// another scheme or an empty token. Pure, so that it can be fuzzed (`fuzz/`).
pub fn parse_bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Resolves a token to a caller.
pub async fn resolve(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let hash = hash_token(token);
    if hash == *state.organiser_token_hash {
        return Ok(Caller::Organiser);
    }
    match state.store.participant_by_token_hash(&hash).await? {
        Some(p) => {
            crate::profiles::note_sign_in(state.store.as_ref(), &p).await;
            Ok(Caller::Participant(Box::new(p)))
        }
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
/// [`TokenIdentities`](crate::state::TokenIdentities), this node's memory of token hashes, so that the opening-morning rush
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
        crate::profiles::note_sign_in(state.store.as_ref(), &participant).await;
        let identity = (participant.event_id, participant.id);
        state.token_identities.remember(hash, identity.clone());
        Ok(Reader::Participant {
            event: identity.0,
            id: identity.1,
        })
    }
}
