//! Flow runs: `FlowRunCreate`, `FlowRunUpdate`, and the filter, count and bulk-delete bodies.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::fields::{FlowRunPolicy, LaxInt, Uuid};
use super::patch;
use super::states::State;
use super::states::StateCreate;
use crate::db::types::{Id, Timestamp};
use crate::store::filter::Criteria;
use crate::store::flow_runs::{FlowRun as StoredFlowRun, estimates, normalise_policy};

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
    /// The pool whose queue (`work_queue_name`, else its default) the run goes to.
    #[serde(default)]
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
    pub sort: Option<crate::store::flow_runs::Sort>,
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

/// Prefect's `FlowRunResponse`, in its field order; the estimates are computed at `now`.
#[derive(Debug, Serialize)]
pub struct FlowRun {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub flow_id: String,
    pub state_id: Option<String>,
    pub deployment_id: Option<String>,
    pub deployment_version: Option<String>,
    pub work_queue_id: Option<String>,
    pub work_queue_name: Option<String>,
    pub flow_version: Option<String>,
    pub parameters: Value,
    pub idempotency_key: Option<String>,
    pub context: Value,
    pub empirical_policy: Value,
    pub tags: Value,
    pub labels: Value,
    pub parent_task_run_id: Option<String>,
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub run_count: i32,
    pub expected_start_time: Option<String>,
    pub next_scheduled_start_time: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub total_run_time: f64,
    pub estimated_run_time: f64,
    pub estimated_start_time_delta: f64,
    pub auto_scheduled: bool,
    pub infrastructure_document_id: Option<String>,
    pub infrastructure_pid: Option<String>,
    pub created_by: Option<Value>,
    /// The pool of the run's queue (null without one); left out altogether (`None`) in a core `FlowRun`, the
    /// run a worker's poll answers with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_pool_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_pool_name: Option<Option<String>>,
    pub state: Option<State>,
    pub job_variables: Option<Value>,
}

fn text(id: Option<Id>) -> Option<String> {
    id.map(|i| i.to_string())
}

fn time(time: Option<Timestamp>) -> Option<String> {
    time.map(|t| t.rfc3339())
}

impl FlowRun {
    pub fn new(run: &StoredFlowRun, now: Timestamp) -> Self {
        Self::build(run, now, false)
    }

    /// Prefect's core `FlowRun`, as a worker's poll answers it: no pool fields, and its state not loaded (null).
    pub fn core(run: &StoredFlowRun, now: Timestamp) -> Self {
        Self::build(run, now, true)
    }

    fn build(run: &StoredFlowRun, now: Timestamp, core: bool) -> Self {
        let (estimated_run_time, estimated_start_time_delta) = estimates(
            run.state_type.as_deref(),
            run.state_timestamp,
            run.total_run_time,
            run.start_time,
            run.expected_start_time,
            now,
        );
        FlowRun {
            id: run.id.to_string(),
            created: run.created.rfc3339(),
            updated: run.updated.rfc3339(),
            name: run.name.clone(),
            flow_id: run.flow_id.to_string(),
            state_id: text(run.state_id),
            deployment_id: text(run.deployment_id),
            deployment_version: run.deployment_version.clone(),
            work_queue_id: text(run.work_queue_id),
            work_queue_name: run.work_queue_name.clone(),
            flow_version: run.flow_version.clone(),
            parameters: run.parameters.0.clone(),
            idempotency_key: run.idempotency_key.clone(),
            context: run.context.0.clone(),
            empirical_policy: normalise_policy(&run.empirical_policy.0),
            tags: run.tags.0.clone(),
            labels: run
                .labels
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), |l| l.0.clone()),
            parent_task_run_id: text(run.parent_task_run_id),
            state_type: run.state_type.clone(),
            state_name: run.state_name.clone(),
            run_count: run.run_count,
            expected_start_time: time(run.expected_start_time),
            next_scheduled_start_time: time(run.next_scheduled_start_time),
            start_time: time(run.start_time),
            end_time: time(run.end_time),
            total_run_time: run.total_run_time,
            estimated_run_time,
            estimated_start_time_delta,
            auto_scheduled: run.auto_scheduled,
            infrastructure_document_id: text(run.infrastructure_document_id),
            infrastructure_pid: run.infrastructure_pid.clone(),
            created_by: run.created_by.as_ref().map(|c| c.0.clone()),
            work_pool_id: (!core).then(|| text(run.work_pool_id)),
            work_pool_name: (!core).then(|| run.work_pool_name.clone()),
            state: if core {
                None
            } else {
                run.state().as_ref().map(State::from)
            },
            job_variables: run.job_variables.as_ref().map(|j| j.0.clone()),
        }
    }
}
