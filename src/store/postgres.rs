//! The PostgreSQL backend.

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};

/// The store on a PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` and runs the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

sql_store!(PgStore, sqlx::Postgres, PgRow, "BEGIN");
