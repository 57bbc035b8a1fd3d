//! What every page knows about its request: the language, the signed-in participant (if
//! any) with its CSRF token, and the path (for the language switcher).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;

use super::i18n::Lang;
use super::layout;
use super::session::{self, Keys};
use crate::state::AppState;
use crate::store::{Participant, StoreError};

/// A request's page context.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The path and query, to come back to after switching language.
    pub path: String,
    pub headers: HeaderMap,
    pub me: Option<Me>,
    pub keys: Keys,
}

/// The signed-in participant.
#[derive(Clone)]
pub struct Me {
    pub participant: Participant,
    pub token_hash: String,
    pub csrf: String,
}

/// Why a page is not shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: to the sign-in page.
    SignIn,
    /// Not there, or not the caller's to see.
    NotFound,
    /// A state-changing form without a valid CSRF token, or from another site.
    Forbidden,
    /// The object's state does not allow this now (as answering a withdrawn request).
    Conflict,
    /// Logged, never shown.
    Internal(anyhow::Error),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => PageError::NotFound,
            other => PageError::Internal(other.into()),
        }
    }
}

impl From<crate::requests::RequestError> for PageError {
    fn from(e: crate::requests::RequestError) -> Self {
        use crate::requests::RequestError;
        match e {
            RequestError::Forbidden(_) => PageError::Forbidden,
            RequestError::Store(StoreError::Conflict(_)) => PageError::Conflict,
            RequestError::Store(e) => e.into(),
            RequestError::Invalid(_) => PageError::Internal(anyhow::anyhow!("unexpected invalid input")),
        }
    }
}

impl From<crate::matchmaking::MatchmakingError> for PageError {
    fn from(e: crate::matchmaking::MatchmakingError) -> Self {
        PageError::Internal(e.into())
    }
}

pub type PageResult = Result<Response, PageError>;

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let headers = parts.headers.clone();
        let lang = session::cookie(&headers, session::LANG_COOKIE)
            .and_then(Lang::parse)
            .unwrap_or_else(|| {
                Lang::negotiate(
                    headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or(""),
                )
            });
        let keys = Keys::new(&state.organiser_token_hash);
        let mut me = None;
        if let Some(hash) =
            session::cookie(&headers, session::SESSION_COOKIE).and_then(|v| keys.open_session(v))
        {
            // A store failure here shows as signed out rather than failing every page.
            match state.store.participant_by_token_hash(hash).await {
                Ok(Some(participant)) => {
                    me = Some(Me {
                        participant,
                        token_hash: hash.to_string(),
                        csrf: keys.csrf(hash),
                    })
                }
                Ok(None) => {}
                Err(err) => tracing::error!(error = %err, "session lookup failed"),
            }
        }
        // A sign-in link's token never goes into the page's own links.
        let path = match parts.uri.path_and_query() {
            Some(p) if parts.uri.path() != "/login" => p.as_str().to_string(),
            _ => parts.uri.path().to_string(),
        };
        Ok(Ctx {
            lang,
            path,
            headers,
            me,
            keys,
        })
    }
}

impl Ctx {
    /// The signed-in participant, or a redirect to sign in.
    pub fn me(&self) -> Result<&Me, PageError> {
        self.me.as_ref().ok_or(PageError::SignIn)
    }

    /// The signed-in participant, when the form's CSRF token is its own and the post comes
    /// from this site.
    pub fn me_checked(&self, form: &super::form::Form) -> Result<&Me, PageError> {
        let me = self.me()?;
        if !session::same_origin(&self.headers) || !self.keys.csrf_ok(&me.token_hash, form.get("csrf")) {
            return Err(PageError::Forbidden);
        }
        Ok(me)
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// Turns a failed page into what the browser gets: never JSON, never internals.
    pub fn finish(&self, result: PageResult) -> Response {
        let (status, key) = match result {
            Ok(response) => return response,
            Err(PageError::SignIn) => return Redirect::to("/login").into_response(),
            Err(PageError::NotFound) => (StatusCode::NOT_FOUND, "error-not-found"),
            Err(PageError::Forbidden) => (StatusCode::FORBIDDEN, "error-forbidden"),
            Err(PageError::Conflict) => (StatusCode::CONFLICT, "error-conflict"),
            Err(PageError::Internal(err)) => {
                tracing::error!(error = %err, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        let title = self.t(key);
        let body = html! { p { a href="/" { (self.t("nav-home")) } } };
        (status, layout::page(self, &title, body)).into_response()
    }
}

/// A rendered page.
pub fn ok(markup: Html<String>) -> PageResult {
    Ok(markup.into_response())
}
