//! What the store's SQL needs from a sqlx driver, named once in [`Backend`], so that every
//! aggregate's SQL is written once as ordinary Rust generic over the backend.
//!
//! sqlx states its requirements as bounds on other types (`String: Decode<'r, DB>`,
//! `&str: Encode<'q, DB>`, `&mut DB::Connection: Executor<'c>`), and Rust does not imply
//! such bounds from a trait: each generic impl would have to repeat all of them. Here they
//! become bounds on the backend itself, which Rust does imply: [`Encodes`] and [`Decodes`],
//! implemented for every driver that supports the type, and executors the backend hands out
//! ([`Backend::on`], [`Backend::on_pool`]). So code generic over `DB: Backend` binds with
//! [`Param::param`] (not `bind`), reads with [`Record::read`] (not `try_get`), and runs on
//! `SqlStore::db()` or `DB::on(&mut tx)`.

use std::fmt::Display;

use chrono::{DateTime, Utc};
use sqlx::query::Query;
use sqlx::query_builder::{QueryBuilder, Separated};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Transaction, Type};

use crate::store::StoreResult;

/// A sqlx driver the store runs on: the value types its SQL binds and reads, and the one
/// place where the two dialects differ.
pub trait Backend:
    Database<Arguments: IntoArguments<Self>, QueryResult: RowsAffected>
    + for<'a> Encodes<&'a str>
    + for<'a> Encodes<&'a String>
    + for<'a> Encodes<&'a Option<String>>
    + for<'a> Encodes<&'a Vec<u8>>
    + Encodes<String>
    + Encodes<i64>
    + Encodes<Option<i64>>
    + Encodes<f64>
    + Encodes<DateTime<Utc>>
    + Decodes<String>
    + Decodes<Option<String>>
    + Decodes<i64>
    + Decodes<Option<i64>>
    + Decodes<f64>
    + Decodes<Option<Vec<u8>>>
    + Decodes<DateTime<Utc>>
    + Decodes<Option<DateTime<Utc>>>
{
    /// How a transaction that writes begins.
    const BEGIN_WRITE: &'static str;

    /// How a transaction that only reads, and must see one snapshot, begins.
    const BEGIN_SNAPSHOT: &'static str;

    /// Runs statements on a connection, e.g. a transaction's (`Backend::on(&mut tx)`).
    fn on(connection: &mut Self::Connection) -> impl Executor<'_, Database = Self>;

    /// Runs each statement on a connection of the pool.
    fn on_pool(pool: &Pool<Self>) -> impl Executor<'_, Database = Self>;
}

/// What a statement did, as far as the store asks.
pub trait RowsAffected {
    /// How many rows the statement inserted, updated or deleted.
    fn rows_affected(&self) -> u64;
}

/// A backend that can bind `T` as a query parameter.
pub trait Encodes<T>: Database {
    /// Binds `value` as the query's next parameter.
    fn bind(query: Query<'_, Self, Self::Arguments>, value: T) -> Query<'_, Self, Self::Arguments>;
    /// Appends `value` to a list of a query builder, after the separator.
    fn push_separated<Sep: Display>(list: &mut Separated<'_, Self, Sep>, value: T);
    /// Appends `value` to a query builder as its next parameter.
    fn push_builder(builder: &mut QueryBuilder<Self>, value: T);
}

impl<DB: Database, T> Encodes<T> for DB
where
    T: for<'q> Encode<'q, DB> + Type<DB>,
{
    fn bind(query: Query<'_, Self, Self::Arguments>, value: T) -> Query<'_, Self, Self::Arguments> {
        query.bind(value)
    }

    fn push_separated<Sep: Display>(list: &mut Separated<'_, Self, Sep>, value: T) {
        list.push_bind(value);
    }

    fn push_builder(builder: &mut QueryBuilder<Self>, value: T) {
        builder.push_bind(value);
    }
}

/// A backend that can read a column as `T`.
pub trait Decodes<T>: Database {
    /// The named column of `row`.
    fn read(row: &Self::Row, column: &str) -> Result<T, sqlx::Error>;
}

impl<DB: Database, T> Decodes<T> for DB
where
    T: for<'r> Decode<'r, DB> + Type<DB>,
    for<'c> &'c str: ColumnIndex<DB::Row>,
{
    fn read(row: &Self::Row, column: &str) -> Result<T, sqlx::Error> {
        row.try_get(column)
    }
}

/// `bind` for code generic over the backend.
pub trait Param<DB: Database>: Sized {
    /// Binds `value` as the next parameter.
    fn param<T>(self, value: T) -> Self
    where
        DB: Encodes<T>;
}

impl<DB: Database> Param<DB> for Query<'_, DB, DB::Arguments> {
    fn param<T>(self, value: T) -> Self
    where
        DB: Encodes<T>,
    {
        DB::bind(self, value)
    }
}

/// `push_bind` on a query builder or its list, for code generic over the backend.
pub trait PushParam<DB: Database> {
    /// Appends `value` as a parameter, after the separator.
    fn push_param<T>(&mut self, value: T) -> &mut Self
    where
        DB: Encodes<T>;
}

impl<DB: Database, Sep: Display> PushParam<DB> for Separated<'_, DB, Sep> {
    fn push_param<T>(&mut self, value: T) -> &mut Self
    where
        DB: Encodes<T>,
    {
        DB::push_separated(self, value);
        self
    }
}

impl<DB: Database> PushParam<DB> for QueryBuilder<DB> {
    fn push_param<T>(&mut self, value: T) -> &mut Self
    where
        DB: Encodes<T>,
    {
        DB::push_builder(self, value);
        self
    }
}

/// A result row of a backend, read column by column.
pub trait Record: Row<Database: Backend> {
    /// The named column, as `T`.
    fn read<T>(&self, column: &str) -> Result<T, sqlx::Error>
    where
        Self::Database: Decodes<T>,
    {
        <Self::Database as Decodes<T>>::read(self, column)
    }
}

impl<R: Row<Database: Backend>> Record for R {}

/// The store on one backend; every aggregate's SQL is implemented once for it.
#[derive(Clone)]
pub struct SqlStore<DB: Backend> {
    pub(super) pool: Pool<DB>,
}

impl<DB: Backend> SqlStore<DB> {
    /// The pool, to run single statements on.
    pub(super) fn db(&self) -> impl Executor<'_, Database = DB> {
        DB::on_pool(&self.pool)
    }

    /// A transaction that writes, begun the backend's way.
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, DB>> {
        Ok(self.pool.begin_with(DB::BEGIN_WRITE).await?)
    }

    /// A transaction whose reads all see the same committed state.
    pub(super) async fn begin_snapshot(&self) -> StoreResult<Transaction<'static, DB>> {
        Ok(self.pool.begin_with(DB::BEGIN_SNAPSHOT).await?)
    }
}

/// Whether the database refused a duplicate key.
pub(super) fn unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Rows a multi-row `INSERT` carries at most: a timetable of 80,000 meetings is a few hundred
/// statements, not a few hundred thousand round trips, and no statement nears either
/// database's limit on parameters.
const ROWS_PER_INSERT: usize = 1000;

/// Inserts `rows` with `prefix` (`INSERT INTO t (a, b) `), `push` writing one row's values.
pub(super) async fn insert_rows<DB: Backend, T>(
    conn: &mut DB::Connection,
    prefix: &str,
    rows: &[T],
    mut push: impl FnMut(&mut Separated<'_, DB, &'static str>, &T),
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = QueryBuilder::<DB>::new(prefix);
        query.push_values(chunk, |mut row, item| push(&mut row, item));
        query.build().execute(DB::on(conn)).await?;
    }
    Ok(())
}
