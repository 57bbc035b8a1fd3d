//! Meeting scheduling for B2B expos.
//!
//! Parse a `rendezvous-problem/1` document into a [`Problem`], [`solve`] it, and verify
//! any schedule with the independent [`check`]er.

mod bound;
mod check;
mod construct;
pub mod format;
mod improve;
mod lp;
mod milp;
mod model;
mod patterns;
mod pins;
mod problem;
mod rooms;
mod solution;
mod solve;
mod state;
mod waits;

pub use check::{Breakdown, CheckReport, Violation, check, evaluate, parse_solution};
pub use format::{ProblemDoc, SolutionDoc, Status};
pub use pins::pin_conflicts;
pub use problem::{
    InputError, Meeting, MeetingIx, Participant, ParticipantIx, Penalties, Pin, Placement, Problem, Room,
    RoomIx, Session, Slot, SlotIx,
};
pub use solution::{Schedule, Solution, Stats, Unplaced};
pub use solve::{Phase, Progress, SolveOptions, solve};
