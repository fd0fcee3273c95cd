//! The events Prefect's server emits about work pools, their queues and the deployments a poll makes ready
//! (`prefect.work-pool.*`, `prefect.work-queue.*`, `prefect.deployment.ready`/`not-ready`), shaped as in
//! Prefect's `server/models/events.py`. The API passes them to the event sink; the foreman stores them itself.

use serde_json::{Value, json};

use super::new_v7;
use super::work_pools::WorkPool;
use super::work_queues::WorkQueue;
use crate::db::types::{Id, Timestamp};

/// A status in an event name: `NOT_READY` → `not-ready`.
fn kebab(status: &str) -> String {
    status.to_lowercase().replace('_', "-")
}

fn event(
    name: String,
    resource: Value,
    related: Vec<Value>,
    payload: Value,
    id: Option<Id>,
    follows: Option<Id>,
) -> Value {
    json!({
        "occurred": Timestamp::now().rfc3339(),
        "event": name,
        "resource": resource,
        "related": related,
        "payload": payload,
        "id": id.unwrap_or_else(new_v7).to_string(),
        "follows": follows.map(|f| f.to_string()),
    })
}

fn pool_resource(pool: &WorkPool) -> Value {
    json!({
        "prefect.resource.id": format!("prefect.work-pool.{}", pool.id),
        "prefect.resource.name": pool.name,
        "prefect.work-pool.type": pool.pool_type,
        "prefect.resource.role": "work-pool",
    })
}

fn pool_related(pool: &WorkPool) -> Vec<Value> {
    let mut related = Vec::new();
    if let Some(queue) = pool.default_queue_id {
        related.push(json!({
            "prefect.resource.id": format!("prefect.work-queue.{queue}"),
            "prefect.resource.role": "default-queue",
        }));
    }
    if let Some(block) = pool
        .storage_configuration
        .0
        .get("default_result_storage_block_id")
        .and_then(Value::as_str)
    {
        related.push(json!({
            "prefect.resource.id": format!("prefect.block-document.{block}"),
            "prefect.resource.role": "result-storage",
        }));
    }
    related
}

/// `prefect.work-pool.created` / `deleted`.
pub fn pool_lifecycle(action: &str, pool: &WorkPool) -> Value {
    event(
        format!("prefect.work-pool.{action}"),
        pool_resource(pool),
        pool_related(pool),
        json!({}),
        None,
        None,
    )
}

/// `prefect.work-pool.updated`: the fields that changed, from and to.
pub fn pool_updated(pool: &WorkPool, updates: serde_json::Map<String, Value>) -> Value {
    let fields: Vec<&String> = updates.keys().collect();
    event(
        "prefect.work-pool.updated".into(),
        pool_resource(pool),
        vec![],
        json!({ "updated_fields": fields, "updates": updates }),
        None,
        None,
    )
}

/// `prefect.work-pool.{status}` with the pool's status event id; it follows the previous status event when that
/// was less than ten minutes ago.
pub fn pool_status(before: Option<&WorkPool>, pool: &WorkPool, id: Id) -> Value {
    let follows = before.and_then(|b| {
        let recent = b
            .last_transitioned_status_at
            .is_some_and(|t| (Timestamp::now().0 - t.0).num_seconds() < 600);
        if recent { b.last_status_event_id } else { None }
    });
    event(
        format!("prefect.work-pool.{}", kebab(&pool.status)),
        json!({
            "prefect.resource.id": format!("prefect.work-pool.{}", pool.id),
            "prefect.resource.name": pool.name,
            "prefect.work-pool.type": pool.pool_type,
        }),
        vec![],
        json!({}),
        Some(id),
        follows,
    )
}

fn queue_resource(queue: &WorkQueue) -> Value {
    json!({
        "prefect.resource.id": format!("prefect.work-queue.{}", queue.id),
        "prefect.resource.name": queue.name,
        "prefect.resource.role": "work-queue",
    })
}

fn queue_related(queue: &WorkQueue) -> Vec<Value> {
    vec![json!({
        "prefect.resource.id": format!("prefect.work-pool.{}", queue.work_pool_id),
        "prefect.resource.name": queue.work_pool_name,
        "prefect.work-pool.type": queue.work_pool_type,
        "prefect.resource.role": "work-pool",
    })]
}

/// `prefect.work-queue.created` / `deleted`.
pub fn queue_lifecycle(action: &str, queue: &WorkQueue) -> Value {
    event(
        format!("prefect.work-queue.{action}"),
        queue_resource(queue),
        queue_related(queue),
        json!({}),
        None,
        None,
    )
}

/// `prefect.work-queue.updated`.
pub fn queue_updated(queue: &WorkQueue, updates: serde_json::Map<String, Value>) -> Value {
    let fields: Vec<&String> = updates.keys().collect();
    event(
        "prefect.work-queue.updated".into(),
        queue_resource(queue),
        queue_related(queue),
        json!({ "updated_fields": fields, "updates": updates }),
        None,
        None,
    )
}

/// `prefect.work-queue.{status}`.
pub fn queue_status(queue: &WorkQueue) -> Value {
    event(
        format!("prefect.work-queue.{}", kebab(&queue.status)),
        queue_resource(queue),
        queue_related(queue),
        json!({}),
        None,
        None,
    )
}

/// `prefect.deployment.ready` / `not-ready` (Prefect relates the deployment's flow and queue too; here the
/// deployment alone, as the foreman and a poll know it).
pub fn deployment_status(id: Id, name: &str, status: &str) -> Value {
    event(
        format!("prefect.deployment.{}", kebab(status)),
        json!({
            "prefect.resource.id": format!("prefect.deployment.{id}"),
            "prefect.resource.name": name,
        }),
        vec![],
        json!({}),
        None,
        None,
    )
}
