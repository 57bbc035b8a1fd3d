//! The problems every operation can answer besides its own, added to the OpenAPI document
//! in one place. Authentication, body and parameter parsing, rate limits, idempotency,
//! the request timeout and the store answer the same way on every route, so their
//! responses are derived here from each operation's shape (secured? a body? parameters? a
//! write?) instead of being listed, and forgotten, by every handler. Handlers list only the
//! problems of their own logic (403, 404 of a missing object, 409, 412).
//!
//! Every 4xx and 5xx of the document is then `application/problem+json` with the
//! [`Problem`](super::error::Problem) schema, whatever the handler wrote: that is the one
//! shape [`ApiError`](super::error::ApiError) and `shape_errors` give every error.

use axum::http::StatusCode;
use utoipa::Modify;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Required, ResponseBuilder};

use super::error::PROBLEM_JSON;

/// The request header of [`idempotency`](super::idempotency).
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// How a request can fail before or around its handler.
struct Shape {
    secured: bool,
    write: bool,
    post: bool,
    has_body: bool,
    has_parameters: bool,
    uses_store: bool,
}

/// Adds to every operation the problems the layers around its handler can answer.
pub struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                let shape = Shape::of(path, method, operation);
                complete(operation, &shape);
                if shape.post && path.starts_with("/api/") {
                    add_idempotency_key(operation);
                }
                as_problems(operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
}

impl Shape {
    fn of(path: &str, method: &str, operation: &Operation) -> Self {
        // `security(())` on an operation is one empty requirement: open to anyone.
        let secured = operation.security.as_ref().is_none_or(|requirements| {
            requirements
                .iter()
                .any(|r| serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty())))
        });
        let api = path.starts_with("/api/");
        Self {
            secured,
            write: method != "get",
            post: method == "post",
            has_body: operation.request_body.is_some(),
            has_parameters: operation.parameters.as_ref().is_some_and(|p| !p.is_empty()),
            // Liveness and metrics answer from memory; everything else reads the store.
            uses_store: api || path == "/readyz",
        }
    }
}

/// The statuses an operation of this shape can get from the layers, and why.
fn common_statuses(shape: &Shape) -> Vec<(StatusCode, &'static str)> {
    let mut statuses = Vec::new();
    if shape.secured {
        statuses.push((StatusCode::UNAUTHORIZED, "No usable bearer token."));
    }
    if shape.has_parameters {
        statuses.push((
            StatusCode::NOT_FOUND,
            "No such object, or not one the caller may know about.",
        ));
    }
    if shape.has_body || shape.post {
        statuses.push((
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request body is over the size limit.",
        ));
    }
    if shape.post {
        statuses.push((
            StatusCode::CONFLICT,
            "A request with this Idempotency-Key is still being handled, or its first answer \
             carried a token, which is shown once and not replayed.",
        ));
    }
    if shape.has_body {
        statuses.push((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The body is not of the documented media type.",
        ));
    }
    if shape.has_body || shape.has_parameters || shape.post {
        statuses.push((
            StatusCode::UNPROCESSABLE_ENTITY,
            "A parameter, a header or the body breaks the rules; `errors` names each bad field.",
        ));
    }
    if shape.secured && shape.write {
        statuses.push((
            StatusCode::TOO_MANY_REQUESTS,
            "Over the token's write rate limit; retry after `Retry-After` seconds.",
        ));
    }
    statuses.push((
        StatusCode::REQUEST_TIMEOUT,
        "The request took longer than the server's time limit.",
    ));
    if shape.uses_store {
        statuses.push((
            StatusCode::INTERNAL_SERVER_ERROR,
            "A fault on the server; the details are in its log, never in the answer.",
        ));
    }
    // Every request can be shed at the edge when the node is at its in-flight limit.
    statuses.push((
        StatusCode::SERVICE_UNAVAILABLE,
        if shape.uses_store {
            "The node is at its limit of requests in flight, or a dependency (the database, the \
             queue) is unreachable or saturated; retry after `Retry-After` seconds."
        } else {
            "The node is at its limit of requests in flight; retry after `Retry-After` seconds."
        },
    ));
    statuses
}

fn complete(operation: &mut Operation, shape: &Shape) {
    let responses = &mut operation.responses.responses;
    for (status, why) in common_statuses(shape) {
        let response = ResponseBuilder::new().description(why);
        responses
            .entry(status.as_str().to_string())
            .or_insert(RefOr::T(response.build()));
    }
}

/// Every error response is a problem document, and every response has a description (the
/// OpenAPI document requires one).
fn as_problems(operation: &mut Operation) {
    for (code, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let status = code
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok());
        if response.description.is_empty() {
            response.description = status
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Response")
                .to_string();
        }
        // The headers `ApiError` sets on these, whoever declared the response.
        match status {
            Some(StatusCode::UNAUTHORIZED) => {
                response
                    .headers
                    .entry("WWW-Authenticate".into())
                    .or_insert_with(|| RefOr::T(string_header("`Bearer`")));
            }
            Some(StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) => {
                response
                    .headers
                    .entry("Retry-After".into())
                    .or_insert_with(|| RefOr::T(seconds_header()));
            }
            _ => {}
        }
        if status.is_some_and(|s| s.is_client_error() || s.is_server_error()) {
            response.content.clear();
            response.content.insert(
                PROBLEM_JSON.to_string(),
                RefOr::T(Content::new(Some(Ref::from_schema_name("Problem")))),
            );
        }
    }
}

fn add_idempotency_key(operation: &mut Operation) {
    let parameter = ParameterBuilder::new()
        .name(IDEMPOTENCY_KEY)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the first answer to this caller and key is kept, and the same \
             request again with the same key gets it back (with `Idempotent-Replayed: true`) \
             instead of acting twice. The same key with another request is a 422. An answer \
             that carries a token (a registration, a CSV import) is never kept: tokens are \
             shown once, so its retry gets a 409 problem naming the participants the first \
             request registered, without their tokens. A request that fails (5xx), times out \
             or loses its client releases its key; a key still reserved after 5 minutes (its \
             request died with its server) is taken over by the next request. Answers are \
             kept for 24 hours, then forgotten.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(super::idempotency::MAX_KEY))
                .pattern(Some(super::idempotency::KEY_PATTERN)),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(RefOr::T(parameter));
}

fn string_header(description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some(description))
        .build()
}

fn seconds_header() -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)),
        ))
        .description(Some("Whole seconds to wait before retrying."))
        .build()
}
