//! Agendas as iCalendar (RFC 5545): one VEVENT per meeting, times in UTC, a UID that stays
//! the same for a meeting across timetable versions and a SEQUENCE raised when it moves or
//! is cancelled; a cancelled meeting stays, `STATUS:CANCELLED`, so calendars remove it.
//!
//! Every text value goes through [`text_value`] before the `icalendar` crate escapes it
//! (`\\`, `;`, `,`, line feed as `\n`) and folds it: RFC 5545 TEXT allows no control
//! character but HTAB (§3.3.11), so a CR, alone or before a LF, becomes the line break it
//! meant and any other control character is dropped — input refuses them already, this
//! keeps a calendar well-formed whatever the stored text holds.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// What a calendar says of a meeting's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Agreed by its participants (booked, or scheduled and confirmed by all).
    Confirmed,
    /// Placed by the organiser's timetable (no STATUS property).
    Scheduled,
    Cancelled,
}

/// One meeting as it goes into a calendar.
#[derive(Debug, Clone)]
pub struct CalendarEntry {
    /// The meeting request's id: the UID is derived from it.
    pub request_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub sequence: u32,
    /// When the meeting last changed (DTSTAMP), so the same state renders the same text.
    pub stamp: DateTime<Utc>,
    pub status: Status,
}

/// The UID of a meeting: stable across versions because a meeting is its request. Request
/// ids are the service's own, but a UID is TEXT too (§3.8.4.7): no control character, so a
/// CR or LF can never break the line (found by `fuzz/fuzz_targets/calendar.rs`).
pub fn uid(request_id: &str) -> String {
    let id: String = request_id.chars().filter(|c| !c.is_control()).collect();
    format!("{id}@rendezvous")
}

/// A text value as RFC 5545 allows it, line breaks as `\n` (which the writer escapes).
pub fn text_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The meeting's event with its text properties, as a feed and an invitation share it.
fn vevent(entry: &CalendarEntry) -> Event {
    let mut event = Event::new();
    event
        .uid(&uid(&entry.request_id))
        .timestamp(entry.stamp)
        .sequence(entry.sequence)
        .summary(&text_value(&entry.summary))
        .location(&text_value(&entry.location))
        .description(&text_value(&entry.description))
        .starts(entry.start)
        .ends(entry.end);
    event
}

/// Renders a calendar.
pub fn render(name: &str, entries: &[CalendarEntry]) -> String {
    let mut calendar = Calendar::new();
    // The crate escapes the TEXT properties it knows and X- ones, not NAME (RFC 7986).
    let name = text_value(name);
    let escaped = name
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n");
    calendar
        .append_property(Property::new("NAME", escaped.as_str()))
        .append_property(Property::new("X-WR-CALNAME", name.as_str()));
    for entry in entries {
        let mut event = vevent(entry);
        match entry.status {
            Status::Confirmed => {
                event.status(EventStatus::Confirmed);
            }
            Status::Cancelled => {
                event.status(EventStatus::Cancelled);
            }
            Status::Scheduled => {}
        }
        calendar.push(event.done());
    }
    fold(&calendar.done().to_string())
}

/// Folds every content line at 75 octets, a continuation line's leading space included
/// (§3.1), on character boundaries. The `icalendar` crate folds without counting that
/// space, so its continuation lines reach 76 octets (found by the calendar fuzz target).
fn fold(text: &str) -> String {
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 70 * 3);
    for line in unfolded.split_terminator("\r\n") {
        let mut room = 75;
        let mut used = 0;
        for c in line.chars() {
            if used + c.len_utf8() > room {
                out.push_str("\r\n ");
                used = 1;
                room = 75;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

/// What an e-mailed invitation asks of the recipient's calendar (iTIP, RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add the meeting, or update it in place (same UID, higher SEQUENCE).
    Request,
    /// Remove the meeting.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Someone in an invitation: a display name and a calendar address (a `mailto:` URI, or
/// another URI for a participant whose address is private).
#[derive(Debug, Clone)]
pub struct Party {
    pub name: String,
    pub address: String,
}

fn party(key: &str, who: &Party, attendee: bool) -> Property {
    // A parameter value cannot hold a double quote nor any control character (§3.1).
    let name: String = who
        .name
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    let address: String = who.address.chars().filter(|c| !c.is_control()).collect();
    let mut property = Property::new(key, address.as_str());
    property.add_parameter("CN", &name);
    if attendee {
        property
            .add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("PARTSTAT", "NEEDS-ACTION");
    }
    property.done()
}

/// One meeting as an e-mailed invitation: `METHOD:REQUEST` or `METHOD:CANCEL`, with the
/// UID and SEQUENCE of the agenda feed, so calendars that took the feed or an earlier
/// invitation update the same entry.
pub fn invite(method: Method, entry: &CalendarEntry, organizer: &Party, attendees: &[Party]) -> String {
    let mut event = vevent(entry);
    event.append_property(party("ORGANIZER", organizer, false));
    for attendee in attendees {
        event.append_multi_property(party("ATTENDEE", attendee, true));
    }
    match (method, entry.status) {
        (Method::Cancel, _) | (_, Status::Cancelled) => {
            event.status(EventStatus::Cancelled);
        }
        (_, Status::Confirmed) => {
            event.status(EventStatus::Confirmed);
        }
        (_, Status::Scheduled) => {}
    }
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new("METHOD", method.as_str()))
        .push(event.done());
    fold(&calendar.done().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_utc_and_uid_is_stable() {
        let start = Utc.with_ymd_and_hms(2027, 4, 17, 9, 0, 0).unwrap();
        let entry = CalendarEntry {
            request_id: "req_1".into(),
            start,
            end: start + chrono::Duration::minutes(20),
            summary: "Meeting with Bangkok Metropolitan Administration".into(),
            location: "Table 12".into(),
            description: "Smart City Expo".into(),
            sequence: 2,
            stamp: start,
            status: Status::Cancelled,
        };
        let text = render("Agenda", &[entry]);
        assert!(text.contains("DTSTART:20270417T090000Z"), "{text}");
        assert!(text.contains("DTEND:20270417T092000Z"), "{text}");
        assert!(text.contains("UID:req_1@rendezvous"), "{text}");
        assert!(text.contains("SEQUENCE:2"), "{text}");
        assert!(text.contains("STATUS:CANCELLED"), "{text}");
        assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    }

    #[test]
    fn an_invitation_carries_method_organizer_and_attendees() {
        let start = Utc.with_ymd_and_hms(2027, 4, 17, 9, 0, 0).unwrap();
        let entry = CalendarEntry {
            request_id: "req_7".into(),
            start,
            end: start + chrono::Duration::minutes(20),
            summary: "Meeting".into(),
            location: "Table 3".into(),
            description: "Smart City Expo".into(),
            sequence: 4,
            stamp: start,
            status: Status::Scheduled,
        };
        let organizer = Party {
            name: "Smart City Expo".into(),
            address: "mailto:rendezvous@expo.example".into(),
        };
        let attendees = [Party {
            name: "Amina \"El\" Idrissi".into(),
            address: "mailto:amina@casa.example".into(),
        }];
        let text = invite(Method::Cancel, &entry, &organizer, &attendees);
        let unfolded = icalendar::parser::unfold(&text);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("parses");
        let event = &parsed.components[0];
        assert_eq!(
            parsed
                .properties
                .iter()
                .find(|p| p.name == "METHOD")
                .unwrap()
                .val
                .as_str(),
            "CANCEL"
        );
        let value = |name: &str| event.find_prop(name).map(|p| p.val.to_string());
        assert_eq!(value("UID").as_deref(), Some("req_7@rendezvous"));
        assert_eq!(value("SEQUENCE").as_deref(), Some("4"));
        assert_eq!(value("STATUS").as_deref(), Some("CANCELLED"));
        assert_eq!(value("ATTENDEE").as_deref(), Some("mailto:amina@casa.example"));
        assert!(text.contains("CN=Amina El Idrissi"), "{text}");
    }

    #[test]
    fn every_text_is_escaped_as_rfc_5545_requires() {
        let start = Utc.with_ymd_and_hms(2027, 4, 17, 9, 0, 0).unwrap();
        let entry = CalendarEntry {
            request_id: "req_9".into(),
            start,
            end: start + chrono::Duration::minutes(20),
            summary: "Acme\rX-INJECTED:1\u{0}; Bravo, \\ Co".into(),
            location: "Table\r\n7\u{7}".into(),
            description: "line one\nline two\ttab \u{1b}[31m".into(),
            sequence: 0,
            stamp: start,
            status: Status::Confirmed,
        };
        let organizer = Party {
            name: "Expo\r\nX".into(),
            address: "mailto:a@b.example\r\nX-EVIL:1".into(),
        };
        for text in [
            render("Agenda\r; 2027, Casa", std::slice::from_ref(&entry)),
            invite(Method::Request, &entry, &organizer, &[]),
        ] {
            // Every line ends with CRLF; no CR, LF or other control inside a content line.
            let unfolded = text.replace("\r\n ", "");
            for line in unfolded.split_terminator("\r\n") {
                assert!(!line.chars().any(|c| c.is_control() && c != '\t'), "{line:?}");
                assert!(!line.starts_with("X-I"), "an injected property: {line:?}");
            }
            assert!(
                unfolded.contains(r"SUMMARY:Acme\nX-INJECTED:1\; Bravo\, \\ Co"),
                "{text}"
            );
            assert!(unfolded.contains(r"LOCATION:Table\n7"), "{text}");
            if !text.contains("METHOD") {
                for key in ["NAME", "X-WR-CALNAME"] {
                    let line = format!("\n{key}:Agenda\\n\\; 2027\\, Casa\r");
                    assert!(unfolded.contains(&line), "{text}");
                }
            }
            assert!(
                unfolded.contains("DESCRIPTION:line one\\nline two\ttab [31m"),
                "{text}"
            );
            let unfolded_for_parser = icalendar::parser::unfold(&text);
            let parsed = icalendar::parser::read_calendar(&unfolded_for_parser).expect("parses");
            let event = &parsed.components[0];
            assert_eq!(
                event.find_prop("SUMMARY").unwrap().val.as_ref(),
                "Acme\nX-INJECTED:1; Bravo, \\ Co",
                "read back as written, the CR as the line break it meant"
            );
        }
    }

    /// Found by the calendar fuzz target: a request id holding a CR wrote a bare CR into
    /// the UID line.
    #[test]
    fn a_control_character_in_a_request_id_cannot_break_the_uid_line() {
        let start = Utc.with_ymd_and_hms(2027, 4, 17, 9, 0, 0).unwrap();
        let entry = CalendarEntry {
            request_id: "req\r\nX-EVIL:1\rB".into(),
            start,
            end: start + chrono::Duration::minutes(20),
            summary: String::new(),
            location: String::new(),
            description: String::new(),
            sequence: 0,
            stamp: start,
            status: Status::Scheduled,
        };
        let text = render("Agenda", &[entry]);
        let unfolded = text.replace("\r\n ", "");
        for line in unfolded.split_terminator("\r\n") {
            assert!(!line.contains(['\r', '\n']), "{line:?}");
        }
        assert!(unfolded.contains("\r\nUID:reqX-EVIL:1B@rendezvous\r\n"), "{text}");
    }

    /// Found by the calendar fuzz target: a continuation line of 76 octets.
    #[test]
    fn every_line_is_75_octets_at_most_continuations_included() {
        let start = Utc.with_ymd_and_hms(2027, 4, 17, 9, 0, 0).unwrap();
        let entry = CalendarEntry {
            request_id: "req_1".into(),
            start,
            end: start + chrono::Duration::minutes(20),
            summary: "é".repeat(120),
            location: "x".repeat(300),
            description: "😀 ".repeat(90),
            sequence: 0,
            stamp: start,
            status: Status::Scheduled,
        };
        let attendee = Party {
            name: "Very Long Attendee Name, Of A Delegation; With Colons: And More".repeat(3),
            address: "mailto:someone@example.org".into(),
        };
        for text in [
            render(&"Agenda ".repeat(40), std::slice::from_ref(&entry)),
            invite(
                Method::Request,
                &entry,
                &attendee,
                std::slice::from_ref(&attendee),
            ),
        ] {
            for line in text.split_terminator("\r\n") {
                assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
            }
            let unfolded = text.replace("\r\n ", "");
            assert!(
                unfolded.contains(&format!("SUMMARY:{}\r\n", "é".repeat(120))),
                "{text}"
            );
        }
    }
}
