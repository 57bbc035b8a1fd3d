//! Profile changes shared by the JSON API and the web pages: the field rules live here once.

use crate::domain::participant::MAX_SIZE;
use crate::domain::{Invalid, ParticipantKind, labels, text};
use crate::store::{Participant, Store, StoreError};

/// Fields to change; `None` leaves one as it is (`Some(None)` clears an optional one).
#[derive(Debug, Default, Clone)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub kind: Option<ParticipantKind>,
    pub organization: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub size: Option<u32>,
    pub languages: Option<Vec<String>>,
    pub topics: Option<Vec<String>>,
    pub offers: Option<Vec<String>>,
    pub seeks: Option<Vec<String>>,
    pub max_meetings: Option<Option<u32>>,
    pub unavailable: Option<Vec<String>>,
}

/// Why a profile was not changed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("invalid input")]
    Invalid(Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fields only the organiser may change (a participant giving one is refused).
pub fn organiser_only(change: &ProfileChange) -> Option<&'static str> {
    [
        (change.kind.is_some(), "kind"),
        (change.size.is_some(), "size"),
        (change.max_meetings.is_some(), "max_meetings"),
    ]
    .into_iter()
    .find_map(|(given, field)| given.then_some(field))
}

/// Validates and stores a change to participant `id`'s profile.
pub async fn update(
    store: &dyn Store,
    event: &str,
    id: &str,
    change: ProfileChange,
) -> Result<Participant, ProfileError> {
    let spec = store.event(event).await?.spec()?;
    let mut p = store.participant(event, id).await?;
    let mut errors = Invalid::default();
    if let Some(name) = &change.name {
        p.name = text(name, 200, "/name", &mut errors);
    }
    if let Some(kind) = change.kind {
        p.kind = kind;
    }
    if let Some(org) = &change.organization {
        p.organization = optional_text(org.as_deref(), 200, "/organization", &mut errors);
    }
    if let Some(city) = &change.city {
        p.city = optional_text(city.as_deref(), 200, "/city", &mut errors);
    }
    if let Some(c) = &change.country {
        p.country = country(c.as_deref(), "/country", &mut errors);
    }
    if let Some(size) = change.size {
        check_size(size, "/size", &mut errors);
        p.size = size;
    }
    for (given, field, pointer) in [
        (&change.languages, &mut p.languages, "/languages"),
        (&change.topics, &mut p.topics, "/topics"),
        (&change.offers, &mut p.offers, "/offers"),
        (&change.seeks, &mut p.seeks, "/seeks"),
    ] {
        if let Some(items) = given {
            *field = labels(items, pointer, &mut errors);
        }
    }
    if let Some(max) = change.max_meetings {
        check_max_meetings(max, "/max_meetings", &mut errors);
        p.max_meetings = max;
    }
    if let Some(unavailable) = &change.unavailable {
        p.unavailable = spec.slot_ids(unavailable, "/unavailable", &mut errors);
    }
    let p = errors.into_result(p).map_err(ProfileError::Invalid)?;
    store.update_participant(&p).await?;
    Ok(p)
}

pub fn optional_text(value: Option<&str>, max: usize, pointer: &str, errors: &mut Invalid) -> Option<String> {
    let value = value?.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errors.push(pointer, format!("at most {max} characters"));
    }
    Some(value.to_string())
}

pub fn country(value: Option<&str>, pointer: &str, errors: &mut Invalid) -> Option<String> {
    let value = optional_text(value, 2, pointer, errors)?;
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(pointer, "an ISO 3166-1 alpha-2 code, as MA or TH");
    }
    Some(value)
}

pub fn check_size(size: u32, pointer: &str, errors: &mut Invalid) {
    if !(1..=MAX_SIZE).contains(&size) {
        errors.push(pointer, format!("must be between 1 and {MAX_SIZE}"));
    }
}

pub fn check_max_meetings(max: Option<u32>, pointer: &str, errors: &mut Invalid) {
    if max.is_some_and(|m| !(1..=1000).contains(&m)) {
        errors.push(pointer, "must be between 1 and 1000, or null for no limit");
    }
}
