//! The `events` and `event_resources` tables: every event a client sends over `/api/events/in`, stored in batches
//! together with the task runs the task-run recorder builds from them.

use serde_json::Value;

use super::filter::parse_time;
use super::{Writer, json, new_id, task_runs, write_tx};
use crate::db::types::{Id, Timestamp};

/// Stores a batch of events in one transaction: each event with its resources (an id already stored is
/// ignored), and, for `prefect.task-run.*` events, the task run and state they describe (the task-run recorder).
pub async fn persist(writer: &Writer, batch: &[Value]) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        for event in batch {
            if let Some(recorded) = task_runs::from_event(event) {
                task_runs::record_task_run!(tx, &recorded, now);
            }
            let Some((id, occurred, name, resource)) = parts(event) else { continue };
            let related = event.get("related").cloned().filter(Value::is_array).unwrap_or_else(|| Value::Array(vec![]));
            let main_id = resource_id(&resource);
            let related_ids: Vec<Value> =
                related.as_array().into_iter().flatten().map(|r| Value::String(resource_id(r))).collect();
            let payload = event.get("payload").cloned().unwrap_or_else(|| serde_json::json!({}));
            let follows = event.get("follows").and_then(Value::as_str).and_then(|s| uuid::Uuid::parse_str(s).ok()).map(Id);
            let inserted = sqlx::query(
                "INSERT INTO events (id, created, updated, occurred, event, resource_id, resource, related_resource_ids, \
                 related, payload, received, recorded, follows) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $2, $2, $10) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(now)
            .bind(occurred)
            .bind(&name)
            .bind(&main_id)
            .bind(json(&resource))
            .bind(json(&Value::Array(related_ids)))
            .bind(json(&related))
            .bind(json(&payload))
            .bind(follows)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                let mut resources = vec![(resource.clone(), String::new())];
                for r in related.as_array().into_iter().flatten() {
                    let role = r.get("prefect.resource.role").and_then(Value::as_str).unwrap_or_default().to_owned();
                    resources.push((r.clone(), role));
                }
                for (r, role) in resources {
                    sqlx::query(
                        "INSERT INTO event_resources (id, created, updated, occurred, resource_id, resource_role, \
                         resource, event_id) VALUES ($1, $2, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(new_id())
                    .bind(now)
                    .bind(occurred)
                    .bind(resource_id(&r))
                    .bind(role)
                    .bind(json(&r))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    })
}

fn parts(event: &Value) -> Option<(Id, Timestamp, String, Value)> {
    let id = Id(uuid::Uuid::parse_str(event.get("id")?.as_str()?).ok()?);
    let occurred = parse_time(event.get("occurred")?.as_str()?)?;
    let name = event.get("event")?.as_str()?.to_owned();
    let resource = event.get("resource")?.clone();
    Some((id, occurred, name, resource))
}

fn resource_id(resource: &Value) -> String {
    resource
        .get("prefect.resource.id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
