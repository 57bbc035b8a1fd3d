//! Solving: start a run (its time limit), follow it (objective, bound, gap, placed) — the
//! page reloads itself without JavaScript, its own script follows the live stream with it —
//! and cancel it. The rules are `crate::jobs::control`'s.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::event_nav;
use super::page::{OrganiserEvent, OrganiserForm};
use crate::domain::Invalid;
use crate::jobs::control::{self, RunControlError};
use crate::state::AppState;
use crate::store::{Event, RunStatus};
use crate::web::context::{Ctx, PageError, PageResult};
use crate::web::errors::FieldErrors;
use crate::web::layout;

/// The organiser pages' script.
pub const SCRIPT: &str = include_str!("../assets/organiser.js");

/// `GET /assets/organiser.js`.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
}

fn map(e: RunControlError) -> PageError {
    match e {
        RunControlError::Conflict(_) => PageError::Conflict,
        RunControlError::Store(e) => e.into(),
        RunControlError::Invalid(_) => PageError::Unprocessable,
        RunControlError::Unavailable(m) => PageError::Internal(anyhow::anyhow!(m)),
    }
}

async fn render_form(
    ctx: &Ctx,
    event: &Event,
    typed: &str,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let errors = FieldErrors::new(lang, errors);
    let body = html! {
        (event_nav(ctx, event))
        p { (lang.t("org-solve-intro")) }
        form method="post" action=(format!("/organiser/events/{}/solve", event.id)) novalidate {
            input type="hidden" name="csrf" value=(session.csrf());
            div class="field" {
                label for="time_limit_seconds" { (lang.t("org-solve-time-limit")) }
                input id="time_limit_seconds" name="time_limit_seconds" type="number" min="1" max="3600" value=(typed)
                    aria-invalid=[errors.invalid("time_limit_seconds")] aria-describedby=[errors.described("time_limit_seconds")];
                (errors.beside_named("/time_limit_seconds", "time_limit_seconds-error", lang.t("org-solve-time-limit")))
            }
            button type="submit" { (lang.t("org-solve-start")) }
        }
    };
    let title = lang.ta("org-solve-title", &[("event", event.name.clone())]);
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

/// `GET /organiser/events/{event}/solve`: the form that starts a run.
pub async fn form(State(_state): State<AppState>, OrganiserEvent { ctx, event }: OrganiserEvent) -> Response {
    let result = async { render_form(&ctx, &event, "30", &Invalid::default(), StatusCode::OK).await }.await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/solve`: queued and to its page, or the form again.
pub async fn start(
    State(state): State<AppState>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let typed = form.get("time_limit_seconds");
        match control::start_run(
            state.store.as_ref(),
            &state.cluster,
            &event.id,
            super::number(typed),
        )
        .await
        {
            Ok(run) => {
                Ok(Redirect::to(&format!("/organiser/events/{}/runs/{}", event.id, run.id)).into_response())
            }
            Err(RunControlError::Invalid(errors)) => {
                render_form(&ctx, &event, typed, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(map(e)),
        }
    }
    .await;
    ctx.finish(result)
}

/// `GET /organiser/events/{event}/runs/{id}`: the run's state and progress.
pub async fn run(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let session = ctx.organiser()?;
        let run = state.store.run(&event.id, &id).await?;
        let lang = ctx.lang;
        let live = matches!(run.status, RunStatus::Queued | RunStatus::Running);
        let progress = run.progress.clone().unwrap_or_default();
        let number = |v: Option<i64>, key: &str| {
            v.or_else(|| progress.get(key).and_then(serde_json::Value::as_i64))
                .map_or_else(|| "—".to_string(), |n| n.to_string())
        };
        let gap = match (run.objective, run.bound) {
            (Some(o), Some(b)) => Some((b - o) as f64 / b.unsigned_abs().max(1) as f64),
            _ => progress.get("gap").and_then(serde_json::Value::as_f64),
        };
        let base = format!("/organiser/events/{}/runs/{}", event.id, run.id);
        let body = html! {
            (event_nav(&ctx, &event))
            div data-run-events=[live.then(|| format!("{base}/events"))] {
                p role="status" {
                    (lang.t("org-run-status")) " "
                    strong class=(format!("run-status {}", run.status.as_str())) { (lang.t(&format!("org-run-{}", run.status.as_str()))) }
                }
                dl class="run" {
                    dt { (lang.t("org-run-objective")) } dd data-field="objective" { (number(run.objective, "incumbent")) }
                    dt { (lang.t("org-run-bound")) } dd data-field="bound" { (number(run.bound, "bound")) }
                    dt { (lang.t("org-run-gap")) } dd data-field="gap" { (gap.map_or_else(|| "—".to_string(), |g| format!("{:.1} %", 100.0 * g))) }
                    dt { (lang.t("org-run-placed")) } dd data-field="placed" { (number(run.placed, "placed")) }
                    dt { (lang.t("org-run-unscheduled")) } dd data-field="unscheduled" { (number(run.unscheduled, "unscheduled")) }
                    dt { (lang.t("org-run-elapsed")) } dd data-field="elapsed" {
                        (progress.get("elapsed_seconds").and_then(serde_json::Value::as_f64).map_or_else(|| "—".to_string(), |s| format!("{s:.0}")))
                    }
                }
                @if let Some(error) = &run.error { p class="error" { (error) } }
            }
            @if live {
                form method="post" action=(format!("{base}/cancel")) {
                    input type="hidden" name="csrf" value=(session.csrf());
                    button type="submit" class="decline" { (lang.t("org-run-cancel")) }
                }
            } @else {
                @if run.status == RunStatus::Done {
                    p { a href=(format!("{base}/publish")) { (lang.t("org-run-review")) } }
                }
                p { a href=(format!("/organiser/events/{}/solve", event.id)) { (lang.t("org-run-again")) } }
            }
            script src="/assets/organiser.js" defer {}
        };
        let title = lang.ta("org-run-title", &[("event", event.name.clone())]);
        Ok(if live {
            layout::page_live(&ctx, &title, body, 2).into_response()
        } else {
            layout::page(&ctx, &title, body).into_response()
        })
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/runs/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserForm { ctx, event, form: _ }: OrganiserForm,
) -> Response {
    let result = async {
        control::cancel_run(state.store.as_ref(), &state.cluster, &event.id, &id)
            .await
            .map_err(map)?;
        Ok(Redirect::to(&format!("/organiser/events/{}/runs/{id}", event.id)).into_response())
    }
    .await;
    ctx.finish(result)
}

/// `GET /organiser/events/{event}/runs/{id}/events`: the run's live stream (the same as the
/// API's), for the page's script in the organiser's session.
pub async fn events(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((event, id)): Path<(String, String)>,
) -> Response {
    if let Err(e) = ctx.organiser() {
        return ctx.finish(Err(e));
    }
    match crate::http::schedules::run_events(&state, &event, &id, "organiser").await {
        Ok(stream) => stream,
        Err(e) => e.into_response(),
    }
}
