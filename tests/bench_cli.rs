//! `rendezvous bench` end to end on a small instance directory: whatever the solver does,
//! the report is written with the greedy baseline and the reference numbers side by side.

use std::process::Command;

#[test]
fn bench_writes_a_report_with_the_baseline_and_the_references() {
    let dir = tempfile::tempdir().unwrap();
    let exe = env!("CARGO_BIN_EXE_rendezvous");
    let problem = dir.path().join("small-expo.json");
    let out = Command::new(exe)
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
    let out = Command::new(exe)
        .arg("bench")
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
    // Greedy of this run, then the reference columns read from the README.
    assert!(text.contains("/90 held"), "{text}");
    assert!(text.contains("| 1,234 | no schedule | 5,678 |"), "{text}");
    assert!(dir.path().join("work/small-expo.solve.log").exists());
}
