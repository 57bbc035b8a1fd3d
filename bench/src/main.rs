//! `rendezvous-bench`: the benchmarks of rendezvous, kept out of the product binary.
//! `cargo bench-expo <subcommand>` (an alias in `.cargo/config.toml`) builds and runs it.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod agenda;
mod board;
mod booking;
mod child;
mod greedy;
mod late;
mod load;
mod mail;
mod offered;
mod open_loop;
mod pages;
mod progress;
mod published;
mod recommendations;
mod references;
mod report;
mod solve;

#[derive(Parser)]
#[command(
    name = "rendezvous-bench",
    about = "Benchmarks of rendezvous: the solver on the benchmark instances, agenda reads, recommendations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve the benchmark instances with `rendezvous solve` in child processes and write BENCHMARKS.md.
    Solve(solve::Args),
    /// Agenda reads under load (wrk): one node on SQLite, two on PostgreSQL + Redis, and a bare ceiling.
    Agenda(agenda::Args),
    /// Open-loop load at 1×, 2×, 4× the rate one node sustains: agenda reads, meeting requests, accepts.
    Load(open_loop::Args),
    /// What bookings cost on a published expo: the live timetable's rebuild, booking latency, fifty accepts at once.
    Booking(booking::Args),
    /// Time the recommendations endpoint's core (index refresh, exclusions, suggest) on a generated expo.
    Recommendations(recommendations::Args),
    /// Queue and send the published-timetable messages of a generated expo to a local SMTP server.
    Mail(mail::Args),
    /// Server time of the participant web pages (home, agenda, requests, ...) on a published expo.
    Pages(pages::Args),
    /// Server time of the organiser's timetable board, every window of the draft and the live timetable.
    Board(board::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Solve(args) => solve::run(args),
        Command::Agenda(args) => agenda::run(args),
        Command::Booking(args) => booking::run(args),
        Command::Load(args) => open_loop::run(args),
        Command::Recommendations(args) => recommendations::run(args),
        Command::Mail(args) => mail::run(args),
        Command::Pages(args) => pages::run(args),
        Command::Board(args) => board::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            rendezvous::cli::exit_code_for(&err)
        }
    }
}
