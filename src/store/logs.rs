//! The `log` table.

use serde_json::{Value, json};

use super::filter::{Where, parse_time};
use super::{Writer, bind_all, new_v7, on_db, write_tx};
use crate::api::ApiError;
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow)]
pub struct Log {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub level: i32,
    pub message: String,
    pub timestamp: Timestamp,
    pub flow_run_id: Option<Id>,
    pub task_run_id: Option<Id>,
}

impl Log {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "created": self.created.rfc3339(),
            "updated": self.updated.rfc3339(),
            "name": self.name,
            "level": self.level,
            "message": self.message,
            "timestamp": self.timestamp.rfc3339(),
            "flow_run_id": self.flow_run_id.map(|i| i.to_string()),
            "task_run_id": self.task_run_id.map(|i| i.to_string()),
        })
    }
}

pub struct NewLog {
    pub name: String,
    pub level: i32,
    pub message: String,
    pub timestamp: Timestamp,
    pub flow_run_id: Option<Id>,
    pub task_run_id: Option<Id>,
}

/// Checks one `LogCreate`; unknown keys are refused, as Prefect does.
pub fn parse(index: usize, value: &Value) -> Result<NewLog, ApiError> {
    let at = |field: &str| vec!["body".to_owned(), index.to_string(), field.to_owned()];
    let invalid = |field: &str, msg: &str| {
        let loc = at(field);
        let loc: Vec<&str> = loc.iter().map(String::as_str).collect();
        ApiError::invalid(&loc, msg)
    };
    let object = value
        .as_object()
        .ok_or_else(|| invalid("", "Input should be a valid dictionary"))?;
    if let Some(extra) = object.keys().find(|k| {
        ![
            "name",
            "level",
            "message",
            "timestamp",
            "flow_run_id",
            "task_run_id",
        ]
        .contains(&k.as_str())
    }) {
        return Err(invalid(extra, "Extra inputs are not permitted"));
    }
    let text = |field: &str| {
        object
            .get(field)
            .and_then(Value::as_str)
            .map(|s| s.replace('\0', ""))
            .ok_or_else(|| invalid(field, "Field required"))
    };
    let id = |field: &str| -> Result<Option<Id>, ApiError> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_str()
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                .map(|u| Some(Id(u)))
                .ok_or_else(|| invalid(field, "Input should be a valid UUID")),
        }
    };
    Ok(NewLog {
        name: text("name")?,
        level: object
            .get("level")
            .and_then(Value::as_i64)
            .and_then(|l| i32::try_from(l).ok())
            .ok_or_else(|| invalid("level", "Input should be a valid integer"))?,
        message: text("message")?,
        timestamp: object
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(parse_time)
            .ok_or_else(|| invalid("timestamp", "Input should be a valid datetime"))?,
        flow_run_id: id("flow_run_id")?,
        task_run_id: id("task_run_id")?,
    })
}

/// Inserts a batch in one transaction and returns the stored logs (for live subscribers).
pub async fn insert(writer: &Writer, logs: Vec<NewLog>) -> Result<Vec<Log>, sqlx::Error> {
    let now = Timestamp::now();
    let stored: Vec<Log> = logs
        .into_iter()
        .map(|l| Log {
            id: new_v7(),
            created: now,
            updated: now,
            name: l.name,
            level: l.level,
            message: l.message,
            timestamp: l.timestamp,
            flow_run_id: l.flow_run_id,
            task_run_id: l.task_run_id,
        })
        .collect();
    write_tx!(writer, tx => {
        for log in &stored {
            sqlx::query(
                "INSERT INTO log (id, created, updated, name, level, flow_run_id, task_run_id, message, timestamp) \
                 VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(log.id)
            .bind(now)
            .bind(&log.name)
            .bind(log.level)
            .bind(log.flow_run_id)
            .bind(log.task_run_id)
            .bind(&log.message)
            .bind(log.timestamp)
            .execute(&mut *tx)
            .await?;
        }
    })?;
    Ok(stored)
}

pub async fn filter(db: &Db, body: &Value, limit: i64, offset: i64) -> Result<Vec<Log>, ApiError> {
    let mut w = Where::new(db.dialect());
    let where_sql = w
        .logs(body.get("logs").unwrap_or(&Value::Null), "l")?
        .map(|c| format!(" WHERE {c}"))
        .unwrap_or_default();
    let order = match body.get("sort").and_then(Value::as_str) {
        Some("TIMESTAMP_DESC") => "l.timestamp DESC",
        _ => "l.timestamp ASC",
    };
    let page = w.page(order, "l.id", limit, offset);
    let sql = format!(
        "SELECT l.id, l.created, l.updated, l.name, l.level, l.message, l.timestamp, l.flow_run_id, l.task_run_id \
         FROM log l{where_sql}{page}"
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Log>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}
