//! `rendezvous`: the one binary — the HTTP service, solver workers and the command-line tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use rendezvous::cli;

#[derive(Parser)]
#[command(
    name = "rendezvous",
    version,
    about = "B2B matchmaking and meeting scheduler for trade expos"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (and, without Redis, run solves in-process).
    Serve(cli::serve::Args),
    /// Take solve jobs from the Redis queue.
    Worker(cli::worker::Args),
    /// A fresh SQLite event with a generated Smart City Expo sample, solved and published, then served.
    Demo(cli::demo::Args),
    /// Solve a rendezvous-problem/1 file; the solution goes to stdout (or --output), progress to stderr.
    Solve(cli::solve::Args),
    /// Check a solution against a problem: every broken rule and the recomputed objective.
    Check(cli::check::Args),
    /// Write a synthetic Smart City Expo problem of any size.
    Generate(cli::generate::Args),
    /// Read a forum of the published B2B benchmark (MiniZinc .dzn) into a rendezvous-problem/1 file.
    ImportDzn(cli::import_dzn::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cli::serve::run(args),
        Command::Worker(args) => cli::worker::run(args),
        Command::Demo(args) => cli::demo::run(args),
        Command::Solve(args) => cli::solve::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Generate(args) => cli::generate::run(args),
        Command::ImportDzn(args) => cli::import_dzn::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            cli::exit_code_for(&err)
        }
    }
}
