//! The `deployment` table: create (an upsert on flow + name), read, update, delete, filter and count, the
//! readiness a poll marks, and what changing a deployment does to its runs and schedules, as Prefect's
//! `models/deployments.py` does it. A deployment's concurrency limit is a `concurrency_limit_v2` row named
//! `deployment:{id}`, linked by `concurrency_limit_id` (Prefect 3.8's shape).

use serde_json::{Map, Value, json as json_value};

use super::deployment_schedules::{self, NewSchedule, Schedule, insert_schedule};
use super::error::StoreError;
use super::filter::{Criteria, Where, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, IdList, Timestamp};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Deployment {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub flow_id: Id,
    pub version: Option<String>,
    pub description: Option<String>,
    pub tags: JsonValue,
    pub labels: Option<JsonValue>,
    pub parameters: JsonValue,
    pub parameter_openapi_schema: Option<JsonValue>,
    pub enforce_parameter_schema: bool,
    pub infra_overrides: JsonValue,
    pub path: Option<String>,
    pub entrypoint: Option<String>,
    pub pull_steps: Option<JsonValue>,
    pub work_queue_name: Option<String>,
    pub work_queue_id: Option<Id>,
    pub storage_document_id: Option<Id>,
    pub infrastructure_document_id: Option<Id>,
    pub paused: bool,
    pub status: String,
    pub last_polled: Option<Timestamp>,
    pub concurrency_limit_id: Option<Id>,
    pub concurrency_options: Option<JsonValue>,
    pub created_by: Option<JsonValue>,
    pub updated_by: Option<JsonValue>,
    /// The flow's name; the name of the queue `work_queue_id` points at, and of its pool.
    pub flow_name: Option<String>,
    pub queue_name: Option<String>,
    pub pool_name: Option<String>,
    pub pool_id: Option<Id>,
    /// The linked concurrency limit, when there is one.
    pub cl_created: Option<Timestamp>,
    pub cl_updated: Option<Timestamp>,
    pub cl_active: Option<bool>,
    pub cl_name: Option<String>,
    pub cl_limit: Option<i64>,
    pub cl_active_slots: Option<i64>,
    pub cl_decay: Option<f64>,
}

impl Deployment {
    /// The fields whose changes Prefect's `prefect.deployment.updated` event reports
    /// (`DEPLOYMENT_EVENT_FIELDS`), as the event shows them.
    pub fn event_fields(&self) -> Map<String, Value> {
        let json_of = |v: &Option<JsonValue>| v.as_ref().map_or(Value::Null, |j| j.0.clone());
        let mut fields = Map::new();
        fields.insert("description".into(), json_value!(self.description));
        fields.insert("tags".into(), self.tags.0.clone());
        fields.insert("parameters".into(), self.parameters.0.clone());
        fields.insert(
            "parameter_openapi_schema".into(),
            json_of(&self.parameter_openapi_schema),
        );
        fields.insert(
            "enforce_parameter_schema".into(),
            json_value!(self.enforce_parameter_schema),
        );
        fields.insert("entrypoint".into(), json_value!(self.entrypoint));
        fields.insert("path".into(), json_value!(self.path));
        fields.insert("pull_steps".into(), json_of(&self.pull_steps));
        fields.insert(
            "work_queue_id".into(),
            json_value!(self.work_queue_id.map(|i| i.to_string())),
        );
        fields.insert("infra_overrides".into(), self.infra_overrides.0.clone());
        fields.insert("paused".into(), json_value!(self.paused));
        fields.insert("labels".into(), json_of(&self.labels));
        fields.insert("version".into(), json_value!(self.version));
        fields.insert(
            "concurrency_limit_id".into(),
            json_value!(self.concurrency_limit_id.map(|i| i.to_string())),
        );
        fields.insert(
            "concurrency_options".into(),
            json_of(&self.concurrency_options),
        );
        fields
    }

    /// The linked `concurrency_limit_v2` row.
    pub fn concurrency_limit(&self) -> Option<super::concurrency_limits_v2::Limit> {
        Some(super::concurrency_limits_v2::Limit {
            id: self.concurrency_limit_id?,
            created: self.cl_created?,
            updated: self.cl_updated?,
            active: self.cl_active?,
            name: self.cl_name.clone()?,
            limit: self.cl_limit?,
            active_slots: self.cl_active_slots?,
            denied_slots: 0,
            slot_decay_per_second: self.cl_decay?,
            avg_slot_occupancy_seconds: 2.0,
        })
    }
}

const SELECT: &str = "SELECT d.id, d.created, d.updated, d.name, d.flow_id, d.version, d.description, d.tags, \
    d.labels, d.parameters, d.parameter_openapi_schema, d.enforce_parameter_schema, d.infra_overrides, d.path, \
    d.entrypoint, d.pull_steps, d.work_queue_name, d.work_queue_id, d.storage_document_id, \
    d.infrastructure_document_id, d.paused, d.status, d.last_polled, d.concurrency_limit_id, d.concurrency_options, \
    d.created_by, d.updated_by, fl.name AS flow_name, wq.name AS queue_name, wp.name AS pool_name, wp.id AS pool_id, \
    cl.created AS cl_created, cl.updated AS cl_updated, cl.active AS cl_active, cl.name AS cl_name, \
    CAST(cl.\"limit\" AS BIGINT) AS cl_limit, CAST(cl.active_slots AS BIGINT) AS cl_active_slots, \
    cl.slot_decay_per_second AS cl_decay \
    FROM deployment d LEFT JOIN flow fl ON fl.id = d.flow_id LEFT JOIN work_queue wq ON wq.id = d.work_queue_id \
    LEFT JOIN work_pool wp ON wp.id = wq.work_pool_id \
    LEFT JOIN concurrency_limit_v2 cl ON cl.id = d.concurrency_limit_id";

/// A deployment with its schedules, as the API answers it.
pub struct Full {
    pub deployment: Deployment,
    pub schedules: Vec<Schedule>,
}

/// A concurrency-limit request: `None` leaves the limit as it is.
#[derive(Clone, Copy, Debug)]
pub enum LimitChange {
    Set(i64),
    Remove,
}

/// Every column a create or update may set, each `None` when the request did not set it. On an upsert that
/// finds the deployment, only the columns set change (Prefect's `exclude_unset`).
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pub version: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub labels: Option<Option<Map<String, Value>>>,
    pub parameters: Option<Map<String, Value>>,
    pub parameter_openapi_schema: Option<Option<Value>>,
    pub enforce_parameter_schema: Option<bool>,
    pub job_variables: Option<Map<String, Value>>,
    pub path: Option<Option<String>>,
    pub entrypoint: Option<Option<String>>,
    pub pull_steps: Option<Option<Value>>,
    pub work_queue_name: Option<Option<String>>,
    pub work_queue_id: Option<Option<Id>>,
    pub storage_document_id: Option<Option<Id>>,
    pub infrastructure_document_id: Option<Option<Id>>,
    pub paused: Option<bool>,
    pub concurrency_limit_id: Option<Option<Id>>,
    pub concurrency_options: Option<Option<Value>>,
}

/// A column's new value: bound, or a literal (NULL, TRUE, FALSE) written into the statement.
#[derive(Clone, Debug)]
enum Sql {
    Bound(Param),
    Literal(&'static str),
}

const NULL: Sql = Sql::Literal("NULL");

fn text(value: &Option<String>) -> Sql {
    value.clone().map_or(NULL, |t| Sql::Bound(Param::Text(t)))
}

fn id(value: &Option<Id>) -> Sql {
    value.map_or(NULL, |i| Sql::Bound(Param::Id(i)))
}

fn json_or_null(value: &Option<Value>) -> Sql {
    value
        .as_ref()
        .map_or(NULL, |v| Sql::Bound(Param::Json(json(v))))
}

fn boolean(value: bool) -> Sql {
    Sql::Literal(if value { "TRUE" } else { "FALSE" })
}

fn bound_json(value: Value) -> Sql {
    Sql::Bound(Param::Json(json(&value)))
}

impl Sql {
    /// The SQL for the value, binding it onto `params` when it is bound.
    fn render(self, params: &mut Vec<Param>) -> String {
        match self {
            Sql::Bound(param) => {
                params.push(param);
                format!("${}", params.len())
            }
            Sql::Literal(literal) => literal.to_owned(),
        }
    }
}

impl Fields {
    /// (column, value) for every field set, in the table's order.
    fn columns(&self) -> Vec<(&'static str, Sql)> {
        let mut out = Vec::new();
        let mut push = |column: &'static str, param: Option<Sql>| {
            if let Some(param) = param {
                out.push((column, param));
            }
        };
        push("version", self.version.as_ref().map(text));
        push("description", self.description.as_ref().map(text));
        push(
            "tags",
            self.tags.as_ref().map(|t| bound_json(json_value!(t))),
        );
        push(
            "labels",
            self.labels
                .as_ref()
                .map(|l| json_or_null(&l.clone().map(Value::Object))),
        );
        push(
            "parameters",
            self.parameters
                .as_ref()
                .map(|p| bound_json(Value::Object(p.clone()))),
        );
        push(
            "parameter_openapi_schema",
            self.parameter_openapi_schema.as_ref().map(json_or_null),
        );
        push(
            "enforce_parameter_schema",
            self.enforce_parameter_schema.map(boolean),
        );
        push(
            "infra_overrides",
            self.job_variables
                .as_ref()
                .map(|j| bound_json(Value::Object(j.clone()))),
        );
        push("path", self.path.as_ref().map(text));
        push("entrypoint", self.entrypoint.as_ref().map(text));
        push("pull_steps", self.pull_steps.as_ref().map(json_or_null));
        push("work_queue_name", self.work_queue_name.as_ref().map(text));
        push("work_queue_id", self.work_queue_id.as_ref().map(id));
        push(
            "storage_document_id",
            self.storage_document_id.as_ref().map(id),
        );
        push(
            "infrastructure_document_id",
            self.infrastructure_document_id.as_ref().map(id),
        );
        push("paused", self.paused.map(boolean));
        push(
            "concurrency_limit_id",
            self.concurrency_limit_id.as_ref().map(id),
        );
        push(
            "concurrency_options",
            self.concurrency_options.as_ref().map(json_or_null),
        );
        out
    }
}

/// A create: the key, the columns, the schedules that replace the deployment's, and its concurrency limit.
pub struct NewDeployment {
    pub name: String,
    pub flow_id: Id,
    pub fields: Fields,
    pub schedules: Vec<NewSchedule>,
    pub limit: Option<LimitChange>,
}

/// The values a fresh row gets for columns the request left out (Prefect's ORM defaults).
fn insert_default(column: &str) -> Sql {
    match column {
        "tags" | "pull_steps" => bound_json(json_value!([])),
        // Prefect's model defaults: an empty schema (not null) when none is sent.
        "parameters" | "infra_overrides" | "parameter_openapi_schema" => {
            bound_json(json_value!({}))
        }
        "enforce_parameter_schema" => boolean(true),
        "paused" => boolean(false),
        _ => NULL,
    }
}

const ALL_COLUMNS: [&str; 18] = [
    "version",
    "description",
    "tags",
    "labels",
    "parameters",
    "parameter_openapi_schema",
    "enforce_parameter_schema",
    "infra_overrides",
    "path",
    "entrypoint",
    "pull_steps",
    "work_queue_name",
    "work_queue_id",
    "storage_document_id",
    "infrastructure_document_id",
    "paused",
    "concurrency_limit_id",
    "concurrency_options",
];

/// Deletes the deployment's runs still waiting to start (Scheduled, never run, not waiting for a concurrency
/// slot): all of them, only the auto-scheduled ones, and/or only those due in the future.
fn delete_scheduled_runs_sql(auto_scheduled_only: bool, future_only: bool) -> String {
    let mut sql = "DELETE FROM flow_run WHERE deployment_id = $1 AND state_type = 'SCHEDULED' \
                   AND state_name <> 'AwaitingConcurrencySlot' AND run_count = 0"
        .to_owned();
    if auto_scheduled_only {
        sql.push_str(" AND auto_scheduled = TRUE");
    }
    if future_only {
        sql.push_str(" AND next_scheduled_start_time > $2");
    } else {
        // Keeps the placeholder count fixed.
        sql.push_str(" AND $2 IS NOT NULL");
    }
    sql
}

/// The statements a concurrency-limit change runs, inside a transaction `$tx`, for deployment `$deployment`.
macro_rules! apply_limit {
    ($tx:ident, $deployment:expr, $limit:expr, $now:expr) => {{
        let deployment: Id = $deployment;
        let current: Option<Option<Id>> =
            sqlx::query_scalar("SELECT concurrency_limit_id FROM deployment WHERE id = $1")
                .bind(deployment)
                .fetch_optional(&mut *$tx)
                .await?;
        let current = current.flatten();
        match $limit {
            Some(LimitChange::Remove) => {
                if let Some(limit) = current {
                    sqlx::query("UPDATE deployment SET concurrency_limit_id = NULL WHERE id = $1")
                        .bind(deployment)
                        .execute(&mut *$tx)
                        .await?;
                    sqlx::query("DELETE FROM concurrency_limit_v2 WHERE id = $1")
                        .bind(limit)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
            Some(LimitChange::Set(value)) => match current {
                Some(limit) => {
                    sqlx::query(
                        "UPDATE concurrency_limit_v2 SET \"limit\" = $2, updated = $3 WHERE id = $1",
                    )
                    .bind(limit)
                    .bind(value as i32)
                    .bind($now)
                    .execute(&mut *$tx)
                    .await?;
                }
                None => {
                    let limit: Id = sqlx::query_scalar(
                        "INSERT INTO concurrency_limit_v2 (id, created, updated, active, name, \"limit\", \
                         active_slots, denied_slots, slot_decay_per_second, avg_slot_occupancy_seconds) \
                         VALUES ($1, $2, $2, TRUE, $3, $4, 0, 0, 0, 2.0) \
                         ON CONFLICT (name) DO UPDATE SET \"limit\" = excluded.\"limit\", updated = excluded.updated \
                         RETURNING id",
                    )
                    .bind(new_v7())
                    .bind($now)
                    .bind(format!("deployment:{deployment}"))
                    .bind(value as i32)
                    .fetch_one(&mut *$tx)
                    .await?;
                    sqlx::query("UPDATE deployment SET concurrency_limit_id = $2 WHERE id = $1")
                        .bind(deployment)
                        .bind(limit)
                        .execute(&mut *$tx)
                        .await?;
                }
            },
            None => {}
        }
    }};
}

/// What a create did: the deployment's id and whether it is new.
pub struct Upserted {
    pub id: Id,
    pub created: bool,
}

/// Creates the deployment, or updates the one with the same flow and name (only the fields given change).
/// Either way its future auto-scheduled runs go, and its schedules are replaced by the ones given (Prefect's
/// `create_deployment`). A flow that does not exist is a foreign-key violation.
pub async fn upsert(writer: &Writer, new: &NewDeployment) -> Result<Upserted, sqlx::Error> {
    let now = Timestamp::now();
    let fresh_id = new_v7();
    let given = new.fields.columns();
    let mut params = vec![
        Param::Id(fresh_id),
        Param::Time(now),
        Param::Text(new.name.clone()),
        Param::Id(new.flow_id),
    ];
    let mut placeholders = vec!["$1", "$2", "$2", "$3", "$4"]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut updates = vec!["updated = excluded.updated".to_owned()];
    for column in ALL_COLUMNS {
        let value = given
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, p)| p.clone());
        let set = value.is_some();
        let rendered = value
            .unwrap_or_else(|| insert_default(column))
            .render(&mut params);
        placeholders.push(rendered);
        if set {
            updates.push(format!("{column} = excluded.{column}"));
        }
    }
    let sql = format!(
        "INSERT INTO deployment (id, created, updated, name, flow_id, {}) VALUES ({}) \
         ON CONFLICT (flow_id, name) DO UPDATE SET {} RETURNING id",
        ALL_COLUMNS.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    );
    let delete_runs = delete_scheduled_runs_sql(true, true);
    let limit = new.limit;
    write_tx!(writer, tx => {
        let id: Id =
            bind_all!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())), &params)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(sqlx::AssertSqlSafe(delete_runs.clone()))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM deployment_schedule WHERE deployment_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for schedule in &new.schedules {
            insert_schedule!(tx, id, schedule, now);
        }
        apply_limit!(tx, id, limit, now);
        // A new row has the id bound here; a row found keeps its own.
        Upserted { id, created: id == fresh_id }
    })
}

/// How an update treats the deployment's schedules.
pub enum ScheduleUpdate {
    /// Leave them.
    Keep,
    /// Delete them all and add these.
    Replace(Vec<NewSchedule>),
    /// Patch these (by slug, or by id after a rename) and add the new ones.
    Patch {
        patches: Vec<(deployment_schedules::Target, deployment_schedules::Changes)>,
        /// Slugs that are renamed: cleared first so the renames cannot collide with them.
        renamed: Vec<String>,
        create: Vec<NewSchedule>,
    },
}

/// Applies an update; `false` when there is no such deployment. Its future auto-scheduled runs go (Prefect's
/// `update_deployment`), whatever changed.
pub async fn update(
    writer: &Writer,
    id: Id,
    fields: &Fields,
    schedules: ScheduleUpdate,
    limit: Option<LimitChange>,
) -> Result<bool, sqlx::Error> {
    let now = Timestamp::now();
    let dialect = writer.dialect();
    let mut params = vec![Param::Id(id), Param::Time(now)];
    let mut sets = vec!["updated = $2".to_owned()];
    for (column, value) in fields.columns() {
        sets.push(format!("{column} = {}", value.render(&mut params)));
    }
    let sql = format!("UPDATE deployment SET {} WHERE id = $1", sets.join(", "));
    let delete_runs = delete_scheduled_runs_sql(true, true);
    let patch_statements: Vec<(String, Vec<Param>)> = match &schedules {
        ScheduleUpdate::Patch { patches, .. } => patches
            .iter()
            .map(|(target, changes)| {
                deployment_schedules::update_statement(dialect, id, target, changes)
            })
            .collect(),
        _ => Vec::new(),
    };
    write_tx!(writer, tx => {
        let updated = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &params)
            .execute(&mut *tx)
            .await?
            .rows_affected() > 0;
        if !updated {
            return Ok(false);
        }
        sqlx::query(sqlx::AssertSqlSafe(delete_runs.clone()))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        match &schedules {
            ScheduleUpdate::Keep => {}
            ScheduleUpdate::Replace(new) => {
                sqlx::query("DELETE FROM deployment_schedule WHERE deployment_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for schedule in new {
                    insert_schedule!(tx, id, schedule, now);
                }
            }
            ScheduleUpdate::Patch { renamed, create, .. } => {
                for slug in renamed {
                    sqlx::query(
                        "UPDATE deployment_schedule SET slug = NULL WHERE deployment_id = $1 AND slug = $2",
                    )
                    .bind(id)
                    .bind(slug.clone())
                    .execute(&mut *tx)
                    .await?;
                }
                for (sql, params) in &patch_statements {
                    bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), params)
                        .execute(&mut *tx)
                        .await?;
                }
                for schedule in create {
                    insert_schedule!(tx, id, schedule, now);
                }
            }
        }
        apply_limit!(tx, id, limit, now);
        true
    })
}

/// Sets `paused` (and `updated`); `false` when there is no such deployment.
pub async fn set_paused(writer: &Writer, id: Id, paused: bool) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE deployment SET paused = {}, updated = $2 WHERE id = $1",
        if paused { "TRUE" } else { "FALSE" }
    );
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected() > 0
    })
}

/// Removes the deployment's waiting runs after its schedules changed or it was paused: the auto-scheduled ones
/// (only those due in the future when `future_only`), as Prefect's schedule routes and pause do.
pub async fn delete_auto_scheduled_runs(
    writer: &Writer,
    id: Id,
    future_only: bool,
) -> Result<u64, sqlx::Error> {
    let sql = delete_scheduled_runs_sql(true, future_only);
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    })
}

pub async fn read(db: &Db, id: Id) -> Result<Option<Deployment>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    on_db!(db, pool => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// The deployment, read on the writer's connection (right after a write, so it sees it on SQLite too).
pub async fn read_for_writer(writer: &Writer, id: Id) -> Result<Option<Deployment>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.id = $1");
    write_tx!(writer, tx => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?)
}

/// The deployment of `flow_id` named `name`, on the writer's connection (what an upsert is about to change).
pub async fn read_by_flow(
    writer: &Writer,
    flow_id: Id,
    name: &str,
) -> Result<Option<Deployment>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE d.flow_id = $1 AND d.name = $2");
    let name = name.to_owned();
    write_tx!(writer, tx => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(flow_id)
        .bind(name.clone())
        .fetch_optional(&mut *tx)
        .await?)
}

pub async fn read_by_name(
    db: &Db,
    flow_name: &str,
    name: &str,
) -> Result<Option<Deployment>, sqlx::Error> {
    let sql = format!(
        "{SELECT} JOIN flow f ON f.id = d.flow_id WHERE f.name = $1 AND d.name = $2 LIMIT 1"
    );
    on_db!(db, pool => sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql))
        .bind(flow_name)
        .bind(name)
        .fetch_optional(pool)
        .await)
}

/// The deployments with their schedules.
pub async fn with_schedules(
    db: &Db,
    deployments: Vec<Deployment>,
) -> Result<Vec<Full>, sqlx::Error> {
    let ids: Vec<Id> = deployments.iter().map(|d| d.id).collect();
    let mut schedules = deployment_schedules::for_deployments(db, &ids).await?;
    Ok(deployments
        .into_iter()
        .map(|deployment| {
            let (mine, rest) = schedules
                .drain(..)
                .partition(|s| s.deployment_id == deployment.id);
            schedules = rest;
            Full {
                deployment,
                schedules: mine,
            }
        })
        .collect())
}

/// The labels of a run made from a deployment: the deployment's, with the flow's and the deployment's ids.
pub fn run_labels(
    labels: Option<&JsonValue>,
    flow_id: Id,
    deployment_id: Id,
) -> Map<String, Value> {
    let mut labels = labels
        .and_then(|l| l.0.as_object().cloned())
        .unwrap_or_default();
    labels.insert("prefect.flow.id".into(), Value::String(flow_id.to_string()));
    labels.insert(
        "prefect.deployment.id".into(),
        Value::String(deployment_id.to_string()),
    );
    labels
}

/// Deletes the deployment: its waiting runs (auto-scheduled or not), its concurrency limit, its schedules
/// (through the foreign key); its other runs stay, no longer linked to it. What it was, `None` when there was
/// none.
pub async fn delete(writer: &Writer, id: Id) -> Result<Option<Deployment>, sqlx::Error> {
    Ok(delete_many(writer, &[id]).await?.into_iter().next())
}

/// [`delete`] for each of `ids`, in one transaction; the ones that were there.
pub async fn delete_many(writer: &Writer, ids: &[Id]) -> Result<Vec<Deployment>, sqlx::Error> {
    let select = format!("{SELECT} WHERE d.id = $1");
    let delete_runs = delete_scheduled_runs_sql(false, false);
    let now = Timestamp::now();
    let ids = ids.to_vec();
    write_tx!(writer, tx => {
        let mut deleted = Vec::new();
        for id in ids.iter().copied() {
            let found = sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(select.clone()))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(found) = found else { continue };
            sqlx::query(sqlx::AssertSqlSafe(delete_runs.clone()))
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE flow_run SET deployment_id = NULL WHERE deployment_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM deployment WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if let Some(limit) = found.concurrency_limit_id {
                sqlx::query("DELETE FROM concurrency_limit_v2 WHERE id = $1")
                    .bind(limit)
                    .execute(&mut *tx)
                    .await?;
            }
            deleted.push(found);
        }
        deleted
    })
}

/// Marks polled deployments READY with `last_polled` now (keeping `updated`, as Prefect does); the ones that
/// were NOT_READY before, whose status changed.
pub async fn mark_ready(writer: &Writer, ids: &[Id]) -> Result<Vec<(Id, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let dialect = writer.dialect();
    let mut w = Where::new(dialect);
    let condition = w.in_list("id", Param::Ids(IdList(ids.to_vec())), false);
    let select = format!(
        "SELECT id, name FROM deployment WHERE {condition} AND status = 'NOT_READY' ORDER BY id"
    );
    let now = w.bind(Param::Time(Timestamp::now()));
    let update =
        format!("UPDATE deployment SET status = 'READY', last_polled = {now} WHERE {condition}");
    let params = w.params;
    let select_params = params[..1].to_vec();
    write_tx!(writer, tx => {
        let unready: Vec<(Id, String)> =
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(select.clone())), &select_params)
                .fetch_all(&mut *tx)
                .await?;
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(update.clone())), &params)
            .execute(&mut *tx)
            .await?;
        unready
    })
}

/// Prefect's `DeploymentSort`.
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    CreatedDesc,
    UpdatedDesc,
    #[default]
    NameAsc,
    NameDesc,
}

impl Sort {
    fn order(self) -> (&'static str, &'static str) {
        match self {
            Sort::CreatedDesc => ("d.created DESC", "d.id DESC"),
            Sort::UpdatedDesc => ("d.updated DESC", "d.id DESC"),
            Sort::NameAsc => ("d.name ASC", "d.id ASC"),
            Sort::NameDesc => ("d.name DESC", "d.id DESC"),
        }
    }
}

/// The `WHERE` of `/deployments/filter`, `count` and `paginate`: conditions on the deployment and EXISTS on its
/// flow, its runs (and their task runs), and its queue (and that queue's pool), as Prefect's
/// `_apply_deployment_filters` joins them.
fn where_clause(w: &mut Where, criteria: &Criteria) -> Result<String, StoreError> {
    Ok(where_sql(&criteria.deployment_conditions(w, "d")?))
}

pub async fn filter(
    db: &Db,
    criteria: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Deployment>, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_clause(&mut w, criteria)?;
    let (order, tiebreak) = sort.order();
    let page = w.page(order, tiebreak, limit, offset);
    let sql = format!("{SELECT}{condition}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Deployment>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_all(pool)
            .await?),
    )
}

pub async fn count(db: &Db, criteria: &Criteria) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_clause(&mut w, criteria)?;
    let sql = format!("SELECT COUNT(*) FROM deployment d{condition}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_one(pool)
            .await?),
    )
}

/// Whether a `concurrency_limit_v2` row exists (for `global_concurrency_limit_id`).
pub async fn limit_exists(db: &Db, id: Id) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT 1 FROM concurrency_limit_v2 WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?);
    Ok(found.is_some())
}

/// Whether a block document exists (a deployment's storage or infrastructure block).
pub async fn block_document_exists(db: &Db, id: Id) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT 1 FROM block_document WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?);
    Ok(found.is_some())
}

/// A pool's base job template (`None`: no such pool).
pub async fn pool_template(db: &Db, name: &str) -> Result<Option<JsonValue>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar("SELECT base_job_template FROM work_pool WHERE name = $1")
        .bind(name)
        .fetch_optional(pool)
        .await)
}
