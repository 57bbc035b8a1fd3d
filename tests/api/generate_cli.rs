//! `rendezvous generate` as a user runs it.

use std::path::Path;
use std::process::Command;

use rendezvous_solver::Problem;

fn generate(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rendezvous"))
        .arg("generate")
        .args(extra)
        .arg("--output")
        .arg(out)
        .output()
        .expect("run rendezvous generate")
}

#[test]
fn generate_writes_a_valid_problem_and_the_same_one_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--participants",
        "50",
        "--meetings",
        "120",
        "--tables",
        "12",
        "--seed",
        "7",
    ];
    let (first, second) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for path in [&first, &second] {
        let out = generate(path, &flags);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = std::fs::read_to_string(&first).unwrap();
    let problem = Problem::from_json(&text).unwrap();
    assert_eq!(problem.participants.len(), 50);
    assert_eq!(problem.meetings.len(), 120);
    assert_eq!(problem.rooms.iter().filter(|r| r.id.starts_with('T')).count(), 12);
    assert_eq!(problem.slots.len(), 35);
    assert_eq!(text, std::fs::read_to_string(&second).unwrap());

    let other = dir.path().join("c.json");
    let out = generate(
        &other,
        &[
            "--participants",
            "50",
            "--meetings",
            "120",
            "--tables",
            "12",
            "--seed",
            "8",
        ],
    );
    assert!(out.status.success());
    assert_ne!(text, std::fs::read_to_string(&other).unwrap());
}

#[test]
fn generate_rejects_bad_sizes_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = generate(
        &dir.path().join("x.json"),
        &["--participants", "1", "--meetings", "5", "--tables", "2"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--participants"), "{stderr}");

    let out = generate(&dir.path().join("y.json"), &["--preset", "galactic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--preset"));
}

#[test]
fn generate_late_changes_writes_a_batch_from_a_solved_problem() {
    let dir = tempfile::tempdir().unwrap();
    let problem = dir.path().join("p.json");
    let solution = dir.path().join("s.json");
    assert!(generate(&problem, &["--preset", "tiny"]).status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_rendezvous"))
        .args(["solve", "--quiet", "--time-limit", "1"])
        .arg(&problem)
        .arg("--output")
        .arg(&solution)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let late = |out: &Path, extra: &[&str]| {
        let mut flags = vec!["--late-changes", "--from"];
        flags.push(problem.to_str().unwrap());
        flags.extend(["--solution", solution.to_str().unwrap()]);
        flags.extend(extra);
        generate(out, &flags)
    };
    let (first, second) = (dir.path().join("late-a.json"), dir.path().join("late-b.json"));
    for path in [&first, &second] {
        let out = late(path, &["--seed", "3", "--share", "5"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = std::fs::read_to_string(&first).unwrap();
    assert_eq!(text, std::fs::read_to_string(&second).unwrap());
    let late_problem = Problem::from_json(&text).unwrap();
    // 5 % of the tiny preset's 100 meetings are new, and have no place yet.
    assert_eq!(late_problem.meetings.len(), 105);
    assert!(late_problem.meetings.iter().any(|m| m.current.is_some()));
    assert!(late_problem.meetings[100..].iter().all(|m| m.current.is_none()));

    let bad = dir.path().join("bad.json");
    let out = late(&bad, &["--share", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--share"));
    assert!(!bad.exists());
    let out = generate(&bad, &["--late-changes", "--preset", "s"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!bad.exists());
}
