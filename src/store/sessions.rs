//! Web sign-in sessions, kept server-side: signing out deletes the row, so a copy of the
//! cookie is worth nothing afterwards, on every node. Only a session id's SHA-256 is stored;
//! the id itself is in the browser's cookie.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};
use crate::store::{StoreError, StoreResult};

/// Who a session signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A participant of one event.
    Participant { event: String, id: String },
    /// The organiser (for the organiser's pages).
    Organiser,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq)]
pub struct WebSession {
    /// SHA-256 (hex) of the session id the cookie carries.
    pub id_hash: String,
    pub principal: Principal,
    pub created_at: DateTime<Utc>,
    /// After this the session is over, whatever the cookie says.
    pub expires_at: DateTime<Utc>,
}

/// The web sessions of the deployment.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// Records a new session.
    async fn create_session(&self, session: &WebSession) -> StoreResult<()>;
    /// The session with this id hash, unless it expired before `now`.
    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<WebSession>>;
    /// Ends a session; returns whether there was one.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<bool>;
    /// Ends every session of a participant (its token was revoked); returns how many.
    async fn delete_participant_sessions(&self, event: &str, participant: &str) -> StoreResult<u64>;
    /// Forgets the sessions that expired before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64>;
}

fn session_from(row: &impl Record) -> StoreResult<WebSession> {
    let kind: String = row.read("principal")?;
    let principal = match kind.as_str() {
        "organiser" => Principal::Organiser,
        "participant" => Principal::Participant {
            event: row
                .read::<Option<String>>("event_id")?
                .ok_or_else(|| StoreError::Corrupt("participant session without event".into()))?,
            id: row
                .read::<Option<String>>("participant_id")?
                .ok_or_else(|| StoreError::Corrupt("participant session without participant".into()))?,
        },
        other => return Err(StoreError::Corrupt(format!("session principal {other:?}"))),
    };
    Ok(WebSession {
        id_hash: row.read("id_hash")?,
        principal,
        created_at: row.read("created_at")?,
        expires_at: row.read("expires_at")?,
    })
}

#[async_trait]
impl<DB: Backend> SessionStore for SqlStore<DB> {
    async fn create_session(&self, s: &WebSession) -> StoreResult<()> {
        let (kind, event, participant) = match &s.principal {
            Principal::Participant { event, id } => ("participant", Some(event.clone()), Some(id.clone())),
            Principal::Organiser => ("organiser", None, None),
        };
        sqlx::query(
            "INSERT INTO web_sessions (id_hash, principal, event_id, participant_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .param(&s.id_hash)
        .param(kind)
        .param(&event)
        .param(&participant)
        .param(s.created_at)
        .param(s.expires_at)
        .execute(self.db())
        .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<WebSession>> {
        let row = sqlx::query("SELECT * FROM web_sessions WHERE id_hash = $1")
            .param(id_hash)
            .fetch_optional(self.db())
            .await?;
        // Expiry is judged here on the decoded instant, not by comparing stored text.
        Ok(row
            .as_ref()
            .map(session_from)
            .transpose()?
            .filter(|s| s.expires_at > now))
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
            .param(id_hash)
            .execute(self.db())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_participant_sessions(&self, event: &str, participant: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE participant_id = $1 AND event_id = $2")
            .param(participant)
            .param(event)
            .execute(self.db())
            .await?;
        Ok(done.rows_affected())
    }

    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
            .param(now)
            .execute(self.db())
            .await?;
        Ok(done.rows_affected())
    }
}
