//! The form to ask one or more participants for a meeting: with whom (chosen from a
//! profile, or found and added on the form itself, without JavaScript), duration, priority,
//! message, room features. Validation is `crate::requests`'; its errors are shown beside
//! their fields in the page's language.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::context::{Ctx, PageError, PageResult};
use super::directory::{self, Search};
use super::errors::FieldErrors;
use super::form::Form;
use super::layout;
use crate::domain::Invalid;
use crate::domain::request::{MAX_INVITEES, PRIORITY};
use crate::requests::{self, NewRequest, RequestError};
use crate::state::AppState;

/// Participants offered at most when searching on the form.
const FOUND: usize = 10;

/// What the request form shows: the values typed, who was found to add, and the errors.
#[derive(Default)]
struct Draft {
    with: Vec<String>,
    duration: String,
    priority: String,
    message: String,
    features: Vec<String>,
    /// The search for someone to add, and those it found (not chosen yet).
    find: String,
    found: Vec<(String, String)>,
    errors: Invalid,
}

impl Draft {
    fn from_form(form: &Form) -> Self {
        Self {
            with: form.all("with"),
            duration: form.get("duration_minutes").trim().to_string(),
            priority: form.get("priority").trim().to_string(),
            message: form.get("message").to_string(),
            features: form.all("features"),
            find: form.get("find").trim().to_string(),
            ..Self::default()
        }
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
    let result = render(&ctx, &state, draft, StatusCode::OK).await;
    ctx.finish(result)
}

/// `POST /requests/new`: the form again with the participants matching `find` offered to
/// add, everything typed kept. Nothing is written.
pub async fn find(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        let me = &ctx.me_checked(&form)?.participant;
        let mut draft = Draft::from_form(&form);
        if !draft.find.is_empty() {
            let search = Search {
                q: draft.find.clone(),
                ..Search::default()
            };
            let found = directory::search(&state, &me.event_id, &me.id, &draft.with, &search, FOUND).await?;
            draft.found = found.shown.into_iter().map(|p| (p.id, p.profile.name)).collect();
        }
        render(&ctx, &state, draft, StatusCode::OK).await
    }
    .await;
    ctx.finish(result)
}

async fn render(ctx: &Ctx, state: &AppState, draft: Draft, status: StatusCode) -> PageResult {
    let me = ctx.me()?;
    let lang = ctx.lang;
    let event = state.store.event(&me.participant.event_id).await?;
    // Only the chosen are named: never the whole event.
    let chosen: Vec<String> = draft.with.iter().take(MAX_INVITEES * 2).cloned().collect();
    let names = state.store.participant_names(&event.id, &chosen).await?;
    let features = state.store.room_features(&event.id).await?;
    let slot = event.slot_minutes;
    let duration = if draft.duration.is_empty() {
        slot.to_string()
    } else {
        draft.duration.clone()
    };
    let errors = FieldErrors::new(lang, &draft.errors);
    let body = html! {
        form method="post" action="/requests" novalidate {
            input type="hidden" name="csrf" value=(me.csrf);
            fieldset aria-describedby=[errors.described("with")] {
                legend { (lang.t("form-with")) }
                @if draft.with.is_empty() && draft.found.is_empty() {
                    p { (lang.t("form-with-none")) }
                }
                @for (i, id) in chosen.iter().enumerate() {
                    div class="check" {
                        input type="checkbox" id=(format!("with-{i}")) name="with" value=(id) checked;
                        label for=(format!("with-{i}")) { (names.get(id).cloned().unwrap_or_else(|| id.clone())) }
                    }
                }
                @for (i, (id, name)) in draft.found.iter().enumerate() {
                    div class="check" {
                        input type="checkbox" id=(format!("found-{i}")) name="with" value=(id);
                        label for=(format!("found-{i}")) { (name) }
                    }
                }
                @if !draft.find.is_empty() && draft.found.is_empty() {
                    p role="status" { (lang.ta("form-find-none", &[("find", draft.find.clone())])) }
                }
                (errors.beside("with"))
                div class="field" {
                    label for="find" { (lang.t("form-find")) }
                    input id="find" name="find" type="search" value=(draft.find);
                }
                button type="submit" class="secondary" formaction="/requests/new" { (lang.t("form-find-submit")) }
            }
            div class="field" {
                label for="duration" { (lang.ta("form-duration", &[("slot", slot.to_string())])) }
                input id="duration" name="duration_minutes" type="number" min=(slot) step=(slot) value=(duration)
                    aria-invalid=[errors.invalid("duration_minutes")] aria-describedby=[errors.described("duration_minutes")];
                (errors.beside("duration_minutes"))
            }
            div class="field" {
                label for="priority" { (lang.t("form-priority")) }
                select id="priority" name="priority" aria-invalid=[errors.invalid("priority")] aria-describedby=[errors.described("priority")] {
                    @for p in PRIORITY {
                        option value=(p) selected[draft.priority == p.to_string()] { (lang.ta("priority-value", &[("priority", p.to_string())])) }
                    }
                }
                (errors.beside("priority"))
            }
            div class="field" {
                label for="message" { (lang.t("form-message")) }
                textarea id="message" name="message" rows="4"
                    aria-invalid=[errors.invalid("message")] aria-describedby=[errors.described("message")] { (draft.message) }
                (errors.beside("message"))
            }
            @if !features.is_empty() {
                fieldset aria-describedby=[errors.described("features")] {
                    legend { (lang.t("form-features")) }
                    @for (i, f) in features.iter().enumerate() {
                        div class="check" {
                            input type="checkbox" id=(format!("feature-{i}")) name="features" value=(f) checked[draft.features.contains(f)];
                            label for=(format!("feature-{i}")) { (f) }
                        }
                    }
                    (errors.beside("features"))
                }
            }
            button type="submit" class="send" { (lang.t("form-send")) }
        }
    };
    Ok((status, layout::page(ctx, &lang.t("form-title"), body)).into_response())
}

/// `POST /requests`: created and to the requests page, or the form again with the errors.
pub async fn create(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        let me = ctx.me_checked(&form)?;
        let mut draft = Draft::from_form(&form);
        draft.find.clear();
        // Text that is not a number is as wrong as a bad number; 0 is refused by the rule.
        let request = NewRequest {
            with: draft.with.clone(),
            duration_minutes: draft.duration.parse::<u32>().unwrap_or(0),
            priority: draft.priority.parse::<u32>().unwrap_or(0),
            message: draft.message.clone(),
            features: draft.features.clone(),
            proposed_slots: Vec::new(),
        };
        let (event, who) = (&me.participant.event_id, &me.participant.id);
        match requests::create(state.store.as_ref(), event, who, request, state.clock.now()).await {
            Ok(_) => Ok(Redirect::to("/requests").into_response()),
            Err(RequestError::Invalid(errors)) => {
                draft.errors = errors;
                render(&ctx, &state, draft, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(other) => Err(PageError::from(other)),
        }
    }
    .await;
    ctx.finish(result)
}
