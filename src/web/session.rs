//! Sign-in sessions and CSRF tokens. A session is a row in the store (see
//! [`crate::store::SessionStore`]) keyed by the SHA-256 of a random id; the cookie carries
//! the id. Signing out deletes the row, so a copied cookie is refused afterwards on every
//! node. The CSRF token is derived from the session id (which only the cookie holds), so a
//! page from another site can neither read nor forge it.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::domain::ids::{hash_token, new_session_id};
use crate::store::{Principal, Store, StoreResult, WebSession};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rv_session";
/// The remembered language's cookie.
pub const LANG_COOKIE: &str = "rv_lang";
/// A session lasts the expo and its preparation.
pub const SESSION_DAYS: i64 = 30;

/// A session as the pages use it: the row, and the id it was opened with.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie's value. Never logged, never stored.
    id: String,
    pub row: WebSession,
}

impl Session {
    /// The CSRF token of this session.
    pub fn csrf(&self) -> String {
        csrf_of(&self.id)
    }

    /// Whether `given` is this session's CSRF token.
    pub fn csrf_ok(&self, given: &str) -> bool {
        same(&self.csrf(), given)
    }

    /// The cookie's value.
    pub fn cookie_value(&self) -> &str {
        &self.id
    }
}

/// Opens a new session for `principal`, expired sessions purged on the way (sign-ins are
/// rare next to page views, and the purge uses the expiry index).
pub async fn start(store: &dyn Store, principal: Principal, now: DateTime<Utc>) -> StoreResult<Session> {
    store.delete_expired_sessions(now).await?;
    let id = new_session_id();
    let row = WebSession {
        id_hash: hash_token(&id),
        principal,
        created_at: now,
        expires_at: now + Duration::days(SESSION_DAYS),
    };
    store.create_session(&row).await?;
    Ok(Session { id, row })
}

/// The live session a cookie value names, if any.
pub async fn resume(store: &dyn Store, id: &str, now: DateTime<Utc>) -> StoreResult<Option<Session>> {
    Ok(store.session(&hash_token(id), now).await?.map(|row| Session {
        id: id.to_string(),
        row,
    }))
}

/// Ends a session: its cookie, and every copy of it, opens nothing any more.
pub async fn end(store: &dyn Store, session: &Session) -> StoreResult<()> {
    store.delete_session(&session.row.id_hash).await?;
    Ok(())
}

fn csrf_of(session_id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"rendezvous csrf\0")
        .chain_update(session_id.as_bytes())
        .finalize();
    hex::encode(digest)[..32].to_string()
}

/// Equality that takes the same time wherever the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Whether the request came over TLS (directly or through a proxy that says so).
fn secure(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure over TLS; `max_age` 0 removes it.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: u32) -> String {
    let secure = if secure(headers) { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Whether a POST may come from this origin: browsers say `Sec-Fetch-Site` and `Origin` on
/// form posts; one from another site is refused even before the CSRF token is looked at.
/// (Under `Referrer-Policy: no-referrer` a browser sends `Origin: null`: the token decides.)
pub fn same_origin(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == "null" {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority == host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_are_not_the_stored_hash() {
        let (a, b) = ("rdvs_a", "rdvs_b");
        assert_ne!(csrf_of(a), csrf_of(b));
        assert_eq!(csrf_of(a).len(), 32);
        assert!(!hash_token(a).starts_with(&csrf_of(a)));
        assert!(same(&csrf_of(a), &csrf_of(a)));
        assert!(!same(&csrf_of(a), &csrf_of(b)));
    }
}
