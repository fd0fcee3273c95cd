//! Flows: `FlowCreate`, `FlowUpdate`, the filter, count and bulk-delete bodies, and the `Flow` response.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::FieldError;
use super::fields::LaxInt;
use crate::store::filter::Criteria;
use crate::store::flows::Flow as StoredFlow;

/// Prefect's `FlowCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowCreate {
    pub name: FlowName,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub labels: Option<Map<String, Value>>,
}

/// Prefect's `FlowUpdate`: only the tags change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowUpdate {
    #[serde(default)]
    pub tags: Option<Vec<String>>,
}

/// A flow name: Prefect's pattern `^[^/%&><]+$` (not empty, none of the characters that break its routes).
#[derive(Debug)]
pub struct FlowName(pub String);

impl<'de> Deserialize<'de> for FlowName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if name.is_empty() || name.contains(['/', '%', '&', '>', '<']) {
            let msg = "String should match pattern '^[^/%&><]+$'";
            let error = FieldError::new("string_pattern_mismatch", msg, &Value::String(name));
            return Err(error.into_serde());
        }
        Ok(FlowName(name))
    }
}

/// The body of `POST /flows/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct FlowFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<crate::store::flows::Sort>,
    #[serde(flatten)]
    pub criteria: FlowCriteria,
}

/// The body of `POST /flows/count`, and the filters of `/flows/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct FlowCriteria {
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
}

impl FlowCriteria {
    pub fn criteria(&self) -> Criteria {
        Criteria {
            flows: self.flows.clone(),
            flow_runs: self.flow_runs.clone(),
            task_runs: self.task_runs.clone(),
            deployments: self.deployments.clone(),
            work_pools: self.work_pools.clone(),
            ..Criteria::default()
        }
    }
}

/// Prefect's `Flow`.
#[derive(Debug, Serialize)]
pub struct Flow {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub tags: Value,
    pub labels: Value,
}

impl From<&StoredFlow> for Flow {
    fn from(flow: &StoredFlow) -> Self {
        Flow {
            id: flow.id.to_string(),
            created: flow.created.rfc3339(),
            updated: flow.updated.rfc3339(),
            name: flow.name.clone(),
            tags: flow.tags.0.clone(),
            labels: flow
                .labels
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), |l| l.0.clone()),
        }
    }
}

/// Prefect's `prefect.flow.created` / `updated` / `deleted` lifecycle event: the flow as resource, its name, tags
/// and labels as payload.
#[derive(Debug, Serialize)]
pub struct FlowEvent {
    pub occurred: String,
    pub event: String,
    pub resource: FlowResource,
    pub related: Vec<Value>,
    pub payload: FlowEventPayload,
    pub id: String,
}

#[derive(Debug, Serialize)]
pub struct FlowResource {
    #[serde(rename = "prefect.resource.id")]
    pub id: String,
    #[serde(rename = "prefect.resource.name")]
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct FlowEventPayload {
    pub name: String,
    pub tags: Value,
    pub labels: Value,
}

impl FlowEvent {
    /// `action` is `created`, `updated` or `deleted`.
    pub fn new(action: &str, flow: &StoredFlow) -> Self {
        let shown = Flow::from(flow);
        FlowEvent {
            occurred: crate::db::types::Timestamp::now().rfc3339(),
            event: format!("prefect.flow.{action}"),
            resource: FlowResource {
                id: format!("prefect.flow.{}", shown.id),
                name: shown.name.clone(),
            },
            related: Vec::new(),
            payload: FlowEventPayload {
                name: shown.name,
                tags: shown.tags,
                labels: shown.labels,
            },
            id: crate::store::new_v7().to_string(),
        }
    }
}
