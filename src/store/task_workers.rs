//! Task workers (`prefect task serve`): the queue of deferred task runs (`task.delay()`) waiting for one, and the
//! workers connected now. Prefect keeps both in its server's memory; here they are tables, so every replica on one
//! PostgreSQL database hands each run to exactly one worker, sees every worker, and loses no run on a restart.

use serde_json::{Value, json};

use super::filter::Where;
use super::states::Proposed;
use super::{JsonValue, Param, Writer, bind_all, json, on_db, write_tx};
use crate::db::types::{Id, TextList, Timestamp};
use crate::db::{Db, Dialect};

/// Queues a task run for a worker, or moves it up as a retry. Bound: task run id, task key, retry, now.
pub const ENQUEUE: &str = "INSERT INTO task_run_queue (task_run_id, task_key, retry, enqueued) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (task_run_id) DO UPDATE SET retry = excluded.retry, enqueued = excluded.enqueued";

/// Prefect's EnqueueScheduledTasks: a task run that enters a deferred SCHEDULED state waits for a worker, an
/// `AwaitingRetry` one ahead of the others.
pub fn waits_for_worker(state: &Proposed) -> Option<bool> {
    let deferred = state.details.get("deferred").and_then(Value::as_bool) == Some(true);
    (state.state_type == "SCHEDULED" && deferred).then_some(state.name == "AwaitingRetry")
}

/// Takes the next queued run of one of `task_keys` off the queue, retries first, then the oldest; `None` when
/// none waits. On PostgreSQL a run another replica is taking at the same moment is skipped, not waited for.
pub async fn claim(writer: &Writer, task_keys: &[String]) -> Result<Option<Id>, sqlx::Error> {
    let mut w = Where::new(writer.dialect());
    let keys = w.in_list(
        "task_key",
        Param::Texts(TextList(task_keys.to_vec())),
        false,
    );
    let skip_locked = match writer.dialect() {
        Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "DELETE FROM task_run_queue WHERE task_run_id = (SELECT task_run_id FROM task_run_queue WHERE {keys} \
         ORDER BY retry DESC, enqueued, task_run_id LIMIT 1{skip_locked}) RETURNING task_run_id"
    );
    let params = w.params;
    write_tx!(writer, tx => {
        bind_all!(sqlx::query_scalar::<_, Id>(sqlx::AssertSqlSafe(sql.clone())), &params)
            .fetch_optional(&mut *tx)
            .await?
    })
}

/// Whether a run of one of `task_keys` is queued: a read, so an idle worker's polling never takes the writer.
pub async fn any_queued(db: &Db, task_keys: &[String]) -> Result<bool, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let keys = w.in_list(
        "task_key",
        Param::Texts(TextList(task_keys.to_vec())),
        false,
    );
    let sql = format!("SELECT task_run_id FROM task_run_queue WHERE {keys} LIMIT 1");
    let found = on_db!(db, pool => {
        bind_all!(sqlx::query_scalar::<_, Id>(sqlx::AssertSqlSafe(sql)), &w.params)
            .fetch_optional(pool)
            .await?
    });
    Ok(found.is_some())
}

/// Puts a run a worker did not acknowledge back, at the front (Prefect's retry queue).
pub async fn requeue(writer: &Writer, task_run_id: Id, task_key: &str) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        // The run may have been deleted meanwhile: then there is nothing to queue.
        sqlx::query(
            "INSERT INTO task_run_queue (task_run_id, task_key, retry, enqueued) \
             SELECT id, $2, $3, $4 FROM task_run WHERE id = $1 \
             ON CONFLICT (task_run_id) DO UPDATE SET retry = excluded.retry, enqueued = excluded.enqueued",
        )
        .bind(task_run_id)
        .bind(task_key)
        .bind(true)
        .bind(Timestamp::now())
        .execute(&mut *tx)
        .await?;
    })
}

/// Records that worker `identifier` serves `task_keys` (adding to the keys it had), seen now.
pub async fn observe(
    writer: &Writer,
    identifier: &str,
    task_keys: &[String],
) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        let known: Option<JsonValue> = sqlx::query_scalar("SELECT task_keys FROM task_worker WHERE identifier = $1")
            .bind(identifier)
            .fetch_optional(&mut *tx)
            .await?;
        let mut keys: Vec<String> = known
            .and_then(|k| serde_json::from_value(k.0).ok())
            .unwrap_or_default();
        for key in task_keys {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        sqlx::query(
            "INSERT INTO task_worker (identifier, task_keys, seen) VALUES ($1, $2, $3) \
             ON CONFLICT (identifier) DO UPDATE SET task_keys = excluded.task_keys, seen = excluded.seen",
        )
        .bind(identifier)
        .bind(json(&json!(keys)))
        .bind(Timestamp::now())
        .execute(&mut *tx)
        .await?;
    })
}

pub async fn forget(writer: &Writer, identifier: &str) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM task_worker WHERE identifier = $1")
            .bind(identifier)
            .execute(&mut *tx)
            .await?;
    })
}

/// A worker seen since `since`, for `/task_workers/filter`.
#[derive(sqlx::FromRow)]
pub struct TaskWorker {
    pub identifier: String,
    pub task_keys: JsonValue,
    pub seen: Timestamp,
}

impl TaskWorker {
    pub fn to_json(&self) -> Value {
        json!({ "identifier": self.identifier, "task_keys": self.task_keys.0, "timestamp": self.seen.rfc3339() })
    }
}

/// Workers seen since `since` (one whose replica stopped without saying goodbye drops out), those serving one of
/// `task_keys` when given.
pub async fn seen_since(
    db: &Db,
    since: Timestamp,
    task_keys: Option<&[String]>,
) -> Result<Vec<TaskWorker>, sqlx::Error> {
    let workers: Vec<TaskWorker> = on_db!(db, pool => {
        sqlx::query_as("SELECT identifier, task_keys, seen FROM task_worker WHERE seen >= $1 ORDER BY identifier")
            .bind(since)
            .fetch_all(pool)
            .await?
    });
    let serves = |w: &TaskWorker| {
        task_keys.is_none_or(|wanted| {
            w.task_keys.0.as_array().is_some_and(|keys| {
                keys.iter()
                    .any(|k| k.as_str().is_some_and(|k| wanted.iter().any(|w| w == k)))
            })
        })
    };
    Ok(workers.into_iter().filter(serves).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deferred_scheduled_runs_wait_for_a_worker_and_retries_go_first() {
        let state = |state_type: &str, name: &str, details: Value| Proposed {
            details,
            ..Proposed::new(state_type, name)
        };
        let rows = [
            (
                state("SCHEDULED", "Scheduled", json!({"deferred": true})),
                Some(false),
            ),
            (
                state("SCHEDULED", "AwaitingRetry", json!({"deferred": true})),
                Some(true),
            ),
            (state("SCHEDULED", "Scheduled", json!({})), None),
            (state("PENDING", "Pending", json!({"deferred": true})), None),
        ];
        for (proposed, expected) in rows {
            assert_eq!(waits_for_worker(&proposed), expected, "{proposed:?}");
        }
    }
}
