//! One module per subcommand; each has `Args` (clap) and `run`.

use std::process::ExitCode;

pub mod check;
pub mod demo;
pub mod generate;
pub mod import_dzn;
pub mod late_changes;
pub mod serve;
pub mod solve;
pub mod worker;

/// Bad input from the user (a malformed file, an unknown id): exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Exit status 2 for bad input, 1 for anything else.
pub fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    if err.chain().any(|e| e.is::<BadInput>()) {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    }
}
