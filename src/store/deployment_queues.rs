//! Which work queue a deployment (or a run made from one) goes to, from the names the client gives, as Prefect's
//! `WorkerLookups` and `work_queues.ensure_work_queue_exists` find it: a pool and a queue name name the queue in
//! that pool (made there when missing); a pool name alone is its default queue; a queue name alone is that queue
//! of the `default-agent-pool` (made, with the pool itself, when missing). A pool that does not exist is the
//! caller's 404.
//!
//! The work-pool and work-queue stores and APIs are elsewhere; this module only reads their tables and, like
//! Prefect, inserts a missing queue (or the default agent pool) the way their stores would.

use super::{Writer, new_v7, write_tx};
use crate::db::types::{Id, Timestamp};

/// The pool Prefect files queues under when a deployment names only a queue.
pub const DEFAULT_AGENT_WORK_POOL_NAME: &str = "default-agent-pool";

/// What a lookup found: the queue, or the name of the pool that does not exist.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    Queue(Id),
    NoSuchPool(String),
}

/// The queue for `pool` + `queue` (either may be absent); `None` when neither is given.
pub async fn resolve(
    writer: &Writer,
    pool: Option<&str>,
    queue: Option<&str>,
) -> Result<Option<Lookup>, sqlx::Error> {
    match (pool, queue) {
        (Some(pool), Some(queue)) => queue_in_pool(writer, pool, queue).await.map(Some),
        (Some(pool), None) => default_queue(writer, pool).await.map(Some),
        (None, Some(queue)) => legacy_queue(writer, queue)
            .await
            .map(|q| Some(Lookup::Queue(q))),
        (None, None) => Ok(None),
    }
}

/// The queue named `queue` in pool `pool`, made there (at the first free priority) when missing.
pub async fn queue_in_pool(
    writer: &Writer,
    pool: &str,
    queue: &str,
) -> Result<Lookup, sqlx::Error> {
    let pool = pool.to_owned();
    let queue = queue.to_owned();
    write_tx!(writer, tx => {
        let pool_id: Option<Id> = sqlx::query_scalar("SELECT id FROM work_pool WHERE name = $1")
            .bind(pool.clone())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(pool_id) = pool_id else { return Ok(Lookup::NoSuchPool(pool.clone())) };
        let found: Option<Id> =
            sqlx::query_scalar("SELECT id FROM work_queue WHERE work_pool_id = $1 AND name = $2")
                .bind(pool_id)
                .bind(queue.clone())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(found) = found {
            return Ok(Lookup::Queue(found));
        }
        let priorities: Vec<i64> =
            sqlx::query_scalar("SELECT CAST(priority AS BIGINT) FROM work_queue WHERE work_pool_id = $1")
                .bind(pool_id)
                .fetch_all(&mut *tx)
                .await?;
        let id = new_v7();
        let now = Timestamp::now();
        sqlx::query(
            "INSERT INTO work_queue (id, created, updated, name, description, is_paused, priority, work_pool_id, \
             status) VALUES ($1, $2, $2, $3, '', FALSE, $4, $5, 'NOT_READY')",
        )
        .bind(id)
        .bind(now)
        .bind(queue.clone())
        .bind(first_free_priority(priorities) as i32)
        .bind(pool_id)
        .execute(&mut *tx)
        .await?;
        Lookup::Queue(id)
    })
}

/// Prefect's priority for a new queue: the first of 1, 2, … that is not taken, in order.
fn first_free_priority(mut taken: Vec<i64>) -> i64 {
    taken.sort_unstable();
    for (i, p) in taken.iter().enumerate() {
        if i as i64 + 1 != *p {
            return i as i64 + 1;
        }
    }
    taken.last().copied().unwrap_or(0).saturating_add(1)
}

/// Pool `pool`'s default queue.
pub async fn default_queue(writer: &Writer, pool: &str) -> Result<Lookup, sqlx::Error> {
    let name = pool.to_owned();
    let found: Option<Option<Id>> = write_tx!(writer, tx => {
        sqlx::query_scalar("SELECT default_queue_id FROM work_pool WHERE name = $1")
            .bind(name.clone())
            .fetch_optional(&mut *tx)
            .await?
    })?;
    Ok(match found {
        Some(Some(queue)) => Lookup::Queue(queue),
        // A pool is always made with its default queue; one without is as good as missing.
        _ => Lookup::NoSuchPool(pool.to_owned()),
    })
}

/// A queue named without a pool (`ensure_work_queue_exists`): the one of that name in the default agent pool
/// (any pool's, while there is no default agent pool), else made in the default agent pool, which is made too.
pub async fn legacy_queue(writer: &Writer, queue: &str) -> Result<Id, sqlx::Error> {
    let queue = queue.to_owned();
    let pool_name = DEFAULT_AGENT_WORK_POOL_NAME;
    write_tx!(writer, tx => {
        let pool: Option<(Id, Option<Id>)> =
            sqlx::query_as("SELECT id, default_queue_id FROM work_pool WHERE name = $1")
                .bind(pool_name)
                .fetch_optional(&mut *tx)
                .await?;
        let found: Option<Id> = match pool {
            Some((pool_id, _)) => {
                sqlx::query_scalar("SELECT id FROM work_queue WHERE work_pool_id = $1 AND name = $2")
                    .bind(pool_id)
                    .bind(queue.clone())
                    .fetch_optional(&mut *tx)
                    .await?
            }
            None => {
                sqlx::query_scalar("SELECT id FROM work_queue WHERE name = $1 ORDER BY id LIMIT 1")
                    .bind(queue.clone())
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        if let Some(found) = found {
            return Ok(found);
        }
        let now = Timestamp::now();
        let (pool_id, default_queue) = match pool {
            Some((pool_id, default_queue)) => (pool_id, default_queue),
            None => {
                // The default agent pool with its default queue, as Prefect's `create_work_pool` makes one.
                let pool_id = new_v7();
                let default_id = new_v7();
                sqlx::query(
                    "INSERT INTO work_pool (id, created, updated, name, type, base_job_template, is_paused, \
                     status, storage_configuration) VALUES ($1, $2, $2, $3, 'prefect-agent', '{}', FALSE, \
                     'NOT_READY', '{}')",
                )
                .bind(pool_id)
                .bind(now)
                .bind(pool_name)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO work_queue (id, created, updated, name, description, is_paused, priority, \
                     work_pool_id, status) VALUES ($1, $2, $2, 'default', 'The work pool''s default queue.', \
                     FALSE, 1, $3, 'NOT_READY')",
                )
                .bind(default_id)
                .bind(now)
                .bind(pool_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE work_pool SET default_queue_id = $1 WHERE id = $2")
                    .bind(default_id)
                    .bind(pool_id)
                    .execute(&mut *tx)
                    .await?;
                (pool_id, Some(default_id))
            }
        };
        if queue == "default" && let Some(default_queue) = default_queue {
            return Ok(default_queue);
        }
        let priorities: Vec<i64> =
            sqlx::query_scalar("SELECT CAST(priority AS BIGINT) FROM work_queue WHERE work_pool_id = $1")
                .bind(pool_id)
                .fetch_all(&mut *tx)
                .await?;
        let id = new_v7();
        sqlx::query(
            "INSERT INTO work_queue (id, created, updated, name, description, is_paused, priority, work_pool_id, \
             status) VALUES ($1, $2, $2, $3, '', FALSE, $4, $5, 'NOT_READY')",
        )
        .bind(id)
        .bind(now)
        .bind(queue.clone())
        // Prefect's legacy path asks for priority 1 and then shifts the others down; the first free one keeps
        // every queue's priority distinct without moving them.
        .bind(first_free_priority(priorities) as i32)
        .bind(pool_id)
        .execute(&mut *tx)
        .await?;
        id
    })
}

/// The pool name of a queue (`None` when the queue is gone).
pub async fn pool_of_queue(writer: &Writer, queue: Id) -> Result<Option<String>, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query_scalar(
            "SELECT wp.name FROM work_queue wq JOIN work_pool wp ON wp.id = wq.work_pool_id WHERE wq.id = $1",
        )
        .bind(queue)
        .fetch_optional(&mut *tx)
        .await?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_queues_take_the_first_free_priority() {
        assert_eq!(first_free_priority(vec![]), 1);
        assert_eq!(first_free_priority(vec![1, 2, 3]), 4);
        assert_eq!(first_free_priority(vec![3, 1]), 2);
        assert_eq!(first_free_priority(vec![2]), 1);
    }
}
