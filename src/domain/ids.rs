//! Ids and bearer tokens. Ids are opaque with a readable prefix; tokens are 256 random bits
//! with a prefix that makes a leaked one recognisable, and only their SHA-256 is ever stored.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

/// Prefix of participant tokens.
const PARTICIPANT_PREFIX: &str = "rdvp_";
/// Prefix of generated organiser tokens.
const ORGANISER_PREFIX: &str = "rdvo_";
/// Prefix of web session ids (the session cookie's value).
const SESSION_PREFIX: &str = "rdvs_";

/// A new opaque id with a readable prefix, as `evt_0f3c…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// A new random token with the given prefix (256 bits).
fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    token_text(prefix, bytes)
}

fn token_text(prefix: &str, bytes: [u8; 32]) -> String {
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A participant token made of 256 given bits (a keyed hash's, for an invitation link that
/// every attempt at one message must carry alike).
pub fn participant_token_from(bytes: [u8; 32]) -> String {
    token_text(PARTICIPANT_PREFIX, bytes)
}

/// A new participant token.
pub fn new_participant_token() -> String {
    new_token(PARTICIPANT_PREFIX)
}

/// A new organiser token.
pub fn new_organiser_token() -> String {
    new_token(ORGANISER_PREFIX)
}

/// A new web session id.
pub fn new_session_id() -> String {
    new_token(SESSION_PREFIX)
}

/// Shortest organiser token a deployment may choose, in characters.
pub const MIN_ORGANISER_TOKEN: usize = 32;
/// Fewest different characters in it: `aaaa…` or `1234…` repeated are not secrets.
const MIN_DISTINCT: usize = 10;

/// Whether a chosen organiser token (`RENDEZVOUS_ORGANISER_TOKEN`) is strong enough to guard
/// every event: at least 32 characters, 10 of them different, no whitespace or control
/// character inside. A generated one (`rdvo_` and 256 random bits) always is. The refusal
/// is one line, saying what to do.
pub fn check_organiser_token(token: &str) -> Result<(), String> {
    check_token_strength(token, "RENDEZVOUS_ORGANISER_TOKEN")
}

/// [`check_organiser_token`] for any chosen token, its refusal naming `variable`.
pub fn check_token_strength(token: &str, variable: &str) -> Result<(), String> {
    let token = token.trim();
    let distinct = token.chars().collect::<std::collections::HashSet<_>>().len();
    if token.chars().count() < MIN_ORGANISER_TOKEN
        || distinct < MIN_DISTINCT
        || token.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "{variable} is too weak: use at least {MIN_ORGANISER_TOKEN} characters, \
             {MIN_DISTINCT} of them different, no spaces (as `openssl rand -base64 32` prints), \
             or leave it unset to have one generated"
        ));
    }
    Ok(())
}

/// The stored form of a token: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_prefix_and_256_bits() {
        let token = new_participant_token();
        let random = token.strip_prefix(PARTICIPANT_PREFIX).expect("prefix");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(random)
            .expect("base64url");
        assert_eq!(bytes.len(), 32);
        assert_ne!(token, new_participant_token());
        assert!(new_organiser_token().starts_with(ORGANISER_PREFIX));
    }

    #[test]
    fn weak_organiser_tokens_are_refused() {
        for weak in [
            "",
            "secret",
            "test-organiser-token",
            &"a".repeat(64),
            "0123456701234567012345670123456701234567",
            "correct horse battery staple and more words",
        ] {
            let err = check_organiser_token(weak).unwrap_err();
            assert!(!err.contains('\n'), "one line: {err}");
        }
        check_organiser_token(&new_organiser_token()).unwrap();
        check_organiser_token("Zx8Qp2Lw9Rt5Vb3Nm7Kj4Hg6Fd1Sa0Ye").unwrap();
    }

    #[test]
    fn the_stored_form_is_hex_sha256() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
