//! Organiser boosts: which participants matchmaking promotes (or demotes), and by how much.

use rendezvous_matchmaking as engine;

use super::ParticipantKind;

/// Largest boost factor; anything above would bury every other signal.
pub const MAX_FACTOR: f64 = 10.0;
/// Most boosts an event may have.
pub const MAX_BOOSTS: usize = 100;

/// Who a boost applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum BoostTarget {
    Kind(ParticipantKind),
    /// A city, matched without regard to case or accents.
    City(String),
    /// An ISO 3166-1 alpha-2 code.
    Country(String),
    /// One participant, by id.
    Participant(String),
}

/// A validated organiser boost: `factor` is finite, positive and at most [`MAX_FACTOR`].
#[derive(Debug, Clone, PartialEq)]
pub struct BoostRule {
    pub target: BoostTarget,
    pub factor: f64,
}

impl BoostTarget {
    /// The stored and wire name of the target's kind.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Kind(_) => "kind",
            Self::City(_) => "city",
            Self::Country(_) => "country",
            Self::Participant(_) => "participant",
        }
    }

    /// The stored and wire value.
    pub fn value(&self) -> &str {
        match self {
            Self::Kind(kind) => kind.as_str(),
            Self::City(v) | Self::Country(v) | Self::Participant(v) => v,
        }
    }

    /// Rebuilds a target from its stored name and value; `None` when they do not make one.
    pub fn parse(name: &str, value: &str) -> Option<Self> {
        Some(match name {
            "kind" => Self::Kind(ParticipantKind::parse(value)?),
            "city" => Self::City(value.to_string()),
            "country" => Self::Country(value.to_string()),
            "participant" => Self::Participant(value.to_string()),
            _ => return None,
        })
    }
}

impl From<&BoostRule> for engine::Boost {
    fn from(rule: &BoostRule) -> Self {
        let target = match &rule.target {
            BoostTarget::Kind(kind) => engine::BoostTarget::Kind(kind.as_str().to_string()),
            BoostTarget::City(city) => engine::BoostTarget::City(city.clone()),
            BoostTarget::Country(country) => engine::BoostTarget::Country(country.clone()),
            BoostTarget::Participant(id) => engine::BoostTarget::Participant(id.clone()),
        };
        engine::Boost {
            target,
            factor: rule.factor,
        }
    }
}
