//! Every meeting request of the event, filtered by status and by participant (a part of a
//! name, organisation or city), a page at a time.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::event_nav;
use super::page::OrganiserEvent;
use crate::domain::RequestStatus;
use crate::state::AppState;
use crate::web::context::ok;
use crate::web::layout;
use crate::web::requests::names_in;

/// Requests on one page.
const PAGE: usize = 100;

const STATUSES: [RequestStatus; 6] = [
    RequestStatus::Pending,
    RequestStatus::Accepted,
    RequestStatus::Declined,
    RequestStatus::Withdrawn,
    RequestStatus::Cancelled,
    RequestStatus::Expired,
];

#[derive(Deserialize)]
pub struct Filter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    participant: String,
    #[serde(default)]
    page: usize,
}

/// `GET /organiser/events/{event}/requests?status=&participant=&page=`.
pub async fn list(
    State(state): State<AppState>,
    Query(f): Query<Filter>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let lang = ctx.lang;
        let status = RequestStatus::parse(&f.status);
        let who = f.participant.trim().to_lowercase();
        let mut requests = state.store.requests(&event.id, None).await?;
        requests.retain(|r| status.is_none_or(|s| r.status == s));
        if !who.is_empty() {
            let matching: std::collections::HashSet<String> = state
                .store
                .participants(&event.id)
                .await?
                .into_iter()
                .filter(|p| {
                    [Some(&p.profile.name), p.profile.organization.as_ref(), p.profile.city.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|t| t.to_lowercase().contains(&who))
                })
                .map(|p| p.id)
                .collect();
            requests.retain(|r| r.participants().iter().any(|p| matching.contains(p)));
        }
        let total = requests.len();
        let pages = total.div_ceil(PAGE).max(1);
        let page = f.page.min(pages - 1);
        let shown = &requests[(page * PAGE).min(total)..((page + 1) * PAGE).min(total)];
        let names = names_in(&state, &event.id, shown).await?;
        let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        let base = format!("/organiser/events/{}/requests", event.id);
        let query = |page: usize| {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("status", &f.status)
                .append_pair("participant", &f.participant)
                .append_pair("page", &page.to_string())
                .finish();
            format!("{base}?{q}")
        };
        let body = html! {
            (event_nav(&ctx, &event))
            form method="get" action=(base) class="filters" {
                div class="field" {
                    label for="status" { (lang.t("org-requests-status")) }
                    select id="status" name="status" {
                        option value="" selected[status.is_none()] { (lang.t("org-requests-any")) }
                        @for s in STATUSES {
                            option value=(s.as_str()) selected[status == Some(s)] { (lang.t(&format!("status-{}", s.as_str()))) }
                        }
                    }
                }
                div class="field" {
                    label for="participant" { (lang.t("org-requests-participant")) }
                    input id="participant" name="participant" type="search" value=(f.participant);
                }
                button type="submit" { (lang.t("org-requests-filter")) }
            }
            p role="status" { (lang.ta("org-requests-count", &[("count", total.to_string())])) }
            @if !shown.is_empty() {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("org-requests-from")) }
                        th scope="col" { (lang.t("org-requests-to")) }
                        th scope="col" { (lang.t("org-requests-minutes")) }
                        th scope="col" { (lang.t("org-requests-status")) }
                    } }
                    tbody {
                        @for r in shown {
                            tr {
                                td { (name(&r.requester)) }
                                td { (r.invitees.iter().map(|i| name(&i.participant)).collect::<Vec<_>>().join(", ")) }
                                td { (r.duration_minutes) }
                                td { span class=(format!("status {}", r.status.as_str())) { (lang.t(&format!("status-{}", r.status.as_str()))) } }
                            }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav class="pages" aria-label=(lang.t("org-pages")) {
                    @if page > 0 { a href=(query(page - 1)) { (lang.t("org-previous")) } }
                    span { (lang.ta("org-page-of", &[("page", (page + 1).to_string()), ("pages", pages.to_string())])) }
                    @if page + 1 < pages { a href=(query(page + 1)) { (lang.t("org-next")) } }
                }
            }
        };
        ok(layout::page(&ctx, &lang.ta("org-requests-title", &[("event", event.name.clone())]), body))
    }
    .await;
    ctx.finish(result)
}
