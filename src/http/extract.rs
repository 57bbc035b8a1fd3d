//! Path and query extractors whose rejections are the contract's 422 naming the parameter
//! (axum's own answer 400 in plain text). No parameter may hold a control character: none
//! is part of an id or a filter, and a NUL is not even storable on PostgreSQL.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams, path::ErrorKind};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::json::invalid_at;
use crate::domain::Invalid;
use crate::domain::text::{control_in_line, control_rule};

/// The 422 of the first parameter holding a control character, if one does.
fn control_in_parameters<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), ApiError> {
    for (key, value) in params {
        if let Some(c) = control_in_line(value) {
            return Err(Invalid::rule(format!("/{key}"), control_rule(c)).into());
        }
    }
    Ok(())
}

/// The path parameters, as `axum::extract::Path`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Not UTF-8 is said below, by the typed extractor, naming the parameter too.
        if let Ok(raw) = RawPathParams::from_request_parts(parts, state).await {
            control_in_parameters(&raw)?;
        }
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(err)) => {
                let pointer = match err.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => format!("/{key}"),
                    _ => String::new(),
                };
                Err(ApiError::field(pointer, err.body_text()))
            }
            // The route and the handler disagree: a bug, not the client's mistake.
            Err(other) => Err(ApiError::Internal(anyhow::anyhow!("path parameters: {other}"))),
        }
    }
}

/// The query string, as `axum::extract::Query`.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
        control_in_parameters(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|err| invalid_at(&err))
    }
}
