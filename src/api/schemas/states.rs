//! `StateCreate` (a state a client proposes), the `set_state` body, and `OrchestrationResult`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::FieldError;
use super::fields::{LaxBool, datetime};
use crate::store::states::{Proposed, State as StoredState, TYPES, full_details};

/// Prefect's `StateCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateCreate {
    #[serde(rename = "type")]
    pub state_type: StateType,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub state_details: Option<StateDetails>,
}

impl StateCreate {
    pub fn into_proposed(self) -> Proposed {
        Proposed::from_parts(
            self.state_type.0,
            self.name,
            self.message,
            self.data,
            self.state_details.map(|d| d.0).unwrap_or_default(),
        )
    }
}

/// One of Prefect's `StateType` values.
#[derive(Debug)]
pub struct StateType(pub String);

impl<'de> Deserialize<'de> for StateType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value.as_str().filter(|t| TYPES.contains(t)) {
            Some(known) => Ok(StateType(known.to_owned())),
            None => {
                let quoted: Vec<String> = TYPES.iter().map(|t| format!("'{t}'")).collect();
                let (last, rest) = quoted.split_last().unwrap_or((&quoted[0], &[]));
                let msg = format!("Input should be {} or {last}", rest.join(", "));
                Err(FieldError::new("enum", msg, &value).into_serde())
            }
        }
    }
}

/// `StateDetails`: kept as the client sent it (later Prefect versions add fields), with the times Prefect reads
/// checked.
#[derive(Debug, Default)]
pub struct StateDetails(pub Map<String, Value>);

const DETAIL_TIMES: [&str; 3] = ["scheduled_time", "cache_expiration", "pause_timeout"];

impl<'de> Deserialize<'de> for StateDetails {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let details = match value {
            Value::Object(details) => details,
            other => {
                let msg = "Input should be a valid dictionary or object to extract fields from";
                return Err(FieldError::new("model_attributes_type", msg, &other).into_serde());
            }
        };
        for field in DETAIL_TIMES {
            if let Some(time) = details.get(field).filter(|v| !v.is_null()) {
                datetime(time).map_err(|e| e.under(field).into_serde())?;
            }
        }
        Ok(StateDetails(details))
    }
}

/// The body of `POST /flow_runs/{id}/set_state` and `/task_runs/{id}/set_state`.
#[derive(Debug, Deserialize)]
pub struct SetState {
    pub state: StateCreate,
    #[serde(default)]
    pub force: Option<LaxBool>,
}

impl SetState {
    pub fn force(&self) -> bool {
        self.force.is_some_and(|f| f.0)
    }
}

/// Prefect's `State`, with every `state_details` field.
#[derive(Debug, Serialize, PartialEq)]
pub struct State {
    pub id: String,
    #[serde(rename = "type")]
    pub state_type: String,
    pub name: String,
    pub timestamp: String,
    pub message: Option<String>,
    pub data: Option<Value>,
    pub state_details: Value,
}

impl From<&StoredState> for State {
    fn from(state: &StoredState) -> Self {
        State {
            id: state.id.to_string(),
            state_type: state.state_type.clone(),
            name: state.name.clone(),
            timestamp: state.timestamp.rfc3339(),
            message: state.message.clone(),
            data: state.data.clone(),
            state_details: full_details(&state.details),
        }
    }
}

/// Prefect's `OrchestrationResult`.
#[derive(Debug, Serialize)]
pub struct OrchestrationResult {
    pub state: Option<State>,
    pub status: &'static str,
    pub details: Value,
}
