//! How a participant is reached: a private e-mail address, the language its messages are
//! written in, and which kinds of notice it wants. None of it is ever in the directory.

use serde::{Deserialize, Serialize};

use super::{Invalid, Rule};

/// A language the service writes messages and pages in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// French, the expo's language.
    #[default]
    Fr,
    En,
    /// Arabic, written right to left.
    Ar,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Fr, Language::En, Language::Ar];

    /// The stored and wire code (ISO 639-1).
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
            Language::Ar => "ar",
        }
    }

    /// Parses the stored and wire code.
    pub fn parse(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Parses a code given by a client, naming the field when it is not one of ours.
    pub fn parse_field(code: &str, pointer: &str, errors: &mut Invalid) -> Language {
        Language::parse(code.trim()).unwrap_or_else(|| {
            errors.broke(pointer, Rule::LanguageCode);
            Language::default()
        })
    }
}

/// Which optional notices a participant gets. Invitations and changes to its own meetings
/// (booked, moved, cancelled, a published agenda) always go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// A reminder before each meeting.
    #[serde(default = "yes")]
    pub reminders: bool,
    /// A new request for the participant, and the answer to its own requests.
    #[serde(default = "yes")]
    pub requests: bool,
}

fn yes() -> bool {
    true
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            reminders: true,
            requests: true,
        }
    }
}

/// Longest address (RFC 5321: 254 characters in a path, 64 in the local part).
const MAX_EMAIL: usize = 254;
const MAX_LOCAL: usize = 64;

/// A checked e-mail address: trimmed, `local@domain` with a dotted domain, no spaces,
/// control characters or characters that would break a mail header. The domain is
/// lower-cased; the local part is kept as given.
pub fn email(value: &str, pointer: &str, errors: &mut Invalid) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > MAX_EMAIL {
        errors.broke(pointer, Rule::TooLong { max: MAX_EMAIL });
        return None;
    }
    match value.rsplit_once('@') {
        Some((local, domain)) if is_local_part(local) && is_domain(domain) => {
            Some(format!("{local}@{}", domain.to_ascii_lowercase()))
        }
        _ => {
            errors.broke(pointer, Rule::EmailAddress);
            None
        }
    }
}

/// The part before `@`: 1 to 64 characters, none of them spaces, controls or characters that
/// would need quoting in a mail header, dots only between others.
fn is_local_part(local: &str) -> bool {
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
    !local.is_empty()
        && local.chars().count() <= MAX_LOCAL
        && !local.chars().any(forbidden)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// The part after `@`: at least two dot-separated labels of letters, digits and inner hyphens.
fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str) -> Result<Option<String>, Invalid> {
        let mut errors = Invalid::default();
        let parsed = email(value, "/email", &mut errors);
        errors.into_result(parsed)
    }

    #[test]
    fn addresses_are_trimmed_and_their_domain_lower_cased() {
        assert_eq!(
            check("  Somchai.P@BMA.go.th ").unwrap().as_deref(),
            Some("Somchai.P@bma.go.th")
        );
        assert_eq!(check("").unwrap(), None);
        assert_eq!(
            check("amina@ville-casablanca.ma").unwrap().as_deref(),
            Some("amina@ville-casablanca.ma")
        );
    }

    #[test]
    fn broken_addresses_name_the_field() {
        for bad in [
            "no-at-sign",
            "@example.org",
            "a@localhost",
            "a b@example.org",
            "a@exa mple.org",
            "a@-x.org",
            "a..b@example.org",
            "a@example..org",
            "evil\r\nBcc: x@y.org@example.org",
            "<a@example.org>",
            "a,b@example.org",
        ] {
            let errors = check(bad).expect_err(bad);
            assert_eq!(errors.0[0].pointer, "/email", "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(65));
        assert!(check(&long).is_err());
    }

    #[test]
    fn languages_are_the_three_codes() {
        let mut errors = Invalid::default();
        assert_eq!(
            Language::parse_field("ar", "/language", &mut errors),
            Language::Ar
        );
        assert_eq!(
            Language::parse_field("de", "/language", &mut errors),
            Language::Fr
        );
        assert_eq!(errors, Invalid::rule("/language", Rule::LanguageCode));
    }
}
