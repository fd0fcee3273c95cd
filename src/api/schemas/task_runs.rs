//! Task runs: `TaskRunCreate` and the filter and count bodies.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{DateTime, LaxInt, TaskRunPolicy, Uuid};
use super::states::State;
use super::states::StateCreate;
use crate::db::types::Timestamp;
use crate::store::filter::Criteria;
use crate::store::task_runs::{TaskRun as StoredTaskRun, normalise_policy};

/// Prefect's `TaskRunCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRunCreate {
    #[serde(default)]
    pub id: Option<Uuid>,
    #[serde(default)]
    pub state: Option<StateCreate>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub flow_run_id: Option<Uuid>,
    pub task_key: String,
    pub dynamic_key: String,
    #[serde(default)]
    pub cache_key: Option<String>,
    #[serde(default)]
    pub cache_expiration: Option<DateTime>,
    #[serde(default)]
    pub task_version: Option<String>,
    #[serde(default)]
    pub empirical_policy: Option<TaskRunPolicy>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub labels: Option<Map<String, Value>>,
    #[serde(default)]
    pub task_inputs: Option<Map<String, Value>>,
}

/// Prefect's `TaskRunUpdate`: only the name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRunUpdate {
    #[serde(default, deserialize_with = "super::patch")]
    pub name: Option<Option<String>>,
}

/// The body of `POST /task_runs/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct TaskRunFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<crate::store::task_runs::Sort>,
    #[serde(flatten)]
    pub criteria: TaskRunCriteria,
}

/// The body of `POST /task_runs/count`, and the filters of `/task_runs/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct TaskRunCriteria {
    #[serde(default)]
    pub flows: Option<Value>,
    #[serde(default)]
    pub flow_runs: Option<Value>,
    #[serde(default)]
    pub task_runs: Option<Value>,
    #[serde(default)]
    pub deployments: Option<Value>,
}

impl TaskRunCriteria {
    pub fn criteria(&self) -> Criteria {
        Criteria {
            flows: self.flows.clone(),
            flow_runs: self.flow_runs.clone(),
            task_runs: self.task_runs.clone(),
            deployments: self.deployments.clone(),
            ..Criteria::default()
        }
    }
}

/// Prefect's `TaskRun`, in its field order; the estimates are computed at `now`.
#[derive(Debug, Serialize)]
pub struct TaskRun {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub flow_run_id: Option<String>,
    pub task_key: String,
    pub dynamic_key: String,
    pub cache_key: Option<String>,
    pub cache_expiration: Option<String>,
    pub task_version: Option<String>,
    pub empirical_policy: Value,
    pub tags: Value,
    pub labels: Value,
    pub state_id: Option<String>,
    pub task_inputs: Value,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub run_count: i32,
    pub flow_run_run_count: i32,
    pub expected_start_time: Option<String>,
    pub next_scheduled_start_time: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub total_run_time: f64,
    pub estimated_run_time: f64,
    pub estimated_start_time_delta: f64,
    pub state: Option<State>,
}

impl TaskRun {
    pub fn new(run: &StoredTaskRun, now: Timestamp) -> Self {
        let time = |t: Option<Timestamp>| t.map(|t| t.rfc3339());
        let (estimated_run_time, estimated_start_time_delta) = run.estimates_at(now);
        TaskRun {
            id: run.id.to_string(),
            created: run.created.rfc3339(),
            updated: run.updated.rfc3339(),
            name: run.name.clone(),
            flow_run_id: run.flow_run_id.map(|i| i.to_string()),
            task_key: run.task_key.clone(),
            dynamic_key: run.dynamic_key.clone(),
            cache_key: run.cache_key.clone(),
            cache_expiration: time(run.cache_expiration),
            task_version: run.task_version.clone(),
            empirical_policy: normalise_policy(&run.empirical_policy.0),
            tags: run.tags.0.clone(),
            labels: run
                .labels
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), |l| l.0.clone()),
            state_id: run.state_id.map(|i| i.to_string()),
            task_inputs: run.task_inputs.0.clone(),
            state_type: run.state_type.clone(),
            state_name: run.state_name.clone(),
            run_count: run.run_count,
            flow_run_run_count: run.flow_run_run_count,
            expected_start_time: time(run.expected_start_time),
            next_scheduled_start_time: time(run.next_scheduled_start_time),
            start_time: time(run.start_time),
            end_time: time(run.end_time),
            total_run_time: run.total_run_time,
            estimated_run_time,
            estimated_start_time_delta,
            state: run.state().as_ref().map(State::from),
        }
    }
}
