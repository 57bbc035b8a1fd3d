//! Who hears about what: the notices a change causes, decided here once and written to the
//! outbox by the store in the same transaction as the change itself. A notice names its
//! recipient and what it is about ([`Topic`]); its text is written when it is sent, in the
//! recipient's language. Its `dedupe` key makes one cause enqueue it at most once.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// What a message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Topic {
    /// The personal sign-in link.
    Invitation,
    /// Someone asks the recipient for a meeting.
    RequestCreated { request: String },
    /// Every invitee accepted the recipient's request (or a mutual interest made one).
    RequestAccepted { request: String },
    /// An invitee declined the recipient's request.
    RequestDeclined { request: String },
    /// The recipient's meeting got a slot and a room at once.
    MeetingBooked { request: String },
    /// The recipient's meeting moved to another slot or room.
    MeetingMoved { request: String },
    /// The recipient's meeting will not take place.
    MeetingCancelled { request: String },
    /// A timetable version was published: the recipient's agenda, with what changed for it.
    TimetablePublished {
        version: i64,
        added: Vec<String>,
        moved: Vec<String>,
        removed: Vec<String>,
    },
    /// The recipient's meeting starting at `start` (RFC 3339, UTC) is about to begin.
    Reminder { request: String, start: String },
}

/// A kind of message, as listed and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Invitation,
    RequestCreated,
    RequestAccepted,
    RequestDeclined,
    MeetingBooked,
    MeetingMoved,
    MeetingCancelled,
    TimetablePublished,
    Reminder,
}

/// Which setting lets a participant turn a kind of message off, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Invitations and changes to the recipient's own meetings: always sent.
    Always,
    /// Request notices ([`NotificationSettings::requests`](super::NotificationSettings)).
    Requests,
    /// Reminders ([`NotificationSettings::reminders`](super::NotificationSettings)).
    Reminders,
}

impl MessageKind {
    pub const ALL: [MessageKind; 9] = [
        Self::Invitation,
        Self::RequestCreated,
        Self::RequestAccepted,
        Self::RequestDeclined,
        Self::MeetingBooked,
        Self::MeetingMoved,
        Self::MeetingCancelled,
        Self::TimetablePublished,
        Self::Reminder,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::RequestCreated => "request_created",
            Self::RequestAccepted => "request_accepted",
            Self::RequestDeclined => "request_declined",
            Self::MeetingBooked => "meeting_booked",
            Self::MeetingMoved => "meeting_moved",
            Self::MeetingCancelled => "meeting_cancelled",
            Self::TimetablePublished => "timetable_published",
            Self::Reminder => "reminder",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn category(self) -> Category {
        match self {
            Self::RequestCreated | Self::RequestAccepted | Self::RequestDeclined => Category::Requests,
            Self::Reminder => Category::Reminders,
            _ => Category::Always,
        }
    }
}

impl Topic {
    pub fn kind(&self) -> MessageKind {
        match self {
            Topic::Invitation => MessageKind::Invitation,
            Topic::RequestCreated { .. } => MessageKind::RequestCreated,
            Topic::RequestAccepted { .. } => MessageKind::RequestAccepted,
            Topic::RequestDeclined { .. } => MessageKind::RequestDeclined,
            Topic::MeetingBooked { .. } => MessageKind::MeetingBooked,
            Topic::MeetingMoved { .. } => MessageKind::MeetingMoved,
            Topic::MeetingCancelled { .. } => MessageKind::MeetingCancelled,
            Topic::TimetablePublished { .. } => MessageKind::TimetablePublished,
            Topic::Reminder { .. } => MessageKind::Reminder,
        }
    }

    /// The meeting request the message is about, if it is about one.
    pub fn request(&self) -> Option<&str> {
        match self {
            Topic::RequestCreated { request }
            | Topic::RequestAccepted { request }
            | Topic::RequestDeclined { request }
            | Topic::MeetingBooked { request }
            | Topic::MeetingMoved { request }
            | Topic::MeetingCancelled { request }
            | Topic::Reminder { request, .. } => Some(request),
            Topic::Invitation | Topic::TimetablePublished { .. } => None,
        }
    }
}

/// A message to queue: to whom, about what, and the key that makes its cause enqueue it once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub event: String,
    pub recipient: String,
    pub topic: Topic,
    pub dedupe: String,
}

impl Notice {
    fn new(event: &str, recipient: &str, topic: Topic, dedupe: String) -> Self {
        Self {
            event: event.to_owned(),
            recipient: recipient.to_owned(),
            topic,
            dedupe,
        }
    }
}

/// A new request: each invitee hears of it.
pub fn request_created(event: &str, request: &str, invitees: &[String]) -> Vec<Notice> {
    invitees
        .iter()
        .map(|to| {
            let topic = Topic::RequestCreated {
                request: request.to_owned(),
            };
            Notice::new(event, to, topic, format!("request_created:{request}:{to}"))
        })
        .collect()
}

/// A request whose status an answer changed: the requester hears that it was accepted or
/// declined. An answer that changes nothing (one accept of several) notifies no one.
pub fn request_answered(
    event: &str,
    request: &str,
    requester: &str,
    status: super::RequestStatus,
) -> Vec<Notice> {
    let (topic, name) = match status {
        super::RequestStatus::Accepted => (
            Topic::RequestAccepted {
                request: request.to_owned(),
            },
            "request_accepted",
        ),
        super::RequestStatus::Declined => (
            Topic::RequestDeclined {
                request: request.to_owned(),
            },
            "request_declined",
        ),
        // Pending: not decided yet; the others are said by the meeting's own notices
        // (a cancelled meeting) or by nobody (a withdrawal, an expiry).
        super::RequestStatus::Pending
        | super::RequestStatus::Withdrawn
        | super::RequestStatus::Cancelled
        | super::RequestStatus::Expired => return Vec::new(),
    };
    vec![Notice::new(
        event,
        requester,
        topic,
        format!("{name}:{request}:{requester}"),
    )]
}

/// A request created already accepted (two participants marked each other): both hear of it.
pub fn mutual_request(event: &str, request: &str, participants: &[String]) -> Vec<Notice> {
    participants
        .iter()
        .map(|to| {
            let topic = Topic::RequestAccepted {
                request: request.to_owned(),
            };
            Notice::new(event, to, topic, format!("request_accepted:{request}:{to}"))
        })
        .collect()
}

/// What a published version changed for one participant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgendaChanges {
    pub added: Vec<String>,
    pub moved: Vec<String>,
    pub removed: Vec<String>,
}

impl AgendaChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.moved.is_empty() && self.removed.is_empty()
    }
}

/// One meeting of a timetable version, as far as a participant's agenda is concerned.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub request: &'a str,
    pub slot: &'a str,
    pub room: &'a str,
    pub participants: &'a [String],
}

/// What going from the `previous` version's meetings to the `next` one's changes in each
/// participant's agenda: meetings it gains, meetings of its that move (slot or room), and
/// meetings it loses.
pub fn agenda_changes(previous: &[Placed<'_>], next: &[Placed<'_>]) -> BTreeMap<String, AgendaChanges> {
    let before: HashMap<&str, &Placed<'_>> = previous.iter().map(|m| (m.request, m)).collect();
    let after: HashMap<&str, &Placed<'_>> = next.iter().map(|m| (m.request, m)).collect();
    let mut changes: BTreeMap<String, AgendaChanges> = BTreeMap::new();
    for m in next {
        let old = before.get(m.request);
        for p in m.participants {
            let c = changes.entry(p.clone()).or_default();
            match old {
                Some(o) if o.participants.contains(p) => {
                    if o.slot != m.slot || o.room != m.room {
                        c.moved.push(m.request.to_owned());
                    }
                }
                _ => c.added.push(m.request.to_owned()),
            }
        }
    }
    for o in previous {
        let kept = after.get(o.request);
        for p in o.participants {
            if !kept.is_some_and(|m| m.participants.contains(p)) {
                changes
                    .entry(p.clone())
                    .or_default()
                    .removed
                    .push(o.request.to_owned());
            }
        }
    }
    changes
}

/// A published version: each participant whose agenda it changed gets its agenda.
pub fn timetable_published(
    event: &str,
    version: i64,
    changes: BTreeMap<String, AgendaChanges>,
) -> Vec<Notice> {
    changes
        .into_iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(to, c)| {
            let topic = Topic::TimetablePublished {
                version,
                added: c.added,
                moved: c.moved,
                removed: c.removed,
            };
            let key = format!("timetable_published:{version}:{to}");
            Notice::new(event, &to, topic, key)
        })
        .collect()
}

/// A change to one meeting (booked, moved, cancelled) at calendar `sequence`: each of its
/// participants hears of it, once per sequence.
pub fn meeting_changed(
    event: &str,
    request: &str,
    participants: &[String],
    kind: MessageKind,
    sequence: i64,
) -> Vec<Notice> {
    let topic = match kind {
        MessageKind::MeetingBooked => Topic::MeetingBooked {
            request: request.to_owned(),
        },
        MessageKind::MeetingMoved => Topic::MeetingMoved {
            request: request.to_owned(),
        },
        MessageKind::MeetingCancelled => Topic::MeetingCancelled {
            request: request.to_owned(),
        },
        _ => return Vec::new(),
    };
    participants
        .iter()
        .map(|to| {
            let key = format!("{}:{request}:{to}:{sequence}", kind.as_str());
            Notice::new(event, to, topic.clone(), key)
        })
        .collect()
}

/// A request before and after one transition of its life, as far as notices go.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub event: &'a str,
    pub request: &'a str,
    pub requester: &'a str,
    /// Everyone in the meeting: the requester, then the invitees.
    pub participants: &'a [String],
    pub before: super::RequestStatus,
    pub after: super::RequestStatus,
    /// The meeting's calendar SEQUENCE after the transition (0 when it has no meeting).
    pub sequence: i64,
}

/// The notices one transition of a request's life causes: the requester hears that its
/// request was accepted or declined; every participant hears that the meeting was booked,
/// moved or cancelled (with the calendar SEQUENCE that change gave it).
pub fn for_transition(change: Change<'_>, events: &[super::meeting::MeetingEvent]) -> Vec<Notice> {
    use super::meeting::MeetingEvent;
    let mut notices = Vec::new();
    if change.before != change.after {
        notices.extend(request_answered(
            change.event,
            change.request,
            change.requester,
            change.after,
        ));
    }
    for event in events {
        let kind = match event {
            MeetingEvent::Booked { .. } => MessageKind::MeetingBooked,
            MeetingEvent::Moved { .. } => MessageKind::MeetingMoved,
            MeetingEvent::Cancelled { .. } => MessageKind::MeetingCancelled,
            _ => continue,
        };
        notices.extend(meeting_changed(
            change.event,
            change.request,
            change.participants,
            kind,
            change.sequence,
        ));
    }
    notices
}

/// A reminder of the meeting starting at `start` (RFC 3339, UTC): once per participant,
/// meeting and start, whichever node finds it first.
pub fn reminder(event: &str, request: &str, participant: &str, start: &str) -> Notice {
    let topic = Topic::Reminder {
        request: request.to_owned(),
        start: start.to_owned(),
    };
    Notice::new(
        event,
        participant,
        topic,
        format!("reminder:{request}:{participant}:{start}"),
    )
}

/// An invitation (the personal sign-in link); `nonce` tells one sending from another.
pub fn invitation(event: &str, participant: &str, nonce: &str) -> Notice {
    Notice::new(
        event,
        participant,
        Topic::Invitation,
        format!("invitation:{participant}:{nonce}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RequestStatus;

    #[test]
    fn only_a_decisive_answer_notifies_the_requester() {
        assert!(request_answered("e", "r", "p", RequestStatus::Pending).is_empty());
        let accepted = request_answered("e", "r", "p", RequestStatus::Accepted);
        assert_eq!(accepted.len(), 1);
        assert_eq!(accepted[0].recipient, "p");
        assert_eq!(accepted[0].topic.kind(), MessageKind::RequestAccepted);
        assert_eq!(
            request_answered("e", "r", "p", RequestStatus::Declined)[0]
                .topic
                .kind()
                .category(),
            Category::Requests
        );
    }

    #[test]
    fn a_transition_notifies_its_outcome_once_per_sequence() {
        use crate::domain::meeting::MeetingEvent;
        let everyone = ["a".to_string(), "b".to_string()];
        let change = Change {
            event: "e",
            request: "r",
            requester: "a",
            participants: &everyone,
            before: RequestStatus::Pending,
            after: RequestStatus::Accepted,
            sequence: 0,
        };
        let booked = [MeetingEvent::Booked {
            request: "r".into(),
            slot: "s".into(),
            room: "t".into(),
        }];
        let notices = for_transition(change, &booked);
        let kinds: Vec<_> = notices
            .iter()
            .map(|n| (n.recipient.as_str(), n.topic.kind()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("a", MessageKind::RequestAccepted),
                ("a", MessageKind::MeetingBooked),
                ("b", MessageKind::MeetingBooked)
            ]
        );
        let moved = [MeetingEvent::Moved {
            request: "r".into(),
            slot: "s2".into(),
            room: "t".into(),
            sequence: 1,
        }];
        let again = Change {
            before: RequestStatus::Accepted,
            sequence: 1,
            ..change
        };
        let notices = for_transition(again, &moved);
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].dedupe, "meeting_moved:r:a:1");
        let confirmed = [MeetingEvent::Confirmed {
            request: "r".into(),
            by: "b".into(),
            everyone: false,
        }];
        assert!(for_transition(again, &confirmed).is_empty());
    }

    #[test]
    fn unchanged_agendas_get_nothing() {
        let changes = BTreeMap::from([
            ("a".to_string(), AgendaChanges::default()),
            (
                "b".to_string(),
                AgendaChanges {
                    moved: vec!["r1".into()],
                    ..AgendaChanges::default()
                },
            ),
        ]);
        let notices = timetable_published("e", 3, changes);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].recipient, "b");
        assert_eq!(notices[0].dedupe, "timetable_published:3:b");
    }

    #[test]
    fn agenda_changes_are_per_participant() {
        let (a, b, c) = ("a".to_string(), "b".to_string(), "c".to_string());
        let ab = [a.clone(), b.clone()];
        let bc = [b.clone(), c.clone()];
        let previous = [
            Placed {
                request: "r1",
                slot: "s1",
                room: "t1",
                participants: &ab,
            },
            Placed {
                request: "r2",
                slot: "s2",
                room: "t1",
                participants: &bc,
            },
        ];
        let next = [
            Placed {
                request: "r1",
                slot: "s3",
                room: "t1",
                participants: &ab,
            },
            Placed {
                request: "r3",
                slot: "s2",
                room: "t2",
                participants: &bc,
            },
        ];
        let changes = agenda_changes(&previous, &next);
        assert_eq!(
            changes[&a],
            AgendaChanges {
                moved: vec!["r1".into()],
                ..Default::default()
            }
        );
        assert_eq!(
            changes[&b],
            AgendaChanges {
                added: vec!["r3".into()],
                moved: vec!["r1".into()],
                removed: vec!["r2".into()]
            }
        );
        assert_eq!(
            changes[&c],
            AgendaChanges {
                added: vec!["r3".into()],
                removed: vec!["r2".into()],
                ..Default::default()
            }
        );
        assert!(agenda_changes(&next, &next).values().all(AgendaChanges::is_empty));
    }

    #[test]
    fn topics_round_trip_through_json() {
        let topic = Topic::Reminder {
            request: "req_1".into(),
            start: "2027-04-17T09:00:00Z".into(),
        };
        let text = serde_json::to_string(&topic).unwrap();
        assert_eq!(serde_json::from_str::<Topic>(&text).unwrap(), topic);
        assert!(text.contains("\"kind\":\"reminder\""), "{text}");
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::parse(kind.as_str()), Some(kind));
        }
    }
}
