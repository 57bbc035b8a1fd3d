//! The participant and organiser web app: server-rendered HTML pages (maud), plain forms that work
//! without JavaScript, one embedded stylesheet. Pages call the same operations as the JSON
//! API (`crate::requests`, the store, the published timetable); no rule is written here.

mod agenda;
mod context;
mod directory;
mod errors;
mod form;
mod home;
mod layout;
mod login;
mod meeting;
mod organiser;
mod profile;
mod reasons;
mod recommendations;
mod request_form;
mod requests;
pub mod session;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

pub use context::Ctx;

const CSS: &str = include_str!("assets/app.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

/// The page for a path that is neither a page nor the API.
pub fn not_found(ctx: Ctx) -> axum::response::Response {
    ctx.finish(Err(context::PageError::NotFound))
}

/// The pages, at the root (the API stays under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/language", get(login::language))
        .route("/directory", get(directory::directory))
        .route("/people/{id}", get(directory::profile))
        .route("/people/{id}/{action}", post(directory::interest))
        .route("/requests", get(requests::list).post(request_form::create))
        .route("/requests/new", get(request_form::new).post(request_form::find))
        .route("/requests/{id}", get(requests::show))
        .route("/requests/{id}/{action}", post(requests::act))
        .route("/recommendations", get(recommendations::recommendations))
        .route("/profile", get(profile::show).post(profile::save))
        .route("/agenda", get(agenda::agenda))
        .route("/agenda/print", get(agenda::print))
        .route("/agenda.ics", get(agenda::ics))
        .route("/assets/app.css", get(stylesheet))
        .merge(organiser::router())
        // A sign-in link carries a token: never hand the URL to another site.
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}
