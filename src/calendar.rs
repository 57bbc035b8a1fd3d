//! Agendas as iCalendar (RFC 5545): one VEVENT per meeting, times in UTC, a UID that stays
//! the same for a meeting across timetable versions and a SEQUENCE raised when it moves or
//! is cancelled; a cancelled meeting stays, `STATUS:CANCELLED`, so calendars remove it.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

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

/// The UID of a meeting: stable across versions because a meeting is its request.
pub fn uid(request_id: &str) -> String {
    format!("{request_id}@rendezvous")
}

/// Renders a calendar.
pub fn render(name: &str, entries: &[CalendarEntry]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    for entry in entries {
        let mut event = Event::new();
        event
            .uid(&uid(&entry.request_id))
            .timestamp(entry.stamp)
            .sequence(entry.sequence)
            .summary(&entry.summary)
            .location(&entry.location)
            .description(&entry.description)
            .starts(entry.start)
            .ends(entry.end);
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
    calendar.done().to_string()
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
}
