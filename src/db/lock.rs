//! One migration at a time per database: a PostgreSQL advisory lock on the migrating session, and an OS file lock
//! beside a SQLite file (sqlx's SQLite migrator takes none). Waiting is bounded and announced.
//!
//! A second lock says "a server is using this database": every running server holds it shared, and the migration
//! commands (`server database upgrade | downgrade | reset`) take it exclusively without waiting, so they refuse to
//! change the schema under a running server. A server's own migration on start does not take it: replicas of one
//! PostgreSQL database upgrade it in turn while the others keep serving.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::DbConn;
use crate::error::Failure;

/// "prefect!" as an integer: a key no other tool is likely to use for `pg_advisory_lock`.
const PG_LOCK_KEY: i64 = 0x7072_6566_6563_7421;
/// "prefect?" for the in-use lock.
const PG_IN_USE_KEY: i64 = 0x7072_6566_6563_743f;
const POLL: Duration = Duration::from_millis(100);

pub enum MigrationLock {
    /// Held while the file stays open.
    File { _open: File },
    /// Held by the session of the connection it was taken on; released by `release` or when the session ends.
    Postgres,
    /// An in-memory SQLite database belongs to this process alone.
    Unneeded,
}

/// The lock file beside a SQLite database.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl MigrationLock {
    /// Locks `<database>.lock`. Taken before the database is even opened: switching a new file to WAL needs an
    /// exclusive lock that SQLite's busy handler does not wait for.
    pub async fn sqlite(
        database: &Path,
        wait: Duration,
        on_wait: impl FnOnce(),
    ) -> Result<MigrationLock> {
        poll(wait, on_wait, async || {
            Ok(try_file_lock(database)?.map(|file| MigrationLock::File { _open: file }))
        })
        .await
    }

    /// Takes the advisory lock on this connection's session.
    pub async fn postgres(
        conn: &mut DbConn,
        wait: Duration,
        on_wait: impl FnOnce(),
    ) -> Result<MigrationLock> {
        let DbConn::Postgres(pg) = conn else {
            return Ok(MigrationLock::Unneeded);
        };
        poll(wait, on_wait, async || {
            let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                .bind(PG_LOCK_KEY)
                .fetch_one(&mut **pg)
                .await?;
            Ok(got.then_some(MigrationLock::Postgres))
        })
        .await
    }

    pub async fn release(self, conn: &mut DbConn) -> Result<()> {
        if let (MigrationLock::Postgres, DbConn::Postgres(pg)) = (&self, conn) {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut **pg)
                .await?;
        }
        Ok(())
    }
}

/// The lock beside a SQLite database that running servers hold shared.
pub fn in_use_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".server.lock");
    PathBuf::from(name)
}

/// Held by a running server for its lifetime (shared) or by a migration command (exclusive).
pub enum InUseLock {
    File {
        _open: File,
    },
    /// A connection of its own: a session-level advisory lock lives as long as its session.
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    Unneeded,
}

impl InUseLock {
    /// A server's claim: shared with other servers, waiting (bounded) only while a migration command finishes.
    pub async fn share(db: &super::Db, sqlite_path: Option<&Path>) -> Result<InUseLock> {
        match (db, sqlite_path) {
            (super::Db::Sqlite(_), Some(path)) => {
                let file = open_lock_file(&in_use_path(path))?;
                poll_until(LOCK_WAIT_FOR_SERVER, || match file.try_lock_shared() {
                    Ok(()) => Ok(true),
                    Err(TryLockError::WouldBlock) => Ok(false),
                    Err(TryLockError::Error(e)) => Err(e.into()),
                })
                .await?;
                Ok(InUseLock::File { _open: file })
            }
            (super::Db::Postgres(pool), _) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock_shared($1)")
                    .bind(PG_IN_USE_KEY)
                    .execute(&mut *conn)
                    .await?;
                Ok(InUseLock::Postgres(conn))
            }
            _ => Ok(InUseLock::Unneeded),
        }
    }

    /// A migration command's claim: exclusive, refused at once while a server uses the database.
    pub fn exclusive_sqlite(path: &Path) -> Result<InUseLock> {
        let file = open_lock_file(&in_use_path(path))?;
        match file.try_lock() {
            Ok(()) => Ok(InUseLock::File { _open: file }),
            Err(TryLockError::WouldBlock) => Err(in_use_failure()),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// Like `exclusive_sqlite`, on the migrating session (released with it).
    pub async fn exclusive_postgres(conn: &mut DbConn) -> Result<()> {
        let DbConn::Postgres(pg) = conn else {
            return Ok(());
        };
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(PG_IN_USE_KEY)
            .fetch_one(&mut **pg)
            .await?;
        if got { Ok(()) } else { Err(in_use_failure()) }
    }

    pub async fn release_postgres(conn: &mut DbConn) -> Result<()> {
        if let DbConn::Postgres(pg) = conn {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_IN_USE_KEY)
                .execute(&mut **pg)
                .await?;
        }
        Ok(())
    }

    /// Gives the lock up; a PostgreSQL connection leaves the pool so its session (and lock) ends now.
    pub fn release(self) {
        if let InUseLock::Postgres(conn) = self {
            drop(conn.detach());
        }
    }
}

const LOCK_WAIT_FOR_SERVER: Duration = Duration::from_secs(600);

fn in_use_failure() -> anyhow::Error {
    Failure::new(
        "A prefect-rs server is using this database; changing its schema now would break it",
    )
    .hint("stop the server first (prefect-rs server stop), then run this command again")
    .into()
}

async fn poll_until(wait: Duration, mut attempt: impl FnMut() -> Result<bool>) -> Result<()> {
    let started = Instant::now();
    while !attempt()? {
        if started.elapsed() >= wait {
            return Err(Failure::new(format!(
                "A migration command has held this database for {} s; gave up waiting",
                wait.as_secs()
            ))
            .into());
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(())
}

/// Tries `attempt` until it yields the lock, calling `on_wait` once if the first try fails, for at most `wait`.
async fn poll(
    wait: Duration,
    on_wait: impl FnOnce(),
    mut attempt: impl AsyncFnMut() -> Result<Option<MigrationLock>>,
) -> Result<MigrationLock> {
    let started = Instant::now();
    let mut on_wait = Some(on_wait);
    loop {
        if let Some(lock) = attempt().await? {
            return Ok(lock);
        }
        if started.elapsed() >= wait {
            return Err(Failure::new(format!(
                "Another migration of this database has held its lock for {} s; gave up waiting",
                wait.as_secs()
            ))
            .hint("wait for the other prefect-rs command or server start to finish, then try again")
            .into());
        }
        if let Some(notify) = on_wait.take() {
            notify();
        }
        tokio::time::sleep(POLL).await;
    }
}

pub(crate) fn open_lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))
}

fn try_file_lock(database: &Path) -> Result<Option<File>> {
    let path = lock_path(database);
    let file = open_lock_file(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}
