//! Service-wide state: whether the database answers, and the settings table.

use async_trait::async_trait;

use crate::store::StoreResult;
use crate::store::backend::{Backend, Param, Record, RowsAffected, SqlStore};

/// The database's health and the service-wide settings.
#[async_trait]
pub trait SettingsStore: Send + Sync + 'static {
    /// Whether the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// A service-wide setting.
    async fn setting(&self, name: &str) -> StoreResult<Option<String>>;
    /// Sets a setting unless it is already set; returns whether it was set now.
    async fn init_setting(&self, name: &str, value: &str) -> StoreResult<bool>;
}

#[async_trait]
impl<DB: Backend> SettingsStore for SqlStore<DB> {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.db()).await?;
        Ok(())
    }

    async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE name = $1")
            .param(name)
            .fetch_optional(self.db())
            .await?;
        Ok(row.map(|r| r.read("value")).transpose()?)
    }

    async fn init_setting(&self, name: &str, value: &str) -> StoreResult<bool> {
        let done =
            sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .param(name)
                .param(value)
                .execute(self.db())
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
