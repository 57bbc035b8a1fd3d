//! The PostgreSQL backend.

use sqlx::postgres::{PgConnection, PgPoolOptions, PgQueryResult};
use sqlx::{Executor, Pool, Postgres};

use crate::store::backend::{Backend, RowsAffected, SqlStore};

/// The store on a PostgreSQL database.
pub type PgStore = SqlStore<Postgres>;

impl PgStore {
    /// Connects to `url` and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(super::ACQUIRE_TIMEOUT)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl Backend for Postgres {
    // Row locks taken by the first write of each transaction serialise what must be.
    const BEGIN_WRITE: &'static str = "BEGIN";
    // Each statement of a READ COMMITTED transaction sees a new snapshot; these see one.
    const BEGIN_SNAPSHOT: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

    fn on(connection: &mut PgConnection) -> impl Executor<'_, Database = Self> {
        connection
    }

    fn on_pool(pool: &Pool<Self>) -> impl Executor<'_, Database = Self> {
        pool
    }
}

impl RowsAffected for PgQueryResult {
    fn rows_affected(&self) -> u64 {
        PgQueryResult::rows_affected(self)
    }
}
