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
