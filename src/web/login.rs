//! Sign-in (a personal link or the token form), sign-out, and the language switch.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::context::{Ctx, PageError, PageResult};
use super::form::Form;
use super::layout;
use super::session::{self, LANG_COOKIE, SESSION_COOKIE, SESSION_DAYS};
use crate::domain::ids::hash_token;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::Principal;

const SESSION_SECONDS: u32 = SESSION_DAYS as u32 * 24 * 3600;
const LANG_SECONDS: u32 = 365 * 24 * 3600;

#[derive(Deserialize)]
pub struct LoginQuery {
    token: Option<String>,
}

/// `GET /login`: the form, or with `?token=` the personal link.
pub async fn form(ctx: Ctx, State(state): State<AppState>, Query(q): Query<LoginQuery>) -> Response {
    let result = match q.token {
        Some(token) => sign_in(&ctx, &state, &token).await,
        None => Ok(login_page(&ctx, None, StatusCode::OK)),
    };
    ctx.finish(result)
}

/// `POST /login` with the token field.
pub async fn submit(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    if !session::same_origin(&ctx.headers) {
        return ctx.finish(Err(PageError::Forbidden));
    }
    let form = Form::parse(&body);
    let result = sign_in(&ctx, &state, form.get("token")).await;
    ctx.finish(result)
}

async fn sign_in(ctx: &Ctx, state: &AppState, token: &str) -> PageResult {
    let token = token.trim();
    if token.is_empty() {
        return Ok(login_page(
            ctx,
            Some("login-empty"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let hash = hash_token(token);
    let (principal, home) = if hash == *state.organiser_token_hash {
        (Principal::Organiser, "/organiser")
    } else {
        let Some(participant) = state.store.participant_by_token_hash(&hash).await? else {
            return Ok(login_page(
                ctx,
                Some("login-unknown"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        };
        crate::profiles::note_sign_in(state.store.as_ref(), &participant).await;
        let principal = Principal::Participant {
            event: participant.event_id,
            id: participant.id,
        };
        (principal, "/")
    };
    let store = state.store.as_ref();
    // A new session for every sign-in: one left in the browser ends (no fixation).
    if let Some(old) = &ctx.session {
        session::end(store, old).await?;
    }
    let opened = session::start(store, principal, chrono::Utc::now()).await?;
    let cookie = session::set_cookie(
        &ctx.headers,
        SESSION_COOKIE,
        opened.cookie_value(),
        SESSION_SECONDS,
    );
    // 303 to a URL without the token.
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(home)).into_response())
}

fn login_page(ctx: &Ctx, error: Option<&str>, status: StatusCode) -> Response {
    let lang = ctx.lang;
    let body = html! {
        p { (lang.t("login-intro")) }
        form method="post" action="/login" {
            div class="field" {
                label for="token" { (lang.t("login-token")) }
                input id="token" name="token" type="password" autocomplete="off" required
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "token-error")];
                @if let Some(key) = error {
                    p id="token-error" class="error" { (lang.t(key)) }
                }
            }
            button type="submit" { (lang.t("login-submit")) }
        }
    };
    (status, layout::page(ctx, &lang.t("login-title"), body)).into_response()
}

/// `POST /logout`: the session ends in the store (a copy of its cookie opens nothing any
/// more) and the cookie is removed.
pub async fn logout(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        let session = ctx.session_checked(&form)?;
        session::end(state.store.as_ref(), session).await?;
        let cookie = session::set_cookie(&ctx.headers, SESSION_COOKIE, "", 0);
        Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
    }
    .await;
    ctx.finish(result)
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    set: String,
    #[serde(default)]
    back: String,
}

/// `GET /language?set=en&back=/agenda`: remembers the language, back to the same page.
pub async fn language(ctx: Ctx, Query(q): Query<LanguageQuery>) -> Response {
    let Some(lang) = Lang::parse(&q.set) else {
        return ctx.finish(Err(PageError::NotFound));
    };
    // Only a path of this site: never an open redirect.
    let back = if q.back.starts_with('/') && !q.back.starts_with("//") && !q.back.contains('\\') {
        q.back
    } else {
        "/".to_string()
    };
    let cookie = session::set_cookie(&ctx.headers, LANG_COOKIE, lang.code(), LANG_SECONDS);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
