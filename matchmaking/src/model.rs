//! What the caller hands in (profiles, queries) and gets back (suggestions), and the errors.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Longest accepted free-text entry (an offer, a seek, a topic), in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Most entries accepted in one list field of a profile.
pub const MAX_LIST_ENTRIES: usize = 100;
/// Most suggestions one call may ask for.
pub const MAX_LIMIT: usize = 500;

/// A participant's public profile: what matchmaking reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// The participant's id (as the service stores it).
    pub id: String,
    /// Display name used in reasons ("HydroSense offers ...").
    pub name: String,
    /// `delegation`, `company`, `researcher` or `institution`.
    pub kind: String,
    /// Organisation; two suggestions from one organisation are kept apart by diversity.
    pub organization: String,
    /// City, matched by city boosts.
    pub city: String,
    /// Country code, matched by country boosts.
    pub country: String,
    /// Spoken languages: ISO 639-1 codes (`en`, `fr`, `en-GB`) or English names.
    pub languages: Vec<String>,
    /// Topics the participant works on (`mobility`, `flood resilience`).
    pub topics: Vec<String>,
    /// What it offers, free text in French or English, one entry per item.
    pub offers: Vec<String>,
    /// What it seeks, free text in French or English, one entry per item.
    pub seeks: Vec<String>,
    /// Sector, for diversity: a ranking should not be ten companies of one sector.
    pub sector: Option<String>,
    /// Organiser-given groups (`asean`, `guest-of-honour`), matched by group boosts.
    pub groups: Vec<String>,
}

/// Which participants an organiser boost applies to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum BoostTarget {
    /// Participants carrying this group in [`Profile::groups`].
    Group(String),
    /// Participants from this city.
    City(String),
    /// Participants from this country.
    Country(String),
    /// Participants of this kind (`delegation`, `company`, ...), as in [`Profile::kind`].
    Kind(String),
    /// One participant, by [`Profile::id`].
    Participant(String),
}

/// An organiser boost: multiply the score of matching participants by `factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boost {
    /// Who is boosted.
    pub target: BoostTarget,
    /// Score multiplier; above 1 promotes, below 1 demotes. Must be positive and finite.
    pub factor: f64,
}

/// One suggestion call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestQuery {
    /// How many suggestions at most (1 ..= [`MAX_LIMIT`]).
    pub limit: usize,
    /// Participants never to suggest: the caller computes them (already requested or
    /// declined, quota taken by accepted meetings, no common free slot). The caller itself is
    /// always excluded.
    #[serde(default)]
    pub exclude: HashSet<String>,
    /// Organiser boosts, applied in order (factors multiply).
    #[serde(default)]
    pub boosts: Vec<Boost>,
}

impl SuggestQuery {
    /// A query for `limit` suggestions with no exclusions and no boosts.
    pub fn new(limit: usize) -> SuggestQuery {
        SuggestQuery {
            limit,
            exclude: HashSet::new(),
            boosts: Vec::new(),
        }
    }
}

/// A suggested participant, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The suggested participant's id.
    pub id: String,
    /// Ranking score (higher is better; comparable within one call only).
    pub score: f64,
    /// Why, quoting the matched text as the participants wrote it: structured, so that each
    /// client says it in its reader's language (`Display` is the English sentence).
    pub reasons: Vec<Reason>,
}

/// One reason for a suggestion. Quoted text is as the participants wrote it (cut at a word
/// when long); languages are ISO 639-1 codes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// The caller seeks `seek`; `name` offers `offer`.
    TheyOffer {
        name: String,
        seek: String,
        offer: String,
    },
    /// `name` seeks `seek`; the caller offers `offer`.
    TheySeek {
        name: String,
        seek: String,
        offer: String,
    },
    /// Topics both work on, as the caller wrote them.
    SharedTopics { topics: Vec<String> },
    /// Languages both speak.
    SharedLanguages { languages: Vec<String> },
    /// No language in common: an interpreter may be needed.
    NoCommonLanguage,
    /// An organiser boost applies; `target` is `None` for a boost of this one participant.
    Highlighted { target: Option<BoostTarget> },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::TheyOffer { name, seek, offer } => write!(f, "you seek {seek}; {name} offers {offer}"),
            Reason::TheySeek { name, seek, offer } => write!(f, "{name} seeks {seek}; you offer {offer}"),
            Reason::SharedTopics { topics } => write!(f, "both work on {}", join_words(topics)),
            Reason::SharedLanguages { languages } => {
                let names: Vec<String> = languages
                    .iter()
                    .map(|code| crate::index::language_name(code).to_string())
                    .collect();
                write!(f, "you share {}", join_words(&names))
            }
            Reason::NoCommonLanguage => write!(f, "no language in common: an interpreter may be needed"),
            Reason::Highlighted { target } => {
                let what = match target {
                    Some(BoostTarget::Group(g)) => format!(": group {g}"),
                    Some(BoostTarget::City(c)) => format!(": {c}"),
                    Some(BoostTarget::Country(c)) => format!(": country {c}"),
                    Some(BoostTarget::Kind(k)) => format!(": every {k}"),
                    Some(BoostTarget::Participant(_)) | None => String::new(),
                };
                write!(f, "highlighted by the organisers{what}")
            }
        }
    }
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Bad input to matchmaking; `field` names what is wrong, as a path into the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    /// A field of a profile or a query is invalid.
    #[error("{field}: {message}")]
    Invalid {
        /// Path of the offending field, e.g. `offers[2]` or `boosts[0].factor`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The participant asked about is not in the index.
    #[error("unknown participant {0:?}")]
    UnknownParticipant(String),
}

impl MatchError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> MatchError {
        MatchError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl Profile {
    /// Checks sizes and required fields; errors name the field.
    pub fn validate(&self) -> Result<(), MatchError> {
        if self.id.trim().is_empty() {
            return Err(MatchError::invalid("id", "must not be empty"));
        }
        let lists = [
            ("languages", &self.languages),
            ("topics", &self.topics),
            ("offers", &self.offers),
            ("seeks", &self.seeks),
            ("groups", &self.groups),
        ];
        for (name, list) in lists {
            if list.len() > MAX_LIST_ENTRIES {
                return Err(MatchError::invalid(
                    name,
                    format!("at most {MAX_LIST_ENTRIES} entries"),
                ));
            }
            for (i, entry) in list.iter().enumerate() {
                if entry.chars().count() > MAX_TEXT_CHARS {
                    return Err(MatchError::invalid(
                        format!("{name}[{i}]"),
                        format!("longer than {MAX_TEXT_CHARS} characters"),
                    ));
                }
            }
        }
        let singles = [
            ("name", &self.name),
            ("organization", &self.organization),
            ("city", &self.city),
        ];
        for (name, value) in singles {
            if value.chars().count() > MAX_TEXT_CHARS {
                return Err(MatchError::invalid(
                    name,
                    format!("longer than {MAX_TEXT_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }

    /// The name reasons use for this participant.
    pub fn display_name(&self) -> &str {
        [&self.name, &self.organization]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .unwrap_or(&self.id)
    }
}

impl SuggestQuery {
    /// Checks the limit and the boost factors; errors name the field.
    pub fn validate(&self) -> Result<(), MatchError> {
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(MatchError::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        for (i, boost) in self.boosts.iter().enumerate() {
            if !(boost.factor.is_finite() && boost.factor > 0.0) {
                return Err(MatchError::invalid(
                    format!("boosts[{i}].factor"),
                    "must be a positive finite number",
                ));
            }
        }
        Ok(())
    }
}
