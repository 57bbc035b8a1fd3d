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

pub mod availability;
pub mod concepts;
pub mod eval;
mod index;
mod model;
pub mod proposals;
mod text;

pub use index::Index;
pub use model::{
    Boost, BoostTarget, MAX_LIMIT, MAX_LIST_ENTRIES, MAX_TEXT_CHARS, MatchError, Profile, SuggestQuery,
    Suggestion,
};
pub use proposals::{Proposal, ProposalSettings, QuietParticipant, auto_proposals};
pub use text::{fold, index_terms};
