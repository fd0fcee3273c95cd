//! The bodies and answers of Prefect's `/ui/*` routes (`api/ui/flows.py`, `flow_runs.py`, `task_runs.py`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{LaxInt, Uuid};
use super::flows::FlowCriteria;
use super::task_runs::TaskRun;

/// `{"flow_ids": [...]}` of `/ui/flows/count-deployments` and `/ui/flows/next-runs`.
#[derive(Debug, Deserialize)]
pub struct FlowIds {
    pub flow_ids: Vec<Uuid>,
}

/// `{"flow_run_ids": [...]}` of `/ui/flow_runs/count-task-runs`.
#[derive(Debug, Deserialize)]
pub struct FlowRunIds {
    pub flow_run_ids: Vec<Uuid>,
}

/// Prefect's `SimpleNextFlowRun`.
#[derive(Debug, Serialize)]
pub struct SimpleNextFlowRun {
    pub id: String,
    pub flow_id: String,
    pub name: String,
    pub state_name: String,
    pub state_type: String,
    pub next_scheduled_start_time: String,
}

/// The body of `POST /ui/flow_runs/history`: at most 1000 runs, latest expected start first by default.
#[derive(Debug, Default, Deserialize)]
pub struct FlowRunHistoryBody {
    #[serde(default)]
    pub sort: Option<crate::store::flow_runs::Sort>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(flatten)]
    pub criteria: FlowCriteria,
}

/// Prefect's `SimpleFlowRun`: a run as a dot on the runs chart (durations in seconds).
#[derive(Debug, Serialize)]
pub struct SimpleFlowRun {
    pub id: String,
    pub state_type: Option<String>,
    pub timestamp: Option<String>,
    pub duration: f64,
    pub lateness: f64,
}

/// The body of `POST /ui/task_runs/dashboard/counts`: `task_runs` (with `start_time.after_`) is required.
#[derive(Debug, Deserialize)]
pub struct DashboardCountsBody {
    #[serde(flatten)]
    pub criteria: FlowCriteria,
    #[serde(default)]
    pub work_queues: Option<Value>,
}

/// Prefect's `TaskRunCount`: one bucket of the dashboard's task-run chart.
#[derive(Debug, Serialize)]
pub struct TaskRunCount {
    pub completed: i64,
    pub failed: i64,
}

/// Prefect's `UITaskRun`: a task run with its flow run's name.
#[derive(Debug, Serialize)]
pub struct UiTaskRun {
    #[serde(flatten)]
    pub run: TaskRun,
    pub flow_run_name: Option<String>,
}
