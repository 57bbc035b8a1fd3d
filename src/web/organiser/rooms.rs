//! Rooms and tables: the list, the form that adds one and the one that edits it (seats,
//! features, unavailable slots). The rules are `crate::setup`'s.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use super::page::{OrganiserEvent, OrganiserForm, fields};
use super::{event_nav, lines, number};
use crate::domain::{EventSpec, Invalid};
use crate::setup::{self, RoomInput};
use crate::state::AppState;
use crate::store::{Event, Room};
use crate::web::context::{Ctx, PageResult};
use crate::web::errors::FieldErrors;
use crate::web::form::Form;
use crate::web::layout;

/// What the form shows: a stored room, or what was typed.
struct Typed {
    name: String,
    capacity: String,
    features: String,
    unavailable: Vec<String>,
}

impl Typed {
    fn blank() -> Self {
        Self {
            name: String::new(),
            capacity: "2".into(),
            features: String::new(),
            unavailable: Vec::new(),
        }
    }

    fn of(room: &Room) -> Self {
        Self {
            name: room.name.clone(),
            capacity: room.capacity.to_string(),
            features: room.features.join("\n"),
            unavailable: room.unavailable.clone(),
        }
    }

    fn from_form(form: &Form) -> Self {
        Self {
            name: form.get("name").to_string(),
            capacity: form.get("capacity").to_string(),
            features: form.get("features").to_string(),
            unavailable: form.all("unavailable"),
        }
    }

    fn input(&self) -> RoomInput {
        RoomInput {
            name: self.name.clone(),
            capacity: number(&self.capacity),
            features: lines(&self.features),
            unavailable: self.unavailable.clone(),
        }
    }
}

fn room_form(
    ctx: &Ctx,
    csrf: &str,
    spec: &EventSpec,
    zone: &str,
    action: &str,
    typed: &Typed,
    errors: &Invalid,
) -> Markup {
    let lang = ctx.lang;
    let errors = FieldErrors::new(lang, errors);
    let mut days: Vec<(String, Vec<&crate::domain::SlotTime>)> = Vec::new();
    for slot in spec.slots() {
        let day = layout::day(lang, zone, slot.start.to_utc());
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(slot),
            _ => days.push((day, vec![slot])),
        }
    }
    html! {
        form method="post" action=(action) novalidate {
            input type="hidden" name="csrf" value=(csrf);
            div class="field" {
                label for="name" { (lang.t("org-room-name")) }
                input id="name" name="name" type="text" value=(typed.name)
                    aria-invalid=[errors.invalid("name")] aria-describedby=[errors.described("name")];
                (errors.beside_named("/name", "name-error", lang.t("org-room-name")))
            }
            div class="field" {
                label for="capacity" { (lang.t("org-room-capacity")) }
                input id="capacity" name="capacity" type="number" min="1" value=(typed.capacity)
                    aria-invalid=[errors.invalid("capacity")] aria-describedby=[errors.described("capacity")];
                (errors.beside_named("/capacity", "capacity-error", lang.t("org-room-capacity")))
            }
            div class="field" {
                label for="features" { (lang.t("org-room-features")) " " span class="meta" { (lang.t("profile-one-per-line")) } }
                textarea id="features" name="features" rows="3"
                    aria-invalid=[errors.invalid("features")] aria-describedby=[errors.described("features")] { (typed.features) }
                (errors.beside_named("/features", "features-error", lang.t("org-room-features")))
            }
            details {
                summary { (lang.t("org-room-unavailable")) }
                fieldset class="grid" {
                    legend { (lang.t("org-room-unavailable")) }
                    @for (day, slots) in &days {
                        fieldset class="day" {
                            legend { (day) }
                            @for slot in slots {
                                div class="check" {
                                    input type="checkbox" id=(format!("slot-{}", slot.id)) name="unavailable" value=(slot.id)
                                        checked[typed.unavailable.contains(&slot.id)];
                                    label for=(format!("slot-{}", slot.id)) { (slot.start.format("%H:%M")) }
                                }
                            }
                        }
                    }
                    (errors.beside_named("/unavailable", "unavailable-error", lang.t("org-room-unavailable")))
                }
            }
            button type="submit" { (lang.t("org-room-save")) }
        }
    }
}

async fn render_list(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    typed: &Typed,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let spec = event.spec()?;
    let rooms = state.store.rooms(&event.id).await?;
    let action = format!("/organiser/events/{}/rooms", event.id);
    let body = html! {
        (event_nav(ctx, event))
        @if rooms.is_empty() {
            p { (lang.t("org-rooms-none")) }
        } @else {
            table {
                thead { tr {
                    th scope="col" { (lang.t("org-room-name")) }
                    th scope="col" { (lang.t("org-room-capacity")) }
                    th scope="col" { (lang.t("org-room-features")) }
                    th scope="col" { (lang.t("org-room-unavailable")) }
                } }
                tbody {
                    @for room in &rooms {
                        tr {
                            td { a href=(format!("{action}/{}", room.id)) { (room.name) } }
                            td { (room.capacity) }
                            td { (room.features.join(", ")) }
                            td { (room.unavailable.len()) }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("org-room-new")) }
        (room_form(ctx, &session.csrf(), &spec, &event.timezone, &action, typed, errors))
    };
    let title = lang.ta("org-rooms-title", &[("event", event.name.clone())]);
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

/// `GET /organiser/events/{event}/rooms`.
pub async fn list(State(state): State<AppState>, OrganiserEvent { ctx, event }: OrganiserEvent) -> Response {
    let result = async {
        render_list(
            &ctx,
            &state,
            &event,
            &Typed::blank(),
            &Invalid::default(),
            StatusCode::OK,
        )
        .await
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/rooms`: added, or the form again with the errors.
pub async fn create(
    State(state): State<AppState>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let typed = Typed::from_form(&form);
        match setup::create_room(state.store.as_ref(), &event.id, &typed.input()).await {
            Ok(_) => Ok(Redirect::to(&format!("/organiser/events/{}/rooms", event.id)).into_response()),
            Err(e) => {
                let errors = fields(e)?;
                render_list(
                    &ctx,
                    &state,
                    &event,
                    &typed,
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

async fn render_edit(
    ctx: &Ctx,
    event: &Event,
    room: &Room,
    typed: &Typed,
    errors: &Invalid,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let spec = event.spec()?;
    let action = format!("/organiser/events/{}/rooms/{}", event.id, room.id);
    let body = html! {
        (event_nav(ctx, event))
        (room_form(ctx, &session.csrf(), &spec, &event.timezone, &action, typed, errors))
    };
    let title = ctx.lang.ta("org-room-edit-title", &[("room", room.name.clone())]);
    Ok((status, layout::page(ctx, &title, body)).into_response())
}

/// `GET /organiser/events/{event}/rooms/{id}`: the form that edits the room.
pub async fn edit(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let room = state.store.room(&event.id, &id).await?;
        render_edit(
            &ctx,
            &event,
            &room,
            &Typed::of(&room),
            &Invalid::default(),
            StatusCode::OK,
        )
        .await
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/rooms/{id}`: saved, or the form again with the errors.
pub async fn save(
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let room = state.store.room(&event.id, &id).await?;
        let typed = Typed::from_form(&form);
        match setup::update_room(state.store.as_ref(), &event.id, &id, &typed.input()).await {
            Ok(_) => Ok(Redirect::to(&format!("/organiser/events/{}/rooms", event.id)).into_response()),
            Err(e) => {
                let errors = fields(e)?;
                render_edit(
                    &ctx,
                    &event,
                    &room,
                    &typed,
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
