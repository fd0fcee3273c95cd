//! The `block_document` and `block_document_reference` tables. A document's data is stored without its
//! references to other documents (`{"$ref": {"block_document_id": …}}` values become reference rows, as in
//! Prefect) and encrypted (`block_crypt`); reads decrypt it and put each referenced document's data back in its place, recursively, and hide secrets.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::block_crypt::{self, cipher_for_write};
use super::block_schemas::{self, BlockSchema, BlockSchemaFilter, IdsAny, Operator, ids};
use super::block_secrets::{obfuscate, secret_paths};
use super::block_types::{self, BlockType, BlockTypeFilter};
use super::filter::{Where, where_sql};
use super::{JsonValue, Param, Writer, bind_all, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, TextList, Timestamp};

/// How deep references are followed on read, as Prefect bounds it.
const MAX_DEPTH: usize = 50;

#[derive(sqlx::FromRow, Clone, Debug)]
pub struct Row {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub data: JsonValue,
    pub block_schema_id: Id,
    pub block_type_id: Id,
    pub block_type_name: Option<String>,
    pub is_anonymous: bool,
}

const COLUMNS: &str = "bd.id, bd.created, bd.updated, bd.name, bd.data, bd.block_schema_id, bd.block_type_id, \
    bd.block_type_name, bd.is_anonymous";

/// A document as the API shows it: data with nested documents resolved, its references, schema and type.
#[derive(Clone, Debug)]
pub struct Document {
    pub row: Row,
    pub data: Map<String, Value>,
    pub references: Map<String, Value>,
    pub schema: BlockSchema,
    pub block_type: BlockType,
}

/// Prefect's `BlockDocumentFilter`. Left out, `is_anonymous` means `{"eq_": false}`; `null` means either.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDocumentFilter {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub id: Option<IdsAny>,
    #[serde(default = "not_anonymous")]
    pub is_anonymous: Option<IsAnonymous>,
    #[serde(default)]
    pub block_type_id: Option<IdsAny>,
    #[serde(default)]
    pub name: Option<NameFilter>,
}

impl Default for BlockDocumentFilter {
    fn default() -> Self {
        Self {
            operator: Operator::And,
            id: None,
            is_anonymous: not_anonymous(),
            block_type_id: None,
            name: None,
        }
    }
}

fn not_anonymous() -> Option<IsAnonymous> {
    Some(IsAnonymous { eq_: Some(false) })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IsAnonymous {
    #[serde(default)]
    pub eq_: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameFilter {
    #[serde(default)]
    pub any_: Option<Vec<String>>,
    #[serde(default)]
    pub like_: Option<String>,
}

/// Prefect's `BlockDocumentSort`.
#[derive(Debug, Default, Deserialize, Clone, Copy)]
pub enum Sort {
    #[default]
    #[serde(rename = "NAME_ASC")]
    NameAsc,
    #[serde(rename = "NAME_DESC")]
    NameDesc,
    #[serde(rename = "BLOCK_TYPE_AND_NAME_ASC")]
    BlockTypeAndNameAsc,
}

impl Sort {
    fn sql(self) -> &'static str {
        match self {
            Sort::NameAsc => "bd.name ASC",
            Sort::NameDesc => "bd.name DESC",
            Sort::BlockTypeAndNameAsc => "bd.block_type_name ASC, bd.name ASC",
        }
    }
}

/// Which documents: the three filters of `/block_documents/filter`.
#[derive(Debug, Default)]
pub struct Selection {
    pub documents: BlockDocumentFilter,
    pub types: Option<BlockTypeFilter>,
    pub schemas: Option<BlockSchemaFilter>,
}

impl Selection {
    fn where_sql(&self, w: &mut Where) -> String {
        let d = &self.documents;
        let mut parts = Vec::new();
        if let Some(list) = d.id.as_ref().and_then(|f| f.any_.as_deref()) {
            parts.push(w.in_list("bd.id", ids(list), false));
        }
        if let Some(eq) = d.is_anonymous.as_ref().and_then(|f| f.eq_) {
            let p = w.bind(Param::Int(i64::from(eq)));
            parts.push(format!(
                "(CASE WHEN bd.is_anonymous THEN 1 ELSE 0 END) = {p}"
            ));
        }
        if let Some(list) = d.block_type_id.as_ref().and_then(|f| f.any_.as_deref()) {
            parts.push(w.in_list("bd.block_type_id", ids(list), false));
        }
        if let Some(name) = &d.name {
            if let Some(list) = &name.any_ {
                parts.push(w.in_list("bd.name", Param::Texts(TextList(list.clone())), false));
            }
            if let Some(like) = name.like_.as_deref().filter(|l| !l.is_empty()) {
                let p = w.bind(Param::Text(format!("%{}%", like.to_lowercase())));
                parts.push(format!("lower(bd.name) LIKE {p}"));
            }
        }
        let mut all: Vec<String> = d.operator.join(parts).into_iter().collect();
        if let Some(types) = &self.types {
            let conditions = types.conditions(w, "bt");
            if !conditions.is_empty() {
                all.push(format!(
                    "EXISTS (SELECT 1 FROM block_type bt WHERE bt.id = bd.block_type_id AND {})",
                    conditions.join(" AND ")
                ));
            }
        }
        if let Some(condition) = self.schemas.as_ref().and_then(|s| s.condition(w, "bs")) {
            all.push(format!(
                "EXISTS (SELECT 1 FROM block_schema bs WHERE bs.id = bd.block_schema_id AND {condition})"
            ));
        }
        where_sql(&all)
    }
}

/// The documents `selection` picks, sorted and paged, each resolved (secrets hidden unless `include_secrets`).
pub async fn read(
    db: &Db,
    selection: &Selection,
    include_secrets: bool,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Document>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let where_sql = selection.where_sql(&mut w);
    let page = w.page(sort.sql(), "bd.id", limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM block_document bd{where_sql}{page}");
    let params = w.params;
    let mut roots: Vec<Row> = on_db!(db, pool => bind_all!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?);
    open_rows(db, &mut roots).await?;
    resolve(db, roots, include_secrets).await
}

pub async fn count(db: &Db, selection: &Selection) -> Result<i64, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let sql = format!(
        "SELECT COUNT(*) FROM block_document bd{}",
        selection.where_sql(&mut w)
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// One document by id, anonymous or not.
pub async fn get(db: &Db, id: Id, include_secrets: bool) -> Result<Option<Document>, sqlx::Error> {
    let selection = Selection {
        documents: BlockDocumentFilter {
            id: Some(IdsAny {
                any_: Some(vec![id.0]),
            }),
            is_anonymous: None,
            ..Default::default()
        },
        ..Default::default()
    };
    Ok(read(db, &selection, include_secrets, Sort::NameAsc, 1, 0)
        .await?
        .into_iter()
        .next())
}

/// One document by its block type's slug and its name, anonymous or not.
pub async fn get_by_name(
    db: &Db,
    slug: &str,
    name: &str,
    include_secrets: bool,
) -> Result<Option<Document>, sqlx::Error> {
    let selection = Selection {
        documents: BlockDocumentFilter {
            name: Some(NameFilter {
                any_: Some(vec![name.to_owned()]),
                like_: None,
            }),
            is_anonymous: None,
            ..Default::default()
        },
        types: Some(BlockTypeFilter {
            slug: Some(block_types::SlugAny {
                any_: Some(vec![slug.to_owned()]),
            }),
            ..Default::default()
        }),
        schemas: None,
    };
    Ok(read(db, &selection, include_secrets, Sort::NameAsc, 1, 0)
        .await?
        .into_iter()
        .next())
}

/// The reference rows under `parents`: (parent, name, child).
async fn references_of(db: &Db, parents: &[Id]) -> Result<Vec<(Id, String, Id)>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let list: Vec<uuid::Uuid> = parents.iter().map(|i| i.0).collect();
    let condition = w.in_list("r.parent_block_document_id", ids(&list), false);
    let sql = format!(
        "SELECT r.parent_block_document_id, r.name, r.reference_block_document_id FROM block_document_reference r \
         WHERE {condition} ORDER BY r.created, r.id"
    );
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, (Id, String, Id)>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

async fn rows(db: &Db, list: &[Id]) -> Result<Vec<Row>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let list: Vec<uuid::Uuid> = list.iter().map(|i| i.0).collect();
    let condition = w.in_list("bd.id", ids(&list), false);
    let sql = format!("SELECT {COLUMNS} FROM block_document bd WHERE {condition}");
    let params = w.params;
    let mut found: Vec<Row> = on_db!(db, pool => bind_all!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?);
    open_rows(db, &mut found).await?;
    Ok(found)
}

/// Decrypts the rows' data in place, so everything past loading sees plain objects.
async fn open_rows(db: &Db, rows: &mut [Row]) -> Result<(), sqlx::Error> {
    let mut values: Vec<&mut JsonValue> = rows.iter_mut().map(|r| &mut r.data).collect();
    block_crypt::open_all(db, &mut values).await
}

/// Loads everything `roots` reference (level by level), their schemas and types, and builds each document.
async fn resolve(
    db: &Db,
    roots: Vec<Row>,
    include_secrets: bool,
) -> Result<Vec<Document>, sqlx::Error> {
    let mut all: HashMap<Id, Row> = roots.iter().map(|r| (r.id, r.clone())).collect();
    let mut edges: HashMap<Id, Vec<(String, Id)>> = HashMap::new();
    let mut frontier: Vec<Id> = roots.iter().map(|r| r.id).collect();
    let mut seen: HashSet<Id> = frontier.iter().copied().collect();
    for _ in 0..MAX_DEPTH {
        if frontier.is_empty() {
            break;
        }
        let found = references_of(db, &frontier).await?;
        let mut next = Vec::new();
        for (parent, name, child) in found {
            edges.entry(parent).or_default().push((name, child));
            if seen.insert(child) {
                next.push(child);
            }
        }
        for row in rows(db, &next).await? {
            all.insert(row.id, row);
        }
        frontier = next;
    }
    let schema_ids: Vec<Id> = all
        .values()
        .map(|r| r.block_schema_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let schemas: HashMap<Id, BlockSchema> = block_schemas::get_many(db, &schema_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let type_ids: Vec<Id> = all
        .values()
        .map(|r| r.block_type_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let types: HashMap<Id, BlockType> = block_types::get_many(db, &type_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let graph = Graph {
        all: &all,
        edges: &edges,
        schemas: &schemas,
        types: &types,
        include_secrets,
    };
    Ok(roots
        .iter()
        .filter_map(|root| graph.build(root.id, 0))
        .collect())
}

struct Graph<'a> {
    all: &'a HashMap<Id, Row>,
    edges: &'a HashMap<Id, Vec<(String, Id)>>,
    schemas: &'a HashMap<Id, BlockSchema>,
    types: &'a HashMap<Id, BlockType>,
    include_secrets: bool,
}

impl Graph<'_> {
    fn build(&self, id: Id, depth: usize) -> Option<Document> {
        let row = self.all.get(&id)?;
        let schema = self.schemas.get(&row.block_schema_id)?.clone();
        let block_type = self.types.get(&row.block_type_id)?.clone();
        let stored = row.data.0.as_object().cloned().unwrap_or_default();
        let mut data = if self.include_secrets {
            stored
        } else {
            obfuscate(&stored, &secret_paths(&schema.fields.0))
        };
        let mut references = Map::new();
        if depth < MAX_DEPTH {
            for (name, child) in self.edges.get(&id).into_iter().flatten() {
                let Some(nested) = self.build(*child, depth + 1) else {
                    continue;
                };
                data.insert(name.clone(), Value::Object(nested.data.clone()));
                references.insert(
                    name.clone(),
                    json!({ "block_document": {
                        "id": nested.row.id.to_string(),
                        "name": nested.row.name,
                        "block_type": type_json(&nested.block_type),
                        "is_anonymous": nested.row.is_anonymous,
                        "block_document_references": nested.references,
                    }}),
                );
            }
        }
        Some(Document {
            row: row.clone(),
            data,
            references,
            schema,
            block_type,
        })
    }
}

/// A block type as it appears inside `block_document_references` (the API's own shape).
pub fn type_json(t: &BlockType) -> Value {
    json!({
        "id": t.id.to_string(),
        "created": t.created.rfc3339(),
        "updated": t.updated.rfc3339(),
        "name": t.name,
        "slug": t.slug,
        "logo_url": t.logo_url,
        "documentation_url": t.documentation_url,
        "description": t.description,
        "code_example": t.code_example,
        "is_protected": t.is_protected,
    })
}

/// A document's data without its references, and the references as (field, referenced document).
pub type Split = (Map<String, Value>, Vec<(String, Id)>);

/// Splits `{"$ref": {"block_document_id": …}}` values out of `data`: the plain data, and (field, id) pairs.
/// `Err` names a field whose reference has no usable id.
pub fn split_references(data: &Map<String, Value>) -> Result<Split, String> {
    let mut plain = Map::new();
    let mut references = Vec::new();
    for (key, value) in data {
        let Some(reference) = value.as_object().and_then(|o| o.get("$ref")) else {
            plain.insert(key.clone(), value.clone());
            continue;
        };
        let id = reference
            .get("block_document_id")
            .and_then(Value::as_str)
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .ok_or_else(|| {
                format!("Received block reference without a block_document_id in key {key}")
            })?;
        references.push((key.clone(), Id(id)));
    }
    Ok((plain, references))
}

/// Whether a reference `parent -> child` would close a loop: `parent` is `child` or reachable from it.
pub async fn would_cycle(db: &Db, parent: Id, child: Id) -> Result<bool, sqlx::Error> {
    let mut frontier = vec![child];
    let mut seen = HashSet::new();
    while !frontier.is_empty() {
        if frontier.contains(&parent) {
            return Ok(true);
        }
        seen.extend(frontier.iter().copied());
        let next = references_of(db, &frontier).await?;
        frontier = next
            .into_iter()
            .map(|(_, _, c)| c)
            .filter(|c| !seen.contains(c))
            .collect();
    }
    Ok(false)
}

/// Inserts one reference row (a macro: the statement runs on either dialect's transaction).
macro_rules! insert_reference {
    ($tx:expr, $parent:expr, $name:expr, $child:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO block_document_reference (id, created, updated, name, parent_block_document_id, \
             reference_block_document_id) VALUES ($1, $2, $2, $3, $4, $5)",
        )
        .bind(new_v7())
        .bind($now)
        .bind($name)
        .bind($parent)
        .bind($child)
        .execute($tx)
        .await?
    };
}

pub struct NewDocument {
    pub name: String,
    pub data: Map<String, Value>,
    pub references: Vec<(String, Id)>,
    pub block_schema_id: Id,
    pub block_type_id: Id,
    pub block_type_name: String,
    pub is_anonymous: bool,
}

/// Stores a document and its references; `None` when its block type already has a document of that name.
pub async fn create(writer: &Writer, new: &NewDocument) -> Result<Option<Id>, sqlx::Error> {
    let id = new_v7();
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let sealed = cipher_for_write!(tx)?.seal(&new.data);
        let inserted = sqlx::query(
            "INSERT INTO block_document (id, created, updated, name, data, block_schema_id, block_type_id, \
             block_type_name, is_anonymous) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(now)
        .bind(&new.name)
        .bind(sealed)
        .bind(new.block_schema_id)
        .bind(new.block_type_id)
        .bind(&new.block_type_name)
        .bind(new.is_anonymous)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(None);
        }
        for (name, child) in &new.references {
            insert_reference!(&mut *tx, id, name, *child, now);
        }
        Some(id)
    })
}

/// The stored (plain) data and schema of a document, for an update to merge into.
pub async fn stored(
    db: &Db,
    id: Id,
) -> Result<Option<(Map<String, Value>, BlockSchema, Row)>, sqlx::Error> {
    let Some(row) = rows(db, &[id]).await?.into_iter().next() else {
        return Ok(None);
    };
    let Some(schema) = block_schemas::get(db, row.block_schema_id).await? else {
        return Ok(None);
    };
    let data = row.data.0.as_object().cloned().unwrap_or_default();
    Ok(Some((data, schema, row)))
}

/// Replaces a document's data, schema and references; references that stay (same name and target) keep their rows.
pub async fn update(
    writer: &Writer,
    id: Id,
    data: &Map<String, Value>,
    references: &[(String, Id)],
    block_schema_id: Id,
) -> Result<bool, sqlx::Error> {
    let now = Timestamp::now();
    write_tx!(writer, tx => {
        let sealed = cipher_for_write!(tx)?.seal(data);
        let changed = sqlx::query("UPDATE block_document SET data = $2, block_schema_id = $3, updated = $4 WHERE id = $1")
            .bind(id)
            .bind(sealed)
            .bind(block_schema_id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        let current: Vec<(Id, String, Id)> = sqlx::query_as(
            "SELECT id, name, reference_block_document_id FROM block_document_reference WHERE parent_block_document_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (row_id, name, child) in &current {
            if !references.iter().any(|(n, c)| n == name && c == child) {
                sqlx::query("DELETE FROM block_document_reference WHERE id = $1").bind(*row_id).execute(&mut *tx).await?;
            }
        }
        for (name, child) in references {
            if !current.iter().any(|(_, n, c)| n == name && c == child) {
                insert_reference!(&mut *tx, id, name, *child, now);
            }
        }
        true
    })
}

pub async fn delete(writer: &Writer, id: Id) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM block_document WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected() == 1
    })
}
