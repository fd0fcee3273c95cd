//! Prefect's lifecycle events (`prefect.<kind>.{created,updated,deleted}`) for the resources that have them: what
//! automations and the event feed see of a change without reading the object back. Shapes as in Prefect's
//! `server/events/schemas/lifecycle.py`.

use serde_json::{Value, json};

use super::{Shared, events};
use crate::db::types::Timestamp;
use crate::store::artifacts::{Artifact, LatestChange};
use crate::store::concurrency_limits_v2::Limit;
use crate::store::new_v7;
use crate::store::variables::Variable;

/// Stores and publishes `prefect.{kind}.{action}` about `resource`.
async fn emit(
    state: &Shared,
    kind: &str,
    action: &str,
    resource: Value,
    related: Vec<Value>,
    payload: Value,
) {
    let event = json!({
        "occurred": Timestamp::now().rfc3339(),
        "event": format!("prefect.{kind}.{action}"),
        "resource": resource,
        "related": related,
        "payload": payload,
        "id": new_v7().to_string(),
        "follows": null,
    });
    events::receive(state, event).await;
}

/// `prefect.variable.created` / `updated` / `deleted`.
pub async fn variable(state: &Shared, action: &str, variable: &Variable) {
    let resource = json!({
        "prefect.resource.id": format!("prefect.variable.{}", variable.id),
        "prefect.resource.name": variable.name,
    });
    let payload = json!({
        "name": variable.name,
        "value": variable.value.as_ref().map_or(Value::Null, |v| v.0.clone()),
        "tags": variable.tags.0,
    });
    emit(state, "variable", action, resource, vec![], payload).await;
}

/// `prefect.concurrency-limit.created` / `updated` / `deleted` of a global (v2) limit, and of a tag limit, which
/// Prefect 3.8 keeps as the v2 limit named `tag:<tag>` (so its events are the v2 ones too).
pub async fn concurrency_limit(state: &Shared, action: &str, limit: &Limit) {
    let resource = json!({
        "prefect.resource.id": format!("prefect.concurrency-limit.{}", limit.id),
        "prefect.resource.name": limit.name,
    });
    let payload = json!({
        "name": limit.name,
        "limit": limit.limit,
        "active": limit.active,
        "slot_decay_per_second": limit.slot_decay_per_second,
    });
    emit(
        state,
        "concurrency-limit",
        action,
        resource,
        vec![],
        payload,
    )
    .await;
}

/// `prefect.artifact-collection.created` / `updated` / `deleted`: a key's latest artifact changed.
pub async fn latest_artifact(state: &Shared, change: &LatestChange) {
    let (action, latest) = match change {
        LatestChange::Created(latest) => ("created", latest),
        LatestChange::Updated(latest) => ("updated", latest),
        LatestChange::Deleted(latest) => ("deleted", latest),
    };
    emit(
        state,
        "artifact-collection",
        action,
        json!({
            "prefect.resource.id": format!("prefect.artifact-collection.{}", latest.id),
            "prefect.resource.name": latest.key,
        }),
        related_of(latest),
        json!({
            "key": latest.key,
            "type": latest.r#type,
            "data": latest.data.as_ref().map_or(Value::Null, |d| d.0.clone()),
            "description": latest.description,
        }),
    )
    .await;
}

/// The latest artifact and the runs it came from.
fn related_of(latest: &Artifact) -> Vec<Value> {
    let role = |id: String, role: &str| json!({ "prefect.resource.id": id, "prefect.resource.role": role });
    let mut related = Vec::new();
    related.extend(
        latest
            .latest_id
            .map(|id| role(format!("prefect.artifact.{id}"), "latest")),
    );
    related.extend(
        latest
            .flow_run_id
            .map(|id| role(format!("prefect.flow-run.{id}"), "flow-run")),
    );
    related.extend(
        latest
            .task_run_id
            .map(|id| role(format!("prefect.task-run.{id}"), "task-run")),
    );
    related
}
