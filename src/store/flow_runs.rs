//! The `flow_run` and `flow_run_state` tables: create, read, update, filter, and writing a state together with
//! the run's bookkeeping in one transaction.

use serde_json::{Map, Value, json};

use super::batch::Batch;
use super::error::StoreError;
use super::filter::{Criteria, Where, or_null, where_sql};
use super::states::{Proposed, State, is_terminal};
use super::{JsonValue, Param, Writer, bind_all, json, new_v7, on_db, write_tx};
use crate::db::types::{Id, IdList, Timestamp};
use crate::db::{Db, Dialect};
use crate::orchestration::{self, ApiVersion, Bookkeeping, Decision, Run};

#[derive(sqlx::FromRow, Clone)]
pub struct FlowRun {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub name: String,
    pub flow_id: Id,
    pub state_id: Option<Id>,
    pub deployment_id: Option<Id>,
    pub deployment_version: Option<String>,
    pub work_queue_id: Option<Id>,
    pub work_queue_name: Option<String>,
    pub flow_version: Option<String>,
    pub parameters: JsonValue,
    pub idempotency_key: Option<String>,
    pub context: JsonValue,
    pub empirical_policy: JsonValue,
    pub tags: JsonValue,
    pub labels: Option<JsonValue>,
    pub parent_task_run_id: Option<Id>,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub state_timestamp: Option<Timestamp>,
    pub run_count: i32,
    pub expected_start_time: Option<Timestamp>,
    pub next_scheduled_start_time: Option<Timestamp>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub total_run_time: f64,
    pub auto_scheduled: bool,
    pub infrastructure_document_id: Option<Id>,
    pub infrastructure_pid: Option<String>,
    pub created_by: Option<JsonValue>,
    pub job_variables: Option<JsonValue>,
    pub s_message: Option<String>,
    pub s_data: Option<JsonValue>,
    pub s_details: Option<JsonValue>,
    /// The pool of the run's queue (Prefect's response derives `work_pool_id`/`work_pool_name` from it).
    pub work_pool_id: Option<Id>,
    pub work_pool_name: Option<String>,
}

/// The run's own columns (`fr`), shared by [`COLUMNS`] and [`CORE_COLUMNS`].
macro_rules! run_columns {
    () => {
        "fr.id, fr.created, fr.updated, fr.name, fr.flow_id, fr.state_id, fr.deployment_id, \
    fr.deployment_version, fr.work_queue_id, fr.work_queue_name, fr.flow_version, fr.parameters, fr.idempotency_key, \
    fr.context, fr.empirical_policy, fr.tags, fr.labels, fr.parent_task_run_id, fr.state_type, fr.state_name, \
    fr.state_timestamp, fr.run_count, fr.expected_start_time, fr.next_scheduled_start_time, fr.start_time, \
    fr.end_time, fr.total_run_time, fr.auto_scheduled, fr.infrastructure_document_id, fr.infrastructure_pid, \
    fr.created_by, fr.job_variables"
    };
}

/// `SELECT {COLUMNS} WHERE …`: a run (`fr`) with its state (`s`) and its queue's pool (`run_wp`).
pub const COLUMNS: &str = concat!(
    run_columns!(),
    ", s.message AS s_message, s.data AS s_data, s.state_details AS s_details, \
    run_wp.id AS work_pool_id, run_wp.name AS work_pool_name \
    FROM flow_run fr LEFT JOIN flow_run_state s ON s.id = fr.state_id \
    LEFT JOIN work_queue run_wq ON run_wq.id = fr.work_queue_id LEFT JOIN work_pool run_wp ON run_wp.id = run_wq.work_pool_id"
);

/// `SELECT {CORE_COLUMNS} WHERE …`: a run (`fr`) alone, for answers that show neither its state's message and
/// data nor its pool (Prefect's core `FlowRun`, as a worker's poll answers it): no joins.
pub const CORE_COLUMNS: &str = concat!(
    run_columns!(),
    ", NULL AS s_message, NULL AS s_data, NULL AS s_details, NULL AS work_pool_id, NULL AS work_pool_name \
    FROM flow_run fr"
);

/// Prefect's `FlowRunPolicy` with every key, the deprecated ones folded in as Prefect's validator does.
pub fn normalise_policy(given: &Value) -> Value {
    let get = |k: &str| given.get(k).cloned().unwrap_or(Value::Null);
    let max_retries = given
        .get("max_retries")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let retry_delay_seconds = given
        .get("retry_delay_seconds")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let falsy = |v: &Value| v.is_null() || v.as_f64() == Some(0.0);
    let mut retries = get("retries");
    if falsy(&retries) && max_retries != 0 {
        retries = json!(max_retries);
    }
    let mut retry_delay = get("retry_delay");
    if falsy(&retry_delay) && retry_delay_seconds != 0.0 {
        retry_delay = json!(retry_delay_seconds);
    }
    json!({
        "max_retries": max_retries,
        "retry_delay_seconds": retry_delay_seconds,
        "retries": retries,
        "retry_delay": retry_delay,
        "pause_keys": given.get("pause_keys").cloned().filter(Value::is_array).unwrap_or_else(|| json!([])),
        "resuming": given.get("resuming").cloned().filter(Value::is_boolean).unwrap_or(json!(false)),
        "retry_type": get("retry_type"),
    })
}

impl FlowRun {
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

    /// Its `estimated_run_time` and `estimated_start_time_delta` at `now`, in seconds.
    pub fn estimates_at(&self, now: Timestamp) -> (f64, f64) {
        estimates(
            self.state_type.as_deref(),
            self.state_timestamp,
            self.total_run_time,
            self.start_time,
            self.expected_start_time,
            now,
        )
    }

    fn bookkeeping(&self) -> Bookkeeping {
        Bookkeeping {
            run_count: self.run_count,
            start_time: self.start_time,
            end_time: self.end_time,
            total_run_time: self.total_run_time,
            expected_start_time: self.expected_start_time,
            next_scheduled_start_time: self.next_scheduled_start_time,
        }
    }
}

/// Prefect's computed `estimated_run_time` and `estimated_start_time_delta`, in seconds.
pub fn estimates(
    state_type: Option<&str>,
    state_timestamp: Option<Timestamp>,
    total_run_time: f64,
    start_time: Option<Timestamp>,
    expected_start_time: Option<Timestamp>,
    now: Timestamp,
) -> (f64, f64) {
    let seconds =
        |a: Timestamp, b: Timestamp| (a.0 - b.0).num_microseconds().unwrap_or(0) as f64 / 1e6;
    let run_time = match (state_type, state_timestamp) {
        (Some("RUNNING"), Some(since)) => total_run_time + seconds(now, since),
        _ => total_run_time,
    };
    let delta = match (start_time, expected_start_time) {
        (Some(start), Some(expected)) if start > expected => seconds(start, expected),
        (None, Some(expected)) if expected < now && !state_type.is_some_and(is_terminal) => {
            seconds(now, expected)
        }
        _ => 0.0,
    };
    (run_time, delta)
}

/// Orchestrates `$proposed` for run `$id` on transaction `$tx` and records the outcome: the body of `set_state`,
/// a macro so `create` can give a new run its first state in the same transaction. The state's statements join
/// `$batch` (which may already hold the run's insert) and run with it.
macro_rules! transition_in {
    ($tx:ident, $select:expr, $id:expr, $known:expr, $proposed:expr, $force:expr, $api:expr, $batch:expr) => {
        'transition: {
        let mut batch = $batch;
        let known: Option<FlowRun> = $known;
        let run = match known {
            Some(run) => run,
            None => {
                let found = sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe($select.clone())).bind($id).fetch_optional(&mut *$tx).await?;
                let Some(run) = found else { break 'transition None };
                run
            }
        };
        let initial = run.state();
        let now = Timestamp::now();
        let proposed: Proposed = $proposed;
        // The deployment's slots, looked up only for what SecureFlowConcurrencySlots judges.
        let found = match run.deployment_id {
            Some(deployment) if !$force && orchestration::deployment_concurrency::needs_slots(initial.as_ref(), &proposed) => {
                Some(super::deployment_concurrency::deployment_limit_in!($tx, deployment))
            }
            _ => None,
        };
        let facts = Run {
            initial: initial.as_ref(),
            run_count: run.run_count,
            policy: normalise_policy(&run.empirical_policy.0),
            has_deployment: run.deployment_id.is_some(),
            has_infrastructure_pid: run.infrastructure_pid.is_some(),
            is_subflow: run.parent_task_run_id.is_some(),
            deployment_slots: found.as_ref().map(|f| {
                let late = orchestration::deployment_concurrency::marks_late(initial.as_ref(), &proposed);
                super::deployment_concurrency::slots(f.as_ref(), late, now)
            }),
        };
        let mut decision = orchestration::set_flow_run_state(&facts, proposed, $force, $api, now);
        super::deployment_concurrency::deployment_slot_steps_in!($tx, &run, initial.as_ref(), decision, found.flatten(), now);
        // The run as it is afterwards, kept in memory rather than read back.
        let mut after = run.clone();
        after.empirical_policy = json(&decision.policy);
        if let Some(state) = decision.write.as_mut() {
            // Timestamps of one run's states are unique (Prefect's index); step past the current one.
            let mut at = now;
            if let Some(i) = &initial && at <= i.timestamp {
                at = i.timestamp.saturating_add_seconds(1e-6);
            }
            state.details["flow_run_id"] = json!(run.id.to_string());
            if let Some(parent) = run.parent_task_run_id {
                state.details["task_run_id"] = json!(parent.to_string());
            }
            let mut policy = decision.policy.clone();
            let b = orchestration::record(&run.bookkeeping(), initial.as_ref(), state, at, &mut policy, $api, true);
            decision.policy = policy;
            let state_id = new_v7();
            // The state and the run that now points at it: one round trip on SQLite.
            batch = batch
                .statement(
                    "INSERT INTO flow_run_state (id, created, updated, flow_run_id, type, timestamp, name, message, \
                     state_details, data) VALUES ($1, $2, $2, $3, $4, $2, $5, $6, $7, $8)",
                )
                .bind(state_id)
                .bind(at)
                .bind(run.id)
                .bind(state.state_type.clone())
                .bind(state.name.clone())
                .bind(state.message.clone())
                .bind(json(&state.details))
                .bind(state.data.as_ref().map(json))
                .statement(
                    "UPDATE flow_run SET state_id = $2, state_type = $3, state_name = $4, state_timestamp = $5, \
                     run_count = $6, start_time = $7, end_time = $8, total_run_time = $9, expected_start_time = $10, \
                     next_scheduled_start_time = $11, empirical_policy = $12, updated = $5 WHERE id = $1",
                )
                .bind(run.id)
                .bind(state_id)
                .bind(state.state_type.clone())
                .bind(state.name.clone())
                .bind(at)
                .bind(b.run_count)
                .bind(b.start_time)
                .bind(b.end_time)
                .bind(b.total_run_time)
                .bind(b.expected_start_time)
                .bind(b.next_scheduled_start_time)
                .bind(json(&decision.policy));
            after.empirical_policy = json(&decision.policy);
            after.state_id = Some(state_id);
            after.state_type = Some(state.state_type.clone());
            after.state_name = Some(state.name.clone());
            after.state_timestamp = Some(at);
            after.updated = at;
            after.run_count = b.run_count;
            after.start_time = b.start_time;
            after.end_time = b.end_time;
            after.total_run_time = b.total_run_time;
            after.expected_start_time = b.expected_start_time;
            after.next_scheduled_start_time = b.next_scheduled_start_time;
            after.s_message = state.message.clone();
            after.s_data = state.data.as_ref().map(json);
            after.s_details = Some(json(&state.details));
        } else if decision.policy != normalise_policy(&run.empirical_policy.0) {
            batch = batch
                .statement("UPDATE flow_run SET empirical_policy = $2 WHERE id = $1")
                .bind(run.id)
                .bind(json(&decision.policy));
        }
        if !batch.is_empty() {
            batch.run(&mut *$tx).await?;
        }
            Some(Transition { decision, initial, run: after })
        }
    };
}

pub struct NewFlowRun {
    pub flow_id: Id,
    pub name: String,
    pub flow_version: Option<String>,
    pub parameters: Value,
    pub context: Value,
    pub parent_task_run_id: Option<Id>,
    pub infrastructure_document_id: Option<Id>,
    pub empirical_policy: Value,
    pub tags: Value,
    pub labels: Value,
    pub idempotency_key: Option<String>,
    pub work_queue_name: Option<String>,
    pub job_variables: Value,
    pub deployment_id: Option<Id>,
    pub state: Proposed,
}

/// Creates a run and gives it its first state; with an idempotency key already used for this flow, returns
/// that run instead (and no transition). A run made from a deployment, or sent with a work pool, goes to its
/// work queue and records the deployment's version in the same write.
pub async fn create_for_deployment(
    writer: &Writer,
    new: NewFlowRun,
    work_queue_id: Option<Id>,
    deployment_version: Option<String>,
    api: ApiVersion,
) -> Result<(FlowRun, Option<Transition>), sqlx::Error> {
    let now = Timestamp::now();
    let id = new_v7();
    let select = select_for_update(writer);
    let proposed = new.state.clone();
    // The run as inserted: its first state is decided without reading it back.
    let fresh = FlowRun {
        id,
        created: now,
        updated: now,
        name: new.name.clone(),
        flow_id: new.flow_id,
        state_id: None,
        deployment_id: new.deployment_id,
        deployment_version: deployment_version.clone(),
        work_queue_id,
        work_queue_name: new.work_queue_name.clone(),
        flow_version: new.flow_version.clone(),
        parameters: json(&new.parameters),
        idempotency_key: new.idempotency_key.clone(),
        context: json(&new.context),
        empirical_policy: json(&new.empirical_policy),
        tags: json(&new.tags),
        labels: Some(json(&new.labels)),
        parent_task_run_id: new.parent_task_run_id,
        state_type: None,
        state_name: None,
        state_timestamp: None,
        run_count: 0,
        expected_start_time: None,
        next_scheduled_start_time: None,
        start_time: None,
        end_time: None,
        total_run_time: 0.0,
        auto_scheduled: false,
        infrastructure_document_id: new.infrastructure_document_id,
        infrastructure_pid: None,
        created_by: None,
        job_variables: Some(json(&new.job_variables)),
        s_message: None,
        s_data: None,
        s_details: None,
        work_pool_id: None,
        work_pool_name: None,
    };
    let keyed = new.idempotency_key.is_some();
    let transition = write_tx!(writer, tx => {
        let insert = Batch::for_connection(&*tx)
            .statement(
                "INSERT INTO flow_run (id, created, updated, name, flow_id, flow_version, parameters, context, \
                 parent_task_run_id, infrastructure_document_id, empirical_policy, tags, labels, idempotency_key, \
                 work_queue_name, job_variables, deployment_id, work_queue_id, deployment_version) \
                 VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
                 ON CONFLICT (flow_id, idempotency_key) DO NOTHING",
            )
            .bind(id)
            .bind(now)
            .bind(new.name.clone())
            .bind(new.flow_id)
            .bind(new.flow_version.clone())
            .bind(json(&new.parameters))
            .bind(json(&new.context))
            .bind(new.parent_task_run_id)
            .bind(new.infrastructure_document_id)
            .bind(json(&new.empirical_policy))
            .bind(json(&new.tags))
            .bind(json(&new.labels))
            .bind(new.idempotency_key.clone())
            .bind(new.work_queue_name.clone())
            .bind(json(&new.job_variables))
            .bind(new.deployment_id)
            .bind(work_queue_id)
            .bind(deployment_version.clone());
        // The first state goes through the forced (minimal) policy, as in Prefect, in the same transaction.
        // Without an idempotency key the insert cannot conflict, so it goes in one batch with that state.
        if !keyed {
            transition_in!(tx, select, id, Some(fresh.clone()), proposed, true, api, insert)
        } else if insert.run(&mut *tx).await? == 1 {
            transition_in!(tx, select, id, Some(fresh.clone()), proposed, true, api, Batch::for_connection(&*tx))
        } else {
            None
        }
    })?;
    if let Some(transition) = transition {
        return Ok((transition.run.clone(), Some(transition)));
    }
    let sql = format!("SELECT {COLUMNS} WHERE fr.flow_id = $1 AND fr.idempotency_key = $2");
    let key = new.idempotency_key.clone().unwrap_or_default();
    let existing = write_tx!(writer, tx => sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(sql.clone()))
        .bind(new.flow_id)
        .bind(key.clone())
        .fetch_optional(&mut *tx)
        .await?)?;
    Ok((existing.expect("the conflicting run exists"), None))
}

/// Fills the pool of a run just put in a queue (a new run is answered without reading it back).
pub async fn fill_pool(db: &Db, run: &mut FlowRun) -> Result<(), sqlx::Error> {
    let Some(queue) = run.work_queue_id.filter(|_| run.work_pool_id.is_none()) else {
        return Ok(());
    };
    let sql = "SELECT wp.id, wp.name FROM work_queue wq JOIN work_pool wp ON wp.id = wq.work_pool_id WHERE wq.id = $1";
    let pool: Option<(Id, String)> =
        on_db!(db, pool => sqlx::query_as(sql).bind(queue).fetch_optional(pool).await?);
    if let Some((id, name)) = pool {
        run.work_pool_id = Some(id);
        run.work_pool_name = Some(name);
    }
    Ok(())
}

pub async fn get(db: &Db, id: Id) -> Result<Option<FlowRun>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE fr.id = $1");
    Ok(
        on_db!(db, pool => sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

/// What `set_state` did: the decision, the state the run had before, and the run as it is afterwards.
pub struct Transition {
    pub decision: Decision,
    pub initial: Option<State>,
    pub run: FlowRun,
}

/// Orchestrates a proposed state and records the outcome; `None` when the run does not exist.
pub async fn set_state(
    writer: &Writer,
    id: Id,
    proposed: Proposed,
    force: bool,
    api: ApiVersion,
) -> Result<Option<Transition>, sqlx::Error> {
    let select = select_for_update(writer);
    write_tx!(writer, tx => transition_in!(tx, select, id, None, proposed, force, api, Batch::for_connection(&*tx)))
}

/// Fails a paused run whose pause timed out before now, as Prefect's pause-expiration service does: forced, with
/// its message. The timeout is checked again under the run's lock, so a resume (or another replica) that got
/// there first wins; `None` when there was nothing to fail.
pub async fn fail_expired_pause(
    writer: &Writer,
    id: Id,
) -> Result<Option<Transition>, sqlx::Error> {
    let select = select_for_update(writer);
    write_tx!(writer, tx => {
        let found = sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let expired = |run: &FlowRun| {
            run.state().is_some_and(|s| {
                s.state_type == "PAUSED" && orchestration::pause_timed_out(&s.details, Timestamp::now())
            })
        };
        let Some(run) = found.filter(expired) else { return Ok(None) };
        let mut failed = Proposed::new("FAILED", "Failed");
        failed.message = Some("The flow was paused and never resumed.".into());
        transition_in!(tx, select, id, Some(run), failed, true, None, Batch::for_connection(&*tx))
    })
}

/// Orchestrates `proposed` only if the run is still in state `expected`, checked under the run's lock: what a
/// service decided from a state it read earlier must not land on a later one (a run that finished or moved on
/// meanwhile, or another replica's service that got there first). `None` when the run is gone or has moved on.
pub async fn set_state_if_current(
    writer: &Writer,
    id: Id,
    expected: Id,
    proposed: Proposed,
    force: bool,
) -> Result<Option<Transition>, sqlx::Error> {
    let select = select_for_update(writer);
    write_tx!(writer, tx => {
        let found = sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(select.clone()))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(run) = found.filter(|run| run.state_id == Some(expected)) else { return Ok(None) };
        transition_in!(tx, select, id, Some(run), proposed, force, None, Batch::for_connection(&*tx))
    })
}

/// Up to `limit` paused runs with an id after `after`, in id order, with their state's details: the pages the
/// pause-expiration service walks.
pub async fn paused_after(
    db: &Db,
    after: Id,
    limit: i64,
) -> Result<Vec<(Id, Option<JsonValue>)>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as(
        "SELECT fr.id, s.state_details FROM flow_run fr LEFT JOIN flow_run_state s ON s.id = fr.state_id \
         WHERE fr.state_type = 'PAUSED' AND fr.id > $1 ORDER BY fr.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// The run by id, locked for the transaction on PostgreSQL (SQLite has one writer anyway).
fn select_for_update(writer: &Writer) -> String {
    let lock = match writer.dialect() {
        Dialect::Postgres => " FOR UPDATE OF fr",
        Dialect::Sqlite => "",
    };
    format!("SELECT {COLUMNS} WHERE fr.id = $1{lock}")
}

/// One column `PATCH /flow_runs/{id}` sets: a text column (null allowed) or a JSON one.
pub enum Change {
    Text(&'static str, Option<String>),
    Json(&'static str, Value),
}

/// `PATCH /flow_runs/{id}`: only the columns given change. `false` when the run does not exist.
pub async fn update(writer: &Writer, id: Id, changes: &[Change]) -> Result<bool, sqlx::Error> {
    let mut w = Where::new(writer.dialect());
    let mut sets = Vec::new();
    for change in changes {
        let (column, value_sql) = match change {
            Change::Text(column, None) => (column, "NULL".to_owned()),
            Change::Text(column, Some(text)) => (column, w.bind(Param::Text(text.clone()))),
            Change::Json(column, value) => {
                let placeholder = w.bind(Param::Text(value.to_string()));
                let value_sql = match writer.dialect() {
                    Dialect::Postgres => format!("CAST({placeholder} AS JSONB)"),
                    Dialect::Sqlite => placeholder,
                };
                (column, value_sql)
            }
        };
        sets.push(format!("{column} = {value_sql}"));
    }
    let updated = w.bind(Param::Time(Timestamp::now()));
    sets.push(format!("updated = {updated}"));
    let id_p = w.bind(Param::Id(id));
    let sql = format!("UPDATE flow_run SET {} WHERE id = {id_p}", sets.join(", "));
    let params = w.params;
    let rows = write_tx!(writer, tx => bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)), &params).execute(&mut *tx).await?.rows_affected())?;
    Ok(rows == 1)
}

/// `PATCH /flow_runs/{id}/labels`: merges the given labels over the run's (a shallow merge, as Prefect's
/// `{**current, **labels}`). `false` when the run does not exist.
///
/// Concurrent merges must all land. PostgreSQL merges in the UPDATE itself (`||` on JSONB is that shallow merge),
/// so no other transaction can write between the read and the write; on SQLite the read and the write run in one
/// writer's turn on the only write connection, where no other writer can come between them.
pub async fn merge_labels(
    writer: &Writer,
    id: Id,
    labels: &Map<String, Value>,
) -> Result<bool, sqlx::Error> {
    let patch = json(&Value::Object(labels.clone()));
    let now = Timestamp::now();
    match writer {
        Writer::Postgres(pool) => {
            let updated = sqlx::query(
                "UPDATE flow_run SET labels = COALESCE(labels, '{}'::jsonb) || $2, updated = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(patch)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(updated.rows_affected() == 1)
        }
        Writer::Sqlite(_) => write_tx!(writer, tx => {
            let current: Option<Option<JsonValue>> = sqlx::query_scalar("SELECT labels FROM flow_run WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(current) = current else { return Ok(false) };
            let mut merged = current.and_then(|c| c.0.as_object().cloned()).unwrap_or_default();
            merged.extend(labels.clone());
            sqlx::query("UPDATE flow_run SET labels = $2, updated = $3 WHERE id = $1")
                .bind(id)
                .bind(json(&Value::Object(merged)))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            true
        }),
    }
}

/// The `WHERE` shared by `/flow_runs/filter` and `/flow_runs/count`.
pub fn where_clause(w: &mut Where, criteria: &Criteria) -> Result<String, StoreError> {
    let mut parts = Vec::new();
    parts.extend(w.flow_runs(or_null(&criteria.flow_runs), "fr")?);
    if let Some(flows) = w.flows(or_null(&criteria.flows), "f")? {
        parts.push(format!(
            "fr.flow_id IN (SELECT f.id FROM flow f WHERE {flows})"
        ));
    }
    if let Some(tasks) = w.task_runs(or_null(&criteria.task_runs), "tr")? {
        parts.push(format!(
            "EXISTS (SELECT 1 FROM task_run tr WHERE tr.flow_run_id = fr.id AND {tasks})"
        ));
    }
    parts.extend(criteria.flow_run_links(w, "fr")?);
    Ok(where_sql(&parts))
}

/// Prefect's `FlowRunSort`, read from a filter body's `sort` (an unknown value is its `enum` 422).
#[derive(Clone, Copy, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sort {
    #[default]
    IdDesc,
    StartTimeAsc,
    StartTimeDesc,
    ExpectedStartTimeAsc,
    ExpectedStartTimeDesc,
    NameAsc,
    NameDesc,
    NextScheduledStartTimeAsc,
    EndTimeDesc,
}

/// The tiebreak among equal keys runs the way the sort runs: Prefect's server answers ties in the order of the
/// index it scans (backwards for a descending sort), which for ids made in time order is newest first there.
const NEWEST_FIRST: &str = "fr.id DESC";
const OLDEST_FIRST: &str = "fr.id ASC";

impl Sort {
    /// Prefect's ORDER BY for the sort. Like Prefect's, it leaves NULLs where the database puts them (first
    /// ascending on SQLite, last ascending on PostgreSQL), so each dialect answers as Prefect's server on it does;
    /// a run not started yet sorts by its expected start. With it, the tiebreak that makes every page end on a
    /// unique column.
    fn order(self) -> (&'static str, &'static str) {
        match self {
            Sort::IdDesc => ("fr.id DESC", NEWEST_FIRST),
            Sort::StartTimeAsc => (
                "COALESCE(fr.start_time, fr.expected_start_time) ASC",
                OLDEST_FIRST,
            ),
            Sort::StartTimeDesc => (
                "COALESCE(fr.start_time, fr.expected_start_time) DESC",
                NEWEST_FIRST,
            ),
            Sort::ExpectedStartTimeAsc => ("fr.expected_start_time ASC", OLDEST_FIRST),
            Sort::ExpectedStartTimeDesc => ("fr.expected_start_time DESC", NEWEST_FIRST),
            Sort::NameAsc => ("fr.name ASC", OLDEST_FIRST),
            Sort::NameDesc => ("fr.name DESC", NEWEST_FIRST),
            Sort::NextScheduledStartTimeAsc => ("fr.next_scheduled_start_time ASC", OLDEST_FIRST),
            Sort::EndTimeDesc => ("fr.end_time DESC", NEWEST_FIRST),
        }
    }
}

pub async fn filter(
    db: &Db,
    criteria: &Criteria,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<FlowRun>, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, criteria)?;
    let (order, tiebreak) = sort.order();
    let page = w.page(order, tiebreak, limit, offset);
    let sql = format!("SELECT {COLUMNS}{where_sql}{page}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_as::<_, FlowRun>(sqlx::AssertSqlSafe(sql)), &params).fetch_all(pool).await?),
    )
}

pub async fn count(db: &Db, criteria: &Criteria) -> Result<i64, StoreError> {
    let mut w = Where::new(db.dialect());
    let where_sql = where_clause(&mut w, criteria)?;
    let sql = format!("SELECT COUNT(*) FROM flow_run fr{where_sql}");
    let params = w.params;
    Ok(
        on_db!(db, pool => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)), &params).fetch_one(pool).await?),
    )
}

/// Deletes the runs, their logs, and, through the foreign keys, their states and task runs (as Prefect does;
/// it drops the logs in a background task, here they go in the same transaction). Returns the ids that were
/// there.
pub async fn delete(writer: &Writer, ids: Vec<Id>) -> Result<Vec<Id>, sqlx::Error> {
    let ids = Param::Ids(IdList(ids));
    let mut logs = Where::new(writer.dialect());
    let delete_logs = format!(
        "DELETE FROM log WHERE {}",
        logs.in_list("flow_run_id", ids.clone(), false)
    );
    let mut runs = Where::new(writer.dialect());
    let delete_runs = format!(
        "DELETE FROM flow_run WHERE {} RETURNING id",
        runs.in_list("id", ids, false)
    );
    write_tx!(writer, tx => {
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(delete_logs.clone())), &logs.params)
            .execute(&mut *tx)
            .await?;
        bind_all!(sqlx::query_scalar::<_, Id>(sqlx::AssertSqlSafe(delete_runs.clone())), &runs.params)
            .fetch_all(&mut *tx)
            .await?
    })
}
