//! The `automation` table and `automation_related_resource` (the resources an automation acts on or belongs to,
//! which `related-to` and `owned-by` read), kept as Prefect's `events/models/automations.py` keeps them: every
//! `run-deployment` action with a selected deployment relates the automation to that deployment, and an
//! `owner_resource` given at creation relates it as owned.
//!
//! Rows come back as the API's typed `Automation` (trigger and actions parsed): the triggers service and the
//! actions executor use that same type, so it is the one thing both read.

use chrono::SubsecRound;
use serde_json::Value;

use super::error::StoreError;
use super::filter::{Where, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::api::schemas::automations::{
    Action, Automation, AutomationCore, AutomationFilter, AutomationSort,
};
use crate::db::types::{Id, IdList, TextList, Timestamp};
use crate::db::{Db, Dialect};

#[derive(sqlx::FromRow)]
struct Row {
    id: Id,
    created: Timestamp,
    updated: Timestamp,
    name: String,
    description: String,
    enabled: bool,
    tags: JsonValue,
    trigger: JsonValue,
    actions: JsonValue,
    actions_on_trigger: JsonValue,
    actions_on_resolve: JsonValue,
}

const COLUMNS: &str = "automation.id, automation.created, automation.updated, automation.name, \
    automation.description, automation.enabled, automation.tags, automation.\"trigger\", automation.actions, \
    automation.actions_on_trigger, automation.actions_on_resolve";

impl Row {
    /// The typed automation; a row this version cannot read (written by a newer one) is logged and skipped.
    fn parse(self) -> Option<Automation> {
        let id = self.id;
        let parsed = (|| -> Result<Automation, serde_json::Error> {
            Ok(Automation {
                name: self.name,
                description: self.description,
                enabled: self.enabled,
                tags: serde_json::from_value(self.tags.0)?,
                trigger: serde_json::from_value(self.trigger.0)?,
                actions: serde_json::from_value(self.actions.0)?,
                actions_on_trigger: serde_json::from_value(self.actions_on_trigger.0)?,
                actions_on_resolve: serde_json::from_value(self.actions_on_resolve.0)?,
                id: id.0,
                created: self.created.0,
                updated: self.updated.0,
            })
        })();
        match parsed {
            Ok(automation) => Some(automation),
            Err(error) => {
                crate::log::log!("warning: automation {id} cannot be read and is skipped: {error}");
                None
            }
        }
    }
}

fn parse_all(rows: Vec<Row>) -> Vec<Automation> {
    rows.into_iter().filter_map(Row::parse).collect()
}

fn to_json<T: serde::Serialize>(value: &T) -> JsonValue {
    json(&serde_json::to_value(value).unwrap_or(Value::Null))
}

/// Times as the API shows them (microseconds, as both databases keep them).
fn now() -> Timestamp {
    Timestamp(Timestamp::now().0.trunc_subsecs(6))
}

/// The deployments an automation's `run-deployment` actions select (Prefect relates only `actions`).
fn selected_deployments(core: &AutomationCore) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for action in &core.actions {
        if let Action::RunDeployment(run) = action
            && let Some(id) = run
                .deployment_id
                .filter(|_| run.source == crate::api::schemas::automations::Source::Selected)
        {
            let resource = format!("prefect.deployment.{id}");
            if !ids.contains(&resource) {
                ids.push(resource);
            }
        }
    }
    ids
}

/// Binds the automation's fields, in column order after `id` and the time (`$3` … `$10`).
macro_rules! bind_core {
    ($query:expr, $core:expr) => {
        $query
            .bind(&$core.name)
            .bind(&$core.description)
            .bind($core.enabled)
            .bind(to_json(&$core.tags))
            .bind(to_json(&$core.trigger))
            .bind(to_json(&$core.actions))
            .bind(to_json(&$core.actions_on_trigger))
            .bind(to_json(&$core.actions_on_resolve))
    };
}

/// Relates the automation to a resource (`owned`: the resource owns it); owning, once set, stays set.
macro_rules! relate {
    ($tx:expr, $automation:expr, $resource:expr, $owned:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO automation_related_resource (id, created, updated, automation_id, resource_id, \
             automation_owned_by_resource) VALUES ($1, $2, $2, $3, $4, $5) \
             ON CONFLICT (automation_id, resource_id) DO UPDATE SET updated = excluded.updated, \
             automation_owned_by_resource = (automation_related_resource.automation_owned_by_resource \
             OR excluded.automation_owned_by_resource)",
        )
        .bind(new_v7())
        .bind($now)
        .bind($automation)
        .bind($resource)
        .bind($owned)
        .execute(&mut *$tx)
    };
}

/// Replaces the automation's relations to the deployments it runs (not those that own it).
macro_rules! sync_deployments {
    ($tx:expr, $automation:expr, $core:expr, $now:expr) => {
        async {
            sqlx::query(
                "DELETE FROM automation_related_resource WHERE automation_id = $1 \
                 AND resource_id LIKE 'prefect.deployment.%' AND NOT automation_owned_by_resource",
            )
            .bind($automation)
            .execute(&mut *$tx)
            .await?;
            for resource in selected_deployments($core) {
                relate!($tx, $automation, resource, false, $now).await?;
            }
            Ok::<(), sqlx::Error>(())
        }
    };
}

/// Stores a new automation (and what it relates to); the automation as stored.
pub async fn create(
    writer: &Writer,
    core: &AutomationCore,
    owner_resource: Option<&str>,
) -> Result<Automation, StoreError> {
    let id = new_v7();
    let now = now();
    let row = write_tx!(writer, tx => {
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO automation (id, created, updated, name, description, enabled, tags, \"trigger\", actions, \
             actions_on_trigger, actions_on_resolve) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING {}",
            COLUMNS.replace("automation.", "")
        )))
        .bind(id)
        .bind(now);
        let row = bind_core!(row, core)
        .fetch_one(&mut *tx)
        .await?;
        sync_deployments!(tx, id, core, now).await?;
        if let Some(owner) = owner_resource {
            relate!(tx, id, owner, true, now).await?;
        }
        row
    })?;
    row.parse().ok_or_else(|| {
        StoreError::Database(sqlx::Error::Protocol("automation not readable".into()))
    })
}

pub async fn read(db: &Db, id: Id) -> Result<Option<Automation>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM automation WHERE id = $1");
    let row = on_db!(db, pool => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?);
    Ok(row.and_then(Row::parse))
}

/// Replaces everything but the id and creation time; the automation as it is now, `None` when there is none.
pub async fn update(
    writer: &Writer,
    id: Id,
    core: &AutomationCore,
) -> Result<Option<Automation>, StoreError> {
    let now = now();
    let row = write_tx!(writer, tx => {
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
            "UPDATE automation SET updated = $2, name = $3, description = $4, enabled = $5, tags = $6, \
             \"trigger\" = $7, actions = $8, actions_on_trigger = $9, actions_on_resolve = $10 WHERE id = $1 \
             RETURNING {}",
            COLUMNS.replace("automation.", "")
        )))
        .bind(id)
        .bind(now);
        let row = bind_core!(row, core)
        .fetch_optional(&mut *tx)
        .await?;
        if row.is_some() {
            sync_deployments!(tx, id, core, now).await?;
        }
        row
    })?;
    Ok(row.and_then(Row::parse))
}

/// Enables or disables the automation (`PATCH`, and the pause/resume-automation actions).
pub async fn set_enabled(
    writer: &Writer,
    id: Id,
    enabled: bool,
) -> Result<Option<Automation>, StoreError> {
    let sql = format!(
        "UPDATE automation SET enabled = $2, updated = $3 WHERE id = $1 RETURNING {}",
        COLUMNS.replace("automation.", "")
    );
    let row = write_tx!(writer, tx => {
        sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(enabled)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await?
    })?;
    Ok(row.and_then(Row::parse))
}

/// Deletes the automation and its triggers' state; what it was, `None` when there was none.
pub async fn delete(writer: &Writer, id: Id) -> Result<Option<Automation>, StoreError> {
    let deleted = delete_where(writer, "id = $1", vec![Param::Id(id)]).await?;
    Ok(deleted.into_iter().next())
}

/// Deletes the automations `resource_id` owns that were created before `before` (Prefect's `owned-by`, which
/// spares those a deploy has just recreated); what they were.
pub async fn delete_owned_by(
    writer: &Writer,
    resource_id: &str,
    before: Timestamp,
) -> Result<Vec<Automation>, StoreError> {
    delete_where(
        writer,
        "created <= $2 AND id IN (SELECT automation_id FROM automation_related_resource \
         WHERE resource_id = $1 AND automation_owned_by_resource)",
        vec![Param::Text(resource_id.to_owned()), Param::Time(before)],
    )
    .await
}

async fn delete_where(
    writer: &Writer,
    condition: &str,
    params: Vec<Param>,
) -> Result<Vec<Automation>, StoreError> {
    let select = format!("SELECT {COLUMNS} FROM automation WHERE {condition}");
    let children = [
        "automation_bucket",
        "automation_related_resource",
        "composite_trigger_child_firing",
        "automation_held_event",
    ];
    let rows = write_tx!(writer, tx => {
        let rows = bind_all!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(select.clone())), &params)
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            // The children go first, in one order, so that concurrent deletes cannot deadlock.
            for child in children {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {child} WHERE automation_id = $1")))
                    .bind(row.id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM automation WHERE id = $1")
                .bind(row.id)
                .execute(&mut *tx)
                .await?;
        }
        rows
    })?;
    Ok(parse_all(rows))
}

/// The conditions of an `AutomationFilter`.
fn conditions(w: &mut Where, filter: &AutomationFilter) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(ids) = filter.id.as_ref().and_then(|f| f.any.clone()) {
        let ids = IdList(ids.0.into_iter().map(Id).collect());
        parts.push(w.in_list("automation.id", Param::Ids(ids), false));
    }
    if let Some(names) = filter.name.as_ref().and_then(|f| f.any.clone()) {
        parts.push(w.in_list("automation.name", Param::Texts(TextList(names.0)), false));
    }
    if let Some(before) = filter.created.as_ref().and_then(|f| f.before) {
        let p = w.bind(Param::Time(before.0));
        parts.push(format!("automation.created <= {p}"));
    }
    if let Some(tags) = &filter.tags {
        if let Some(all) = &tags.all {
            parts.push(w.has_all_tags("automation.tags", all.0.clone()));
        }
        if let Some(any) = &tags.any {
            let p = w.bind(Param::Texts(TextList(any.0.clone())));
            parts.push(match w.dialect {
                Dialect::Sqlite => format!(
                    "EXISTS (SELECT 1 FROM json_each(automation.tags) tag \
                     WHERE tag.value IN (SELECT value FROM json_each({p})))"
                ),
                Dialect::Postgres => format!("automation.tags ?| {p}"),
            });
        }
        if let Some(is_null) = tags.is_null {
            parts.push(w.no_tags("automation.tags", is_null));
        }
    }
    super::filter::combine(parts, filter.operator.is_or())
}

fn order(sort: AutomationSort) -> &'static str {
    match sort {
        AutomationSort::CreatedDesc => "automation.created DESC",
        AutomationSort::UpdatedDesc => "automation.updated DESC",
        AutomationSort::NameAsc => "automation.name ASC",
        AutomationSort::NameDesc => "automation.name DESC",
    }
}

pub async fn filter(
    db: &Db,
    filter: Option<&AutomationFilter>,
    sort: AutomationSort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Automation>, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&Vec::from_iter(filter.and_then(|f| conditions(&mut w, f))));
    let page = w.page(order(sort), "automation.id ASC", limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM automation{condition}{page}");
    let params = w.params;
    let rows = on_db!(db, pool => bind_all!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?);
    Ok(parse_all(rows))
}

pub async fn count(db: &Db, filter: Option<&AutomationFilter>) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&Vec::from_iter(filter.and_then(|f| conditions(&mut w, f))));
    let sql = format!("SELECT COUNT(*) FROM automation{condition}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// The automations related to a resource (`prefect.deployment.<id>`, …), by name.
pub async fn related_to(db: &Db, resource_id: &str) -> Result<Vec<Automation>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM automation JOIN automation_related_resource r ON r.automation_id = automation.id \
         WHERE r.resource_id = $1 ORDER BY automation.name, automation.id"
    );
    let rows = on_db!(db, pool => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(resource_id).fetch_all(pool).await?);
    Ok(parse_all(rows))
}

/// Every enabled automation: what the triggers service evaluates.
pub async fn list_enabled(db: &Db) -> Result<Vec<Automation>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM automation WHERE enabled ORDER BY automation.id");
    let sql = match db.dialect() {
        Dialect::Sqlite => sql.replace("WHERE enabled", "WHERE enabled = 1"),
        Dialect::Postgres => sql,
    };
    let rows = on_db!(db, pool => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
    Ok(parse_all(rows))
}
