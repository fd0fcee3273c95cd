//! Run history (Prefect's `api/run_history.py`): flow or task runs counted per interval of their expected start
//! and per state, with their summed run times and lateness, and the average lateness of flow runs. Aggregated in
//! the database, so an answer is at most 500 intervals of a few states however many runs there are.

use super::error::StoreError;
use super::filter::{Criteria, Where};
use super::{Param, bind_all, on_db};
use crate::db::types::Timestamp;
use crate::db::{Db, Dialect};

/// Which runs a history counts.
#[derive(Clone, Copy)]
pub enum RunKind {
    Flow,
    Task,
}

impl RunKind {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            RunKind::Flow => ("flow_run", "fr"),
            RunKind::Task => ("task_run", "tr"),
        }
    }
}

/// One (interval, state) cell of a history.
#[derive(sqlx::FromRow)]
pub struct Cell {
    pub bucket: i64,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub count_runs: i64,
    pub sum_estimated_run_time: f64,
    pub sum_estimated_lateness: f64,
}

/// `a - b` in seconds, exact to the microsecond. On SQLite the times are our RFC 3339 text with six fraction
/// digits: whole seconds and microseconds are subtracted apart, as integers (julianday's float days would be
/// off by tens of microseconds).
pub fn seconds(dialect: Dialect, a: &str, b: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!(
            "((unixepoch({a}) - unixepoch({b})) \
             + (CAST(substr({a}, 21, 6) AS INTEGER) - CAST(substr({b}, 21, 6) AS INTEGER)) / 1000000.0)"
        ),
        Dialect::Postgres => format!("EXTRACT(EPOCH FROM ({a} - {b}))::float8"),
    }
}

/// Prefect's `estimated_run_time` and `estimated_start_time_delta` of the run aliased `r`, in seconds at `now`
/// (a placeholder), each never below 0 as the history sums them.
fn estimates(dialect: Dialect, r: &str, now: &str) -> (String, String) {
    let now = match dialect {
        Dialect::Sqlite => now.to_owned(),
        Dialect::Postgres => format!("{now}::timestamptz"),
    };
    let running = seconds(dialect, &now, &format!("{r}.state_timestamp"));
    let run_time = format!(
        "CASE WHEN {r}.state_type = 'RUNNING' THEN {r}.total_run_time + {running} ELSE {r}.total_run_time END"
    );
    let started_late = seconds(
        dialect,
        &format!("{r}.start_time"),
        &format!("{r}.expected_start_time"),
    );
    let waiting = seconds(dialect, &now, &format!("{r}.expected_start_time"));
    let lateness = format!(
        "CASE WHEN {r}.start_time > {r}.expected_start_time THEN {started_late} \
         WHEN {r}.start_time IS NULL AND {r}.state_type NOT IN ('COMPLETED', 'CANCELLED', 'FAILED', 'CRASHED') \
           AND {r}.expected_start_time < {now} THEN {waiting} ELSE 0.0 END"
    );
    (run_time, lateness)
}

fn greatest_zero(dialect: Dialect, x: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("MAX(0.0, {x})"),
        Dialect::Postgres => format!("GREATEST(0.0, {x})"),
    }
}

/// The runs matching `criteria` expected to start in `[start, start + intervals * interval)`, counted per
/// interval (its index from 0) and state.
pub async fn cells(
    db: &Db,
    kind: RunKind,
    criteria: &Criteria,
    start: Timestamp,
    interval: f64,
    intervals: i64,
) -> Result<Vec<Cell>, StoreError> {
    let dialect = db.dialect();
    let (table, r) = kind.table();
    let mut w = Where::new(dialect);
    let where_sql = match kind {
        RunKind::Flow => super::flow_runs::where_clause(&mut w, criteria)?,
        RunKind::Task => super::task_runs::where_clause(&mut w, criteria)?,
    };
    let end = start
        .checked_add_seconds(interval * intervals as f64)
        .unwrap_or(Timestamp::latest());
    let start_p = w.bind(Param::Time(start));
    let end_p = w.bind(Param::Time(end));
    let now_p = w.bind(Param::Time(Timestamp::now()));
    let (run_time, lateness) = estimates(dialect, r, &now_p);
    let start_cast = match dialect {
        Dialect::Sqlite => start_p.clone(),
        Dialect::Postgres => format!("{start_p}::timestamptz"),
    };
    let since = seconds(dialect, &format!("{r}.expected_start_time"), &start_cast);
    // Never negative (the runs start at `start` or later), so SQLite's truncating CAST floors.
    let bucket = match dialect {
        Dialect::Sqlite => format!("CAST({since} / {interval:?} AS INTEGER)"),
        Dialect::Postgres => format!("FLOOR({since} / {interval:?})::bigint"),
    };
    let window =
        format!("{r}.expected_start_time >= {start_p} AND {r}.expected_start_time < {end_p}");
    let where_sql = if where_sql.is_empty() {
        format!(" WHERE {window}")
    } else {
        format!("{where_sql} AND {window}")
    };
    let run_time = greatest_zero(dialect, &run_time);
    let lateness = greatest_zero(dialect, &lateness);
    let sql = format!(
        "SELECT bucket, state_type, state_name, COUNT(*) AS count_runs, \
           COALESCE(SUM(run_time), 0.0) AS sum_estimated_run_time, \
           COALESCE(SUM(lateness), 0.0) AS sum_estimated_lateness FROM ( \
             SELECT {bucket} AS bucket, {r}.state_type, {r}.state_name, {run_time} AS run_time, \
               {lateness} AS lateness FROM {table} {r}{where_sql}) runs \
         GROUP BY bucket, state_type, state_name ORDER BY bucket, state_type, state_name"
    );
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Cell>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?),
    )
}

/// The average lateness, in seconds, of the flow runs matching `criteria`; `None` when none match.
pub async fn average_lateness(db: &Db, criteria: &Criteria) -> Result<Option<f64>, StoreError> {
    let dialect = db.dialect();
    let mut w = Where::new(dialect);
    let where_sql = super::flow_runs::where_clause(&mut w, criteria)?;
    let now_p = w.bind(Param::Time(Timestamp::now()));
    let (_, lateness) = estimates(dialect, "fr", &now_p);
    let sql = format!("SELECT AVG({lateness}) FROM flow_run fr{where_sql}");
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, Option<f64>>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_one(pool).await?),
    )
}
