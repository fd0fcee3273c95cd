//! `/deployments`: create (an upsert on flow + name), read by id and by `name/{flow}/{deployment}`, update,
//! delete, filter, count, paginate, pause and resume, the runner's poll (`get_scheduled_flow_runs`), and runs made
//! from a deployment (`create_flow_run`: the deployment's parameters, tags, queue and job variables, checked
//! against its parameter schema when it enforces one), as Prefect's `api/deployments.py` answers them. The
//! schedule routes are in `deployment_schedules`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::common::{bulk_limit, created_or_ok, page, path_id};
use super::schemas::deployments::{
    Deployment, DeploymentBulkDeleteBody, DeploymentCreate, DeploymentFilterBody, DeploymentPage,
    DeploymentPaginateBody, DeploymentScheduleCreate, DeploymentScheduleUpdate, DeploymentUpdate,
    ScheduleRunsBody, ScheduledRunsBody, stored_schedule,
};
use super::schemas::flow_runs::{FlowRun, FlowRunCriteria};
use super::schemas::from_body;
use super::schemas::work_pools::CoreWorkQueue;
use super::{ApiError, ApiResult, Body, Shared, events};
use crate::db::types::{Id, Timestamp};
use crate::orchestration::run_input::{self, Invalid};
use crate::store::deployment_queues::{self, DEFAULT_AGENT_WORK_POOL_NAME, Lookup};
use crate::store::deployment_schedules::{self, NewSchedule};
use crate::store::deployments::{
    self as store, Fields, LimitChange, NewDeployment, ScheduleUpdate,
};
use crate::store::flow_runs;
use crate::store::{filter::Criteria, flows, new_v7};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/deployments/", post(create))
        .route("/deployments/filter", post(filter))
        .route("/deployments/count", post(count))
        .route("/deployments/paginate", post(paginate))
        .route("/deployments/bulk_delete", post(bulk_delete))
        .route(
            "/deployments/get_scheduled_flow_runs",
            post(get_scheduled_flow_runs),
        )
        .route(
            "/deployments/name/{flow_name}/{deployment_name}",
            get(read_by_name),
        )
        .route("/deployments/{id}", get(read).patch(update).delete(delete))
        .route("/deployments/{id}/pause_deployment", post(pause))
        .route("/deployments/{id}/resume_deployment", post(resume))
        .route("/deployments/{id}/schedule", post(schedule))
        .route("/deployments/{id}/work_queue_check", get(work_queue_check))
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Deployment not found")
}

/// The "Deployment not found." (with a full stop) of the update and schedule routes.
pub fn not_found_dot() -> ApiError {
    ApiError::not_found_plain("Deployment not found.")
}

fn conflict(detail: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::CONFLICT,
        body: json!({ "detail": detail.into() }),
    }
}

fn unprocessable(detail: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail.into() }),
    }
}

fn pool_not_found(name: &str) -> ApiError {
    ApiError::not_found_plain(&format!("Work pool \"{name}\" not found."))
}

/// A model validator's refusal of the whole body, as FastAPI reports it (`loc: ["body"]`).
fn body_value_error(message: &str, body: Value) -> ApiError {
    let detail = json!([{ "type": "value_error", "loc": ["body"], "msg": format!("Value error, {message}"),
                          "input": body.clone(), "ctx": { "error": {} } }]);
    ApiError::unprocessable(detail, body)
}

/// The queue a deployment's pool and queue names resolve to, or the 404 for a pool that does not exist.
async fn resolve_queue(
    state: &Shared,
    pool: Option<&str>,
    queue: Option<&str>,
) -> ApiResult<Option<Id>> {
    match deployment_queues::resolve(&state.writer, pool, queue).await? {
        None => Ok(None),
        Some(Lookup::Queue(id)) => Ok(Some(id)),
        Some(Lookup::NoSuchPool(name)) => Err(pool_not_found(&name)),
    }
}

async fn check_limit_exists(state: &Shared, id: Option<Option<Id>>) -> ApiResult<()> {
    if let Some(Some(id)) = id
        && !store::limit_exists(&state.db, id).await?
    {
        return Err(ApiError::not_found_plain("Concurrency limit not found"));
    }
    Ok(())
}

fn new_schedule(schedule: DeploymentScheduleCreate) -> NewSchedule {
    NewSchedule {
        schedule: stored_schedule(schedule.schedule),
        active: schedule.active.is_none_or(|a| a.0),
        max_scheduled_runs: schedule.max_scheduled_runs.map(|m| m.0),
        parameters: Value::Object(schedule.parameters.unwrap_or_default()),
        slug: schedule.slug,
    }
}

async fn respond(state: &Shared, deployment: store::Deployment) -> ApiResult<Deployment> {
    let full = store::with_schedules(&state.db, vec![deployment]).await?;
    let full = full.into_iter().next().ok_or_else(ApiError::internal)?;
    Ok(Deployment::new(&full, Timestamp::now()))
}

async fn create(
    State(state): State<Shared>,
    Body(request_body): Body<Value>,
) -> ApiResult<Response> {
    // Read as JSON first: a model validator's 422 shows the body it refused.
    let body: DeploymentCreate = from_body(&serde_json::to_vec(&request_body).unwrap_or_default())?;
    if body.concurrency_limit.flatten().is_some()
        && body.global_concurrency_limit_id.flatten().is_some()
    {
        return Err(body_value_error(
            "A deployment cannot have both a concurrency limit and a global concurrency limit.",
            request_body,
        ));
    }
    // Prefect's model validator checks the parameters against the schema sent with them (required ones aside)
    // when the body asks for enforcement.
    if body.enforce_parameter_schema.is_some_and(|e| e.0)
        && let Some(Some(schema)) = &body.parameter_openapi_schema
    {
        let parameters = Value::Object(body.parameters.clone().unwrap_or_default());
        if let Err(Invalid::Mismatch(message)) =
            run_input::validate_ignoring_required(&parameters, &Value::Object(schema.clone()))
        {
            return Err(body_value_error(&message, request_body));
        }
    }
    let pool = body.work_pool_name.as_deref();
    if let Some(pool) = pool.filter(|p| *p != DEFAULT_AGENT_WORK_POOL_NAME) {
        let template = store::pool_template(&state.db, pool)
            .await?
            .ok_or_else(|| pool_not_found(pool))?;
        // Prefect's `validate_job_variables_for_deployment`: the job variables sent fit the pool's template,
        // required ones aside (a run may still set them).
        if let Some(variables) = body.job_variables.as_ref().filter(|v| !v.is_empty())
            && let Err(Invalid::Mismatch(message)) =
                super::deployment_flow_runs::job_variables_fit(&template.0, &[variables], true)
        {
            return Err(unprocessable(format!(
                "Error creating deployment: {message}"
            )));
        }
    }
    check_limit_exists(
        &state,
        body.global_concurrency_limit_id.map(|o| o.map(|u| u.0)),
    )
    .await?;
    let work_queue_id = resolve_queue(
        &state,
        pool,
        body.work_queue_name.clone().flatten().as_deref(),
    )
    .await?;
    for (id, what) in [
        (body.infrastructure_document_id.flatten(), "infrastructure"),
        (body.storage_document_id.flatten(), "storage"),
    ] {
        if let Some(id) = id
            && !store::block_document_exists(&state.db, id.0).await?
        {
            return Err(conflict(format!(
                "Error creating deployment. Could not find {what} block with id: {}. This usually occurs when \
                 applying a deployment specification that was built against a different Prefect database / \
                 workspace.",
                id.0
            )));
        }
    }
    let flow_id = body.flow_id.0;
    // A flow that does not exist is the deployment's foreign key: Prefect's 409.
    let flow_labels = flows::labels_for_writer(&state.writer, flow_id)
        .await?
        .ok_or_else(ApiError::integrity_conflict)?;
    let mut labels = flow_labels;
    labels.insert("prefect.flow.id".into(), json!(flow_id.to_string()));
    if let Some(Some(user)) = body.labels.clone() {
        labels.extend(user);
    }
    let fields = Fields {
        version: body.version,
        description: body.description,
        tags: body.tags,
        labels: Some(Some(labels)),
        // Always set, even when left out: Prefect's parameter validator writes the default into the body, so an
        // upsert without parameters clears them.
        parameters: Some(body.parameters.unwrap_or_default()),
        parameter_openapi_schema: body.parameter_openapi_schema.map(|s| s.map(Value::Object)),
        enforce_parameter_schema: body.enforce_parameter_schema.map(|e| e.0),
        job_variables: body.job_variables,
        path: body.path,
        entrypoint: body.entrypoint,
        pull_steps: body
            .pull_steps
            .map(|p| p.map(|steps| Value::Array(steps.into_iter().map(Value::Object).collect()))),
        work_queue_name: body.work_queue_name,
        work_queue_id: work_queue_id.map(Some),
        storage_document_id: body.storage_document_id.map(|o| o.map(|u| u.0)),
        infrastructure_document_id: body.infrastructure_document_id.map(|o| o.map(|u| u.0)),
        paused: body.paused.map(|p| p.0),
        concurrency_limit_id: body.global_concurrency_limit_id.map(|o| o.map(|u| u.0)),
        concurrency_options: body
            .concurrency_options
            .map(|o| o.map(|o| serde_json::to_value(o).unwrap_or(Value::Null))),
    };
    let new = NewDeployment {
        name: body.name,
        flow_id,
        fields,
        schedules: body
            .schedules
            .unwrap_or_default()
            .into_iter()
            .map(new_schedule)
            .collect(),
        limit: body.concurrency_limit.map(|l| match l {
            Some(limit) => LimitChange::Set(limit.0),
            None => LimitChange::Remove,
        }),
    };
    let before = store::read_by_flow(&state.writer, flow_id, &new.name).await?;
    let upserted = match store::upsert(&state.writer, &new).await {
        Ok(upserted) => upserted,
        Err(error) if is_unique_violation(&error) => {
            return Err(conflict(
                "Schedule slugs must be unique within a deployment.",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let deployment = store::read_for_writer(&state.writer, upserted.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    match (&before, upserted.created) {
        (Some(before), false) => emit_updated(&state, before, &deployment).await,
        _ => lifecycle(&state, "created", &deployment).await,
    }
    let response = respond(&state, deployment).await?;
    schedule_now(&state, upserted.id).await;
    Ok(created_or_ok(upserted.created, response))
}

/// Makes the deployment's scheduled runs now rather than at the scheduler's next round, as the scheduler
/// would (nothing while the scheduler service is off), after the deployment or its schedules changed. Before
/// the answer, so the client's next request sees them and no later change races them; a failure is logged, not
/// the request's.
pub async fn schedule_now(state: &Shared, id: Id) {
    let ids = [id];
    let scheduled =
        crate::services::scheduler::schedule_deployments(&state.db, &state.writer, &ids);
    match crate::panics::catch(scheduled).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) => crate::log::log!("error: scheduling deployment {id}: {error}"),
        Err(panic) => crate::log::log!("error: scheduling deployment {id} panicked: {panic}"),
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// `prefect.deployment.updated`, when any of the fields it reports changed: which, from what, to what.
async fn emit_updated(state: &Shared, before: &store::Deployment, after: &store::Deployment) {
    let (old, new) = (before.event_fields(), after.event_fields());
    let mut updates = Map::new();
    for (field, to) in &new {
        let from = old.get(field).cloned().unwrap_or(Value::Null);
        if &from != to {
            updates.insert(field.clone(), json!({ "from": from, "to": to }));
        }
    }
    if updates.is_empty() {
        return;
    }
    let payload =
        json!({ "updated_fields": updates.keys().collect::<Vec<_>>(), "updates": updates });
    emit(state, "prefect.deployment.updated", after, payload).await;
}

/// `prefect.deployment.{created,deleted,ready}` about the deployment.
async fn lifecycle(state: &Shared, action: &str, deployment: &store::Deployment) {
    emit(
        state,
        &format!("prefect.deployment.{action}"),
        deployment,
        json!({}),
    )
    .await;
}

/// The deployment's flow, queue and pool, as Prefect relates them to its events.
fn related(deployment: &store::Deployment) -> Vec<Value> {
    let mut related = vec![json!({
        "prefect.resource.id": format!("prefect.flow.{}", deployment.flow_id),
        "prefect.resource.name": deployment.flow_name,
        "prefect.resource.role": "flow",
    })];
    if let (Some(queue), Some(name)) = (deployment.work_queue_id, &deployment.queue_name) {
        related.push(json!({
            "prefect.resource.id": format!("prefect.work-queue.{queue}"),
            "prefect.resource.name": name,
            "prefect.resource.role": "work-queue",
        }));
    }
    if let (Some(pool), Some(name)) = (deployment.pool_id, &deployment.pool_name) {
        related.push(json!({
            "prefect.resource.id": format!("prefect.work-pool.{pool}"),
            "prefect.resource.name": name,
            "prefect.resource.role": "work-pool",
        }));
    }
    related
}

async fn emit(state: &Shared, event: &str, deployment: &store::Deployment, payload: Value) {
    let event = json!({
        "occurred": Timestamp::now().rfc3339(),
        "event": event,
        "resource": {
            "prefect.resource.id": format!("prefect.deployment.{}", deployment.id),
            "prefect.resource.name": deployment.name,
        },
        "related": related(deployment),
        "payload": payload,
        "id": new_v7().to_string(),
        "follows": null,
    });
    events::receive(state, event).await;
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Deployment>> {
    let found = store::read(&state.db, path_id(&id)?).await?;
    Ok(Json(respond(&state, found.ok_or_else(not_found)?).await?))
}

async fn read_by_name(
    State(state): State<Shared>,
    Path((flow_name, name)): Path<(String, String)>,
) -> ApiResult<Json<Deployment>> {
    let found = store::read_by_name(&state.db, &flow_name, &name).await?;
    Ok(Json(respond(&state, found.ok_or_else(not_found)?).await?))
}

/// How a PATCH's `schedules` apply (Prefect's slug rules): when the deployment's schedules and the ones sent
/// all have slugs, the sent ones patch the ones with their slug (or the one they `replaces`) and the rest are
/// added; slugs on the deployment but not in the request are a 422; otherwise the sent list replaces them.
fn schedule_update(
    existing: &[deployment_schedules::Schedule],
    sent: Option<Vec<DeploymentScheduleUpdate>>,
) -> ApiResult<ScheduleUpdate> {
    let sent_given = sent.is_some();
    let sent = sent.unwrap_or_default();
    let all_sent_slugged = sent.iter().all(|s| s.slug.is_some());
    let all_existing_slugged = !existing.is_empty() && existing.iter().all(|s| s.slug.is_some());
    if all_sent_slugged && all_existing_slugged {
        let current: Vec<&str> = existing.iter().filter_map(|s| s.slug.as_deref()).collect();
        let mut replaced: Vec<String> = Vec::new();
        for schedule in &sent {
            if let Some(old) = &schedule.replaces {
                if replaced.contains(old) {
                    return Err(unprocessable(format!(
                        "Multiple schedules have 'replaces' targeting the same slug: {old}"
                    )));
                }
                replaced.push(old.clone());
            }
        }
        for schedule in &sent {
            if let (Some(slug), Some(old)) = (&schedule.slug, &schedule.replaces)
                && current.contains(&slug.as_str())
                && !replaced.contains(slug)
            {
                return Err(unprocessable(format!(
                    "Cannot rename schedule from '{old}' to '{slug}': a schedule with slug '{slug}' already exists."
                )));
            }
        }
        let mut patches = Vec::new();
        let mut renamed = Vec::new();
        let mut create = Vec::new();
        for schedule in sent {
            let target = schedule.replaces.clone().or_else(|| schedule.slug.clone());
            let exists = target.as_deref().is_some_and(|t| current.contains(&t));
            if exists {
                let target = target.unwrap_or_default();
                let target = match &schedule.replaces {
                    Some(old) => {
                        renamed.push(old.clone());
                        let row = existing.iter().find(|s| s.slug.as_deref() == Some(old));
                        match row {
                            Some(row) => deployment_schedules::Target::Id(row.id),
                            None => {
                                return Err(ApiError::not_found_plain(&format!(
                                    "Schedule with slug '{old}' no longer exists."
                                )));
                            }
                        }
                    }
                    None => deployment_schedules::Target::Slug(target),
                };
                patches.push((target, schedule_changes(schedule)));
            } else {
                let Some(body) = schedule.schedule else {
                    return Err(unprocessable(
                        "Unable to create new deployment schedules without a schedule configuration.",
                    ));
                };
                create.push(NewSchedule {
                    schedule: stored_schedule(body),
                    active: schedule.active.is_none_or(|a| a.0),
                    max_scheduled_runs: schedule.max_scheduled_runs.map(|m| m.0),
                    parameters: Value::Object(schedule.parameters.unwrap_or_default()),
                    slug: schedule.slug,
                });
            }
        }
        return Ok(ScheduleUpdate::Patch {
            patches,
            renamed,
            create,
        });
    }
    if !all_sent_slugged && all_existing_slugged {
        return Err(unprocessable(
            "Please provide a slug for each schedule in your request to ensure schedules are updated correctly.",
        ));
    }
    if !sent_given {
        return Ok(ScheduleUpdate::Keep);
    }
    Ok(ScheduleUpdate::Replace(
        sent.into_iter()
            .filter_map(|s| {
                let schedule = s.schedule?;
                Some(NewSchedule {
                    schedule: stored_schedule(schedule),
                    active: s.active.is_none_or(|a| a.0),
                    max_scheduled_runs: s.max_scheduled_runs.map(|m| m.0),
                    parameters: Value::Object(s.parameters.unwrap_or_default()),
                    slug: s.slug,
                })
            })
            .collect(),
    ))
}

/// A schedule update as Prefect applies it: the fields sent that are not null, and `parameters` always.
pub fn schedule_changes(update: DeploymentScheduleUpdate) -> deployment_schedules::Changes {
    deployment_schedules::Changes {
        schedule: update.schedule.map(stored_schedule),
        active: update.active.map(|a| a.0),
        max_scheduled_runs: update.max_scheduled_runs.map(|m| m.0),
        parameters: Value::Object(update.parameters.unwrap_or_default()),
        slug: update.slug,
    }
}

pub(super) const NO_VALID_SCHEMA: &str = "Error updating deployment: Cannot update parameters because parameter schema \
    enforcement is enabled and the deployment does not have a valid parameter schema.";
pub(super) const CIRCULAR_SCHEMA: &str =
    "Invalid schema: Unable to validate schema with circular references.";

async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(request_body): Body<Value>,
) -> ApiResult<StatusCode> {
    let body: DeploymentUpdate = from_body(&serde_json::to_vec(&request_body).unwrap_or_default())?;
    let id = path_id(&id)?;
    let existing = store::read(&state.db, id)
        .await?
        .ok_or_else(not_found_dot)?;
    if body.concurrency_limit.flatten().is_some()
        && body.global_concurrency_limit_id.flatten().is_some()
    {
        return Err(body_value_error(
            "A deployment cannot have both a concurrency limit and a global concurrency limit.",
            request_body,
        ));
    }
    let existing_schedules = deployment_schedules::for_deployments(&state.db, &[id]).await?;
    let schedules = schedule_update(&existing_schedules, body.schedules)?;
    let pool = body.work_pool_name.clone().flatten();
    if let Some(pool) = pool.as_deref()
        && store::pool_template(&state.db, pool).await?.is_none()
    {
        return Err(pool_not_found(pool));
    }
    // Parameters sent are stored hydrated, as Prefect stores them.
    let parameters = match &body.parameters {
        Some(Some(parameters)) => {
            let sent = Value::Object(parameters.clone());
            super::deployment_flow_runs::hydrate_parameters(&state, &sent)
                .await?
                .map_err(|e| {
                    ApiError::bad_request(format!("Error hydrating deployment parameters: {e}"))
                })?
        }
        _ => existing.parameters.0.clone(),
    };
    let enforce = match body.enforce_parameter_schema {
        Some(Some(enforce)) => enforce.0,
        _ => existing.enforce_parameter_schema,
    };
    if enforce {
        let sent = body
            .parameter_openapi_schema
            .clone()
            .flatten()
            .filter(|s| !s.is_empty())
            .map(Value::Object);
        let schema = sent.or_else(|| {
            existing
                .parameter_openapi_schema
                .as_ref()
                .map(|s| s.0.clone())
        });
        let Some(schema) = schema.filter(Value::is_object) else {
            return Err(conflict(NO_VALID_SCHEMA));
        };
        match run_input::validate_ignoring_required(&parameters, &schema) {
            Ok(()) => {}
            Err(Invalid::Mismatch(message)) => {
                return Err(conflict(format!("Error updating deployment: {message}")));
            }
            Err(Invalid::Circular) => return Err(unprocessable(CIRCULAR_SCHEMA)),
        }
    }
    check_limit_exists(
        &state,
        body.global_concurrency_limit_id.map(|o| o.map(|u| u.0)),
    )
    .await?;
    let queue_name = body.work_queue_name.clone().flatten();
    let work_queue_id = match (&body.work_pool_name, queue_name.as_deref()) {
        (Some(Some(pool)), queue) => resolve_queue(&state, Some(pool), queue).await?.map(Some),
        // The pool explicitly cleared: runs no longer go to a pool (switching to `serve`).
        (Some(None), _) => Some(None),
        (None, Some(queue)) => Some(Some(
            deployment_queues::legacy_queue(&state.writer, queue).await?,
        )),
        (None, None) => None,
    };
    let fields = Fields {
        version: body.version,
        description: body.description,
        tags: body.tags,
        labels: None,
        parameters: match body.parameters {
            Some(Some(_)) => parameters.as_object().cloned(),
            _ => None,
        },
        parameter_openapi_schema: body.parameter_openapi_schema.map(|s| s.map(Value::Object)),
        enforce_parameter_schema: body.enforce_parameter_schema.flatten().map(|e| e.0),
        job_variables: body.job_variables.flatten(),
        path: body.path,
        entrypoint: body.entrypoint,
        pull_steps: body
            .pull_steps
            .map(|p| p.map(|steps| Value::Array(steps.into_iter().map(Value::Object).collect()))),
        work_queue_name: body.work_queue_name,
        work_queue_id,
        storage_document_id: body.storage_document_id.map(|o| o.map(|u| u.0)),
        infrastructure_document_id: body.infrastructure_document_id.map(|o| o.map(|u| u.0)),
        paused: body.paused.map(|p| p.0),
        concurrency_limit_id: body.global_concurrency_limit_id.map(|o| o.map(|u| u.0)),
        concurrency_options: body
            .concurrency_options
            .map(|o| o.map(|o| serde_json::to_value(o).unwrap_or(Value::Null))),
    };
    let limit = body.concurrency_limit.map(|l| match l {
        Some(limit) => LimitChange::Set(limit.0),
        None => LimitChange::Remove,
    });
    let updated = match store::update(&state.writer, id, &fields, schedules, limit).await {
        Ok(updated) => updated,
        Err(error) if is_unique_violation(&error) => {
            return Err(conflict(
                "Schedule slugs must be unique within a deployment.",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    if !updated {
        return Err(not_found_dot());
    }
    if let Some(after) = store::read_for_writer(&state.writer, id).await? {
        emit_updated(&state, &existing, &after).await;
    }
    schedule_now(&state, id).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let deleted = store::delete(&state.writer, path_id(&id)?).await?;
    lifecycle(&state, "deleted", &deleted.ok_or_else(not_found)?).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /deployments/bulk_delete`: up to `limit` (at most 50) deployments the filter matches, deleted as one
/// DELETE would delete each; their ids.
async fn bulk_delete(
    State(state): State<Shared>,
    Body(body): Body<DeploymentBulkDeleteBody>,
) -> ApiResult<Json<Value>> {
    let limit = bulk_limit(body.limit)?;
    let criteria = Criteria {
        deployments: body.deployments,
        ..Criteria::default()
    };
    let matching = store::filter(&state.db, &criteria, Default::default(), limit, 0).await?;
    let ids: Vec<Id> = matching.iter().map(|d| d.id).collect();
    let deleted = store::delete_many(&state.writer, &ids).await?;
    for deployment in &deleted {
        lifecycle(&state, "deleted", deployment).await;
    }
    let ids: Vec<String> = deleted.iter().map(|d| d.id.to_string()).collect();
    Ok(Json(json!({ "deleted": ids })))
}

/// `POST /deployments/{id}/schedule`: the deployment's active schedules' runs from `start_time` (now) until
/// `end_time`, at least `min_runs` and `min_time` ahead, at most `max_runs`, with the scheduler's settings for
/// what is not sent; for a backfill, times in the past. Slots already scheduled are not scheduled again. A
/// deployment that does not exist gets nothing, and no error, as on Prefect's server.
async fn schedule(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<ScheduleRunsBody>,
) -> ApiResult<Json<Value>> {
    use crate::services::scheduler::{self, Window};
    let id = path_id(&id)?;
    let settings = scheduler::settings();
    let start = body.start_time.map_or_else(chrono::Utc::now, |t| t.0.0);
    let end = match body.end_time {
        Some(end) => end.0.0,
        None => start
            .checked_add_signed(settings.max_scheduled_time)
            .ok_or_else(|| ApiError::bad_request("start_time is out of range"))?,
    };
    let min_time = match body.min_time {
        Some(seconds) => {
            chrono::Duration::from_std(std::time::Duration::try_from_secs_f64(seconds.0).map_err(
                |_| ApiError::bad_request("min_time must be a non-negative number of seconds"),
            )?)
            .map_err(|_| ApiError::bad_request("min_time is out of range"))?
        }
        None => settings.min_scheduled_time,
    };
    let count = |given: Option<i64>, default: usize| -> ApiResult<usize> {
        given.map_or(Ok(default), |n| {
            usize::try_from(n).map_err(|_| ApiError::bad_request("run counts must not be negative"))
        })
    };
    let window = Window {
        start,
        end,
        min_time,
        min_runs: count(body.min_runs.map(|n| n.0), settings.min_runs)?,
        max_runs: count(body.max_runs.map(|n| n.0), settings.max_runs)?,
    };
    scheduler::schedule_runs(&state.db, &state.writer, id, &window).await?;
    Ok(Json(Value::Null))
}

/// `GET /deployments/{id}/work_queue_check` (deprecated in Prefect): the queues whose legacy filter would pick
/// the deployment up: the filter's tags, if any, are all the deployment's; its deployment ids, if any, include
/// it. Queues without a filter (all queues made since Prefect 2) pick every deployment up.
async fn work_queue_check(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CoreWorkQueue>>> {
    let id = path_id(&id)?;
    let deployment = store::read(&state.db, id).await?.ok_or_else(not_found)?;
    let tags = deployment.tags.0.as_array().cloned().unwrap_or_default();
    let queues =
        crate::store::work_queues::filter(&state.db, None, &json!({}), i64::MAX, 0).await?;
    let listed = |key: &str, filter: &Value| {
        filter
            .get(key)
            .and_then(Value::as_array)
            .filter(|items| !items.is_empty())
            .cloned()
    };
    let picks = |queue: &&crate::store::work_queues::WorkQueue| {
        let Some(filter) = queue.filter.as_ref().map(|f| &f.0) else {
            return true;
        };
        let tags_ok =
            listed("tags", filter).is_none_or(|wanted| wanted.iter().all(|t| tags.contains(t)));
        let ids_ok = listed("deployment_ids", filter)
            .is_none_or(|ids| ids.contains(&Value::String(id.to_string())));
        tags_ok && ids_ok
    };
    Ok(Json(
        queues
            .iter()
            .filter(picks)
            .map(CoreWorkQueue::new)
            .collect(),
    ))
}

async fn set_paused(state: &Shared, id: &str, paused: bool) -> ApiResult<Json<Value>> {
    let id = path_id(id)?;
    // Unlike a PATCH, these two leave the future runs alone, except that pausing removes every auto-scheduled
    // run still waiting.
    if !store::set_paused(&state.writer, id, paused).await? {
        return Err(not_found());
    }
    if paused {
        store::delete_auto_scheduled_runs(&state.writer, id, false).await?;
    } else {
        schedule_now(state, id).await;
    }
    Ok(Json(Value::Null))
}

async fn pause(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    set_paused(&state, &id, true).await
}

async fn resume(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    set_paused(&state, &id, false).await
}

/// The deployment's filters as the store reads them.
fn criteria(body: &FlowRunCriteria) -> Criteria {
    body.criteria()
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<DeploymentFilterBody>,
) -> ApiResult<Json<Vec<Deployment>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let rows = store::filter(
        &state.db,
        &criteria(&body.criteria),
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    let now = Timestamp::now();
    let full = store::with_schedules(&state.db, rows).await?;
    Ok(Json(full.iter().map(|f| Deployment::new(f, now)).collect()))
}

async fn count(
    State(state): State<Shared>,
    Body(body): Body<FlowRunCriteria>,
) -> ApiResult<Json<i64>> {
    Ok(Json(store::count(&state.db, &criteria(&body)).await?))
}

async fn paginate(
    State(state): State<Shared>,
    Body(body): Body<DeploymentPaginateBody>,
) -> ApiResult<Json<DeploymentPage>> {
    let (limit, _) = page(body.limit, None)?;
    let page_number = body.page.map_or(1, |p| p.0);
    let offset = (page_number - 1).saturating_mul(limit);
    let criteria = criteria(&body.criteria);
    let rows = store::filter(
        &state.db,
        &criteria,
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    let count = store::count(&state.db, &criteria).await?;
    let now = Timestamp::now();
    let full = store::with_schedules(&state.db, rows).await?;
    Ok(Json(DeploymentPage {
        results: full.iter().map(|f| Deployment::new(f, now)).collect(),
        count,
        limit,
        pages: if limit > 0 {
            (count + limit - 1) / limit
        } else {
            0
        },
        page: page_number,
    }))
}

/// What `flow.serve()` polls: the deployments' Scheduled runs due by `scheduled_before`, soonest first; the
/// deployments are then READY, polled now.
async fn get_scheduled_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<ScheduledRunsBody>,
) -> ApiResult<Json<Vec<FlowRun>>> {
    let (limit, _) = page(body.limit, None)?;
    let ids: Vec<Id> = body.deployment_ids.iter().map(|u| u.0).collect();
    let mut runs_filter = json!({
        "deployment_id": { "any_": ids.iter().map(Id::to_string).collect::<Vec<_>>() },
        "state": { "type": { "any_": ["SCHEDULED"] } },
    });
    if let Some(before) = body.scheduled_before {
        runs_filter["next_scheduled_start_time"] = json!({ "before_": before.0.rfc3339() });
    }
    let criteria = Criteria {
        flow_runs: Some(runs_filter),
        ..Criteria::default()
    };
    let runs = flow_runs::filter(
        &state.db,
        &criteria,
        flow_runs::Sort::NextScheduledStartTimeAsc,
        limit,
        0,
    )
    .await?;
    let became_ready = store::mark_ready(&state.writer, &ids).await?;
    for (id, _) in became_ready {
        if let Some(deployment) = store::read_for_writer(&state.writer, id).await? {
            lifecycle(&state, "ready", &deployment).await;
        }
    }
    let now = Timestamp::now();
    Ok(Json(runs.iter().map(|r| FlowRun::new(r, now)).collect()))
}

/// Schedules sent in a `POST /deployments/{id}/schedules`, as the store adds them.
pub fn new_schedules(sent: Vec<DeploymentScheduleCreate>) -> Vec<NewSchedule> {
    sent.into_iter().map(new_schedule).collect()
}
