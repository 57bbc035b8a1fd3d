//! Who takes part in meetings, and their profiles as registered and edited: the input
//! documents are parsed here into a [`Profile`] that breaks no rule, whoever sends them
//! (the JSON API, a CSV import, a web form).

use serde::{Deserialize, Deserializer, Serialize};

use super::contact::{self, Language, NotificationSettings};
use super::{EventSpec, Invalid, Rule, labels, optional_text, text};

/// What a participant is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParticipantKind {
    /// A city's group, taking several seats.
    Delegation,
    /// An exhibitor.
    #[default]
    Company,
    Researcher,
    Institution,
}

impl ParticipantKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delegation => "delegation",
            Self::Company => "company",
            Self::Researcher => "researcher",
            Self::Institution => "institution",
        }
    }

    /// Parses the stored and wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Delegation,
            Self::Company,
            Self::Researcher,
            Self::Institution,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// Largest delegation, in seats.
pub const MAX_SIZE: u32 = 100;

/// `POST /events/{event}/participants`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateParticipant {
    pub name: String,
    pub kind: ParticipantKind,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, as `MA` or `TH`.
    #[serde(default)]
    pub country: Option<String>,
    /// Seats the participant takes at a table (a delegation: its members), 1–100.
    #[serde(default = "one")]
    pub size: u32,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub offers: Vec<String>,
    #[serde(default)]
    pub seeks: Vec<String>,
    /// At most this many meetings in total (none: no limit).
    #[serde(default)]
    pub max_meetings: Option<u32>,
    /// Slot ids in which the participant cannot meet.
    #[serde(default)]
    pub unavailable: Vec<String>,
    /// Where the participant's messages go. Private: never in the directory.
    #[serde(default)]
    pub email: Option<String>,
    /// The language of the participant's messages (default `fr`).
    #[serde(default)]
    pub language: Language,
    /// Which optional notices the participant gets (default: all).
    #[serde(default)]
    pub notifications: NotificationSettings,
}

fn one() -> u32 {
    1
}

/// `PATCH /events/{event}/participants/{id}`: only the fields given change; `null` clears
/// an optional field. `kind`, `size` and `max_meetings` are the organiser's to change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateParticipant {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<ParticipantKind>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub organization: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    #[serde(default)]
    pub size: Option<u32>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub topics: Option<Vec<String>>,
    #[serde(default)]
    pub offers: Option<Vec<String>>,
    #[serde(default)]
    pub seeks: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub max_meetings: Option<Option<u32>>,
    #[serde(default)]
    pub unavailable: Option<Vec<String>>,
    /// `null` removes the address.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default)]
    pub language: Option<Language>,
    #[serde(default)]
    pub notifications: Option<NotificationChange>,
}

/// Notice categories to turn on or off; the ones not given stay as they are.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationChange {
    #[serde(default)]
    pub reminders: Option<bool>,
    #[serde(default)]
    pub requests: Option<bool>,
}

/// A field that is present (maybe `null`) becomes `Some(..)`; an absent one stays `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A participant's profile, every field checked. Serialised only by the sample generator
/// (`generate --expo`); the API's views choose their fields themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub name: String,
    pub kind: ParticipantKind,
    pub organization: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Seats taken at a table.
    pub size: u32,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub offers: Vec<String>,
    pub seeks: Vec<String>,
    pub max_meetings: Option<u32>,
    /// Slot ids of the event.
    pub unavailable: Vec<String>,
    /// Private contact address.
    pub email: Option<String>,
    /// The language of the participant's messages.
    pub language: Language,
    pub notifications: NotificationSettings,
}

/// Longest name, organisation or city, in characters.
const MAX_TEXT: usize = 200;

impl CreateParticipant {
    /// The registration as a profile, every broken rule recorded in `errors` with `at`
    /// prefixed to its pointer (`/rows/3` for a CSV row, empty for a JSON body).
    pub fn parse(&self, spec: &EventSpec, at: &str, errors: &mut Invalid) -> Profile {
        let name = text(&self.name, MAX_TEXT, &format!("{at}/name"), errors);
        check_size(self.size, &format!("{at}/size"), errors);
        check_max_meetings(self.max_meetings, &format!("{at}/max_meetings"), errors);
        Profile {
            name,
            kind: self.kind,
            organization: optional_text(
                self.organization.as_deref(),
                MAX_TEXT,
                &format!("{at}/organization"),
                errors,
            ),
            city: optional_text(self.city.as_deref(), MAX_TEXT, &format!("{at}/city"), errors),
            country: country(self.country.as_deref(), &format!("{at}/country"), errors),
            size: self.size,
            languages: labels(&self.languages, &format!("{at}/languages"), errors),
            topics: labels(&self.topics, &format!("{at}/topics"), errors),
            offers: labels(&self.offers, &format!("{at}/offers"), errors),
            seeks: labels(&self.seeks, &format!("{at}/seeks"), errors),
            max_meetings: self.max_meetings,
            unavailable: spec.slot_ids(&self.unavailable, &format!("{at}/unavailable"), errors),
            email: self
                .email
                .as_deref()
                .and_then(|e| contact::email(e, &format!("{at}/email"), errors)),
            language: self.language,
            notifications: self.notifications,
        }
    }
}

impl UpdateParticipant {
    /// The first field given that only the organiser may change, if any.
    pub fn organiser_only_field(&self) -> Option<&'static str> {
        [
            (self.kind.is_some(), "kind"),
            (self.size.is_some(), "size"),
            (self.max_meetings.is_some(), "max_meetings"),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
    }

    /// `profile` with the given fields changed; every broken rule is recorded in `errors`.
    pub fn apply(&self, mut profile: Profile, spec: &EventSpec, errors: &mut Invalid) -> Profile {
        if let Some(name) = &self.name {
            profile.name = text(name, MAX_TEXT, "/name", errors);
        }
        if let Some(kind) = self.kind {
            profile.kind = kind;
        }
        if let Some(org) = &self.organization {
            profile.organization = optional_text(org.as_deref(), MAX_TEXT, "/organization", errors);
        }
        if let Some(city) = &self.city {
            profile.city = optional_text(city.as_deref(), MAX_TEXT, "/city", errors);
        }
        if let Some(c) = &self.country {
            profile.country = country(c.as_deref(), "/country", errors);
        }
        if let Some(size) = self.size {
            check_size(size, "/size", errors);
            profile.size = size;
        }
        for (given, field, pointer) in [
            (&self.languages, &mut profile.languages, "/languages"),
            (&self.topics, &mut profile.topics, "/topics"),
            (&self.offers, &mut profile.offers, "/offers"),
            (&self.seeks, &mut profile.seeks, "/seeks"),
        ] {
            if let Some(items) = given {
                *field = labels(items, pointer, errors);
            }
        }
        if let Some(max) = self.max_meetings {
            check_max_meetings(max, "/max_meetings", errors);
            profile.max_meetings = max;
        }
        if let Some(unavailable) = &self.unavailable {
            profile.unavailable = spec.slot_ids(unavailable, "/unavailable", errors);
        }
        if let Some(email) = &self.email {
            profile.email = email.as_deref().and_then(|e| contact::email(e, "/email", errors));
        }
        if let Some(language) = self.language {
            profile.language = language;
        }
        if let Some(change) = self.notifications {
            let settings = &mut profile.notifications;
            settings.reminders = change.reminders.unwrap_or(settings.reminders);
            settings.requests = change.requests.unwrap_or(settings.requests);
        }
        profile
    }
}

fn country(value: Option<&str>, pointer: &str, errors: &mut Invalid) -> Option<String> {
    let value = value?.trim().to_string();
    if value.is_empty() {
        return None;
    }
    // One rule broken, not two: a long text is as wrong a code as a short one.
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.broke(pointer, Rule::CountryCode);
    }
    Some(value)
}

fn check_size(size: u32, pointer: &str, errors: &mut Invalid) {
    if !(1..=MAX_SIZE).contains(&size) {
        errors.broke(
            pointer,
            Rule::Between {
                min: 1,
                max: MAX_SIZE,
            },
        );
    }
}

fn check_max_meetings(max: Option<u32>, pointer: &str, errors: &mut Invalid) {
    if max.is_some_and(|m| !(1..=1000).contains(&m)) {
        errors.push(pointer, "must be between 1 and 1000, or null for no limit");
    }
}
