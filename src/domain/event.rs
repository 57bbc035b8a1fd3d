//! An event's days and sessions, and the bookable slots cut from them in the event's
//! timezone. Offsets come from the time zone database: Casablanca moves to UTC+0 during
//! Ramadan, so the same wall-clock time has a different UTC instant on different dates.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::{Invalid, Rule};

/// Shortest and longest slot an event may use, in minutes.
pub const SLOT_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;
/// How many days an event may span.
pub const MAX_DAYS: usize = 31;

/// The years an event may fall in.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2100;

/// One day of the event as written by the organiser: a date and its sessions as
/// `["HH:MM", "HH:MM"]` wall-clock pairs in the event's timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DaySpec {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Sessions as `[start, end]` pairs, `HH:MM`.
    #[schema(value_type = Vec<Vec<String>>)]
    pub sessions: Vec<[String; 2]>,
}

/// A validated event: its timezone is known, its sessions do not overlap and each holds at
/// least one slot, and every wall-clock time exists exactly once on its date.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    pub name: String,
    pub timezone: Tz,
    pub slot_minutes: u32,
    pub days: Vec<DaySpec>,
    slots: Vec<SlotTime>,
}

/// A bookable time step.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotTime {
    /// `d<day number>-<HHMM>`, stable for the event's life.
    pub id: String,
    pub start: DateTime<Tz>,
    pub end: DateTime<Tz>,
}

impl SlotTime {
    /// RFC 3339 start with the event's UTC offset on that date.
    pub fn start_rfc3339(&self) -> String {
        self.start.fixed_offset().to_rfc3339()
    }

    /// RFC 3339 end with the event's UTC offset on that date.
    pub fn end_rfc3339(&self) -> String {
        self.end.fixed_offset().to_rfc3339()
    }
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    // Exactly HH:MM: "9:00" or "10:00:30" are rejected rather than guessed.
    if text.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

impl EventSpec {
    /// Validates an event and cuts its slots. Every broken rule is reported with its pointer.
    pub fn new(name: &str, timezone: &str, slot_minutes: u32, days: Vec<DaySpec>) -> Result<Self, Invalid> {
        let mut errors = Invalid::default();
        let name = super::text(name, 200, "/name", &mut errors);
        let tz: Option<Tz> = timezone.parse().ok();
        if tz.is_none() {
            errors.broke(
                "/timezone",
                Rule::TimeZone {
                    value: timezone.to_string(),
                },
            );
        }
        if !SLOT_MINUTES.contains(&slot_minutes) {
            errors.broke(
                "/slot_minutes",
                Rule::Between {
                    min: *SLOT_MINUTES.start(),
                    max: *SLOT_MINUTES.end(),
                },
            );
        }
        if days.is_empty() {
            errors.push("/days", "an event needs at least one day");
        }
        if days.len() > MAX_DAYS {
            errors.push("/days", format!("at most {MAX_DAYS} days"));
        }
        let mut dates: Vec<NaiveDate> = Vec::new();
        let mut slots = Vec::new();
        for (d, day) in days.iter().enumerate() {
            let Ok(date) = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d") else {
                errors.broke(format!("/days/{d}/date"), Rule::Date);
                continue;
            };
            // Far from chrono's limits, so no arithmetic on a day's times can overflow.
            if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
                errors.push(
                    format!("/days/{d}/date"),
                    format!("a date from {FIRST_YEAR} to {LAST_YEAR}"),
                );
                continue;
            }
            if dates.last().is_some_and(|&last| date <= last) {
                errors.push(format!("/days/{d}/date"), "days must be in order, each date once");
            }
            dates.push(date);
            if day.sessions.is_empty() {
                errors.push(format!("/days/{d}/sessions"), "a day needs at least one session");
            }
            let mut previous_end: Option<NaiveTime> = None;
            for (s, [start, end]) in day.sessions.iter().enumerate() {
                let at = format!("/days/{d}/sessions/{s}");
                let (Some(start), Some(end)) = (parse_time(start), parse_time(end)) else {
                    for (i, t) in [start, end].into_iter().enumerate() {
                        if parse_time(t).is_none() {
                            errors.broke(format!("{at}/{i}"), Rule::TimeOfDay);
                        }
                    }
                    continue;
                };
                if end <= start {
                    errors.push(format!("{at}/1"), "a session must end after it starts");
                    continue;
                }
                if previous_end.is_some_and(|p| start < p) {
                    errors.push(
                        format!("{at}/0"),
                        "sessions of a day must be in order and not overlap",
                    );
                }
                previous_end = Some(end);
                if !SLOT_MINUTES.contains(&slot_minutes) {
                    continue;
                }
                let step = Duration::minutes(i64::from(slot_minutes));
                if end - start < step {
                    errors.push(
                        format!("{at}/1"),
                        format!("shorter than one {slot_minutes}-minute slot"),
                    );
                    continue;
                }
                let Some(tz) = tz else { continue };
                let mut t = date.and_time(start);
                let session_end = date.and_time(end);
                while t + step <= session_end {
                    let local = |naive| tz.from_local_datetime(&naive).single();
                    match (local(t), local(t + step)) {
                        (Some(slot_start), Some(slot_end)) => slots.push(SlotTime {
                            id: format!("d{}-{:02}{:02}", d + 1, t.hour(), t.minute()),
                            start: slot_start,
                            end: slot_end,
                        }),
                        _ => {
                            errors.push(
                                at.clone(),
                                format!(
                                    "{} does not exist exactly once in {} (a clock change); move the session",
                                    t.format("%Y-%m-%d %H:%M"),
                                    tz.name()
                                ),
                            );
                            break;
                        }
                    }
                    t += step;
                }
            }
        }
        let timezone = tz.unwrap_or(chrono_tz::UTC);
        errors.into_result(Self {
            name,
            timezone,
            slot_minutes,
            days,
            slots,
        })
    }

    /// The bookable slots, in time order.
    pub fn slots(&self) -> &[SlotTime] {
        &self.slots
    }

    /// The slot with this id.
    pub fn slot(&self, id: &str) -> Option<&SlotTime> {
        self.slots.iter().find(|s| s.id == id)
    }

    /// Checks that every id names a slot of this event; returns them without duplicates.
    pub fn slot_ids(&self, ids: &[String], pointer: &str, errors: &mut Invalid) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            if self.slot(id).is_none() {
                errors.broke(
                    format!("{pointer}/{i}"),
                    super::Rule::UnknownSlot { value: id.clone() },
                );
            } else if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// The slots a meeting of `count` slots starting at `first` occupies, or `None` when
    /// they would not be consecutive (the run crosses the end of a session).
    pub fn run_from(&self, first: &str, count: usize) -> Option<&[SlotTime]> {
        let start = self.slots.iter().position(|s| s.id == first)?;
        let run = self.slots.get(start..start + count)?;
        run.windows(2).all(|w| w[0].end == w[1].start).then_some(run)
    }

    /// The longest run of consecutive slots, in minutes: no meeting can be longer.
    pub fn longest_session_minutes(&self) -> u32 {
        let mut best = 0;
        let mut run = 0;
        for (i, slot) in self.slots.iter().enumerate() {
            run = if i > 0 && self.slots[i - 1].end == slot.start {
                run + 1
            } else {
                1
            };
            best = best.max(run);
        }
        best * self.slot_minutes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, sessions: &[[&str; 2]]) -> DaySpec {
        DaySpec {
            date: date.into(),
            sessions: sessions
                .iter()
                .map(|[a, b]| [a.to_string(), b.to_string()])
                .collect(),
        }
    }

    #[test]
    fn casablanca_2027_is_utc_plus_one() {
        let spec = EventSpec::new(
            "Smart City Expo Casablanca 2027",
            "Africa/Casablanca",
            20,
            vec![day("2027-04-17", &[["10:00", "13:00"], ["14:30", "18:00"]])],
        )
        .unwrap();
        let first = &spec.slots()[0];
        assert_eq!(first.id, "d1-1000");
        assert_eq!(first.start_rfc3339(), "2027-04-17T10:00:00+01:00");
        assert_eq!(first.end_rfc3339(), "2027-04-17T10:20:00+01:00");
        assert_eq!(first.start.naive_utc().to_string(), "2027-04-17 09:00:00");
        // 9 slots in the morning, 10 in the afternoon.
        assert_eq!(spec.slots().len(), 19);
        assert_eq!(spec.slots()[9].id, "d1-1430");
    }

    #[test]
    fn casablanca_during_ramadan_2021_is_utc() {
        let spec = EventSpec::new(
            "2021",
            "Africa/Casablanca",
            30,
            vec![day("2021-04-17", &[["10:00", "11:00"]])],
        )
        .unwrap();
        assert_eq!(spec.slots()[0].start_rfc3339(), "2021-04-17T10:00:00+00:00");
        assert_eq!(
            spec.slots()[0].start.naive_utc().to_string(),
            "2021-04-17 10:00:00"
        );
        assert_eq!(spec.slots().len(), 2);
    }

    #[test]
    fn a_session_cut_by_a_clock_change_is_rejected() {
        // Europe/Paris skips 02:00-03:00 on 2027-03-28.
        let err = EventSpec::new(
            "x",
            "Europe/Paris",
            30,
            vec![day("2027-03-28", &[["01:00", "04:00"]])],
        )
        .unwrap_err();
        assert_eq!(err.0[0].pointer, "/days/0/sessions/0");
    }

    #[test]
    fn every_broken_rule_is_named() {
        let err = EventSpec::new(
            " ",
            "Mars/Olympus",
            3,
            vec![
                day("2027-04-18", &[["10:00", "09:00"]]),
                day("2027-04-17", &[["9:00", "13:00"]]),
                day("2027-13-01", &[]),
            ],
        )
        .unwrap_err();
        let pointers: Vec<_> = err.0.iter().map(|e| e.pointer.as_str()).collect();
        for expected in [
            "/name",
            "/timezone",
            "/slot_minutes",
            "/days/0/sessions/0/1",
            "/days/1/date",
            "/days/1/sessions/0/0",
            "/days/2/date",
        ] {
            assert!(
                pointers.contains(&expected),
                "{expected} missing from {pointers:?}"
            );
        }
    }

    #[test]
    fn runs_stay_inside_a_session() {
        let spec = EventSpec::new(
            "x",
            "UTC",
            30,
            vec![day("2027-04-17", &[["10:00", "11:00"], ["12:00", "13:00"]])],
        )
        .unwrap();
        assert_eq!(spec.run_from("d1-1000", 2).map(<[_]>::len), Some(2));
        assert!(spec.run_from("d1-1030", 2).is_none());
        assert_eq!(spec.longest_session_minutes(), 60);
    }

    #[test]
    fn dates_far_away_are_refused_not_overflowed() {
        for date in ["+262142-12-31", "1999-12-31", "2101-01-01", "-0001-01-01"] {
            let err = EventSpec::new(
                "x",
                "Africa/Casablanca",
                20,
                vec![day(date, &[["23:00", "23:59"]])],
            )
            .unwrap_err();
            assert_eq!(
                err.0.iter().map(|e| e.pointer.as_str()).collect::<Vec<_>>(),
                ["/days/0/date"],
                "{date}: {:?}",
                err.0
            );
        }
    }
}
