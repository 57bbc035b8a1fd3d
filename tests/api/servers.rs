//! The PostgreSQL and Redis the tests use: the configured ones
//! (`RENDEZVOUS_TEST_POSTGRES_URL`, `RENDEZVOUS_TEST_REDIS_URL`) when they answer, otherwise
//! throwaway servers started from the installed binaries on spare loopback ports, once per
//! test binary. So `cargo test` works on a machine where both are installed but not running.
//!
//! Each throwaway server runs under a small `sh` supervisor whose stdin is a pipe held by
//! this process: when the test binary exits (however it exits), the pipe closes and the
//! supervisor stops the server and removes its temporary folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// An admin URL of a PostgreSQL the tests may create and drop databases on.
pub fn postgres_url() -> String {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    // A failure is kept too: every test then fails with the same one line, at once.
    let url = URL.get_or_init(|| {
        let configured =
            std::env::var("RENDEZVOUS_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
        if answers(&configured, 5432) {
            return Ok(configured);
        }
        let started = start_postgres().map_err(|why| {
            format!("PostgreSQL is not running at {configured} (RENDEZVOUS_TEST_POSTGRES_URL) and {why}")
        })?;
        eprintln!("tests: nothing answers at {configured}; using a throwaway PostgreSQL at {started}");
        Ok(started)
    });
    url.clone().unwrap_or_else(|why| panic!("{why}"))
}

/// The URL of a Redis the tests may use (each under its own key prefix).
pub fn redis_url() -> String {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    let url = URL.get_or_init(|| {
        let configured =
            std::env::var("RENDEZVOUS_TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_REDIS_URL.into());
        if answers(&configured, 6379) {
            return Ok(configured);
        }
        let started = start_redis().map_err(|why| {
            format!("Redis is not running at {configured} (RENDEZVOUS_TEST_REDIS_URL) and {why}")
        })?;
        eprintln!("tests: nothing answers at {configured}; using a throwaway Redis at {started}");
        Ok(started)
    });
    url.clone().unwrap_or_else(|why| panic!("{why}"))
}

/// Whether something accepts TCP connections at the URL's host and port. A URL without a
/// TCP host (e.g. a Unix socket) is taken as configured on purpose.
fn answers(url: &str, default_port: u16) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return true;
    };
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return true;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = parsed.port().unwrap_or(default_port);
    let Ok(addresses) = (host, port).to_socket_addrs() else {
        return false;
    };
    addresses
        .into_iter()
        .any(|address| TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok())
}

/// A running supervisor. Never dropped (it lives in a static): its stdin closes when the
/// process exits, which is the supervisor's signal to stop.
struct Supervisor {
    _child: Child,
    _stdin: ChildStdin,
}

static SUPERVISORS: OnceLock<std::sync::Mutex<Vec<Supervisor>>> = OnceLock::new();

fn keep(supervisor: Supervisor) {
    SUPERVISORS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(supervisor);
}

fn spare_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no spare port: {e}"))
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `name` on PATH, else in one of `extra` folders.
fn find(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| executable(candidate))
}

/// The folder holding `initdb` and `pg_ctl`: PATH, `pg_config --bindir`, then the usual
/// install places (Debian keeps them off PATH in `/usr/lib/postgresql/<version>/bin`).
fn postgres_bindir() -> Option<PathBuf> {
    let complete = |dir: &Path| executable(&dir.join("initdb")) && executable(&dir.join("pg_ctl"));
    if let Some(initdb) = find("initdb", &[]) {
        let dir = initdb.parent().map(Path::to_path_buf).unwrap_or_default();
        if complete(&dir) {
            return Some(dir);
        }
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && complete(&dir) {
            return Some(dir);
        }
    }
    let mut versioned: Vec<(Vec<u32>, PathBuf)> = Vec::new();
    for (root, prefix, suffix) in [
        ("/usr/lib/postgresql", "", "bin"),
        ("/usr", "pgsql-", "bin"),
        ("/opt/homebrew/opt", "postgresql@", "bin"),
        ("/usr/local/opt", "postgresql@", "bin"),
    ] {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(version) = name.strip_prefix(prefix) else {
                continue;
            };
            let Ok(version) = version
                .split('.')
                .map(str::parse)
                .collect::<Result<Vec<u32>, _>>()
            else {
                continue;
            };
            let dir = entry.path().join(suffix);
            if complete(&dir) {
                versioned.push((version, dir));
            }
        }
    }
    versioned.sort();
    versioned.pop().map(|(_, dir)| dir)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn temp_dir(prefix: &str) -> Result<PathBuf, String> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map(tempfile::TempDir::keep)
        .map_err(|e| format!("no temporary folder: {e}"))
}

/// Starts `script` under `sh` with `vars` in its environment (as `user` if given), in a
/// process group of its own so that a Ctrl-C reaches the tests, not the servers: their
/// supervisor alone stops them.
fn supervise(script: &str, vars: &[(&str, &Path)], dir: &Path, user: Option<&str>) -> Result<Child, String> {
    use std::os::unix::process::CommandExt;
    let mut command = match user {
        None => Command::new("sh"),
        Some(user) if find("runuser", &["/usr/sbin", "/sbin"]).is_some() => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--", "sh"]);
            command
        }
        Some(user) => {
            let mut command = Command::new("su");
            command.args(["-s", "/bin/sh", user]);
            command
        }
    };
    command.arg("-c").arg(script);
    for (name, value) in vars {
        command.env(name, value);
    }
    let log = std::fs::File::create(dir.join("supervisor.log")).map_err(|e| format!("log: {e}"))?;
    command
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(log)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not run sh: {e}"))
}

/// The first line the failed supervisor logged, for a one-line message.
fn first_log_line(dir: &Path) -> String {
    let mut text = String::new();
    let _ = std::fs::File::open(dir.join("supervisor.log")).and_then(|mut f| f.read_to_string(&mut text));
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output")
        .to_owned()
}

const POSTGRES_SCRIPT: &str = r#"
set -u
"$RDV_BIN/initdb" -D "$RDV_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >"$RDV_DIR/initdb.log" 2>&1 || { echo "initdb failed:" $(tail -n 3 "$RDV_DIR/initdb.log") >&2; exit 1; }
"$RDV_BIN/pg_ctl" -D "$RDV_DIR/data" -l "$RDV_DIR/server.log" -w -s \
    -o "-h 127.0.0.1 -p $RDV_PORT -k $RDV_DIR -F -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 2>&1 || { echo "postgres did not start:" $(tail -n 3 "$RDV_DIR/server.log") >&2; exit 1; }
echo ready
cat >/dev/null
"$RDV_BIN/pg_ctl" -D "$RDV_DIR/data" -m immediate -s stop >/dev/null 2>&1
rm -rf "$RDV_DIR"
"#;

fn start_postgres() -> Result<String, String> {
    let bin = postgres_bindir().ok_or(
        "no initdb/pg_ctl found to start a throwaway one: install PostgreSQL \
         (Debian/Ubuntu: apt-get install postgresql) or start it",
    )?;
    let dir = temp_dir("rendezvous-test-postgres-")?;
    // initdb and postgres refuse to run as root: run them as the `postgres` user, in a
    // folder it owns.
    let user = if running_as_root() {
        let chowned = Command::new("chown")
            .arg("postgres")
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !chowned {
            return Err(format!(
                "the tests run as root, where initdb needs a `postgres` user to own {}",
                dir.display()
            ));
        }
        Some("postgres")
    } else {
        None
    };
    let port = spare_port()?;
    let port_text = PathBuf::from(port.to_string());
    let mut child = supervise(
        POSTGRES_SCRIPT,
        &[("RDV_BIN", &bin), ("RDV_DIR", &dir), ("RDV_PORT", &port_text)],
        &dir,
        user,
    )?;
    // pg_ctl -w has waited until the server accepts connections.
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("no supervisor stdout")?;
    let _ = BufReader::new(stdout).read_line(&mut line);
    if line.trim() != "ready" {
        let _ = child.wait();
        return Err(format!(
            "a throwaway one from {} failed: {} (logs in {})",
            bin.display(),
            first_log_line(&dir),
            dir.display()
        ));
    }
    let stdin = child.stdin.take().ok_or("no supervisor stdin")?;
    keep(Supervisor {
        _child: child,
        _stdin: stdin,
    });
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

const REDIS_SCRIPT: &str = r#"
set -u
"$RDV_BIN" --port "$RDV_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$RDV_DIR" \
    >"$RDV_DIR/redis.log" 2>&1 &
pid=$!
cat >/dev/null
kill "$pid" 2>/dev/null
wait "$pid"
rm -rf "$RDV_DIR"
"#;

fn redis_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 5];
    stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG"
}

fn start_redis() -> Result<String, String> {
    let bin = find(
        "redis-server",
        &["/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"],
    )
    .ok_or(
        "no redis-server found to start a throwaway one: install Redis \
         (Debian/Ubuntu: apt-get install redis-server) or start it",
    )?;
    let dir = temp_dir("rendezvous-test-redis-")?;
    let port = spare_port()?;
    let port_text = PathBuf::from(port.to_string());
    let mut child = supervise(
        REDIS_SCRIPT,
        &[("RDV_BIN", &bin), ("RDV_DIR", &dir), ("RDV_PORT", &port_text)],
        &dir,
        None,
    )?;
    // A bound against hanging, not a speed requirement.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !redis_ping(port) {
        let exited = child.try_wait().ok().flatten().is_some();
        if exited || Instant::now() > deadline {
            let mut log = String::new();
            let _ = std::fs::File::open(dir.join("redis.log")).and_then(|mut f| f.read_to_string(&mut log));
            let last = log
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output");
            return Err(format!(
                "a throwaway one from {} failed: {last} (logs in {})",
                bin.display(),
                dir.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let stdin = child.stdin.take().ok_or("no supervisor stdin")?;
    keep(Supervisor {
        _child: child,
        _stdin: stdin,
    });
    Ok(format!("redis://127.0.0.1:{port}"))
}
