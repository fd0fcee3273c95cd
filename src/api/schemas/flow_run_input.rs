//! Bodies of `/flow_runs/{id}/input…` and `/flow_runs/{id}/resume`. Prefect declares their fields as separate body
//! parameters, not an action model, so extra fields are ignored as FastAPI ignores them.

use serde::Deserialize;
use serde_json::{Map, Value};

/// `POST /flow_runs/{id}/input`.
#[derive(Debug, Deserialize)]
pub struct FlowRunInputCreate {
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub sender: Option<String>,
}

/// `POST /flow_runs/{id}/input/filter`.
#[derive(Debug, Deserialize)]
pub struct FlowRunInputFilter {
    pub prefix: String,
    #[serde(default = "one")]
    pub limit: i64,
    #[serde(default)]
    pub exclude_keys: Vec<String>,
}

fn one() -> i64 {
    1
}

/// `POST /flow_runs/{id}/resume`.
#[derive(Debug, Default, Deserialize)]
pub struct ResumeFlowRun {
    #[serde(default)]
    pub run_input: Option<Map<String, Value>>,
}
