//! What every organiser page of an event starts with, written once: the organiser's session
//! (to sign in when there is none, 403 for a participant's), the event its path names
//! (404), and for a form, its CSRF token and origin (403) — in that order, each refusal the
//! error page in the caller's language. And the set-up forms' one shape of refusal: the
//! form again with the errors beside its fields.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::domain::Invalid;
use crate::setup::SetupError;
use crate::state::AppState;
use crate::store::Event;
use crate::web::context::{Ctx, PageError};
use crate::web::form::Form;

/// A page of one event, for the organiser: the request's context and the event.
pub struct OrganiserEvent {
    pub ctx: Ctx,
    pub event: Event,
}

/// A form posted to a page of one event, by the organiser, with a valid CSRF token.
pub struct OrganiserForm {
    pub ctx: Ctx,
    pub event: Event,
    pub form: Form,
}

async fn context(parts: &mut Parts, state: &AppState) -> Ctx {
    match Ctx::from_request_parts(parts, state).await {
        Ok(ctx) => ctx,
        Err(never) => match never {},
    }
}

/// The event the path names (`{event}`), for the organiser.
async fn event(ctx: &Ctx, parts: &mut Parts, state: &AppState) -> Result<Event, PageError> {
    ctx.organiser()?;
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map_err(|_| PageError::NotFound)?;
    let id = params.get("event").ok_or(PageError::NotFound)?;
    Ok(state.store.event(id).await?)
}

impl FromRequestParts<AppState> for OrganiserEvent {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = context(parts, state).await;
        match event(&ctx, parts, state).await {
            Ok(event) => Ok(Self { ctx, event }),
            Err(e) => Err(ctx.finish(Err(e))),
        }
    }
}

impl FromRequest<AppState> for OrganiserForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let ctx = context(&mut parts, state).await;
        // A body the server does not take (too large) is refused as axum refuses it.
        let bytes = match Bytes::from_request(Request::from_parts(parts.clone(), body), state).await {
            Ok(bytes) => bytes,
            Err(rejection) => return Err(rejection.into_response()),
        };
        let checked = async {
            let form = Form::parse(&bytes);
            ctx.organiser_checked(&form)?;
            let event = event(&ctx, &mut parts, state).await?;
            Ok::<_, PageError>((event, form))
        }
        .await;
        match checked {
            Ok((event, form)) => Ok(Self { ctx, event, form }),
            Err(e) => Err(ctx.finish(Err(e))),
        }
    }
}

/// A set-up operation's refusal: its field errors, for the form again (422); anything else
/// is the error page.
pub fn fields(error: SetupError) -> Result<Invalid, PageError> {
    match error {
        SetupError::Invalid(errors) => Ok(errors),
        SetupError::Store(e) => Err(e.into()),
    }
}
