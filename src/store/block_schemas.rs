//! The `block_schema` and `block_schema_reference` tables. A schema is stored with the fields its client sent
//! (nested blocks' `block_schema_references` and `definitions` included), so reads give back what Prefect
//! reconstructs; each nested block is linked to its own schema by a reference row, as in Prefect.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::block_checksum::{non_block_definitions, references};
use super::filter::{Where, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::types::{Id, IdList, TextList, Timestamp};
use crate::db::{Db, Dialect};

/// Prefect's `DEFAULT_BLOCK_SCHEMA_VERSION`.
pub const DEFAULT_VERSION: &str = "non-versioned";

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct BlockSchema {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub checksum: String,
    pub fields: JsonValue,
    pub block_type_id: Id,
    pub capabilities: JsonValue,
    pub version: String,
}

const COLUMNS: &str = "bs.id, bs.created, bs.updated, bs.checksum, bs.fields, bs.block_type_id, bs.capabilities, bs.version";

/// Prefect's `BlockSchemaFilter`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockSchemaFilter {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub block_type_id: Option<IdsAny>,
    #[serde(default)]
    pub block_capabilities: Option<CapabilitiesAll>,
    #[serde(default)]
    pub id: Option<IdsAny>,
    #[serde(default)]
    pub version: Option<TextsAny>,
}

/// How an operator filter combines its conditions.
#[derive(Debug, Default, Deserialize, Clone, Copy)]
pub enum Operator {
    #[default]
    #[serde(rename = "and_")]
    And,
    #[serde(rename = "or_")]
    Or,
}

impl Operator {
    pub fn join(self, parts: Vec<String>) -> Option<String> {
        let joiner = match self {
            Operator::And => " AND ",
            Operator::Or => " OR ",
        };
        (!parts.is_empty()).then(|| format!("({})", parts.join(joiner)))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsAny {
    #[serde(default)]
    pub any_: Option<Vec<uuid::Uuid>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextsAny {
    #[serde(default)]
    pub any_: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilitiesAll {
    #[serde(default)]
    pub all_: Option<Vec<String>>,
}

pub fn ids(list: &[uuid::Uuid]) -> Param {
    Param::Ids(IdList(list.iter().copied().map(Id).collect()))
}

impl BlockSchemaFilter {
    /// The condition on the `block_schema` table aliased `alias`, if any.
    pub fn condition(&self, w: &mut Where, alias: &str) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(list) = self.block_type_id.as_ref().and_then(|f| f.any_.as_deref()) {
            parts.push(w.in_list(&format!("{alias}.block_type_id"), ids(list), false));
        }
        if let Some(all) = self
            .block_capabilities
            .as_ref()
            .and_then(|f| f.all_.clone())
            .filter(|a| !a.is_empty())
        {
            let p = w.bind(Param::Texts(TextList(all)));
            parts.push(match w.dialect {
                Dialect::Sqlite => format!(
                    "NOT EXISTS (SELECT 1 FROM json_each({p}) want WHERE want.value NOT IN \
                     (SELECT value FROM json_each({alias}.capabilities)))"
                ),
                Dialect::Postgres => format!("{alias}.capabilities ?& {p}"),
            });
        }
        if let Some(list) = self.id.as_ref().and_then(|f| f.any_.as_deref()) {
            parts.push(w.in_list(&format!("{alias}.id"), ids(list), false));
        }
        if let Some(list) = self.version.as_ref().and_then(|f| f.any_.clone()) {
            parts.push(w.in_list(
                &format!("{alias}.version"),
                Param::Texts(TextList(list)),
                false,
            ));
        }
        self.operator.join(parts)
    }
}

/// A nested block a schema's fields name in `block_schema_references`.
#[derive(Debug, Clone)]
pub struct Reference {
    pub name: String,
    pub block_type_slug: String,
    pub checksum: String,
}

/// The references of `fields` (one entry or a list of entries per field name).
pub fn nested_references(fields: &Map<String, Value>) -> Vec<Reference> {
    let Some(all) = fields
        .get("block_schema_references")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (name, entries) in all {
        let entries = match entries {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        for entry in entries {
            let text = |key: &str| {
                entry
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            found.push(Reference {
                name: name.clone(),
                block_type_slug: text("block_type_slug"),
                checksum: text("block_schema_checksum"),
            });
        }
    }
    found
}

/// The fields for a nested block's schema that is not stored yet, from the parent's `definitions` (the one
/// definition the reference's property points at, or among several the one of the right block type).
pub fn child_fields(
    fields: &Map<String, Value>,
    reference: &Reference,
) -> Option<Map<String, Value>> {
    let definitions = fields.get("definitions")?.as_object()?;
    let property = fields.get("properties")?.get(&reference.name)?;
    let keys: Vec<String> = references(property)
        .iter()
        .map(|r| r.trim_start_matches("#/definitions/").to_owned())
        .collect();
    let chosen = match keys.as_slice() {
        [only] => definitions.get(only),
        many => many.iter().filter_map(|k| definitions.get(k)).find(|d| {
            d.get("block_type_slug").and_then(Value::as_str)
                == Some(reference.block_type_slug.as_str())
        }),
    }?;
    let mut child = chosen.as_object()?.clone();
    let kept = non_block_definitions(chosen, definitions);
    if !kept.is_empty() || child.contains_key("block_schema_references") {
        // A nested block's own nested blocks are found through the root's definitions too.
        child.insert("definitions".into(), Value::Object(definitions.clone()));
    }
    Some(child)
}

/// A schema to store: its fields, block type, capabilities and version.
pub struct NewSchema {
    /// Prefect's checksum of `fields` (`block_checksum::checksum`), or the one Prefect's own data gives it.
    pub checksum: String,
    pub fields: Map<String, Value>,
    pub block_type_id: Id,
    pub capabilities: Vec<String>,
    pub version: String,
}

/// Stores `schema` unless one with its checksum and version exists; its nested blocks' schemas (stored already,
/// or new from its definitions: `children`) are linked to it. `(schema, created)`.
pub async fn create(
    writer: &Writer,
    schema: &NewSchema,
    children: &[(Reference, Option<NewSchema>)],
    protected: bool,
) -> Result<(BlockSchema, bool), sqlx::Error> {
    let sum = &schema.checksum;
    let now = Timestamp::now();
    let select =
        format!("SELECT {COLUMNS} FROM block_schema bs WHERE bs.checksum = $1 AND bs.version = $2");
    let on_conflict = if protected {
        "ON CONFLICT (checksum, version) DO UPDATE SET fields = excluded.fields, \
         capabilities = excluded.capabilities, block_type_id = excluded.block_type_id, updated = excluded.updated"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    let insert = format!(
        "INSERT INTO block_schema (id, created, updated, checksum, fields, block_type_id, capabilities, version) \
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7) {on_conflict}"
    );
    let child_select = format!(
        "SELECT {COLUMNS} FROM block_schema bs WHERE bs.checksum = $1 ORDER BY bs.created DESC LIMIT 1"
    );
    let plain = "INSERT INTO block_schema (id, created, updated, checksum, fields, block_type_id, capabilities, version) \
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
    write_tx!(writer, tx => {
        let inserted = sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
            .bind(new_v7())
            .bind(now)
            .bind(sum)
            .bind(json(&Value::Object(schema.fields.clone())))
            .bind(schema.block_type_id)
            .bind(json(&Value::from(schema.capabilities.clone())))
            .bind(&schema.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let stored = sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(select.clone()))
            .bind(sum)
            .bind(&schema.version)
            .fetch_one(&mut *tx)
            .await?;
        if inserted == 1 {
            for (reference, new_child) in children {
                if let Some(child) = new_child {
                    sqlx::query(plain)
                        .bind(new_v7())
                        .bind(now)
                        .bind(&child.checksum)
                        .bind(json(&Value::Object(child.fields.clone())))
                        .bind(child.block_type_id)
                        .bind(json(&Value::from(child.capabilities.clone())))
                        .bind(&child.version)
                        .execute(&mut *tx)
                        .await?;
                }
                let child_sum = match new_child {
                    Some(child) => child.checksum.clone(),
                    None => reference.checksum.clone(),
                };
                let child = sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(child_select.clone()))
                    .bind(child_sum)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO block_schema_reference (id, created, updated, name, parent_block_schema_id, \
                     reference_block_schema_id) VALUES ($1, $2, $2, $3, $4, $5)",
                )
                .bind(new_v7())
                .bind(now)
                .bind(&reference.name)
                .bind(stored.id)
                .bind(child.id)
                .execute(&mut *tx)
                .await?;
            }
        }
        (stored, inserted == 1)
    })
}

pub async fn get(db: &Db, id: Id) -> Result<Option<BlockSchema>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM block_schema bs WHERE bs.id = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// The newest schema with `checksum` (and `version`, when given).
pub async fn get_by_checksum(
    db: &Db,
    checksum: &str,
    version: Option<&str>,
) -> Result<Option<BlockSchema>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM block_schema bs WHERE bs.checksum = $1 AND ($2 IS NULL OR bs.version = $2) \
         ORDER BY bs.created DESC LIMIT 1"
    );
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(sql)).bind(checksum).bind(version).fetch_optional(pool).await?),
    )
}

pub async fn get_many(db: &Db, list: &[Id]) -> Result<Vec<BlockSchema>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let ids: Vec<uuid::Uuid> = list.iter().map(|i| i.0).collect();
    let condition = w.in_list("bs.id", self::ids(&ids), false);
    let sql = format!("SELECT {COLUMNS} FROM block_schema bs WHERE {condition}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

/// Schemas matching `filter`, newest first.
pub async fn filter(
    db: &Db,
    filter: &BlockSchemaFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<BlockSchema>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let parts: Vec<String> = filter.condition(&mut w, "bs").into_iter().collect();
    let page = w.page("bs.created DESC", "bs.id DESC", limit, offset);
    let sql = format!(
        "SELECT {COLUMNS} FROM block_schema bs{}{page}",
        where_sql(&parts)
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, BlockSchema>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

/// The (checksum, version) of every stored schema.
pub async fn checksums(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = "SELECT checksum, version FROM block_schema";
    Ok(on_db!(db, pool => sqlx::query_as::<_, (String, String)>(sql).fetch_all(pool).await?))
}

pub async fn delete(writer: &Writer, id: Id) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM block_schema WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected() == 1
    })
}

/// Every capability some schema declares, once each, in order.
pub async fn capabilities(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT DISTINCT c.value FROM block_schema bs, json_each(bs.capabilities) c ORDER BY 1"
        }
        Dialect::Postgres => {
            "SELECT DISTINCT jsonb_array_elements_text(bs.capabilities) AS value FROM block_schema bs ORDER BY 1"
        }
    };
    Ok(on_db!(db, pool => sqlx::query_scalar::<_, String>(sql).fetch_all(pool).await?))
}
