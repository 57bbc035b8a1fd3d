//! The directory (search by name, organisation, city, topic; filters by kind and country)
//! and public profiles with "request a meeting" and "want to meet". Only the public fields
//! the API's directory shows. Searches read this node's in-memory copy of the event's
//! profiles (the matchmaking index, brought up to date with one indexed query), never the
//! whole participant table per view.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::context::{Ctx, PageError, ok};
use super::form::Form;
use super::layout;
use crate::domain::ParticipantKind;
use crate::i18n::Lang;
use crate::interests;
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
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub country: String,
}

fn matches(p: &Participant, search: &Search, q: &str) -> bool {
    let text_ok = q.is_empty()
        || std::iter::once(&p.profile.name)
            .chain(p.profile.organization.iter())
            .chain(p.profile.city.iter())
            .chain(p.profile.topics.iter())
            .any(|field| field.to_lowercase().contains(q));
    let kind_ok = search.kind.is_empty() || p.profile.kind.as_str() == search.kind;
    let country_ok =
        search.country.is_empty() || p.profile.country.as_deref() == Some(search.country.as_str());
    text_ok && kind_ok && country_ok
}

/// What a search found.
pub struct Found {
    /// The first `limit` matches, by name.
    pub shown: Vec<Participant>,
    /// How many matched in all.
    pub total: usize,
    /// Every country of the event, for the filter.
    pub countries: Vec<String>,
}

/// The participants of `event` other than `me` and `skip` matching `search`, by name.
pub async fn search(
    state: &AppState,
    event: &str,
    me: &str,
    skip: &[String],
    search: &Search,
    limit: usize,
) -> Result<Found, PageError> {
    let entry = state.matchmaking.refreshed(state.store.as_ref(), event).await?;
    let index = entry.read();
    let q = search.q.trim().to_lowercase();
    let mut found: Vec<&Participant> = index
        .participants()
        .filter(|p| p.id != me && !skip.contains(&p.id) && matches(p, search, &q))
        .collect();
    let total = found.len();
    // Only what is shown is ordered.
    let by_name = |a: &&Participant, b: &&Participant| {
        (a.profile.name.to_lowercase(), &a.id).cmp(&(b.profile.name.to_lowercase(), &b.id))
    };
    if found.len() > limit {
        found.select_nth_unstable_by(limit, by_name);
        found.truncate(limit);
    }
    found.sort_by(by_name);
    let countries: BTreeSet<&str> = index
        .participants()
        .filter_map(|p| p.profile.country.as_deref())
        .collect();
    Ok(Found {
        shown: found.into_iter().cloned().collect(),
        total,
        countries: countries.into_iter().map(String::from).collect(),
    })
}

/// Kind, organisation, city and country of a participant, as one line.
pub fn summary(lang: Lang, p: &Participant) -> Markup {
    html! {
        (lang.t(&format!("kind-{}", p.profile.kind.as_str())))
        @if let Some(o) = &p.profile.organization { " · " (o) }
        @if let Some(c) = &p.profile.city { " · " (c) }
        @if let Some(c) = &p.profile.country { " (" (c) ")" }
    }
}

/// `GET /directory?q=&kind=&country=`.
pub async fn directory(ctx: Ctx, State(state): State<AppState>, Query(q): Query<Search>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        let found = search(&state, &me.event_id, &me.id, &[], &q, PAGE).await?;
        let body = html! {
            form method="get" action="/directory" class="search" role="search" {
                div class="field" {
                    label for="q" { (lang.t("directory-search")) }
                    input id="q" name="q" type="search" value=(q.q);
                }
                div class="field" {
                    label for="kind" { (lang.t("directory-kind")) }
                    select id="kind" name="kind" {
                        option value="" { (lang.t("directory-any")) }
                        @for k in KINDS {
                            option value=(k.as_str()) selected[q.kind == k.as_str()] { (lang.t(&format!("kind-{}", k.as_str()))) }
                        }
                    }
                }
                div class="field" {
                    label for="country" { (lang.t("directory-country")) }
                    select id="country" name="country" {
                        option value="" { (lang.t("directory-any")) }
                        @for c in &found.countries {
                            option value=(c) selected[q.country == *c] { (c) }
                        }
                    }
                }
                button type="submit" { (lang.t("directory-submit")) }
            }
            p role="status" { (lang.ta("directory-count", &[("count", found.total.to_string())])) }
            ul class="cards" {
                @for p in &found.shown {
                    li class="card" {
                        a href=(format!("/people/{}", p.id)) { (p.profile.name) }
                        p class="meta" { (summary(lang, p)) }
                    }
                }
            }
            @if found.total > found.shown.len() { p { (lang.t("directory-refine")) } }
        };
        ok(layout::page(&ctx, &lang.t("directory-title"), body))
    }
    .await;
    ctx.finish(result)
}

/// `GET /people/{id}`: a public profile, with "request a meeting" and "want to meet".
pub async fn profile(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = async {
        let me = ctx.me()?;
        let lang = ctx.lang;
        let (event, my_id) = (&me.participant.event_id, &me.participant.id);
        let p = state.store.participant(event, &id).await?;
        let mark = if p.id == *my_id {
            None
        } else {
            interests::mark_on(state.store.as_ref(), event, my_id, &p.id).await?
        };
        let list = |key: &str, items: &[String]| {
            html! {
                @if !items.is_empty() {
                    dt { (lang.t(key)) }
                    dd { (items.join(", ")) }
                }
            }
        };
        let interest_form = |action: &str, label: String| {
            html! {
                form method="post" action=(format!("/people/{}/{action}", p.id)) class="inline" {
                    input type="hidden" name="csrf" value=(me.csrf);
                    button type="submit" class=(action) { (label) }
                }
            }
        };
        let name = || vec![("name", p.profile.name.clone())];
        let body = html! {
            p class="meta" { (summary(lang, &p)) }
            dl {
                (list("profile-topics", &p.profile.topics))
                (list("profile-offers", &p.profile.offers))
                (list("profile-seeks", &p.profile.seeks))
                (list("profile-languages", &p.profile.languages))
            }
            @if p.id != *my_id {
                @match &mark {
                    Some(m) if m.mutual => {
                        p class="status accepted" role="status" { (lang.ta("interest-mutual", &name())) }
                        p { a href="/requests" { (lang.t("nav-requests")) } }
                    }
                    Some(_) => p role="status" { (lang.ta("interest-marked", &name())) },
                    None => p { (lang.ta("interest-explain", &name())) },
                }
                div class="actions" {
                    a class="button" href=(format!("/requests/new?with={}", p.id)) { (lang.t("profile-request")) }
                    @if mark.is_some() {
                        (interest_form("unmark", lang.t("interest-remove")))
                    } @else {
                        (interest_form("interest", lang.t("interest-add")))
                    }
                }
            }
            p { a href="/directory" { (lang.t("nav-directory")) } }
        };
        ok(layout::page(&ctx, &p.profile.name, body))
    }
    .await;
    ctx.finish(result)
}

/// `POST /people/{id}/interest` ("want to meet") and `/unmark`: the same operation as the
/// API's `PUT`/`DELETE …/interest`, then back to the profile.
pub async fn interest(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = async {
        let me = &ctx.me_checked(&Form::parse(&body))?.participant;
        let store = state.store.as_ref();
        match action.as_str() {
            "interest" => {
                interests::mark(store, &me.event_id, &me.id, &id).await?;
            }
            "unmark" => interests::unmark(store, &me.event_id, &me.id, &id).await?,
            _ => return Err(PageError::NotFound),
        }
        let back: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        Ok(Redirect::to(&format!("/people/{back}")).into_response())
    }
    .await;
    ctx.finish(result)
}
