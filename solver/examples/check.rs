//! Checks a solution file with the independent checker:
//! `cargo run -p rendezvous-solver --example check -- PROBLEM.json SOLUTION.json`

use rendezvous_solver::{Problem, check, parse_solution};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [problem, solution] = args.as_slice() else {
        return Err("usage: check PROBLEM.json SOLUTION.json".into());
    };
    let problem = Problem::from_json(&std::fs::read_to_string(problem)?)?;
    let solution = parse_solution(&std::fs::read_to_string(solution)?)?;
    let report = check(&problem, &solution);
    for violation in &report.violations {
        println!("{violation}");
    }
    println!(
        "valid {} objective {} placed {} idle {} gaps {} moved {}",
        report.is_valid(),
        report.objective,
        report.breakdown.placed,
        report.breakdown.idle_slots,
        report.breakdown.gaps,
        report.breakdown.moved
    );
    Ok(())
}
