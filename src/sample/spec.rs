//! How big a sample to generate: the sizes, the named presets, and the limits.

use serde::{Deserialize, Serialize};

/// How big a sample to generate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleSpec {
    /// Number of participants (delegations, companies, researchers, institutions).
    pub participants: usize,
    /// Number of accepted meeting requests, i.e. meetings in the problem. A few more
    /// requests are generated that are pending, declined or withdrawn.
    pub meetings: usize,
    /// Number of two- and four-seat tables; a few equipped rooms come on top
    /// (see [`equipped_room_count`]).
    pub tables: usize,
    /// Same seed, same sample.
    pub seed: u64,
}

/// Named sizes: `demo` (what `rendezvous demo` loads), the public instances' sizes
/// (`tiny`, `s`, `m`, `l`) and the whole expo (`xl`).
pub const PRESETS: &[(&str, SampleSpec)] = &[
    ("demo", SampleSpec::new(300, 1_200, 60, 2027)),
    ("tiny", SampleSpec::new(40, 100, 8, 1)),
    ("s", SampleSpec::new(300, 1_200, 60, 11)),
    ("m", SampleSpec::new(1_500, 6_000, 250, 12)),
    ("l", SampleSpec::new(5_000, 20_000, 700, 13)),
    ("xl", SampleSpec::new(20_000, 80_000, 2_500, 14)),
];

impl SampleSpec {
    pub const fn new(participants: usize, meetings: usize, tables: usize, seed: u64) -> Self {
        Self {
            participants,
            meetings,
            tables,
            seed,
        }
    }

    /// The preset of that name (see [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Self> {
        PRESETS.iter().find(|(n, _)| *n == name).map(|(_, spec)| *spec)
    }

    /// The demo sample: about 300 participants.
    pub fn demo() -> Self {
        PRESETS[0].1
    }

    /// Rejects sizes no expo can have, naming the field.
    pub fn validate(&self) -> Result<(), SpecError> {
        const MAX_PARTICIPANTS: usize = 1_000_000;
        const MAX_MEETINGS: usize = 10_000_000;
        const MAX_TABLES: usize = 100_000;
        if self.participants < 2 {
            return Err(SpecError::new(
                "participants",
                "must be at least 2 (a meeting needs two)",
            ));
        }
        if self.participants > MAX_PARTICIPANTS {
            return Err(SpecError::new(
                "participants",
                format!("must be at most {MAX_PARTICIPANTS}"),
            ));
        }
        if self.meetings > MAX_MEETINGS {
            return Err(SpecError::new(
                "meetings",
                format!("must be at most {MAX_MEETINGS}"),
            ));
        }
        if self.tables == 0 {
            return Err(SpecError::new("tables", "must be at least 1"));
        }
        if self.tables > MAX_TABLES {
            return Err(SpecError::new("tables", format!("must be at most {MAX_TABLES}")));
        }
        Ok(())
    }
}

/// A sample size that cannot be generated; `field` names the offending [`SampleSpec`] field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecError {
    pub field: &'static str,
    pub message: String,
}

impl SpecError {
    pub(super) fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use rendezvous_solver::Problem;
    use rendezvous_solver::ProblemDoc;

    use super::*;
    use crate::sample::{Expo, equipped_room_count};

    fn doc(spec: SampleSpec) -> ProblemDoc {
        Expo::generate(&spec).unwrap().to_problem_doc().unwrap()
    }

    #[test]
    fn presets_parse_and_honour_their_sizes() {
        for name in ["tiny", "demo", "s"] {
            let spec = SampleSpec::preset(name).unwrap();
            let doc = doc(spec);
            assert_eq!(doc.participants.len(), spec.participants, "{name}");
            assert_eq!(doc.meetings.len(), spec.meetings, "{name}");
            assert_eq!(
                doc.rooms.len(),
                spec.tables + equipped_room_count(spec.tables),
                "{name}"
            );
            let tables = doc.rooms.iter().filter(|r| r.id.starts_with('T')).count();
            assert_eq!(tables, spec.tables, "{name}");
            let problem = Problem::try_from(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(problem.slots.len(), 35);
        }
    }

    #[test]
    fn bad_sizes_name_the_field() {
        let err = Expo::generate(&SampleSpec::new(1, 10, 5, 0)).unwrap_err();
        assert_eq!(err.field, "participants");
        let err = Expo::generate(&SampleSpec::new(10, 10, 0, 0)).unwrap_err();
        assert_eq!(err.field, "tables");
        // No meetings at all is a valid, if quiet, expo.
        let expo = Expo::generate(&SampleSpec::new(2, 0, 1, 0)).unwrap();
        assert!(Problem::try_from(expo.to_problem_doc().unwrap()).is_ok());
    }
}
