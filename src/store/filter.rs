//! Prefect's filter objects (`{"flow_runs": {"state": {"type": {"any_": [...]}}}, ...}`) turned into a SQL
//! `WHERE` with bound parameters. Null fields mean "no condition", as in Prefect. A non-null field we do not
//! implement is refused with a 422 naming it, rather than silently ignored (a wrong answer is worse).
//!
//! Every list (`any_`, `not_any_`, `all_`) is bound as one value (`db::types::IdList` / `TextList`), so a
//! statement has a fixed number of placeholders and its cost grows linearly with the list; a list longer than
//! [`MAX_LIST_ITEMS`] is refused with a 422 that names the field and the bound.

use serde_json::{Map, Value};

use super::Param;
use super::error::StoreError;
use crate::db::Dialect;
use crate::db::types::{Id, IdList, TextList, Timestamp, parse_time};

/// The most items one filter list may hold. A list is bound as one value, but it is still read, parsed and
/// matched whole; this bounds the work one request can ask for. Prefect's client and UI stay far below it: they
/// list the runs of one page (at most 200) or the runs a worker or runner has in flight.
pub const MAX_LIST_ITEMS: usize = 50_000;

/// The filter objects of a filter or count body, by resource (`FlowFilter`, `FlowRunFilter`, …) as the client
/// sent them; `None` is no condition.
#[derive(Clone, Debug, Default)]
pub struct Criteria {
    pub flows: Option<Value>,
    pub flow_runs: Option<Value>,
    pub task_runs: Option<Value>,
    pub logs: Option<Value>,
    pub deployments: Option<Value>,
    pub work_pools: Option<Value>,
    pub work_pool_queues: Option<Value>,
}

impl Criteria {
    /// The conditions on a flow run aliased `run` from its deployment (`deployments`), its queue's pool
    /// (`work_pools`) and its queue (`work_pool_queues`), each an `EXISTS` as Prefect's models join them:
    /// flow_run.deployment_id -> deployment, flow_run.work_queue_id -> work_queue -> work_pool.
    pub fn flow_run_links(&self, w: &mut Where, run: &str) -> Result<Vec<String>> {
        let mut parts = Vec::new();
        if let Some(deployments) = related(
            &self.deployments,
            w.deployments(or_null(&self.deployments), "d")?,
        ) {
            parts.push(format!(
                "EXISTS (SELECT 1 FROM deployment d WHERE d.id = {run}.deployment_id AND {deployments})"
            ));
        }
        if let Some(pools) = related(
            &self.work_pools,
            w.work_pools(or_null(&self.work_pools), "wp")?,
        ) {
            parts.push(format!(
                "EXISTS (SELECT 1 FROM work_queue wq JOIN work_pool wp ON wp.id = wq.work_pool_id \
                 WHERE wq.id = {run}.work_queue_id AND {pools})"
            ));
        }
        if let Some(queues) = related(
            &self.work_pool_queues,
            w.queues(or_null(&self.work_pool_queues), "wq", "work_pool_queues")?,
        ) {
            parts.push(format!(
                "EXISTS (SELECT 1 FROM work_queue wq WHERE wq.id = {run}.work_queue_id AND {queues})"
            ));
        }
        Ok(parts)
    }

    /// The `WHERE` conditions of a deployments filter or count body on the `deployment` table aliased
    /// `alias` (Prefect's `_apply_deployment_filters`): the deployment itself, its flow, its runs (and their
    /// task runs), its queue (`work_pool_queues`) and that queue's pool.
    #[allow(dead_code)] // until the deployments routes (issue 13, H2) call it
    pub fn deployment_conditions(&self, w: &mut Where, alias: &str) -> Result<Vec<String>> {
        let mut parts = Vec::new();
        parts.extend(w.deployments(or_null(&self.deployments), alias)?);
        if let Some(flows) = related(&self.flows, w.flows(or_null(&self.flows), "f")?) {
            parts.push(format!(
                "{alias}.flow_id IN (SELECT f.id FROM flow f WHERE {flows})"
            ));
        }
        let runs = related(
            &self.flow_runs,
            w.flow_runs(or_null(&self.flow_runs), "fr")?,
        );
        let tasks = related(
            &self.task_runs,
            w.task_runs(or_null(&self.task_runs), "tr")?,
        );
        if runs.is_some() || tasks.is_some() {
            let join = if tasks.is_some() {
                " JOIN task_run tr ON tr.flow_run_id = fr.id"
            } else {
                ""
            };
            let conditions: Vec<String> = runs.into_iter().chain(tasks).collect();
            parts.push(format!(
                "EXISTS (SELECT 1 FROM flow_run fr{join} WHERE fr.deployment_id = {alias}.id AND {})",
                conditions.join(" AND ")
            ));
        }
        let queues = related(
            &self.work_pool_queues,
            w.queues(or_null(&self.work_pool_queues), "wq", "work_pool_queues")?,
        );
        let pools = related(
            &self.work_pools,
            w.work_pools(or_null(&self.work_pools), "wp")?,
        );
        if queues.is_some() || pools.is_some() {
            let join = if pools.is_some() {
                " JOIN work_pool wp ON wp.id = wq.work_pool_id"
            } else {
                ""
            };
            let conditions: Vec<String> = queues.into_iter().chain(pools).collect();
            parts.push(format!(
                "EXISTS (SELECT 1 FROM work_queue wq{join} WHERE wq.id = {alias}.work_queue_id AND {})",
                conditions.join(" AND ")
            ));
        }
        Ok(parts)
    }
}

/// The condition a related filter puts inside its `EXISTS`: what `built` made of it, or, for a filter object
/// with no conditions (`{}`), none but the related row's existence (Prefect's `as_sql_filter` is then `TRUE`,
/// and its models still join); `None` when the client sent no filter (absent or null).
pub fn related(given: &Option<Value>, built: Option<String>) -> Option<String> {
    built.or_else(|| {
        given
            .as_ref()
            .filter(|v| v.is_object())
            .map(|_| "1 = 1".to_owned())
    })
}

/// `filter` as the `Where` builders take it: absent is null.
pub fn or_null(filter: &Option<Value>) -> &Value {
    filter.as_ref().unwrap_or(&Value::Null)
}

pub struct Where {
    pub dialect: Dialect,
    pub params: Vec<Param>,
}

/// One filter object's conditions, combined by its `operator` (`and_` unless it says `or_`).
struct Group {
    parts: Vec<String>,
    or: bool,
}

impl Group {
    fn sql(self) -> Option<String> {
        if self.parts.is_empty() {
            return None;
        }
        let joiner = if self.or { " OR " } else { " AND " };
        Some(format!("({})", self.parts.join(joiner)))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

impl Where {
    pub fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            params: Vec::new(),
        }
    }

    /// ` ORDER BY {order}, {tiebreak} LIMIT $n OFFSET $m`: every page ends on a unique column, so paging is stable.
    pub fn page(&mut self, order: &str, tiebreak: &str, limit: i64, offset: i64) -> String {
        let limit = self.bind(Param::Int(limit));
        let offset = self.bind(Param::Int(offset));
        format!(" ORDER BY {order}, {tiebreak} LIMIT {limit} OFFSET {offset}")
    }

    /// The next placeholder for `param`; numbering continues across the whole statement.
    pub fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }

    /// `column IN list` (`NOT IN` when `negate`), the list bound as one value.
    pub fn in_list(&mut self, column: &str, list: Param, negate: bool) -> String {
        let p = self.bind(list);
        match (self.dialect, negate) {
            (Dialect::Sqlite, false) => format!("{column} IN (SELECT value FROM json_each({p}))"),
            (Dialect::Sqlite, true) => {
                format!("{column} NOT IN (SELECT value FROM json_each({p}))")
            }
            (Dialect::Postgres, false) => format!("{column} = ANY({p})"),
            (Dialect::Postgres, true) => format!("{column} <> ALL({p})"),
        }
    }

    /// `flows` (FlowFilter) on the `flow` table aliased `alias`.
    pub fn flows(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "flows")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let part = match field.as_str() {
                "id" => self.id_filter(&column, value, &["flows", field])?,
                "name" => self.text_filter(&column, value, &["flows", field])?,
                "tags" => self.tags_filter(&column, value, &["flows", field])?,
                _ => return Err(unsupported("flows", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `flow_runs` (FlowRunFilter) on the `flow_run` table aliased `alias`.
    pub fn flow_runs(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "flow_runs")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let part = match field.as_str() {
                "id" | "parent_task_run_id" | "deployment_id" | "work_queue_id" | "flow_id" => {
                    self.id_filter(&column, value, &["flow_runs", field])?
                }
                "name" | "work_queue_name" | "idempotency_key" | "flow_version" => {
                    self.text_filter(&column, value, &["flow_runs", field])?
                }
                "tags" => self.tags_filter(&column, value, &["flow_runs", field])?,
                "state" => self.state_filter(alias, value, "flow_runs")?,
                "start_time" | "end_time" | "expected_start_time" | "next_scheduled_start_time" => {
                    self.time_filter(&column, value, field)?
                }
                "parent_flow_run_id" => match list::<Id>(value, "any_", &["flow_runs", field])? {
                    Some(ids) => {
                        let parents = self.in_list("flow_run_id", Id::bind(ids), false);
                        Some(format!(
                            "{alias}.parent_task_run_id IN (SELECT id FROM task_run WHERE {parents})"
                        ))
                    }
                    None => None,
                },
                _ => return Err(unsupported("flow_runs", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `task_runs` (TaskRunFilter) on the `task_run` table aliased `alias`.
    pub fn task_runs(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "task_runs")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let part = match field.as_str() {
                "id" | "flow_run_id" => self.id_filter(&column, value, &["task_runs", field])?,
                "name" | "task_key" | "cache_key" => {
                    self.text_filter(&column, value, &["task_runs", field])?
                }
                "tags" => self.tags_filter(&column, value, &["task_runs", field])?,
                "state" => self.state_filter(alias, value, "task_runs")?,
                "start_time" | "end_time" | "expected_start_time" => {
                    self.time_filter(&column, value, field)?
                }
                "subflow_runs" => match value.get("exists_").and_then(Value::as_bool) {
                    Some(exists) => {
                        let not = if exists { "" } else { "NOT " };
                        Some(format!(
                            "{not}EXISTS (SELECT 1 FROM flow_run sub WHERE sub.parent_task_run_id = {alias}.id)"
                        ))
                    }
                    None => None,
                },
                _ => return Err(unsupported("task_runs", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `logs` (LogFilter) on the `log` table aliased `alias`.
    pub fn logs(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "logs")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let part = match field.as_str() {
                "flow_run_id" | "task_run_id" => {
                    self.id_filter(&column, value, &["logs", field])?
                }
                "timestamp" => self.time_filter(&column, value, field)?,
                "level" => {
                    let mut parts = Vec::new();
                    for (op, sql) in [("ge_", ">="), ("le_", "<=")] {
                        if let Some(level) = value.get(op).and_then(Value::as_i64) {
                            let p = self.bind(Param::Int(level));
                            parts.push(format!("{column} {sql} {p}"));
                        }
                    }
                    (!parts.is_empty()).then(|| parts.join(" AND "))
                }
                "text" => match value
                    .get("query")
                    .and_then(Value::as_str)
                    .filter(|q| !q.is_empty())
                {
                    Some(query) => {
                        let p = self.bind(Param::Text(format!("%{}%", query.to_lowercase())));
                        Some(format!(
                            "lower({alias}.message || ' ' || {alias}.name) LIKE {p}"
                        ))
                    }
                    None => None,
                },
                _ => return Err(unsupported("logs", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `deployments` (DeploymentFilter) on the `deployment` table aliased `alias`. `concurrency_limit` is
    /// accepted and ignored, as Prefect ignores it (deprecated since the limit moved to concurrency_limit_id).
    pub fn deployments(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "deployments")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let loc = ["deployments", field.as_str()];
            let part = match field.as_str() {
                "id" => self.id_filter(&column, value, &loc)?,
                "name" | "work_queue_name" => self.text_filter(&column, value, &loc)?,
                "tags" => self.tags_filter(&column, value, &loc)?,
                "paused" => match value.get("eq_").filter(|v| !v.is_null()) {
                    Some(eq) => {
                        let paused = eq.as_bool().ok_or_else(|| {
                            StoreError::invalid_filter(
                                &["body", "deployments", "paused", "eq_"],
                                "Input should be a valid boolean",
                            )
                        })?;
                        Some(if paused {
                            column
                        } else {
                            format!("NOT {column}")
                        })
                    }
                    None => None,
                },
                "flow_or_deployment_name" => match value
                    .get("like_")
                    .and_then(Value::as_str)
                    .filter(|like| !like.is_empty())
                {
                    Some(like) => {
                        let name = self.contains_ignoring_case(&format!("{alias}.name"), like);
                        let flow = self.contains_ignoring_case("df.name", like);
                        Some(format!(
                            "({name} OR EXISTS (SELECT 1 FROM flow df WHERE df.id = {alias}.flow_id AND {flow}))"
                        ))
                    }
                    None => None,
                },
                "concurrency_limit" => None,
                _ => return Err(unsupported("deployments", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `work_pools` (WorkPoolFilter) on the `work_pool` table aliased `alias`.
    pub fn work_pools(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "work_pools")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let loc = ["work_pools", field.as_str()];
            let part = match field.as_str() {
                "id" => self.any_of::<Id>(&column, value, &loc)?,
                "name" | "type" => self.any_of::<String>(&column, value, &loc)?,
                _ => return Err(unsupported("work_pools", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// A work queue filter (WorkQueueFilter) on the `work_queue` table aliased `alias`: the `work_pool_queues`
    /// of the run and deployment filters, the `work_queues` of the queue filters.
    #[allow(dead_code)] // until the work queue routes (issue 13, H1) call it
    pub fn work_queues(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        self.queues(filter, alias, "work_queues")
    }

    /// A WorkQueueFilter sent under `key` (`work_queues` or `work_pool_queues`), for its error locations.
    fn queues(&mut self, filter: &Value, alias: &str, key: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, key)? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let loc = [key, field.as_str()];
            let part = match field.as_str() {
                "id" => self.any_of::<Id>(&column, value, &loc)?,
                "name" => {
                    let mut parts = Vec::from_iter(self.any_of::<String>(&column, value, &loc)?);
                    // Any of the prefixes, ignoring case (an empty list matches nothing, as `or_()` does).
                    if let Some(prefixes) = list::<String>(value, "startswith_", &loc)? {
                        let matches: Vec<String> = prefixes
                            .iter()
                            .map(|prefix| {
                                let p =
                                    self.bind(Param::Text(format!("{}%", prefix.to_lowercase())));
                                format!("lower({column}) LIKE {p}")
                            })
                            .collect();
                        parts.push(combine(matches, true).unwrap_or_else(|| "1 = 0".to_owned()));
                    }
                    (!parts.is_empty()).then(|| parts.join(" AND "))
                }
                _ => return Err(unsupported(key, field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// `workers` (WorkerFilter) on the `worker` table aliased `alias`.
    #[allow(dead_code)] // until the workers routes (issue 13, H1) call it
    pub fn workers(&mut self, filter: &Value, alias: &str) -> Result<Option<String>> {
        let Some(filter) = object(filter, "workers")? else {
            return Ok(None);
        };
        let mut group = self.group(filter);
        for (field, value) in filter
            .iter()
            .filter(|(k, v)| *k != "operator" && !v.is_null())
        {
            let column = format!("{alias}.{field}");
            let part = match field.as_str() {
                "last_heartbeat_time" => {
                    let mut parts = Vec::new();
                    for (op, sql) in [("before_", "<="), ("after_", ">=")] {
                        if let Some(text) = value.get(op).filter(|v| !v.is_null()) {
                            let time = timestamp(text, field)?;
                            let p = self.bind(Param::Time(time));
                            parts.push(format!("{column} {sql} {p}"));
                        }
                    }
                    (!parts.is_empty()).then(|| parts.join(" AND "))
                }
                "status" => {
                    let loc = ["workers", "status"];
                    for op in ["any_", "not_any_"] {
                        let statuses = list::<String>(value, op, &loc)?.unwrap_or_default();
                        if statuses.iter().any(|s| s != "ONLINE" && s != "OFFLINE") {
                            return Err(StoreError::invalid_filter(
                                &["body", "workers", "status", op],
                                "Input should be 'ONLINE' or 'OFFLINE'",
                            ));
                        }
                    }
                    let parts = self.membership::<String>(&column, value, &loc)?;
                    (!parts.is_empty()).then(|| parts.join(" AND "))
                }
                _ => return Err(unsupported("workers", field)),
            };
            group.parts.extend(part);
        }
        Ok(group.sql())
    }

    /// Only `any_` (an empty list matches nothing): the id, name and type filters of pools and queues.
    fn any_of<T: Item>(
        &mut self,
        column: &str,
        value: &Value,
        loc: &[&str],
    ) -> Result<Option<String>> {
        Ok(list::<T>(value, "any_", loc)?.map(|any| {
            if any.is_empty() {
                "1 = 0".to_owned()
            } else {
                self.in_list(column, T::bind(any), false)
            }
        }))
    }

    fn group(&self, filter: &Map<String, Value>) -> Group {
        Group {
            parts: Vec::new(),
            or: filter.get("operator").and_then(Value::as_str) == Some("or_"),
        }
    }

    fn id_filter(&mut self, column: &str, value: &Value, loc: &[&str]) -> Result<Option<String>> {
        let parts = self.membership::<Id>(column, value, loc)?;
        Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
    }

    fn text_filter(&mut self, column: &str, value: &Value, loc: &[&str]) -> Result<Option<String>> {
        let mut parts = self.membership::<String>(column, value, loc)?;
        if let Some(like) = value.get("like_").and_then(Value::as_str) {
            let p = self.bind(Param::Text(format!("%{}%", like.to_lowercase())));
            parts.push(format!("lower({column}) LIKE {p}"));
        }
        if let Some(start) = value.get("startswith_").and_then(Value::as_str) {
            let p = self.bind(Param::Text(format!("{}%", start.to_lowercase())));
            parts.push(format!("lower({column}) LIKE {p}"));
        }
        Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
    }

    /// `any_` (an empty list matches nothing), `not_any_` and `is_null_` on `column`.
    fn membership<T: Item>(
        &mut self,
        column: &str,
        value: &Value,
        loc: &[&str],
    ) -> Result<Vec<String>> {
        let mut parts = Vec::new();
        if let Some(any) = list::<T>(value, "any_", loc)? {
            parts.push(if any.is_empty() {
                "1 = 0".to_owned()
            } else {
                self.in_list(column, T::bind(any), false)
            });
        }
        if let Some(none) = list::<T>(value, "not_any_", loc)?.filter(|v| !v.is_empty()) {
            parts.push(self.in_list(column, T::bind(none), true));
        }
        parts.extend(null_check(column, value));
        Ok(parts)
    }

    /// Tags are a JSON array: `all_` needs every tag, `any_` one of them, `is_null_` means no tags. Each list
    /// is matched against a run's tags in one pass: on SQLite the bound list becomes a transient index (the
    /// `IN (SELECT …)` does not depend on the row), on PostgreSQL `?|` / `?&` take a text array.
    fn tags_filter(&mut self, column: &str, value: &Value, loc: &[&str]) -> Result<Option<String>> {
        let mut parts = Vec::new();
        if let Some(tags) = list::<String>(value, "all_", loc)? {
            parts.push(self.has_all_tags(column, tags));
        }
        if let Some(tags) = list::<String>(value, "any_", loc)? {
            parts.push(if tags.is_empty() {
                "1 = 0".to_owned()
            } else {
                let p = self.bind(String::bind(tags));
                match self.dialect {
                    Dialect::Sqlite => format!(
                        "EXISTS (SELECT 1 FROM json_each({column}) tag \
                         WHERE tag.value IN (SELECT value FROM json_each({p})))"
                    ),
                    Dialect::Postgres => format!("{column} ?| {p}"),
                }
            });
        }
        if let Some(is_null) = value.get("is_null_").and_then(Value::as_bool) {
            parts.push(self.no_tags(column, is_null));
        }
        Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
    }

    /// The JSON array of tags at `column` holds every one of `tags`.
    pub fn has_all_tags(&mut self, column: &str, tags: Vec<String>) -> String {
        let p = self.bind(String::bind(tags));
        match self.dialect {
            // As many distinct wanted tags among the row's as there are wanted tags.
            Dialect::Sqlite => format!(
                "(SELECT COUNT(DISTINCT tag.value) FROM json_each({column}) tag \
                 WHERE tag.value IN (SELECT value FROM json_each({p}))) \
                 = (SELECT COUNT(DISTINCT value) FROM json_each({p}))"
            ),
            Dialect::Postgres => format!("{column} ?& {p}"),
        }
    }

    /// The JSON array of tags at `column` is empty (`empty`), or is not.
    pub fn no_tags(&self, column: &str, empty: bool) -> String {
        let is_empty = match self.dialect {
            Dialect::Sqlite => format!("json_array_length({column}) = 0"),
            Dialect::Postgres => format!("jsonb_array_length({column}) = 0"),
        };
        if empty {
            is_empty
        } else {
            format!("NOT {is_empty}")
        }
    }

    /// `lower(column) LIKE %text%`: Prefect's `ilike` on both dialects.
    pub fn contains_ignoring_case(&mut self, column: &str, text: &str) -> String {
        let p = self.bind(Param::Text(format!("%{}%", text.to_lowercase())));
        format!("lower({column}) LIKE {p}")
    }

    fn time_filter(&mut self, column: &str, value: &Value, field: &str) -> Result<Option<String>> {
        let mut parts = Vec::new();
        for (op, sql) in [("before_", "<="), ("after_", ">=")] {
            if let Some(text) = value.get(op).filter(|v| !v.is_null()) {
                let time = timestamp(text, field)?;
                let p = self.bind(Param::Time(time));
                parts.push(format!("{column} {sql} {p}"));
            }
        }
        parts.extend(null_check(column, value));
        Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
    }

    /// `state: {type: {any_, not_any_}, name: {any_, not_any_}}` on the run's current state columns.
    fn state_filter(&mut self, alias: &str, value: &Value, filter: &str) -> Result<Option<String>> {
        let mut parts = Vec::new();
        if let Some(types) = value.get("type").filter(|v| !v.is_null()) {
            let loc = [filter, "state", "type"];
            parts.extend(self.text_filter(&format!("{alias}.state_type"), types, &loc)?);
        }
        if let Some(names) = value.get("name").filter(|v| !v.is_null()) {
            let loc = [filter, "state", "name"];
            parts.extend(self.text_filter(&format!("{alias}.state_name"), names, &loc)?);
        }
        let or = value.get("operator").and_then(Value::as_str) == Some("or_");
        Ok((!parts.is_empty())
            .then(|| format!("({})", parts.join(if or { " OR " } else { " AND " }))))
    }
}

/// ` WHERE a AND b`, or nothing when there are no conditions.
pub fn where_sql(parts: &[String]) -> String {
    if parts.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", parts.join(" AND "))
    }
}

/// Conditions joined by AND (OR when `or`) as one parenthesised condition; none when there are none.
pub fn combine(parts: Vec<String>, or: bool) -> Option<String> {
    (!parts.is_empty()).then(|| format!("({})", parts.join(if or { " OR " } else { " AND " })))
}

fn object<'v>(filter: &'v Value, name: &str) -> Result<Option<&'v Map<String, Value>>> {
    match filter {
        Value::Null => Ok(None),
        Value::Object(map) => Ok(Some(map)),
        _ => Err(StoreError::invalid_filter(
            &["body", name],
            "Input should be a valid dictionary or object",
        )),
    }
}

/// Filters on resources prefect-rs does not store yet must be empty (null, or only nulls and an operator).
pub fn reject_unsupported(body: &Value, names: &[&str]) -> Result<()> {
    for name in names {
        let Some(filter) = body.get(*name).and_then(Value::as_object) else {
            continue;
        };
        if filter.iter().any(|(k, v)| k != "operator" && !v.is_null()) {
            return Err(StoreError::invalid_filter(
                &["body", name],
                format!("prefect-rs does not support filtering by {name} yet"),
            ));
        }
    }
    Ok(())
}

fn unsupported(filter: &str, field: &str) -> StoreError {
    StoreError::invalid_filter(
        &["body", filter, field],
        format!("prefect-rs does not support filtering {filter} by {field:?} yet"),
    )
}

/// `is_null_: true` / `false` as SQL.
fn null_check(column: &str, value: &Value) -> Option<String> {
    let is_null = value.get("is_null_").and_then(Value::as_bool)?;
    Some(format!(
        "{column} IS {}NULL",
        if is_null { "" } else { "NOT " }
    ))
}

/// What a filter list holds: ids or strings.
trait Item: Sized {
    /// The validation message for an item of another type, as Prefect's.
    const EXPECTED: &'static str;
    fn read(item: &Value) -> Option<Self>;
    /// The whole list as one bound value.
    fn bind(items: Vec<Self>) -> Param;
}

impl Item for Id {
    const EXPECTED: &'static str = "Input should be a valid UUID";
    fn read(item: &Value) -> Option<Self> {
        uuid::Uuid::parse_str(item.as_str()?).ok().map(Id)
    }
    fn bind(items: Vec<Self>) -> Param {
        Param::Ids(IdList(items))
    }
}

impl Item for String {
    const EXPECTED: &'static str = "Input should be a valid string";
    fn read(item: &Value) -> Option<Self> {
        item.as_str().map(str::to_owned)
    }
    fn bind(items: Vec<Self>) -> Param {
        Param::Texts(TextList(items))
    }
}

/// The list at `value[op]` (`None` when absent or null). A 422 at `body.{loc}.{op}` for anything but a list of
/// `T` of at most MAX_LIST_ITEMS items.
fn list<T: Item>(value: &Value, op: &str, loc: &[&str]) -> Result<Option<Vec<T>>> {
    let Some(list) = value.get(op).filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let at: Vec<&str> = std::iter::once("body")
        .chain(loc.iter().copied())
        .chain([op])
        .collect();
    let items = list
        .as_array()
        .ok_or_else(|| StoreError::invalid_filter(&at, "Input should be a valid list"))?;
    if items.len() > MAX_LIST_ITEMS {
        return Err(StoreError::invalid_filter(
            &at,
            format!(
                "List should have at most {MAX_LIST_ITEMS} items, not {}: split the filter into several requests",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .map(|item| T::read(item).ok_or_else(|| StoreError::invalid_filter(&at, T::EXPECTED)))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

pub fn timestamp(value: &Value, field: &str) -> Result<Timestamp> {
    value.as_str().and_then(parse_time).ok_or_else(|| {
        StoreError::invalid_filter(&["body", field], "Input should be a valid datetime")
    })
}
