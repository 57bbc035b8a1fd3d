//! Matchmaking for B2B expos: who should meet whom.
//!
//! Profiles go into an incremental [`Index`]; [`Index::suggest`] returns ranked
//! [`Suggestion`]s with human-readable reasons. Scoring is BM25 over French and English text
//! (accent folding, stop words, Snowball stemming, a bilingual concept table) matching one
//! side's `seeks` to the other's `offers` — complementarity weighs most — plus shared topics,
//! language compatibility, organiser boosts and a diversity re-ranking.
//!
//! Pure library: no I/O, no async, no database. The caller computes exclusions (already
//! requested or declined, full quota, no common free slot: see [`availability`]).
//!
//! ```
//! use rendezvous_matchmaking::{Boost, BoostTarget, Index, Profile, SuggestQuery};
//!
//! let mut index = Index::new();
//! index.upsert(Profile {
//!     id: "casablanca".into(),
//!     name: "Casablanca".into(),
//!     languages: vec!["fr".into(), "en".into()],
//!     seeks: vec!["flood sensors".into()],
//!     ..Profile::default()
//! })?;
//! index.upsert(Profile {
//!     id: "hydro".into(),
//!     name: "HydroSense".into(),
//!     languages: vec!["fr".into()],
//!     offers: vec!["capteurs d'inondation".into()],
//!     groups: vec!["asean".into()],
//!     ..Profile::default()
//! })?;
//!
//! let mut query = SuggestQuery::new(20);
//! query.boosts.push(Boost { target: BoostTarget::Group("ASEAN".into()), factor: 1.5 });
//! let suggestions = index.suggest("casablanca", &query)?;
//! assert_eq!(suggestions[0].id, "hydro");
//! assert_eq!(suggestions[0].reasons[0].to_string(), "you seek flood sensors; HydroSense offers capteurs d'inondation");
//! # Ok::<(), rendezvous_matchmaking::MatchError>(())
//! ```
//!
//! The index is `Send + Sync` and `suggest` takes `&self`: a service keeps one per event
//! behind a `RwLock`, calls `upsert` when a profile changes and `remove` when a participant
//! leaves.

pub mod availability;
pub mod concepts;
pub mod eval;
mod index;
mod model;
pub mod proposals;
mod text;

pub use index::Index;
pub use model::{
    Boost, BoostTarget, MAX_LIMIT, MAX_LIST_ENTRIES, MAX_TEXT_CHARS, MatchError, Profile, Reason,
    SuggestQuery, Suggestion,
};
pub use proposals::{Proposal, ProposalSettings, QuietParticipant, auto_proposals};
pub use text::{fold, index_terms};
