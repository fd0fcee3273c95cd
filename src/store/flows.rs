//! The `flow` table.

use serde_json::{Map, Value, json};

use super::filter::{Where, reject_unsupported, where_sql};
use super::{JsonValue, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::api::ApiError;
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow)]
pub struct Flow {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub tags: JsonValue,
    pub labels: Option<JsonValue>,
}

impl Flow {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "created": self.created.rfc3339(),
            "updated": self.updated.rfc3339(),
            "name": self.name,
            "tags": self.tags.0,
            "labels": self.labels.as_ref().map_or_else(|| json!({}), |l| l.0.clone()),
        })
    }
}

const COLUMNS: &str = "f.id, f.created, f.updated, f.name, f.tags, f.labels";

/// Creates the flow, or finds the one with this name; `true` when it was created.
pub async fn create(
    writer: &Writer,
    name: &str,
    tags: &Value,
    labels: &Value,
) -> Result<(Flow, bool), sqlx::Error> {
    let now = Timestamp::now();
    let select = format!("SELECT {COLUMNS} FROM flow f WHERE f.name = $1");
    write_tx!(writer, tx => {
        let inserted = sqlx::query(
            "INSERT INTO flow (id, created, updated, name, tags, labels) VALUES ($1, $2, $2, $3, $4, $5) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(new_v7())
        .bind(now)
        .bind(name)
        .bind(json(tags))
        .bind(json(labels))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let flow = sqlx::query_as::<_, Flow>(sqlx::AssertSqlSafe(select.clone())).bind(name).fetch_one(&mut *tx).await?;
        (flow, inserted == 1)
    })
}

/// A flow's labels (`None` when there is no such flow), read on the writer's connection: a run's creation then
/// never waits for a read connection, however busy the readers are.
pub async fn labels_for_writer(
    writer: &Writer,
    id: Id,
) -> Result<Option<Map<String, Value>>, sqlx::Error> {
    let found: Option<Option<JsonValue>> = write_tx!(writer, tx => {
        sqlx::query_scalar("SELECT labels FROM flow WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
    })?;
    Ok(found.map(|labels| {
        labels
            .and_then(|l| l.0.as_object().cloned())
            .unwrap_or_default()
    }))
}

pub async fn get(db: &Db, id: Id) -> Result<Option<Flow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM flow f WHERE f.id = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, Flow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// The `WHERE` shared by `/flows/filter` and `/flows/count`: flows matching `flows`, with runs matching
/// `flow_runs` / task runs matching `task_runs`.
fn where_clause(w: &mut Where, body: &Value) -> Result<String, ApiError> {
    let null = Value::Null;
    let mut parts = Vec::new();
    parts.extend(w.flows(body.get("flows").unwrap_or(&null), "f")?);
    if let Some(runs) = w.flow_runs(body.get("flow_runs").unwrap_or(&null), "fr")? {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM flow_run fr WHERE fr.flow_id = f.id AND {runs})"
        ));
    }
    if let Some(tasks) = w.task_runs(body.get("task_runs").unwrap_or(&null), "tr")? {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM flow_run fr JOIN task_run tr ON tr.flow_run_id = fr.id WHERE fr.flow_id = f.id AND {tasks})"
        ));
    }
    reject_unsupported(body, &["deployments", "work_pools"])?;
    Ok(where_sql(&parts))
}

pub async fn filter(db: &Db, body: &Value, limit: i64, offset: i64) -> Result<Vec<Flow>, ApiError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, body)?;
    let order = match body
        .get("sort")
        .and_then(Value::as_str)
        .unwrap_or("NAME_ASC")
    {
        "CREATED_DESC" => "f.created DESC",
        "UPDATED_DESC" => "f.updated DESC",
        "NAME_DESC" => "f.name DESC",
        _ => "f.name ASC",
    };
    let page = w.page(order, "f.id", limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM flow f{where_sql}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Flow>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

pub async fn count(db: &Db, body: &Value) -> Result<i64, ApiError> {
    let mut w = Where::new(db.dialect());
    let sql = format!("SELECT COUNT(*) FROM flow f{}", where_clause(&mut w, body)?);
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}
