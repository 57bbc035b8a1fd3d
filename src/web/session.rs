//! Sign-in sessions and CSRF tokens. The session cookie holds the participant token's
//! SHA-256 (never the token) and an HMAC of it under a key derived from the deployment's
//! organiser-token hash, which every node shares; the CSRF token is another HMAC of the same
//! hash, so a page from another site can neither read nor forge it.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rv_session";
/// The remembered language's cookie.
pub const LANG_COOKIE: &str = "rv_lang";

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// Equality that takes the same time wherever the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signs and checks this deployment's session cookies and CSRF tokens.
#[derive(Clone)]
pub struct Keys {
    key: [u8; 32],
}

impl Keys {
    pub fn new(organiser_token_hash: &str) -> Self {
        Self {
            key: Sha256::new()
                .chain_update(b"rendezvous web sessions\0")
                .chain_update(organiser_token_hash.as_bytes())
                .finalize()
                .into(),
        }
    }

    fn mac(&self, purpose: &str, token_hash: &str) -> String {
        hex::encode(hmac(&self.key, format!("{purpose}\0{token_hash}").as_bytes()))
    }

    /// The session cookie's value for a token hash.
    pub fn session_value(&self, token_hash: &str) -> String {
        format!("{token_hash}.{}", self.mac("session", token_hash))
    }

    /// The token hash of a genuine session cookie value.
    pub fn open_session<'a>(&self, value: &'a str) -> Option<&'a str> {
        let (hash, mac) = value.split_once('.')?;
        same(mac, &self.mac("session", hash)).then_some(hash)
    }

    /// The CSRF token of a session.
    pub fn csrf(&self, token_hash: &str) -> String {
        self.mac("csrf", token_hash)[..32].to_string()
    }

    pub fn csrf_ok(&self, token_hash: &str, given: &str) -> bool {
        same(&self.csrf(token_hash), given)
    }
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
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_tampered_session_is_refused() {
        let keys = Keys::new("abc");
        let value = keys.session_value("hash1");
        assert_eq!(keys.open_session(&value), Some("hash1"));
        let forged = value.replace("hash1", "hash2");
        assert_eq!(keys.open_session(&forged), None);
        assert_eq!(Keys::new("other").open_session(&value), None);
        assert!(keys.csrf_ok("hash1", &keys.csrf("hash1")));
        assert!(!keys.csrf_ok("hash2", &keys.csrf("hash1")));
    }
}
