//! The `saved_search` table: the UI's named filter sets, unique by name.

use serde_json::Value;

use super::{JsonValue, Writer, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow)]
pub struct SavedSearch {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub filters: JsonValue,
}

const COLUMNS: &str = "id, created, updated, name, filters";

/// Creates the search, or replaces the filters of the one with that name (keeping its id and times, as
/// Prefect's upsert does). Returns it and whether it is new.
pub async fn upsert(
    writer: &Writer,
    name: &str,
    filters: &Value,
) -> Result<(SavedSearch, bool), sqlx::Error> {
    let id = new_v7();
    let sql = format!(
        "INSERT INTO saved_search (id, created, updated, name, filters) VALUES ($1, $2, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET filters = excluded.filters RETURNING {COLUMNS}"
    );
    let search = write_tx!(writer, tx => {
        sqlx::query_as::<_, SavedSearch>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(Timestamp::now())
            .bind(name)
            .bind(json(filters))
            .fetch_one(&mut *tx)
            .await?
    })?;
    let created = search.id == id;
    Ok((search, created))
}

pub async fn get(db: &Db, id: Id) -> Result<Option<SavedSearch>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM saved_search WHERE id = $1");
    on_db!(db, pool => sqlx::query_as::<_, SavedSearch>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await)
}

/// A page of searches by name.
pub async fn list(db: &Db, limit: i64, offset: i64) -> Result<Vec<SavedSearch>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM saved_search ORDER BY name, id LIMIT $1 OFFSET $2");
    on_db!(db, pool => sqlx::query_as::<_, SavedSearch>(sqlx::AssertSqlSafe(sql)).bind(limit).bind(offset).fetch_all(pool).await)
}

/// Whether there was such a search.
pub async fn delete(writer: &Writer, id: Id) -> Result<bool, sqlx::Error> {
    let deleted = write_tx!(writer, tx => {
        sqlx::query("DELETE FROM saved_search WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected()
    })?;
    Ok(deleted > 0)
}
