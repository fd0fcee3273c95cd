//! Group commit for SQLite: concurrent writers take turns on the one write connection, each in its own SAVEPOINT
//! of a shared transaction, and the last writer of a burst commits for all of them. Every writer answers only
//! once its work is committed, so nothing is acknowledged that a crash could lose; but a burst of N requests
//! costs one commit instead of N (SQLite writes every changed index page per commit).
//!
//! Every statement is a round trip to the connection's thread, and at this rate the round trips, not SQLite,
//! are what a write costs. So a writer that succeeds leaves its savepoint open, and the next writer releases it
//! in the same round trip as it opens its own (`RELEASE w7; SAVEPOINT w8`); COMMIT releases the last one.
//! Savepoints are numbered, so rolling one back can never reach an earlier writer's work.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, watch};

/// How many writers may share one transaction before it is committed anyway.
const MAX_GROUP: usize = 128;
/// A writer that left the commit to the next one checks this often that it happened (the next one may have
/// been cancelled, e.g. its client went away).
const COMMIT_CHECK: Duration = Duration::from_millis(5);

pub struct GroupCommit {
    pool: SqlitePool,
    inner: Mutex<Inner>,
    /// Writers waiting for the connection.
    queued: AtomicUsize,
    /// The number of the last finished transaction.
    finished: watch::Sender<u64>,
    /// The last transaction whose COMMIT failed (a full disk, say); its writers report the error.
    failed: AtomicU64,
}

#[derive(Default)]
struct Inner {
    conn: Option<PoolConnection<Sqlite>>,
    /// The open transaction's number; 0 when none is open.
    open: u64,
    last: u64,
    writers: usize,
    /// The number of the last savepoint opened.
    savepoints: u64,
    /// The savepoint of the last writer that succeeded, left for the next writer (or COMMIT) to release.
    releasable: Option<u64>,
    /// The savepoint of a writer that was cancelled inside its work: rolled back before anything else runs.
    abandoned: Option<u64>,
}

impl GroupCommit {
    pub fn new(pool: SqlitePool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            inner: Mutex::new(Inner::default()),
            queued: AtomicUsize::new(0),
            finished: watch::channel(0).0,
            failed: AtomicU64::new(0),
        })
    }

    /// Closes the write connection's pool (after the server has stopped writing).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs `work` in its own savepoint; returns once the transaction holding it has committed.
    pub async fn write<T>(
        &self,
        work: impl AsyncFnOnce(&mut SqliteConnection) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        let mut inner = {
            // Counted while waiting, and uncounted even if this writer is cancelled while it waits.
            let _queued = Queued::enter(&self.queued);
            self.inner.lock().await
        };
        let group = self.join(&mut inner).await?;
        inner.savepoints += 1;
        let savepoint = inner.savepoints;
        let open = match inner.releasable.take() {
            Some(previous) => format!("RELEASE w{previous}; SAVEPOINT w{savepoint}"),
            None => format!("SAVEPOINT w{savepoint}"),
        };
        // Flagged first: if this writer is cancelled anywhere below, the next one rolls its savepoint back.
        inner.abandoned = Some(savepoint);
        let conn = inner
            .conn
            .as_mut()
            .expect("a connection while a transaction is open");
        let outcome = match sqlx::raw_sql(AssertSqlSafe(open))
            .execute(&mut **conn)
            .await
        {
            Ok(_) => work(conn).await,
            Err(e) => Err(e),
        };
        if outcome.is_ok() {
            inner.releasable = Some(savepoint);
        } else {
            // Harmless when the savepoint never opened: the name is this writer's alone.
            rollback_to(conn, savepoint).await;
        }
        inner.abandoned = None;
        inner.writers += 1;
        if self.queued.load(Ordering::SeqCst) == 0 || inner.writers >= MAX_GROUP {
            self.commit(&mut inner).await?;
            return outcome;
        }
        drop(inner);
        self.wait_for(group).await?;
        outcome
    }

    /// Opens a transaction unless one is open (cleaning up after a cancelled writer); returns its number.
    async fn join(&self, inner: &mut Inner) -> Result<u64, sqlx::Error> {
        discard_abandoned(inner).await;
        if inner.conn.is_none() {
            let mut conn = self.pool.acquire().await?;
            if sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut *conn)
                .await
                .is_err()
            {
                // A writer cancelled while beginning may have left the connection inside a transaction.
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
                sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await?;
            }
            inner.last += 1;
            inner.open = inner.last;
            inner.writers = 0;
            inner.releasable = None;
            inner.conn = Some(conn);
        }
        Ok(inner.open)
    }

    async fn commit(&self, inner: &mut Inner) -> Result<(), sqlx::Error> {
        // A cancelled writer's half-done work must not be committed with the others'.
        discard_abandoned(inner).await;
        let group = inner.open;
        // The state says "no transaction" before the COMMIT runs: if this writer is cancelled while it waits
        // for the COMMIT, SQLite still finishes it, and the group's other writers see it through `wait_for`.
        let mut conn = inner
            .conn
            .take()
            .expect("a connection while a transaction is open");
        inner.open = 0;
        let committed = sqlx::raw_sql("COMMIT").execute(&mut *conn).await;
        if committed.is_err() {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            self.failed.store(group, Ordering::SeqCst);
        }
        self.finished.send_if_modified(|last| {
            let newer = group > *last;
            *last = (*last).max(group);
            newer
        });
        committed.map(drop)
    }

    /// Waits until transaction `group` has finished; commits it ourselves if the writer meant to has gone.
    async fn wait_for(&self, group: u64) -> Result<(), sqlx::Error> {
        let mut finished = self.finished.subscribe();
        loop {
            if *finished.borrow_and_update() >= group {
                return if self.failed.load(Ordering::SeqCst) == group {
                    Err(sqlx::Error::Protocol(
                        "the transaction holding this write failed to commit".into(),
                    ))
                } else {
                    Ok(())
                };
            }
            if tokio::time::timeout(COMMIT_CHECK, finished.changed())
                .await
                .is_err()
            {
                // Holding the lock, no writer is inside its savepoint (a cancelled one's work is discarded).
                let mut inner = self.inner.lock().await;
                if inner.open == group && inner.conn.is_some() {
                    self.commit(&mut inner).await?;
                } else if *self.finished.borrow() < group {
                    // Its committer was cancelled while committing; SQLite finished the COMMIT regardless.
                    self.finished.send_if_modified(|last| {
                        let newer = group > *last;
                        *last = (*last).max(group);
                        newer
                    });
                }
            }
        }
    }
}

/// Undoes the work of a writer that was cancelled inside its savepoint.
async fn discard_abandoned(inner: &mut Inner) {
    if let Some(savepoint) = inner.abandoned.take()
        && let Some(conn) = inner.conn.as_mut()
    {
        rollback_to(conn, savepoint).await;
    }
}

/// Undoes everything since savepoint `n` and closes it. An error means it was never opened: nothing to undo.
async fn rollback_to(conn: &mut SqliteConnection, n: u64) {
    let _ = sqlx::raw_sql(AssertSqlSafe(format!("ROLLBACK TO w{n}; RELEASE w{n}")))
        .execute(conn)
        .await;
}

/// Counts a writer waiting for the connection for as long as it exists.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Queued(counter)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{ConnectOptions, DatabaseUrl, Db};

    /// A group committer over a fresh file with a table `t (n)`, and a pool to read it back.
    async fn table_t(dir: &std::path::Path) -> (Arc<GroupCommit>, SqlitePool) {
        let url = DatabaseUrl::parse(&format!("sqlite:///{}", dir.join("g.db").display())).unwrap();
        let options = ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            max_connections: 1,
            create_sqlite_file: true,
            statement_timeout: None,
        };
        let Db::Sqlite(pool) = Db::connect(&url, options).await.unwrap() else {
            unreachable!()
        };
        sqlx::raw_sql("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await
            .unwrap();
        (GroupCommit::new(pool.clone()), pool)
    }

    async fn insert(conn: &mut SqliteConnection, n: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(conn)
            .await
            .map(drop)
    }

    /// A writer that inserts `n` and is then cancelled (its client went away) before its work ends.
    async fn cancel_after_inserting(group: &Arc<GroupCommit>, n: i64) {
        let (inserted, inserted_rx) = tokio::sync::oneshot::channel();
        let group = group.clone();
        let writer = tokio::spawn(async move {
            group
                .write(async |conn| {
                    insert(conn, n).await?;
                    let _ = inserted.send(());
                    std::future::pending::<()>().await;
                    Ok(())
                })
                .await
        });
        inserted_rx.await.unwrap();
        writer.abort();
        let _ = writer.await;
    }

    async fn stored(pool: &SqlitePool) -> Vec<i64> {
        sqlx::query_scalar("SELECT n FROM t ORDER BY n")
            .fetch_all(pool)
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_share_commits_and_a_failing_one_rolls_back_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (group, pool) = table_t(dir.path()).await;
        let writers: Vec<_> = (0..64)
            .map(|n: i64| {
                let group = group.clone();
                tokio::spawn(async move {
                    group
                        .write(async |conn: &mut SqliteConnection| {
                            // Writer 13 fails half-way: its first insert must vanish, the others' must not.
                            insert(conn, n).await?;
                            if n == 13 {
                                sqlx::query("INSERT INTO missing VALUES (1)")
                                    .execute(&mut *conn)
                                    .await?;
                            }
                            Ok(n)
                        })
                        .await
                })
            })
            .collect();
        let mut failed = Vec::new();
        for writer in writers {
            if let Err(e) = writer.await.unwrap() {
                failed.push(e.to_string());
            }
        }
        assert_eq!(failed.len(), 1, "{failed:?}");
        let expected: Vec<i64> = (0..64).filter(|n| *n != 13).collect();
        assert_eq!(stored(&pool).await, expected);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_cancelled_inside_its_work_leaves_nothing_and_the_writers_around_it_keep_theirs()
     {
        let dir = tempfile::tempdir().unwrap();
        let (group, pool) = table_t(dir.path()).await;
        // Writer 1 succeeds but is not committed yet: writer 2 queues behind it and is cancelled half-way.
        let first = {
            let group = group.clone();
            tokio::spawn(async move { group.write(async |conn| insert(conn, 1).await).await })
        };
        cancel_after_inserting(&group, 2).await;
        group
            .write(async |conn| insert(conn, 3).await)
            .await
            .unwrap();
        first.await.unwrap().unwrap();
        assert_eq!(stored(&pool).await, vec![1, 3]);
        // A committer that finds the half-done work (no writer after it) discards it too.
        cancel_after_inserting(&group, 4).await;
        let mut inner = group.inner.lock().await;
        if inner.conn.is_some() {
            group.commit(&mut inner).await.unwrap();
        }
        drop(inner);
        assert_eq!(stored(&pool).await, vec![1, 3]);
    }
}
