//! Idempotency keys: the first response to each keyed POST, kept for its retries.

use async_trait::async_trait;
use chrono::Utc;

use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult};

/// A response kept for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What the store knows about an `Idempotency-Key` when a POST arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyStart {
    /// First time: the key is now reserved for this request.
    Fresh,
    /// Seen before with the same request: here is the first response.
    Replay(StoredResponse),
    /// Seen before and still being handled.
    InProgress,
    /// Seen before with a different request.
    Mismatch,
}

/// The idempotency keys of each caller.
#[async_trait]
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Reserves `key` for a request with this fingerprint, or says what became of it.
    async fn idempotency_start(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<IdempotencyStart>;
    /// Keeps the response to the request that reserved `key`.
    async fn idempotency_finish(&self, caller: &str, key: &str, response: &StoredResponse)
    -> StoreResult<()>;
    /// Forgets a reservation whose request failed, so that a retry runs again.
    async fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()>;
}

#[async_trait]
impl<DB: Backend> IdempotencyStore for SqlStore<DB> {
    async fn idempotency_start(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
    ) -> StoreResult<IdempotencyStart> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (caller, key) DO NOTHING",
        )
        .param(caller)
        .param(key)
        .param(fingerprint)
        .param(Utc::now())
        .execute(self.db())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(IdempotencyStart::Fresh);
        }
        let row = sqlx::query(
            "SELECT fingerprint, status, content_type, body FROM idempotency_keys \
             WHERE caller = $1 AND key = $2",
        )
        .param(caller)
        .param(key)
        .fetch_one(self.db())
        .await?;
        if row.read::<String>("fingerprint")? != fingerprint {
            return Ok(IdempotencyStart::Mismatch);
        }
        Ok(match row.read::<Option<i64>>("status")? {
            None => IdempotencyStart::InProgress,
            Some(status) => IdempotencyStart::Replay(StoredResponse {
                status: u16::try_from(status).map_err(|_| StoreError::Corrupt(format!("status {status}")))?,
                content_type: row.read("content_type")?,
                body: row.read::<Option<Vec<u8>>>("body")?.unwrap_or_default(),
            }),
        })
    }

    async fn idempotency_finish(
        &self,
        caller: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 \
             WHERE caller = $4 AND key = $5",
        )
        .param(i64::from(response.status))
        .param(&response.content_type)
        .param(&response.body)
        .param(caller)
        .param(key)
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn idempotency_abandon(&self, caller: &str, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND status IS NULL")
            .param(caller)
            .param(key)
            .execute(self.db())
            .await?;
        Ok(())
    }
}
