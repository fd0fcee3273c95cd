//! Reading the `events` table as Prefect's events API does (prefect/server/events/storage/database.py,
//! filters.py, counting.py): an `EventFilter` turned into one `WHERE` over `events` (label, related and
//! any-resource conditions look into `event_resources`, scoped to the same time window, as Prefect's do), a page
//! of it ordered by `occurred`, its total, and counts by time bucket, event name or resource.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::filter::{Where, where_sql};
use super::{JsonValue, Param, bind_all, on_db};
use crate::api::schemas::events::{EventFilter, Order, ResourceSpec};
use crate::db::types::{Id, IdList, TextList, Timestamp};
use crate::db::{Db, Dialect};

/// One stored event as Prefect's `ReceivedEvent` reads it.
#[derive(sqlx::FromRow)]
struct Row {
    id: Id,
    occurred: Timestamp,
    event: String,
    resource: JsonValue,
    related: JsonValue,
    payload: JsonValue,
    received: Timestamp,
    follows: Option<Id>,
}

const COLUMNS: &str =
    "e.id, e.occurred, e.event, e.resource, e.related, e.payload, e.received, e.follows";

impl Row {
    /// Prefect's field order: occurred, event, resource, related, payload, id, follows, received.
    fn into_json(self) -> Value {
        json!({
            "occurred": self.occurred.rfc3339(),
            "event": self.event,
            "resource": self.resource.0,
            "related": self.related.0,
            "payload": self.payload.0,
            "id": self.id.to_string(),
            "follows": self.follows.map(|f| f.to_string()),
            "received": self.received.rfc3339(),
        })
    }
}

/// The events of `filter` from `offset`, at most `limit`, ordered by `occurred` as the filter says.
pub async fn read(
    db: &Db,
    filter: &EventFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Value>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&conditions(&mut w, filter));
    // A filter by ids can match no more events than it names (Prefect's `logical_limit`).
    let limit = match filter.id.id.as_ref().filter(|ids| !ids.is_empty()) {
        Some(ids) => limit.min(i64::try_from(ids.len()).unwrap_or(i64::MAX)),
        None => limit,
    };
    let direction = match filter.order {
        Order::Asc => "ASC",
        Order::Desc => "DESC",
    };
    let page = w.page(
        &format!("e.occurred {direction}"),
        &format!("e.id {direction}"),
        limit,
        offset,
    );
    let distinct = filter.resource.as_ref().is_some_and(|r| r.distinct);
    let sql = if distinct {
        // The latest (or earliest, ascending) event of each resource.
        format!(
            "SELECT {COLUMNS} FROM (SELECT e.*, row_number() OVER (PARTITION BY e.resource_id \
             ORDER BY e.occurred {direction}) AS resource_row FROM events e{condition}) e \
             WHERE e.resource_row = 1{page}"
        )
    } else {
        format!("SELECT {COLUMNS} FROM events e{condition}{page}")
    };
    let rows: Vec<Row> = on_db!(db, pool => bind_all!(sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    Ok(rows.into_iter().map(Row::into_json).collect())
}

/// How many events match `filter` (distinct resources when the filter asks for them).
pub async fn count(db: &Db, filter: &EventFilter) -> Result<i64, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&conditions(&mut w, filter));
    let counted = if filter.resource.as_ref().is_some_and(|r| r.distinct) {
        "COUNT(DISTINCT e.resource_id)"
    } else {
        "COUNT(*)"
    };
    let sql = format!("SELECT {counted} FROM events e{condition}");
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_one(pool).await?),
    )
}

/// Events per value of a grouping: its label, count, and first and last occurrence.
pub struct Group {
    pub value: String,
    pub label: String,
    pub count: i64,
    pub oldest: Timestamp,
    pub latest: Timestamp,
}

/// Events of `filter` by event name (`by_resource` false) or by resource id, labelled by the resource's name
/// in its latest event; most events first, then by label.
pub async fn count_by_value(
    db: &Db,
    filter: &EventFilter,
    by_resource: bool,
) -> Result<Vec<Group>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&conditions(&mut w, filter));
    let (value, label) = if by_resource {
        let name = |label: &str| match db.dialect() {
            Dialect::Sqlite => format!("json_extract(e.resource, '$.\"{label}\"')"),
            Dialect::Postgres => format!("(e.resource ->> '{label}')"),
        };
        (
            "e.resource_id".to_owned(),
            format!(
                "COALESCE({}, {}, e.resource_id)",
                name("prefect.resource.name"),
                name("prefect.name")
            ),
        )
    } else {
        ("e.event".to_owned(), "e.event".to_owned())
    };
    let sql = format!(
        "SELECT {value} AS value, {label} AS label, COUNT(*) AS count, MIN(e.occurred) AS oldest, \
         MAX(e.occurred) AS latest FROM events e{condition} GROUP BY {value}, {label}"
    );
    type Counted = (String, String, i64, Timestamp, Timestamp);
    let rows: Vec<Counted> = on_db!(db, pool => bind_all!(sqlx::query_as::<_, Counted>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await?);
    // One group per value, under the label of its latest event (a resource may have been renamed).
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut labelled_at: HashMap<String, Timestamp> = HashMap::new();
    for (value, label, count, oldest, latest) in rows {
        let newer = labelled_at.get(&value).is_none_or(|at| latest > *at);
        let group = groups.entry(value.clone()).or_insert_with(|| Group {
            value: value.clone(),
            label: label.clone(),
            count: 0,
            oldest,
            latest,
        });
        group.count += count;
        group.oldest = group.oldest.min(oldest);
        group.latest = group.latest.max(latest);
        if newer {
            group.label = label;
            labelled_at.insert(value, latest);
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    Ok(groups)
}

/// Prefect's start of time buckets: 2024-04-01T00:00:00Z, as seconds since the epoch.
pub const PIVOT_EPOCH: i64 = 1_711_929_600;

/// Events of `filter` per time bucket of `seconds` (bucket `n` starts `n * seconds` after the pivot, counted
/// from the events' whole seconds, as Prefect's SQLite query does).
pub async fn count_by_bucket(
    db: &Db,
    filter: &EventFilter,
    seconds: f64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let mut w = Where::new(db.dialect());
    let condition = where_sql(&conditions(&mut w, filter));
    // `seconds` is the server's own finite number, not client text.
    let sql = match db.dialect() {
        Dialect::Sqlite => format!(
            "SELECT CAST(q AS INTEGER) - (q < CAST(q AS INTEGER)) AS bucket, COUNT(*) FROM \
             (SELECT (CAST(strftime('%s', e.occurred) AS INTEGER) - {PIVOT_EPOCH}) / {seconds:?} AS q \
             FROM events e{condition}) GROUP BY bucket"
        ),
        Dialect::Postgres => format!(
            "SELECT CAST(floor((floor(extract(epoch FROM e.occurred))::float8 - {PIVOT_EPOCH}) / {seconds:?}) \
             AS BIGINT) AS bucket, COUNT(*) FROM events e{condition} GROUP BY bucket"
        ),
    };
    on_db!(db, pool => bind_all!(sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql)), &w.params).fetch_all(pool).await)
}

/// The `WHERE` conditions of `filter` on `events e`.
fn conditions(w: &mut Where, filter: &EventFilter) -> Vec<String> {
    let since = w.bind(Param::Time(filter.occurred.since.0));
    let until = w.bind(Param::Time(filter.occurred.until.0));
    let mut parts = vec![
        format!("e.occurred >= {since}"),
        format!("e.occurred <= {until}"),
    ];
    // Subqueries into event_resources look only at the same window, so its (resource_id, occurred) index
    // bounds them as the events' own does.
    let scoped = format!(
        "e.id IN (SELECT er.event_id FROM event_resources er WHERE er.occurred >= {since} AND er.occurred <= {until}"
    );
    let in_resources = |conds: Vec<String>| format!("{scoped} AND {})", conds.join(" AND "));

    if let Some(names) = &filter.event {
        if let Some(prefixes) = nonempty(&names.prefix) {
            parts.push(any_prefix(w, "e.event", prefixes));
        }
        if let Some(prefixes) = nonempty(&names.exclude_prefix) {
            parts.push(format!("NOT {}", any_prefix(w, "e.event", prefixes)));
        }
        if let Some(names) = nonempty(&names.name) {
            parts.push(w.in_list("e.event", texts(names), false));
        }
        if let Some(names) = nonempty(&names.exclude_name) {
            parts.push(w.in_list("e.event", texts(names), true));
        }
    }
    if let Some(resource) = &filter.resource {
        if let Some(ids) = nonempty(&resource.id) {
            parts.push(w.in_list("e.resource_id", texts(ids), false));
        }
        if let Some(prefixes) = nonempty(&resource.id_prefix) {
            parts.push(any_prefix(w, "e.resource_id", prefixes));
        }
        if let Some(labels) = &resource.labels {
            // The primary resource only: its role is empty.
            let mut conds = vec!["er.resource_role = ''".to_owned()];
            conds.extend(label_conditions(w, labels, false));
            parts.push(in_resources(conds));
        }
    }
    for related in filter.related.iter().flat_map(|r| r.iter()) {
        let mut conds = Vec::new();
        if let Some(ids) = nonempty(&related.id) {
            conds.push(w.in_list("er.resource_id", texts(ids), false));
        }
        if let Some(roles) = nonempty(&related.role) {
            conds.push(w.in_list("er.resource_role", texts(roles), false));
        }
        if let Some(pairs) = related
            .resources_in_roles
            .as_ref()
            .filter(|p| !p.is_empty())
        {
            let ids = texts(pairs.iter().map(|(id, _)| id.as_str()));
            let roles = texts(pairs.iter().map(|(_, role)| role.as_str()));
            conds.push(pairs_condition(w, ids, roles));
        }
        if let Some(labels) = &related.labels {
            conds.extend(label_conditions(w, labels, true));
        }
        if !conds.is_empty() {
            // A related filter looks at related resources only, unless it names their roles itself.
            if nonempty(&related.role).is_none() {
                conds.push("er.resource_role <> ''".to_owned());
            }
            parts.push(in_resources(conds));
        }
    }
    for any in filter.any_resource.iter().flat_map(|r| r.iter()) {
        let mut conds = Vec::new();
        if let Some(ids) = nonempty(&any.id) {
            conds.push(w.in_list("er.resource_id", texts(ids), false));
        }
        if let Some(prefixes) = nonempty(&any.id_prefix) {
            conds.push(any_prefix(w, "er.resource_id", prefixes));
        }
        if let Some(labels) = &any.labels {
            conds.extend(label_conditions(w, labels, true));
        }
        if !conds.is_empty() {
            parts.push(in_resources(conds));
        }
    }
    if let Some(ids) = filter.id.id.as_ref().filter(|ids| !ids.is_empty()) {
        let ids = IdList(ids.iter().map(|id| id.0).collect());
        parts.push(w.in_list("e.id", Param::Ids(ids), false));
    }
    if let Some(text) = &filter.text {
        parts.extend(text_conditions(w, &text.query));
    }
    parts
}

fn nonempty(list: &Option<Vec<String>>) -> Option<&[String]> {
    list.as_deref().filter(|l| !l.is_empty())
}

fn texts<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Param {
    Param::Texts(TextList(
        items.into_iter().map(|s| s.as_ref().to_owned()).collect(),
    ))
}

/// The rows of a bound text list, as a table with one column `v`.
fn list_table(w: &mut Where, list: Param) -> String {
    let p = w.bind(list);
    match w.dialect {
        Dialect::Sqlite => format!("(SELECT value AS v FROM json_each({p}))"),
        Dialect::Postgres => format!("(SELECT unnest(CAST({p} AS TEXT[])) AS v)"),
    }
}

/// `column` starts with one of `prefixes` (exactly: no wildcards, on both dialects).
fn any_prefix(w: &mut Where, column: &str, prefixes: &[String]) -> String {
    let table = list_table(w, texts(prefixes));
    format!("EXISTS (SELECT 1 FROM {table} l WHERE substr({column}, 1, length(l.v)) = l.v)")
}

/// `(er.resource_id, er.resource_role)` is one of the pairs (the two lists zipped).
fn pairs_condition(w: &mut Where, ids: Param, roles: Param) -> String {
    let ids = w.bind(ids);
    let roles = w.bind(roles);
    match w.dialect {
        Dialect::Sqlite => format!(
            "EXISTS (SELECT 1 FROM json_each({ids}) i JOIN json_each({roles}) r ON r.key = i.key \
             WHERE i.value = er.resource_id AND r.value = er.resource_role)"
        ),
        Dialect::Postgres => format!(
            "EXISTS (SELECT 1 FROM unnest(CAST({ids} AS TEXT[]), CAST({roles} AS TEXT[])) AS p(i, r) \
             WHERE p.i = er.resource_id AND p.r = er.resource_role)"
        ),
    }
}

/// A `ResourceSpecification` on `event_resources er`: `prefect.resource.id` (and `prefect.resource.role` when
/// `roles` is set) are columns there; other labels are looked up in the resource's JSON.
fn label_conditions(w: &mut Where, labels: &ResourceSpec, roles: bool) -> Vec<String> {
    let mut labels = labels.clone();
    let mut conds = Vec::new();
    if let Some(ids) = labels.take("prefect.resource.id").filter(|p| !p.is_empty()) {
        conds.push(glob_condition(w, "er.resource_id", &ids));
    }
    if roles
        && let Some(roles) = labels
            .take("prefect.resource.role")
            .filter(|r| !r.is_empty())
    {
        conds.push(w.in_list("er.resource_role", texts(&roles), false));
    }
    for (label, patterns) in &labels.0 {
        // An empty list of values matches nothing.
        if patterns.is_empty() {
            conds.push("1 = 0".to_owned());
            continue;
        }
        let key = w.bind(Param::Text(label.clone()));
        let column = match w.dialect {
            Dialect::Sqlite => {
                format!("(SELECT j.value FROM json_each(er.resource) j WHERE j.key = {key})")
            }
            Dialect::Postgres => format!("(er.resource ->> CAST({key} AS TEXT))"),
        };
        conds.push(glob_condition(w, &column, patterns));
    }
    conds
}

/// `column` matches one of the glob patterns (a `!` in front negates one), as Prefect's LIKE translation.
fn glob_condition(w: &mut Where, column: &str, patterns: &[String]) -> String {
    let (negated, positive): (Vec<&String>, Vec<&String>) =
        patterns.iter().partition(|p| p.starts_with('!'));
    let mut alternatives = Vec::new();
    if !positive.is_empty() {
        let table = list_table(w, texts(positive.iter().map(|p| like_pattern(p))));
        alternatives.push(format!(
            "EXISTS (SELECT 1 FROM {table} l WHERE {column} LIKE l.v ESCAPE '\\')"
        ));
    }
    if !negated.is_empty() {
        let table = list_table(w, texts(negated.iter().map(|p| like_pattern(&p[1..]))));
        alternatives.push(format!(
            "EXISTS (SELECT 1 FROM {table} l WHERE NOT ({column} LIKE l.v ESCAPE '\\'))"
        ));
    }
    format!("({})", alternatives.join(" OR "))
}

/// A glob as a LIKE pattern: `*` → `%`, `?` → `_`, and LIKE's own characters escaped.
fn like_pattern(glob: &str) -> String {
    let mut like = String::with_capacity(glob.len());
    for c in glob.chars() {
        match c {
            '*' => like.push('%'),
            '?' => like.push('_'),
            '\\' | '%' | '_' => {
                like.push('\\');
                like.push(c);
            }
            c => like.push(c),
        }
    }
    like
}

/// Prefect's text search over the event name, resource, related resources and payload: any of the plain
/// terms, none of the `-`/`!` terms, all of the `+` terms.
fn text_conditions(w: &mut Where, query: &str) -> Vec<String> {
    let parsed = parse_text_query(query);
    let searchable = match w.dialect {
        Dialect::Sqlite => {
            "lower(e.event || ' ' || e.resource || ' ' || e.related || ' ' || e.payload)"
        }
        Dialect::Postgres => {
            "lower(e.event || ' ' || CAST(e.resource AS TEXT) || ' ' || CAST(e.related AS TEXT) || ' ' || \
             CAST(e.payload AS TEXT))"
        }
    };
    let mut conds = Vec::new();
    let matching = |w: &mut Where, terms: &[String], quantifier: &str| {
        let table = list_table(w, texts(terms.iter().map(|t| escaped_contains(t))));
        format!("{quantifier} (SELECT 1 FROM {table} l WHERE {searchable} LIKE l.v ESCAPE '\\')")
    };
    if !parsed.include.is_empty() {
        conds.push(matching(w, &parsed.include, "EXISTS"));
    }
    if !parsed.exclude.is_empty() {
        conds.push(matching(w, &parsed.exclude, "NOT EXISTS"));
    }
    if !parsed.required.is_empty() {
        // Every term: no term fails to match.
        let table = list_table(
            w,
            texts(parsed.required.iter().map(|t| escaped_contains(t))),
        );
        conds.push(format!(
            "NOT EXISTS (SELECT 1 FROM {table} l WHERE NOT ({searchable} LIKE l.v ESCAPE '\\'))"
        ));
    }
    conds
}

/// `%term%` for LIKE, lower-cased, with `%`, `_` and `\` in the term taken literally.
fn escaped_contains(term: &str) -> String {
    let mut like = String::from("%");
    for c in term.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            like.push('\\');
        }
        like.push(c);
    }
    like.push('%');
    like
}

/// A text query's terms: plain (any), `-`/`!` (none), `+` (all); `"…"` quotes a phrase (`\"` inside it).
#[derive(Debug, Default, PartialEq)]
pub struct TextQuery {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub required: Vec<String>,
}

/// Prefect's `parse_text_search_query`.
pub fn parse_text_query(query: &str) -> TextQuery {
    let chars: Vec<char> = query.chars().collect();
    let mut parsed = TextQuery::default();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut prefix = None;
        if matches!(chars[i], '-' | '!' | '+') {
            if i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
                prefix = Some(chars[i]);
                i += 1;
            } else {
                i += 1;
                continue;
            }
        }
        let term = if chars[i] == '"' {
            i += 1;
            let start = i;
            while i < chars.len() {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 2;
                } else if chars[i] == '"' {
                    break;
                } else {
                    i += 1;
                }
            }
            let phrase = unescape(&chars[start..i.min(chars.len())]);
            if i < chars.len() {
                i += 1;
            }
            if phrase.trim().is_empty() {
                continue;
            }
            phrase
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
                i += 1;
            }
            let term: String = chars[start..i].iter().collect();
            if term.is_empty() {
                continue;
            }
            term
        };
        match prefix {
            Some('-' | '!') => parsed.exclude.push(term),
            Some('+') => parsed.required.push(term),
            _ => parsed.include.push(term),
        }
    }
    parsed
}

fn unescape(phrase: &[char]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < phrase.len() {
        if phrase[i] == '\\' && i + 1 < phrase.len() && matches!(phrase[i + 1], '"' | '\\') {
            out.push(phrase[i + 1]);
            i += 2;
        } else {
            out.push(phrase[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_queries_parse_as_prefects() {
        let q = parse_text_query(r#"error -debug +"connection timeout" !x - "a \"b\"""#);
        assert_eq!(q.include, vec!["error", "a \"b\""]);
        assert_eq!(q.exclude, vec!["debug", "x"]);
        assert_eq!(q.required, vec!["connection timeout"]);
        assert_eq!(parse_text_query("   "), TextQuery::default());
    }

    #[test]
    fn globs_become_like_patterns() {
        assert_eq!(like_pattern("prefect.flow-run.*"), "prefect.flow-run.%");
        assert_eq!(like_pattern("a_b%c?\\"), "a\\_b\\%c_\\\\");
        assert_eq!(escaped_contains("50%_Off"), "%50\\%\\_off%");
    }
}
