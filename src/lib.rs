//! The rendezvous service: HTTP API, storage, solve runs and command-line tools.

pub mod cli;
pub mod cluster;
