//! The `flow_run_input` table: keyed values a paused flow run waits for (the schema it stored, the answer a resume
//! gave), one per key and run, deleted with the run.

use serde_json::{Value, json};

use super::filter::Where;
use super::{Param, Writer, bind_all, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, TextList, Timestamp};

#[derive(sqlx::FromRow)]
pub struct FlowRunInput {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub flow_run_id: Id,
    pub key: String,
    pub value: String,
    pub sender: Option<String>,
}

impl FlowRunInput {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "created": self.created.rfc3339(),
            "updated": self.updated.rfc3339(),
            "flow_run_id": self.flow_run_id.to_string(),
            "key": self.key,
            "value": self.value,
            "sender": self.sender,
        })
    }
}

const COLUMNS: &str = "id, created, updated, flow_run_id, key, value, sender";

/// What `create` did.
#[derive(Debug, PartialEq)]
pub enum Created {
    Yes,
    /// The run already has an input with this key.
    KeyTaken,
    NoSuchRun,
}

pub async fn create(
    writer: &Writer,
    flow_run_id: Id,
    key: &str,
    value: &str,
    sender: Option<&str>,
) -> Result<Created, sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let run: Option<Id> = sqlx::query_scalar("SELECT id FROM flow_run WHERE id = $1")
            .bind(flow_run_id)
            .fetch_optional(&mut *tx)
            .await?;
        if run.is_none() {
            return Ok(Created::NoSuchRun);
        }
        let inserted = sqlx::query(
            "INSERT INTO flow_run_input (id, created, updated, flow_run_id, key, value, sender) \
             VALUES ($1, $2, $2, $3, $4, $5, $6) ON CONFLICT (flow_run_id, key) DO NOTHING",
        )
        .bind(new_v7())
        .bind(now)
        .bind(flow_run_id)
        .bind(key)
        .bind(value)
        .bind(sender)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 { Created::Yes } else { Created::KeyTaken }
    })
}

pub async fn read(
    db: &Db,
    flow_run_id: Id,
    key: &str,
) -> Result<Option<FlowRunInput>, sqlx::Error> {
    let select =
        format!("SELECT {COLUMNS} FROM flow_run_input WHERE flow_run_id = $1 AND key = $2");
    on_db!(db, pool => {
        sqlx::query_as::<_, FlowRunInput>(sqlx::AssertSqlSafe(select))
            .bind(flow_run_id)
            .bind(key)
            .fetch_optional(pool)
            .await
    })
}

/// Inputs whose key starts with `prefix` (taken literally), but not those in `exclude`, oldest first.
pub async fn filter(
    db: &Db,
    flow_run_id: Id,
    prefix: &str,
    limit: i64,
    exclude: Vec<String>,
) -> Result<Vec<FlowRunInput>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let run = w.bind(Param::Id(flow_run_id));
    // A prefix match, not LIKE: `_` and `%` in a key are ordinary characters.
    let prefix = w.bind(Param::Text(prefix.to_owned()));
    let excluded = w.in_list("key", Param::Texts(TextList(exclude)), true);
    let limit = w.bind(Param::Int(limit));
    let sql = format!(
        "SELECT {COLUMNS} FROM flow_run_input WHERE flow_run_id = {run} \
         AND substr(key, 1, length({prefix})) = {prefix} AND {excluded} ORDER BY created, id LIMIT {limit}"
    );
    on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, FlowRunInput>(sqlx::AssertSqlSafe(sql)), &w.params)
            .fetch_all(pool)
            .await
    })
}

/// `false` when there was no such input.
pub async fn delete(writer: &Writer, flow_run_id: Id, key: &str) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM flow_run_input WHERE flow_run_id = $1 AND key = $2")
            .bind(flow_run_id)
            .bind(key)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1
    })
}
