//! The `artifact` table (every version of every artifact) and `artifact_collection`, which Prefect keeps beside
//! it: one row per key, a copy of that key's latest artifact. Creating a keyed artifact makes it the latest;
//! deleting the latest hands the row to the key's next newest version, or removes it when there is none.

use serde_json::Value;

use super::filter::{Where, combine, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, IdList, TextList, Timestamp};

/// A row of either table: an artifact, or a key's latest artifact (`latest_id` set).
#[derive(sqlx::FromRow)]
pub struct Artifact {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub key: Option<String>,
    #[sqlx(default)]
    pub latest_id: Option<Id>,
    pub r#type: Option<String>,
    pub description: Option<String>,
    pub data: Option<JsonValue>,
    pub metadata_: Option<JsonValue>,
    pub flow_run_id: Option<Id>,
    pub task_run_id: Option<Id>,
}

const COLUMNS: &str =
    "id, created, updated, key, type, description, data, metadata_, flow_run_id, task_run_id";
const COLLECTION_COLUMNS: &str = "id, created, updated, key, latest_id, type, description, data, metadata_, \
                                  flow_run_id, task_run_id";

pub struct NewArtifact {
    pub key: Option<String>,
    pub r#type: Option<String>,
    pub description: Option<String>,
    pub data: Option<Value>,
    pub metadata: Option<Value>,
    pub flow_run_id: Option<Id>,
    pub task_run_id: Option<Id>,
}

/// What an update sets: `None` leaves a field as it is, `Some(None)` sets it null.
#[derive(Default)]
pub struct Changes {
    pub data: Option<Option<Value>>,
    pub description: Option<Option<String>>,
    pub metadata: Option<Option<Value>>,
}

/// Which table a filter reads: every artifact, or each key's latest.
#[derive(Clone, Copy)]
pub enum Table {
    Artifacts,
    Latest,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Artifacts => "artifact",
            Table::Latest => "artifact_collection",
        }
    }

    fn columns(self) -> &'static str {
        match self {
            Table::Artifacts => COLUMNS,
            Table::Latest => COLLECTION_COLUMNS,
        }
    }
}

/// `ArtifactFilter` / `ArtifactCollectionFilter` (`ids` is `id` of the one, `latest_id` of the other).
#[derive(Default)]
pub struct Filter {
    pub ids: Option<Vec<Id>>,
    pub keys: Option<Vec<String>>,
    pub key_like: Option<String>,
    pub key_exists: Option<bool>,
    pub flow_run_ids: Option<Vec<Id>>,
    pub task_run_ids: Option<Vec<Id>>,
    pub types: Option<Vec<String>>,
    pub not_types: Option<Vec<String>>,
    pub or: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub enum Sort {
    CreatedDesc,
    UpdatedDesc,
    #[default]
    IdDesc,
    KeyDesc,
    KeyAsc,
}

impl Sort {
    fn order(self) -> &'static str {
        match self {
            Sort::CreatedDesc => "created DESC",
            Sort::UpdatedDesc => "updated DESC",
            Sort::IdDesc => "id DESC",
            Sort::KeyDesc => "key DESC",
            Sort::KeyAsc => "key ASC",
        }
    }
}

/// What happened to a key's latest artifact (its `artifact_collection` row, as it is after the change, or as it
/// was before its removal): Prefect reports each as a lifecycle event.
pub enum LatestChange {
    Created(Artifact),
    Updated(Artifact),
    Deleted(Artifact),
}

/// Stores a new artifact; one with a key becomes that key's latest.
pub async fn create(
    writer: &Writer,
    new: &NewArtifact,
) -> Result<(Artifact, Option<LatestChange>), sqlx::Error> {
    let now = Timestamp::now();
    let id = new_v7();
    let data = new.data.as_ref().map(json);
    let metadata = new.metadata.as_ref().map(json);
    let insert = format!(
        "INSERT INTO artifact ({COLUMNS}) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    );
    let upsert_latest = format!(
        "INSERT INTO artifact_collection (id, created, updated, key, latest_id, type, description, data, \
         metadata_, flow_run_id, task_run_id) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (key) DO UPDATE SET latest_id = excluded.latest_id, updated = excluded.updated, \
         type = excluded.type, description = excluded.description, data = excluded.data, \
         metadata_ = excluded.metadata_, flow_run_id = excluded.flow_run_id, \
         task_run_id = excluded.task_run_id RETURNING {COLLECTION_COLUMNS}"
    );
    write_tx!(writer, tx => {
        let mut latest = None;
        if let Some(key) = &new.key {
            let row = sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(upsert_latest.clone()))
            .bind(new_v7())
            .bind(now)
            .bind(key)
            .bind(id)
            .bind(&new.r#type)
            .bind(&new.description)
            .bind(data.clone())
            .bind(metadata.clone())
            .bind(new.flow_run_id)
            .bind(new.task_run_id)
            .fetch_one(&mut *tx)
            .await?;
            // A new key's row was created now; an existing key's row kept its creation time.
            latest = Some(if row.created == row.updated {
                LatestChange::Created(row)
            } else {
                LatestChange::Updated(row)
            });
        }
        let artifact = sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(insert.clone()))
            .bind(id)
            .bind(now)
            .bind(&new.key)
            .bind(&new.r#type)
            .bind(&new.description)
            .bind(data.clone())
            .bind(metadata.clone())
            .bind(new.flow_run_id)
            .bind(new.task_run_id)
            .fetch_one(&mut *tx)
            .await?;
        (artifact, latest)
    })
}

pub async fn read(db: &Db, id: Id) -> Result<Option<Artifact>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM artifact WHERE id = $1");
    on_db!(db, pool => {
        sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
    })
}

/// The latest artifact of `key` (its `artifact_collection` row).
pub async fn read_latest(db: &Db, key: &str) -> Result<Option<Artifact>, sqlx::Error> {
    let sql = format!("SELECT {COLLECTION_COLUMNS} FROM artifact_collection WHERE key = $1");
    on_db!(db, pool => {
        sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(sql)).bind(key).fetch_optional(pool).await
    })
}

/// Applies `changes` to the artifact and, when it is its key's latest, to the latest copy; false when there
/// is no such artifact.
pub async fn update(writer: &Writer, id: Id, changes: &Changes) -> Result<bool, sqlx::Error> {
    let mut params = vec![Param::Id(id), Param::Time(Timestamp::now())];
    let mut sets = vec!["updated = $2".to_owned()];
    let json_or_null = |value: &Option<Value>| match value {
        Some(v) => Param::Json(json(v)),
        None => Param::Json(json(&Value::Null)),
    };
    let values = [
        ("data", changes.data.as_ref().map(json_or_null)),
        ("metadata_", changes.metadata.as_ref().map(json_or_null)),
    ];
    for (column, param) in values {
        if let Some(param) = param {
            params.push(param);
            sets.push(format!("{column} = ${}", params.len()));
        }
    }
    match &changes.description {
        Some(Some(description)) => {
            params.push(Param::Text(description.clone()));
            sets.push(format!("description = ${}", params.len()));
        }
        Some(None) => sets.push("description = NULL".to_owned()),
        None => {}
    }
    let sets = sets.join(", ");
    let artifact = format!("UPDATE artifact SET {sets} WHERE id = $1");
    let latest = format!("UPDATE artifact_collection SET {sets} WHERE latest_id = $1");
    let changed = write_tx!(writer, tx => {
        let mut changed = 0;
        for sql in [&artifact, &latest] {
            changed += bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &params)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        changed
    })?;
    Ok(changed > 0)
}

/// Deletes the artifact; `None` when there was none, else what happened to its key's latest. When it was its
/// key's latest, the key's next newest version becomes the latest (with its own fields and times), or the key's
/// row goes when there is none.
pub async fn delete(writer: &Writer, id: Id) -> Result<Option<Option<LatestChange>>, sqlx::Error> {
    let next_sql = format!(
        "SELECT {COLUMNS} FROM artifact WHERE key = $1 AND id <> $2 ORDER BY created DESC, id DESC LIMIT 1"
    );
    let hand_over = format!(
        "UPDATE artifact_collection SET latest_id = $3, created = $4, updated = $5, type = $6, description = $7, \
         data = $8, metadata_ = $9, flow_run_id = $10, task_run_id = $11 WHERE key = $1 AND latest_id = $2 \
         RETURNING {COLLECTION_COLUMNS}"
    );
    let remove = format!(
        "DELETE FROM artifact_collection WHERE key = $1 AND latest_id = $2 RETURNING {COLLECTION_COLUMNS}"
    );
    write_tx!(writer, tx => {
        let key: Option<Option<String>> = sqlx::query_scalar("SELECT key FROM artifact WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(key) = key else {
            return Ok(None);
        };
        let mut latest = None;
        if let Some(key) = key {
            let next = sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(next_sql.clone()))
                .bind(&key)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            latest = match next {
                Some(next) => sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(hand_over.clone()))
                    .bind(&key)
                    .bind(id)
                    .bind(next.id)
                    .bind(next.created)
                    .bind(next.updated)
                    .bind(next.r#type)
                    .bind(next.description)
                    .bind(next.data)
                    .bind(next.metadata_)
                    .bind(next.flow_run_id)
                    .bind(next.task_run_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(LatestChange::Updated),
                None => sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(remove.clone()))
                    .bind(&key)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(LatestChange::Deleted),
            };
        }
        sqlx::query("DELETE FROM artifact WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Some(latest)
    })
}

fn where_clause(w: &mut Where, table: Table, filter: &Filter) -> String {
    let id_column = match table {
        Table::Artifacts => "id",
        Table::Latest => "latest_id",
    };
    let ids = |list: &Option<Vec<Id>>| list.clone().map(|ids| Param::Ids(IdList(ids)));
    let texts = |list: &Option<Vec<String>>| list.clone().map(|t| Param::Texts(TextList(t)));
    let mut parts = Vec::new();
    let lists = [
        (id_column, ids(&filter.ids), false),
        ("key", texts(&filter.keys), false),
        ("flow_run_id", ids(&filter.flow_run_ids), false),
        ("task_run_id", ids(&filter.task_run_ids), false),
        ("type", texts(&filter.types), false),
        // As in Prefect, an empty `not_any_` excludes nothing.
        (
            "type",
            texts(&filter.not_types)
                .filter(|_| filter.not_types.as_ref().is_some_and(|t| !t.is_empty())),
            true,
        ),
    ];
    for (column, list, negate) in lists {
        if let Some(list) = list {
            parts.push(w.in_list(column, list, negate));
        }
    }
    if let Some(like) = filter.key_like.as_deref().filter(|l| !l.is_empty()) {
        parts.push(w.contains_ignoring_case("key", like));
    }
    if let Some(exists) = filter.key_exists {
        parts.push(format!("key IS {}NULL", if exists { "NOT " } else { "" }));
    }
    where_sql(&combine(parts, filter.or).into_iter().collect::<Vec<_>>())
}

pub async fn filter(
    db: &Db,
    table: Table,
    filter: &Filter,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Artifact>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_clause(&mut w, table, filter);
    let page = w.page(sort.order(), "id", limit, offset);
    let sql = format!(
        "SELECT {} FROM {}{condition}{page}",
        table.columns(),
        table.name()
    );
    let params = w.params;
    on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, Artifact>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_all(pool)
            .await
    })
}

pub async fn count(db: &Db, table: Table, filter: &Filter) -> Result<i64, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_clause(&mut w, table, filter);
    let sql = format!("SELECT COUNT(*) FROM {}{condition}", table.name());
    let params = w.params;
    on_db!(db, pool => {
        bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_one(pool)
            .await
    })
}
