//! The expo's own types and rules: event days cut into slots in the event's timezone,
//! participant kinds, the meeting-request state machine, a meeting's life and the rules of
//! booking it at a slot. Input is parsed into these types
//! once, at the edge (`TryFrom<Dto>` in `http`), so the rest of the code can trust them.

pub mod booking;
pub mod clock;
pub mod contact;
pub mod event;
pub mod ids;
pub mod matchmaking;
pub mod meeting;
pub mod notice;
pub mod participant;
pub mod registrations_csv;
pub mod request;
mod rule;
pub mod text;
pub mod timetable_diff;

pub use clock::Clock;
pub use contact::{Language, NotificationSettings};
pub use event::{DaySpec, EventSpec, SlotTime};
pub use meeting::{MeetingState, Outcome};
pub use participant::ParticipantKind;
pub use request::{RequestStatus, Response};
pub use rule::Rule;
pub use text::{optional_text, paragraph, text};

/// One thing wrong with the input: where (a JSON pointer, RFC 6901) and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// JSON pointer to the offending value, as in `/days/0/date`.
    pub pointer: String,
    /// What is wrong with it, in English.
    pub detail: String,
    /// The rule broken, as a stable code (`too-long`, `whole-slots`, …; `invalid` for a
    /// rule said in `detail` only).
    #[serde(rename = "code", serialize_with = "rule_code")]
    #[schema(value_type = String, example = "too-long")]
    pub rule: Rule,
}

fn rule_code<S: serde::Serializer>(rule: &Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.code())
}

impl FieldError {
    /// A broken rule at `pointer`.
    pub fn new(pointer: impl Into<String>, rule: Rule) -> Self {
        Self {
            pointer: pointer.into(),
            detail: rule.to_string(),
            rule,
        }
    }
}

/// Input that breaks one or more rules; every broken rule is listed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    /// A single broken rule, said in English only.
    pub fn one(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::rule(pointer, Rule::Other(detail.into()))
    }

    /// A single broken rule.
    pub fn rule(pointer: impl Into<String>, rule: Rule) -> Self {
        Self(vec![FieldError::new(pointer, rule)])
    }

    /// Records a broken rule said in English only (organiser input).
    pub fn push(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        self.broke(pointer, Rule::Other(detail.into()));
    }

    /// Records a broken rule.
    pub fn broke(&mut self, pointer: impl Into<String>, rule: Rule) {
        self.0.push(FieldError::new(pointer, rule));
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn into_result<T>(self, value: T) -> Result<T, Invalid> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
}

/// Checks a list of short labels (features, topics, languages): non-empty, bounded, one
/// line each, no duplicates. Returns them trimmed.
pub fn labels(items: &[String], pointer: &str, errors: &mut Invalid) -> Vec<String> {
    const MAX_ITEMS: usize = 50;
    const MAX_LEN: usize = 200;
    // Before any per-item work: a huge list costs nothing but this answer.
    if items.len() > MAX_ITEMS {
        errors.broke(pointer, Rule::TooManyItems { max: MAX_ITEMS });
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item = item.trim();
        if item.is_empty() {
            errors.broke(format!("{pointer}/{i}"), Rule::Required);
        } else if item.chars().count() > MAX_LEN {
            errors.broke(format!("{pointer}/{i}"), Rule::TooLong { max: MAX_LEN });
        } else if let Some(c) = text::control_in_line(item) {
            errors.broke(format!("{pointer}/{i}"), text::control_rule(c));
        } else if !seen.insert(item) {
            errors.broke(
                format!("{pointer}/{i}"),
                Rule::Duplicate {
                    value: item.to_string(),
                },
            );
        } else {
            out.push(item.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_list_is_one_error_and_no_per_item_work() {
        let items: Vec<String> = (0..250_000).map(|i| format!("t{i}")).collect();
        let mut errors = Invalid::default();
        assert!(labels(&items, "/topics", &mut errors).is_empty());
        assert_eq!(errors, Invalid::rule("/topics", Rule::TooManyItems { max: 50 }));
        assert_eq!(errors.0[0].detail, "at most 50 items");
    }

    #[test]
    fn duplicates_are_named_once_trimmed() {
        let items = ["mobility", " water ", "mobility", "water", ""].map(String::from);
        let mut errors = Invalid::default();
        assert_eq!(labels(&items, "/topics", &mut errors), ["mobility", "water"]);
        let pointers: Vec<&str> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/topics/2", "/topics/3", "/topics/4"]);
    }
}
