//! My profile: the fields a participant may edit (as in the API) and its unavailable slots
//! on a day × slot grid. The rules are `crate::profiles`'.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use super::context::{Ctx, PageError, PageResult};
use super::errors::FieldErrors;
use super::form::Form;
use super::layout;
use crate::domain::Invalid;
use crate::profiles::{self, ProfileChange, ProfileError};
use crate::state::AppState;
use crate::store::{Participant, StoreError};

/// The editable text fields: form name, message key; lists are one item a line.
const TEXTS: [(&str, &str); 3] = [
    ("name", "profile-name"),
    ("organization", "profile-organization"),
    ("city", "profile-city"),
];
const LISTS: [(&str, &str); 4] = [
    ("languages", "profile-languages"),
    ("topics", "profile-topics"),
    ("offers", "profile-offers"),
    ("seeks", "profile-seeks"),
];

fn value(p: &Participant, field: &str) -> String {
    match field {
        "name" => p.profile.name.clone(),
        "organization" => p.profile.organization.clone().unwrap_or_default(),
        "city" => p.profile.city.clone().unwrap_or_default(),
        "country" => p.profile.country.clone().unwrap_or_default(),
        "languages" => p.profile.languages.join("\n"),
        "topics" => p.profile.topics.join("\n"),
        "offers" => p.profile.offers.join("\n"),
        "seeks" => p.profile.seeks.join("\n"),
        _ => String::new(),
    }
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    shown: &Participant,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let me = ctx.me()?;
    let lang = ctx.lang;
    let spec = state.store.event(&me.participant.event_id).await?.spec()?;
    let errors = FieldErrors::new(lang, errors);
    let error = |field: &'static str| errors.beside(field);
    let invalid = |field: &'static str| errors.invalid(field);
    let described = |field: &'static str| errors.described(field);
    // Slots by day, in the event's zone.
    let mut days: Vec<(String, Vec<&crate::domain::SlotTime>)> = Vec::new();
    for slot in spec.slots() {
        let day = slot.start.format("%Y-%m-%d").to_string();
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(slot),
            _ => days.push((day, vec![slot])),
        }
    }
    let body = html! {
        p { a href=(format!("/people/{}", shown.id)) { (lang.t("profile-public")) } }
        form method="post" action="/profile" novalidate {
            input type="hidden" name="csrf" value=(me.csrf);
            @for (field, key) in TEXTS {
                div class="field" {
                    label for=(field) { (lang.t(key)) }
                    input id=(field) name=(field) type="text" value=(value(shown, field))
                        aria-invalid=[invalid(field)] aria-describedby=[described(field)];
                    (error(field))
                }
            }
            div class="field" {
                label for="country" { (lang.t("profile-country")) }
                input id="country" name="country" type="text" maxlength="2" value=(value(shown, "country"))
                    aria-invalid=[invalid("country")] aria-describedby=[described("country")];
                (error("country"))
            }
            @for (field, key) in LISTS {
                div class="field" {
                    label for=(field) { (lang.t(key)) " " span class="meta" { (lang.t("profile-one-per-line")) } }
                    textarea id=(field) name=(field) rows="3"
                        aria-invalid=[invalid(field)] aria-describedby=[described(field)] { (value(shown, field)) }
                    (error(field))
                }
            }
            fieldset class="grid" {
                legend { (lang.t("profile-unavailable")) }
                @for (_, slots) in &days {
                    fieldset class="day" {
                        legend { (layout::day(lang, &spec.timezone.to_string(), slots[0].start.to_utc())) }
                        @for slot in slots {
                            div class="check" {
                                input type="checkbox" id=(format!("slot-{}", slot.id)) name="unavailable" value=(slot.id)
                                    checked[shown.profile.unavailable.contains(&slot.id)];
                                label for=(format!("slot-{}", slot.id)) { (slot.start.format("%H:%M")) }
                            }
                        }
                    }
                }
                (error("unavailable"))
            }
            button type="submit" { (lang.t("profile-save")) }
        }
    };
    Ok((status, layout::page(ctx, &lang.t("profile-title"), body)).into_response())
}

/// `GET /profile`.
pub async fn show(ctx: Ctx, State(state): State<AppState>) -> Response {
    let result = async {
        let me = ctx.me()?;
        render(&ctx, &state, &me.participant, &Invalid::default(), StatusCode::OK).await
    }
    .await;
    ctx.finish(result)
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// `POST /profile`: saved and back to the page, or the page again with the errors.
pub async fn save(ctx: Ctx, State(state): State<AppState>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let result = async {
        let me = ctx.me_checked(&form)?;
        let optional = |field: &str| Some(Some(form.get(field).to_string()));
        let change = ProfileChange {
            name: Some(form.get("name").to_string()),
            organization: optional("organization"),
            city: optional("city"),
            country: optional("country"),
            languages: Some(lines(form.get("languages"))),
            topics: Some(lines(form.get("topics"))),
            offers: Some(lines(form.get("offers"))),
            seeks: Some(lines(form.get("seeks"))),
            unavailable: Some(form.all("unavailable")),
            ..ProfileChange::default()
        };
        let p = &me.participant;
        match profiles::update(state.store.as_ref(), &p.event_id, &p.id, &change, &|_| true).await {
            Ok(_) => Ok(Redirect::to("/profile").into_response()),
            Err(ProfileError::Invalid(errors)) => {
                // Show what was typed, beside its errors.
                let mut typed = p.clone();
                typed.profile.name = form.get("name").to_string();
                typed.profile.organization = Some(form.get("organization").to_string());
                typed.profile.city = Some(form.get("city").to_string());
                typed.profile.country = Some(form.get("country").to_string());
                typed.profile.languages = lines(form.get("languages"));
                typed.profile.topics = lines(form.get("topics"));
                typed.profile.offers = lines(form.get("offers"));
                typed.profile.seeks = lines(form.get("seeks"));
                typed.profile.unavailable = form.all("unavailable");
                render(&ctx, &state, &typed, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(ProfileError::Store(e)) => Err(PageError::from(e)),
            // The form sends no `If-Match`: every revision is current to it.
            Err(stale @ ProfileError::Stale(_)) => {
                Err(PageError::from(StoreError::Conflict(stale.to_string())))
            }
        }
    }
    .await;
    ctx.finish(result)
}
