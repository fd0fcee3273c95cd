//! The `work_queue` table: a pool's queues, in priority order (1 first, unique within the pool), and what a
//! worker's poll reads: each queue's scheduled runs, soonest first, within the queues' and the pool's
//! concurrency limits.

use serde_json::Value;

use super::error::StoreError;
use super::filter::{Where, where_sql};
use super::flow_runs::{self, FlowRun};
use super::{Param, Writer, bind_all, on_db, write_tx};
use crate::db::types::{Id, IdList, Timestamp};
use crate::db::{Db, Dialect};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct WorkQueue {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub filter: Option<super::JsonValue>,
    pub description: String,
    pub is_paused: bool,
    pub concurrency_limit: Option<i32>,
    pub last_polled: Option<Timestamp>,
    pub priority: i32,
    pub work_pool_id: Id,
    pub status: String,
    pub work_pool_name: String,
    pub work_pool_type: String,
    /// The pool's pause and limit, which a poll needs with the queues.
    pub pool_is_paused: bool,
    pub pool_concurrency_limit: Option<i32>,
}

/// `SELECT {COLUMNS} WHERE …`: a queue (`wq`) with its pool's name (`wp`).
pub const COLUMNS: &str = "wq.id, wq.created, wq.updated, wq.name, wq.filter, wq.description, wq.is_paused, \
    wq.concurrency_limit, wq.last_polled, wq.priority, wq.work_pool_id, wq.status, wp.name AS work_pool_name, \
    wp.type AS work_pool_type, wp.is_paused AS pool_is_paused, wp.concurrency_limit AS pool_concurrency_limit FROM work_queue wq JOIN work_pool wp ON wp.id = wq.work_pool_id";

/// What a create sets; no `priority` takes the first free one.
pub struct NewQueue {
    pub name: String,
    pub description: String,
    pub is_paused: bool,
    pub concurrency_limit: Option<i64>,
    pub priority: Option<i64>,
}

/// What an update sets; `None` leaves a field as it is.
#[derive(Default)]
pub struct Changes {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub is_paused: Option<bool>,
    pub concurrency_limit: Option<Option<i64>>,
    pub priority: Option<i64>,
    pub last_polled: Option<Option<Timestamp>>,
}

pub struct Updated {
    pub before: WorkQueue,
    pub after: WorkQueue,
}

/// Why a queue was not deleted.
pub enum Deleted {
    Gone(Box<WorkQueue>),
    NotFound,
    /// It is its pool's default queue.
    Default,
}

/// Failures of a create or update that are the client's.
pub enum Refused {
    /// The name is taken in the pool.
    Duplicate,
}

/// Prefect's "is the last poll recent" window: 60 s.
const RECENT_POLL_SECONDS: f64 = 60.0;

/// Inserts a queue into pool `$pool` in transaction `$tx` and evaluates to `Result<WorkQueue, sqlx::Error>`:
/// the first free priority when none is given, else the given one with the others moved down as Prefect does.
macro_rules! insert_queue {
    ($tx:expr, $pool:expr, $new:expr, $now:expr) => {
        async {
            let new: &$crate::store::work_queues::NewQueue = $new;
            let taken: Vec<i32> =
                sqlx::query_scalar("SELECT priority FROM work_queue WHERE work_pool_id = $1")
                    .bind($pool)
                    .fetch_all(&mut *$tx)
                    .await?;
            let priority = $crate::store::work_queues::first_free_priority(taken);
            let id = $crate::store::new_v7();
            sqlx::query(
                "INSERT INTO work_queue (id, created, updated, name, description, is_paused, concurrency_limit, \
                 priority, work_pool_id, status) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind($now)
            .bind(&new.name)
            .bind(&new.description)
            .bind(new.is_paused)
            .bind(new.concurrency_limit.map($crate::store::work_pools::limit_column))
            .bind(priority)
            .bind($pool)
            .bind(if new.is_paused { "PAUSED" } else { "NOT_READY" })
            .execute(&mut *$tx)
            .await?;
            if let Some(target) = new.priority {
                $crate::store::work_queues::reprioritize!($tx, $pool, Some((id, target)));
            }
            let queue = sqlx::query_as::<_, $crate::store::work_queues::WorkQueue>(sqlx::AssertSqlSafe(
                format!("SELECT {} WHERE wq.id = $1", $crate::store::work_queues::COLUMNS),
            ))
            .bind(id)
            .fetch_one(&mut *$tx)
            .await?;
            Ok::<_, sqlx::Error>(queue)
        }
    };
}
pub(crate) use insert_queue;

/// Gives queue `target.0` priority `target.1` and moves the others as little as needed to keep priorities
/// unique and in order (Prefect's `bulk_update_work_queue_priorities`), in transaction `$tx`.
macro_rules! reprioritize {
    ($tx:expr, $pool:expr, $target:expr) => {{
        let rows: Vec<($crate::db::types::Id, i32)> = sqlx::query_as(
            "SELECT id, priority FROM work_queue WHERE work_pool_id = $1 ORDER BY priority ASC, id ASC",
        )
        .bind($pool)
        .fetch_all(&mut *$tx)
        .await?;
        for (id, priority) in $crate::store::work_queues::reordered(&rows, $target) {
            sqlx::query("UPDATE work_queue SET priority = $2 WHERE id = $1")
                .bind(id)
                .bind(priority)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use reprioritize;

/// The first priority not taken (a gap, or one past the highest).
pub fn first_free_priority(mut taken: Vec<i32>) -> i32 {
    taken.sort_unstable();
    for (i, p) in taken.iter().enumerate() {
        let expected = i as i32 + 1;
        if *p != expected {
            return expected;
        }
    }
    taken.last().map_or(1, |p| p.saturating_add(1))
}

/// The priority changes that give `target` its priority and keep every priority unique and in order, moving
/// the fewest queues (each later one just past the one before it when they would collide).
pub fn reordered(rows: &[(Id, i32)], target: Option<(Id, i64)>) -> Vec<(Id, i32)> {
    let mut order: Vec<(Id, i32)> = rows
        .iter()
        .filter(|(id, _)| Some(*id) != target.map(|t| t.0))
        .copied()
        .collect();
    if let Some((id, priority)) = target {
        let priority = i32::try_from(priority).unwrap_or(i32::MAX);
        let at = order.iter().position(|(_, p)| *p >= priority);
        match at {
            Some(at) => order.insert(at, (id, priority)),
            None => order.push((id, priority)),
        }
    }
    let current: std::collections::HashMap<Id, i32> = rows.iter().copied().collect();
    let mut last = 0i32;
    let mut changes = Vec::new();
    for (id, priority) in order {
        let priority = if priority <= last {
            last.saturating_add(1)
        } else {
            priority
        };
        last = priority;
        if current.get(&id) != Some(&priority) {
            changes.push((id, priority));
        }
    }
    changes
}

/// Creates a queue in the pool; `Err(Refused::Duplicate)` when the pool has one of that name.
pub async fn create(
    writer: &Writer,
    pool: Id,
    new: &NewQueue,
) -> Result<Result<WorkQueue, Refused>, sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let taken: Option<Id> = sqlx::query_scalar("SELECT id FROM work_queue WHERE work_pool_id = $1 AND name = $2")
            .bind(pool)
            .bind(&new.name)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(Err(Refused::Duplicate));
        }
        Ok(insert_queue!(tx, pool, new, now).await?)
    })
}

pub async fn read(db: &Db, id: Id) -> Result<Option<WorkQueue>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE wq.id = $1");
    on_db!(db, pool => sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
}

pub async fn read_by_name(
    db: &Db,
    pool_name: &str,
    name: &str,
) -> Result<Option<WorkQueue>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE wp.name = $1 AND wq.name = $2");
    on_db!(db, pool => sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)).bind(pool_name).bind(name).fetch_optional(pool).await)
}

/// The legacy `/work_queues/name/{name}`: the queue of that name in `default-agent-pool` when that pool
/// exists, else the first of that name in any pool.
pub async fn read_by_legacy_name(db: &Db, name: &str) -> Result<Option<WorkQueue>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE wq.name = $1 AND (wp.name = 'default-agent-pool' OR NOT EXISTS \
         (SELECT 1 FROM work_pool d WHERE d.name = 'default-agent-pool')) ORDER BY wq.id LIMIT 1"
    );
    on_db!(db, pool => sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(pool).await)
}

/// Queues matching a `WorkQueueFilter`, one page: a pool's (`pool`) in priority order, or, for the legacy
/// `/work_queues/filter`, every pool's by name.
pub async fn filter(
    db: &Db,
    pool: Option<Id>,
    filter: &Value,
    limit: i64,
    offset: i64,
) -> Result<Vec<WorkQueue>, StoreError> {
    let mut w = Where::new(db.dialect());
    let mut parts = Vec::new();
    if let Some(pool) = pool {
        let p = w.bind(Param::Id(pool));
        parts.push(format!("wq.work_pool_id = {p}"));
    }
    parts.extend(w.work_queues(filter, "wq")?);
    let condition = where_sql(&parts);
    let page = match pool {
        Some(_) => w.page("wq.priority ASC", "wq.id ASC", limit, offset),
        None => w.page("wq.name ASC", "wq.id ASC", limit, offset),
    };
    let sql = format!("SELECT {COLUMNS}{condition}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

/// A pool's queues in priority order.
pub async fn of_pool(db: &Db, pool: Id) -> Result<Vec<WorkQueue>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE wq.work_pool_id = $1 ORDER BY wq.priority ASC");
    on_db!(db, p => sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)).bind(pool).fetch_all(p).await)
}

/// The queues of the pool named `pool`, in priority order, with the pool's pause and limit: what a poll reads
/// first, in one query. Empty when there is no such pool (a pool always has its default queue).
pub async fn of_pool_named(db: &Db, pool: &str) -> Result<Vec<WorkQueue>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE wp.name = $1 ORDER BY wq.priority ASC");
    on_db!(db, p => sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(sql)).bind(pool).fetch_all(p).await)
}

/// Runs in the queues in the given states, by queue.
pub async fn active_slots(
    db: &Db,
    queue_ids: &[Id],
    states: &str,
) -> Result<Vec<(Id, i64)>, sqlx::Error> {
    if queue_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::new(db.dialect());
    let queues = w.in_list(
        "work_queue_id",
        Param::Ids(IdList(queue_ids.to_vec())),
        false,
    );
    let sql = format!(
        "SELECT work_queue_id, COUNT(*) FROM flow_run WHERE {queues} AND state_type IN ({states}) \
         GROUP BY work_queue_id"
    );
    let params = w.params;
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, (Id, i64)>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// A run holding a concurrency slot, as the concurrency status routes show it.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct SlotHolder {
    pub id: Id,
    pub name: String,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub start_time: Option<Timestamp>,
    pub state_timestamp: Option<Timestamp>,
    pub work_queue_id: Option<Id>,
}

const SLOT_HOLDER: &str = "SELECT fr.id, fr.name, fr.state_type, fr.state_name, fr.start_time, fr.state_timestamp, \
    fr.work_queue_id FROM flow_run fr";

/// The Pending and Running runs in these queues (the slots a pool's poll counts), in id order.
pub async fn pool_slot_holders(db: &Db, queue_ids: &[Id]) -> Result<Vec<SlotHolder>, sqlx::Error> {
    if queue_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = Where::new(db.dialect());
    let queues = w.in_list(
        "fr.work_queue_id",
        Param::Ids(IdList(queue_ids.to_vec())),
        false,
    );
    let sql = format!(
        "{SLOT_HOLDER} WHERE {queues} AND fr.state_type IN ('PENDING', 'RUNNING') ORDER BY fr.id"
    );
    let params = w.params;
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, SlotHolder>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// The condition for a queue's slot holders (as Prefect's queue scheduler counts them): its Pending, Running and
/// Cancelling runs, by id, or by name for runs in no queue.
const QUEUE_SLOT_HOLDERS: &str = "(fr.work_queue_id = $1 OR (fr.work_queue_id IS NULL AND fr.work_queue_name = $2)) \
    AND fr.state_type IN ('PENDING', 'RUNNING', 'CANCELLING')";

/// How many runs hold a slot of the queue, and one page of them in id order.
pub async fn queue_slot_holders(
    db: &Db,
    queue: &WorkQueue,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<SlotHolder>), sqlx::Error> {
    let count_sql = format!("SELECT COUNT(*) FROM flow_run fr WHERE {QUEUE_SLOT_HOLDERS}");
    let page_sql =
        format!("{SLOT_HOLDER} WHERE {QUEUE_SLOT_HOLDERS} ORDER BY fr.id LIMIT $3 OFFSET $4");
    on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(queue.id)
            .bind(&queue.name)
            .fetch_one(pool)
            .await?;
        let page = sqlx::query_as::<_, SlotHolder>(sqlx::AssertSqlSafe(page_sql))
            .bind(queue.id)
            .bind(&queue.name)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
        Ok((count, page))
    })
}

/// Applies `changes` as Prefect's `update_work_queue` does: pausing sets PAUSED, resuming a paused queue sets
/// READY when it was polled in the last minute and NOT_READY otherwise, a new priority moves the others.
pub async fn update(
    writer: &Writer,
    id: Id,
    changes: &Changes,
) -> Result<Result<Option<Updated>, Refused>, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} WHERE wq.id = $1{}",
        match writer.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE OF wq",
        }
    );
    let reread = format!("SELECT {COLUMNS} WHERE wq.id = $1");
    write_tx!(writer, tx => {
        let Some(before) = sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Ok(None));
        };
        if let Some(name) = changes.name.as_ref().filter(|n| **n != before.name) {
            let taken: Option<Id> =
                sqlx::query_scalar("SELECT id FROM work_queue WHERE work_pool_id = $1 AND name = $2")
                    .bind(before.work_pool_id)
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Ok(Err(Refused::Duplicate));
            }
        }
        let now = Timestamp::now();
        let last_polled = changes.last_polled.unwrap_or(before.last_polled);
        let mut status = before.status.clone();
        match changes.is_paused {
            Some(true) if before.status != "PAUSED" => status = "PAUSED".into(),
            Some(false) if before.status == "PAUSED" => {
                let recent = last_polled
                    .is_some_and(|t| (now.0 - t.0).as_seconds_f64() <= RECENT_POLL_SECONDS);
                status = if recent { "READY" } else { "NOT_READY" }.into();
            }
            _ => {}
        }
        sqlx::query(
            "UPDATE work_queue SET updated = $2, name = $3, description = $4, is_paused = $5, \
             concurrency_limit = $6, last_polled = $7, status = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(changes.name.clone().unwrap_or(before.name.clone()))
        .bind(changes.description.clone().map_or(before.description.clone(), Option::unwrap_or_default))
        .bind(changes.is_paused.unwrap_or(before.is_paused))
        .bind(changes.concurrency_limit.map_or(before.concurrency_limit, |l| l.map(super::work_pools::limit_column)))
        .bind(last_polled)
        .bind(&status)
        .execute(&mut *tx)
        .await?;
        if let Some(priority) = changes.priority {
            reprioritize!(tx, before.work_pool_id, Some((id, priority)));
        }
        let after = sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(reread.clone()))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        Ok(Some(Updated { before, after }))
    })
}

/// Deletes the queue unless it is its pool's default; its runs keep the name but lose the link.
pub async fn delete(writer: &Writer, id: Id) -> Result<Deleted, sqlx::Error> {
    let select = format!("SELECT {COLUMNS} WHERE wq.id = $1");
    write_tx!(writer, tx => {
        let Some(queue) = sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(Deleted::NotFound);
        };
        let default: Option<Id> = sqlx::query_scalar("SELECT id FROM work_pool WHERE default_queue_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if default.is_some() {
            return Ok(Deleted::Default);
        }
        sqlx::query("UPDATE flow_run SET work_queue_id = NULL WHERE work_queue_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE deployment SET work_queue_id = NULL WHERE work_queue_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM work_queue WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        reprioritize!(tx, queue.work_pool_id, None);
        Deleted::Gone(Box::new(queue))
    })
}

/// One queue a poll reads: its id, its priority, and how many runs it may still take (`None`: no limit).
pub struct PolledQueue {
    pub id: Id,
    pub priority: i32,
    pub room: Option<i64>,
}

/// A poll's scheduled runs (without their state's data or pool, which the poll's answer leaves out): each
/// queue's soonest, at most `limit` (and its room) from each, in priority order then soonest first, at most
/// `limit` in all. One statement: each queue's part reads the partial index on
/// (work_queue_id, next_scheduled_start_time) of scheduled runs, so the cost is the runs returned, not the
/// runs waiting.
pub async fn scheduled_runs(
    db: &Db,
    queues: &[PolledQueue],
    before: Option<Timestamp>,
    after: Option<Timestamp>,
    limit: i64,
) -> Result<Vec<FlowRun>, sqlx::Error> {
    let queues: Vec<&PolledQueue> = queues.iter().filter(|q| q.room != Some(0)).collect();
    if queues.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let mut params = Vec::new();
    let mut bind = |param: Param| {
        params.push(param);
        format!("${}", params.len())
    };
    let retry_type = match db.dialect() {
        Dialect::Sqlite => "json_extract(fr.empirical_policy, '$.retry_type')",
        Dialect::Postgres => "(fr.empirical_policy->>'retry_type')",
    };
    let mut window = String::new();
    if let Some(after) = after {
        window.push_str(&format!(
            " AND fr.next_scheduled_start_time >= {}",
            bind(Param::Time(after))
        ));
    }
    if let Some(before) = before {
        window.push_str(&format!(
            " AND fr.next_scheduled_start_time <= {}",
            bind(Param::Time(before))
        ));
    }
    let mut parts = Vec::new();
    for queue in &queues {
        let take = queue.room.map_or(limit, |room| room.min(limit));
        let q = bind(Param::Id(queue.id));
        let n = bind(Param::Int(take));
        parts.push(format!(
            "SELECT * FROM (SELECT fr.id AS run_id, {} AS queue_priority, fr.next_scheduled_start_time AS run_time \
             FROM flow_run fr WHERE fr.work_queue_id = {q} AND fr.state_type = 'SCHEDULED' \
             AND ({retry_type} IS NULL OR {retry_type} <> 'in_process'){window} \
             ORDER BY fr.next_scheduled_start_time ASC LIMIT {n}) AS q{}",
            queue.priority,
            parts.len()
        ));
    }
    let total = bind(Param::Int(limit));
    let sql = format!(
        "WITH picked AS ({}) SELECT {} JOIN picked ON picked.run_id = fr.id \
         ORDER BY picked.queue_priority ASC, picked.run_time ASC, fr.id ASC LIMIT {total}",
        parts.join(" UNION ALL "),
        flow_runs::CORE_COLUMNS
    );
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await)
}

/// What a poll records: the polled queues' `last_polled` (NOT_READY ones become READY), and READY with
/// `last_polled` for the deployments on the queues. The queues and deployments that became READY, for events:
/// (queue ids, deployment (id, name) pairs).
pub async fn record_poll(
    writer: &Writer,
    polled: &[Id],
    ready: &[Id],
) -> Result<(Vec<Id>, Vec<(Id, String)>), sqlx::Error> {
    let now = Timestamp::now();
    let dialect = writer.dialect();
    let in_list = |column: &str, n: usize| match dialect {
        Dialect::Sqlite => format!("{column} IN (SELECT value FROM json_each(${n}))"),
        Dialect::Postgres => format!("{column} = ANY(${n})"),
    };
    let all: Vec<Id> = polled.iter().chain(ready).copied().collect();
    let set_polled = format!(
        "UPDATE work_queue SET last_polled = $1 WHERE {}",
        in_list("id", 2)
    );
    let set_ready = format!(
        "UPDATE work_queue SET last_polled = $1, status = 'READY' WHERE {} AND status = 'NOT_READY'",
        in_list("id", 2)
    );
    let unready_deployments = format!(
        "SELECT id, name FROM deployment WHERE {} AND status = 'NOT_READY' ORDER BY id",
        in_list("work_queue_id", 1)
    );
    let deployments = format!(
        "UPDATE deployment SET status = 'READY', last_polled = $1 WHERE {}",
        in_list("work_queue_id", 2)
    );
    write_tx!(writer, tx => {
        if !polled.is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(set_polled.clone()))
                .bind(now)
                .bind(IdList(polled.to_vec()))
                .execute(&mut *tx)
                .await?;
        }
        if !ready.is_empty() {
            sqlx::query(sqlx::AssertSqlSafe(set_ready.clone()))
                .bind(now)
                .bind(IdList(ready.to_vec()))
                .execute(&mut *tx)
                .await?;
        }
        let newly_ready: Vec<(Id, String)> = sqlx::query_as(sqlx::AssertSqlSafe(unready_deployments.clone()))
            .bind(IdList(all.clone()))
            .fetch_all(&mut *tx)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(deployments.clone()))
            .bind(now)
            .bind(IdList(all.clone()))
            .execute(&mut *tx)
            .await?;
        (ready.to_vec(), newly_ready)
    })
}

/// READY queues not polled for `timeout_seconds`, set NOT_READY (the foreman); the queues as they are now.
pub async fn mark_not_ready_unpolled(
    writer: &Writer,
    threshold: Timestamp,
) -> Result<Vec<WorkQueue>, sqlx::Error> {
    let select = format!(
        "SELECT {COLUMNS} WHERE wq.status = 'READY' AND wq.last_polled IS NOT NULL AND wq.last_polled < $1 \
         ORDER BY wq.last_polled ASC"
    );
    write_tx!(writer, tx => {
        let queues = sqlx::query_as::<_, WorkQueue>(sqlx::AssertSqlSafe(select.clone()))
            .bind(threshold)
            .fetch_all(&mut *tx)
            .await?;
        for queue in &queues {
            sqlx::query("UPDATE work_queue SET status = 'NOT_READY' WHERE id = $1")
                .bind(queue.id)
                .execute(&mut *tx)
                .await?;
        }
        queues
            .into_iter()
            .map(|q| WorkQueue { status: "NOT_READY".into(), ..q })
            .collect::<Vec<_>>()
    })
}

/// READY deployments whose last poll (and their queue's, when it has one) is older than `threshold`, set
/// NOT_READY (the foreman); their (id, name).
pub async fn mark_deployments_not_ready(
    writer: &Writer,
    threshold: Timestamp,
) -> Result<Vec<(Id, String)>, sqlx::Error> {
    write_tx!(writer, tx => {
        let stale: Vec<(Id, String)> = sqlx::query_as(
            "SELECT d.id, d.name FROM deployment d LEFT JOIN work_queue wq ON wq.id = d.work_queue_id \
             WHERE d.status = 'READY' AND d.last_polled IS NOT NULL AND d.last_polled < $1 \
             AND (wq.last_polled IS NULL OR wq.last_polled < $1) ORDER BY d.id",
        )
        .bind(threshold)
        .fetch_all(&mut *tx)
        .await?;
        for (id, _) in &stale {
            sqlx::query("UPDATE deployment SET status = 'NOT_READY' WHERE id = $1")
                .bind(*id)
                .execute(&mut *tx)
                .await?;
        }
        stale
    })
}

/// The legacy `/work_queues/{id}/get_runs`, as Prefect's query matches it: scheduled runs whose
/// `work_queue_name` is the queue's name (in any pool), before `before`, soonest first, within the queue's
/// concurrency limit (Pending, Running and Cancelling runs of that name count), none when it is paused.
pub async fn runs_in_queue(
    db: &Db,
    queue: &WorkQueue,
    before: Option<Timestamp>,
    limit: i64,
) -> Result<Vec<FlowRun>, sqlx::Error> {
    if queue.is_paused {
        return Ok(Vec::new());
    }
    let mut take = limit;
    if let Some(limit) = queue.concurrency_limit {
        let used: i64 = on_db!(db, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM flow_run WHERE work_queue_name = $1 \
             AND state_type IN ('PENDING', 'RUNNING', 'CANCELLING')",
        )
        .bind(&queue.name)
        .fetch_one(pool)
        .await?);
        take = take.min((i64::from(limit) - used).max(0));
    }
    if take == 0 {
        return Ok(Vec::new());
    }
    let window = if before.is_some() {
        " AND fr.next_scheduled_start_time <= $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} WHERE fr.work_queue_name = $1 AND fr.state_type = 'SCHEDULED'{window} \
         ORDER BY fr.next_scheduled_start_time ASC, fr.id ASC LIMIT $2",
        flow_runs::COLUMNS
    );
    on_db!(db, pool => {
        let query = sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(sql))
            .bind(&queue.name)
            .bind(take);
        let query = match before {
            Some(before) => query.bind(before),
            None => query,
        };
        query.fetch_all(pool).await
    })
}

/// JSON of an optional stored JSON column.
pub fn json_or_null(value: &Option<super::JsonValue>) -> Value {
    value.as_ref().map_or(Value::Null, |v| v.0.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Id {
        Id(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn priorities_fill_gaps_then_follow_the_highest() {
        assert_eq!(first_free_priority(vec![]), 1);
        assert_eq!(first_free_priority(vec![1, 2, 3]), 4);
        assert_eq!(first_free_priority(vec![3, 1]), 2);
    }

    #[test]
    fn a_taken_priority_moves_the_others_down_as_little_as_needed() {
        let rows = [(id(1), 1), (id(2), 2), (id(3), 5)];
        // id 3 to 1: 1 → 2, 2 → 3, 5 stays where it is as 1.
        assert_eq!(
            reordered(&rows, Some((id(3), 1))),
            vec![(id(3), 1), (id(1), 2), (id(2), 3)]
        );
        // A free priority moves nobody.
        assert_eq!(reordered(&rows, Some((id(3), 4))), vec![(id(3), 4)]);
        assert!(reordered(&rows, None).is_empty());
    }
}
