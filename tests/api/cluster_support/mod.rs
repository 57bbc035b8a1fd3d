//! Shared helpers for the `cluster_*` tests: both backends, unique key prefixes, throwaway
//! Redis servers.
#![allow(dead_code)]

use std::process::Command;
use std::time::Duration;

use rendezvous::cluster::{Cluster, ClusterConfig};

/// The machine's Redis, or a throwaway one when that does not answer (shared with other
/// tests: only ever touched under a unique prefix).
pub fn redis_url() -> String {
    crate::servers::redis_url()
}

/// Which implementation a behavioural test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Redis,
    InProcess,
}

/// A key prefix no other test uses.
pub fn unique_prefix(test: &str) -> String {
    format!("rdv-test:{test}:{}", uuid::Uuid::new_v4().simple())
}

/// Short TTLs so that expiry happens within a test.
pub fn test_config(redis_url: Option<String>, prefix: &str) -> ClusterConfig {
    ClusterConfig {
        redis_url,
        key_prefix: prefix.to_owned(),
        job_lease_ttl: Duration::from_millis(600),
        // These tests are about the shared (Redis) layer; the node's memory in front of it
        // has its own tests.
        local_pointer_ttl: Duration::ZERO,
        // Production gives a cache command 80 ms before the read falls back to the
        // database (a slow cache counts as a miss, by design); on a loaded test machine
        // that happens, and these tests check what the shared cache holds.
        cache_timeout: Duration::from_secs(2),
        ..ClusterConfig::default()
    }
}

/// Two nodes of one deployment. In-process there is only one node, so both handles are the
/// same cluster (that is the single-node deployment's semantics).
pub async fn node_pair(backend: Backend, prefix: &str) -> (Cluster, Cluster) {
    match backend {
        Backend::Redis => {
            let a = Cluster::connect_with(test_config(Some(redis_url()), prefix))
                .await
                .expect("node A");
            let b = Cluster::connect_with(test_config(Some(redis_url()), prefix))
                .await
                .expect("node B");
            assert!(a.is_distributed() && b.is_distributed());
            (a, b)
        }
        Backend::InProcess => {
            let node = Cluster::in_process_with(&test_config(None, prefix));
            assert!(!node.is_distributed());
            (node.clone(), node)
        }
    }
}

/// Removes every key under `prefix` from the machine's Redis.
pub async fn cleanup(backend: Backend, prefix: &str) {
    if backend != Backend::Redis {
        return;
    }
    let client = redis::Client::open(redis_url()).expect("redis url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("redis connection");
    let mut cursor: u64 = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(500)
            .query_async(&mut connection)
            .await
            .expect("scan");
        if !keys.is_empty() {
            let _: i64 = redis::cmd("DEL")
                .arg(&keys)
                .query_async(&mut connection)
                .await
                .expect("del");
        }
        if next == 0 {
            break;
        }
        cursor = next;
    }
}

/// Generates one `#[tokio::test]` per backend for `async fn $body(backend: Backend)`.
#[macro_export]
macro_rules! on_both_coordinators {
    ($($body:ident),* $(,)?) => {
        $(
            mod $body {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn redis() {
                    super::$body(Backend::Redis).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn in_process() {
                    super::$body(Backend::InProcess).await;
                }
            }
        )*
    };
}

/// A private `redis-server` on a free loopback port, that a test may stop and restart
/// without disturbing anybody else. Shut down when dropped.
pub struct ThrowawayRedis {
    pub port: u16,
}

impl ThrowawayRedis {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("addr")
            .port();
        let server = Self { port };
        server.restart().await;
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on the same port and waits until it answers.
    pub async fn restart(&self) {
        let status = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args([
                "--daemonize",
                "yes",
                "--dir",
                &std::env::temp_dir().to_string_lossy(),
            ])
            .status()
            .expect("redis-server is installed");
        assert!(status.success(), "redis-server did not start");
        for _ in 0..100 {
            if self.ping() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("throwaway redis on port {} never answered", self.port);
    }

    /// Stops the server (without saving) and waits until the port is closed.
    pub async fn stop(&self) {
        let _ = Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "shutdown", "nosave"])
            .output();
        for _ in 0..100 {
            if !self.ping() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("throwaway redis on port {} did not stop", self.port);
    }

    fn ping(&self) -> bool {
        Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "ping"])
            .output()
            .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "PONG")
    }
}

impl Drop for ThrowawayRedis {
    fn drop(&mut self) {
        let _ = Command::new("redis-cli")
            .args(["-p", &self.port.to_string(), "shutdown", "nosave"])
            .output();
    }
}

/// Polls `condition` every 50 ms until it holds, for at most `limit`; whether it held.
/// (A bound against hanging, not a speed requirement.)
pub async fn eventually<F, Fut>(limit: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if condition().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
