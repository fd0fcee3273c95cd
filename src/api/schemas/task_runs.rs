//! Task runs: `TaskRunCreate` and the filter and count bodies.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::fields::{DateTime, LaxInt, TaskRunPolicy, Uuid};
use super::states::StateCreate;
use crate::store::filter::Criteria;

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

/// The body of `POST /task_runs/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct TaskRunFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<String>,
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
