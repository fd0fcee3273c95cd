//! The `events` and `event_resources` tables: every event a client sends over `/api/events/in`, stored in batches
//! together with the task runs the task-run recorder builds from them.

use serde_json::Value;

use super::{Writer, json, new_v7, task_runs, write_tx};
use crate::db::types::parse_time;
use crate::db::types::{Id, Timestamp};

/// One event row, ready to insert.
struct Row {
    id: Id,
    occurred: Timestamp,
    name: String,
    resource_id: String,
    resource: Value,
    related_ids: Value,
    related: Value,
    payload: Value,
    follows: Option<Id>,
}

fn row(event: &Value) -> Option<Row> {
    let (id, occurred, name, resource) = parts(event)?;
    let related = event
        .get("related")
        .cloned()
        .filter(Value::is_array)
        .unwrap_or_else(|| Value::Array(vec![]));
    let related_ids = related
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| Value::String(resource_id(r)))
        .collect();
    Some(Row {
        id,
        occurred,
        name,
        resource_id: resource_id(&resource),
        related_ids: Value::Array(related_ids),
        resource,
        related,
        payload: event
            .get("payload")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({})),
        follows: event
            .get("follows")
            .and_then(Value::as_str)
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .map(Id),
    })
}

/// Events per multi-row INSERT: 10 values each stays far below both dialects' limits on bound values.
const ROWS_PER_INSERT: usize = 500;

/// Stores a batch of events in one transaction: each event with its resources (an id already stored is
/// ignored), and, for `prefect.task-run.*` events, the task run and state they describe (the task-run recorder).
/// Events and resources go in as multi-row INSERTs: one statement per few hundred rows, not one per row.
pub async fn persist(writer: &Writer, batch: &[Value]) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    let rows: Vec<Row> = batch.iter().filter_map(row).collect();
    write_tx!(writer, tx => {
        for event in batch {
            match task_runs::from_event(event) {
                Ok(Some(recorded)) => task_runs::record_task_run!(tx, &recorded, now),
                Ok(None) => {}
                Err(dropped) => {
                    let id = event.get("id").and_then(Value::as_str).unwrap_or("?");
                    crate::log::log!(
                        "warning: task run {} not recorded from event {id}: {}",
                        dropped.task_run_id, dropped.reason
                    );
                }
            }
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO events (id, created, updated, occurred, event, resource_id, resource, \
                 related_resource_ids, related, payload, received, recorded, follows) ",
            );
            insert.push_values(chunk, |mut values, r| {
                values
                    .push_bind(r.id)
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(r.occurred)
                    .push_bind(r.name.clone())
                    .push_bind(r.resource_id.clone())
                    .push_bind(json(&r.resource))
                    .push_bind(json(&r.related_ids))
                    .push_bind(json(&r.related))
                    .push_bind(json(&r.payload))
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(r.follows);
            });
            insert.push(" ON CONFLICT (id) DO NOTHING RETURNING id");
            let inserted: Vec<Id> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
            // A re-delivered event was stored before, resources and all.
            let resources: Vec<(Id, Timestamp, Value, String)> = chunk
                .iter()
                .filter(|r| inserted.contains(&r.id))
                .flat_map(|r| {
                    let main = (r.id, r.occurred, r.resource.clone(), String::new());
                    let related = r.related.as_array().into_iter().flatten().map(|rel| {
                        let role = rel.get("prefect.resource.role").and_then(Value::as_str).unwrap_or_default();
                        (r.id, r.occurred, rel.clone(), role.to_owned())
                    });
                    std::iter::once(main).chain(related).collect::<Vec<_>>()
                })
                .collect();
            for resources in resources.chunks(ROWS_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO event_resources (id, created, updated, occurred, resource_id, resource_role, \
                     resource, event_id) ",
                );
                insert.push_values(resources, |mut values, (event_id, occurred, resource, role)| {
                    values
                        .push_bind(new_v7())
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(*occurred)
                        .push_bind(resource_id(resource))
                        .push_bind(role.clone())
                        .push_bind(json(resource))
                        .push_bind(*event_id);
                });
                insert.build().execute(&mut *tx).await?;
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
