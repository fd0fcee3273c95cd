//! One migration at a time per database: a PostgreSQL advisory lock on the migrating session, and an OS file lock
//! beside a SQLite file (sqlx's SQLite migrator takes none). Waiting is bounded and announced.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::DbConn;
use crate::error::Failure;

/// "prefect!" as an integer: a key no other tool is likely to use for `pg_advisory_lock`.
const PG_LOCK_KEY: i64 = 0x7072_6566_6563_7421;
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

fn try_file_lock(database: &Path) -> Result<Option<File>> {
    let path = lock_path(database);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot open the migration lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}
