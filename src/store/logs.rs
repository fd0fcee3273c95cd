//! The `log` table.

use super::error::StoreError;
use super::filter::{Criteria, Where, or_null};
use super::{Writer, bind_all, new_v7, on_db, write_tx};
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

pub struct NewLog {
    pub name: String,
    pub level: i32,
    pub message: String,
    pub timestamp: Timestamp,
    pub flow_run_id: Option<Id>,
    pub task_run_id: Option<Id>,
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

/// Prefect's `LogSort`, read from a filter body's `sort` (an unknown value is its `enum` 422).
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    #[default]
    TimestampAsc,
    TimestampDesc,
}

/// The tiebreak among equal keys runs the way the sort runs: Prefect's server answers ties in the order of the
/// index it scans (backwards for a descending sort), which for ids made in time order is newest first there.
const NEWEST_FIRST: &str = "l.id DESC";
const OLDEST_FIRST: &str = "l.id ASC";

impl Sort {
    /// Prefect's ORDER BY for the sort, and the tiebreak that makes every page end on a unique column.
    fn order(self) -> (&'static str, &'static str) {
        match self {
            Sort::TimestampAsc => ("l.timestamp ASC", OLDEST_FIRST),
            Sort::TimestampDesc => ("l.timestamp DESC", NEWEST_FIRST),
        }
    }
}

pub async fn filter(
    db: &Db,
    criteria: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Log>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = w
        .logs(or_null(&criteria.logs), "l")?
        .map(|c| format!(" WHERE {c}"))
        .unwrap_or_default();
    let (order, tiebreak) = sort.order();
    let page = w.page(order, tiebreak, limit, offset);
    let sql = format!(
        "SELECT l.id, l.created, l.updated, l.name, l.level, l.message, l.timestamp, l.flow_run_id, l.task_run_id \
         FROM log l{where_sql}{page}"
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, Log>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}
