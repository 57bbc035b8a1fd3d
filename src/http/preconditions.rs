//! `ETag` and `If-Match` for resources with a stored revision: a strong tag per revision,
//! and a write whose `If-Match` names none of the current tags (nor `*`) is a 412.

use axum::http::{HeaderMap, HeaderValue, header};

use super::error::ApiError;

/// The strong `ETag` of a resource at a stored revision, e.g. `"p42"` (the prefix keeps the
/// tags of different kinds of resource apart).
pub fn revision_etag(prefix: &str, revision: i64) -> String {
    format!("\"{prefix}{revision}\"")
}

/// A request's `If-Match`: absent (any current state will do), `*`, or a list of tags.
#[derive(Debug, Clone, PartialEq)]
pub enum IfMatch {
    Absent,
    Any,
    Tags(Vec<String>),
}

impl IfMatch {
    /// Reads the header; one that is not a list of quoted tags is a 422 naming it.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiError> {
        let mut tags = Vec::new();
        let mut any = false;
        let values = headers.get_all(header::IF_MATCH);
        let mut seen = false;
        for value in values {
            seen = true;
            let text = value.to_str().map_err(|_| bad_header())?;
            for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                if tag == "*" {
                    any = true;
                } else if is_entity_tag(tag) {
                    tags.push(tag.to_string());
                } else {
                    return Err(bad_header());
                }
            }
        }
        Ok(match (seen, any) {
            (false, _) => Self::Absent,
            (true, true) => Self::Any,
            (true, false) if tags.is_empty() => return Err(bad_header()),
            (true, false) => Self::Tags(tags),
        })
    }

    /// Whether a resource whose current tag is `etag` may be changed (RFC 9110 §13.1.1:
    /// strong comparison, so a weak `W/` tag never matches).
    pub fn allows(&self, etag: &str) -> bool {
        match self {
            Self::Absent | Self::Any => true,
            Self::Tags(tags) => tags.iter().any(|t| t == etag),
        }
    }
}

fn is_entity_tag(tag: &str) -> bool {
    let opaque = tag.strip_prefix("W/").unwrap_or(tag);
    opaque.len() >= 2
        && opaque.starts_with('"')
        && opaque.ends_with('"')
        && !opaque[1..opaque.len() - 1].contains('"')
}

fn bad_header() -> ApiError {
    ApiError::field(
        "/headers/If-Match",
        "`*` or a comma-separated list of quoted entity tags, as sent in `ETag`",
    )
}

/// The `ETag` header pair for a response.
pub fn etag_header(etag: &str) -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::ETAG,
        HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(value: &str) -> Result<IfMatch, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_str(value).unwrap());
        IfMatch::from_headers(&headers)
    }

    #[test]
    fn if_match_lists_stars_and_weak_tags() {
        let current = revision_etag("p", 7);
        assert_eq!(current, "\"p7\"");
        assert!(IfMatch::from_headers(&HeaderMap::new()).unwrap().allows(&current));
        assert!(parsed("*").unwrap().allows(&current));
        assert!(parsed("\"p6\", \"p7\"").unwrap().allows(&current));
        assert!(!parsed("\"p6\"").unwrap().allows(&current));
        assert!(
            !parsed("W/\"p7\"").unwrap().allows(&current),
            "weak tags never match"
        );
        assert!(parsed("p7").is_err());
        assert!(parsed(" , ").is_err());
    }
}
