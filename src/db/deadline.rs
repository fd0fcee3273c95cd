//! PREFECT_SERVER_DATABASE_TIMEOUT: no statement of the server runs longer. PostgreSQL enforces it itself
//! (`statement_timeout` on every connection); SQLite has no such setting, so each connection of the read pool
//! gets a progress handler that interrupts a statement once its deadline, set when the connection is handed
//! out (one statement per acquire on the read pool), has passed. Either way the statement fails, the connection
//! is free again, and the request is answered 503 as Prefect answers a cancelled query.

use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Error, SqliteConnection};

/// SQLite calls the handler every this many virtual-machine steps: often enough to stop within milliseconds,
/// rarely enough to cost nothing measurable (a short statement may never reach it).
const SQLITE_STEPS_PER_CHECK: i32 = 1_000;

/// SQLITE_INTERRUPT, and PostgreSQL's query_canceled (what statement_timeout raises).
const SQLITE_INTERRUPTED: &str = "9";
const PG_QUERY_CANCELED: &str = "57014";

pub fn postgres(options: PgConnectOptions, timeout: Duration) -> PgConnectOptions {
    options.options([(
        "statement_timeout",
        format!("{}ms", timeout.as_millis().max(1)),
    )])
}

/// Gives every connection of `pool` a fresh deadline `timeout` ahead whenever it is handed out.
pub fn sqlite(pool: SqlitePoolOptions, timeout: Duration) -> SqlitePoolOptions {
    pool.after_connect(move |conn, _| start_clock(conn, timeout))
        .before_acquire(move |conn, _| {
            Box::pin(async move {
                start_clock(conn, timeout).await?;
                Ok(true)
            })
        })
}

fn start_clock(conn: &mut SqliteConnection, timeout: Duration) -> BoxFuture<'_, Result<(), Error>> {
    Box::pin(async move {
        let deadline = Instant::now() + timeout;
        conn.lock_handle()
            .await?
            .set_progress_handler(SQLITE_STEPS_PER_CHECK, move || Instant::now() < deadline);
        Ok(())
    })
}

/// True when a statement was stopped for running past its deadline.
pub fn timed_out(error: &Error) -> bool {
    match error {
        Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some(SQLITE_INTERRUPTED | PG_QUERY_CANCELED)
            )
        }
        _ => false,
    }
}
