//! Idempotency keys: the first response to each keyed POST, kept for its retries for a
//! retention period. A reservation (a request still being handled) that outlives any request
//! belongs to a request that died with its process: another request may take it over.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult};

/// A reservation older than this was left by a request that can no longer answer (longer
/// than any request may run: the HTTP layer's timeout is below it), and may be taken over.
pub const RESERVATION_MAX_AGE: Duration = Duration::from_secs(5 * 60);
/// How long a kept response is replayed; older ones are forgotten (and purged).
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

/// A response kept for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Which reservation a request holds: the time it was made, as stored (to the microsecond,
/// as both databases keep it), so that a request whose key was taken over writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation(pub DateTime<Utc>);

/// What the store knows about an `Idempotency-Key` when a POST arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyStart {
    /// First time (or the earlier reservation or response is past its age): the key is now
    /// reserved for this request.
    Fresh(Reservation),
    /// Seen before with the same request: here is the first response.
    Replay(StoredResponse),
    /// Seen before and still being handled.
    InProgress,
    /// Seen before with a different request.
    Mismatch,
}

/// The ages that count at `now`: reservations made before `stale_before` are abandoned,
/// responses kept before `expired_before` are forgotten.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyClock {
    pub now: DateTime<Utc>,
    pub stale_before: DateTime<Utc>,
    pub expired_before: DateTime<Utc>,
}

impl IdempotencyClock {
    /// The service's ages ([`RESERVATION_MAX_AGE`], [`RETENTION`]) at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        let age = |d: Duration| TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX);
        let now = now.trunc_subsecs(6);
        Self {
            now,
            stale_before: now - age(RESERVATION_MAX_AGE),
            expired_before: now - age(RETENTION),
        }
    }
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
        clock: IdempotencyClock,
    ) -> StoreResult<IdempotencyStart>;
    /// Keeps the response to the request that holds `reservation` (nothing if the key was
    /// taken over since).
    async fn idempotency_finish(
        &self,
        caller: &str,
        key: &str,
        reservation: Reservation,
        response: &StoredResponse,
    ) -> StoreResult<()>;
    /// Forgets a reservation whose request failed or never finished, so that a retry runs.
    async fn idempotency_abandon(&self, caller: &str, key: &str, reservation: Reservation)
    -> StoreResult<()>;
    /// Deletes abandoned reservations and responses past their retention; how many.
    async fn idempotency_purge(&self, clock: IdempotencyClock) -> StoreResult<u64>;
}

#[async_trait]
impl<DB: Backend> IdempotencyStore for SqlStore<DB> {
    async fn idempotency_start(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
        clock: IdempotencyClock,
    ) -> StoreResult<IdempotencyStart> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (caller, key) DO NOTHING",
        )
        .param(caller)
        .param(key)
        .param(fingerprint)
        .param(clock.now)
        .execute(self.db())
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(IdempotencyStart::Fresh(Reservation(clock.now)));
        }
        let Some(row) = sqlx::query(
            "SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys \
             WHERE caller = $1 AND key = $2",
        )
        .param(caller)
        .param(key)
        .fetch_optional(self.db())
        .await?
        else {
            // Purged or abandoned in between: a fresh start.
            return self.idempotency_start(caller, key, fingerprint, clock).await;
        };
        let created_at: DateTime<Utc> = row.read("created_at")?;
        let status = row.read::<Option<i64>>("status")?;
        let past_age = match status {
            None => created_at < clock.stale_before,
            Some(_) => created_at < clock.expired_before,
        };
        if past_age {
            // Whatever it was for, it is over: the first of the requests that see it takes
            // it (compare-and-set on the old reservation), as if new.
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET fingerprint = $1, created_at = $2, status = NULL, \
                 content_type = NULL, body = NULL WHERE caller = $3 AND key = $4 AND created_at = $5",
            )
            .param(fingerprint)
            .param(clock.now)
            .param(caller)
            .param(key)
            .param(created_at)
            .execute(self.db())
            .await?;
            return Ok(if taken.rows_affected() == 1 {
                IdempotencyStart::Fresh(Reservation(clock.now))
            } else {
                IdempotencyStart::InProgress
            });
        }
        if row.read::<String>("fingerprint")? != fingerprint {
            return Ok(IdempotencyStart::Mismatch);
        }
        Ok(match status {
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
        reservation: Reservation,
        response: &StoredResponse,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 \
             WHERE caller = $4 AND key = $5 AND created_at = $6 AND status IS NULL",
        )
        .param(i64::from(response.status))
        .param(&response.content_type)
        .param(&response.body)
        .param(caller)
        .param(key)
        .param(reservation.0)
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn idempotency_abandon(
        &self,
        caller: &str,
        key: &str,
        reservation: Reservation,
    ) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND created_at = $3 AND status IS NULL",
        )
        .param(caller)
        .param(key)
        .param(reservation.0)
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn idempotency_purge(&self, clock: IdempotencyClock) -> StoreResult<u64> {
        let purged = sqlx::query(
            "DELETE FROM idempotency_keys WHERE (status IS NULL AND created_at < $1) OR created_at < $2",
        )
        .param(clock.stale_before)
        .param(clock.expired_before)
        .execute(self.db())
        .await?;
        Ok(purged.rows_affected())
    }
}
