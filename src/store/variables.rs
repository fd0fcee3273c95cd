//! The `variable` table: named JSON values with tags, unique by name.

use serde_json::Value;

use super::filter::{Where, combine, where_sql};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, IdList, TextList, Timestamp};

#[derive(sqlx::FromRow)]
pub struct Variable {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub value: Option<JsonValue>,
    pub tags: JsonValue,
}

const COLUMNS: &str = "id, created, updated, name, value, tags";

/// Which variable a request names: by id or by name.
#[derive(Clone, Debug)]
pub enum Key {
    Id(Id),
    Name(String),
}

impl Key {
    fn condition(&self) -> &'static str {
        match self {
            Key::Id(_) => "id = $1",
            Key::Name(_) => "name = $1",
        }
    }

    fn param(&self) -> Param {
        match self {
            Key::Id(id) => Param::Id(*id),
            Key::Name(name) => Param::Text(name.clone()),
        }
    }
}

/// What an update sets; `None` leaves a field as it is (`value: Some(Value::Null)` sets null).
#[derive(Default)]
pub struct Changes {
    pub name: Option<String>,
    pub value: Option<Value>,
    pub tags: Option<Vec<String>>,
}

/// `VariableFilter`: conditions combined with AND, or OR when `or`.
#[derive(Default)]
pub struct Filter {
    pub ids: Option<Vec<Id>>,
    pub names: Option<Vec<String>>,
    pub name_like: Option<String>,
    pub tags: Option<TagsFilter>,
    pub or: bool,
}

#[derive(Default)]
pub struct TagsFilter {
    pub all: Option<Vec<String>>,
    pub is_null: Option<bool>,
    pub or: bool,
}

#[derive(Clone, Copy, Debug, Default)]
pub enum Sort {
    CreatedDesc,
    UpdatedDesc,
    NameDesc,
    #[default]
    NameAsc,
}

impl Sort {
    fn order(self) -> &'static str {
        match self {
            Sort::CreatedDesc => "created DESC",
            Sort::UpdatedDesc => "updated DESC",
            Sort::NameDesc => "name DESC",
            Sort::NameAsc => "name ASC",
        }
    }
}

/// Creates the variable; `None` when the name is taken.
pub async fn create(
    writer: &Writer,
    name: &str,
    value: &Value,
    tags: &[String],
) -> Result<Option<Variable>, sqlx::Error> {
    let now = Timestamp::now();
    let sql = format!(
        "INSERT INTO variable (id, created, updated, name, value, tags) VALUES ($1, $2, $2, $3, $4, $5) \
         ON CONFLICT (name) DO NOTHING RETURNING {COLUMNS}"
    );
    write_tx!(writer, tx => {
        sqlx::query_as::<_, Variable>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(new_v7())
            .bind(now)
            .bind(name)
            .bind(json(value))
            .bind(json(&Value::from(tags.to_vec())))
            .fetch_optional(&mut *tx)
            .await?
    })
}

pub async fn read(db: &Db, key: &Key) -> Result<Option<Variable>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM variable WHERE {}", key.condition());
    let params = [key.param()];
    on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, Variable>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_optional(pool)
            .await
    })
}

/// Applies `changes`; the variable as it is now, `None` when there is no such variable. A new name that another
/// variable has is a unique violation (`sqlx::Error::Database`), as in Prefect.
pub async fn update(
    writer: &Writer,
    key: &Key,
    changes: &Changes,
) -> Result<Option<Variable>, sqlx::Error> {
    let mut params = vec![key.param(), Param::Time(Timestamp::now())];
    let mut sets = vec!["updated = $2".to_owned()];
    let values = [
        ("name", changes.name.clone().map(Param::Text)),
        (
            "value",
            changes.value.as_ref().map(|v| Param::Json(json(v))),
        ),
        (
            "tags",
            changes
                .tags
                .as_ref()
                .map(|t| Param::Json(json(&Value::from(t.clone())))),
        ),
    ];
    for (column, param) in values {
        if let Some(param) = param {
            params.push(param);
            sets.push(format!("{column} = ${}", params.len()));
        }
    }
    let sql = format!(
        "UPDATE variable SET {} WHERE {} RETURNING {COLUMNS}",
        sets.join(", "),
        key.condition()
    );
    write_tx!(writer, tx => {
        bind_all!(sqlx::query_as::<_, Variable>(sqlx::AssertSqlSafe(sql.clone())), &params)
            .fetch_optional(&mut *tx)
            .await?
    })
}

/// Deletes the variable; what it was, `None` when there was none.
pub async fn delete(writer: &Writer, key: &Key) -> Result<Option<Variable>, sqlx::Error> {
    let sql = format!(
        "DELETE FROM variable WHERE {} RETURNING {COLUMNS}",
        key.condition()
    );
    let params = [key.param()];
    write_tx!(writer, tx => {
        bind_all!(sqlx::query_as::<_, Variable>(sqlx::AssertSqlSafe(sql.clone())), &params)
            .fetch_optional(&mut *tx)
            .await?
    })
}

fn where_clause(w: &mut Where, filter: &Filter) -> String {
    let mut parts = Vec::new();
    if let Some(ids) = &filter.ids {
        parts.push(w.in_list("id", Param::Ids(IdList(ids.clone())), false));
    }
    if let Some(names) = &filter.names {
        parts.push(w.in_list("name", Param::Texts(TextList(names.clone())), false));
    }
    if let Some(like) = filter.name_like.as_deref().filter(|l| !l.is_empty()) {
        parts.push(w.contains_ignoring_case("name", like));
    }
    if let Some(tags) = &filter.tags {
        let mut tag_parts = Vec::new();
        if let Some(all) = tags.all.clone().filter(|all| !all.is_empty()) {
            tag_parts.push(w.has_all_tags("tags", all));
        }
        if let Some(empty) = tags.is_null {
            tag_parts.push(w.no_tags("tags", empty));
        }
        parts.extend(combine(tag_parts, tags.or));
    }
    where_sql(&combine(parts, filter.or).into_iter().collect::<Vec<_>>())
}

pub async fn filter(
    db: &Db,
    filter: &Filter,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<Variable>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_clause(&mut w, filter);
    let page = w.page(sort.order(), "id", limit, offset);
    let sql = format!("SELECT {COLUMNS} FROM variable{condition}{page}");
    let params = w.params;
    on_db!(db, pool => {
        bind_all!(sqlx::query_as::<_, Variable>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_all(pool)
            .await
    })
}

pub async fn count(db: &Db, filter: &Filter) -> Result<i64, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let sql = format!(
        "SELECT COUNT(*) FROM variable{}",
        where_clause(&mut w, filter)
    );
    let params = w.params;
    on_db!(db, pool => {
        bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params)
            .fetch_one(pool)
            .await
    })
}

/// A statement refused because it would duplicate a unique value (a name taken by another row).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
