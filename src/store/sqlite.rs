//! The embedded default backend: one SQLite file, created on first start.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteQueryResult,
};
use sqlx::{Connection as _, Executor, Pool, Sqlite};

use crate::store::backend::{Backend, RowsAffected, SqlStore};

/// The store on a SQLite database.
pub type SqliteStore = SqlStore<Sqlite>;

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Writers queue on the database lock; give bursts of them time.
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(super::ACQUIRE_TIMEOUT)
            // A COMMIT that fails (SQLITE_FULL: the disk is full) leaves sqlx counting a
            // transaction that SQLite already rolled back, and every later BEGIN on that
            // connection fails. Such a connection is closed, not reused. (The ping before
            // acquire runs first, after any rollback still queued on the connection.)
            .before_acquire(|conn, _| Box::pin(async move { Ok(!conn.is_in_transaction()) }))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl Backend for Sqlite {
    // Write transactions take the database lock up front: a deferred transaction that reads
    // first cannot wait for the lock later, it fails with SQLITE_BUSY.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // In WAL mode a read transaction sees the database as of its first read.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN";

    fn on(connection: &mut SqliteConnection) -> impl Executor<'_, Database = Self> {
        connection
    }

    fn on_pool(pool: &Pool<Self>) -> impl Executor<'_, Database = Self> {
        pool
    }
}

impl RowsAffected for SqliteQueryResult {
    fn rows_affected(&self) -> u64 {
        SqliteQueryResult::rows_affected(self)
    }
}
