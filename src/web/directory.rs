//! The directory (search by name, organisation, city, topic; filters by kind and country)
//! and public profiles. Only the public fields the API's directory shows.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::context::{Ctx, PageError, ok};
use super::layout;
use crate::domain::ParticipantKind;
use crate::state::AppState;
use crate::store::Participant;

/// Entries shown at most on one page.
const PAGE: usize = 100;

const KINDS: [ParticipantKind; 4] = [
    ParticipantKind::Delegation,
    ParticipantKind::Company,
    ParticipantKind::Researcher,
    ParticipantKind::Institution,
];

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
}

fn matches(p: &Participant, search: &Search) -> bool {
    let q = search.q.trim().to_lowercase();
    let text_ok = q.is_empty()
        || std::iter::once(&p.name)
            .chain(p.organization.iter())
            .chain(p.city.iter())
            .chain(p.topics.iter())
            .any(|field| field.to_lowercase().contains(&q));
    let kind_ok = search.kind.is_empty() || p.kind.as_str() == search.kind;
    let country_ok = search.country.is_empty() || p.country.as_deref() == Some(search.country.as_str());
    text_ok && kind_ok && country_ok
}

/// `GET /directory?q=&kind=&country=`.
pub async fn directory(ctx: Ctx, State(state): State<AppState>, Query(search): Query<Search>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        let everyone = state.store.participants(&me.event_id).await?;
        let mut countries: Vec<&str> = everyone.iter().filter_map(|p| p.country.as_deref()).collect();
        countries.sort_unstable();
        countries.dedup();
        let found: Vec<&Participant> = everyone
            .iter()
            .filter(|p| p.id != me.id && matches(p, &search))
            .collect();
        let body = html! {
            form method="get" action="/directory" class="search" role="search" {
                div class="field" {
                    label for="q" { (lang.t("directory-search")) }
                    input id="q" name="q" type="search" value=(search.q);
                }
                div class="field" {
                    label for="kind" { (lang.t("directory-kind")) }
                    select id="kind" name="kind" {
                        option value="" { (lang.t("directory-any")) }
                        @for k in KINDS {
                            option value=(k.as_str()) selected[search.kind == k.as_str()] { (lang.t(&format!("kind-{}", k.as_str()))) }
                        }
                    }
                }
                div class="field" {
                    label for="country" { (lang.t("directory-country")) }
                    select id="country" name="country" {
                        option value="" { (lang.t("directory-any")) }
                        @for c in &countries {
                            option value=(c) selected[search.country == *c] { (c) }
                        }
                    }
                }
                button type="submit" { (lang.t("directory-submit")) }
            }
            p role="status" { (lang.ta("directory-count", &[("count", found.len().to_string())])) }
            ul class="cards" {
                @for p in found.iter().take(PAGE) {
                    li class="card" {
                        a href=(format!("/people/{}", p.id)) { (p.name) }
                        p class="meta" {
                            (lang.t(&format!("kind-{}", p.kind.as_str())))
                            @if let Some(o) = &p.organization { " · " (o) }
                            @if let Some(c) = &p.city { " · " (c) }
                            @if let Some(c) = &p.country { " (" (c) ")" }
                        }
                    }
                }
            }
            @if found.len() > PAGE { p { (lang.t("directory-refine")) } }
        };
        ok(layout::page(&ctx, &lang.t("directory-title"), body))
    }
    .await;
    ctx.finish(result)
}

/// `GET /people/{id}`: a public profile, with "request a meeting".
pub async fn profile(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        let p = state.store.participant(&me.event_id, &id).await?;
        if p.event_id != me.event_id {
            return Err(PageError::NotFound);
        }
        let list = |key: &str, items: &[String]| {
            html! {
                @if !items.is_empty() {
                    dt { (lang.t(key)) }
                    dd { (items.join(", ")) }
                }
            }
        };
        let body = html! {
            p class="meta" {
                (lang.t(&format!("kind-{}", p.kind.as_str())))
                @if let Some(o) = &p.organization { " · " (o) }
                @if let Some(c) = &p.city { " · " (c) }
                @if let Some(c) = &p.country { " (" (c) ")" }
            }
            dl {
                (list("profile-topics", &p.topics))
                (list("profile-offers", &p.offers))
                (list("profile-seeks", &p.seeks))
                (list("profile-languages", &p.languages))
            }
            @if p.id != me.id {
                p { a class="button" href=(format!("/requests/new?with={}", p.id)) { (lang.t("profile-request")) } }
            }
            p { a href="/directory" { (lang.t("nav-directory")) } }
        };
        ok(layout::page(&ctx, &p.name, body))
    }
    .await;
    ctx.finish(result)
}
