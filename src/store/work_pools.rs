//! The `work_pool` table: pools of work that workers poll, each made with its `default` queue (the two reference
//! each other: the queue belongs to the pool, the pool names the queue as its default). A pool's `status` follows
//! Prefect's rules: PAUSED while paused, READY while a worker is online, NOT_READY otherwise (a `prefect-agent`
//! pool has none of these).

use serde_json::Value;

use super::error::StoreError;
use super::filter::{Where, where_sql};
use super::work_queues::{self, NewQueue};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::types::{Id, IdList, Timestamp};
use crate::db::{Db, Dialect};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct WorkPool {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub description: Option<String>,
    pub pool_type: String,
    pub base_job_template: JsonValue,
    pub is_paused: bool,
    pub concurrency_limit: Option<i32>,
    pub default_queue_id: Option<Id>,
    pub status: String,
    pub last_transitioned_status_at: Option<Timestamp>,
    pub last_status_event_id: Option<Id>,
    pub storage_configuration: JsonValue,
}

/// The columns of a `SELECT … FROM work_pool` (no alias: filters name columns `work_pool.<field>`).
pub const COLUMNS: &str = "id, created, updated, name, description, type AS pool_type, base_job_template, \
    is_paused, concurrency_limit, default_queue_id, status, last_transitioned_status_at, last_status_event_id, \
    storage_configuration";

/// The pool type whose pools have no status (Prefect's legacy agents).
pub const AGENT_TYPE: &str = "prefect-agent";

/// What a create sets.
pub struct NewPool {
    pub name: String,
    pub description: Option<String>,
    pub pool_type: String,
    pub base_job_template: Value,
    pub is_paused: bool,
    pub concurrency_limit: Option<i64>,
    pub storage_configuration: Value,
}

/// What an update sets; `None` leaves a field as it is (`description: Some(None)` sets null).
#[derive(Default)]
pub struct Changes {
    pub description: Option<Option<String>>,
    pub is_paused: Option<bool>,
    pub base_job_template: Option<Value>,
    pub concurrency_limit: Option<Option<i64>>,
    pub storage_configuration: Option<Value>,
    /// Set by the server itself (a heartbeat, the foreman), never by a client.
    pub status: Option<&'static str>,
}

/// A pool before and after an update, for the events that tell what changed.
pub struct Updated {
    pub before: WorkPool,
    pub after: WorkPool,
    /// The status changed (or was set again), with this event id.
    pub status_event: Option<Id>,
}

/// A concurrency limit as the INTEGER column holds it: one past its range is as good as no limit.
pub fn limit_column(limit: i64) -> i32 {
    i32::try_from(limit).unwrap_or(i32::MAX)
}

fn lock(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "",
        Dialect::Postgres => " FOR UPDATE",
    }
}

/// Creates the pool and its `default` queue; `None` when the name is taken.
pub async fn create(
    writer: &Writer,
    new: &NewPool,
) -> Result<Option<(WorkPool, work_queues::WorkQueue)>, sqlx::Error> {
    let now = Timestamp::now();
    let id = new_v7();
    let status = if new.pool_type == AGENT_TYPE {
        "NOT_READY"
    } else if new.is_paused {
        "PAUSED"
    } else {
        "NOT_READY"
    };
    let default_queue = NewQueue {
        name: "default".into(),
        description: "The work pool's default queue.".into(),
        is_paused: false,
        concurrency_limit: None,
        priority: None,
    };
    write_tx!(writer, tx => {
        let inserted = sqlx::query(
            "INSERT INTO work_pool (id, created, updated, name, description, type, base_job_template, is_paused, \
             concurrency_limit, status, storage_configuration) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(id)
        .bind(now)
        .bind(&new.name)
        .bind(&new.description)
        .bind(&new.pool_type)
        .bind(json(&new.base_job_template))
        .bind(new.is_paused)
        .bind(new.concurrency_limit.map(limit_column))
        .bind(status)
        .bind(json(&new.storage_configuration))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(None);
        }
        let queue = work_queues::insert_queue!(tx, id, &default_queue, now).await?;
        sqlx::query("UPDATE work_pool SET default_queue_id = $2 WHERE id = $1")
            .bind(id)
            .bind(queue.id)
            .execute(&mut *tx)
            .await?;
        let pool = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM work_pool WHERE id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        Some((pool, queue))
    })
}

pub async fn read_by_name(db: &Db, name: &str) -> Result<Option<WorkPool>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM work_pool WHERE name = $1");
    on_db!(db, pool => sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(pool).await)
}

pub async fn read(db: &Db, id: Id) -> Result<Option<WorkPool>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM work_pool WHERE id = $1");
    on_db!(db, pool => sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
}

/// Pools matching a `WorkPoolFilter`, by name, one page.
pub async fn filter(
    db: &Db,
    filter: &Value,
    limit: i64,
    offset: i64,
) -> Result<Vec<WorkPool>, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&Vec::from_iter(w.work_pools(filter, "work_pool")?));
    let page = w.page("work_pool.name ASC", "work_pool.id ASC", limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM work_pool{condition}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

pub async fn count(db: &Db, filter: &Value) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&Vec::from_iter(w.work_pools(filter, "work_pool")?));
    let sql = format!("SELECT COUNT(*) FROM work_pool{condition}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// Runs of the pools' queues in Pending or Running (what their concurrency limits count), by pool.
pub async fn active_slots(db: &Db, pool_ids: &[Id]) -> Result<Vec<(Id, i64)>, sqlx::Error> {
    if pool_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::new(db.dialect());
    let pools = w.in_list(
        "wq.work_pool_id",
        Param::Ids(IdList(pool_ids.to_vec())),
        false,
    );
    let sql = format!(
        "SELECT wq.work_pool_id, COUNT(fr.id) FROM flow_run fr JOIN work_queue wq ON wq.id = fr.work_queue_id \
         WHERE {pools} AND fr.state_type IN ('PENDING', 'RUNNING') GROUP BY wq.work_pool_id"
    );
    let params = w.params;
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, (Id, i64)>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// Applies `changes` as Prefect's `update_work_pool` does: pausing sets PAUSED, resuming READY when a worker is
/// online and NOT_READY otherwise, and a status change gets a new event id and transition time. `None` when
/// there is no such pool.
pub async fn update(
    writer: &Writer,
    id: Id,
    changes: &Changes,
) -> Result<Option<Updated>, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} FROM work_pool WHERE id = $1{}",
        lock(writer.dialect())
    );
    write_tx!(writer, tx => {
        let Some(before) = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let mut status = changes.status;
        if before.pool_type != AGENT_TYPE {
            match changes.is_paused {
                Some(true) => status = Some("PAUSED"),
                Some(false) => {
                    let online: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM worker WHERE work_pool_id = $1 AND status = 'ONLINE'",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    status = Some(if online > 0 { "READY" } else { "NOT_READY" });
                }
                None => {}
            }
        }
        let now = Timestamp::now();
        let status_event = status.map(|_| new_v7());
        let description = changes.description.clone().unwrap_or(before.description.clone());
        let concurrency_limit = changes
            .concurrency_limit
            .map_or(before.concurrency_limit, |l| l.map(limit_column));
        let template = changes.base_job_template.clone().unwrap_or(before.base_job_template.0.clone());
        let storage = changes.storage_configuration.clone().unwrap_or(before.storage_configuration.0.clone());
        let after = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(format!(
            "UPDATE work_pool SET updated = $2, description = $3, is_paused = $4, base_job_template = $5, \
             concurrency_limit = $6, storage_configuration = $7, status = COALESCE($8, status), \
             last_status_event_id = COALESCE($9, last_status_event_id), \
             last_transitioned_status_at = CASE WHEN $8 IS NULL THEN last_transitioned_status_at ELSE $2 END \
             WHERE id = $1 RETURNING {COLUMNS}"
        )))
        .bind(id)
        .bind(now)
        .bind(description)
        .bind(changes.is_paused.unwrap_or(before.is_paused))
        .bind(json(&template))
        .bind(concurrency_limit)
        .bind(json(&storage))
        .bind(status)
        .bind(status_event)
        .fetch_one(&mut *tx)
        .await?;
        Some(Updated { before, after, status_event })
    })
}

/// Deletes the pool with its queues and workers; what it was, with its queues, `None` when there was none. Runs
/// in its queues keep their queue's name but lose the link (Prefect's ON DELETE SET NULL).
pub async fn delete(
    writer: &Writer,
    id: Id,
) -> Result<Option<(WorkPool, Vec<work_queues::WorkQueue>)>, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} FROM work_pool WHERE id = $1{}",
        lock(writer.dialect())
    );
    let queues_sql = format!(
        "SELECT {} WHERE wq.work_pool_id = $1 ORDER BY wq.priority",
        work_queues::COLUMNS
    );
    write_tx!(writer, tx => {
        let Some(pool) = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let queues = sqlx::query_as::<_, work_queues::WorkQueue>(sqlx::AssertSqlSafe(queues_sql.clone()))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE flow_run SET work_queue_id = NULL WHERE work_queue_id IN \
             (SELECT id FROM work_queue WHERE work_pool_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE deployment SET work_queue_id = NULL WHERE work_queue_id IN \
             (SELECT id FROM work_queue WHERE work_pool_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The pool names its default queue (ON DELETE RESTRICT): unlink it before the queues go with the pool.
        sqlx::query("UPDATE work_pool SET default_queue_id = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM work_pool WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Some((pool, queues))
    })
}

/// READY pools with no online worker, set NOT_READY (the foreman); the pools as they are now.
pub async fn mark_not_ready_without_workers(writer: &Writer) -> Result<Vec<Updated>, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} FROM work_pool WHERE status = 'READY' AND NOT EXISTS \
         (SELECT 1 FROM worker w WHERE w.work_pool_id = work_pool.id AND w.status = 'ONLINE')"
    );
    let update = format!(
        "UPDATE work_pool SET status = 'NOT_READY', updated = $2, last_status_event_id = $3, \
         last_transitioned_status_at = $2 WHERE id = $1 AND status = 'READY' RETURNING {COLUMNS}"
    );
    write_tx!(writer, tx => {
        let pools = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(select.clone()))
            .fetch_all(&mut *tx)
            .await?;
        let mut updated = Vec::new();
        for before in pools {
            let event = new_v7();
            let after = sqlx::query_as::<_, WorkPool>(sqlx::AssertSqlSafe(update.clone()))
                .bind(before.id)
                .bind(Timestamp::now())
                .bind(event)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(after) = after {
                updated.push(Updated { before, after, status_event: Some(event) });
            }
        }
        updated
    })
}
