//! The one bearer parser of authentication and rate limits: any header value gives a
//! token only for the `Bearer` scheme in any case, and the token is a non-empty, trimmed
//! part of the value after the scheme.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rendezvous::http::auth::{bearer_token, parse_bearer};

fuzz_target!(|data: &[u8]| {
    // Through a real header map, as requests reach it (values need not be UTF-8).
    let mut headers = http::HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(data) {
        headers.insert(http::header::AUTHORIZATION, value);
    }
    let from_headers = bearer_token(&headers);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(token) = from_headers {
        assert_eq!(
            Some(token),
            parse_bearer(text),
            "the header path and the pure parser differ"
        );
    }
    let Some(token) = parse_bearer(text) else {
        return;
    };
    let (scheme, rest) = text.split_once(' ').expect("a token follows a space");
    assert!(
        scheme.eq_ignore_ascii_case("bearer"),
        "scheme {scheme:?} accepted"
    );
    assert!(!token.is_empty());
    assert_eq!(token, token.trim());
    assert!(rest.contains(token));
});
