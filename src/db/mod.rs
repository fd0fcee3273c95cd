//! The server's database: one `Db` type with a variant per dialect (not sqlx's `AnyPool`, which cannot decode
//! UUID, timestamptz or JSONB), the URL forms Prefect accepts, and the migrations that shape the schema.

mod connect;
pub mod deadline;
pub mod group_commit;
pub mod lock;
pub mod migrations;
pub mod migrator;
pub mod session;
pub mod types;
pub mod url;

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

pub use self::url::DatabaseUrl;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A pool of connections to the server's database.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One connection taken from a `Db`, for work that must stay on one session (migrations, advisory locks).
pub enum DbConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// How to open a `Db`; the timeout comes from PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT.
#[derive(Clone, Copy, Debug)]
pub struct ConnectOptions {
    pub connect_timeout: Duration,
    pub max_connections: u32,
    /// Create a missing SQLite file (the server and `upgrade` do; read-only commands must not).
    pub create_sqlite_file: bool,
    /// The longest a statement may run (PREFECT_SERVER_DATABASE_TIMEOUT), for the server's pools; `None` for
    /// migrations, which may rightly take long, and for SQLite's write connection (see `server::serve`).
    pub statement_timeout: Option<Duration>,
}

impl Db {
    /// Opens a pool and proves it with one connection, so a wrong URL fails here with an explanation.
    pub async fn connect(url: &DatabaseUrl, options: ConnectOptions) -> anyhow::Result<Db> {
        connect::connect(url, options).await
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub async fn acquire(&self) -> Result<DbConn, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => DbConn::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => DbConn::Postgres(pool.acquire().await?),
        })
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Db::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}
