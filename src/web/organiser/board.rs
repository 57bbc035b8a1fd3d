//! The timetable board (organiser): one day, rooms × slots, twenty rooms a page, each
//! placed meeting a card with "pin here" (or, when pinned, "unpin") and a link to its own
//! page, where the full pin form (any slot, any room) and the meeting's life are; the
//! meetings left out beside it, a page at a time, with their reasons; "solve again" keeping
//! the pins. A pin that cannot hold is said beside its meeting, naming the meetings
//! involved, and nothing is stored. The board's script lets a card be dragged to a cell: it
//! fills in and submits the card's own pin form. The rules are `crate::pins`' and
//! `crate::board`'s. About 600 lines: one page's markup (the grid, the cards, the left-out
//! list, their forms) with its three handlers; splitting the markup would scatter one page.

use std::collections::{HashMap, HashSet};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::event_nav;
use super::page::{OrganiserEvent, OrganiserForm};
use super::unplaced;
use crate::board::{self, Board, Card, Source, Window};
use crate::domain::Outcome;
use crate::domain::meeting::{PinRefused, may_pin};
use crate::pins::{self, PinAt, PinError};
use crate::state::AppState;
use crate::store::{Event, Pin, StoreError};
use crate::web::context::{Ctx, PageError, PageResult};
use crate::web::form::Form;
use crate::web::layout;
use crate::web::reasons::list;

/// Rooms on one page of the board.
pub const ROOMS_PER_PAGE: usize = 20;

/// Meetings left out listed on one page of the board.
pub const LEFT_PER_PAGE: usize = 100;

/// Which window of the board: `view` (draft or live), `day` (from 0), `from` (first room),
/// `left` (first meeting left out listed).
#[derive(Deserialize, Default, Clone)]
pub struct Where {
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub day: usize,
    #[serde(default)]
    pub from: usize,
    #[serde(default)]
    pub left: usize,
}

impl Where {
    pub fn of_form(form: &Form) -> Self {
        Self {
            view: form.get("view").to_string(),
            day: form.get("day").parse().unwrap_or(0),
            from: form.get("from").parse().unwrap_or(0),
            left: form.get("left").parse().unwrap_or(0),
        }
    }

    pub fn source(&self) -> Source {
        Source::parse(&self.view).unwrap_or(Source::Draft)
    }

    /// This window's query string.
    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("view", self.source().as_str())
            .append_pair("day", &self.day.to_string())
            .append_pair("from", &self.from.to_string())
            .append_pair("left", &self.left.to_string())
            .finish()
    }

    /// The board's window `view`, `day`, `from`, `left`.
    fn url(&self, event: &str, view: Source, day: usize, from: usize, left: usize) -> String {
        let at = Where {
            view: view.as_str().to_string(),
            day,
            from,
            left,
        };
        format!("/organiser/events/{event}/board?{}", at.query())
    }

    /// The board's window as it is.
    pub fn board_url(&self, event: &str) -> String {
        self.url(event, self.source(), self.day, self.from, self.left)
    }

    /// The hidden fields that bring a form back to this window.
    pub fn hidden(&self) -> Markup {
        html! {
            input type="hidden" name="view" value=(self.source().as_str());
            input type="hidden" name="day" value=(self.day);
            input type="hidden" name="from" value=(self.from);
            input type="hidden" name="left" value=(self.left);
        }
    }
}

/// A pin or unpin that was refused, said beside its meeting.
pub struct Failure {
    pub request: String,
    pub message: String,
}

async fn load(state: &AppState, event: &Event, at: &Where, also: Option<&str>) -> Result<Board, PageError> {
    let window = Window {
        day: at.day,
        rooms_from: at.from,
        rooms: ROOMS_PER_PAGE,
        left_from: at.left,
        left: LEFT_PER_PAGE,
        also: also.map(str::to_string),
    };
    Ok(board::board(state.store.as_ref(), &event.id, at.source(), window).await?)
}

/// `GET /organiser/events/{event}/board?view=&day=&from=`.
pub async fn show(
    State(state): State<AppState>,
    Query(at): Query<Where>,
    OrganiserEvent { ctx, event }: OrganiserEvent,
) -> Response {
    let result = async {
        let board = load(&state, &event, &at, None).await?;
        render(&ctx, &event, &board, &at, None, StatusCode::OK)
    }
    .await;
    ctx.finish(result)
}

/// `POST /organiser/events/{event}/board/pin`: pinned and back to the card, or the page
/// the form was on (the board, or the meeting's page when `back` is `meeting`) again with
/// the reason beside the meeting (422: the pins cannot hold, or a bad slot or room; 409:
/// the meeting can no longer be pinned).
pub async fn pin(
    State(state): State<AppState>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let at = Where::of_form(&form);
        let request = form.get("request").to_string();
        let room = form.get("room").trim();
        let place = PinAt {
            slot: form.get("slot").trim().to_string(),
            room: (!room.is_empty()).then(|| room.to_string()),
        };
        let refused = pins::pin(state.store.as_ref(), &event.id, &request, place.clone()).await;
        let (status, message) = match refused {
            Ok(_) => return Ok(back(&event, &at, &request)),
            Err(e) => refusal(&ctx, &state, &event, &request, &place, e).await?,
        };
        let failure = Failure { request, message };
        if form.get("back") == "meeting" {
            let request = failure.request.clone();
            let said = super::meeting::Said::Pin(failure);
            return super::meeting::render(&ctx, &state, &event, &request, &at, said, status).await;
        }
        let board = load(&state, &event, &at, Some(&failure.request)).await?;
        render(&ctx, &event, &board, &at, Some(failure), status)
    }
    .await;
    ctx.finish(result)
}

/// Why a pin was refused, in the page's language, with its status.
async fn refusal(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    request: &str,
    place: &PinAt,
    error: PinError,
) -> Result<(StatusCode, String), PageError> {
    let lang = ctx.lang;
    Ok(match error {
        PinError::Infeasible(conflicts) => {
            let ids: Vec<String> = conflicts.into_iter().map(|c| c.meeting).collect();
            let meetings = meetings_named(ctx, state, event, &ids).await?;
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.ta("org-board-pin-impossible", &[("meetings", meetings)]),
            )
        }
        PinError::Invalid(invalid) => {
            let said: Vec<String> = invalid
                .0
                .iter()
                .map(|e| {
                    let field = if e.pointer.starts_with("/room") {
                        lang.t("org-board-pin-room")
                    } else {
                        lang.t("org-board-pin-slot")
                    };
                    let mut args = e.rule.args();
                    args.push(("field", field));
                    lang.ta(&format!("err-{}", e.rule.code()), &args)
                })
                .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, said.join(" "))
        }
        PinError::Store(StoreError::Conflict(_)) => (
            StatusCode::CONFLICT,
            refused(ctx, state, event, request, place).await?,
        ),
        PinError::Store(e) => return Err(e.into()),
    })
}

/// `POST /organiser/events/{event}/board/unpin`: the solver places the meeting freely again.
pub async fn unpin(
    State(state): State<AppState>,
    OrganiserForm { ctx, event, form }: OrganiserForm,
) -> Response {
    let result = async {
        let request = form.get("request");
        pins::unpin(state.store.as_ref(), &event.id, request).await?;
        Ok(back(&event, &Where::of_form(&form), request))
    }
    .await;
    ctx.finish(result)
}

fn back(event: &Event, at: &Where, request: &str) -> Response {
    let url = at.board_url(&event.id);
    Redirect::to(&format!("{url}#m-{request}")).into_response()
}

/// Meetings by the names of their participants ("A – B, C – D").
async fn meetings_named(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    ids: &[String],
) -> Result<String, PageError> {
    let mut named = Vec::new();
    for id in ids {
        let request = state.store.request(&event.id, id).await?;
        let names = state
            .store
            .participant_names(&event.id, &request.participants())
            .await?;
        let who: Vec<String> = request
            .participants()
            .iter()
            .map(|p| names.get(p).cloned().unwrap_or_else(|| p.clone()))
            .collect();
        named.push(who.join(" – "));
    }
    Ok(list(ctx.lang, &named))
}

/// Why a meeting could not be pinned now: the domain's rule on it as it is now (or, when
/// that allows it, other pins that changed meanwhile).
async fn refused(
    ctx: &Ctx,
    state: &AppState,
    event: &Event,
    request: &str,
    place: &PinAt,
) -> Result<String, PageError> {
    let found = state.store.request(&event.id, request).await?;
    let lang = ctx.lang;
    let rule = may_pin(
        found.status,
        found.life.meeting.as_ref(),
        &place.slot,
        place.room.as_deref(),
    );
    Ok(match rule {
        Ok(()) => lang.t("org-board-pin-busy"),
        Err(PinRefused::NotAccepted(status)) => {
            let status = lang.t(&format!("status-{}", status.as_str()));
            lang.ta("org-board-pin-not-accepted", &[("status", status)])
        }
        Err(PinRefused::Booked) => lang.t("org-board-pin-booked"),
        Err(PinRefused::Over(Outcome::Held)) => lang.t("org-board-pin-held"),
        Err(PinRefused::Over(Outcome::NoShow)) => lang.t("org-board-pin-no-show"),
        Err(PinRefused::Cancelled) => lang.t("org-board-pin-cancelled"),
    })
}

fn render(
    ctx: &Ctx,
    event: &Event,
    board: &Board,
    asked: &Where,
    failure: Option<Failure>,
    status: StatusCode,
) -> PageResult {
    let session = ctx.organiser()?;
    let lang = ctx.lang;
    let at = Where {
        view: board.source.as_str().to_string(),
        day: board.day,
        from: board.rooms_from,
        left: asked.left,
    };
    let view = Page {
        ctx,
        event,
        board,
        at: &at,
        csrf: session.csrf(),
        failure: failure.as_ref(),
    };
    let to = (board.rooms_from + board.rooms.len()).min(board.rooms_total);
    let rooms_label = lang.ta(
        "org-board-rooms",
        &[
            ("from", (board.rooms_from + 1).min(to).to_string()),
            ("to", to.to_string()),
            ("total", board.rooms_total.to_string()),
        ],
    );
    let day_label = |i: usize| {
        board.days.get(i).map_or_else(String::new, |d| {
            lang.ta(
                "org-board-day",
                &[
                    ("number", (i + 1).to_string()),
                    (
                        "date",
                        layout::day(lang, &event.timezone, d.slots[0].start.to_utc()),
                    ),
                ],
            )
        })
    };
    let url = |view: Source, day: usize, from: usize| at.url(&event.id, view, day, from, 0);
    let body = html! {
        (event_nav(ctx, event))
        nav class="pages" aria-label=(lang.t("org-board-view")) {
            @for source in [Source::Draft, Source::Live] {
                @if source == board.source {
                    span aria-current="page" { (lang.t(&format!("org-board-{}", source.as_str()))) }
                } @else {
                    a href=(url(source, board.day, board.rooms_from)) { (lang.t(&format!("org-board-{}", source.as_str()))) }
                }
            }
        }
        p role="status" {
            @match (board.source, &board.run) {
                (Source::Draft, Some(run)) => (lang.ta("org-board-run", &[
                    ("placed", board.placed.to_string()),
                    ("left", board.left_total.to_string()),
                    ("when", layout::when(lang, &event.timezone, run.updated_at)),
                ])),
                (Source::Draft, None) => (lang.t("org-board-no-run")),
                (Source::Live, _) => @match board.version {
                    Some(version) => (lang.ta("org-board-live-version", &[
                        ("version", version.to_string()),
                        ("placed", board.placed.to_string()),
                    ])),
                    None => (lang.ta("org-board-live-none", &[("placed", board.placed.to_string())])),
                },
            }
        }
        @if board.days.len() > 1 {
            nav class="pages" aria-label=(lang.t("org-board-days")) {
                @for i in 0..board.days.len() {
                    @if i == board.day {
                        span aria-current="page" { (day_label(i)) }
                    } @else {
                        a href=(url(board.source, i, board.rooms_from)) { (day_label(i)) }
                    }
                }
            }
        }
        @if board.rooms_total > ROOMS_PER_PAGE {
            nav class="pages" aria-label=(lang.t("org-board-room-pages")) {
                @if board.rooms_from > 0 {
                    a href=(url(board.source, board.day, board.rooms_from.saturating_sub(ROOMS_PER_PAGE))) { (lang.t("org-board-previous-rooms")) }
                }
                span { (rooms_label) }
                @if to < board.rooms_total {
                    a href=(url(board.source, board.day, to)) { (lang.t("org-board-next-rooms")) }
                }
            }
        }
        @if let Some(f) = &failure {
            p class="error" role="alert" { (f.message) " " a href=(format!("#m-{}", f.request)) { (lang.t("org-board-to-meeting")) } }
        }
        div class="board" data-board {
            @if board.rooms.is_empty() {
                p { (lang.t("org-board-no-rooms")) }
            } @else {
                (view.grid(&day_label(board.day), &rooms_label))
            }
            (view.left())
        }
        section aria-labelledby="resolve-title" {
            h2 id="resolve-title" { (lang.t("org-board-resolve")) }
            form method="post" action=(format!("/organiser/events/{}/solve", event.id)) {
                input type="hidden" name="csrf" value=(view.csrf);
                div class="field" {
                    label for="time_limit_seconds" { (lang.t("org-solve-time-limit")) }
                    input id="time_limit_seconds" name="time_limit_seconds" type="number" min="1" max="3600" value="30";
                }
                button type="submit" { (lang.t("org-board-resolve-start")) }
            }
        }
        script src="/assets/organiser.js" defer {}
    };
    let title = lang.ta("org-board-title", &[("event", event.name.clone())]);
    Ok((status, layout::page_with(ctx, &title, body, "wide")).into_response())
}

/// What every card of one rendering needs.
struct Page<'a> {
    ctx: &'a Ctx,
    event: &'a Event,
    board: &'a Board,
    at: &'a Where,
    csrf: String,
    failure: Option<&'a Failure>,
}

impl Page<'_> {
    /// The day's grid: a row per slot, a column per room of the page.
    fn grid(&self, day: &str, rooms: &str) -> Markup {
        let lang = self.ctx.lang;
        let board = self.board;
        let Some(today) = board.today() else {
            return html! {};
        };
        let mut starting: HashMap<(&str, &str), Vec<&Card>> = HashMap::new();
        let mut covered: HashSet<(&str, &str)> = HashSet::new();
        for card in &board.cards {
            starting
                .entry((card.slot.as_str(), card.room.as_str()))
                .or_default()
                .push(card);
            if let Some(first) = today.slots.iter().position(|s| s.id == card.slot) {
                for slot in today.slots.iter().skip(first + 1).take(card.span - 1) {
                    covered.insert((slot.id.as_str(), card.room.as_str()));
                }
            }
        }
        let caption = lang.ta(
            "org-board-grid",
            &[("day", day.to_string()), ("rooms", rooms.to_string())],
        );
        html! {
            div class="board-scroll" role="region" tabindex="0" aria-label=(caption) {
                table class="board-grid" {
                    caption { (caption) }
                    thead { tr {
                        th scope="col" { (lang.t("org-board-time")) }
                        @for room in &board.rooms { th scope="col" { (room.name) } }
                    } }
                    tbody {
                        @for slot in &today.slots {
                            tr {
                                th scope="row" { (slot.start.format("%H:%M").to_string()) }
                                @for room in &board.rooms {
                                    @let key = (slot.id.as_str(), room.id.as_str());
                                    td data-slot=(slot.id) data-room=(room.id) class=[covered.contains(&key).then_some("taken")] {
                                        @for card in starting.get(&key).into_iter().flatten() {
                                            (self.card(card))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn who(&self, participants: &[String]) -> String {
        participants
            .iter()
            .map(|p| self.board.name(p))
            .collect::<Vec<_>>()
            .join(" – ")
    }

    fn card(&self, card: &Card) -> Markup {
        let lang = self.ctx.lang;
        let room = self.room_name(&card.room);
        html! {
            article class=(if card.pin.is_some() { "card pinned" } else { "card" }) id=(format!("m-{}", card.request)) data-request=(card.request) {
                p class="who" id=(format!("who-{}", card.request)) { (self.who(&card.participants)) }
                p class="meta" {
                    (lang.ta("org-board-minutes", &[("minutes", card.duration_minutes.to_string())])) " · " (room)
                    @if let Some(state) = card.state { " · " (lang.t(&format!("state-{}", state.as_str()))) }
                }
                (self.pin_state(&card.request, card.pin.as_ref(), Some((&card.slot, &card.room))))
                (self.pin_form(&card.request, card.pin.as_ref(), Some((&card.slot, &card.room))))
            }
        }
    }

    /// "Pinned here" (or where, when the timetable shown does not hold it there yet) and
    /// the unpin button.
    fn pin_state(&self, request: &str, pin: Option<&Pin>, at: Option<(&str, &str)>) -> Markup {
        let lang = self.ctx.lang;
        let Some(pin) = pin else { return html! {} };
        let here = at.is_some_and(|(slot, room)| {
            pin.slot_id == slot && pin.room_id.as_deref().is_none_or(|r| r == room)
        });
        let slot = self.board.slot(&pin.slot_id).map_or_else(
            || pin.slot_id.clone(),
            |s| layout::when(lang, &self.event.timezone, s.start.to_utc()),
        );
        let room = pin
            .room_id
            .as_ref()
            .map(|r| self.room_name(r))
            .unwrap_or_else(|| lang.t("org-board-any-room"));
        html! {
            p class="pin-state" {
                @if here { (lang.t("org-board-pinned-here")) }
                @else { (lang.ta("org-board-pinned-at", &[("slot", slot), ("room", room)])) }
            }
            form method="post" action=(format!("/organiser/events/{}/board/unpin", self.event.id)) class="inline" {
                (self.hidden(request))
                button type="submit" class="secondary" aria-describedby=(format!("who-{request}")) { (lang.t("org-board-unpin")) }
            }
        }
    }

    fn room_name(&self, id: &str) -> String {
        self.board
            .rooms
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_string(), |r| r.name.clone())
    }

    fn hidden(&self, request: &str) -> Markup {
        html! {
            input type="hidden" name="csrf" value=(self.csrf);
            input type="hidden" name="request" value=(request);
            (self.at.hidden())
        }
    }

    /// The card's own pin form: its place as it is (so "pin here" holds it there; a drop
    /// on a cell fills in that cell's), and the link to the meeting's page, where any slot
    /// and room can be chosen. A meeting left out has no place: the drop alone fills it in.
    fn pin_form(&self, request: &str, pin: Option<&Pin>, at: Option<(&str, &str)>) -> Markup {
        let lang = self.ctx.lang;
        let pinned_here = pin.is_some_and(|p| {
            at.is_some_and(|(slot, room)| p.slot_id == slot && p.room_id.as_deref() == Some(room))
        });
        let failed = self.failure.filter(|f| f.request == request);
        let error_id = format!("pin-error-{request}");
        let described = match failed {
            Some(_) => format!("{error_id} who-{request}"),
            None => format!("who-{request}"),
        };
        let page = format!(
            "/organiser/events/{}/board/meetings/{request}?{}",
            self.event.id,
            self.at.query()
        );
        html! {
            form method="post" action=(format!("/organiser/events/{}/board/pin", self.event.id)) class="pin" data-pin {
                (self.hidden(request))
                input type="hidden" name="slot" value=(at.map_or("", |a| a.0));
                input type="hidden" name="room" value=(at.map_or("", |a| a.1));
                @if at.is_some() && !pinned_here {
                    button type="submit" aria-describedby=(described) { (lang.t("org-board-pin-here")) }
                }
                " " a href=(page) aria-describedby=(described) { (lang.t("org-board-meeting-page")) }
                @if let Some(f) = failed {
                    p class="error" id=(error_id) { (f.message) }
                }
            }
        }
    }

    /// The window's page of the meetings left out, with their reasons and pin forms, and
    /// the links to the pages before and after it.
    fn left(&self) -> Markup {
        let lang = self.ctx.lang;
        let board = self.board;
        let shown_to = (board.left_from + LEFT_PER_PAGE).min(board.left_total);
        let page = |left: usize| {
            self.at
                .url(&self.event.id, board.source, board.day, board.rooms_from, left)
        };
        html! {
            section class="left" aria-labelledby="left-title" {
                h2 id="left-title" { (lang.ta("org-board-unscheduled", &[("count", board.left_total.to_string())])) }
                @if board.left_total == 0 {
                    p { (lang.t("org-board-unscheduled-none")) }
                }
                ul class="cards" {
                    @for l in &board.left {
                        li class=(if l.pin.is_some() { "card pinned" } else { "card" }) id=(format!("m-{}", l.request)) data-request=(l.request) {
                            p class="who" id=(format!("who-{}", l.request)) { (self.who(&l.participants)) }
                            p class="meta" { (lang.ta("org-board-minutes", &[("minutes", l.duration_minutes.to_string())])) }
                            p class="reason" { (unplaced::say(lang, board, l)) }
                            (self.pin_state(&l.request, l.pin.as_ref(), None))
                            (self.pin_form(&l.request, l.pin.as_ref(), None))
                        }
                    }
                }
                @if board.left_total > LEFT_PER_PAGE {
                    nav class="pages" aria-label=(lang.t("org-board-left-pages")) {
                        @if board.left_from > 0 {
                            a href=(page(board.left_from.saturating_sub(LEFT_PER_PAGE))) { (lang.t("org-board-left-previous")) }
                        }
                        span { (lang.ta("org-board-left-shown", &[
                            ("from", (board.left_from + 1).min(shown_to).to_string()),
                            ("to", shown_to.to_string()),
                            ("total", board.left_total.to_string()),
                        ])) }
                        @if shown_to < board.left_total {
                            a href=(page(shown_to)) { (lang.t("org-board-left-next")) }
                        }
                    }
                }
            }
        }
    }
}
