//! Run history: the body of `POST /flow_runs/history` and `/task_runs/history`, Prefect's `HistoryResponse`,
//! and the body of `POST /flow_runs/lateness`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::FieldError;
use super::fields::DateTime;
use super::flows::FlowCriteria;
use crate::store::filter::Criteria;

/// A pydantic `float`: a number, or a string that reads as one.
#[derive(Clone, Copy, Debug)]
pub struct LaxFloat(pub f64);

impl<'de> Deserialize<'de> for LaxFloat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let msg = "Input should be a valid number, unable to parse string as a number";
                    return Err(FieldError::new("float_parsing", msg, &value).into_serde());
                }
            },
            _ => None,
        };
        number.map(LaxFloat).ok_or_else(|| {
            FieldError::new("float_type", "Input should be a valid number", &value).into_serde()
        })
    }
}

/// The body of the history routes: the window, the interval length, and which runs.
#[derive(Debug, Deserialize)]
pub struct HistoryBody {
    pub history_start: DateTime,
    pub history_end: DateTime,
    pub history_interval_seconds: LaxFloat,
    #[serde(flatten)]
    pub criteria: FlowCriteria,
    #[serde(default)]
    pub work_queues: Option<Value>,
}

impl HistoryBody {
    /// The filters; the task-run history takes no pool or queue filter (Prefect's ignores them).
    pub fn criteria(&self, with_pools: bool) -> Criteria {
        let mut criteria = self.criteria.criteria();
        if with_pools {
            criteria.work_pool_queues = self.work_queues.clone();
        } else {
            criteria.work_pools = None;
        }
        criteria
    }
}

/// Prefect's `HistoryResponse`: one interval and the runs in each state expected to start in it.
#[derive(Debug, Serialize)]
pub struct HistoryInterval {
    pub interval_start: String,
    pub interval_end: String,
    pub states: Vec<HistoryState>,
}

/// Prefect's `HistoryResponseState` (times in seconds).
#[derive(Debug, Serialize)]
pub struct HistoryState {
    pub state_type: Option<String>,
    pub state_name: Option<String>,
    pub count_runs: i64,
    pub sum_estimated_run_time: f64,
    pub sum_estimated_lateness: f64,
}
