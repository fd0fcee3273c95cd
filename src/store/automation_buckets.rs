//! The triggers service's state, as Prefect keeps it (prefect/server/events/triggers.py, ordering/db.py,
//! models/composite_trigger_child_firing.py): `automation_bucket` (one counting window per event trigger and
//! bucketing key), `composite_trigger_child_firing` (the child firings a compound or sequence trigger has
//! seen), and `automation_event_follower` (events held until the event they follow arrives). The service keeps
//! these in memory and writes every change through, so a restart resumes from here.

use serde_json::Value;

use super::{JsonValue, Writer, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

/// One bucket as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Bucket {
    pub automation_id: Id,
    pub trigger_id: Id,
    /// The values of the trigger's sorted `for_each` labels.
    pub bucketing_key: JsonValue,
    pub last_event: Option<JsonValue>,
    pub start: Timestamp,
    pub end: Timestamp,
    pub count: i64,
    pub triggered_at: Option<Timestamp>,
}

pub async fn load_buckets(db: &Db) -> Result<Vec<Bucket>, sqlx::Error> {
    let sql = "SELECT automation_id, trigger_id, bucketing_key, last_event, start, \"end\", \
               CAST(count AS BIGINT) AS count, triggered_at FROM automation_bucket ORDER BY start";
    on_db!(db, pool => sqlx::query_as::<_, Bucket>(sql).fetch_all(pool).await)
}

/// Writes `bucket` as it is now (its key's row is replaced); `operation` is Prefect's `last_operation`.
pub async fn save_bucket(
    writer: &Writer,
    bucket: &Bucket,
    operation: &str,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    let count =
        i32::try_from(bucket.count).unwrap_or(if bucket.count < 0 { i32::MIN } else { i32::MAX });
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO automation_bucket (id, created, updated, automation_id, trigger_id, bucketing_key, \
             last_event, start, \"end\", count, last_operation, triggered_at) \
             VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (automation_id, trigger_id, bucketing_key) DO UPDATE SET updated = excluded.updated, \
             last_event = excluded.last_event, start = excluded.start, \"end\" = excluded.\"end\", \
             count = excluded.count, last_operation = excluded.last_operation, \
             triggered_at = excluded.triggered_at",
        )
        .bind(new_v7())
        .bind(now)
        .bind(bucket.automation_id)
        .bind(bucket.trigger_id)
        .bind(bucket.bucketing_key.clone())
        .bind(bucket.last_event.clone())
        .bind(bucket.start)
        .bind(bucket.end)
        .bind(count)
        .bind(operation.to_owned())
        .bind(bucket.triggered_at)
        .execute(&mut *tx)
        .await?;
    })
}

pub async fn remove_bucket(
    writer: &Writer,
    automation_id: Id,
    trigger_id: Id,
    key: &Value,
) -> Result<(), sqlx::Error> {
    let key = json(key);
    write_tx!(writer, tx => {
        sqlx::query(
            "DELETE FROM automation_bucket WHERE automation_id = $1 AND trigger_id = $2 AND bucketing_key = $3",
        )
        .bind(automation_id)
        .bind(trigger_id)
        .bind(key)
        .execute(&mut *tx)
        .await?;
    })
}

/// Every bucket of a trigger (one the service no longer has, after its automation changed).
pub async fn remove_trigger_buckets(
    writer: &Writer,
    automation_id: Id,
    trigger_id: Id,
) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM automation_bucket WHERE automation_id = $1 AND trigger_id = $2")
            .bind(automation_id)
            .bind(trigger_id)
            .execute(&mut *tx)
            .await?;
    })
}

/// Prefect's `sweep_closed_buckets`: buckets whose window ended before `older_than`.
pub async fn sweep_buckets(writer: &Writer, older_than: Timestamp) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM automation_bucket WHERE \"end\" <= $1")
            .bind(older_than)
            .execute(&mut *tx)
            .await?;
    })
}

/// One child firing a composite trigger holds.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChildFiring {
    pub automation_id: Id,
    pub parent_trigger_id: Id,
    pub child_trigger_id: Id,
    pub child_firing_id: Id,
    pub child_fired_at: Option<Timestamp>,
    pub child_firing: JsonValue,
}

pub async fn load_child_firings(db: &Db) -> Result<Vec<ChildFiring>, sqlx::Error> {
    let sql = "SELECT automation_id, parent_trigger_id, child_trigger_id, child_firing_id, child_fired_at, \
               child_firing FROM composite_trigger_child_firing";
    on_db!(db, pool => sqlx::query_as::<_, ChildFiring>(sql).fetch_all(pool).await)
}

/// Holds `child` as its trigger's latest firing (replacing an earlier one of the same child trigger).
pub async fn save_child_firing(writer: &Writer, child: &ChildFiring) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO composite_trigger_child_firing (id, created, updated, automation_id, parent_trigger_id, \
             child_trigger_id, child_firing_id, child_fired_at, child_firing) \
             VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (automation_id, parent_trigger_id, child_trigger_id) DO UPDATE SET \
             updated = excluded.updated, child_firing_id = excluded.child_firing_id, \
             child_fired_at = excluded.child_fired_at, child_firing = excluded.child_firing",
        )
        .bind(new_v7())
        .bind(now)
        .bind(child.automation_id)
        .bind(child.parent_trigger_id)
        .bind(child.child_trigger_id)
        .bind(child.child_firing_id)
        .bind(child.child_fired_at)
        .bind(child.child_firing.clone())
        .execute(&mut *tx)
        .await?;
    })
}

/// Drops the given child firings of a composite trigger.
pub async fn remove_child_firings(
    writer: &Writer,
    automation_id: Id,
    parent_trigger_id: Id,
    firing_ids: &[Id],
) -> Result<(), sqlx::Error> {
    let firing_ids = firing_ids.to_vec();
    write_tx!(writer, tx => {
        for firing in &firing_ids {
            sqlx::query(
                "DELETE FROM composite_trigger_child_firing WHERE automation_id = $1 AND parent_trigger_id = $2 \
                 AND child_firing_id = $3",
            )
            .bind(automation_id)
            .bind(parent_trigger_id)
            .bind(*firing)
            .execute(&mut *tx)
            .await?;
        }
    })
}

/// An event held until the event it follows arrives.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Follower {
    pub follower: JsonValue,
}

pub const SCOPE: &str = "triggers";

pub async fn record_follower(
    writer: &Writer,
    leader: Id,
    follower_id: Id,
    received: Timestamp,
    follower: &Value,
) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    let follower = json(follower);
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO automation_event_follower (id, created, updated, scope, leader_event_id, \
             follower_event_id, received, follower) VALUES ($1, $2, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (scope, follower_event_id) DO NOTHING",
        )
        .bind(new_v7())
        .bind(now)
        .bind(SCOPE)
        .bind(leader)
        .bind(follower_id)
        .bind(received)
        .bind(follower)
        .execute(&mut *tx)
        .await?;
    })
}

/// The events that held events wait for (the service keeps them in memory, to look for followers only when
/// an event has some).
pub async fn held_leaders(db: &Db) -> Result<Vec<Id>, sqlx::Error> {
    let sql = "SELECT DISTINCT leader_event_id FROM automation_event_follower WHERE scope = $1";
    on_db!(db, pool => sqlx::query_scalar::<_, Id>(sql).bind(SCOPE).fetch_all(pool).await)
}

/// The events waiting for `leader`, taken out of the table (oldest first).
pub async fn take_followers(writer: &Writer, leader: Id) -> Result<Vec<Value>, sqlx::Error> {
    let rows: Vec<Follower> = write_tx!(writer, tx => {
        sqlx::query_as::<_, Follower>(
            "DELETE FROM automation_event_follower WHERE scope = $1 AND leader_event_id = $2 RETURNING follower",
        )
        .bind(SCOPE)
        .bind(leader)
        .fetch_all(&mut *tx)
        .await?
    })?;
    Ok(sorted_by_occurred(rows))
}

/// Events that waited since before `earlier` for a leader that never came, taken out of the table.
pub async fn take_lost_followers(
    writer: &Writer,
    earlier: Timestamp,
) -> Result<Vec<Value>, sqlx::Error> {
    let rows: Vec<Follower> = write_tx!(writer, tx => {
        sqlx::query_as::<_, Follower>(
            "DELETE FROM automation_event_follower WHERE scope = $1 AND received < $2 RETURNING follower",
        )
        .bind(SCOPE)
        .bind(earlier)
        .fetch_all(&mut *tx)
        .await?
    })?;
    Ok(sorted_by_occurred(rows))
}

fn sorted_by_occurred(rows: Vec<Follower>) -> Vec<Value> {
    let mut events: Vec<Value> = rows.into_iter().map(|r| r.follower.0).collect();
    events.sort_by(|a, b| {
        let at = |e: &Value| {
            e["occurred"]
                .as_str()
                .and_then(crate::db::types::parse_time)
        };
        at(a).cmp(&at(b))
    });
    events
}

/// What tells the service its automations changed: the latest `updated` and how many there are (Prefect's
/// automation state snapshot).
pub async fn automations_snapshot(db: &Db) -> Result<(Option<Timestamp>, i64), sqlx::Error> {
    let sql = "SELECT MAX(updated), COUNT(*) FROM automation";
    on_db!(db, pool => sqlx::query_as::<_, (Option<Timestamp>, i64)>(sql).fetch_one(pool).await)
}
