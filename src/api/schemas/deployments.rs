//! Deployments: `DeploymentCreate`, `DeploymentUpdate`, `DeploymentScheduleCreate` / `Update`,
//! `DeploymentFlowRunCreate`, the filter, count, paginate and `get_scheduled_flow_runs` bodies, and the
//! `DeploymentResponse` / `DeploymentSchedule` responses, in Prefect's field order.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::concurrency_limits_v2::GlobalConcurrencyLimitResponse;
use super::constraints::PositiveInt;
use super::fields::{DateTime, FlowRunPolicy, LaxBool, LaxFloat, LaxInt, Uuid};
use super::flow_runs::FlowRunCriteria;
use super::patch;
use super::states::StateCreate;
use crate::db::types::Timestamp;
use crate::store::deployment_schedules::Schedule as StoredSchedule;
use crate::store::deployments::{Deployment as StoredDeployment, Full};

/// Prefect's `PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS` default: the most `max_scheduled_runs` may be.
pub const MAX_SCHEDULED_RUNS: i64 = 50;

pub use super::schedules::Schedule;

/// A schedule as stored and answered: what Prefect's action models make of the one sent (an rrule gets its
/// `DTSTART`), in Prefect's response form.
pub fn stored_schedule(schedule: Schedule) -> Value {
    schedule.normalized(chrono::Utc::now()).to_value()
}

/// `max_scheduled_runs`: a positive integer, at most `MAX_SCHEDULED_RUNS`.
#[derive(Clone, Copy, Debug)]
pub struct MaxScheduledRuns(pub i64);

impl<'de> Deserialize<'de> for MaxScheduledRuns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let PositiveInt(value) = PositiveInt::deserialize(deserializer)?;
        if value > MAX_SCHEDULED_RUNS {
            return Err(super::constraint(
                "value_error",
                format!(
                    "Value error, `max_scheduled_runs` must be less than or equal to {MAX_SCHEDULED_RUNS}."
                ),
            ));
        }
        Ok(Self(value))
    }
}

/// Prefect's `DeploymentScheduleCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentScheduleCreate {
    #[serde(default)]
    pub active: Option<LaxBool>,
    pub schedule: Schedule,
    #[serde(default)]
    pub max_scheduled_runs: Option<MaxScheduledRuns>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub slug: Option<String>,
    /// A deploy-time directive (renaming a slug); not stored.
    #[serde(default)]
    #[allow(dead_code)]
    pub replaces: Option<String>,
}

/// Prefect's `DeploymentScheduleUpdate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentScheduleUpdate {
    #[serde(default)]
    pub active: Option<LaxBool>,
    #[serde(default)]
    pub schedule: Option<Schedule>,
    #[serde(default)]
    pub max_scheduled_runs: Option<MaxScheduledRuns>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub replaces: Option<String>,
}

/// Prefect's `ConcurrencyOptions`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyOptions {
    pub collision_strategy: CollisionStrategy,
    #[serde(default)]
    pub grace_period_seconds: Option<GracePeriod>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
pub enum CollisionStrategy {
    #[serde(rename = "ENQUEUE")]
    Enqueue,
    #[serde(rename = "CANCEL_NEW")]
    CancelNew,
}

/// `grace_period_seconds`: 60 to 86400.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct GracePeriod(pub i64);

impl<'de> Deserialize<'de> for GracePeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if value < 60 {
            return Err(super::constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 60",
            ));
        }
        if value > 86_400 {
            return Err(super::constraint(
                "less_than_equal",
                "Input should be less than or equal to 86400",
            ));
        }
        Ok(Self(value))
    }
}

/// Prefect's `DeploymentCreate`. Each field is `None` when the client left it out, so an upsert changes only the
/// fields sent (Prefect's `exclude_unset`); the older clients' pool fields are accepted and dropped, as
/// Prefect's `remove_old_deployment_fields` does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentCreate {
    pub name: String,
    pub flow_id: Uuid,
    #[serde(default)]
    pub paused: Option<LaxBool>,
    #[serde(default)]
    pub schedules: Option<Vec<DeploymentScheduleCreate>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_limit: Option<Option<PositiveInt>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_options: Option<Option<ConcurrencyOptions>>,
    #[serde(default, deserialize_with = "patch")]
    pub global_concurrency_limit_id: Option<Option<Uuid>>,
    #[serde(default)]
    pub enforce_parameter_schema: Option<LaxBool>,
    #[serde(default, deserialize_with = "patch")]
    pub parameter_openapi_schema: Option<Option<Map<String, Value>>>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub labels: Option<Option<Map<String, Value>>>,
    #[serde(default, deserialize_with = "patch")]
    pub pull_steps: Option<Option<Vec<Map<String, Value>>>>,
    #[serde(default, deserialize_with = "patch")]
    pub work_queue_name: Option<Option<String>>,
    #[serde(default)]
    pub work_pool_name: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    pub storage_document_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch")]
    pub infrastructure_document_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub path: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub version: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub entrypoint: Option<Option<String>>,
    #[serde(default)]
    pub job_variables: Option<Map<String, Value>>,
    #[serde(default)]
    #[allow(dead_code)]
    pub version_info: Option<Value>,
    #[serde(default, rename = "worker_pool_queue_id")]
    #[allow(dead_code)]
    pub old_worker_pool_queue_id: Option<Value>,
    #[serde(default, rename = "worker_pool_name")]
    #[allow(dead_code)]
    pub old_worker_pool_name: Option<Value>,
    #[serde(default, rename = "worker_pool_queue_name")]
    #[allow(dead_code)]
    pub old_worker_pool_queue_name: Option<Value>,
    #[serde(default, rename = "work_pool_queue_name")]
    #[allow(dead_code)]
    pub old_work_pool_queue_name: Option<Value>,
}

/// Prefect's `DeploymentUpdate`: only the fields sent change.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub version: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub paused: Option<LaxBool>,
    #[serde(default)]
    pub schedules: Option<Vec<DeploymentScheduleUpdate>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_limit: Option<Option<PositiveInt>>,
    #[serde(default, deserialize_with = "patch")]
    pub concurrency_options: Option<Option<ConcurrencyOptions>>,
    #[serde(default, deserialize_with = "patch")]
    pub global_concurrency_limit_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch")]
    pub parameters: Option<Option<Map<String, Value>>>,
    #[serde(default, deserialize_with = "patch")]
    pub parameter_openapi_schema: Option<Option<Map<String, Value>>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub work_queue_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub work_pool_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub path: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub job_variables: Option<Option<Map<String, Value>>>,
    #[serde(default, deserialize_with = "patch")]
    pub pull_steps: Option<Option<Vec<Map<String, Value>>>>,
    #[serde(default, deserialize_with = "patch")]
    pub entrypoint: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub storage_document_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch")]
    pub infrastructure_document_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "patch")]
    pub enforce_parameter_schema: Option<Option<LaxBool>>,
    #[serde(default)]
    #[allow(dead_code)]
    pub version_info: Option<Value>,
    #[serde(default, rename = "worker_pool_queue_id")]
    #[allow(dead_code)]
    pub old_worker_pool_queue_id: Option<Value>,
    #[serde(default, rename = "worker_pool_name")]
    #[allow(dead_code)]
    pub old_worker_pool_name: Option<Value>,
    #[serde(default, rename = "worker_pool_queue_name")]
    #[allow(dead_code)]
    pub old_worker_pool_queue_name: Option<Value>,
    #[serde(default, rename = "work_pool_queue_name")]
    #[allow(dead_code)]
    pub old_work_pool_queue_name: Option<Value>,
}

/// Prefect's `DeploymentFlowRunCreate`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFlowRunCreate {
    #[serde(default)]
    pub state: Option<StateCreate>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub enforce_parameter_schema: Option<LaxBool>,
    #[serde(default)]
    pub context: Option<Map<String, Value>>,
    #[serde(default)]
    pub infrastructure_document_id: Option<Uuid>,
    #[serde(default)]
    pub empirical_policy: Option<FlowRunPolicy>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub labels: Option<Map<String, Value>>,
    #[serde(default)]
    pub parent_task_run_id: Option<Uuid>,
    #[serde(default)]
    pub work_queue_name: Option<String>,
    #[serde(default)]
    pub job_variables: Option<Map<String, Value>>,
}

/// The body of `POST /deployments/filter` (and `count`, which ignores the paging).
#[derive(Debug, Default, Deserialize)]
pub struct DeploymentFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<crate::store::deployments::Sort>,
    #[serde(flatten)]
    pub criteria: FlowRunCriteria,
}

/// A page number: an integer from 1.
#[derive(Clone, Copy, Debug)]
pub struct PageNumber(pub i64);

impl<'de> Deserialize<'de> for PageNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let LaxInt(value) = LaxInt::deserialize(deserializer)?;
        if value < 1 {
            return Err(super::constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 1",
            ));
        }
        Ok(Self(value))
    }
}

/// The body of `POST /deployments/paginate`.
#[derive(Debug, Default, Deserialize)]
pub struct DeploymentPaginateBody {
    #[serde(default)]
    pub page: Option<PageNumber>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<crate::store::deployments::Sort>,
    #[serde(flatten)]
    pub criteria: FlowRunCriteria,
}

/// The body of `POST /deployments/bulk_delete`.
#[derive(Debug, Default, Deserialize)]
pub struct DeploymentBulkDeleteBody {
    #[serde(default)]
    pub deployments: Option<Value>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

/// The body of `POST /deployments/{id}/schedule`; what is left out comes from the scheduler's settings.
#[derive(Debug, Default, Deserialize)]
pub struct ScheduleRunsBody {
    #[serde(default)]
    pub start_time: Option<DateTime>,
    #[serde(default)]
    pub end_time: Option<DateTime>,
    /// Seconds (Prefect takes a float here, for want of a timedelta in FastAPI bodies).
    #[serde(default)]
    pub min_time: Option<LaxFloat>,
    #[serde(default)]
    pub min_runs: Option<LaxInt>,
    #[serde(default)]
    pub max_runs: Option<LaxInt>,
}

/// The body of `POST /deployments/get_scheduled_flow_runs`.
#[derive(Debug, Deserialize)]
pub struct ScheduledRunsBody {
    pub deployment_ids: Vec<Uuid>,
    #[serde(default)]
    pub scheduled_before: Option<DateTime>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

/// Prefect's `DeploymentSchedule`.
#[derive(Debug, Serialize)]
pub struct DeploymentSchedule {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub deployment_id: String,
    pub schedule: Value,
    pub active: bool,
    pub max_scheduled_runs: Option<i32>,
    pub parameters: Value,
    pub slug: Option<String>,
}

impl From<&StoredSchedule> for DeploymentSchedule {
    fn from(row: &StoredSchedule) -> Self {
        Self {
            id: row.id.to_string(),
            created: row.created.rfc3339(),
            updated: row.updated.rfc3339(),
            deployment_id: row.deployment_id.to_string(),
            schedule: row.schedule.0.clone(),
            active: row.active,
            max_scheduled_runs: row.max_scheduled_runs,
            parameters: row.parameters.0.clone(),
            slug: row.slug.clone(),
        }
    }
}

/// Prefect's `DeploymentResponse`.
#[derive(Debug, Serialize)]
pub struct Deployment {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub flow_id: String,
    pub paused: bool,
    pub schedules: Vec<DeploymentSchedule>,
    /// Always null (deprecated in Prefect: the limit is `global_concurrency_limit`).
    pub concurrency_limit: Option<i64>,
    pub global_concurrency_limit: Option<GlobalConcurrencyLimitResponse>,
    pub concurrency_options: Option<Value>,
    pub job_variables: Value,
    pub parameters: Value,
    pub tags: Value,
    pub labels: Value,
    pub work_queue_name: Option<String>,
    pub work_queue_id: Option<String>,
    pub last_polled: Option<String>,
    pub parameter_openapi_schema: Option<Value>,
    pub path: Option<String>,
    pub pull_steps: Option<Value>,
    pub entrypoint: Option<String>,
    pub storage_document_id: Option<String>,
    pub infrastructure_document_id: Option<String>,
    pub created_by: Option<Value>,
    pub updated_by: Option<Value>,
    pub work_pool_name: Option<String>,
    pub status: String,
    pub enforce_parameter_schema: bool,
}

impl Deployment {
    pub fn new(full: &Full, now: Timestamp) -> Self {
        let d: &StoredDeployment = &full.deployment;
        let text = |id: Option<crate::db::types::Id>| id.map(|i| i.to_string());
        Self {
            id: d.id.to_string(),
            created: d.created.rfc3339(),
            updated: d.updated.rfc3339(),
            name: d.name.clone(),
            version: d.version.clone(),
            description: d.description.clone(),
            flow_id: d.flow_id.to_string(),
            paused: d.paused,
            schedules: full
                .schedules
                .iter()
                .map(DeploymentSchedule::from)
                .collect(),
            concurrency_limit: None,
            global_concurrency_limit: d
                .concurrency_limit()
                .map(|l| GlobalConcurrencyLimitResponse::at(&l, now)),
            concurrency_options: d.concurrency_options.as_ref().map(|o| o.0.clone()),
            job_variables: d.infra_overrides.0.clone(),
            parameters: d.parameters.0.clone(),
            tags: d.tags.0.clone(),
            labels: d
                .labels
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), |l| l.0.clone()),
            // The queue's own name when the deployment has one (Prefect's response reads it from the queue).
            work_queue_name: d.queue_name.clone().or_else(|| d.work_queue_name.clone()),
            work_queue_id: text(d.work_queue_id),
            last_polled: d.last_polled.map(|t| t.rfc3339()),
            parameter_openapi_schema: d.parameter_openapi_schema.as_ref().map(|s| s.0.clone()),
            path: d.path.clone(),
            pull_steps: d.pull_steps.as_ref().map(|p| p.0.clone()),
            entrypoint: d.entrypoint.clone(),
            storage_document_id: text(d.storage_document_id),
            infrastructure_document_id: text(d.infrastructure_document_id),
            created_by: d.created_by.as_ref().map(|c| c.0.clone()),
            updated_by: d.updated_by.as_ref().map(|c| c.0.clone()),
            work_pool_name: d.pool_name.clone(),
            status: d.status.clone(),
            enforce_parameter_schema: d.enforce_parameter_schema,
        }
    }
}

/// Prefect's `DeploymentPaginationResponse`.
#[derive(Debug, Serialize)]
pub struct DeploymentPage {
    pub results: Vec<Deployment>,
    pub count: i64,
    pub limit: i64,
    pub pages: i64,
    pub page: i64,
}
