//! The shared Redis connection: one auto-reconnecting multiplexed connection per node, with
//! timeouts on connecting and on every command, and the key prefix.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Client, RedisResult};

use super::{ClusterConfig, ClusterError};

/// A cheap-to-clone handle: the client, its connection manager and the settings every
/// component needs.
#[derive(Clone)]
pub(crate) struct RedisConn {
    client: Client,
    manager: ConnectionManager,
    prefix: Arc<str>,
    connect_timeout: Duration,
    pub(crate) command_timeout: Duration,
    pub(crate) cache_timeout: Duration,
}

impl RedisConn {
    /// Parses the URL and sets up a lazy connection manager: nothing is dialled yet, so an
    /// unreachable Redis does not prevent a node from starting.
    pub(crate) fn open(url: &str, config: &ClusterConfig) -> Result<Self, ClusterError> {
        let client = Client::open(url)
            .map_err(|error| ClusterError::Config(format!("REDIS_URL `{url}` is not usable: {error}")))?;
        // Few, short reconnection attempts: callers put their own (short) timeouts on each
        // command, and a failed attempt is retried on the next command anyway.
        let manager_config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(config.connect_timeout))
            .set_response_timeout(Some(config.command_timeout))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let manager = ConnectionManager::new_lazy_with_config(client.clone(), manager_config)?;
        Ok(Self {
            client,
            manager,
            prefix: Arc::from(config.key_prefix.as_str()),
            connect_timeout: config.connect_timeout,
            command_timeout: config.command_timeout,
            cache_timeout: config.cache_timeout,
        })
    }

    /// `{prefix}:{suffix}`: every key and channel this crate uses goes through here.
    pub(crate) fn key(&self, suffix: impl std::fmt::Display) -> String {
        format!("{}:{}", self.prefix, suffix)
    }

    /// A handle on the shared multiplexed connection (cloning is cheap).
    pub(crate) fn manager(&self) -> ConnectionManager {
        self.manager.clone()
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// A separate connection for blocking commands (BLMOVE), which would otherwise hold up
    /// every other command pipelined on the shared connection. It has no response timeout of
    /// its own: callers bound each blocking command.
    pub(crate) async fn dedicated_connection(&self) -> Result<MultiplexedConnection, ClusterError> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(None);
        Ok(self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?)
    }

    /// Runs a command with the general command timeout.
    pub(crate) async fn run<T>(
        &self,
        command: impl Future<Output = RedisResult<T>>,
    ) -> Result<T, ClusterError> {
        within(self.command_timeout, command).await
    }

    pub(crate) async fn ping(&self) -> Result<(), ClusterError> {
        let mut manager = self.manager();
        self.run(async move { redis::cmd("PING").query_async::<String>(&mut manager).await })
            .await
            .map(drop)
    }
}

/// `command`, failing with [`ClusterError::Timeout`] if it takes longer than `limit`.
pub(crate) async fn within<T>(
    limit: Duration,
    command: impl Future<Output = RedisResult<T>>,
) -> Result<T, ClusterError> {
    match tokio::time::timeout(limit, command).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(ClusterError::Timeout(limit)),
    }
}

/// `duration` in whole milliseconds for a Redis `PX`/`PEXPIRE` argument: at least 1 (Redis
/// rejects 0), saturating at `u64::MAX`.
pub(crate) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}
