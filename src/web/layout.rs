//! The page shell: language and direction, navigation, language switcher, sign-out.

use axum::response::Html;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{DOCTYPE, Markup, html};

use super::context::Ctx;
use crate::i18n::Lang;

/// A whole page with one `<h1>`: `title`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Html<String> {
    page_with(ctx, title, body, "")
}

/// A page whose `<body>` carries a class (the printable agenda).
pub fn page_with(ctx: &Ctx, title: &str, body: Markup, class: &str) -> Html<String> {
    page_full(ctx, title, body, class, None)
}

/// A page that follows something live: without JavaScript it reloads itself every
/// `seconds`; with it, its own script follows the live stream instead.
pub fn page_live(ctx: &Ctx, title: &str, body: Markup, seconds: u32) -> Html<String> {
    page_full(ctx, title, body, "", Some(seconds))
}

fn page_full(ctx: &Ctx, title: &str, body: Markup, class: &str, refresh: Option<u32>) -> Html<String> {
    let lang = ctx.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — rendezvous" }
                link rel="stylesheet" href="/assets/app.css";
                @if let Some(seconds) = refresh {
                    noscript { meta http-equiv="refresh" content=(seconds); }
                }
            }
            body class=(class) {
                a class="skip" href="#main" { (lang.t("skip-to-content")) }
                header class="top" {
                    @if let Some(me) = &ctx.me {
                        nav aria-label=(lang.t("nav-label")) {
                            a href="/" { (lang.t("nav-home")) }
                            a href="/directory" { (lang.t("nav-directory")) }
                            a href="/recommendations" { (lang.t("nav-recommendations")) }
                            a href="/requests" { (lang.t("nav-requests")) }
                            a href="/agenda" { (lang.t("nav-agenda")) }
                            a href="/profile" { (lang.t("nav-profile")) }
                        }
                        form method="post" action="/logout" class="inline" {
                            input type="hidden" name="csrf" value=(me.csrf);
                            button type="submit" { (lang.t("sign-out")) }
                        }
                    } @else if let Ok(session) = ctx.organiser() {
                        nav aria-label=(lang.t("nav-label")) {
                            a href="/organiser" { (lang.t("org-nav-events")) }
                        }
                        form method="post" action="/logout" class="inline" {
                            input type="hidden" name="csrf" value=(session.csrf());
                            button type="submit" { (lang.t("sign-out")) }
                        }
                    }
                    nav class="langs" aria-label=(lang.t("language-label")) {
                        @for other in Lang::ALL {
                            @if other == lang {
                                span aria-current="true" lang=(other.code()) { (other.t("language-name")) }
                            } @else {
                                a href=(switch_url(other, &ctx.path)) lang=(other.code()) hreflang=(other.code()) {
                                    (other.t("language-name"))
                                }
                            }
                        }
                    }
                }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    Html(markup.into_string())
}

fn switch_url(lang: Lang, back: &str) -> String {
    let back: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
    format!("/language?set={}&back={back}", lang.code())
}

/// A date in the event's zone, as the language writes it.
pub fn day(lang: Lang, zone: &str, at: DateTime<Utc>) -> String {
    let zone: Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let local = at.with_timezone(&zone);
    lang.ta(
        "date",
        &[
            ("weekday", lang.t(&format!("weekday-{}", local.format("%u")))),
            ("day", local.format("%-d").to_string()),
            ("month", lang.t(&format!("month-{}", local.format("%-m")))),
        ],
    )
}

/// A date and time in the event's zone.
pub fn when(lang: Lang, zone: &str, at: DateTime<Utc>) -> String {
    lang.ta(
        "datetime",
        &[("date", day(lang, zone, at)), ("time", time_of_day(zone, at))],
    )
}

/// A time of day in the event's zone.
pub fn time_of_day(zone: &str, at: DateTime<Utc>) -> String {
    let zone: Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&zone).format("%H:%M").to_string()
}
