//! The `task_run` and `task_run_state` tables: the task-run recorder's upsert from `prefect.task-run.*`
//! events (how Prefect 3.9 clients report task runs), and create / set_state / read / filter / count for
//! clients that still use HTTP.

use serde_json::{Value, json};

use super::batch::Batch;
use super::error::StoreError;
use super::filter::{Criteria, Where, or_null, where_sql};
use super::states::{Proposed, State, is_terminal};
use super::{JsonValue, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::types::parse_time;
use crate::db::types::{Id, Timestamp};
use crate::db::{Db, Dialect};
use crate::orchestration::{self, Bookkeeping, Decision, Status};

/// Adds one state row's insert to `$batch` (an id or (task run, timestamp) already present is left alone) and
/// evaluates to the batch. A macro rather than a function: it binds for each dialect's batch.
macro_rules! insert_state {
    ($batch:expr, $task_run_id:expr, $state:expr, $now:expr) => {{
        let state: &$crate::store::states::State = $state;
        $batch
            .statement(
                "INSERT INTO task_run_state (id, created, updated, task_run_id, type, timestamp, name, message, \
                 state_details, data) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(state.id)
            .bind($now)
            .bind($task_run_id)
            .bind(state.state_type.clone())
            .bind(state.timestamp)
            .bind(state.name.clone())
            .bind(state.message.clone())
            .bind($crate::store::json(&state.details))
            .bind(state.data.as_ref().map($crate::store::json))
    }};
}
pub(crate) use insert_state;

#[derive(sqlx::FromRow)]
pub struct TaskRun {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub flow_run_id: Option<Id>,
    pub task_key: String,
    pub dynamic_key: String,
    pub cache_key: Option<String>,
    pub cache_expiration: Option<Timestamp>,
    pub task_version: Option<String>,
    pub empirical_policy: JsonValue,
    pub tags: JsonValue,
    pub labels: Option<JsonValue>,
    pub state_id: Option<Id>,
    pub task_inputs: JsonValue,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub state_timestamp: Option<Timestamp>,
    pub run_count: i32,
    pub flow_run_run_count: i32,
    pub expected_start_time: Option<Timestamp>,
    pub next_scheduled_start_time: Option<Timestamp>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub total_run_time: f64,
    pub s_message: Option<String>,
    pub s_data: Option<JsonValue>,
    pub s_details: Option<JsonValue>,
}

const COLUMNS: &str = "tr.id, tr.created, tr.updated, tr.name, tr.flow_run_id, tr.task_key, tr.dynamic_key, \
    tr.cache_key, tr.cache_expiration, tr.task_version, tr.empirical_policy, tr.tags, tr.labels, tr.state_id, \
    tr.task_inputs, tr.state_type, tr.state_name, tr.state_timestamp, tr.run_count, tr.flow_run_run_count, \
    tr.expected_start_time, tr.next_scheduled_start_time, tr.start_time, tr.end_time, tr.total_run_time, \
    s.message AS s_message, s.data AS s_data, s.state_details AS s_details \
    FROM task_run tr LEFT JOIN task_run_state s ON s.id = tr.state_id";

/// Prefect's `TaskRunPolicy` with every key.
pub(crate) fn normalise_policy(given: &Value) -> Value {
    let get = |k: &str| given.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "max_retries": given.get("max_retries").and_then(Value::as_i64).unwrap_or(0),
        "retry_delay_seconds": given.get("retry_delay_seconds").and_then(Value::as_f64).unwrap_or(0.0),
        "retries": get("retries"),
        "retry_delay": get("retry_delay"),
        "retry_jitter_factor": get("retry_jitter_factor"),
    })
}

impl TaskRun {
    /// Its `estimated_run_time` and `estimated_start_time_delta` at `now`, in seconds.
    pub fn estimates_at(&self, now: Timestamp) -> (f64, f64) {
        super::flow_runs::estimates(
            self.state_type.as_deref(),
            self.state_timestamp,
            self.total_run_time,
            self.start_time,
            self.expected_start_time,
            now,
        )
    }

    pub fn state(&self) -> Option<State> {
        State::of_run(
            self.state_id,
            self.state_type.as_ref(),
            self.state_name.as_ref(),
            self.state_timestamp,
            self.s_message.as_ref(),
            self.s_data.as_ref(),
            self.s_details.as_ref(),
        )
    }
}

/// A task run and its new state, taken from a client's `prefect.task-run.<State>` event.
pub struct Recorded {
    pub id: Id,
    pub flow_run_id: Option<Id>,
    pub fields: Value,
    pub state: State,
}

/// Why the recorder drops a task-run event it would otherwise keep (the event itself is still stored).
pub struct Unrecordable {
    pub task_run_id: Id,
    pub reason: String,
}

/// Reads a `prefect.task-run.*` event the way Prefect's TaskRunRecorder does: `Ok(None)` when it is not one the
/// recorder keeps (another event, or one not made by client-side orchestration), `Err` when it is one but its
/// state is not one Prefect has (Prefect's recorder fails to validate it, too).
pub fn from_event(event: &Value) -> Result<Option<Recorded>, Unrecordable> {
    let Some(recorded) = read_event(event) else {
        return Ok(None);
    };
    if !super::states::TYPES.contains(&recorded.state.state_type.as_str()) {
        return Err(Unrecordable {
            task_run_id: recorded.id,
            reason: format!(
                "'{}' is not a state type (Prefect's are {})",
                recorded.state.state_type,
                super::states::TYPES.join(", ")
            ),
        });
    }
    Ok(Some(recorded))
}

fn read_event(event: &Value) -> Option<Recorded> {
    if !event
        .get("event")?
        .as_str()?
        .starts_with("prefect.task-run")
    {
        return None;
    }
    let resource = event.get("resource")?;
    if resource
        .get("prefect.orchestration")
        .and_then(Value::as_str)
        != Some("client")
    {
        return None;
    }
    let id = resource
        .get("prefect.resource.id")?
        .as_str()?
        .strip_prefix("prefect.task-run.")?;
    let id = Id(uuid::Uuid::parse_str(id).ok()?);
    let flow_run_id = event
        .get("related")
        .and_then(Value::as_array)
        .and_then(|related| {
            related.iter().find(|r| {
                r.get("prefect.resource.role").and_then(Value::as_str) == Some("flow-run")
            })
        })
        .and_then(|r| {
            r.get("prefect.resource.id")?
                .as_str()?
                .strip_prefix("prefect.flow-run.")
                .map(str::to_owned)
        })
        .and_then(|s| uuid::Uuid::parse_str(&s).ok())
        .map(Id);
    let payload = event.get("payload")?;
    let validated = payload.get("validated_state")?;
    let mut details = validated
        .get("state_details")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    details["task_run_id"] = json!(id.to_string());
    details["flow_run_id"] = json!(flow_run_id.map(|i| i.to_string()));
    let state_type = validated.get("type")?.as_str()?.to_owned();
    let state = State {
        id: Id(uuid::Uuid::parse_str(event.get("id")?.as_str()?).ok()?),
        name: validated
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| super::states::default_name(&state_type), str::to_owned),
        state_type,
        timestamp: parse_time(event.get("occurred")?.as_str()?)?,
        message: validated
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        data: validated.get("data").cloned().filter(|d| !d.is_null()),
        details,
    };
    Some(Recorded {
        id,
        flow_run_id,
        fields: payload
            .get("task_run")
            .cloned()
            .unwrap_or_else(|| json!({})),
        state,
    })
}

/// Upserts the task run an event describes (only if this state is newer than the one it has: events may arrive
/// out of order) and inserts the state (idempotent: a re-delivered event changes nothing), on transaction `$tx`.
/// A macro because it runs inside each dialect's transaction.
macro_rules! record_task_run {
    ($tx:ident, $recorded:expr, $now:expr) => {{
        let r: &$crate::store::task_runs::Recorded = $recorded;
        let now: $crate::db::types::Timestamp = $now;
        let f = &r.fields;
        let text = |k: &str| f.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
        let int = |k: &str| {
            f.get(k)
                .and_then(serde_json::Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
        };
        let time = |k: &str| f.get(k).and_then(serde_json::Value::as_str).and_then($crate::db::types::parse_time);
        let obj = |k: &str| f.get(k).filter(|v| !v.is_null()).map($crate::store::json);
        let name = text("name").unwrap_or_else($crate::names::slug);
        // The same (flow run, task key, dynamic key) is the same task run, whatever id an event carries.
        let mut id = r.id;
        if let (Some(flow_run_id), Some(key), Some(dynamic)) = (r.flow_run_id, text("task_key"), text("dynamic_key")) {
            let existing: Option<$crate::db::types::Id> = sqlx::query_scalar(
                "SELECT id FROM task_run WHERE flow_run_id = $1 AND task_key = $2 AND dynamic_key = $3",
            )
            .bind(flow_run_id)
            .bind(key)
            .bind(dynamic)
            .fetch_optional(&mut *$tx)
            .await?;
            id = existing.unwrap_or(id);
        }
        // The run and its state: one round trip on SQLite.
        let upsert = $crate::store::batch::Batch::for_connection(&*$tx).statement(
            "INSERT INTO task_run (id, created, updated, name, flow_run_id, task_key, dynamic_key, cache_key, \
             cache_expiration, task_version, empirical_policy, tags, labels, task_inputs, run_count, \
             flow_run_run_count, expected_start_time, next_scheduled_start_time, start_time, end_time, \
             total_run_time, state_id, state_type, state_name, state_timestamp) \
             VALUES ($1, $2, $2, $3, $4, COALESCE($5, ''), COALESCE($6, ''), $7, $8, $9, COALESCE($10, '{}'), \
             COALESCE($11, '[]'), $12, COALESCE($13, '{}'), COALESCE($14, 0), COALESCE($15, 0), $16, $17, $18, $19, \
             COALESCE($20, 0), $21, $22, $23, $24) \
             ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, name = excluded.name, \
             flow_run_id = COALESCE(excluded.flow_run_id, task_run.flow_run_id), \
             cache_key = COALESCE(excluded.cache_key, task_run.cache_key), \
             cache_expiration = COALESCE(excluded.cache_expiration, task_run.cache_expiration), \
             task_version = COALESCE(excluded.task_version, task_run.task_version), \
             empirical_policy = excluded.empirical_policy, tags = excluded.tags, \
             labels = COALESCE(excluded.labels, task_run.labels), task_inputs = excluded.task_inputs, \
             run_count = excluded.run_count, flow_run_run_count = excluded.flow_run_run_count, \
             expected_start_time = COALESCE(excluded.expected_start_time, task_run.expected_start_time), \
             next_scheduled_start_time = COALESCE(excluded.next_scheduled_start_time, task_run.next_scheduled_start_time), \
             start_time = COALESCE(excluded.start_time, task_run.start_time), \
             end_time = COALESCE(excluded.end_time, task_run.end_time), \
             total_run_time = excluded.total_run_time, state_id = excluded.state_id, \
             state_type = excluded.state_type, state_name = excluded.state_name, \
             state_timestamp = excluded.state_timestamp \
             WHERE task_run.state_timestamp IS NULL OR task_run.state_timestamp < excluded.state_timestamp",
        )
        .bind(id)
        .bind(now)
        .bind(name)
        .bind(r.flow_run_id)
        .bind(text("task_key"))
        .bind(text("dynamic_key"))
        .bind(text("cache_key"))
        .bind(time("cache_expiration"))
        .bind(text("task_version"))
        .bind(obj("empirical_policy"))
        .bind(obj("tags"))
        .bind(obj("labels"))
        .bind(obj("task_inputs"))
        .bind(int("run_count"))
        .bind(int("flow_run_run_count"))
        .bind(time("expected_start_time"))
        .bind(time("next_scheduled_start_time"))
        .bind(time("start_time"))
        .bind(time("end_time"))
        .bind(f.get("total_run_time").and_then(serde_json::Value::as_f64))
        .bind(r.state.id)
        .bind(r.state.state_type.clone())
        .bind(r.state.name.clone())
        .bind(r.state.timestamp);
        $crate::store::task_runs::insert_state!(upsert, id, &r.state, now)
            .run(&mut *$tx)
            .await?;
    }};
}
pub(crate) use record_task_run;

pub async fn get(db: &Db, id: Id) -> Result<Option<TaskRun>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE tr.id = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, TaskRun>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// The `WHERE` shared by `/task_runs/filter` and `/task_runs/count`.
pub fn where_clause(w: &mut Where, criteria: &Criteria) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    parts.extend(w.task_runs(or_null(&criteria.task_runs), "tr")?);
    if let Some(runs) = w.flow_runs(or_null(&criteria.flow_runs), "fr")? {
        parts.push(format!(
            "tr.flow_run_id IN (SELECT fr.id FROM flow_run fr WHERE {runs})"
        ));
    }
    if let Some(flows) = w.flows(or_null(&criteria.flows), "f")? {
        parts.push(format!(
            "tr.flow_run_id IN (SELECT fr2.id FROM flow_run fr2 JOIN flow f ON f.id = fr2.flow_id WHERE {flows})"
        ));
    }
    // The run's deployment, queue and pool, as Prefect's `_apply_task_run_filters` joins them.
    let links = criteria.flow_run_links(w, "lr")?;
    if !links.is_empty() {
        parts.push(format!(
            "tr.flow_run_id IN (SELECT lr.id FROM flow_run lr WHERE {})",
            links.join(" AND ")
        ));
    }
    Ok(where_sql(&parts))
}

/// Prefect's `TaskRunSort`, read from a filter body's `sort` (an unknown value is its `enum` 422).
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    #[default]
    IdDesc,
    ExpectedStartTimeAsc,
    ExpectedStartTimeDesc,
    NameAsc,
    NameDesc,
    NextScheduledStartTimeAsc,
    EndTimeDesc,
}

/// The tiebreak among equal keys runs the way the sort runs: Prefect's server answers ties in the order of the
/// index it scans (backwards for a descending sort), which for ids made in time order is newest first there.
const NEWEST_FIRST: &str = "tr.id DESC";
const OLDEST_FIRST: &str = "tr.id ASC";

impl Sort {
    /// Prefect's ORDER BY for the sort, NULLs where the database puts them, as in Prefect (see
    /// `flow_runs::Sort::order`), and the tiebreak that makes every page end on a unique column.
    fn order(self) -> (&'static str, &'static str) {
        match self {
            Sort::IdDesc => ("tr.id DESC", NEWEST_FIRST),
            Sort::ExpectedStartTimeAsc => ("tr.expected_start_time ASC", OLDEST_FIRST),
            Sort::ExpectedStartTimeDesc => ("tr.expected_start_time DESC", NEWEST_FIRST),
            Sort::NameAsc => ("tr.name ASC", OLDEST_FIRST),
            Sort::NameDesc => ("tr.name DESC", NEWEST_FIRST),
            Sort::NextScheduledStartTimeAsc => ("tr.next_scheduled_start_time ASC", OLDEST_FIRST),
            Sort::EndTimeDesc => ("tr.end_time DESC", NEWEST_FIRST),
        }
    }
}

pub async fn filter(
    db: &Db,
    criteria: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<TaskRun>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, criteria)?;
    let (order, tiebreak) = sort.order();
    let page = w.page(order, tiebreak, limit, offset);
    let sql = format!("SELECT {COLUMNS}{where_sql}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, TaskRun>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

pub async fn count(db: &Db, criteria: &Criteria) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, criteria)?;
    let sql = format!("SELECT COUNT(*) FROM task_run tr{where_sql}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// Orchestrates `$proposed` for task run `$id` on transaction `$tx` and records the outcome; evaluates to
/// `Option<(Decision, TaskRun)>`, `None` when there is no such run. The body of `set_state`, a macro so `create`
/// gives a new run its first state in the same transaction (no one can see the run without it). `$select` reads
/// the run locked (on PostgreSQL), `$plain_select` reads it back.
macro_rules! task_transition_in {
    ($tx:ident, $select:expr, $plain_select:expr, $id:expr, $proposed:expr, $force:expr) => {
        'transition: {
        let mut proposed: Proposed = $proposed;
        let force: bool = $force;
        let found = sqlx::query_as::<_, TaskRun>(sqlx::AssertSqlSafe($select.clone())).bind($id).fetch_optional(&mut *$tx).await?;
        let Some(run) = found else { break 'transition None };
        let flow_run: Option<(Option<String>, i32)> = match run.flow_run_id {
            Some(flow_run_id) => sqlx::query_as("SELECT state_type, run_count FROM flow_run WHERE id = $1")
                .bind(flow_run_id)
                .fetch_optional(&mut *$tx)
                .await?,
            None => None,
        };
        let initial = run.state();
        let now = Timestamp::now();
        let policy = normalise_policy(&run.empirical_policy.0);
        let mut run_count = run.run_count;
        let (status, reason, write) = if force {
            (Status::Accept, None, Some(proposed))
        } else {
            task_policy(run.flow_run_run_count, initial.as_ref(), &mut proposed, flow_run.as_ref(), &policy, &mut run_count, now)
        };
        let decision = Decision { status, reason, delay_seconds: 0, write, policy, take_deployment_slot: false, renew_deployment_lease: None };
        if let Some(state) = &decision.write {
            let mut state = state.clone();
            let mut at = now;
            if let Some(i) = &initial && at <= i.timestamp {
                at = i.timestamp.saturating_add_seconds(1e-6);
            }
            state.details["task_run_id"] = json!(run.id.to_string());
            state.details["flow_run_id"] = json!(run.flow_run_id.map(|i| i.to_string()));
            let before = Bookkeeping {
                run_count,
                start_time: run.start_time,
                end_time: run.end_time,
                total_run_time: run.total_run_time,
                expected_start_time: run.expected_start_time,
                next_scheduled_start_time: run.next_scheduled_start_time,
            };
            let mut unused = json!({});
            let b = orchestration::record(&before, initial.as_ref(), &state, at, &mut unused, None, true);
            let flow_run_run_count = if state.state_type == "RUNNING" {
                flow_run.as_ref().map_or(run.flow_run_run_count, |f| f.1)
            } else {
                run.flow_run_run_count
            };
            let written = State {
                id: new_v7(),
                state_type: state.state_type.clone(),
                name: state.name.clone(),
                timestamp: at,
                message: state.message.clone(),
                data: state.data.clone(),
                details: state.details.clone(),
            };
            // The state and the run that now points at it (and the queue for a deferred run): one round trip on
            // SQLite.
            let batch = insert_state!(Batch::for_connection(&*$tx), run.id, &written, at)
            .statement(
                "UPDATE task_run SET state_id = $2, state_type = $3, state_name = $4, state_timestamp = $5, \
                 run_count = $6, start_time = $7, end_time = $8, total_run_time = $9, expected_start_time = $10, \
                 next_scheduled_start_time = $11, flow_run_run_count = $12, updated = $5 WHERE id = $1",
            )
            .bind(run.id)
            .bind(written.id)
            .bind(written.state_type.clone())
            .bind(written.name.clone())
            .bind(at)
            .bind(b.run_count)
            .bind(b.start_time)
            .bind(b.end_time)
            .bind(b.total_run_time)
            .bind(b.expected_start_time)
            .bind(b.next_scheduled_start_time)
            .bind(flow_run_run_count);
            let batch = match super::task_workers::waits_for_worker(&state) {
                Some(retry) => batch
                    .statement(super::task_workers::ENQUEUE)
                    .bind(run.id)
                    .bind(run.task_key.clone())
                    .bind(retry)
                    .bind(at),
                None => batch,
            };
            batch.run(&mut *$tx).await?;
        }
        let after = sqlx::query_as::<_, TaskRun>(sqlx::AssertSqlSafe($plain_select.clone())).bind($id).fetch_one(&mut *$tx).await?;
        Some((decision, after))
        }
    };
}

pub struct NewTaskRun {
    pub id: Id,
    pub name: String,
    pub flow_run_id: Option<Id>,
    pub task_key: String,
    pub dynamic_key: String,
    pub cache_key: Option<String>,
    pub cache_expiration: Option<Timestamp>,
    pub task_version: Option<String>,
    pub empirical_policy: Value,
    pub tags: Value,
    pub labels: Value,
    pub task_inputs: Value,
    pub state: Proposed,
}

/// `POST /task_runs/`: creates the run (or finds the one with the same flow run, task key and dynamic key) and
/// gives a new one its first state. `true` when created.
pub async fn create(writer: &Writer, new: NewTaskRun) -> Result<(TaskRun, bool), sqlx::Error> {
    let now = Timestamp::now();
    let existing_sql = format!(
        "SELECT {COLUMNS} WHERE tr.id = $1 OR (tr.flow_run_id = $2 AND tr.task_key = $3 AND tr.dynamic_key = $4)"
    );
    let (select, plain) = selects(writer);
    let outcome = write_tx!(writer, tx => {
        let rows = sqlx::query(
            "INSERT INTO task_run (id, created, updated, name, flow_run_id, task_key, dynamic_key, cache_key, \
             cache_expiration, task_version, empirical_policy, tags, labels, task_inputs) \
             VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING",
        )
        .bind(new.id)
        .bind(now)
        .bind(&new.name)
        .bind(new.flow_run_id)
        .bind(&new.task_key)
        .bind(&new.dynamic_key)
        .bind(&new.cache_key)
        .bind(new.cache_expiration)
        .bind(&new.task_version)
        .bind(json(&new.empirical_policy))
        .bind(json(&new.tags))
        .bind(json(&new.labels))
        .bind(json(&new.task_inputs))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if rows == 1 {
            match task_transition_in!(tx, select, plain, new.id, new.state.clone(), true) {
                Some((_, run)) => (run, true),
                None => return Err(sqlx::Error::RowNotFound),
            }
        } else {
            let existing = sqlx::query_as::<_, TaskRun>(sqlx::AssertSqlSafe(existing_sql.clone()))
                .bind(new.id).bind(new.flow_run_id).bind(&new.task_key).bind(&new.dynamic_key)
                .fetch_one(&mut *tx).await?;
            (existing, false)
        }
    })?;
    Ok(outcome)
}

/// The statements `task_transition_in` reads the run with: locked for the transaction on PostgreSQL (SQLite has
/// one writer anyway), and plain.
fn selects(writer: &Writer) -> (String, String) {
    let plain = format!("SELECT {COLUMNS} WHERE tr.id = $1");
    let lock = match writer.dialect() {
        Dialect::Postgres => " FOR UPDATE OF tr",
        Dialect::Sqlite => "",
    };
    (format!("{plain}{lock}"), plain)
}

/// Task-run orchestration for HTTP clients: terminal runs, the enclosing flow run, retries and reruns, as in
/// Prefect's CoreTaskPolicy (without caching and tag concurrency limits).
pub async fn set_state(
    writer: &Writer,
    id: Id,
    proposed: Proposed,
    force: bool,
) -> Result<Option<(Decision, TaskRun)>, sqlx::Error> {
    let (select, plain) = selects(writer);
    write_tx!(writer, tx => task_transition_in!(tx, select, plain, id, proposed, force))
}

/// Prefect's CoreTaskPolicy rules, pure: `flow_run_run_count` is the run count of the flow run the task run's
/// last run belonged to, `flow_run` the enclosing flow run's state type and run count now.
pub(crate) fn task_policy(
    flow_run_run_count: i32,
    initial: Option<&State>,
    p: &mut Proposed,
    flow_run: Option<&(Option<String>, i32)>,
    policy: &Value,
    run_count: &mut i32,
    now: Timestamp,
) -> (Status, Option<String>, Option<Proposed>) {
    if let Some(i) = initial.filter(|i| is_terminal(&i.state_type)) {
        if matches!(p.state_type.as_str(), "CANCELLING" | "PAUSED" | "CRASHED") {
            return (
                Status::Abort,
                Some(format!("Run is already {}.", i.state_type)),
                None,
            );
        }
        let persisted = i
            .data
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|d| d.get("type").and_then(Value::as_str) != Some("unpersisted"));
        if i.state_type == "COMPLETED" && persisted {
            return (
                Status::Reject,
                Some("This run is already completed.".into()),
                None,
            );
        }
        if !is_terminal(&p.state_type) {
            *run_count = 0;
        }
    }
    if p.state_type == "RUNNING" {
        if let Some((flow_state, flow_run_count)) = flow_run {
            if flow_state.as_deref() != Some("RUNNING") {
                return (
                    Status::Abort,
                    Some("The enclosing flow must be running to begin task execution.".into()),
                    None,
                );
            }
            if initial.is_some_and(|i| is_terminal(&i.state_type))
                && flow_run_run_count < *flow_run_count
            {
                p.name = "Retrying".into();
            }
        }
        if *run_count > 0 {
            p.name = if initial.is_some_and(|i| i.name == "AwaitingRetry") {
                "Retrying".into()
            } else {
                "Rerunning".into()
            };
        }
    }
    if initial.is_some_and(|i| i.state_type == "RUNNING") && p.state_type == "FAILED" {
        let retriable = p.detail("retriable").and_then(Value::as_bool) != Some(false);
        let retries = policy.get("retries").and_then(Value::as_i64);
        if retriable && retries.is_some_and(|r| i64::from(*run_count) <= r) {
            let delay = match policy.get("retry_delay") {
                Some(Value::Array(delays)) if !delays.is_empty() => {
                    let index = usize::try_from(run_count.saturating_sub(1))
                        .unwrap_or(0)
                        .min(delays.len() - 1);
                    delays[index].as_f64().unwrap_or(0.0)
                }
                Some(value) => value.as_f64().unwrap_or(0.0),
                None => 0.0,
            };
            // Refused out of range over HTTP; one recorded from an event (or stored before) is clamped.
            let at = now.saturating_add_seconds(delay);
            let mut retry = Proposed::new("SCHEDULED", "AwaitingRetry");
            retry.message = p.message.clone();
            retry.data = p.data.clone();
            retry.details = json!({ "scheduled_time": at.rfc3339() });
            return (Status::Reject, Some("Retrying".into()), Some(retry));
        }
    }
    (Status::Accept, None, Some(p.clone()))
}

/// Deletes the task run, its logs, and (through the foreign key) its states; `false` when there was none.
pub async fn delete(writer: &Writer, id: Id) -> Result<bool, sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM log WHERE task_run_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM task_run WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1
    })
}

/// Gives the task run `name` (`None`: leaves it); whether there is such a run.
pub async fn rename(writer: &Writer, id: Id, name: Option<String>) -> Result<bool, sqlx::Error> {
    let found = write_tx!(writer, tx => match &name {
        Some(name) => sqlx::query("UPDATE task_run SET name = $2, updated = $3 WHERE id = $1")
            .bind(id)
            .bind(name.clone())
            .bind(Timestamp::now())
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        None => sqlx::query("SELECT 1 FROM task_run WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .map_or(0, |_| 1),
    })?;
    Ok(found > 0)
}
