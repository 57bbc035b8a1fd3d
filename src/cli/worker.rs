//! `rendezvous worker`: a solver worker taking jobs from the Redis queue.
//!
//! The queue, leases and keep-alive exist in `crate::cluster`; the worker loop that ties
//! them to the store is the next step of the scale-out work. Until then `rendezvous serve`
//! runs every solve in-process.

use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "`rendezvous worker` is not available yet: the Redis solve queue is not wired into the \
         service, so `rendezvous serve` runs solves in-process"
    )
}
