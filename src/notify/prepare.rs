//! Writing one message: what its topic is about, read as it is now, in the recipient's
//! language. A message whose reason has gone (a request withdrawn, a meeting moved before
//! its reminder went, an agenda superseded by a newer one) is skipped with that reason, and
//! one the recipient turned off or cannot receive likewise.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;

use super::Mailer;
use super::compose::{CalendarPart, Outgoing};
use super::letter::{Block, Letter};
use crate::calendar::{self, CalendarEntry, Method, Party};
use crate::domain::notice::{Category, MessageKind, Topic};
use crate::domain::{MeetingState, RequestStatus};
use crate::i18n::Lang;
use crate::store::{ClaimedMessage, Event, MessageFilter, Participant};
use crate::timetable::{PublishedTimetable, ResolvedMeeting};

/// What to do with a claimed message.
pub(super) enum Prepared {
    /// Deliver it; then, for an invitation, give the recipient the token its link carries.
    Send {
        outgoing: Box<Outgoing>,
        to: Mailbox,
        token_hash: Option<String>,
    },
    /// Do not send it, for this reason.
    Skip(String),
    /// This node cannot write it; another one will.
    Defer(String),
}

/// The words and formats of one message.
struct Writer<'a> {
    lang: Lang,
    event: &'a Event,
    zone: Tz,
    public_url: &'a str,
}

impl Writer<'_> {
    fn t(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        if args.is_empty() {
            return self.lang.t(key);
        }
        let args: Vec<(&'static str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.lang.ta(key, &args)
    }

    fn when(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
        let (start, end) = (start.with_timezone(&self.zone), end.with_timezone(&self.zone));
        self.t(
            "mail-when",
            &[
                ("date", &start.format("%Y-%m-%d").to_string()),
                ("start", &start.format("%H:%M").to_string()),
                ("end", &end.format("%H:%M").to_string()),
                ("zone", self.zone.name()),
            ],
        )
    }

    fn link(&self, label: &str, path: &str) -> Block {
        Block::Link {
            label: self.t(label, &[]),
            url: format!("{}{path}", self.public_url.trim_end_matches('/')),
        }
    }

    /// Greeting, the blocks, small print, signature.
    fn letter(&self, recipient: &Participant, subject: String, body: Vec<Block>, optional: bool) -> Letter {
        let mut blocks = vec![Block::Paragraph(
            self.t("mail-greeting", &[("name", &recipient.profile.name)]),
        )];
        blocks.extend(body);
        if optional {
            blocks.push(Block::Note(self.t("mail-settings-note", &[])));
        }
        blocks.push(Block::Paragraph(
            self.t("mail-signature", &[("event", &self.event.name)]),
        ));
        Letter {
            lang: self.lang,
            subject,
            blocks,
        }
    }

    /// A meeting's details: when, where, with whom.
    fn details(&self, meeting: &ResolvedMeeting, me: &str) -> Block {
        Block::List {
            title: None,
            items: vec![
                self.when(meeting.start, meeting.end),
                self.t("mail-where", &[("room", &meeting.view.room.name)]),
                self.t("mail-with", &[("names", &others(meeting, me))]),
            ],
        }
    }

    /// One agenda line.
    fn line(&self, meeting: &ResolvedMeeting, me: &str) -> String {
        format!(
            "{} · {} · {}",
            self.when(meeting.start, meeting.end),
            meeting.view.room.name,
            others(meeting, me)
        )
    }
}

/// The other participants of a meeting, by name.
fn others(meeting: &ResolvedMeeting, me: &str) -> String {
    let names: Vec<&str> = meeting
        .view
        .participants
        .iter()
        .filter(|p| p.id != me)
        .map(|p| p.name.as_str())
        .collect();
    names.join(", ")
}

/// Writes a claimed message, or says why it is not to be sent.
pub(super) async fn prepare(
    mailer: &Mailer,
    claimed: &ClaimedMessage,
    now: DateTime<Utc>,
) -> anyhow::Result<Prepared> {
    let (message, me) = (&claimed.message, &claimed.recipient);
    let kind = message.topic.kind();
    let Some(email) = &me.profile.email else {
        return Ok(Prepared::Skip("the participant has no e-mail address".into()));
    };
    let turned_off = match kind.category() {
        Category::Always => false,
        Category::Requests => !me.profile.notifications.requests,
        Category::Reminders => !me.profile.notifications.reminders,
    };
    if turned_off {
        return Ok(Prepared::Skip(format!(
            "the participant turned {} notices off",
            kind.as_str()
        )));
    }
    let to = Mailbox::new(Some(me.profile.name.clone()), email.parse()?);
    let event = mailer.store.event(&message.event_id).await?;
    let writer = Writer {
        lang: me.profile.language.into(),
        zone: event.timezone.parse().unwrap_or(Tz::UTC),
        event: &event,
        public_url: &mailer.settings.public_url,
    };
    let mut token_hash = None;
    let (letter, calendar) = match &message.topic {
        Topic::Invitation => {
            let Some(key) = &mailer.invitation_key else {
                return Ok(Prepared::Defer(
                    "this node does not know the organiser token".into(),
                ));
            };
            token_hash = Some(key.token_hash_for(&message.id));
            let body = vec![
                Block::Paragraph(writer.t("mail-invitation-body", &[("event", &event.name)])),
                writer.link(
                    "mail-invitation-link",
                    &format!("/login?token={}", key.token_for(&message.id)),
                ),
                Block::Note(writer.t("mail-invitation-note", &[])),
            ];
            let subject = writer.t("mail-invitation-subject", &[("event", &event.name)]);
            (writer.letter(me, subject, body, false), None)
        }
        Topic::RequestCreated { request }
        | Topic::RequestAccepted { request }
        | Topic::RequestDeclined { request } => {
            match request_letter(mailer, &writer, me, kind, request).await? {
                Ok(letter) => (letter, None),
                Err(reason) => return Ok(Prepared::Skip(reason)),
            }
        }
        Topic::MeetingBooked { request }
        | Topic::MeetingMoved { request }
        | Topic::MeetingCancelled { request } => {
            let published = mailer.timetables.get(&mailer.store, &event.id).await?;
            let meeting = published.meetings_of(&me.id).find(|m| m.view.request == *request);
            match (meeting, kind) {
                (Some(meeting), _) => {
                    let (letter, invite) = meeting_letter(mailer, &writer, me, email, kind, meeting);
                    (letter, Some(invite))
                }
                (None, MessageKind::MeetingCancelled) => {
                    let r = mailer.store.request(&event.id, request).await?;
                    let names = names(mailer, &event.id, &r.participants(), &me.id).await?;
                    let body = vec![Block::Paragraph(
                        writer.t("mail-meeting-cancelled-body", &[("with", &names)]),
                    )];
                    let subject = writer.t("mail-meeting-cancelled-subject", &[("with", &names)]);
                    (writer.letter(me, subject, body, false), None)
                }
                (None, _) => {
                    return Ok(Prepared::Skip(
                        "the meeting is no longer in the participant's agenda".into(),
                    ));
                }
            }
        }
        Topic::TimetablePublished {
            version,
            added,
            moved,
            removed,
        } => {
            if let Some(newer) = newer_agenda(mailer, claimed, *version).await? {
                return Ok(Prepared::Skip(format!(
                    "superseded by the agenda of version {newer}"
                )));
            }
            let published = mailer.timetables.get(&mailer.store, &event.id).await?;
            let letter =
                agenda_letter(mailer, &writer, me, *version, [added, moved, removed], &published).await?;
            let feed = CalendarPart {
                method: None,
                ics: published.calendar_of(&me.id, &me.profile.name, writer.lang)?,
                filename: "agenda.ics",
            };
            (letter, Some(feed))
        }
        Topic::Reminder { request, start } => {
            let published = mailer.timetables.get(&mailer.store, &event.id).await?;
            let start: DateTime<Utc> = DateTime::parse_from_rfc3339(start)?.to_utc();
            let Some(meeting) = published.meetings_of(&me.id).find(|m| {
                m.view.request == *request && m.start == start && m.view.state != MeetingState::Cancelled
            }) else {
                return Ok(Prepared::Skip("the meeting moved or was cancelled".into()));
            };
            if now >= start {
                return Ok(Prepared::Skip(
                    "the meeting had begun when the reminder could go".into(),
                ));
            }
            let minutes = ((start - now).num_seconds() + 59) / 60;
            let with = others(meeting, &me.id);
            let local = start.with_timezone(&writer.zone).format("%H:%M").to_string();
            let body = vec![
                Block::Paragraph(writer.t(
                    "mail-reminder-body",
                    &[("with", &with), ("minutes", &minutes.to_string())],
                )),
                writer.details(meeting, &me.id),
            ];
            let subject = writer.t("mail-reminder-subject", &[("start", &local), ("with", &with)]);
            (writer.letter(me, subject, body, true), None)
        }
    };
    Ok(Prepared::Send {
        outgoing: Box::new(Outgoing { letter, calendar }),
        to,
        token_hash,
    })
}

/// The names of `ids` other than `me`, joined.
async fn names(mailer: &Mailer, event: &str, ids: &[String], me: &str) -> anyhow::Result<String> {
    let mut names = Vec::new();
    for id in ids.iter().filter(|id| *id != me) {
        names.push(mailer.store.participant(event, id).await?.profile.name);
    }
    Ok(names.join(", "))
}

/// A request notice, or why it no longer applies.
async fn request_letter(
    mailer: &Mailer,
    writer: &Writer<'_>,
    me: &Participant,
    kind: MessageKind,
    request: &str,
) -> anyhow::Result<Result<Letter, String>> {
    let r = mailer.store.request(&writer.event.id, request).await?;
    let others = names(mailer, &writer.event.id, &r.participants(), &me.id).await?;
    let open = writer.link("mail-open-app", &format!("/requests/{}", r.id));
    let (subject, body) = match kind {
        MessageKind::RequestCreated => {
            if r.status != RequestStatus::Pending {
                return Ok(Err(format!("the request is {} now", r.status.as_str())));
            }
            let from = mailer
                .store
                .participant(&writer.event.id, &r.requester)
                .await?
                .profile
                .name;
            let minutes = r.duration_minutes.to_string();
            let mut body = vec![Block::Paragraph(writer.t(
                "mail-request-created-body",
                &[
                    ("from", &from),
                    ("minutes", &minutes),
                    ("event", &writer.event.name),
                ],
            ))];
            if !r.message.is_empty() {
                body.push(Block::Paragraph(writer.t("mail-request-message", &[])));
                body.push(Block::Quote(r.message.clone()));
            }
            body.push(writer.link("mail-request-answer", &format!("/requests/{}", r.id)));
            (writer.t("mail-request-created-subject", &[("from", &from)]), body)
        }
        MessageKind::RequestAccepted => (
            writer.t("mail-request-accepted-subject", &[("with", &others)]),
            vec![
                Block::Paragraph(writer.t("mail-request-accepted-body", &[("with", &others)])),
                open,
            ],
        ),
        _ => (
            writer.t("mail-request-declined-subject", &[("with", &others)]),
            vec![
                Block::Paragraph(writer.t("mail-request-declined-body", &[("with", &others)])),
                open,
            ],
        ),
    };
    Ok(Ok(writer.letter(me, subject, body, true)))
}

/// A booked, moved or cancelled meeting with its iCalendar invitation: the agenda feed's UID
/// and SEQUENCE, `METHOD:REQUEST` (or `CANCEL`), the organiser and the attendees. Other
/// participants' addresses are private: they appear by name, with an address that is not
/// theirs to mail.
fn meeting_letter(
    mailer: &Mailer,
    writer: &Writer<'_>,
    me: &Participant,
    email: &str,
    kind: MessageKind,
    meeting: &ResolvedMeeting,
) -> (Letter, CalendarPart) {
    let with = others(meeting, &me.id);
    let when = writer.when(meeting.start, meeting.end);
    let (subject, body_key, method) = match kind {
        MessageKind::MeetingBooked => (
            writer.t("mail-meeting-booked-subject", &[("with", &with), ("when", &when)]),
            "mail-meeting-booked-body",
            Method::Request,
        ),
        MessageKind::MeetingMoved => (
            writer.t("mail-meeting-moved-subject", &[("with", &with), ("when", &when)]),
            "mail-meeting-moved-body",
            Method::Request,
        ),
        _ => (
            writer.t("mail-meeting-cancelled-subject", &[("with", &with)]),
            "mail-meeting-cancelled-body",
            Method::Cancel,
        ),
    };
    let note = if method == Method::Cancel {
        "mail-cancel-note"
    } else {
        "mail-calendar-note"
    };
    let body = vec![
        Block::Paragraph(writer.t(body_key, &[("with", &with)])),
        writer.details(meeting, &me.id),
        Block::Note(writer.t(note, &[])),
        writer.link("mail-open-app", "/agenda"),
    ];
    let entry = CalendarEntry {
        request_id: meeting.view.request.clone(),
        start: meeting.start,
        end: meeting.end,
        summary: writer.lang.ta("ics-summary", &[("names", with.clone())]),
        location: meeting.view.room.name.clone(),
        description: writer.event.name.clone(),
        sequence: u32::try_from(meeting.view.sequence).unwrap_or(0),
        stamp: meeting.changed,
        status: match meeting.view.state {
            MeetingState::Cancelled => calendar::Status::Cancelled,
            MeetingState::Booked | MeetingState::Confirmed => calendar::Status::Confirmed,
            MeetingState::Scheduled => calendar::Status::Scheduled,
        },
    };
    let organizer = Party {
        name: writer.event.name.clone(),
        address: format!("mailto:{}", mailer.from.email),
    };
    let attendees: Vec<Party> = meeting
        .view
        .participants
        .iter()
        .map(|p| Party {
            name: p.name.clone(),
            address: if p.id == me.id {
                format!("mailto:{email}")
            } else {
                format!("urn:rendezvous:participant:{}", p.id)
            },
        })
        .collect();
    let ics = calendar::invite(method, &entry, &organizer, &attendees);
    let part = CalendarPart {
        method: Some(method),
        ics,
        filename: "invite.ics",
    };
    (writer.letter(me, subject, body, false), part)
}

/// The newest version of a later agenda message queued for the same participant, if any.
async fn newer_agenda(
    mailer: &Mailer,
    claimed: &ClaimedMessage,
    version: i64,
) -> anyhow::Result<Option<i64>> {
    let filter = MessageFilter {
        kind: Some(MessageKind::TimetablePublished),
        recipient: Some(claimed.recipient.id.clone()),
        limit: 1000,
        ..MessageFilter::default()
    };
    let queued = mailer.store.messages(&claimed.message.event_id, &filter).await?;
    Ok(queued
        .iter()
        .filter_map(|m| match &m.topic {
            Topic::TimetablePublished { version: v, .. } if *v > version => Some(*v),
            _ => None,
        })
        .max())
}

/// A published agenda: what changed, then the whole agenda as it is now.
async fn agenda_letter(
    mailer: &Mailer,
    writer: &Writer<'_>,
    me: &Participant,
    version: i64,
    [added, moved, removed]: [&Vec<String>; 3],
    published: &PublishedTimetable,
) -> anyhow::Result<Letter> {
    let version_text = version.to_string();
    let mine: Vec<&ResolvedMeeting> = published
        .meetings_of(&me.id)
        .filter(|m| m.view.state != MeetingState::Cancelled)
        .collect();
    let lines_of = |ids: &[String]| -> Vec<String> {
        mine.iter()
            .filter(|m| ids.contains(&m.view.request))
            .map(|m| writer.line(m, &me.id))
            .collect()
    };
    let mut body = vec![Block::Paragraph(
        writer.t("mail-timetable-body", &[("version", &version_text)]),
    )];
    for (title, lines) in [
        ("mail-timetable-added", lines_of(added)),
        ("mail-timetable-moved", lines_of(moved)),
    ] {
        if !lines.is_empty() {
            body.push(Block::List {
                title: Some(writer.t(title, &[])),
                items: lines,
            });
        }
    }
    if !removed.is_empty() {
        let mut items = Vec::new();
        for request in removed {
            let r = mailer.store.request(&writer.event.id, request).await?;
            items.push(names(mailer, &writer.event.id, &r.participants(), &me.id).await?);
        }
        body.push(Block::List {
            title: Some(writer.t("mail-timetable-removed", &[])),
            items,
        });
    }
    let agenda: Vec<String> = mine.iter().map(|m| writer.line(m, &me.id)).collect();
    if agenda.is_empty() {
        body.push(Block::Paragraph(writer.t("mail-timetable-empty", &[])));
    } else {
        body.push(Block::List {
            title: Some(writer.t("mail-timetable-agenda", &[])),
            items: agenda,
        });
    }
    body.push(Block::Note(writer.t("mail-timetable-feed", &[])));
    body.push(writer.link("mail-open-app", "/agenda"));
    let subject = writer.t(
        "mail-timetable-subject",
        &[("event", &writer.event.name), ("version", &version_text)],
    );
    Ok(writer.letter(me, subject, body, false))
}
