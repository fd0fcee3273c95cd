//! The `deployment_schedule` table: a deployment's schedules (the schedule itself as JSON, active flag,
//! `max_scheduled_runs`, parameter overrides, an optional slug unique within the deployment).

use serde_json::Value;

use super::{JsonValue, Param, Writer, bind_all, json, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, IdList, Timestamp};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Schedule {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub deployment_id: Id,
    pub schedule: JsonValue,
    pub active: bool,
    pub max_scheduled_runs: Option<i32>,
    pub parameters: JsonValue,
    pub slug: Option<String>,
}

pub const COLUMNS: &str =
    "id, created, updated, deployment_id, schedule, active, max_scheduled_runs, parameters, slug";

/// A schedule to add to a deployment.
#[derive(Clone, Debug)]
pub struct NewSchedule {
    pub schedule: Value,
    pub active: bool,
    pub max_scheduled_runs: Option<i64>,
    pub parameters: Value,
    pub slug: Option<String>,
}

/// What a schedule update sets (`None`: unchanged). `parameters` is always set, as Prefect's update does.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    pub schedule: Option<Value>,
    pub active: Option<bool>,
    pub max_scheduled_runs: Option<i64>,
    pub parameters: Value,
    pub slug: Option<String>,
}

/// The insert of one schedule, for a transaction's body (`$tx`) that adds schedules to `$deployment`.
macro_rules! insert_schedule {
    ($tx:ident, $deployment:expr, $new:expr, $now:expr) => {{
        let new: &$crate::store::deployment_schedules::NewSchedule = $new;
        sqlx::query_as::<_, $crate::store::deployment_schedules::Schedule>(
            "INSERT INTO deployment_schedule (id, created, updated, deployment_id, schedule, active, \
             max_scheduled_runs, parameters, slug) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8) \
             RETURNING id, created, updated, deployment_id, schedule, active, max_scheduled_runs, parameters, slug",
        )
        .bind($crate::store::new_v7())
        .bind($now)
        .bind($deployment)
        .bind($crate::store::json(&new.schedule))
        .bind(new.active)
        .bind(new.max_scheduled_runs.map(|n| n as i32))
        .bind($crate::store::json(&new.parameters))
        .bind(new.slug.clone())
        .fetch_one(&mut *$tx)
        .await?
    }};
}
pub(crate) use insert_schedule;

/// The schedules of these deployments, newest change first (Prefect's order).
pub async fn for_deployments(db: &Db, ids: &[Id]) -> Result<Vec<Schedule>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut w = super::filter::Where::new(db.dialect());
    let condition = w.in_list("deployment_id", Param::Ids(IdList(ids.to_vec())), false);
    let sql = format!(
        "SELECT {COLUMNS} FROM deployment_schedule WHERE {condition} ORDER BY updated DESC, id DESC"
    );
    let params = w.params;
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, Schedule>(sqlx::AssertSqlSafe(sql)), &params)
        .fetch_all(pool)
        .await)
}

/// Adds schedules to a deployment, in one transaction; a slug the deployment already has is a unique violation.
pub async fn create(
    writer: &Writer,
    deployment: Id,
    schedules: &[NewSchedule],
) -> Result<Vec<Schedule>, sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let mut created = Vec::with_capacity(schedules.len());
        for new in schedules {
            created.push(insert_schedule!(tx, deployment, new, now));
        }
        created
    })
}

/// Which schedule an update names.
#[derive(Clone, Debug)]
pub enum Target {
    Id(Id),
    Slug(String),
}

/// Applies `changes` to one schedule of the deployment; `false` when there is no such schedule.
pub async fn update(
    writer: &Writer,
    deployment: Id,
    target: &Target,
    changes: &Changes,
) -> Result<bool, sqlx::Error> {
    let statement = update_statement(writer.dialect(), deployment, target, changes);
    let (sql, params) = statement;
    write_tx!(writer, tx => {
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &params)
            .execute(&mut *tx)
            .await?
            .rows_affected() > 0
    })
}

/// The UPDATE of one schedule, for `update` and for a deployment update that patches schedules by slug.
pub fn update_statement(
    dialect: crate::db::Dialect,
    deployment: Id,
    target: &Target,
    changes: &Changes,
) -> (String, Vec<Param>) {
    let mut w = super::filter::Where::new(dialect);
    let mut sets = vec![format!(
        "updated = {}",
        w.bind(Param::Time(Timestamp::now()))
    )];
    if let Some(schedule) = &changes.schedule {
        sets.push(format!(
            "schedule = {}",
            w.bind(Param::Json(json(schedule)))
        ));
    }
    if let Some(active) = changes.active {
        sets.push(format!(
            "active = {}",
            if active { "TRUE" } else { "FALSE" }
        ));
    }
    if let Some(max) = changes.max_scheduled_runs {
        sets.push(format!("max_scheduled_runs = {}", w.bind(Param::Int(max))));
    }
    sets.push(format!(
        "parameters = {}",
        w.bind(Param::Json(json(&changes.parameters)))
    ));
    if let Some(slug) = &changes.slug {
        sets.push(format!("slug = {}", w.bind(Param::Text(slug.clone()))));
    }
    let deployment = w.bind(Param::Id(deployment));
    let condition = match target {
        Target::Id(id) => format!("id = {}", w.bind(Param::Id(*id))),
        Target::Slug(slug) => format!("slug = {}", w.bind(Param::Text(slug.clone()))),
    };
    let sql = format!(
        "UPDATE deployment_schedule SET {} WHERE deployment_id = {deployment} AND {condition}",
        sets.join(", ")
    );
    (sql, w.params)
}

/// Deletes one schedule of the deployment; `false` when there was none.
pub async fn delete(writer: &Writer, deployment: Id, id: Id) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM deployment_schedule WHERE id = $1 AND deployment_id = $2")
            .bind(id)
            .bind(deployment)
            .execute(&mut *tx)
            .await?
            .rows_affected() > 0
    })
}
