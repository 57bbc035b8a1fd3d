//! A real SMTP server for the tests: aiosmtpd (PyPI) running `support/smtp_sink.py` on a
//! spare loopback port, writing each message it accepts into a folder of its own. It can ask
//! for STARTTLS (with a certificate signed by a throwaway authority the service is told to
//! trust) and authentication, refuse recipients, be stopped and started again on its port.
//!
//! aiosmtpd lives in a virtualenv under `~/.cache/rendezvous/smtp-venv` (`.ci/run` makes it;
//! the first test that needs it makes it too when it is missing).

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The aiosmtpd version the tests run.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";

/// The virtualenv's Python, made once per test binary if missing.
fn python() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = std::env::var_os("RENDEZVOUS_SMTP_VENV")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/rendezvous/smtp-venv")
                });
            let python = venv.join("bin/python");
            let has_aiosmtpd = |p: &Path| {
                Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .status()
                    .is_ok_and(|s| s.success())
            };
            if has_aiosmtpd(&python) {
                return Ok(python);
            }
            let made = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success())
                && Command::new(&python)
                    .args(["-m", "pip", "install", "-q", AIOSMTPD])
                    .status()
                    .is_ok_and(|s| s.success());
            if made && has_aiosmtpd(&python) {
                Ok(python)
            } else {
                Err(format!(
                    "no aiosmtpd at {}: run `python3 -m venv {0}/.. && pip install {AIOSMTPD}` (.ci/run does)",
                    python.display()
                ))
            }
        })
        .clone()
        .unwrap_or_else(|why| panic!("{why}"))
}

/// What the server asks of its clients.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    /// STARTTLS required, with a certificate for 127.0.0.1.
    pub tls: bool,
    /// TLS from the first byte instead (`smtps://`), with the same certificate.
    pub implicit_tls: bool,
    /// AUTH required with this user and password.
    pub auth: Option<(String, String)>,
    /// Recipients containing this are refused for good (550).
    pub reject: Option<String>,
    /// Recipients containing this are refused for now (451).
    pub tempfail: Option<String>,
}

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// Envelope, authenticated user, whether it came over TLS.
    pub meta: serde_json::Value,
    pub raw: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a parseable message")
    }

    /// The Message-ID, without its angle brackets.
    pub fn message_id(&self) -> String {
        self.parsed().message_id().expect("a Message-ID").to_string()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_string())
    }

    pub fn to(&self) -> String {
        self.meta["rcpt_tos"][0].as_str().unwrap_or_default().to_string()
    }
}

/// A running (or stopped) SMTP server.
pub struct SmtpServer {
    pub port: u16,
    options: SmtpOptions,
    dir: tempfile::TempDir,
    child: Option<(Child, ChildStdin)>,
}

fn spare_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a spare port")
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A throwaway authority and a certificate for 127.0.0.1 it signed (rustls does not take a
/// self-signed certificate as its own authority).
fn certificates(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=rendezvous test authority",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n",
    )
    .expect("write extensions");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
    );
}

impl SmtpServer {
    pub fn start(options: SmtpOptions) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("inbox")).expect("inbox");
        if options.tls || options.implicit_tls {
            certificates(dir.path());
        }
        let mut server = Self {
            port: spare_port(),
            options,
            dir,
            child: None,
        };
        server.start_again();
        server
    }

    /// Starts the server (again) on its port.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "already running");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/support/smtp_sink.py");
        let mut command = Command::new(python());
        command
            .arg(script)
            .args(["--port", &self.port.to_string()])
            .arg("--dir")
            .arg(self.dir.path().join("inbox"));
        if self.options.tls || self.options.implicit_tls {
            command
                .arg("--cert")
                .arg(self.dir.path().join("server.pem"))
                .arg("--key")
                .arg(self.dir.path().join("server.key"));
        }
        if self.options.implicit_tls {
            command.arg("--implicit-tls");
        }
        if let Some((user, password)) = &self.options.auth {
            command.args(["--auth", &format!("{user}:{password}")]);
        }
        for (flag, value) in [
            ("--reject", &self.options.reject),
            ("--tempfail", &self.options.tempfail),
        ] {
            if let Some(value) = value {
                command.args([flag, value]);
            }
        }
        // Restarting on the port just freed may need a moment; bounded, not timed.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start the SMTP server");
            let mut line = String::new();
            let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
            if line.trim() == "ready" {
                let stdin = child.stdin.take().expect("stdin");
                self.child = Some((child, stdin));
                return;
            }
            let _ = child.kill();
            let _ = child.wait();
            assert!(
                Instant::now() < deadline,
                "the SMTP server did not start on port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the server: connections are refused until [`start_again`](Self::start_again).
    pub fn stop(&mut self) {
        if let Some((mut child, stdin)) = self.child.take() {
            drop(stdin);
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The URL the service is given.
    pub fn url(&self) -> String {
        let credentials = self
            .options
            .auth
            .as_ref()
            .map(|(u, p)| format!("{u}:{p}@"))
            .unwrap_or_default();
        let (scheme, tls) = match (self.options.implicit_tls, self.options.tls) {
            (true, _) => ("smtps", ""),
            (false, true) => ("smtp", "?tls=required"),
            (false, false) => ("smtp", ""),
        };
        format!("{scheme}://{credentials}127.0.0.1:{}{tls}", self.port)
    }

    /// The authority to trust, with TLS.
    pub fn ca_file(&self) -> Option<PathBuf> {
        (self.options.tls || self.options.implicit_tls).then(|| self.dir.path().join("ca.pem"))
    }

    /// Every message accepted so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let inbox = self.dir.path().join("inbox");
        let mut stems: Vec<PathBuf> = std::fs::read_dir(&inbox)
            .expect("inbox")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        stems.sort();
        stems
            .into_iter()
            .map(|meta| Received {
                meta: serde_json::from_slice(&std::fs::read(&meta).expect("meta")).expect("meta json"),
                raw: std::fs::read(meta.with_extension("eml")).expect("message"),
            })
            .collect()
    }

    /// Waits until at least `count` messages arrived (bounded, so a test cannot hang).
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let received = self.received();
            if received.len() >= count || Instant::now() > deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some((_, stdin)) = &mut self.child {
            let _ = stdin.flush();
        }
        self.stop();
    }
}
