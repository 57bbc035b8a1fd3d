//! Messages (organiser): every message the outbox holds and where it stands — sent (by SMTP
//! or into the mail folder), waiting, skipped with its reason, failed after its attempts —
//! with the `.eml` file the folder holds, a way to send a failed one again, and invitations.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use crate::domain::Invalid;
use crate::domain::notice::MessageKind;
use crate::notify::invitations::{self, Audience};
use crate::state::AppState;
use crate::store::{MessageFilter, MessageStatus, OutboxMessage, StoreError};

/// Messages per page unless `limit` says otherwise, and the most a page holds.
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// One message of the outbox.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    /// The participant it is for.
    pub recipient: String,
    pub kind: MessageKind,
    pub status: MessageStatus,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When it is (next) due.
    pub due_at: DateTime<Utc>,
    /// The last failure, or why it was skipped.
    pub last_error: Option<String>,
    /// Its subject, once written.
    pub subject: Option<String>,
    /// Where it went: `smtp`, or the `.eml` file written.
    pub delivery: Option<String>,
    /// The `Message-ID` it carries on every attempt.
    pub message_id: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// How many of an event's messages are in each status.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageCounts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    pub skipped: u64,
}

/// `POST /events/{event}/invitations`: who gets the personal sign-in link.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// `everyone`, `not_signed_in` (participants that never used their token), or
    /// `participant` (the one named by `participant`).
    pub to: InvitationAudience,
    #[serde(default)]
    pub participant: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvitationAudience {
    Everyone,
    NotSignedIn,
    Participant,
}

/// Invitations queued.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InvitationsQueued {
    pub queued: u64,
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(message_counts))
        .routes(routes!(get_message))
        .routes(routes!(message_file))
        .routes(routes!(retry_message))
        .routes(routes!(send_invitations))
}

pub(super) fn view(state: &AppState, m: OutboxMessage) -> MessageView {
    MessageView {
        message_id: crate::notify::compose::message_id(&m.id, &state.mailer.from),
        id: m.id,
        recipient: m.recipient_id,
        kind: m.topic.kind(),
        status: m.status,
        attempts: m.attempts,
        due_at: m.due_at,
        last_error: m.last_error,
        subject: m.subject,
        delivery: m.delivery,
        created_at: m.created_at,
        sent_at: m.sent_at,
    }
}

/// The query string of the list, parsed; parameters are named in errors as `/<parameter>`.
fn filter(pairs: Vec<(String, String)>) -> Result<MessageFilter, Invalid> {
    let mut errors = Invalid::default();
    let mut filter = MessageFilter {
        limit: DEFAULT_LIMIT,
        ..MessageFilter::default()
    };
    for (name, value) in pairs {
        let value = value.trim().to_string();
        match name.as_str() {
            "status" => match MessageStatus::parse(&value) {
                Some(status) => filter.status = Some(status),
                None => errors.push("/status", "one of pending, sent, failed, skipped"),
            },
            "kind" => match MessageKind::parse(&value) {
                Some(kind) => filter.kind = Some(kind),
                None => errors.push("/kind", "a message kind, as request_created or reminder"),
            },
            "recipient" if !value.is_empty() => filter.recipient = Some(value),
            "after" if !value.is_empty() => filter.after = Some(value),
            "recipient" | "after" => errors.push(format!("/{name}"), "must not be empty"),
            "limit" => match value.parse::<u32>() {
                Ok(limit) if (1..=MAX_LIMIT).contains(&limit) => filter.limit = limit,
                _ => errors.push("/limit", format!("a whole number from 1 to {MAX_LIMIT}")),
            },
            _ => errors.push(format!("/{name}"), "unknown query parameter"),
        }
    }
    errors.into_result(filter)
}

/// An event's messages, oldest first, a page at a time (organiser). When the page is full,
/// `Link: <…>; rel="next"` gives the next one.
#[utoipa::path(get, path = "/events/{event}/messages", tag = "messages",
    params(("event" = String, Path),
           ("status" = Option<MessageStatus>, Query, description = "only messages in this status"),
           ("kind" = Option<MessageKind>, Query, description = "only messages of this kind"),
           ("recipient" = Option<String>, Query, description = "only messages to this participant"),
           ("after" = Option<String>, Query, description = "the cursor of the next page (from the Link header)"),
           ("limit" = Option<u32>, Query, description = "1–1000, default 100")),
    responses((status = 200, body = Vec<MessageView>,
               headers(("Link" = String, description = "the next page, when there may be one"))),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    caller.organiser()?;
    let filter = filter(pairs)?;
    state.store.event(&event).await?;
    let messages = state.store.messages(&event, &filter).await?;
    let next = (messages.len() == filter.limit as usize)
        .then(|| messages.last().map(|m| m.id.clone()))
        .flatten();
    let body: Vec<MessageView> = messages.into_iter().map(|m| view(&state, m)).collect();
    let mut response = axum::Json(body).into_response();
    if let Some(after) = next {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", filter.status.map(|s| s.as_str().to_string())),
            ("kind", filter.kind.map(|k| k.as_str().to_string())),
            ("recipient", filter.recipient.clone()),
            ("limit", Some(filter.limit.to_string())),
            ("after", Some(after)),
        ] {
            if let Some(value) = value {
                query.append_pair(name, &value);
            }
        }
        let link = format!(
            "</api/v1/events/{event}/messages?{}>; rel=\"next\"",
            query.finish()
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// How many of an event's messages are pending, sent, failed and skipped (organiser).
#[utoipa::path(get, path = "/events/{event}/messages/counts", tag = "messages", params(("event" = String, Path)),
    responses((status = 200, body = MessageCounts), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn message_counts(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<MessageCounts>> {
    caller.organiser()?;
    state.store.event(&event).await?;
    let counts = state.store.message_counts(&event).await?;
    let of = |s| counts.get(&s).copied().unwrap_or(0);
    Ok(axum::Json(MessageCounts {
        pending: of(MessageStatus::Pending),
        sent: of(MessageStatus::Sent),
        failed: of(MessageStatus::Failed),
        skipped: of(MessageStatus::Skipped),
    }))
}

/// One message (organiser).
#[utoipa::path(get, path = "/events/{event}/messages/{id}", tag = "messages",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = MessageView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_message(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<MessageView>> {
    caller.organiser()?;
    let message = state.store.message(&event, &id).await?;
    Ok(axum::Json(view(&state, message)))
}

/// The `.eml` file a message was written to, without an SMTP relay (organiser). 404 when it
/// went by SMTP, is not written yet, or was written by a node whose folder this one does not
/// see.
#[utoipa::path(get, path = "/events/{event}/messages/{id}/eml", tag = "messages",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "the message as written", content_type = "message/rfc822", body = String),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn message_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    caller.organiser()?;
    let message = state.store.message(&event, &id).await?;
    let path = message
        .delivery
        .filter(|d| message.status == MessageStatus::Sent && d.ends_with(".eml"))
        .ok_or(ApiError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(|_| ApiError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response())
}

/// Sends a failed or skipped message again, due now, its attempts reset (organiser).
#[utoipa::path(post, path = "/events/{event}/messages/{id}/retry", tag = "messages",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = MessageView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn retry_message(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<MessageView>> {
    caller.organiser()?;
    let message = state.store.requeue_message(&event, &id).await?;
    Ok(axum::Json(view(&state, message)))
}

/// Queues the personal sign-in link for everyone, for those not signed in yet, or for one
/// participant (organiser). Each invitation gives its participant a new token once it is
/// delivered (only hashes are kept, so the old token cannot be sent): the old one then
/// stops working.
#[utoipa::path(post, path = "/events/{event}/invitations", tag = "messages", params(("event" = String, Path)),
    request_body = InvitationRequest,
    responses((status = 202, body = InvitationsQueued), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn send_invitations(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<InvitationRequest>,
) -> ApiResult<(StatusCode, axum::Json<InvitationsQueued>)> {
    caller.organiser()?;
    let audience = match (body.to, body.participant) {
        (InvitationAudience::Participant, Some(id)) => Audience::One(id),
        (InvitationAudience::Participant, None) => {
            return Err(ApiError::field("/participant", "name the participant to invite"));
        }
        (_, Some(_)) => {
            return Err(ApiError::field(
                "/participant",
                "only with \"to\": \"participant\"",
            ));
        }
        (InvitationAudience::Everyone, None) => Audience::Everyone,
        (InvitationAudience::NotSignedIn, None) => Audience::NotSignedIn,
    };
    state.store.event(&event).await?;
    let queued = match invitations::invite(state.store.as_ref(), &event, &audience).await {
        Err(StoreError::NotFound) if matches!(audience, Audience::One(_)) => {
            return Err(ApiError::field(
                "/participant",
                "no such participant in this event",
            ));
        }
        other => other?,
    };
    Ok((StatusCode::ACCEPTED, axum::Json(InvitationsQueued { queued })))
}
