//! Creating an event: its days and sessions cut into slots in its time zone.

use chrono::Utc;

use super::SetupError;
use crate::domain::ids::new_id;
use crate::domain::{DaySpec, EventSpec, Invalid, Rule};
use crate::store::{Event, Store};

/// Longest reminder lead: a day.
pub const MAX_REMINDER_MINUTES: u32 = 1440;

/// The loosest fairness rule an event may set: waits of two participants at most this far
/// apart (a forum has at most a few dozen slots, so more would be no rule at all).
pub const MAX_WAIT_SPREAD: u32 = 100;

/// An event as the organiser describes it.
pub struct NewEvent {
    pub name: String,
    /// IANA time zone, as `Africa/Casablanca`.
    pub timezone: String,
    pub slot_minutes: u32,
    pub days: Vec<DaySpec>,
    pub reminder_minutes: u32,
    /// Fairness: the waits of any two participants differ by at most this many (0–100);
    /// `None`: no such rule.
    pub max_wait_spread: Option<u32>,
}

/// Checks a reminder lead, 0–1440 minutes.
pub fn check_reminder_minutes(minutes: u32, errors: &mut Invalid) {
    if minutes > MAX_REMINDER_MINUTES {
        errors.broke(
            "/reminder_minutes",
            Rule::Between {
                min: 0,
                max: MAX_REMINDER_MINUTES,
            },
        );
    }
}

/// Checks a fairness rule, 0–100 waits apart.
pub fn check_max_wait_spread(spread: Option<u32>, errors: &mut Invalid) {
    if spread.is_some_and(|spread| spread > MAX_WAIT_SPREAD) {
        errors.broke(
            "/max_wait_spread",
            Rule::Between {
                min: 0,
                max: MAX_WAIT_SPREAD,
            },
        );
    }
}

/// Checks and stores a new event; every broken rule is reported at once.
pub async fn create_event(store: &dyn Store, new: NewEvent) -> Result<(Event, EventSpec), SetupError> {
    let mut errors = Invalid::default();
    check_reminder_minutes(new.reminder_minutes, &mut errors);
    check_max_wait_spread(new.max_wait_spread, &mut errors);
    let spec = match EventSpec::new(&new.name, &new.timezone, new.slot_minutes, new.days) {
        Ok(spec) => errors.into_result(spec)?,
        Err(more) => {
            errors.0.extend(more.0);
            return Err(errors.into());
        }
    };
    let event = Event {
        id: new_id("evt"),
        name: spec.name.clone(),
        timezone: spec.timezone.name().to_string(),
        slot_minutes: spec.slot_minutes,
        days: spec.days.clone(),
        timetable_version: None,
        meetings_revision: 0,
        request_expiry_hours: crate::domain::request::DEFAULT_EXPIRY_HOURS,
        created_at: Utc::now(),
        reminder_minutes: new.reminder_minutes,
        max_wait_spread: new.max_wait_spread,
    };
    store.create_event(&event).await?;
    tracing::info!(event = event.id, slots = spec.slots().len(), "event created");
    Ok((event, spec))
}
