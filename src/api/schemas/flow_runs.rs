//! Flow runs: `FlowRunCreate`, `FlowRunUpdate`, and the filter, count and bulk-delete bodies.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::fields::{FlowRunPolicy, LaxInt, Uuid};
use super::patch;
use super::states::StateCreate;
use crate::store::filter::Criteria;

/// Prefect's `FlowRunCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowRunCreate {
    pub flow_id: Uuid,
    #[serde(default)]
    pub state: Option<StateCreate>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub flow_version: Option<String>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub context: Option<Map<String, Value>>,
    #[serde(default)]
    pub parent_task_run_id: Option<Uuid>,
    #[serde(default)]
    pub infrastructure_document_id: Option<Uuid>,
    #[serde(default)]
    pub empirical_policy: Option<FlowRunPolicy>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub labels: Option<Map<String, Value>>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Accepted as Prefect accepts it; unused until prefect-rs has work pools.
    #[serde(default)]
    #[allow(dead_code)]
    pub work_pool_name: Option<String>,
    #[serde(default)]
    pub work_queue_name: Option<String>,
    #[serde(default)]
    pub job_variables: Option<Map<String, Value>>,
    #[serde(default)]
    pub deployment_id: Option<Uuid>,
}

/// Prefect's `FlowRunUpdate`: only the fields sent change; the text fields may be set to null.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowRunUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub flow_version: Option<Option<String>>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub empirical_policy: Option<FlowRunPolicy>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub infrastructure_pid: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub job_variables: Option<Option<Map<String, Value>>>,
}

/// The body of `POST /flow_runs/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct FlowRunFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(flatten)]
    pub criteria: FlowRunCriteria,
}

/// The body of `POST /flow_runs/count`, and the filters of `/flow_runs/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct FlowRunCriteria {
    #[serde(default)]
    pub flows: Option<Value>,
    #[serde(default)]
    pub flow_runs: Option<Value>,
    #[serde(default)]
    pub task_runs: Option<Value>,
    #[serde(default)]
    pub deployments: Option<Value>,
    #[serde(default)]
    pub work_pools: Option<Value>,
    #[serde(default)]
    pub work_pool_queues: Option<Value>,
}

impl FlowRunCriteria {
    pub fn criteria(&self) -> Criteria {
        Criteria {
            flows: self.flows.clone(),
            flow_runs: self.flow_runs.clone(),
            task_runs: self.task_runs.clone(),
            deployments: self.deployments.clone(),
            work_pools: self.work_pools.clone(),
            work_pool_queues: self.work_pool_queues.clone(),
            ..Criteria::default()
        }
    }
}

/// The body of `POST /flow_runs/bulk_delete` (and `/flows/bulk_delete`, with `flows`): which runs, at most
/// `limit` (1 to 50, default 50).
#[derive(Debug, Deserialize)]
pub struct BulkDeleteBody {
    #[serde(default)]
    pub flow_runs: Option<Value>,
    #[serde(default)]
    pub flows: Option<Value>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

/// Prefect's `FlowRunBulkDeleteResponse` / `FlowBulkDeleteResponse`.
#[derive(Debug, serde::Serialize)]
pub struct BulkDeleteResponse {
    pub deleted: Vec<String>,
}
