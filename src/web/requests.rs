//! Requests: incoming (accept / decline), outgoing (withdraw), one request, and the form to
//! ask for a meeting. Validation and permissions are `crate::requests`'.

use std::collections::{BTreeSet, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::context::{Ctx, Me, PageError, PageResult, ok};
use super::form::Form;
use super::i18n::Lang;
use super::layout;
use crate::domain::request::PRIORITY;
use crate::domain::{Invalid, RequestStatus, Response as Answer};
use crate::requests::{self, NewRequest, RequestError};
use crate::state::AppState;
use crate::store::MeetingRequest;

/// Participant names of an event, by id.
pub async fn names(state: &AppState, event: &str) -> Result<HashMap<String, String>, PageError> {
    Ok(state
        .store
        .participants(event)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
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
            p { span class=(format!("status {}", r.status.as_str())) { (status_label(lang, r.status)) } }
            @if !r.message.is_empty() { blockquote { (r.message) } }
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
        let names = names(&state, event).await?;
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
    let result = async {
        let me = ctx.me()?;
        let lang = ctx.lang;
        let event = &me.participant.event_id;
        let r = requests::visible(state.store.as_ref(), Some(&me.participant.id), event, &id).await?;
        let names = names(&state, event).await?;
        let body = html! {
            ul class="cards" { (request_card(lang, me, &r, &names)) }
            h2 { (lang.t("request-answers")) }
            ul {
                @for i in &r.invitees {
                    li { (names.get(&i.participant).cloned().unwrap_or_default()) " — " (answer_label(lang, i.response)) }
                }
            }
            @if !r.features.is_empty() { p { (lang.t("request-features")) " " (r.features.join(", ")) } }
            p { a href="/requests" { (lang.t("nav-requests")) } }
        };
        ok(layout::page(&ctx, &lang.t("request-title"), body))
    }
    .await;
    ctx.finish(result)
}

/// `POST /requests/{id}/accept|decline|withdraw`.
pub async fn act(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let result = async {
        let me = ctx.me_checked(&Form::parse(&body))?;
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

/// What the request form shows: the values typed and the errors by field.
#[derive(Default)]
struct Draft {
    with: Vec<String>,
    duration: String,
    priority: String,
    message: String,
    features: Vec<String>,
    errors: Invalid,
}

impl Draft {
    fn error(&self, field: &str) -> bool {
        self.errors
            .0
            .iter()
            .any(|e| e.pointer == format!("/{field}") || e.pointer.starts_with(&format!("/{field}/")))
    }
}

/// `GET /requests/new?with=ID&with=ID`.
pub async fn new(ctx: Ctx, State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let form = Form::parse(&Bytes::from(query.unwrap_or_default()));
    let draft = Draft {
        with: form.all("with"),
        priority: "3".into(),
        ..Draft::default()
    };
    let result = request_form(&ctx, &state, draft, StatusCode::OK).await;
    ctx.finish(result)
}

async fn request_form(ctx: &Ctx, state: &AppState, draft: Draft, status: StatusCode) -> PageResult {
    let me = ctx.me()?;
    let lang = ctx.lang;
    let event = state.store.event(&me.participant.event_id).await?;
    let names = names(state, &event.id).await?;
    let features: BTreeSet<String> = state
        .store
        .rooms(&event.id)
        .await?
        .into_iter()
        .flat_map(|r| r.features)
        .collect();
    let slot = event.slot_minutes;
    let duration = if draft.duration.is_empty() {
        slot.to_string()
    } else {
        draft.duration.clone()
    };
    let field_error = |field: &str, key: &str| -> Markup {
        html! {
            @if draft.error(field) {
                p id=(format!("{field}-error")) class="error" { (lang.ta(key, &[("slot", slot.to_string())])) }
            }
        }
    };
    let invalid = |field: &str| draft.error(field).then_some("true");
    let described = |field: &str| draft.error(field).then(|| format!("{field}-error"));
    let body = html! {
        form method="post" action="/requests" novalidate {
            input type="hidden" name="csrf" value=(me.csrf);
            fieldset aria-describedby=[described("with")] {
                legend { (lang.t("form-with")) }
                @if draft.with.is_empty() {
                    p { a href="/directory" { (lang.t("form-with-choose")) } }
                }
                @for (i, id) in draft.with.iter().enumerate() {
                    div class="check" {
                        input type="checkbox" id=(format!("with-{i}")) name="with" value=(id) checked;
                        label for=(format!("with-{i}")) { (names.get(id).cloned().unwrap_or_else(|| id.clone())) }
                    }
                }
                (field_error("with", "err-with"))
            }
            div class="field" {
                label for="duration" { (lang.ta("form-duration", &[("slot", slot.to_string())])) }
                input id="duration" name="duration_minutes" type="number" min=(slot) step=(slot) value=(duration)
                    aria-invalid=[invalid("duration_minutes")] aria-describedby=[described("duration_minutes")];
                (field_error("duration_minutes", "err-duration"))
            }
            div class="field" {
                label for="priority" { (lang.t("form-priority")) }
                select id="priority" name="priority" aria-invalid=[invalid("priority")] aria-describedby=[described("priority")] {
                    @for p in PRIORITY {
                        option value=(p) selected[draft.priority == p.to_string()] { (lang.ta("priority-value", &[("priority", p.to_string())])) }
                    }
                }
                (field_error("priority", "err-priority"))
            }
            div class="field" {
                label for="message" { (lang.t("form-message")) }
                textarea id="message" name="message" rows="4"
                    aria-invalid=[invalid("message")] aria-describedby=[described("message")] { (draft.message) }
                (field_error("message", "err-message"))
            }
            @if !features.is_empty() {
                fieldset aria-describedby=[described("features")] {
                    legend { (lang.t("form-features")) }
                    @for (i, f) in features.iter().enumerate() {
                        div class="check" {
                            input type="checkbox" id=(format!("feature-{i}")) name="features" value=(f) checked[draft.features.contains(f)];
                            label for=(format!("feature-{i}")) { (f) }
                        }
                    }
                    (field_error("features", "err-features"))
                }
            }
            button type="submit" { (lang.t("form-send")) }
        }
    };
    Ok((status, layout::page(ctx, &lang.t("form-title"), body)).into_response())
}

/// `POST /requests`: created and to the requests page, or the form again with the errors.
pub async fn create(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        let me = ctx.me_checked(&form)?;
        let mut draft = Draft {
            with: form.all("with"),
            duration: form.get("duration_minutes").trim().to_string(),
            priority: form.get("priority").trim().to_string(),
            message: form.get("message").to_string(),
            features: form.all("features"),
            errors: Invalid::default(),
        };
        // Text that is not a number is as wrong as a bad number; 0 is refused by the rule.
        let duration = draft.duration.parse::<u32>().unwrap_or(0);
        let priority = draft.priority.parse::<u32>().unwrap_or(0);
        let request = NewRequest {
            with: draft.with.clone(),
            duration_minutes: duration,
            priority,
            message: draft.message.clone(),
            features: draft.features.clone(),
            proposed_slots: Vec::new(),
        };
        match requests::create(
            state.store.as_ref(),
            &me.participant.event_id,
            &me.participant.id,
            request,
            state.clock.now(),
        )
        .await
        {
            Ok(_) => Ok(Redirect::to("/requests").into_response()),
            Err(RequestError::Invalid(errors)) => {
                draft.errors = errors;
                request_form(&ctx, &state, draft, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(other) => Err(other.into()),
        }
    }
    .await;
    ctx.finish(result)
}
