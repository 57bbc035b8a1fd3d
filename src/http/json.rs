//! The JSON body extractor: requires `application/json`, rejects unknown fields (the DTOs
//! deny them), and turns any decoding error into a 422 naming the field by JSON pointer.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::domain::Invalid;

/// A JSON request body of type `T`.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType(
                "expected Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        require_object(&bytes, false)?;
        parse(&bytes).map(Json)
    }
}

/// An optional JSON body: a POST with no body at all, or the body `null`, is `None`; any other
/// body is read as [`Json`] reads it (`application/json`, unknown fields refused).
pub struct MaybeJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for MaybeJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = is_json(&req);
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        if bytes.is_empty() {
            return Ok(MaybeJson(None));
        }
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "expected Content-Type: application/json".into(),
            ));
        }
        require_object(&bytes, true)?;
        parse::<Option<T>>(&bytes).map(MaybeJson)
    }
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        })
}

/// Every request body of the API is a JSON object. serde would also read a struct from an
/// array of its fields in order (`[null, null]` as a PATCH of two optional fields), which the
/// document does not allow, so anything but an object (or `null` where the body is optional)
/// is refused before decoding.
fn require_object(bytes: &[u8], null_allowed: bool) -> Result<(), ApiError> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| &bytes[i..]) {
        Some([b'{', ..]) => Ok(()),
        Some(rest) if null_allowed && rest.starts_with(b"null") => Ok(()),
        // Empty or not JSON at all: let the decoder name what is wrong.
        None => Ok(()),
        Some(_) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(_) => Err(ApiError::field("", "the request body must be a JSON object")),
            Err(_) => Ok(()),
        },
    }
}

/// Decodes JSON, naming the place of the first error as a JSON pointer.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    refuse_nul(bytes)?;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| invalid_at(&err))
}

/// The 422 of a decoding error, naming the field by JSON pointer (for query strings too:
/// `/<parameter>`).
pub fn invalid_at<E: std::fmt::Display>(err: &serde_path_to_error::Error<E>) -> ApiError {
    let mut pointer = String::new();
    for segment in err.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", escape(key))),
            Segment::Enum { variant } => pointer.push_str(&format!("/{}", escape(variant))),
            Segment::Unknown => {}
        }
    }
    let message = err.inner().to_string();
    // serde reports unknown and missing fields at their parent object: name the field.
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(name) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
        {
            let segment = format!("/{}", escape(name));
            if !pointer.ends_with(&segment) {
                pointer.push_str(&segment);
            }
        }
    }
    ApiError::field(pointer, message)
}

/// A NUL in any string of the body is refused before decoding: no field, id or text may
/// hold one (PostgreSQL cannot store it; SQLite would), the same on both backends. The
/// other control characters are the text fields' own rules (`domain::text`), said per field.
fn refuse_nul(bytes: &[u8]) -> Result<(), ApiError> {
    // JSON can only carry a NUL escaped; a cheap scan spares every other body a second parse.
    if !bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Ok(());
    };
    match nul_at(&value, "") {
        Some(pointer) => Err(Invalid::rule(pointer, crate::domain::text::control_rule('\0')).into()),
        None => Ok(()),
    }
}

/// The pointer of the first string or key holding a NUL.
fn nul_at(value: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => s.contains('\0').then(|| at.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item, &format!("{at}/{i}"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let at = format!("{at}/{}", escape(key));
            if key.contains('\0') {
                return Some(at);
            }
            nul_at(item, &at)
        }),
        _ => None,
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Day {
        date: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        slot_minutes: u32,
        days: Vec<Day>,
    }

    fn pointer(text: &str) -> String {
        match parse::<Doc>(text.as_bytes()) {
            Err(ApiError::Invalid(invalid)) => invalid.0[0].pointer.clone(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Patch {
            name: Option<String>,
            timezone: Option<String>,
        }
        for body in ["[null, null]", " [] ", "3", "\"x\"", "true"] {
            assert!(
                matches!(require_object(body.as_bytes(), false), Err(ApiError::Invalid(_))),
                "{body} accepted"
            );
        }
        assert!(require_object(b"null", false).is_err());
        assert!(require_object(b"null", true).is_ok());
        assert!(require_object(br#" {"name": "x"}"#, false).is_ok());
        // Broken JSON is left to the decoder, which names where it breaks.
        assert!(require_object(b"[1,", false).is_ok());
        assert!(
            parse::<Patch>(b"[null, null]").is_ok(),
            "serde alone reads arrays as structs"
        );
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(pointer(r#"{"slot_minutes": -1, "days": []}"#), "/slot_minutes");
        assert_eq!(
            pointer(r#"{"slot_minutes": 20, "days": [{"date": 5}]}"#),
            "/days/0/date"
        );
        assert_eq!(
            pointer(r#"{"slot_minutes": 20, "days": [{"date": "x", "colour": 1}]}"#),
            "/days/0/colour"
        );
        assert_eq!(pointer(r#"{"days": []}"#), "/slot_minutes");
        assert_eq!(pointer(r#"{"slot_minutes": 20, "days": [}"#), "/days/0");
    }
}
