//! Solve runs. A run is a row (queued → running → done | failed) with its progress; the
//! work happens on a blocking thread through the `solver` crate. Runs are handed to a
//! [`SolveQueue`]: in-process for now, so that a Redis queue with separate workers can
//! take its place without touching the handlers.

mod problem;
mod runner;

pub use problem::{PENALTIES, problem_doc};
pub use runner::{InProcessQueue, SolveQueue, execute};
