//! Prefect's `State` as JSON: the key order the client and CLI see, `state_details` with every default filled in,
//! and names derived from types.

use serde_json::{Map, Value, json};

use crate::db::types::{Id, Timestamp};

pub const TYPES: &[&str] = &[
    "SCHEDULED",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "CRASHED",
    "PAUSED",
    "CANCELLING",
];

pub fn is_terminal(state_type: &str) -> bool {
    matches!(state_type, "COMPLETED" | "FAILED" | "CANCELLED" | "CRASHED")
}

/// `CANCELLING` → `Cancelling`: the name a state gets when none is given.
pub fn default_name(state_type: &str) -> String {
    state_type
        .split('_')
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every `StateDetails` field in Prefect's order with its default.
const DETAIL_DEFAULTS: &[(&str, Value)] = &[
    ("flow_run_id", Value::Null),
    ("task_run_id", Value::Null),
    ("child_flow_run_id", Value::Null),
    ("scheduled_time", Value::Null),
    ("cache_key", Value::Null),
    ("cache_expiration", Value::Null),
    ("deferred", Value::Bool(false)),
    ("untrackable_result", Value::Bool(false)),
    ("pause_timeout", Value::Null),
    ("pause_reschedule", Value::Bool(false)),
    ("pause_key", Value::Null),
    ("run_input_keyset", Value::Null),
    ("refresh_cache", Value::Null),
    ("retriable", Value::Null),
    ("transition_id", Value::Null),
    ("task_parameters_id", Value::Null),
    ("traceparent", Value::Null),
    ("deployment_concurrency_lease_id", Value::Null),
];

/// `details` with every known field present, in order; fields Prefect may add later are kept at the end.
pub fn full_details(details: &Value) -> Value {
    let given = details.as_object().cloned().unwrap_or_default();
    let mut out = Map::new();
    for (key, default) in DETAIL_DEFAULTS {
        out.insert(
            (*key).to_owned(),
            given.get(*key).cloned().unwrap_or_else(|| default.clone()),
        );
    }
    for (key, value) in given {
        out.entry(key).or_insert(value);
    }
    Value::Object(out)
}

/// A stored state, ready to be shown.
#[derive(Clone, Debug)]
pub struct State {
    pub id: Id,
    pub state_type: String,
    pub name: String,
    pub timestamp: Timestamp,
    pub message: Option<String>,
    pub data: Option<Value>,
    pub details: Value,
}

impl State {
    /// The current state of a run, from its denormalised columns and its state row (`None` without a state).
    #[allow(clippy::too_many_arguments)]
    pub fn of_run(
        id: Option<Id>,
        state_type: Option<&String>,
        name: Option<&String>,
        timestamp: Option<Timestamp>,
        message: Option<&String>,
        data: Option<&sqlx::types::Json<Value>>,
        details: Option<&sqlx::types::Json<Value>>,
    ) -> Option<State> {
        Some(State {
            id: id?,
            state_type: state_type?.clone(),
            name: name?.clone(),
            timestamp: timestamp?,
            message: message.cloned(),
            data: data.map(|d| d.0.clone()).filter(|d| !d.is_null()),
            details: details.map_or_else(|| json!({}), |d| d.0.clone()),
        })
    }
}

/// A row of `flow_run_state` or `task_run_state`, as the run-state reads select it.
#[derive(sqlx::FromRow)]
pub struct StateRow {
    pub id: Id,
    #[sqlx(rename = "type")]
    pub state_type: String,
    pub name: String,
    pub timestamp: Timestamp,
    pub message: Option<String>,
    pub data: Option<sqlx::types::Json<Value>>,
    pub state_details: Option<sqlx::types::Json<Value>>,
}

/// The columns of a `StateRow`, from either state table.
pub const STATE_COLUMNS: &str = "id, type, name, timestamp, message, data, state_details";

impl From<StateRow> for State {
    fn from(row: StateRow) -> Self {
        State {
            id: row.id,
            state_type: row.state_type,
            name: row.name,
            timestamp: row.timestamp,
            message: row.message,
            data: row.data.map(|d| d.0).filter(|d| !d.is_null()),
            details: row.state_details.map_or_else(|| json!({}), |d| d.0),
        }
    }
}

/// What a client proposes (`StateCreate`), checked.
#[derive(Clone, Debug)]
pub struct Proposed {
    pub state_type: String,
    pub name: String,
    pub message: Option<String>,
    pub data: Option<Value>,
    pub details: Value,
}

impl Proposed {
    /// A proposal of a known `state_type`: without a name it gets the type's, and a SCHEDULED state without a
    /// time is scheduled for now.
    pub fn from_parts(
        state_type: String,
        name: Option<String>,
        message: Option<String>,
        data: Option<Value>,
        details: Map<String, Value>,
    ) -> Proposed {
        let name = name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_name(&state_type));
        let mut details = Value::Object(details);
        if state_type == "SCHEDULED" && details.get("scheduled_time").is_none_or(Value::is_null) {
            details["scheduled_time"] = json!(Timestamp::now().rfc3339());
        }
        Proposed {
            state_type,
            name,
            message,
            data: data.filter(|d| !d.is_null()),
            details,
        }
    }

    pub fn new(state_type: &str, name: &str) -> Proposed {
        Proposed {
            state_type: state_type.to_owned(),
            name: name.to_owned(),
            message: None,
            data: None,
            details: json!({}),
        }
    }

    pub fn detail(&self, key: &str) -> Option<&Value> {
        self.details.get(key).filter(|v| !v.is_null())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_details_follow_prefect() {
        assert_eq!(default_name("CANCELLING"), "Cancelling");
        assert_eq!(default_name("RUNNING"), "Running");
        let details = full_details(&json!({"flow_run_id": "x", "new_field": 1}));
        let keys: Vec<&String> = details.as_object().unwrap().keys().collect();
        assert_eq!(keys.first().unwrap().as_str(), "flow_run_id");
        assert_eq!(keys.last().unwrap().as_str(), "new_field");
        assert_eq!(details["deferred"], json!(false));
        let proposed = Proposed::from_parts("SCHEDULED".into(), None, None, None, Map::new());
        assert_eq!(proposed.name, "Scheduled");
        assert!(proposed.detail("scheduled_time").is_some());
    }
}
