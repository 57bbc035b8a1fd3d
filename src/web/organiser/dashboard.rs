//! The dashboard: the figures of `meetings::dashboard`, with bar charts where a look says
//! more than the numbers, each beside its figures as text.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::charts::{self, Bar, Column};
use super::event_nav;
use super::page::OrganiserEvent;
use crate::meetings::{Coverage, dashboard};
use crate::state::AppState;
use crate::web::context::ok;
use crate::web::layout;

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_string(), |s| format!("{:.0} %", 100.0 * s))
}

fn coverage_bar(c: &Coverage, label: String) -> Bar {
    let share = (c.accepted > 0).then(|| f64::from(c.placed) / f64::from(c.accepted));
    Bar {
        label,
        value: format!("{} / {} ({})", c.placed, c.accepted, percent(share)),
        share: share.unwrap_or(0.0),
    }
}

/// `GET /organiser/events/{event}/dashboard`.
pub async fn show(State(state): State<AppState>, OrganiserEvent { ctx, event }: OrganiserEvent) -> Response {
    let result = async {
        let lang = ctx.lang;
        let d = dashboard(state.store.as_ref(), &event.id).await?;
        let r = &d.requests;
        let sent = f64::from(r.sent.max(1));
        let request_bars = [
            ("org-dash-sent", r.sent),
            ("org-dash-accepted", r.accepted),
            ("org-dash-declined", r.declined),
            ("org-dash-pending", r.pending),
        ]
        .map(|(key, n)| Bar {
            label: lang.t(key),
            value: n.to_string(),
            share: f64::from(n) / sent,
        });
        let mut coverage = vec![coverage_bar(
            &d.guest_of_honour,
            lang.ta("org-dash-guest", &[("city", d.guest_of_honour.name.clone())]),
        )];
        coverage.extend(d.asean.iter().map(|c| coverage_bar(c, lang.ta("org-dash-country", &[("code", c.name.clone())]))));
        let life = [
            ("org-dash-held", d.held),
            ("org-dash-no-show", d.no_show),
            ("org-dash-cancelled", d.cancelled),
        ];
        let life_most = f64::from(life.iter().map(|l| l.1).max().unwrap_or(0).max(1));
        let life_bars = life.map(|(key, n)| Bar {
            label: lang.t(key),
            value: n.to_string(),
            share: f64::from(n) / life_most,
        });
        // The table use, a day at a time.
        let mut days: Vec<(String, Vec<&crate::meetings::SlotUse>)> = Vec::new();
        for u in &d.table_use {
            let day = layout::day(lang, &event.timezone, u.slot.start.to_utc());
            match days.last_mut() {
                Some((name, list)) if *name == day => list.push(u),
                _ => days.push((day, vec![u])),
            }
        }
        let body = html! {
            (event_nav(&ctx, &event))
            section aria-labelledby="dash-requests" {
                h2 id="dash-requests" { (lang.t("org-dash-requests")) }
                (charts::bars("requests", &request_bars))
                dl class="figures" {
                    dt { (lang.t("org-dash-acceptance")) } dd data-figure="acceptance" { (percent(d.acceptance_rate)) }
                    dt { (lang.t("org-dash-placed")) }
                    dd data-figure="placed" { (lang.ta("org-dash-placed-value", &[
                        ("placed", d.placed.to_string()), ("accepted", r.accepted.to_string()), ("share", percent(d.placed_share)),
                    ])) }
                }
            }
            section aria-labelledby="dash-participants" {
                h2 id="dash-participants" { (lang.t("org-dash-per-participant")) }
                dl class="figures" {
                    dt { (lang.t("org-dash-median")) } dd data-figure="median" { (d.meetings_median) }
                    dt { (lang.t("org-dash-minimum")) } dd data-figure="minimum" { (d.meetings_minimum) }
                    dt { (lang.t("org-dash-wait-mean")) } dd data-figure="wait-mean" { (format!("{:.0}", d.wait_mean_minutes)) }
                    dt { (lang.t("org-dash-wait-worst")) }
                    dd data-figure="wait-worst" {
                        @match &d.wait_worst {
                            Some(w) if w.minutes > 0 => (lang.ta("org-dash-wait-of", &[("minutes", w.minutes.to_string()), ("name", w.name.clone())])),
                            Some(_) => "0",
                            None => "—",
                        }
                    }
                }
            }
            section aria-labelledby="dash-life" {
                h2 id="dash-life" { (lang.t("org-dash-life")) }
                (charts::bars("life", &life_bars))
            }
            section aria-labelledby="dash-coverage" {
                h2 id="dash-coverage" { (lang.t("org-dash-coverage")) }
                p { (lang.t("org-dash-coverage-help")) }
                (charts::bars("coverage", &coverage))
            }
            section aria-labelledby="dash-tables" {
                h2 id="dash-tables" { (lang.t("org-dash-table-use")) }
                @for (i, (day, slots)) in days.iter().enumerate() {
                    @let busiest = slots.iter().max_by_key(|u| (u.used, std::cmp::Reverse(u.slot.start)));
                    @let summary = busiest.map_or_else(String::new, |u| lang.ta("org-dash-table-peak", &[
                        ("used", u.used.to_string()), ("open", u.open.to_string()),
                        ("time", u.slot.start.format("%H:%M").to_string()),
                    ]));
                    h3 { (day) }
                    (charts::columns(&format!("tables-{i}"), &lang.ta("org-dash-table-use-of", &[("day", day.clone())]), &summary,
                        &slots.iter().map(|u| Column { value: u.used, most: u.open }).collect::<Vec<_>>()))
                    details {
                        summary { (lang.t("org-dash-table-figures")) }
                        table {
                            thead { tr {
                                th scope="col" { (lang.t("org-dash-slot")) }
                                th scope="col" { (lang.t("org-dash-tables-used")) }
                            } }
                            tbody {
                                @for u in slots {
                                    tr {
                                        td { (u.slot.start.format("%H:%M")) }
                                        td { (u.used) " / " (u.open) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        let title = lang.ta("org-dashboard-title", &[("event", event.name.clone())]);
        ok(layout::page(&ctx, &title, body))
    }
    .await;
    ctx.finish(result)
}
