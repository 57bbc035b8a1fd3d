//! Participants: the directory (paged), the CSV import with its per-row report, and each
//! participant's personal sign-in link — shown once, to copy or print as a sheet, since
//! only tokens' hashes are kept. The rules are `crate::setup`'s and the domain's.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::event_nav;
use super::page::{OrganiserEvent, OrganiserForm, fields};
use crate::domain::Invalid;
use crate::setup::{self, SetupError};
use crate::state::AppState;
use crate::store::Event;
use crate::web::context::{Ctx, PageError, PageResult, ok};
use crate::web::layout;

/// Participants on one page of the directory.
const PAGE: usize = 100;

#[derive(Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    page: usize,
}

/// The sign-in link of `token`, on the address the organiser's browser uses.
fn sign_in_link(ctx: &Ctx, token: &str) -> String {
    let host = ctx
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let https = ctx
        .headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{host}/login?token={token}")
}

/// A printable sheet of sign-in links: one block per participant, the link to copy.
fn link_sheet(ctx: &Ctx, links: &[(String, String, Option<usize>)]) -> Markup {
    let lang = ctx.lang;
    html! {
        p class="noprint" { (lang.t("org-links-once")) }
        p class="noprint" { button type="button" data-print { (lang.t("org-links-print")) } }
        ul class="cards link-sheet" {
            @for (i, (name, link, row)) in links.iter().enumerate() {
                li class="card" {
                    p class="name" { (name)
                        @if let Some(row) = row { " " span class="meta" { (lang.ta("org-import-row", &[("row", row.to_string())])) } }
                    }
                    label for=(format!("link-{i}")) { (lang.ta("org-link-of", &[("name", name.clone())])) }
                    input id=(format!("link-{i}")) type="text" readonly value=(link) class="link";
                }
            }
        }
        script { (maud::PreEscaped(PRINT_JS)) }
    }
}

/// The print button prints; without JavaScript the browser's own print does the same.
const PRINT_JS: &str = "document.querySelectorAll('[data-print]').forEach(b => b.addEventListener('click', () => window.print()));";

async fn render_directory(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    page: usize,
    csv: &str,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let all = state.store.participants(&event.id).await?;
    let pages = all.len().div_ceil(PAGE).max(1);
    let page = page.min(pages - 1);
    let shown = &all[(page * PAGE).min(all.len())..((page + 1) * PAGE).min(all.len())];
    let base = format!("/organiser/events/{}/participants", event.id);
    let body = html! {
        (event_nav(ctx, event))
        h2 { (lang.t("org-import-title")) }
        form method="post" action=(base) novalidate {
            input type="hidden" name="csrf" value=(session.csrf());
            div class="field" {
                label for="csv" { (lang.t("org-import-csv")) }
                p class="meta" id="csv-help" { (lang.t("org-import-help")) }
                textarea id="csv" name="csv" rows="8" class="csv"
                    aria-invalid=[(!errors.0.is_empty()).then_some("true")]
                    aria-describedby=(if errors.0.is_empty() { "csv-help" } else { "csv-help csv-error" }) { (csv) }
                @if !errors.0.is_empty() {
                    div id="csv-error" class="error" role="alert" {
                        p { (lang.ta("org-import-refused", &[("count", errors.0.len().to_string())])) }
                        ul {
                            @for e in &errors.0 {
                                li { (cell_error(lang, e)) }
                            }
                        }
                    }
                }
            }
            button type="submit" { (lang.t("org-import-submit")) }
        }
        h2 { (lang.ta("org-directory-count", &[("count", all.len().to_string())])) }
        @if all.is_empty() {
            p { (lang.t("org-participants-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (lang.t("org-participant-name")) }
                    th scope="col" { (lang.t("org-participant-kind")) }
                    th scope="col" { (lang.t("org-participant-place")) }
                    th scope="col" { (lang.t("org-participant-signed-in")) }
                    th scope="col" { (lang.t("org-participant-link")) }
                } }
                tbody {
                    @for p in shown {
                        tr {
                            td { (p.profile.name) @if let Some(o) = &p.profile.organization { br; span class="meta" { (o) } } }
                            td { (lang.t(&format!("kind-{}", p.profile.kind.as_str()))) }
                            td { (p.profile.city.clone().unwrap_or_default()) " " (p.profile.country.clone().unwrap_or_default()) }
                            td { (if p.signed_in_at.is_some() { lang.t("org-yes") } else { lang.t("org-no") }) }
                            td {
                                form method="post" action=(format!("{base}/{}/link", p.id)) class="inline" {
                                    input type="hidden" name="csrf" value=(session.csrf());
                                    button type="submit" class="secondary"
                                        aria-label=(lang.ta("org-new-link-for", &[("name", p.profile.name.clone())])) { (lang.t("org-new-link")) }
                                }
                            }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav class="pages" aria-label=(lang.t("org-pages")) {
                    @if page > 0 { a href=(format!("{base}?page={}", page - 1)) { (lang.t("org-previous")) } }
                    span { (lang.ta("org-page-of", &[("page", (page + 1).to_string()), ("pages", pages.to_string())])) }
                    @if page + 1 < pages { a href=(format!("{base}?page={}", page + 1)) { (lang.t("org-next")) } }
                }
            }
        }
    };
    let title = lang.ta("org-participants-title", &[("event", event.name.clone())]);
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

/// One broken rule of the CSV: its row and column (`/rows/3/kind`), or the header's.
fn cell_error(lang: crate::i18n::Lang, e: &crate::domain::FieldError) -> String {
    let parts: Vec<&str> = e.pointer.trim_start_matches('/').split('/').collect();
    let place = match parts.as_slice() {
        ["rows", row, column, ..] => lang.ta(
            "org-import-cell",
            &[("row", row.to_string()), ("column", column.to_string())],
        ),
        ["rows", row] => lang.ta("org-import-row", &[("row", row.to_string())]),
        ["header", ..] => lang.t("org-import-header"),
        _ => lang.t("org-import-csv"),
    };
    let mut args = e.rule.args();
    args.push(("field", place));
    lang.ta(&format!("err-{}", e.rule.code()), &args)
}

/// `GET /organiser/events/{event}/participants`: the import form and the directory.
pub async fn directory(
    State(state): State<AppState>,
    Query(q): Query<DirectoryQuery>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        render_directory(
            &ctx,
            &state,
            &event,
            q.page,
            "",
            &Invalid::default(),
            StatusCode::OK,
        )
        .await
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/participants`: every row registered and the sheet of
/// their sign-in links, or the form again with each bad cell named (nothing registered).
pub async fn import(
    State(state): State<AppState>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let csv = form.get("csv");
        match setup::import_participants(state.store.as_ref(), &event.id, csv.as_bytes()).await {
            Ok(imported) => {
                let lang = ctx.lang;
                let links: Vec<_> = imported
                    .iter()
                    .map(|i| {
                        (
                            i.participant.profile.name.clone(),
                            sign_in_link(&ctx, &i.token),
                            Some(i.row),
                        )
                    })
                    .collect();
                let body = html! {
                    (event_nav(&ctx, &event))
                    p role="status" { (lang.ta("org-import-done", &[("count", imported.len().to_string())])) }
                    (link_sheet(&ctx, &links))
                };
                let title = lang.ta("org-links-title", &[("event", event.name.clone())]);
                Ok((StatusCode::CREATED, layout::page(&ctx, &title, body)).into_response())
            }
            Err(e) => {
                let errors = fields(e)?;
                render_directory(
                    &ctx,
                    &state,
                    &event,
                    0,
                    csv,
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        }
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/participants/{id}/link`: a new sign-in link (the old one
/// and the participant's sessions stop working), shown once.
pub async fn new_link(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserForm { ctx, event, form: _ }: OrganiserForm,
) -> Response {
    let result = async {
        let participant = state.store.participant(&event.id, &id).await?;
        let token = match state.rotate_token(&event.id, &id).await {
            Ok(token) => token,
            Err(SetupError::Store(e)) => return Err(PageError::from(e)),
            Err(SetupError::Invalid(_)) => return Err(PageError::Unprocessable),
        };
        let lang = ctx.lang;
        let links = [(participant.profile.name.clone(), sign_in_link(&ctx, &token), None)];
        let body = html! {
            (event_nav(&ctx, &event))
            (link_sheet(&ctx, &links))
        };
        ok(layout::page(
            &ctx,
            &lang.ta("org-link-title", &[("name", participant.profile.name)]),
            body,
        ))
    }
    .await;
    ctx.finish(result)
}
