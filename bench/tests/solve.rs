//! `rendezvous-bench solve` end to end on a small instance directory: whatever the solver
//! does, the report is written with the greedy baseline and the reference numbers side by side.

use std::path::PathBuf;
use std::process::Command;

/// The product binary, which cargo builds next to the bench's for `cargo test --workspace`.
/// Passed explicitly: a bench started by cargo would otherwise build it, and cargo holds
/// the build lock while tests run.
fn rendezvous() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_BIN_EXE_rendezvous-bench")).with_file_name("rendezvous");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo test --workspace`",
        path.display()
    );
    path
}

#[test]
fn bench_writes_a_report_with_the_baseline_and_the_references() {
    let dir = tempfile::tempdir().unwrap();
    let exe = rendezvous();
    let problem = dir.path().join("small-expo.json");
    let out = Command::new(&exe)
        .args([
            "generate",
            "--participants",
            "40",
            "--meetings",
            "90",
            "--tables",
            "8",
            "--seed",
            "3",
        ])
        .arg("--output")
        .arg(&problem)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(
        dir.path().join("README.md"),
        "| problem | limit | greedy objective | CP-SAT objective | LP bound |\n| --- | --- | --- | --- | --- |\n\
         | small-expo | 20 s | 1,234 | no schedule | 5,678 |\n",
    )
    .unwrap();

    let report = dir.path().join("BENCH.md");
    let out = Command::new(env!("CARGO_BIN_EXE_rendezvous-bench"))
        .arg("solve")
        .arg("--rendezvous")
        .arg(&exe)
        .arg("--instances")
        .arg(dir.path())
        .args(["--time-scale", "0.05", "--work-dir"])
        .arg(dir.path().join("work"))
        .arg("--output")
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("no report ({e}): {stderr}"));
    assert!(text.starts_with("# Benchmarks"), "{text}");
    assert!(text.contains("| small-expo | 1 s |"), "{text}");
    // What the child was given and how it was built: the profile these tests are built with.
    let profile = match exe.parent().and_then(|d| d.file_name()).and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(name) => name,
        None => "unknown",
    };
    assert!(text.contains(&format!(" MiB | 0 | 2 | {profile} |")), "{text}");
    // Greedy of this run, then the reference columns read from the README.
    assert!(text.contains("/90 held"), "{text}");
    assert!(text.contains("| 1,234 | no schedule | 5,678 |"), "{text}");
    assert!(dir.path().join("work/small-expo.solve.log").exists());
}

#[test]
fn a_solve_that_exits_with_an_error_is_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("any.json"),
        r#"{"format": "rendezvous-problem/1", "slots": [], "rooms": [], "participants": [], "meetings": []}"#,
    )
    .unwrap();
    let report = dir.path().join("BENCH.md");
    let out = Command::new(env!("CARGO_BIN_EXE_rendezvous-bench"))
        .args([
            "solve",
            "--rendezvous",
            "/bin/false",
            "--seed",
            "5",
            "--threads",
            "1",
        ])
        .arg("--instances")
        .arg(dir.path())
        .arg("--output")
        .arg(&report)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let text = std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("no report ({e}): {stderr}"));
    assert!(
        text.contains("| any | 60 s | **failed** |")
            && text.contains("| 5 | 1 | unknown | solver exited with exit status: 1"),
        "{text}"
    );
}
