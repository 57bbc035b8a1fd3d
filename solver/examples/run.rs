//! Solves one problem file and prints the numbers for a benchmark table:
//! `cargo run -p rendezvous-solver --release --example run -- PROBLEM.json [SECONDS] [SEED] [SOLUTION_OUT.json]`

use std::time::Duration;

use rendezvous_solver::{Problem, SolveOptions, solve};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .ok_or("usage: run PROBLEM.json [SECONDS] [SEED] [OUT.json]")?;
    let seconds: f64 = args.get(1).map_or(Ok(30.0), |s| s.parse())?;
    let seed: u64 = args.get(2).map_or(Ok(0), |s| s.parse())?;
    let problem = Problem::from_json(&std::fs::read_to_string(path)?)?;
    let options = SolveOptions {
        time_limit: Duration::from_secs_f64(seconds),
        seed,
        ..SolveOptions::default()
    };
    let solution = solve(&problem, &options, &mut |p| {
        eprintln!(
            "{:>7.2}s {:<12} incumbent {:>9} bound {:>9}",
            p.elapsed.as_secs_f64(),
            p.phase,
            p.incumbent,
            p.bound.map_or("-".to_string(), |b| b.to_string())
        );
    });
    println!("{}", serde_json::to_string(&solution.stats)?);
    println!(
        "{path}: status {:?} objective {} bound {:?} placed {}/{}",
        solution.status,
        solution.objective,
        solution.bound,
        solution.schedule.placed(),
        problem.meetings.len()
    );
    if let Some(out) = args.get(3) {
        std::fs::write(out, serde_json::to_string_pretty(&solution.to_doc(&problem))?)?;
    }
    Ok(())
}
