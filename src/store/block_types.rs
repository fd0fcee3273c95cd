//! The `block_type` table.

use serde::Deserialize;

use super::filter::{Where, where_sql};
use super::{Param, Writer, bind_all, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct BlockType {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub slug: String,
    pub logo_url: Option<String>,
    pub documentation_url: Option<String>,
    pub description: Option<String>,
    pub code_example: Option<String>,
    pub is_protected: bool,
}

pub const COLUMNS: &str = "bt.id, bt.created, bt.updated, bt.name, bt.slug, bt.logo_url, bt.documentation_url, \
    bt.description, bt.code_example, bt.is_protected";

/// The describing fields of a block type, as created or updated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    pub logo_url: Option<String>,
    pub documentation_url: Option<String>,
    pub description: Option<String>,
    pub code_example: Option<String>,
}

/// Prefect's `BlockTypeFilter`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockTypeFilter {
    #[serde(default)]
    pub name: Option<NameLike>,
    #[serde(default)]
    pub slug: Option<SlugAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameLike {
    #[serde(default)]
    pub like_: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlugAny {
    #[serde(default)]
    pub any_: Option<Vec<String>>,
}

impl BlockTypeFilter {
    /// The conditions on the `block_type` table aliased `alias`.
    pub fn conditions(&self, w: &mut Where, alias: &str) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(like) = self
            .name
            .as_ref()
            .and_then(|n| n.like_.as_deref())
            .filter(|l| !l.is_empty())
        {
            let p = w.bind(Param::Text(format!("%{}%", like.to_lowercase())));
            parts.push(format!("lower({alias}.name) LIKE {p}"));
        }
        if let Some(slugs) = self.slug.as_ref().and_then(|s| s.any_.clone()) {
            parts.push(w.in_list(
                &format!("{alias}.slug"),
                Param::Texts(crate::db::types::TextList(slugs)),
                false,
            ));
        }
        parts
    }
}

/// Creates a block type; `None` when one with this name or slug exists. `protected` ones (Prefect's own) are
/// written over when they exist, as Prefect installs them at every start.
pub async fn create(
    writer: &Writer,
    name: &str,
    slug: &str,
    details: &Details,
    protected: bool,
) -> Result<Option<BlockType>, sqlx::Error> {
    let now = Timestamp::now();
    let on_conflict = if protected {
        "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, logo_url = excluded.logo_url, \
         documentation_url = excluded.documentation_url, description = excluded.description, \
         code_example = excluded.code_example, is_protected = excluded.is_protected, updated = excluded.updated"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    let insert = format!(
        "INSERT INTO block_type (id, created, updated, name, slug, logo_url, documentation_url, description, \
         code_example, is_protected) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9) {on_conflict}"
    );
    let select = format!("SELECT {COLUMNS} FROM block_type bt WHERE bt.slug = $1");
    write_tx!(writer, tx => {
        let inserted = sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
            .bind(new_v7())
            .bind(now)
            .bind(name)
            .bind(slug)
            .bind(details.logo_url.as_deref())
            .bind(details.documentation_url.as_deref())
            .bind(details.description.as_deref())
            .bind(details.code_example.as_deref())
            .bind(protected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted == 0 {
            return Ok(None);
        }
        sqlx::query_as::<_, BlockType>(sqlx::AssertSqlSafe(select.clone()))
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?
    })
}

pub async fn get(db: &Db, id: Id) -> Result<Option<BlockType>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM block_type bt WHERE bt.id = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, BlockType>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

pub async fn get_by_slug(db: &Db, slug: &str) -> Result<Option<BlockType>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM block_type bt WHERE bt.slug = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, BlockType>(sqlx::AssertSqlSafe(sql)).bind(slug).fetch_optional(pool).await?),
    )
}

/// Block types by name, those matching `filter` and having a schema matching `schemas` (the SQL condition on
/// `block_schema bs`, built on the same `w`).
pub async fn filter(
    db: &Db,
    mut w: Where,
    filter: &BlockTypeFilter,
    schemas: Option<String>,
    limit: i64,
    offset: i64,
) -> Result<Vec<BlockType>, sqlx::Error> {
    let mut parts = filter.conditions(&mut w, "bt");
    if let Some(schemas) = schemas {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM block_schema bs WHERE bs.block_type_id = bt.id AND {schemas})"
        ));
    }
    let page = w.page("bt.name", "bt.id", limit, offset);
    let sql = format!(
        "SELECT {COLUMNS} FROM block_type bt{}{page}",
        where_sql(&parts)
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, BlockType>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

/// Sets the fields in `changes` (`None` leaves one alone); false when there is no such block type.
pub async fn update(
    writer: &Writer,
    id: Id,
    changes: &[(&'static str, Option<String>)],
) -> Result<bool, sqlx::Error> {
    let mut sets = vec!["updated = $2".to_owned()];
    for (i, (column, _)) in changes.iter().enumerate() {
        sets.push(format!("{column} = ${}", i + 3));
    }
    let sql = format!("UPDATE block_type SET {} WHERE id = $1", sets.join(", "));
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(id).bind(now);
        for (_, value) in changes {
            query = query.bind(value.clone());
        }
        query.execute(&mut *tx).await?.rows_affected() == 1
    })
}

pub async fn delete(writer: &Writer, id: Id) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM block_type WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected() == 1
    })
}

pub async fn get_many(db: &Db, list: &[Id]) -> Result<Vec<BlockType>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let ids: Vec<uuid::Uuid> = list.iter().map(|i| i.0).collect();
    let condition = w.in_list("bt.id", super::block_schemas::ids(&ids), false);
    let sql = format!("SELECT {COLUMNS} FROM block_type bt WHERE {condition}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, BlockType>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}
