//! Work pools, their queues and workers: `WorkPoolCreate`/`WorkPoolUpdate`, `WorkQueueCreate`/`WorkQueueUpdate`,
//! the filter and poll bodies, and the `WorkPool`, `WorkQueueResponse`, `WorkerResponse` and
//! `WorkerFlowRunResponse` answers, in Prefect's field order.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

use super::constraints::{Name, NonNegativeInt, PositiveInt};
use super::fields::{DateTime, LaxInt};
use super::{constraint, patch};
use crate::db::types::{Id, Timestamp};
use crate::store::work_pools::{AGENT_TYPE, WorkPool as StoredPool};
use crate::store::work_queues::{WorkQueue as StoredQueue, json_or_null};
use crate::store::workers::Worker as StoredWorker;

/// Prefect's `NonEmptyishName`: a `Name` that is not only quotes and spaces.
#[derive(Clone, Debug)]
pub struct PoolName(pub String);

impl<'de> Deserialize<'de> for PoolName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value.trim_matches(['\'', ' ', '"']).is_empty() {
            return Err(constraint(
                "value_error",
                "Value error, name cannot be an empty string",
            ));
        }
        if value.contains(['/', '%', '&', '>', '<']) {
            return Err(constraint(
                "string_pattern_mismatch",
                "String should match pattern '^[^/%&><]+$'",
            ));
        }
        Ok(Self(value))
    }
}

/// A base job template Prefect accepts: empty, or a `job_configuration` whose `{{ placeholders }}` are all
/// properties of the `variables` schema.
#[derive(Clone, Debug, Default)]
pub struct JobTemplate(pub Map<String, Value>);

impl<'de> Deserialize<'de> for JobTemplate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let template = Map::<String, Value>::deserialize(deserializer)?;
        check_job_template(&template).map_err(|msg| constraint("value_error", msg))?;
        Ok(Self(template))
    }
}

fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::Bool(true)) => true,
    }
}

/// Prefect's `validate_base_job_template`, its messages word for word.
pub fn check_job_template(template: &Map<String, Value>) -> Result<(), String> {
    if template.is_empty() {
        return Ok(());
    }
    let config = template.get("job_configuration");
    let variables = template.get("variables");
    if !truthy(config) || !truthy(variables) {
        return Err("Value error, The `base_job_template` must contain both a `job_configuration` key and a \
                    `variables` key."
            .into());
    }
    let mut used = Vec::new();
    if let Some(Value::Object(config)) = config {
        for value in config.values() {
            placeholders(&value.to_string(), &mut used);
        }
    }
    let declared: Vec<&String> = variables
        .and_then(|v| v.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    let missing: Vec<&String> = used.iter().filter(|u| !declared.contains(u)).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(format!(
            "Value error, The variables specified in the job configuration template must be present as \
             properties in the variables schema. Your job configuration uses the following undeclared \
             variable(s): {}.",
            names.join(" ,")
        ));
    }
    Ok(())
}

/// The names inside `{{ … }}` (Prefect's `find_placeholders`: word characters, `.`, `-`, `[`, `]` and `$`). Like
/// Prefect's check, block and variable references count too.
fn placeholders(text: &str, found: &mut Vec<String>) {
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || "_.-[]$".contains(c));
        if plain && !found.iter().any(|f| f == name) {
            found.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkPoolCreate {
    pub name: PoolName,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub base_job_template: JobTemplate,
    #[serde(default)]
    pub is_paused: bool,
    #[serde(default)]
    pub concurrency_limit: Option<NonNegativeInt>,
    #[serde(default)]
    pub storage_configuration: Option<StorageConfiguration>,
}

/// Prefect's `WorkPoolStorageConfiguration` (extra keys forbidden).
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct StorageConfiguration {
    #[serde(default)]
    pub bundle_upload_step: Option<Map<String, Value>>,
    #[serde(default)]
    pub bundle_execution_step: Option<Map<String, Value>>,
    #[serde(default)]
    pub default_result_storage_block_id: Option<super::fields::Uuid>,
}

impl StorageConfiguration {
    pub fn to_json(&self) -> Value {
        json!({
            "bundle_upload_step": self.bundle_upload_step,
            "bundle_execution_step": self.bundle_execution_step,
            "default_result_storage_block_id": self.default_result_storage_block_id.map(|id| id.0.to_string()),
        })
    }
}

/// Prefect's `WorkPoolUpdate`: only the fields sent change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkPoolUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub is_paused: Option<Option<bool>>,
    #[serde(default, deserialize_with = "patch")]
    pub base_job_template: Option<Option<JobTemplate>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_limit: Option<Option<NonNegativeInt>>,
    #[serde(default, deserialize_with = "patch")]
    pub storage_configuration: Option<Option<StorageConfiguration>>,
}

impl WorkPoolUpdate {
    /// The fields the client set (Prefect's `exclude_unset`).
    pub fn fields_set(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if self.description.is_some() {
            set.push("description");
        }
        if self.is_paused.is_some() {
            set.push("is_paused");
        }
        if self.base_job_template.is_some() {
            set.push("base_job_template");
        }
        if self.concurrency_limit.is_some() {
            set.push("concurrency_limit");
        }
        if self.storage_configuration.is_some() {
            set.push("storage_configuration");
        }
        set
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkQueueCreate {
    pub name: Name,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub is_paused: bool,
    #[serde(default)]
    pub concurrency_limit: Option<NonNegativeInt>,
    #[serde(default)]
    pub priority: Option<PositiveInt>,
    /// Deprecated; accepted and ignored (queues filter by pool now).
    #[serde(default)]
    #[allow(dead_code)]
    pub filter: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkQueueUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub is_paused: Option<Option<bool>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_limit: Option<Option<NonNegativeInt>>,
    #[serde(default, deserialize_with = "patch")]
    pub priority: Option<Option<PositiveInt>>,
    #[serde(default, deserialize_with = "patch")]
    pub last_polled: Option<Option<DateTime>>,
    #[serde(default)]
    #[allow(dead_code)]
    pub filter: Option<Value>,
}

/// `POST /work_pools/filter` (and `/work_pools/{name}/queues/filter`, `/workers/filter`, `/work_queues/filter`):
/// extra top-level fields are ignored, as FastAPI ignores them.
#[derive(Debug, Default, Deserialize)]
pub struct FilterBody {
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub work_pools: Option<Value>,
    #[serde(default)]
    pub work_queues: Option<Value>,
    #[serde(default)]
    pub workers: Option<Value>,
}

/// `POST /work_pools/{name}/workers/heartbeat`.
#[derive(Debug, Deserialize)]
pub struct Heartbeat {
    pub name: String,
    #[serde(default)]
    pub heartbeat_interval_seconds: Option<LaxInt>,
}

/// `POST /work_pools/{name}/get_scheduled_flow_runs`.
#[derive(Debug, Default, Deserialize)]
pub struct ScheduledRunsBody {
    #[serde(default)]
    pub work_queue_names: Option<Vec<String>>,
    #[serde(default)]
    pub scheduled_before: Option<DateTime>,
    #[serde(default)]
    pub scheduled_after: Option<DateTime>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

/// `POST /work_queues/{id}/get_runs`.
#[derive(Debug, Default, Deserialize)]
pub struct QueueRunsBody {
    #[serde(default)]
    pub scheduled_before: Option<DateTime>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

/// Prefect's `WorkPoolResponse`.
#[derive(Debug, Serialize)]
pub struct WorkPool {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub description: Option<String>,
    pub r#type: String,
    pub base_job_template: Value,
    pub is_paused: bool,
    pub concurrency_limit: Option<i32>,
    pub status: Option<String>,
    pub default_queue_id: Option<String>,
    pub storage_configuration: Value,
    pub active_slots: Option<i64>,
}

/// A stored storage configuration with every key Prefect's model has.
fn storage(stored: &Value) -> Value {
    let get = |k: &str| stored.get(k).cloned().unwrap_or(Value::Null);
    json!({
        "bundle_upload_step": get("bundle_upload_step"),
        "bundle_execution_step": get("bundle_execution_step"),
        "default_result_storage_block_id": get("default_result_storage_block_id"),
    })
}

impl WorkPool {
    /// The pool as Prefect answers it; `active_slots` only when it has a concurrency limit.
    pub fn new(pool: &StoredPool, active_slots: i64) -> Self {
        WorkPool {
            id: pool.id.to_string(),
            created: pool.created.rfc3339(),
            updated: pool.updated.rfc3339(),
            name: pool.name.clone(),
            description: pool.description.clone(),
            r#type: pool.pool_type.clone(),
            base_job_template: pool.base_job_template.0.clone(),
            is_paused: pool.is_paused,
            concurrency_limit: pool.concurrency_limit,
            status: (pool.pool_type != AGENT_TYPE).then(|| pool.status.clone()),
            default_queue_id: pool.default_queue_id.map(|id| id.to_string()),
            storage_configuration: storage(&pool.storage_configuration.0),
            active_slots: pool.concurrency_limit.map(|_| active_slots),
        }
    }
}

/// Prefect's `WorkQueueResponse`: the core queue, with its pool's name, its status and, when it has a limit,
/// its slots in use.
#[derive(Debug, Serialize)]
pub struct WorkQueue {
    #[serde(flatten)]
    pub core: CoreWorkQueue,
    pub work_pool_name: String,
    pub status: String,
    pub active_slots: Option<i64>,
}

impl WorkQueue {
    pub fn new(queue: &StoredQueue, active_slots: i64) -> Self {
        WorkQueue {
            core: CoreWorkQueue::new(queue),
            work_pool_name: queue.work_pool_name.clone(),
            status: queue.status.clone(),
            active_slots: queue.concurrency_limit.map(|_| active_slots),
        }
    }
}

/// Prefect's `WorkerResponse`: ONLINE while the last heartbeat is within three of its intervals (30 s when it
/// gave none), whatever the stored status says.
#[derive(Debug, Serialize)]
pub struct Worker {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub work_pool_id: String,
    pub last_heartbeat_time: String,
    pub heartbeat_interval_seconds: Option<i32>,
    pub status: &'static str,
}

impl Worker {
    pub fn new(worker: &StoredWorker, now: Timestamp) -> Self {
        let interval = worker.heartbeat_interval_seconds.map_or(30, i64::from);
        let horizon = (interval.saturating_mul(3)) as f64;
        let online = (now.0 - worker.last_heartbeat_time.0).as_seconds_f64() < horizon;
        Worker {
            id: worker.id.to_string(),
            created: worker.created.rfc3339(),
            updated: worker.updated.rfc3339(),
            name: worker.name.clone(),
            work_pool_id: worker.work_pool_id.to_string(),
            last_heartbeat_time: worker.last_heartbeat_time.rfc3339(),
            heartbeat_interval_seconds: worker.heartbeat_interval_seconds,
            status: if online { "ONLINE" } else { "OFFLINE" },
        }
    }
}

/// Prefect's `WorkerFlowRunResponse`: its run is a core `FlowRun` ([`super::flow_runs::FlowRun::core`]), which
/// has no `work_pool_id`/`work_pool_name` (a `FlowRunResponse` does), and whose `state` Prefect's poll query
/// leaves unloaded: null. A worker that gets a state copies it when it marks the run cancelled, id and all; null
/// makes it build a new one.
#[derive(Debug, Serialize)]
pub struct WorkerFlowRun {
    pub work_pool_id: String,
    pub work_queue_id: String,
    pub flow_run: super::flow_runs::FlowRun,
}

impl WorkerFlowRun {
    pub fn new(pool: Id, queue: Id, run: super::flow_runs::FlowRun) -> Self {
        WorkerFlowRun {
            work_pool_id: pool.to_string(),
            work_queue_id: queue.to_string(),
            flow_run: run,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(value: Value) -> Result<(), String> {
        check_job_template(value.as_object().unwrap())
    }

    #[test]
    fn job_templates_are_checked_as_prefect_checks_them() {
        assert!(template(json!({})).is_ok());
        assert!(
            template(json!({"a": 1}))
                .unwrap_err()
                .contains("must contain both")
        );
        let undeclared = template(json!({
            "job_configuration": {"command": "{{ command }}", "x": "{{ y }}"},
            "variables": {"properties": {"command": {}}}
        }))
        .unwrap_err();
        assert!(
            undeclared.ends_with("undeclared variable(s): y."),
            "{undeclared}"
        );
        assert!(
            template(json!({
                "job_configuration": {"env": {"A": "{{ a }}"}, "c": "{{c}}"},
                "variables": {"properties": {"c": {}, "a": {}}}
            }))
            .is_ok()
        );
    }
}

/// Prefect's core `WorkQueue` (what `GET /deployments/{id}/work_queue_check` lists): no status, no pool name.
#[derive(Debug, Serialize)]
pub struct CoreWorkQueue {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub description: String,
    pub is_paused: bool,
    pub concurrency_limit: Option<i32>,
    pub priority: i32,
    pub work_pool_id: String,
    pub filter: Value,
    pub last_polled: Option<String>,
}

impl CoreWorkQueue {
    pub fn new(queue: &StoredQueue) -> Self {
        CoreWorkQueue {
            id: queue.id.to_string(),
            created: queue.created.rfc3339(),
            updated: queue.updated.rfc3339(),
            name: queue.name.clone(),
            description: queue.description.clone(),
            is_paused: queue.is_paused,
            concurrency_limit: queue.concurrency_limit,
            priority: queue.priority,
            work_pool_id: queue.work_pool_id.to_string(),
            filter: json_or_null(&queue.filter),
            last_polled: queue.last_polled.map(|t| t.rfc3339()),
        }
    }
}

/// How many runs per queue `POST /work_pools/{name}/concurrency_status` lists: 0 to 200.
#[derive(Clone, Copy, Debug)]
pub struct FlowRunLimit(pub i64);

impl<'de> Deserialize<'de> for FlowRunLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let LaxInt(value) = LaxInt::deserialize(deserializer)?;
        if value < 0 {
            return Err(constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 0",
            ));
        }
        if value > 200 {
            return Err(constraint(
                "less_than_equal",
                "Input should be less than or equal to 200",
            ));
        }
        Ok(Self(value))
    }
}

/// The body of `POST /work_pools/{name}/concurrency_status` (`flow_run_limit`) and of
/// `POST /work_queues/{id}/concurrency_status` (which has none).
#[derive(Debug, Default, Deserialize)]
pub struct ConcurrencyStatusBody {
    #[serde(default)]
    pub page: Option<super::deployments::PageNumber>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub flow_run_limit: Option<FlowRunLimit>,
}

/// Prefect's `FlowRunSlotSummary`: a run holding a slot, and for how long it has been in its state.
#[derive(Debug, Serialize)]
pub struct FlowRunSlotSummary {
    pub id: String,
    pub name: String,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub start_time: Option<String>,
    pub state_timestamp: Option<String>,
    /// Seconds, as pydantic writes a timedelta.
    pub time_in_current_state: Option<f64>,
}

impl FlowRunSlotSummary {
    pub fn new(run: &crate::store::work_queues::SlotHolder, now: Timestamp) -> Self {
        FlowRunSlotSummary {
            id: run.id.to_string(),
            name: run.name.clone(),
            state_type: run.state_type.clone(),
            state_name: run.state_name.clone(),
            start_time: run.start_time.map(|t| t.rfc3339()),
            state_timestamp: run.state_timestamp.map(|t| t.rfc3339()),
            time_in_current_state: run
                .state_timestamp
                .map(|t| (now.0 - t.0).num_microseconds().unwrap_or(i64::MAX) as f64 / 1e6),
        }
    }
}

/// Prefect's `WorkQueueConcurrencyStatusDetail`.
#[derive(Debug, Serialize)]
pub struct QueueConcurrencyDetail {
    pub queue_id: String,
    pub queue_name: String,
    pub active_slots: i64,
    pub concurrency_limit: Option<i32>,
    pub flow_runs: Vec<FlowRunSlotSummary>,
    pub flow_run_count: i64,
}

/// Prefect's `WorkPoolConcurrencyStatus` (`T` = [`PoolQueues`]: the pool's queues a page at a time) and
/// `WorkQueueConcurrencyStatus` (`T` = [`QueueRuns`]: the queue's slot holders a page at a time).
#[derive(Debug, Serialize)]
pub struct ConcurrencyStatus<T> {
    pub active_slots: i64,
    pub concurrency_limit: Option<i32>,
    #[serde(flatten)]
    pub items: T,
    pub count: i64,
    pub limit: i64,
    pub pages: i64,
    pub page: i64,
}

#[derive(Debug, Serialize)]
pub struct PoolQueues {
    pub queues: Vec<QueueConcurrencyDetail>,
}

#[derive(Debug, Serialize)]
pub struct QueueRuns {
    pub flow_runs: Vec<FlowRunSlotSummary>,
}

/// Pages of `limit` for `count` items (0 pages for a limit of 0).
pub fn pages(count: i64, limit: i64) -> i64 {
    if limit > 0 {
        (count + limit - 1) / limit
    } else {
        0
    }
}
