//! The calendar writer: whatever texts a meeting holds, the feed and the invitation are
//! RFC 5545 (§3.1 lines of at most 75 octets ended by CRLF and folded with a space, §3.3.11
//! TEXT with `\` `;` `,` and line breaks escaped and no control character but HTAB, §3.2
//! parameter values quoted when they must be). Checked by the reader below, written from
//! the RFC and not from the writer, and by the `icalendar` crate's own parser.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use rendezvous::calendar::{CalendarEntry, Method, Party, Status, invite, render, text_value};

#[derive(Debug, Arbitrary)]
struct Input {
    name: String,
    meetings: Vec<MeetingText>,
    organizer: (String, String),
    attendees: Vec<(String, String)>,
    cancel: bool,
}

#[derive(Debug, Arbitrary)]
struct MeetingText {
    request_id: String,
    summary: String,
    location: String,
    description: String,
    sequence: u32,
    start_minutes: u32,
    status: u8,
}

fn entry(m: &MeetingText) -> CalendarEntry {
    // Any minute of about 8,000 years from 1970: times are not what this target is about.
    let start = DateTime::<Utc>::from_timestamp(i64::from(m.start_minutes) * 60, 0).expect("in range");
    CalendarEntry {
        request_id: m.request_id.clone(),
        start,
        end: start + chrono::Duration::minutes(30),
        summary: m.summary.clone(),
        location: m.location.clone(),
        description: m.description.clone(),
        sequence: m.sequence,
        stamp: start,
        status: match m.status % 3 {
            0 => Status::Confirmed,
            1 => Status::Scheduled,
            _ => Status::Cancelled,
        },
    }
}

fuzz_target!(|input: Input| {
    let entries: Vec<CalendarEntry> = input.meetings.iter().take(8).map(entry).collect();
    let feed = render(&input.name, &entries);
    let lines = content_lines(&feed);
    let mut expected = vec![
        ("NAME", text_value(&input.name)),
        ("X-WR-CALNAME", text_value(&input.name)),
    ];
    for e in &entries {
        expected.push(("SUMMARY", text_value(&e.summary)));
        expected.push(("LOCATION", text_value(&e.location)));
        expected.push(("DESCRIPTION", text_value(&e.description)));
    }
    assert_texts(&lines, &expected);
    assert_parses(&feed, entries.len());

    let Some(first) = entries.first() else {
        return;
    };
    let party = |(name, address): &(String, String)| Party {
        name: name.clone(),
        address: address.clone(),
    };
    let organizer = party(&input.organizer);
    let attendees: Vec<Party> = input.attendees.iter().take(8).map(party).collect();
    let method = if input.cancel {
        Method::Cancel
    } else {
        Method::Request
    };
    let mail = invite(method, first, &organizer, &attendees);
    let lines = content_lines(&mail);
    assert_texts(
        &lines,
        &[
            ("SUMMARY", text_value(&first.summary)),
            ("LOCATION", text_value(&first.location)),
            ("DESCRIPTION", text_value(&first.description)),
        ],
    );
    let parties: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("ORGANIZER;") || l.starts_with("ATTENDEE;"))
        .collect();
    assert_eq!(parties.len(), 1 + attendees.len());
    for (line, who) in parties
        .into_iter()
        .zip(std::iter::once(&organizer).chain(&attendees))
    {
        let (params, value) = split_parameters(line);
        let cn = params.iter().find(|(k, _)| k == "CN").map(|(_, v)| v.clone());
        let want: String = who
            .name
            .chars()
            .filter(|c| *c != '"' && !c.is_control())
            .collect();
        assert_eq!(cn.as_deref(), Some(want.as_str()), "CN of {line:?}");
        assert!(
            !value.chars().any(char::is_control),
            "control character in {line:?}"
        );
    }
    assert_parses(&mail, 1);
});

/// The logical lines of a calendar, after checking its physical lines (§3.1).
fn content_lines(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"), "not ended by CRLF");
    let mut logical: Vec<Vec<u8>> = Vec::new();
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line:?}", line.len());
        assert!(!line.contains(['\r', '\n']), "a bare CR or LF in {line:?}");
        match line.as_bytes().first() {
            Some(b' ' | b'\t') => logical
                .last_mut()
                .expect("a continuation first")
                .extend(&line.as_bytes()[1..]),
            Some(_) => logical.push(line.as_bytes().to_vec()),
            None => panic!("an empty line"),
        }
    }
    logical
        .into_iter()
        .map(|l| String::from_utf8(l).expect("folding split a UTF-8 character"))
        .collect()
}

/// The TEXT value of `NAME:...` decoded (§3.3.11), refusing anything not escaped.
fn decode_text(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some(';') => out.push(';'),
                Some(',') => out.push(','),
                Some('n' | 'N') => out.push('\n'),
                other => panic!("invalid escape \\{other:?} in {value:?}"),
            },
            ';' | ',' => panic!("unescaped {c:?} in {value:?}"),
            c if c.is_control() && c != '\t' => panic!("control character {c:?} in {value:?}"),
            c => out.push(c),
        }
    }
    out
}

/// The TEXT properties named in `expected` hold the expected texts (in any order: the
/// writer sorts an event's properties).
fn assert_texts(lines: &[String], expected: &[(&str, String)]) {
    let mut found: Vec<(&str, String)> = lines
        .iter()
        .filter_map(|l| {
            let (name, value) = l.split_once(':')?;
            let name = expected.iter().map(|(n, _)| *n).find(|n| *n == name)?;
            Some((name, decode_text(value)))
        })
        .collect();
    let mut expected = expected.to_vec();
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "in {lines:#?}");
}

/// `NAME;K=V;K="V":value` → the parameters (quotes removed) and the value (§3.1, §3.2).
fn split_parameters(line: &str) -> (Vec<(String, String)>, String) {
    let (_, mut rest) = line.split_once(';').expect("parameters");
    let mut params = Vec::new();
    loop {
        let (key, after) = rest.split_once('=').expect("a parameter has a value");
        let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
            let (v, a) = quoted.split_once('"').expect("a closing quote");
            (v.to_string(), a)
        } else {
            let end = after.find([';', ':']).expect("a parameter ends");
            let v = &after[..end];
            assert!(!v.contains([',', '"']), "unquoted {v:?} needs quotes");
            (v.to_string(), &after[end..])
        };
        assert!(
            !value.chars().any(char::is_control),
            "control character in a parameter"
        );
        params.push((key.to_string(), value));
        match after.as_bytes().first() {
            Some(b';') => rest = &after[1..],
            Some(b':') => return (params, after[1..].to_string()),
            _ => panic!("bad parameter list in {line:?}"),
        }
    }
}

/// The `icalendar` crate's parser reads it back with `events` VEVENTs.
fn assert_parses(text: &str, events: usize) {
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let vevents = calendar.components.iter().filter(|c| c.name == "VEVENT").count();
    assert_eq!(vevents, events, "{text}");
}
