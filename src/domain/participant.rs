//! Who takes part in meetings.

use serde::{Deserialize, Serialize};

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
