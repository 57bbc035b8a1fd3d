//! Meeting scheduling for B2B expos.
//!
//! Parse a `rendezvous-problem/1` document into a [`Problem`], [`solve`] it, and verify
//! any schedule with the independent [`check`]er.
//!
//! Feature `solve` (default) is the solver over HiGHS; without it the crate only parses,
//! validates and checks, and builds no C++ (the fuzz targets in `fuzz/` use that).

// Without `solve`, part of the search state that pins share with the solver goes unused.
#![cfg_attr(not(feature = "solve"), allow(dead_code))]

pub mod b2b;
#[cfg(feature = "solve")]
mod bound;
mod check;
mod construct;
pub mod format;
#[cfg(feature = "solve")]
mod improve;
#[cfg(feature = "solve")]
mod lp;
#[cfg(feature = "solve")]
mod milp;
mod model;
#[cfg(feature = "solve")]
mod patterns;
mod pins;
mod problem;
#[cfg(feature = "solve")]
mod rooms;
#[cfg(feature = "solve")]
mod sat;
mod solution;
#[cfg(feature = "solve")]
mod solve;
mod state;
#[cfg(feature = "solve")]
mod waits;
#[cfg(feature = "solve")]
mod warm;

pub use check::{Breakdown, CheckReport, Violation, check, evaluate, parse_solution};
pub use format::{ProblemDoc, SolutionDoc, Status};
pub use pins::pin_conflicts;
pub use problem::{
    InputError, Meeting, MeetingIx, Participant, ParticipantIx, Penalties, Pin, Placement, Problem, Room,
    RoomIx, Session, Slot, SlotIx,
};
pub use solution::{Schedule, Solution, Stats, Unplaced};
#[cfg(feature = "solve")]
pub use solve::{Phase, Progress, SolveOptions, solve};
