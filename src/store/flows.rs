//! The `flow` table.

use serde_json::{Map, Value};

use super::error::StoreError;
use super::filter::{Criteria, Where, or_null, related, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, IdList, Timestamp};

#[derive(sqlx::FromRow)]
pub struct Flow {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub tags: JsonValue,
    pub labels: Option<JsonValue>,
}

const COLUMNS: &str = "f.id, f.created, f.updated, f.name, f.tags, f.labels";

/// Prefect's `FlowSort`, read from a filter body's `sort` (an unknown value is its `enum` 422).
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    CreatedDesc,
    UpdatedDesc,
    #[default]
    NameAsc,
    NameDesc,
}

/// The tiebreak among equal keys runs the way the sort runs: Prefect's server answers ties in the order of the
/// index it scans (backwards for a descending sort), which for ids made in time order is newest first there.
const NEWEST_FIRST: &str = "f.id DESC";
const OLDEST_FIRST: &str = "f.id ASC";

impl Sort {
    /// Prefect's ORDER BY for the sort, and the tiebreak that makes every page end on a unique column.
    fn order(self) -> (&'static str, &'static str) {
        match self {
            Sort::CreatedDesc => ("f.created DESC", NEWEST_FIRST),
            Sort::UpdatedDesc => ("f.updated DESC", NEWEST_FIRST),
            Sort::NameAsc => ("f.name ASC", OLDEST_FIRST),
            Sort::NameDesc => ("f.name DESC", NEWEST_FIRST),
        }
    }
}

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
fn where_clause(w: &mut Where, criteria: &Criteria) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    parts.extend(w.flows(or_null(&criteria.flows), "f")?);
    if let Some(runs) = w.flow_runs(or_null(&criteria.flow_runs), "fr")? {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM flow_run fr WHERE fr.flow_id = f.id AND {runs})"
        ));
    }
    if let Some(tasks) = w.task_runs(or_null(&criteria.task_runs), "tr")? {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM flow_run fr JOIN task_run tr ON tr.flow_run_id = fr.id WHERE fr.flow_id = f.id AND {tasks})"
        ));
    }
    // A flow's deployments (and their queues' pools), as Prefect's `_apply_flow_filters` joins them.
    let deployments = related(
        &criteria.deployments,
        w.deployments(or_null(&criteria.deployments), "d")?,
    );
    let pools = related(
        &criteria.work_pools,
        w.work_pools(or_null(&criteria.work_pools), "wp")?,
    );
    if deployments.is_some() || pools.is_some() {
        let join = if pools.is_some() {
            " JOIN work_queue wq ON wq.id = d.work_queue_id JOIN work_pool wp ON wp.id = wq.work_pool_id"
        } else {
            ""
        };
        let conditions: Vec<String> = deployments.into_iter().chain(pools).collect();
        parts.push(format!(
            "EXISTS (SELECT 1 FROM deployment d{join} WHERE d.flow_id = f.id AND {})",
            conditions.join(" AND ")
        ));
    }
    Ok(where_sql(&parts))
}

pub async fn filter(
    db: &Db,
    criteria: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Flow>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, criteria)?;
    let (order, tiebreak) = sort.order();
    let page = w.page(order, tiebreak, limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM flow f{where_sql}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Flow>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

pub async fn count(db: &Db, criteria: &Criteria) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let sql = format!(
        "SELECT COUNT(*) FROM flow f{}",
        where_clause(&mut w, criteria)?
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// `PATCH /flows/{id}`: the flow's tags. `false` when there is no such flow.
pub async fn update_tags(writer: &Writer, id: Id, tags: &Value) -> Result<bool, sqlx::Error> {
    let now = Timestamp::now();
    let rows = write_tx!(writer, tx => {
        sqlx::query("UPDATE flow SET tags = $2, updated = $3 WHERE id = $1")
            .bind(id)
            .bind(json(tags))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    })?;
    Ok(rows == 1)
}

/// Deletes the flows and, through the foreign keys, their runs, task runs and states (as Prefect's schema
/// does; a flow's logs stay, as in Prefect). Returns the flows that were there, as they were.
pub async fn delete(writer: &Writer, ids: Vec<Id>) -> Result<Vec<Flow>, sqlx::Error> {
    let mut w = Where::new(writer.dialect());
    let matching = w.in_list("id", Param::Ids(IdList(ids)), false);
    let sql = format!(
        "DELETE FROM flow WHERE {matching} RETURNING id, created, updated, name, tags, labels"
    );
    let params = w.params;
    write_tx!(writer, tx => {
        bind_all!(sqlx::query_as::<_, Flow>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_all(&mut *tx)
            .await?
    })
}
