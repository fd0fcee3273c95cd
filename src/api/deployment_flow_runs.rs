//! Runs made from a deployment: `POST /deployments/{id}/create_flow_run` and its bulk form
//! `POST /deployments/{id}/create_flow_run/bulk`, as Prefect's `api/deployments.py` makes them. Each run gets the
//! deployment's parameters (overridden by the ones sent, then hydrated), checked against its parameter schema
//! when it enforces one; its tags plus the ones sent; its queue (or the one named, made in the deployment's pool
//! when missing); its job variables, checked against the pool's base job template. The single route answers a
//! refusal with Prefect's status and message; the bulk route records it as that run's FAILED result, in the
//! bulk route's own words, and goes on with the next.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::common::{api_version, created_or_ok, path_id};
use super::flow_runs::emit_state_event;
use super::schemas::deployments::DeploymentFlowRunCreate;
use super::schemas::flow_runs::FlowRun;
use super::schemas::hydration::{self, HydrationError};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::{Id, Timestamp};
use crate::orchestration::run_input::{self, Invalid};
use crate::store::deployment_queues::{self, Lookup};
use crate::store::deployments::{self as store, Deployment};
use crate::store::flow_runs::{self, NewFlowRun};
use crate::store::states::Proposed;

/// Prefect's `BULK_CREATE_LIMIT`.
const BULK_CREATE_LIMIT: usize = 100;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/deployments/{id}/create_flow_run", post(create_flow_run))
        .route(
            "/deployments/{id}/create_flow_run/bulk",
            post(create_flow_runs),
        )
}

/// Why a run of a deployment was not made.
enum Refused {
    Hydration(HydrationError),
    NoSchema,
    Mismatch(String),
    Circular,
    JobVariables(String),
    NoPool(String),
    Api(ApiError),
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Self {
        Refused::Api(error)
    }
}

impl From<sqlx::Error> for Refused {
    fn from(error: sqlx::Error) -> Self {
        Refused::Api(error.into())
    }
}

impl Refused {
    /// The single route's answer.
    fn into_error(self, deployment: Id) -> ApiError {
        let detail = |status, detail: String| ApiError {
            status,
            body: json!({ "detail": detail }),
        };
        use axum::http::StatusCode;
        match self {
            Refused::Hydration(e) => {
                ApiError::bad_request(format!("Error hydrating flow run parameters: {e}"))
            }
            Refused::NoSchema => detail(
                StatusCode::CONFLICT,
                super::deployments::NO_VALID_SCHEMA.into(),
            ),
            Refused::Mismatch(m) => detail(
                StatusCode::CONFLICT,
                format!("Error creating flow run: {m}"),
            ),
            Refused::Circular => detail(
                StatusCode::UNPROCESSABLE_ENTITY,
                super::deployments::CIRCULAR_SCHEMA.into(),
            ),
            Refused::JobVariables(m) => detail(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("Error creating flow run: {m}"),
            ),
            Refused::NoPool(queue) => ApiError::bad_request(format!(
                "Cannot create flow run in work queue {queue} because deployment {deployment} is not \
                 associated with a work pool. Please remove work_pool_name and try again."
            )),
            Refused::Api(error) => error,
        }
    }

    /// The bulk route's `error` for the run.
    fn message(self) -> String {
        match self {
            Refused::Hydration(e) => e.to_string(),
            Refused::NoSchema => {
                "Parameter schema enforcement is enabled but deployment has no valid schema.".into()
            }
            Refused::Mismatch(m) => format!("Parameter validation failed: {m}"),
            Refused::Circular => "Invalid schema: circular references detected.".into(),
            Refused::JobVariables(m) => format!("Error creating flow run: {m}"),
            Refused::NoPool(queue) => format!(
                "Cannot create flow run in work queue {queue} because deployment is not associated with a \
                 work pool."
            ),
            Refused::Api(error) => error
                .body
                .get("detail")
                .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_owned))
                .unwrap_or_else(|| "Internal Server Error".into()),
        }
    }
}

/// `POST /deployments/{id}/create_flow_run`: 201 with the new run, or 200 with the run an idempotency key
/// already made.
async fn create_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<DeploymentFlowRunCreate>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let deployment = store::read(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Deployment not found"))?;
    let (run, created) = make_run(&state, &deployment, body, &headers)
        .await
        .map_err(|refused| refused.into_error(id))?;
    Ok(created_or_ok(created, FlowRun::new(&run, Timestamp::now())))
}

/// One entry of Prefect's `FlowRunBulkCreateResponse`.
#[derive(Debug, Serialize)]
struct CreateResult {
    flow_run_id: Option<String>,
    status: &'static str,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct BulkCreated {
    results: Vec<CreateResult>,
}

/// `POST /deployments/{id}/create_flow_run/bulk`: up to 100 runs, each answered CREATED or FAILED in order.
async fn create_flow_runs(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(bodies): Body<Vec<DeploymentFlowRunCreate>>,
) -> ApiResult<Json<BulkCreated>> {
    if bodies.len() > BULK_CREATE_LIMIT {
        return Err(ApiError::bad_request(format!(
            "Cannot create more than {BULK_CREATE_LIMIT} flow runs at once."
        )));
    }
    let id = path_id(&id)?;
    let deployment = store::read(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Deployment not found"))?;
    let mut results = Vec::with_capacity(bodies.len());
    for body in bodies {
        results.push(match make_run(&state, &deployment, body, &headers).await {
            Ok((run, _)) => CreateResult {
                flow_run_id: Some(run.id.to_string()),
                status: "CREATED",
                error: None,
            },
            Err(refused) => CreateResult {
                flow_run_id: None,
                status: "FAILED",
                error: Some(refused.message()),
            },
        });
    }
    Ok(Json(BulkCreated { results }))
}

/// Checks and makes one run of `deployment`; whether it is new (an idempotency key may find an older one).
async fn make_run(
    state: &Shared,
    deployment: &Deployment,
    body: DeploymentFlowRunCreate,
    headers: &HeaderMap,
) -> Result<(flow_runs::FlowRun, bool), Refused> {
    let mut parameters = deployment
        .parameters
        .0
        .as_object()
        .cloned()
        .unwrap_or_default();
    parameters.extend(body.parameters.unwrap_or_default());
    let parameters = hydrate(state, Value::Object(parameters)).await?;
    let enforce = body
        .enforce_parameter_schema
        .map_or(deployment.enforce_parameter_schema, |e| e.0);
    if enforce {
        let schema = deployment
            .parameter_openapi_schema
            .as_ref()
            .map(|s| s.0.clone())
            .filter(Value::is_object)
            .ok_or(Refused::NoSchema)?;
        match run_input::validate(&parameters, &schema) {
            Ok(()) => {}
            Err(Invalid::Mismatch(message)) => return Err(Refused::Mismatch(message)),
            Err(Invalid::Circular) => return Err(Refused::Circular),
        }
    }
    let job_variables = body.job_variables.unwrap_or_default();
    check_job_variables(state, deployment, &job_variables).await?;
    let mut work_queue_name = deployment
        .queue_name
        .clone()
        .or(deployment.work_queue_name.clone());
    let mut work_queue_id = deployment.work_queue_id;
    if let Some(queue) = body.work_queue_name.filter(|q| !q.is_empty()) {
        let pool = match deployment.work_queue_id {
            Some(queue_id) => deployment_queues::pool_of_queue(&state.writer, queue_id).await?,
            None => None,
        };
        let Some(pool) = pool else {
            return Err(Refused::NoPool(queue));
        };
        match deployment_queues::queue_in_pool(&state.writer, &pool, &queue).await? {
            Lookup::Queue(queue_id) => work_queue_id = Some(queue_id),
            Lookup::NoSuchPool(name) => {
                return Err(
                    ApiError::not_found_plain(&format!("Work pool \"{name}\" not found.")).into(),
                );
            }
        }
        work_queue_name = Some(queue);
    }
    let mut tags: Vec<String> = deployment
        .tags
        .0
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for tag in body.tags.unwrap_or_default() {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let mut labels = store::run_labels(
        deployment.labels.as_ref(),
        deployment.flow_id,
        deployment.id,
    );
    labels.extend(body.labels.unwrap_or_default());
    let proposed = body.state.map_or_else(
        || {
            let mut scheduled = Proposed::new("SCHEDULED", "Scheduled");
            scheduled.details = json!({ "scheduled_time": Timestamp::now().rfc3339() });
            scheduled
        },
        |s| s.into_proposed(),
    );
    let policy = body
        .empirical_policy
        .map_or_else(|| flow_runs::normalise_policy(&json!({})), |p| p.0);
    let new = NewFlowRun {
        flow_id: deployment.flow_id,
        name: body
            .name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug),
        flow_version: None,
        parameters,
        context: Value::Object(body.context.unwrap_or_default()),
        parent_task_run_id: body.parent_task_run_id.map(|id| id.0),
        infrastructure_document_id: body
            .infrastructure_document_id
            .map(|id| id.0)
            .or(deployment.infrastructure_document_id),
        empirical_policy: policy,
        tags: json!(tags),
        labels: Value::Object(labels),
        idempotency_key: body.idempotency_key,
        work_queue_name,
        job_variables: Value::Object(job_variables),
        deployment_id: Some(deployment.id),
        state: proposed,
    };
    let (mut run, transition) = flow_runs::create_for_deployment(
        &state.writer,
        new,
        work_queue_id,
        deployment.version.clone(),
        api_version(headers),
    )
    .await?;
    flow_runs::fill_pool(&state.db, &mut run).await?;
    if let Some(transition) = &transition {
        emit_state_event(state, transition).await;
    }
    Ok((run, transition.is_some()))
}

async fn hydrate(state: &Shared, parameters: Value) -> Result<Value, Refused> {
    match hydrate_parameters(state, &parameters).await? {
        Ok(values) => Ok(values),
        Err(error) => Err(Refused::Hydration(error)),
    }
}

/// Parameters hydrated as Prefect's `create_flow_run` and deployment update hydrate them: Jinja rendered,
/// workspace variables looked up, the first error raised.
pub(super) async fn hydrate_parameters(
    state: &Shared,
    parameters: &Value,
) -> Result<Result<Value, HydrationError>, sqlx::Error> {
    let ctx = hydration::Context::build(&state.db, parameters, true, true, true).await?;
    Ok(hydration::hydrate(parameters, &ctx).map(|h| h.values))
}

/// Prefect's `validate_job_variables_for_deployment_flow_run`: the pool's defaults, then the deployment's job
/// variables, then the run's, checked against the pool's `variables` schema, required fields included. A
/// deployment without a pool (`flow.serve()`), a pool without a template or schema, is not checked.
async fn check_job_variables(
    state: &Shared,
    deployment: &Deployment,
    run_variables: &Map<String, Value>,
) -> Result<(), Refused> {
    let Some(pool) = deployment.pool_name.as_deref() else {
        return Ok(());
    };
    let Some(template) = store::pool_template(&state.db, pool).await? else {
        return Ok(());
    };
    let deployment_variables = deployment
        .infra_overrides
        .0
        .as_object()
        .cloned()
        .unwrap_or_default();
    match job_variables_fit(&template.0, &[&deployment_variables, run_variables], false) {
        Ok(()) => Ok(()),
        Err(Invalid::Mismatch(message)) => Err(Refused::JobVariables(message)),
        Err(Invalid::Circular) => Err(Refused::Circular),
    }
}

/// Prefect's `_validate_work_pool_job_variables`: the base job template's defaults, overlaid with each of
/// `layers` in turn, checked against its `variables` schema (required fields too, unless `ignore_required`).
/// A template without a variables schema accepts anything.
pub(super) fn job_variables_fit(
    template: &Value,
    layers: &[&Map<String, Value>],
    ignore_required: bool,
) -> Result<(), Invalid> {
    let Some(schema) = template.get("variables").filter(|s| is_non_empty(s)) else {
        return Ok(());
    };
    let (mut all, unresolved) = job_variable_defaults(schema);
    for layer in layers {
        all.extend((*layer).clone());
    }
    // Defaults that are block references are not resolved here: without them, required fields cannot be
    // judged, so they are not (as Prefect does when a default is invalid).
    let prepared = run_input::preprocess(schema, true);
    let checked = if ignore_required || unresolved {
        run_input::without_required(&prepared)
    } else {
        prepared
    };
    run_input::validate_prepared(&Value::Object(all), &checked)
}

fn is_non_empty(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Null => false,
        _ => true,
    }
}

/// The template's default job variables (Prefect's `_get_base_config_defaults`), defaults that do not fit
/// their own schema left out; whether any default was left out or is a block reference.
fn job_variable_defaults(schema: &Value) -> (Map<String, Value>, bool) {
    let mut defaults = Map::new();
    let mut unresolved = false;
    let Some(fields) = schema.get("properties").and_then(Value::as_object) else {
        return (defaults, false);
    };
    // As Prefect checks each default: alone, required fields aside, without preprocessing.
    let relaxed = run_input::without_required(schema);
    for (name, attrs) in fields {
        let Some(default) = attrs.get("default") else {
            continue;
        };
        if default.get("$ref").is_some() {
            unresolved = true;
            continue;
        }
        let alone = json!({ name.clone(): default.clone() });
        if run_input::validate_prepared(&alone, &relaxed).is_ok() {
            defaults.insert(name.clone(), default.clone());
        } else {
            unresolved = true;
        }
    }
    (defaults, unresolved)
}
