//! The `worker` table: the workers of each pool, by name, with their last heartbeat. A heartbeat makes a worker
//! ONLINE (and its pool READY when it was NOT_READY); the foreman makes it OFFLINE when heartbeats stop.

use serde_json::Value;

use super::error::StoreError;
use super::filter::{Where, where_sql};
use super::{Param, Writer, bind_all, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Worker {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub last_heartbeat_time: Timestamp,
    pub work_pool_id: Id,
    pub heartbeat_interval_seconds: Option<i32>,
}

/// `SELECT {COLUMNS} FROM worker …` (no alias: filters name columns `worker.<field>`).
pub const COLUMNS: &str =
    "id, created, updated, name, last_heartbeat_time, work_pool_id, heartbeat_interval_seconds";

/// Records a heartbeat: the worker is created or updated, ONLINE, heartbeat now.
pub async fn heartbeat(
    writer: &Writer,
    pool: Id,
    name: &str,
    interval: Option<i64>,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    let interval = interval.map(|i| i32::try_from(i).unwrap_or(i32::MAX));
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO worker (id, created, updated, name, last_heartbeat_time, work_pool_id, \
             heartbeat_interval_seconds, status) VALUES ($1, $2, $2, $3, $2, $4, $5, 'ONLINE') \
             ON CONFLICT (work_pool_id, name) DO UPDATE SET last_heartbeat_time = $2, updated = $2, \
             status = 'ONLINE', heartbeat_interval_seconds = COALESCE($5, worker.heartbeat_interval_seconds)",
        )
        .bind(new_v7())
        .bind(now)
        .bind(name)
        .bind(pool)
        .bind(interval)
        .execute(&mut *tx)
        .await?;
    })
}

/// A pool's workers matching a `WorkerFilter`, latest heartbeat first, one page.
pub async fn filter(
    db: &Db,
    pool: Id,
    filter: &Value,
    limit: i64,
    offset: i64,
) -> Result<Vec<Worker>, StoreError> {
    let mut w = Where::new(db.dialect());
    let p = w.bind(Param::Id(pool));
    let mut parts = vec![format!("worker.work_pool_id = {p}")];
    parts.extend(w.workers(filter, "worker")?);
    let condition = where_sql(&parts);
    let page = w.page(
        "worker.last_heartbeat_time DESC",
        "worker.id DESC",
        limit,
        offset,
    );
    let sql = format!("SELECT {COLUMNS} FROM worker{condition}{page}");
    let params = w.params;
    Ok(
        on_db!(db, p => bind_all!(sqlx::query_as::<_, Worker>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(p).await?),
    )
}

/// Deletes the pool's worker of that name; whether there was one.
pub async fn delete(writer: &Writer, pool: Id, name: &str) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM worker WHERE work_pool_id = $1 AND name = $2")
            .bind(pool)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected() > 0
    })
}

/// ONLINE workers whose last heartbeat is more than `multiple` × their interval (or `fallback` seconds when
/// they gave none) ago, set OFFLINE (the foreman); how many.
pub async fn mark_offline(
    writer: &Writer,
    now: Timestamp,
    multiple: i64,
    fallback: i64,
) -> Result<u64, sqlx::Error> {
    // The cutoff is worked out per worker in Rust: date arithmetic differs between the dialects, and a pool
    // has few workers.
    write_tx!(writer, tx => {
        let online: Vec<(Id, Timestamp, Option<i32>)> = sqlx::query_as(
            "SELECT id, last_heartbeat_time, heartbeat_interval_seconds FROM worker WHERE status = 'ONLINE'",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut marked = 0;
        for (id, last, interval) in online {
            let allowed = interval.map_or(fallback, i64::from).saturating_mul(multiple) as f64;
            if (now.0 - last.0).as_seconds_f64() > allowed {
                sqlx::query("UPDATE worker SET status = 'OFFLINE' WHERE id = $1 AND status = 'ONLINE'")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                marked += 1;
            }
        }
        marked
    })
}
