//! Recommendations: whom to meet and why, from the same engine and exclusions as the API.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::context::{Ctx, PageError, ok};
use super::{layout, reasons};
use crate::state::AppState;

/// Suggestions shown.
const LIMIT: usize = 20;

/// `GET /recommendations`.
pub async fn recommendations(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = &ctx.me()?.participant;
        let lang = ctx.lang;
        PageError::expensive_read(&state.read_limits, &me.event_id, &me.id).await?;
        let found = crate::matchmaking::recommend(
            state.store.as_ref(),
            &state.matchmaking,
            &me.event_id,
            &me.id,
            LIMIT,
            crate::matchmaking::Sees::OwnOnly,
        )
        .await?;
        let body = html! {
            @if found.is_empty() { p { (lang.t("recommendations-none")) } }
            ul class="cards" {
                @for r in &found {
                    li class="card" {
                        a href=(format!("/people/{}", r.participant.id)) { (r.participant.profile.name) }
                        p class="meta" {
                            (lang.t(&format!("kind-{}", r.participant.profile.kind.as_str())))
                            @if let Some(o) = &r.participant.profile.organization { " · " (o) }
                            @if let Some(c) = &r.participant.profile.city { " · " (c) }
                        }
                        @if !r.reasons.is_empty() {
                            p { (lang.t("recommendations-why")) }
                            ul { @for reason in &r.reasons { li { (reasons::say(lang, reason)) } } }
                        }
                        p { a class="button" href=(format!("/requests/new?with={}", r.participant.id)) {
                            (lang.ta("recommendations-request", &[("name", r.participant.profile.name.clone())]))
                        } }
                    }
                }
            }
        };
        ok(layout::page(&ctx, &lang.t("recommendations-title"), body))
    }
    .await;
    ctx.finish(result)
}
