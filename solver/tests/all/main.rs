//! The solver's integration tests, in one binary (one link instead of one per file):
//! the spec's examples, properties on random small problems against brute force, and
//! the public instances that fit a test run.

mod common;
mod properties;
mod solve;
mod spec_examples;
mod warm;
