//! A rendered letter as an Internet message (RFC 5322): plain text and HTML alternatives,
//! an iCalendar part when the message carries one, and a `Message-ID` made from the outbox
//! row's id, so every attempt at one message is the same message to the receiving side.

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::letter::Letter;
use crate::calendar::Method;

/// An iCalendar document to attach.
#[derive(Debug, Clone)]
pub struct CalendarPart {
    /// `Some`: an invitation (iTIP) the mail client acts on; `None`: a calendar file.
    pub method: Option<Method>,
    pub ics: String,
    pub filename: &'static str,
}

/// What one message says, ready to be put in an envelope.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub letter: Letter,
    pub calendar: Option<CalendarPart>,
}

/// The `Message-ID` of an outbox message: the same on every attempt.
pub fn message_id(outbox_id: &str, from: &Mailbox) -> String {
    format!("<{outbox_id}@{}>", from.email.domain())
}

const CONTENT_LANGUAGE: HeaderName = HeaderName::new_from_ascii_str("Content-Language");
const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");

/// The whole message. `date` is when the outbox row was written, so retries are identical.
pub fn compose(
    outgoing: &Outgoing,
    from: &Mailbox,
    to: Mailbox,
    outbox_id: &str,
    date: DateTime<Utc>,
) -> Result<Message, lettre::error::Error> {
    let letter = &outgoing.letter;
    let bodies = MultiPart::alternative_plain_html(letter.text(), letter.html());
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(letter.subject.clone())
        .message_id(Some(message_id(outbox_id, from)))
        .date(date.into());
    let mut message = match &outgoing.calendar {
        None => builder.multipart(bodies)?,
        Some(part) => {
            let content_type = match part.method {
                Some(method) => format!("text/calendar; charset=utf-8; method={}", method.as_str()),
                None => "text/calendar; charset=utf-8".to_string(),
            };
            let content_type = ContentType::parse(&content_type).expect("a valid calendar content type");
            let calendar: SinglePart =
                Attachment::new(part.filename.to_string()).body(part.ics.clone(), content_type);
            builder.multipart(MultiPart::mixed().multipart(bodies).singlepart(calendar))?
        }
    };
    let headers = message.headers_mut();
    headers.insert_raw(HeaderValue::new(CONTENT_LANGUAGE, letter.lang.code().to_string()));
    // RFC 3834: sent by a program, so vacation responders stay quiet.
    headers.insert_raw(HeaderValue::new(AUTO_SUBMITTED, "auto-generated".to_string()));
    Ok(message)
}
