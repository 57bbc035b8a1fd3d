//! The rules input can break, each with a stable code and the values it names: the JSON
//! API says the code beside its English detail, and the web pages say the rule in the
//! page's language (a Fluent message `err-<code>` per rule, given these values).

use std::fmt;

/// One rule broken by a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required value is missing or blank.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// More than `max` items in a list.
    TooManyItems { max: usize },
    /// The same item twice in a list.
    Duplicate { value: String },
    /// A number outside `min..=max`.
    Between { min: u32, max: u32 },
    /// Not an ISO 3166-1 alpha-2 country code.
    CountryCode,
    /// Not a slot of the event.
    UnknownSlot { value: String },
    /// A duration that is not a whole number of `slot`-minute slots.
    WholeSlots { slot: u32 },
    /// A duration longer than the longest session (`max` minutes).
    LongerThanSessions { max: u32 },
    /// A request with nobody invited.
    NoInvitee,
    /// More than `max` invitees.
    TooManyInvitees { max: usize },
    /// A participant inviting or marking itself.
    Yourself,
    /// Not a participant of the event.
    UnknownParticipant { value: String },
    /// An invitee named twice.
    InvitedTwice { value: String },
    /// Not an e-mail address.
    EmailAddress,
    /// Not one of the languages messages are written in.
    LanguageCode,
    /// A start slot that has begun or is over.
    SlotStarted { value: String },
    /// A start slot from which the meeting would run past the end of its session.
    PastSessionEnd { value: String },
    /// A start slot a participant refused for this meeting.
    SlotRefused { value: String },
    /// A start slot not free for every participant (which one, and why, is private).
    SlotNotFree { value: String },
    /// A start slot at which no free room has the seats and features.
    NoRoom { value: String },
    /// Not a time zone of the IANA database.
    TimeZone { value: String },
    /// Not a date written `YYYY-MM-DD`.
    Date,
    /// Not a time of day written `HH:MM`.
    TimeOfDay,
    /// A control character (`value`: as `U+000D`) where the field allows none, or none but
    /// line breaks and tabs.
    ControlCharacter { value: String },
    /// Any other rule, said in English only (organiser input: events, imports, boosts).
    Other(String),
}

impl Rule {
    /// The stable code: `code` in problem+json, `err-<code>` in the Fluent files.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooLong { .. } => "too-long",
            Rule::TooManyItems { .. } => "too-many-items",
            Rule::Duplicate { .. } => "duplicate",
            Rule::Between { .. } => "between",
            Rule::CountryCode => "country-code",
            Rule::UnknownSlot { .. } => "unknown-slot",
            Rule::WholeSlots { .. } => "whole-slots",
            Rule::LongerThanSessions { .. } => "longer-than-sessions",
            Rule::NoInvitee => "no-invitee",
            Rule::TooManyInvitees { .. } => "too-many-invitees",
            Rule::Yourself => "yourself",
            Rule::UnknownParticipant { .. } => "unknown-participant",
            Rule::InvitedTwice { .. } => "invited-twice",
            Rule::EmailAddress => "email-address",
            Rule::LanguageCode => "language-code",
            Rule::SlotStarted { .. } => "slot-started",
            Rule::PastSessionEnd { .. } => "past-session-end",
            Rule::SlotRefused { .. } => "slot-refused",
            Rule::SlotNotFree { .. } => "slot-not-free",
            Rule::NoRoom { .. } => "no-room",
            Rule::TimeZone { .. } => "time-zone",
            Rule::Date => "date",
            Rule::TimeOfDay => "time-of-day",
            Rule::ControlCharacter { .. } => "control-character",
            Rule::Other(_) => "invalid",
        }
    }

    /// The values the rule names, for its message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Rule::TooLong { max } | Rule::TooManyItems { max } | Rule::TooManyInvitees { max } => {
                vec![("max", max.to_string())]
            }
            Rule::Between { min, max } => vec![("min", min.to_string()), ("max", max.to_string())],
            Rule::WholeSlots { slot } => vec![("slot", slot.to_string())],
            Rule::LongerThanSessions { max } => vec![("max", max.to_string())],
            Rule::Duplicate { value }
            | Rule::UnknownSlot { value }
            | Rule::UnknownParticipant { value }
            | Rule::InvitedTwice { value }
            | Rule::SlotStarted { value }
            | Rule::PastSessionEnd { value }
            | Rule::SlotRefused { value }
            | Rule::SlotNotFree { value }
            | Rule::NoRoom { value }
            | Rule::TimeZone { value }
            | Rule::ControlCharacter { value } => vec![("value", value.clone())],
            Rule::Required
            | Rule::CountryCode
            | Rule::NoInvitee
            | Rule::Yourself
            | Rule::EmailAddress
            | Rule::LanguageCode
            | Rule::Date
            | Rule::TimeOfDay
            | Rule::Other(_) => Vec::new(),
        }
    }

    /// Every code, for checking that each language says each rule.
    pub const CODES: [&'static str; 26] = [
        "required",
        "too-long",
        "too-many-items",
        "duplicate",
        "between",
        "country-code",
        "unknown-slot",
        "whole-slots",
        "longer-than-sessions",
        "no-invitee",
        "too-many-invitees",
        "yourself",
        "unknown-participant",
        "invited-twice",
        "email-address",
        "language-code",
        "slot-started",
        "past-session-end",
        "slot-refused",
        "slot-not-free",
        "no-room",
        "time-zone",
        "date",
        "time-of-day",
        "control-character",
        "invalid",
    ];
}

/// The English detail of the JSON API.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => write!(f, "must not be empty"),
            Rule::TooLong { max } => write!(f, "at most {max} characters"),
            Rule::TooManyItems { max } => write!(f, "at most {max} items"),
            Rule::Duplicate { value } => write!(f, "{value:?} is listed twice"),
            Rule::Between { min, max } => write!(f, "must be between {min} and {max}"),
            Rule::CountryCode => write!(f, "an ISO 3166-1 alpha-2 code, as MA or TH"),
            Rule::UnknownSlot { value } => write!(f, "unknown slot id {value:?}"),
            Rule::WholeSlots { slot } => write!(f, "must be a whole number of {slot}-minute slots"),
            Rule::LongerThanSessions { max } => {
                write!(f, "longer than the longest session ({max} minutes)")
            }
            Rule::NoInvitee => write!(f, "invite at least one participant"),
            Rule::TooManyInvitees { max } => write!(f, "at most {max} invitees"),
            Rule::Yourself => write!(f, "you cannot choose yourself"),
            Rule::UnknownParticipant { value } => write!(f, "unknown participant {value:?}"),
            Rule::InvitedTwice { value } => write!(f, "{value:?} is invited twice"),
            Rule::EmailAddress => write!(f, "an e-mail address, as name@example.org"),
            Rule::LanguageCode => write!(f, "one of fr, en, ar"),
            Rule::SlotStarted { value } => write!(f, "slot {value} has already begun"),
            Rule::PastSessionEnd { value } => {
                write!(
                    f,
                    "a meeting starting at {value} would run past the end of its session"
                )
            }
            Rule::SlotRefused { value } => {
                write!(f, "slot {value} was refused for this meeting by a participant")
            }
            Rule::SlotNotFree { value } => {
                write!(
                    f,
                    "slot {value} is not free for every participant of this meeting"
                )
            }
            Rule::NoRoom { value } => write!(
                f,
                "no room with the seats and features this meeting needs is free at {value}"
            ),
            Rule::TimeZone { value } => write!(f, "unknown IANA time zone {value:?}"),
            Rule::Date => write!(f, "not a date as YYYY-MM-DD"),
            Rule::TimeOfDay => write!(f, "not a time as HH:MM"),
            Rule::ControlCharacter { value } => {
                write!(f, "control character {value} is not allowed here")
            }
            Rule::Other(detail) => write!(f, "{detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_each() {
        let mut codes = Rule::CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Rule::CODES.len());
        for rule in [
            Rule::Required,
            Rule::TooLong { max: 1 },
            Rule::InvitedTwice { value: "p".into() },
            Rule::Other("x".into()),
        ] {
            assert!(Rule::CODES.contains(&rule.code()), "{rule:?}");
        }
    }
}
