//! `rendezvous solve` and `rendezvous check`, run as the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_rendezvous");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("solver/tests/data")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    let output = Command::new(BIN).args(args).output().expect("run rendezvous");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "rendezvous {args:?} panicked:\n{stderr}"
    );
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &tempfile::TempDir, name: &str, contents: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_string()
}

/// Two slots of one morning, a table for two, a big room with interpretation.
const SMALL_PROBLEM: &str = r#"{
  "format": "rendezvous-problem/1",
  "slots": [
    {"id": "s1", "start": "2027-04-17T10:00:00+01:00", "end": "2027-04-17T10:20:00+01:00"},
    {"id": "s2", "start": "2027-04-17T10:20:00+01:00", "end": "2027-04-17T10:40:00+01:00"},
    {"id": "s3", "start": "2027-04-17T10:40:00+01:00", "end": "2027-04-17T11:00:00+01:00"}
  ],
  "rooms": [
    {"id": "T1", "capacity": 2},
    {"id": "R1", "capacity": 8, "features": ["interpretation"]}
  ],
  "participants": [{"id": "bkk", "size": 6}, {"id": "acme"}, {"id": "uni"}],
  "meetings": [
    {"id": "m1", "participants": ["bkk", "acme"], "weight": 50, "features": ["interpretation"]},
    {"id": "m2", "participants": ["acme", "uni"], "weight": 10}
  ],
  "penalties": {"idle_slot": 1, "gap": 2}
}"#;

fn solution(objective: i64, assignments: &str) -> String {
    format!(
        r#"{{"format": "rendezvous-solution/1", "status": "feasible", "objective": {objective}, "bound": null,
            "assignments": {assignments}, "unscheduled": []}}"#
    )
}

#[test]
fn check_accepts_a_valid_solution() {
    let dir = tempfile::tempdir().unwrap();
    let problem = write(&dir, "problem.json", SMALL_PROBLEM);
    // acme meets at s1 and s3: one idle slot, one gap.
    let valid = write(
        &dir,
        "solution.json",
        &solution(
            60 - 1 - 2,
            r#"[{"meeting": "m1", "slot": "s1", "room": "R1"}, {"meeting": "m2", "slot": "s3", "room": "T1"}]"#,
        ),
    );
    let out = run(&["check", &problem, &valid]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("objective 57 (claimed 57)"), "{stdout}");
    assert!(stdout.contains("valid"), "{stdout}");
}

#[test]
fn check_lists_every_broken_rule_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let problem = write(&dir, "problem.json", SMALL_PROBLEM);
    let invalid = write(
        &dir,
        "solution.json",
        &solution(
            60,
            r#"[{"meeting": "m1", "slot": "s2", "room": "T1"}, {"meeting": "m2", "slot": "s2", "room": "T1"}]"#,
        ),
    );
    let out = run(&["check", &problem, &invalid]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for line in [
        r#"participant "acme" is in meetings "m1" and "m2" at slot "s2""#,
        r#"room "T1" holds meetings "m1" and "m2" at slot "s2""#,
        r#"meeting "m1" needs 7 seats but room "T1" has 2"#,
        r#"meeting "m1" needs "interpretation" but room "T1" lacks it"#,
        "INVALID: 4 broken rules",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
}

#[test]
fn check_rejects_a_wrong_objective() {
    let dir = tempfile::tempdir().unwrap();
    let problem = write(&dir, "problem.json", SMALL_PROBLEM);
    let wrong = write(
        &dir,
        "solution.json",
        &solution(
            60,
            r#"[{"meeting": "m1", "slot": "s1", "room": "R1"}, {"meeting": "m2", "slot": "s3", "room": "T1"}]"#,
        ),
    );
    let out = run(&["check", &problem, &wrong]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("claimed objective 60 differs from the recomputed 57"),
        "{stdout}"
    );
}

/// Exit status 2 and the place named on stderr.
fn assert_bad_input(out: &Output, place: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 naming {place:?}, got:\n{stderr}"
    );
    assert!(stderr.contains(place), "expected {place:?} in:\n{stderr}");
}

#[test]
fn bad_problems_exit_2_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let valid = write(&dir, "solution.json", &solution(0, "[]"));
    let cases = [
        (
            "malformed",
            SMALL_PROBLEM.replace(r#""weight": 10}"#, r#""weight": 10"#),
            "meetings[1]",
        ),
        (
            "unknown-field",
            SMALL_PROBLEM.replace(r#""capacity": 2}"#, r#""capacity": 2, "colour": "red"}"#),
            "rooms[0]",
        ),
        (
            "dangling-id",
            SMALL_PROBLEM.replace(r#"["acme", "uni"]"#, r#"["acme", "unicorn"]"#),
            "meetings[1].participants[1]",
        ),
        (
            "negative-weight",
            SMALL_PROBLEM.replace(r#""weight": 10"#, r#""weight": -10"#),
            "meetings[1].weight",
        ),
    ];
    for (name, contents, place) in cases {
        let problem = write(&dir, &format!("{name}.json"), &contents);
        assert_bad_input(&run(&["check", &problem, &valid]), place);
        assert_bad_input(&run(&["solve", &problem, "--time-limit", "1"]), place);
    }
    let missing = dir.path().join("missing.json");
    let missing = missing.to_str().unwrap();
    assert_bad_input(&run(&["check", missing, &valid]), "missing.json");
    assert_bad_input(&run(&["solve", missing]), "missing.json");
}

#[test]
fn bad_solutions_exit_2_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let problem = write(&dir, "problem.json", SMALL_PROBLEM);
    let cases = [
        ("malformed", solution(0, "[{]"), "assignments"),
        (
            "unknown-field",
            solution(0, r#"[{"meeting": "m1", "slot": "s1", "room": "R1", "seat": 4}]"#),
            "assignments[0]",
        ),
        (
            "bad-status",
            solution(0, "[]").replace("feasible", "splendid"),
            "status",
        ),
    ];
    for (name, contents, place) in cases {
        let path = write(&dir, &format!("{name}.json"), &contents);
        assert_bad_input(&run(&["check", &problem, &path]), place);
    }
    // A dangling id in a solution is a broken rule of that solution, not bad input.
    let dangling = write(
        &dir,
        "dangling.json",
        &solution(0, r#"[{"meeting": "m1", "slot": "s9", "room": "R1"}]"#),
    );
    let out = run(&["check", &problem, &dangling]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains(r#"meeting "m1" is assigned to unknown slot "s9""#));
}

#[test]
fn solve_rejects_a_bad_time_limit() {
    let problem = data("pub-tiny.json");
    for limit in ["--time-limit=-1", "--time-limit=0", "--time-limit=NaN"] {
        let out = run(&["solve", problem.to_str().unwrap(), limit]);
        assert_bad_input(&out, "--time-limit");
    }
}

#[test]
fn solve_then_check_round_trip_on_pub_tiny() {
    let dir = tempfile::tempdir().unwrap();
    let problem = data("pub-tiny.json");
    let problem = problem.to_str().unwrap();
    let solution = dir.path().join("solution.json");
    let solution = solution.to_str().unwrap();
    let log = dir.path().join("progress.jsonl");
    let out = run(&[
        "solve",
        problem,
        "--time-limit",
        "10",
        "--output",
        solution,
        "--seed",
        "7",
        "--progress-log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Not a terminal here: a plain summary line (and a line per progress update).
    assert!(
        text(&out.stderr).contains("meetings held"),
        "{}",
        text(&out.stderr)
    );

    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(solution).unwrap()).unwrap();
    assert_eq!(written["format"], "rendezvous-solution/1");
    assert!(
        written["stats"]["seconds"].as_f64().is_some_and(|s| s > 0.0),
        "{}",
        written["stats"]
    );
    assert!(
        written["stats"]["peak_rss_mib"].as_f64().is_some_and(|m| m > 0.0),
        "{}",
        written["stats"]
    );
    let held = written["assignments"].as_array().unwrap().len();
    let unscheduled = written["unscheduled"].as_array().unwrap().len();
    assert_eq!(held + unscheduled, 100);

    let out = run(&["check", problem, solution]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // The progress log: one report per line, in time order, the incumbent never falling,
    // the last one the written solution's objective under its bound.
    let reports: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(reports.len() >= 2, "{reports:?}");
    assert_eq!(reports[0]["phase"], "construct");
    for pair in reports.windows(2) {
        assert!(pair[0]["elapsed_seconds"].as_f64() <= pair[1]["elapsed_seconds"].as_f64());
        assert!(pair[0]["incumbent"].as_i64() <= pair[1]["incumbent"].as_i64());
    }
    let last = reports.last().unwrap();
    assert_eq!(last["incumbent"], written["objective"]);
    assert_eq!(last["bound"], written["bound"]);
}

#[test]
fn solve_names_a_progress_log_it_cannot_create() {
    let problem = data("pub-tiny.json");
    let out = run(&[
        "solve",
        problem.to_str().unwrap(),
        "--progress-log",
        "/nonexistent-dir/progress.jsonl",
    ]);
    assert_bad_input(&out, "--progress-log");
}

#[test]
fn solve_writes_to_stdout_and_quiet_keeps_stderr_empty() {
    let problem = data("pub-forum-2.json");
    let out = run(&["solve", problem.to_str().unwrap(), "--time-limit", "3", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the solution JSON on stdout");
    assert_eq!(doc["format"], "rendezvous-solution/1");
}

#[test]
fn worker_takes_only_its_own_options() {
    let db = "sqlite::memory:";
    let redis = "redis://127.0.0.1:1";
    let zero = run(&[
        "worker",
        "--database-url",
        db,
        "--redis-url",
        redis,
        "--workers",
        "0",
    ]);
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero.stderr));
    assert!(text(&zero.stderr).contains("--workers"), "{}", text(&zero.stderr));
    // (`--organiser-token` it takes: its mail sender signs invitation links with it.)
    for option in ["--addr", "--writes-per-minute", "--requests-per-hour"] {
        let out = run(&["worker", "--database-url", db, "--redis-url", redis, option, "x"]);
        assert_eq!(out.status.code(), Some(2), "{option}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains(&format!("unexpected argument '{option}'")),
            "{option}: {}",
            text(&out.stderr)
        );
    }
    let no_redis = Command::new(BIN)
        .args(["worker", "--database-url", db])
        .env_remove("REDIS_URL")
        .output()
        .expect("run rendezvous");
    assert_eq!(no_redis.status.code(), Some(2));
    assert!(
        text(&no_redis.stderr).contains("--redis-url"),
        "{}",
        text(&no_redis.stderr)
    );
}

/// A weak chosen organiser token stops `serve` and `worker` before they touch anything,
/// with one line saying what to do (exit status 2, bad input).
#[test]
fn a_weak_organiser_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("weak.db").display());
    for weak in ["secret", "test-organiser-token", &"x".repeat(40)] {
        for args in [
            vec!["serve", "--addr", "127.0.0.1:0"],
            vec!["worker", "--redis-url", "redis://127.0.0.1:1"],
        ] {
            let out = Command::new(BIN)
                .args(&args)
                .env("DATABASE_URL", &db)
                .env("RENDEZVOUS_ORGANISER_TOKEN", weak)
                .output()
                .expect("run rendezvous");
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} {weak}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.starts_with("error: RENDEZVOUS_ORGANISER_TOKEN is too weak"),
                "{stderr}"
            );
        }
    }
    assert!(!dir.path().join("weak.db").exists(), "nothing created");
}
