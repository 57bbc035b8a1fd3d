//! Requests: incoming (accept / decline), outgoing (withdraw), and one request with its
//! meeting (`meeting`). Permissions are `crate::requests`'; the form to ask for a meeting is
//! `request_form`'s.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::context::{Ctx, Me, PageError, PageResult, ok};
use super::form::Form;
use super::{layout, meeting};
use crate::domain::{Invalid, RequestStatus, Response as Answer};
use crate::i18n::Lang;
use crate::interests;
use crate::requests;
use crate::state::AppState;
use crate::store::MeetingRequest;

/// The names of everyone the requests involve, by id: one query for those, never the
/// whole event.
pub async fn names_in<'r>(
    state: &AppState,
    event: &str,
    requests: impl IntoIterator<Item = &'r MeetingRequest>,
) -> Result<HashMap<String, String>, PageError> {
    let mut ids: Vec<String> = requests
        .into_iter()
        .flat_map(MeetingRequest::participants)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(state.store.participant_names(event, &ids).await?)
}

fn status_label(lang: Lang, status: RequestStatus) -> String {
    lang.t(&format!("status-{}", status.as_str()))
}

fn answer_label(lang: Lang, answer: Answer) -> String {
    lang.t(&format!("answer-{}", answer.as_str()))
}

fn action_button(me: &Me, request: &str, action: &str, label: String) -> Markup {
    html! {
        form method="post" action=(format!("/requests/{request}/{action}")) class="inline" {
            input type="hidden" name="csrf" value=(me.csrf);
            button type="submit" class=(action) { (label) }
        }
    }
}

fn request_card(lang: Lang, me: &Me, r: &MeetingRequest, names: &HashMap<String, String>) -> Markup {
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mine = r.requester == me.participant.id;
    let my_answer = r.invitees.iter().find(|i| i.participant == me.participant.id);
    html! {
        li class="card" {
            @if mine {
                p { (lang.ta("request-to", &[("names", r.invitees.iter().map(|i| name(&i.participant)).collect::<Vec<_>>().join(", "))])) }
            } @else {
                p { (lang.ta("request-from", &[("name", name(&r.requester))])) }
            }
            p { (lang.ta("request-summary", &[("minutes", r.duration_minutes.to_string()), ("priority", r.priority.to_string())])) }
            p {
                span class=(format!("status {}", r.status.as_str())) { (status_label(lang, r.status)) }
                @if let Some(m) = &r.life.meeting {
                    " · " span class=(format!("state {}", m.state.as_str())) { (lang.t(meeting::state_key(m.state))) }
                }
            }
            @if interests::is_mutual(r) {
                p { (lang.t("request-mutual")) }
            } @else if !r.message.is_empty() {
                blockquote { (r.message) }
            }
            div class="actions" {
                a href=(format!("/requests/{}", r.id)) { (lang.t("request-open")) }
                @if let Some(answer) = my_answer {
                    @if r.status == RequestStatus::Pending && answer.response == Answer::Pending {
                        (action_button(me, &r.id, "accept", lang.t("request-accept")))
                        (action_button(me, &r.id, "decline", lang.t("request-decline")))
                    }
                }
                @if mine && RequestStatus::WITHDRAWABLE.contains(&r.status) {
                    (action_button(me, &r.id, "withdraw", lang.t("request-withdraw")))
                }
            }
        }
    }
}

/// `GET /requests`.
pub async fn list(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = ctx.me()?;
        let lang = ctx.lang;
        let event = &me.participant.event_id;
        let all = state.store.requests_of(event, &me.participant.id).await?;
        let names = names_in(&state, event, &all).await?;
        let (outgoing, incoming): (Vec<_>, Vec<_>) =
            all.iter().partition(|r| r.requester == me.participant.id);
        let body = html! {
            p { a href="/directory" { (lang.t("request-new-from-directory")) } }
            section aria-labelledby="incoming" {
                h2 id="incoming" { (lang.t("requests-incoming")) }
                @if incoming.is_empty() { p { (lang.t("requests-none")) } }
                ul class="cards" { @for r in &incoming { (request_card(lang, me, r, &names)) } }
            }
            section aria-labelledby="outgoing" {
                h2 id="outgoing" { (lang.t("requests-outgoing")) }
                @if outgoing.is_empty() { p { (lang.t("requests-none")) } }
                ul class="cards" { @for r in &outgoing { (request_card(lang, me, r, &names)) } }
            }
        };
        ok(layout::page(&ctx, &lang.t("requests-title"), body))
    }
    .await;
    ctx.finish(result)
}

/// `GET /requests/{id}`: one request, for its parties only (others: 404).
pub async fn show(ctx: Ctx, State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let result = page(&ctx, &state, &id, Invalid::default(), StatusCode::OK).await;
    ctx.finish(result)
}

/// The request's page, with a meeting form's `errors` beside their fields.
pub async fn page(ctx: &Ctx, state: &AppState, id: &str, errors: Invalid, status: StatusCode) -> PageResult {
    let me = ctx.me()?;
    let lang = ctx.lang;
    let event = &me.participant.event_id;
    let r = requests::visible(state.store.as_ref(), Some(&me.participant.id), event, id).await?;
    let names = names_in(state, event, [&r]).await?;
    let spec = state.store.event(event).await?.spec()?;
    let panel = meeting::Panel::load(state, me, &r, errors).await?;
    let body = html! {
        ul class="cards" { (request_card(lang, me, &r, &names)) }
        h2 { (lang.t("request-answers")) }
        ul {
            @for i in &r.invitees {
                li { (names.get(&i.participant).cloned().unwrap_or_default()) " — " (answer_label(lang, i.response)) }
            }
        }
        @if !r.features.is_empty() { p { (lang.t("request-features")) " " (r.features.join(", ")) } }
        (meeting::section(ctx, me, &r, &panel, &spec))
        p { a href="/requests" { (lang.t("nav-requests")) } }
    };
    Ok((status, layout::page(ctx, &lang.t("request-title"), body)).into_response())
}

/// `POST /requests/{id}/{action}`: accept (at a slot, when the form names one), decline,
/// withdraw, and the meeting's own actions (`meeting::act`).
pub async fn act(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    if let Some(result) = meeting::act(&ctx, &state, &id, &action, &form).await {
        return ctx.finish(result);
    }
    let result = async {
        let me = ctx.me_checked(&form)?;
        let (store, event, who) = (state.store.as_ref(), &me.participant.event_id, &me.participant.id);
        let now = state.clock.now();
        let done = match action.as_str() {
            "accept" => requests::answer(store, event, &id, who, Answer::Accepted, None, now).await?,
            "decline" => requests::answer(store, event, &id, who, Answer::Declined, None, now).await?,
            "withdraw" => requests::withdraw(store, event, &id, who, now).await?,
            _ => return Err(PageError::NotFound),
        };
        state.changed(event, done.revision).await;
        Ok(Redirect::to("/requests").into_response())
    }
    .await;
    ctx.finish(result)
}
