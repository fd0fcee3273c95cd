//! Bodies of `/task_workers/…`. Prefect's `TaskWorkerFilter` is a plain pydantic model: extra fields are ignored.

use serde::Deserialize;

/// `POST /task_workers/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct ReadTaskWorkers {
    #[serde(default)]
    pub task_worker_filter: Option<TaskWorkerFilter>,
}

#[derive(Debug, Deserialize)]
pub struct TaskWorkerFilter {
    pub task_keys: Vec<String>,
}
