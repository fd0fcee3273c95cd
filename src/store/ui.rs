//! The aggregate reads of Prefect's `/ui/*` routes: per-flow deployment counts and next runs, per-run task-run
//! counts, task-run counts by state and the dashboard's terminal task runs in time buckets.

use std::collections::HashMap;

use super::error::StoreError;
use super::filter::{Criteria, Where};
use super::{Param, bind_all, on_db};
use crate::db::Db;
use crate::db::types::{Id, IdList, Timestamp};

/// How many deployments each of `flows` has (flows with none are absent).
pub async fn deployment_counts(db: &Db, flows: Vec<Id>) -> Result<HashMap<Id, i64>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let matching = w.in_list("flow_id", Param::Ids(IdList(flows)), false);
    let sql =
        format!("SELECT flow_id, COUNT(id) FROM deployment WHERE {matching} GROUP BY flow_id");
    let rows: Vec<(Id, i64)> = on_db!(db, pool => bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    Ok(rows.into_iter().collect())
}

/// A flow's soonest Scheduled run (Prefect's `SimpleNextFlowRun`).
#[derive(sqlx::FromRow)]
pub struct NextRun {
    pub id: Id,
    pub flow_id: Id,
    pub name: String,
    pub state_name: String,
    pub state_type: String,
    pub next_scheduled_start_time: Timestamp,
}

/// Each of `flows`' Scheduled run due first (flows without one are absent).
pub async fn next_runs(db: &Db, flows: Vec<Id>) -> Result<Vec<NextRun>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let matching = w.in_list("flow_id", Param::Ids(IdList(flows)), false);
    let sql = format!(
        "SELECT id, flow_id, name, state_name, state_type, next_scheduled_start_time FROM ( \
           SELECT id, flow_id, name, state_name, state_type, next_scheduled_start_time, \
             ROW_NUMBER() OVER (PARTITION BY flow_id ORDER BY next_scheduled_start_time ASC, id ASC) AS n \
           FROM flow_run WHERE {matching} AND state_type = 'SCHEDULED' \
             AND next_scheduled_start_time IS NOT NULL AND state_name IS NOT NULL) soonest \
         WHERE n = 1"
    );
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, NextRun>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?),
    )
}

/// How many task runs each of `runs` has, not counting the tasks that stand for subflow runs.
pub async fn task_run_counts(db: &Db, runs: Vec<Id>) -> Result<HashMap<Id, i64>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let matching = w.in_list("tr.flow_run_id", Param::Ids(IdList(runs)), false);
    let sql = format!(
        "SELECT tr.flow_run_id, COUNT(tr.id) FROM task_run tr WHERE {matching} \
         AND NOT EXISTS (SELECT 1 FROM flow_run sub WHERE sub.parent_task_run_id = tr.id) \
         GROUP BY tr.flow_run_id"
    );
    let rows: Vec<(Id, i64)> = on_db!(db, pool => bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    Ok(rows.into_iter().collect())
}

/// The task runs matching `criteria`, counted by state type (runs without a state are not counted).
pub async fn task_runs_by_state(
    db: &Db,
    criteria: &Criteria,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = super::task_runs::where_clause(&mut w, criteria)?;
    let sql = format!(
        "SELECT tr.state_type, COUNT(*) FROM task_run tr{where_sql} GROUP BY tr.state_type"
    );
    let rows: Vec<(Option<String>, i64)> = on_db!(db, pool => bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .filter_map(|(state, n)| Some((state?, n)))
        .collect())
}

/// One time bucket of terminal task runs: how many ended well, how many failed or crashed.
#[derive(Clone, Copy, Default)]
pub struct Outcomes {
    pub completed: i64,
    pub failed: i64,
}

/// The task runs matching `criteria` that started in `[start, start + buckets * width)`, counted per bucket of
/// `width` seconds by when they started.
pub async fn task_run_outcomes(
    db: &Db,
    criteria: &Criteria,
    start: Timestamp,
    width: f64,
    buckets: usize,
) -> Result<Vec<Outcomes>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = super::task_runs::where_clause(&mut w, criteria)?;
    let start_p = w.bind(Param::Time(start));
    let since = match db.dialect() {
        crate::db::Dialect::Sqlite => {
            super::history::seconds(db.dialect(), "tr.start_time", &start_p)
        }
        crate::db::Dialect::Postgres => super::history::seconds(
            db.dialect(),
            "tr.start_time",
            &format!("{start_p}::timestamptz"),
        ),
    };
    // Never negative (the filter starts at `start` or later), so SQLite's truncating CAST floors as
    // PostgreSQL's FLOOR does.
    let bucket = match db.dialect() {
        crate::db::Dialect::Sqlite => format!("CAST({since} / {width:?} AS INTEGER)"),
        crate::db::Dialect::Postgres => format!("FLOOR({since} / {width:?})::bigint"),
    };
    let failed = "tr.state_type IN ('FAILED', 'CRASHED')";
    // Bucketed in the database, so only `buckets` rows come back however many runs there are.
    let sql = format!(
        "SELECT bucket, SUM(failed), SUM(1 - failed) FROM ( \
           SELECT {bucket} AS bucket, \
             CASE WHEN {failed} THEN 1 ELSE 0 END AS failed \
           FROM task_run tr{where_sql}) counted \
         WHERE bucket IS NOT NULL GROUP BY bucket"
    );
    let rows: Vec<(i64, i64, i64)> = on_db!(db, pool => bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    let mut counts = vec![Outcomes::default(); buckets];
    for (bucket, failed, completed) in rows {
        if let Some(slot) = usize::try_from(bucket).ok().and_then(|b| counts.get_mut(b)) {
            slot.failed += failed;
            slot.completed += completed;
        }
    }
    Ok(counts)
}
