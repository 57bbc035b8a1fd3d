//! The event's messages in one status (failed by default: the ones the organiser has to act
//! on): to whom, of what kind, the last error, the attempts. The same store call as
//! `GET /api/v1/events/{event}/messages`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::event_nav;
use super::page::OrganiserEvent;
use crate::state::AppState;
use crate::store::{MessageFilter, MessageStatus};
use crate::web::context::ok;
use crate::web::layout;

/// Messages on the page: the first this many of the status, oldest first (the counts above
/// say how many there are).
const SHOWN: u32 = 1000;

#[derive(Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: String,
}

/// `GET /organiser/events/{event}/messages?status=`.
pub async fn list(
    State(state): State<AppState>,
    Query(f): Query<Filter>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let lang = ctx.lang;
        let status = MessageStatus::parse(f.status.trim()).unwrap_or(MessageStatus::Failed);
        let filter = MessageFilter {
            status: Some(status),
            limit: SHOWN,
            ..MessageFilter::default()
        };
        let messages = state.store.messages(&event.id, &filter).await?;
        let counts = state.store.message_counts(&event.id).await?;
        let names: HashMap<String, String> = state
            .store
            .participants(&event.id)
            .await?
            .into_iter()
            .map(|p| (p.id, p.profile.name))
            .collect();
        let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        let base = format!("/organiser/events/{}/messages", event.id);
        let body = html! {
            (event_nav(&ctx, &event))
            nav class="filters" aria-label=(lang.t("org-messages-status")) {
                @for s in MessageStatus::ALL {
                    @let label = lang.ta(&format!("org-messages-{}", s.as_str()), &[("count", counts.get(&s).copied().unwrap_or(0).to_string())]);
                    @if s == status { strong aria-current="page" { (label) } }
                    @else { a href=(format!("{base}?status={}", s.as_str())) { (label) } }
                }
            }
            @if messages.is_empty() {
                p role="status" { (lang.t("org-messages-none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("org-messages-recipient")) }
                        th scope="col" { (lang.t("org-messages-kind")) }
                        th scope="col" { (lang.t("org-messages-error")) }
                        th scope="col" { (lang.t("org-messages-attempts")) }
                    } }
                    tbody {
                        @for m in &messages {
                            tr {
                                td { (name(&m.recipient_id)) }
                                td { (lang.t(&format!("org-message-kind-{}", m.topic.kind().as_str()))) }
                                td { (m.last_error.as_deref().unwrap_or("")) }
                                td { (m.attempts) }
                            }
                        }
                    }
                }
            }
        };
        ok(layout::page(&ctx, &lang.ta("org-messages-title", &[("event", event.name.clone())]), body))
    }
    .await;
    ctx.finish(result)
}
