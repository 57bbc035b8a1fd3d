//! Cursor pagination of the API's lists: `?limit=` (1 to [`MAX_LIMIT`], default the maximum,
//! so a list that fits one page reads as before) and `?cursor=` (opaque, from the previous
//! page). The body stays the JSON array of the page's items, in the list's own order; when
//! more follow, `Link: <…?cursor=…&limit=…>; rel="next"` gives the next page. A cursor names
//! the last item of its page: the next page starts after it, wherever it now stands, so
//! items added meanwhile are not skipped; a cursor whose item is gone (a pin removed) is a
//! 422 saying to start again.
//!
//! The lists that grow with the expo — the directory and the requests — are read a page at a
//! time by the store (an index range: [`PageQuery::finish`]); the others, a few dozen items
//! an event (rooms, events, pins, one participant's marks), are read whole and cut here
//! ([`paged`]).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;

use super::error::ApiError;
use crate::domain::{Invalid, Rule};

/// Most items in one page.
pub const MAX_LIMIT: usize = 1000;

/// The page asked for.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

impl PageQuery {
    /// Reads `limit` and `cursor` from a query string's pairs; other parameters are refused
    /// (none of the paged lists takes any).
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        let mut page = PageQuery::default();
        let mut errors = Invalid::default();
        for (name, value) in pairs {
            match name.as_str() {
                "limit" => match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_LIMIT).contains(&n) => page.limit = Some(n),
                    _ => errors.broke(
                        "/limit",
                        Rule::Between {
                            min: 1,
                            max: MAX_LIMIT as u32,
                        },
                    ),
                },
                "cursor" => match decode(value) {
                    Some(after) => page.cursor = Some(after),
                    None => errors.push("/cursor", "not a cursor this list gave"),
                },
                other => errors.push(format!("/{other}"), "unknown query parameter"),
            }
        }
        errors.into_result(page).map_err(ApiError::from)
    }

    /// The page of `items` (in the list's order, `id` naming each) and the cursor of the
    /// next one, if any.
    pub fn cut<T>(
        &self,
        items: Vec<T>,
        id: impl Fn(&T) -> &str,
    ) -> Result<(Vec<T>, Option<String>), ApiError> {
        let start = match &self.cursor {
            None => 0,
            Some(after) => match items.iter().position(|item| id(item) == after) {
                Some(at) => at + 1,
                None => {
                    return Err(Invalid::one(
                        "/cursor",
                        "the item this cursor points after is gone: start from the first page",
                    )
                    .into());
                }
            },
        };
        let limit = self.limit.unwrap_or(MAX_LIMIT);
        let more = items.len() > start + limit;
        let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
        let next = more.then(|| page.last().map(|last| encode(id(last)))).flatten();
        Ok((page, next))
    }

    /// Items per page.
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(MAX_LIMIT)
    }

    /// The id of the item the page starts after, if any.
    pub fn after(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// A page a store read with [`limit`](Self::limit)` + 1` items after [`after`](Self::after)
    /// (the extra one only says that more follow), and the cursor of the next page.
    pub fn finish<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> &str) -> (Vec<T>, Option<String>) {
        let more = items.len() > self.limit();
        items.truncate(self.limit());
        let next = more.then(|| items.last().map(|last| encode(id(last)))).flatten();
        (items, next)
    }

    /// A store's `NotFound` for the cursor's item: the 422 of a cursor pointing at nothing.
    pub fn stale(&self) -> ApiError {
        Invalid::one("/cursor", "not a cursor this list gave").into()
    }

    /// The page as the response: the JSON array, and the `Link` to the next page.
    pub fn respond<V: Serialize>(&self, path: &str, page: Vec<V>, next: Option<String>) -> Response {
        let mut response = axum::Json(page).into_response();
        if let Some(cursor) = next {
            let limit = self.limit.unwrap_or(MAX_LIMIT);
            let link = format!("<{path}?cursor={cursor}&limit={limit}>; rel=\"next\"");
            if let Ok(value) = HeaderValue::from_str(&link) {
                response.headers_mut().insert(header::LINK, value);
            }
        }
        response
    }
}

/// Pages `items` for `pairs` and answers with the page (the list's whole handler tail).
pub fn paged<T, V: Serialize>(
    path: &str,
    pairs: &[(String, String)],
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    view: impl Fn(T) -> V,
) -> Result<Response, ApiError> {
    let query = PageQuery::parse(pairs)?;
    let (page, next) = query.cut(items, id)?;
    Ok(query.respond(path, page.into_iter().map(view).collect(), next))
}

fn encode(id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode(cursor: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn pages_follow_each_other_without_gap_or_repeat() {
        let mut query = PageQuery::parse(&[("limit".into(), "3".into())]).unwrap();
        let mut seen = Vec::new();
        loop {
            let (page, next) = query.cut(ids(8), |s| s.as_str()).unwrap();
            seen.extend(page);
            match next {
                Some(cursor) => {
                    query =
                        PageQuery::parse(&[("limit".into(), "3".into()), ("cursor".into(), cursor)]).unwrap()
                }
                None => break,
            }
        }
        assert_eq!(seen, ids(8));
    }

    #[test]
    fn a_list_within_one_page_has_no_next() {
        let query = PageQuery::parse(&[]).unwrap();
        let (page, next) = query.cut(ids(MAX_LIMIT), |s| s.as_str()).unwrap();
        assert_eq!((page.len(), next), (MAX_LIMIT, None));
    }

    #[test]
    fn bad_limits_and_cursors_are_named() {
        for (name, value) in [
            ("limit", "0"),
            ("limit", "1001"),
            ("limit", "x"),
            ("cursor", "%%"),
            ("page", "2"),
        ] {
            let err = PageQuery::parse(&[(name.into(), value.into())]).unwrap_err();
            let ApiError::Invalid(invalid) = err else { panic!() };
            assert_eq!(invalid.0[0].pointer, format!("/{name}"));
        }
        let gone = PageQuery::parse(&[("cursor".into(), encode("r99"))]).unwrap();
        assert!(gone.cut(ids(3), |s| s.as_str()).is_err());
    }
}
