//! Reads of the `task_run_state` table: a task run's history, oldest first, and one state by id.

use super::on_db;
use super::states::{STATE_COLUMNS, State, StateRow};
use crate::db::Db;
use crate::db::types::Id;

/// Every state the task run has had, in time order (as Prefect orders them).
pub async fn for_run(db: &Db, run_id: Id) -> Result<Vec<State>, sqlx::Error> {
    let sql = format!(
        "SELECT {STATE_COLUMNS} FROM task_run_state WHERE task_run_id = $1 ORDER BY timestamp, id"
    );
    let rows = on_db!(db, pool => sqlx::query_as::<_, StateRow>(sqlx::AssertSqlSafe(sql)).bind(run_id).fetch_all(pool).await?);
    Ok(rows.into_iter().map(State::from).collect())
}

pub async fn get(db: &Db, id: Id) -> Result<Option<State>, sqlx::Error> {
    let sql = format!("SELECT {STATE_COLUMNS} FROM task_run_state WHERE id = $1");
    let row = on_db!(db, pool => sqlx::query_as::<_, StateRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?);
    Ok(row.map(State::from))
}
