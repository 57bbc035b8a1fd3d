//! Before publishing: a finished run's draft against the published version (what moves, what
//! is dropped, what is new, who is affected: `jobs::publish::review_draft`), then the publish
//! button (the same operation as the API's, `AppState::publish_run`, with the page's own
//! conditional check: the live revision the difference was read at); the version history.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::event_nav;
use super::page::{OrganiserEvent, OrganiserForm};
use crate::domain::timetable_diff::{DiffMeeting, Place};
use crate::jobs::publish::{DraftReview, PublishRunError, review_draft};
use crate::state::AppState;
use crate::store::{Event, StoreError};
use crate::web::context::{Ctx, PageError, PageResult, ok};
use crate::web::layout;

/// The names a difference is shown with: slots as times, rooms and people by name.
struct Names {
    zone: String,
    slots: HashMap<String, chrono::DateTime<chrono::Utc>>,
    rooms: HashMap<String, String>,
    people: HashMap<String, String>,
}

impl Names {
    async fn of(state: &AppState, event: &Event) -> Result<Self, PageError> {
        let spec = event.spec()?;
        Ok(Self {
            zone: event.timezone.clone(),
            slots: spec
                .slots()
                .iter()
                .map(|s| (s.id.clone(), s.start.to_utc()))
                .collect(),
            rooms: state
                .store
                .rooms(&event.id)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
            people: state
                .store
                .participants(&event.id)
                .await?
                .into_iter()
                .map(|p| (p.id, p.profile.name))
                .collect(),
        })
    }

    fn place(&self, ctx: &Ctx, place: &Place) -> String {
        let when = self.slots.get(&place.slot).map_or_else(
            || place.slot.clone(),
            |at| layout::when(ctx.lang, &self.zone, *at),
        );
        let room = self.rooms.get(&place.room).unwrap_or(&place.room);
        format!("{when} · {room}")
    }

    /// The participants' names, sorted.
    fn sorted<'a>(&'a self, participants: &'a [String]) -> Vec<&'a str> {
        let mut names: Vec<&str> = participants
            .iter()
            .map(|p| self.people.get(p).map_or(p.as_str(), String::as_str))
            .collect();
        names.sort_unstable();
        names
    }

    fn who(&self, participants: &[String]) -> String {
        participants
            .iter()
            .map(|p| self.people.get(p).map_or(p.as_str(), String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why the page says a publish did not happen.
enum Refusal {
    Older { published_run: String, version: i64 },
    Stale,
    Clash,
}

fn meetings_table(ctx: &Ctx, names: &Names, meetings: &[DiffMeeting]) -> Markup {
    let lang = ctx.lang;
    html! {
        @if meetings.is_empty() {
            p { (lang.t("org-review-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (lang.t("org-review-who")) }
                    th scope="col" { (lang.t("org-review-where")) }
                } }
                tbody {
                    @for m in meetings {
                        tr {
                            td { (names.who(&m.participants)) }
                            td { (names.place(ctx, &m.place)) }
                        }
                    }
                }
            }
        }
    }
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    review: &DraftReview,
    refusal: Option<Refusal>,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let names = Names::of(state, event).await?;
    let diff = &review.diff;
    let run = &review.run.id;
    let base = format!("/organiser/events/{}/runs/{run}", event.id);
    let body = html! {
        (event_nav(ctx, event))
        @match &refusal {
            Some(Refusal::Older { published_run, version }) => p class="error" role="alert" {
                (lang.ta("org-publish-older", &[("published_run", published_run.clone()), ("version", version.to_string())]))
            },
            Some(Refusal::Stale) => p class="error" role="alert" { (lang.t("org-publish-stale")) },
            Some(Refusal::Clash) => p class="error" role="alert" { (lang.t("org-publish-clash")) },
            None => {},
        }
        @match &review.published {
            Some((version, published_run)) => p { (lang.ta("org-review-against", &[
                ("run", run.clone()), ("version", version.to_string()), ("published_run", published_run.clone()),
            ])) },
            None => p { (lang.ta("org-review-first", &[("run", run.clone())])) },
        }
        p role="status" { (lang.ta("org-review-summary", &[
            ("moved", diff.moved.len().to_string()),
            ("dropped", diff.dropped.len().to_string()),
            ("added", diff.added.len().to_string()),
            ("unchanged", diff.unchanged.to_string()),
            ("affected", diff.affected.len().to_string()),
        ])) }
        @if !review.skipped.is_empty() {
            p { (lang.ta("org-review-skipped", &[("count", review.skipped.len().to_string())])) }
        }
        form method="post" action=(format!("{base}/publish")) {
            input type="hidden" name="csrf" value=(session.csrf());
            input type="hidden" name="revision" value=(event.meetings_revision);
            button type="submit" { (lang.t("org-publish")) }
        }
        section aria-labelledby="moved" {
            h2 id="moved" { (lang.ta("org-review-moved", &[("count", diff.moved.len().to_string())])) }
            @if diff.moved.is_empty() {
                p { (lang.t("org-review-none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("org-review-who")) }
                        th scope="col" { (lang.t("org-review-from")) }
                        th scope="col" { (lang.t("org-review-to")) }
                    } }
                    tbody {
                        @for m in &diff.moved {
                            tr {
                                td { (names.who(&m.participants)) }
                                td { (names.place(ctx, &m.from)) }
                                td { (names.place(ctx, &m.to)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="dropped" {
            h2 id="dropped" { (lang.ta("org-review-dropped", &[("count", diff.dropped.len().to_string())])) }
            (meetings_table(ctx, &names, &diff.dropped))
        }
        section aria-labelledby="added" {
            h2 id="added" { (lang.ta("org-review-added", &[("count", diff.added.len().to_string())])) }
            (meetings_table(ctx, &names, &diff.added))
        }
        section aria-labelledby="affected" {
            h2 id="affected" { (lang.ta("org-review-affected", &[("count", diff.affected.len().to_string())])) }
            @if diff.affected.is_empty() {
                p { (lang.t("org-review-no-change")) }
            } @else {
                ul class="affected" {
                    @for name in names.sorted(&diff.affected) {
                        li { (name) }
                    }
                }
            }
        }
    };
    let title = lang.ta("org-review-title", &[("event", event.name.clone())]);
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

fn map(e: PublishRunError) -> PageError {
    match e {
        PublishRunError::NotDone(_) | PublishRunError::Mismatch(_) => PageError::Conflict,
        PublishRunError::Stale(_) => PageError::Conflict,
        PublishRunError::Store(e) => e.into(),
    }
}

/// `GET /organiser/events/{event}/runs/{id}/publish`: the draft against the published version.
pub async fn review(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let review = review_draft(state.store.as_ref(), &event.id, &id)
            .await
            .map_err(map)?;
        render(&ctx, &state, &event, &review, None, StatusCode::OK).await
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/runs/{id}/publish`: published and to the history, or the
/// difference again with why not.
pub async fn publish(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        // The revision the organiser saw the difference at: a change since is not replaced
        // unseen (the page's If-Match).
        let seen: Option<i64> = form.get("revision").trim().parse().ok();
        let current_ok = move |revision: i64| seen == Some(revision);
        let refusal = match state.publish_run(&event.id, &id, &current_ok).await {
            Ok(published) => {
                let to = format!(
                    "/organiser/events/{}/versions?published={}",
                    event.id, published.version
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(PublishRunError::Store(StoreError::OlderRun {
                published_run,
                version,
                ..
            })) => Refusal::Older {
                published_run,
                version,
            },
            Err(PublishRunError::Stale(_)) => Refusal::Stale,
            Err(PublishRunError::Store(StoreError::Conflict(_))) => Refusal::Clash,
            Err(e) => return Err(map(e)),
        };
        let status = match refusal {
            Refusal::Stale => StatusCode::PRECONDITION_FAILED,
            _ => StatusCode::CONFLICT,
        };
        // Read again: the page shows the difference as it is now.
        let event = state.store.event(&event.id).await?;
        let review = review_draft(state.store.as_ref(), &event.id, &id)
            .await
            .map_err(map)?;
        render(&ctx, &state, &event, &review, Some(refusal), status).await
    }
    .await;
    ctx.finish(result)
}

#[derive(serde::Deserialize)]
pub struct Just {
    #[serde(default)]
    published: Option<i64>,
}

/// `GET /organiser/events/{event}/versions`: every published version, the latest first.
pub async fn versions(
    State(state): State<AppState>,
    axum::extract::Query(just): axum::extract::Query<Just>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let lang = ctx.lang;
        let versions = state.store.versions(&event.id).await?;
        let base = format!("/organiser/events/{}", event.id);
        let body = html! {
            (event_nav(&ctx, &event))
            @if let Some(v) = just.published.and_then(|n| versions.iter().find(|v| v.version == n)) {
                p role="status" class="done" { (lang.ta("org-published", &[
                    ("version", v.version.to_string()), ("meetings", v.meetings.to_string()),
                ])) }
            }
            @if versions.is_empty() {
                p { (lang.t("org-versions-none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (lang.t("org-version")) }
                        th scope="col" { (lang.t("org-version-when")) }
                        th scope="col" { (lang.t("org-version-run")) }
                        th scope="col" { (lang.t("org-version-meetings")) }
                    } }
                    tbody {
                        @for v in &versions {
                            tr {
                                td {
                                    (v.version)
                                    @if Some(v.version) == event.timetable_version {
                                        " (" (lang.t("org-version-current")) ")"
                                    }
                                }
                                td { (layout::when(lang, &event.timezone, v.published_at)) }
                                td { a href=(format!("{base}/runs/{}", v.schedule_id)) { (v.schedule_id) } }
                                td { (v.meetings) }
                            }
                        }
                    }
                }
            }
        };
        let title = lang.ta("org-versions-title", &[("event", event.name.clone())]);
        ok(layout::page(&ctx, &title, body))
    }
    .await;
    ctx.finish(result)
}
