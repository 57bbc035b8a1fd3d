//! What every page knows about its request: the language, the signed-in participant (if
//! any) with its CSRF token, and the path (for the language switcher).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::html;

use super::layout;
use super::session::{self, Session};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::{Participant, Principal, StoreError};

/// A request's page context.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The path and query, to come back to after switching language.
    pub path: String,
    pub headers: HeaderMap,
    /// The signed-in participant, when the session is a participant's.
    pub me: Option<Me>,
    /// The live session the cookie names, whoever it signs in.
    pub session: Option<Session>,
}

/// The signed-in participant.
#[derive(Clone)]
pub struct Me {
    pub participant: Participant,
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
    /// A post no form of these pages sends (as marking oneself): the forms say their own
    /// errors beside their fields.
    Unprocessable,
    /// Over a limit (as [`crate::cluster::ReadLimits`]): try again after this long.
    TooManyRequests(std::time::Duration),
    /// Logged, never shown.
    Internal(anyhow::Error),
}

impl PageError {
    /// Counts a read that computes per call by participant `id` of `event` (the same count as
    /// the API's, [`crate::cluster::ReadLimits`]).
    pub async fn expensive_read(
        limits: &crate::cluster::ReadLimits,
        event: &str,
        id: &str,
    ) -> Result<(), Self> {
        match limits.check_participant(event, id).await {
            crate::cluster::RateDecision::Allowed => Ok(()),
            crate::cluster::RateDecision::Denied { retry_after } => Err(Self::TooManyRequests(retry_after)),
        }
    }
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
            RequestError::Invalid(_) => PageError::Unprocessable,
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
        let mut session = None;
        let mut me = None;
        if let Some(id) = session::cookie(&headers, session::SESSION_COOKIE) {
            // A store failure here shows as signed out rather than failing every page.
            match signed_in(state, id).await {
                Ok(Some((found, participant))) => {
                    me = participant.map(|participant| Me {
                        participant,
                        csrf: found.csrf(),
                    });
                    session = Some(found);
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
            session,
        })
    }
}

/// The live session a cookie names and, when it is a participant's, the participant.
async fn signed_in(state: &AppState, id: &str) -> Result<Option<(Session, Option<Participant>)>, StoreError> {
    let Some(found) = session::resume(state.store.as_ref(), id, chrono::Utc::now()).await? else {
        return Ok(None);
    };
    let participant = match &found.row.principal {
        Principal::Participant { event, id } => match state.store.participant(event, id).await {
            Ok(p) => Some(p),
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        },
        Principal::Organiser => None,
    };
    Ok(Some((found, participant)))
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
        self.session_checked(form)?;
        Ok(me)
    }

    /// The session, whoever it signs in, when the form's CSRF token is its own and the post
    /// comes from this site.
    pub fn session_checked(&self, form: &super::form::Form) -> Result<&Session, PageError> {
        let session = self.session.as_ref().ok_or(PageError::SignIn)?;
        if !session::same_origin(&self.headers) || !session.csrf_ok(form.get("csrf")) {
            return Err(PageError::Forbidden);
        }
        Ok(session)
    }

    /// The organiser's session, or a redirect to sign in; a participant's session is
    /// refused (403), as the API refuses a participant's token on organiser operations.
    pub fn organiser(&self) -> Result<&Session, PageError> {
        let session = self.session.as_ref().ok_or(PageError::SignIn)?;
        match session.row.principal {
            Principal::Organiser => Ok(session),
            Principal::Participant { .. } => Err(PageError::Forbidden),
        }
    }

    /// The organiser's session, when the form's CSRF token is its own and the post comes
    /// from this site.
    pub fn organiser_checked(&self, form: &super::form::Form) -> Result<&Session, PageError> {
        self.organiser()?;
        self.session_checked(form)
    }

    /// Whether the session is the organiser's.
    pub fn is_organiser(&self) -> bool {
        self.organiser().is_ok()
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
            Err(PageError::Unprocessable) => (StatusCode::UNPROCESSABLE_ENTITY, "error-unprocessable"),
            Err(PageError::TooManyRequests(retry_after)) => {
                let title = self.t("error-too-many");
                let body = html! { p { a href="/" { (self.t("nav-home")) } } };
                let seconds = retry_after.as_secs_f64().ceil().max(1.0).to_string();
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, seconds)],
                    layout::page(self, &title, body),
                )
                    .into_response();
            }
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
