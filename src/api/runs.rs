//! Flows, flow runs, task runs and logs: the endpoints a client uses to run flows and the CLI uses to show them.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::{ApiError, ApiResult, Body, Shared, checks};
use crate::db::types::{Id, Timestamp};
use crate::orchestration::{ApiVersion, Decision};
use crate::store::flow_runs::{self, NewFlowRun};
use crate::store::states::{Proposed, State as RunState};
use crate::store::task_runs::{self, NewTaskRun};
use crate::store::{flows, logs};

/// PREFECT_SERVER_API_DEFAULT_LIMIT, also the most a filter may ask for.
const DEFAULT_LIMIT: i64 = 200;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flows/", post(create_flow))
        .route("/flows/filter", post(filter_flows))
        .route("/flows/count", post(count_flows))
        .route("/flows/{id}", get(read_flow))
        .route("/flows/name/{name}", get(read_flow_by_name))
        .route("/flow_runs/", post(create_flow_run))
        .route("/flow_runs/filter", post(filter_flow_runs))
        .route("/flow_runs/count", post(count_flow_runs))
        .route("/flow_runs/{id}", get(read_flow_run).patch(update_flow_run))
        .route("/flow_runs/{id}/labels", patch(update_flow_run_labels))
        .route("/flow_runs/{id}/set_state", post(set_flow_run_state))
        .route("/task_runs/", post(create_task_run))
        .route("/task_runs/filter", post(filter_task_runs))
        .route("/task_runs/count", post(count_task_runs))
        .route("/task_runs/{id}", get(read_task_run))
        .route("/task_runs/{id}/set_state", post(set_task_run_state))
        .route("/logs/", post(create_logs))
        .route("/logs/filter", post(filter_logs))
}

/// A path id that is not a UUID is a route that does not exist, as in Prefect.
pub(super) fn path_id(text: &str) -> ApiResult<Id> {
    uuid::Uuid::parse_str(text).map(Id).map_err(|_| ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "detail": "Not Found" }),
    })
}

fn not_found_exception(what: &str, id: Id) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "exception_message": format!("{what} with id {id} not found") }),
    }
}

fn body_id(body: &Value, field: &str) -> ApiResult<Option<Id>> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .map(|u| Some(Id(u)))
            .ok_or_else(|| ApiError::invalid(&["body", field], "Input should be a valid UUID")),
    }
}

fn text(body: &Value, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn object_or(body: &Value, field: &str, default: Value) -> Value {
    body.get(field)
        .cloned()
        .filter(|v| !v.is_null())
        .unwrap_or(default)
}

/// `limit` (default and maximum 200) and `offset` of a filter body.
fn page(body: &Value) -> ApiResult<(i64, i64)> {
    let limit = match body.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(v) => checks::lax_int(v, &json!(["body", "limit"]))?,
    };
    let unprocessable = |detail: &str| ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail }),
    };
    if limit > DEFAULT_LIMIT {
        return Err(unprocessable(
            "Invalid limit: must be less than or equal to 200.",
        ));
    }
    if limit < 0 {
        return Err(unprocessable(
            "Invalid limit: must be greater than or equal to 0.",
        ));
    }
    let offset = match body.get("offset") {
        None | Some(Value::Null) => 0,
        Some(v) => checks::lax_int(v, &json!(["body", "offset"]))?,
    };
    if offset < 0 {
        return Err(ApiError::invalid(
            &["body", "offset"],
            "Input should be greater than or equal to 0",
        ));
    }
    Ok((limit, offset))
}

/// The client's `X-Prefect-API-Version`, which some orchestration rules depend on.
pub(super) fn api_version(headers: &HeaderMap) -> ApiVersion {
    super::parse_version(headers.get("x-prefect-api-version")?.to_str().ok()?.trim())
}

/// The proposed state at `body.state`: a known type, and times in its details that Prefect can read.
fn parse_state(state: &Value) -> ApiResult<Proposed> {
    let proposed =
        Proposed::parse(state).map_err(|e| ApiError::invalid(&["body", "state", "type"], e))?;
    for field in ["scheduled_time", "cache_expiration", "pause_timeout"] {
        let loc = json!(["body", "state", "state_details", field]);
        checks::optional_datetime(proposed.details.get(field), &loc)?;
    }
    Ok(proposed)
}

fn created_or_ok(created: bool, body: Value) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

// ------------------------------------------------------------------------------------------------ flows

async fn create_flow(State(state): State<Shared>, Body(body): Body<Value>) -> ApiResult<Response> {
    let name = text(&body, "name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::invalid(&["body", "name"], "Field required"))?;
    checks::string_list(body.get("tags"), "tags")?;
    let (flow, created) = flows::create(
        &state.writer,
        &name,
        &object_or(&body, "tags", json!([])),
        &object_or(&body, "labels", json!({})),
    )
    .await?;
    Ok(created_or_ok(created, flow.to_json()))
}

async fn read_flow(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let flow = flows::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    Ok(Json(flow.to_json()))
}

async fn read_flow_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<Json<Value>> {
    let body = json!({ "flows": { "name": { "any_": [name] } } });
    let flow = flows::filter(&state.db, &body, 1, 0)
        .await?
        .into_iter()
        .next();
    let flow = flow.ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    Ok(Json(flow.to_json()))
}

async fn filter_flows(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = page(&body)?;
    let found = flows::filter(&state.db, &body, limit, offset).await?;
    Ok(Json(Value::Array(
        found.iter().map(flows::Flow::to_json).collect(),
    )))
}

async fn count_flows(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(flows::count(&state.db, &body).await?)))
}

// -------------------------------------------------------------------------------------------- flow runs

/// A flow's labels, which a new run inherits; a 404 when the flow does not exist. Flows never change or go away
/// through this API (a second create of a name keeps the first one's labels), so each is read once, and a copy
/// cached here cannot go stale, even beside other replicas.
async fn flow_labels(state: &Shared, flow_id: Id) -> ApiResult<Map<String, Value>> {
    if let Some(labels) = known_flows(state).get(&flow_id) {
        return Ok(labels.clone());
    }
    let labels = flows::labels_for_writer(&state.writer, flow_id)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    let mut known = known_flows(state);
    if known.len() >= 10_000 {
        known.clear();
    }
    known.insert(flow_id, labels.clone());
    Ok(labels)
}

/// The cache of flow labels. A panic elsewhere while it was held cannot leave it half-written (each change is
/// one call), so a poisoned lock is used as it is rather than failing every later run creation.
fn known_flows(
    state: &Shared,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<Id, Map<String, Value>>> {
    state
        .known_flows
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn create_flow_run(
    State(state): State<Shared>,
    headers: HeaderMap,
    Body(body): Body<Value>,
) -> ApiResult<Response> {
    let flow_id = body_id(&body, "flow_id")?
        .ok_or_else(|| ApiError::invalid(&["body", "flow_id"], "Field required"))?;
    checks::string_list(body.get("tags"), "tags")?;
    let empirical_policy = checks::flow_run_policy(body.get("empirical_policy"))?;
    let mut labels = flow_labels(&state, flow_id).await?;
    labels.insert("prefect.flow.id".into(), json!(flow_id.to_string()));
    if let Some(given) = body.get("labels").and_then(Value::as_object) {
        labels.extend(given.clone());
    }
    let proposed = match body.get("state").filter(|s| !s.is_null()) {
        Some(s) => parse_state(s)?,
        None => Proposed::new("PENDING", "Pending"),
    };
    let new = NewFlowRun {
        flow_id,
        name: text(&body, "name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug),
        flow_version: text(&body, "flow_version"),
        parameters: object_or(&body, "parameters", json!({})),
        context: object_or(&body, "context", json!({})),
        parent_task_run_id: body_id(&body, "parent_task_run_id")?,
        infrastructure_document_id: body_id(&body, "infrastructure_document_id")?,
        empirical_policy,
        tags: object_or(&body, "tags", json!([])),
        labels: Value::Object(labels),
        idempotency_key: text(&body, "idempotency_key"),
        work_queue_name: text(&body, "work_queue_name"),
        job_variables: object_or(&body, "job_variables", json!({})),
        deployment_id: body_id(&body, "deployment_id")?,
        state: proposed,
    };
    let (run, transition) = flow_runs::create(&state.writer, new, api_version(&headers)).await?;
    if let Some(transition) = &transition {
        emit_state_event(&state, transition).await;
    }
    Ok(created_or_ok(
        transition.is_some(),
        run.to_json(Timestamp::now()),
    ))
}

async fn read_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let run = flow_runs::get(&state.db, path_id(&id)?).await?;
    let run = run.ok_or_else(|| ApiError::not_found_plain("Flow run not found"))?;
    Ok(Json(run.to_json(Timestamp::now())))
}

async fn update_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(mut body): Body<Map<String, Value>>,
) -> ApiResult<StatusCode> {
    checks::string_list(body.get("tags"), "tags")?;
    if let Some(policy) = body.get_mut("empirical_policy") {
        *policy = checks::flow_run_policy(Some(policy))?;
    }
    if flow_runs::update(&state.writer, path_id(&id)?, &body).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found_plain("Flow run not found"))
    }
}

async fn update_flow_run_labels(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<Map<String, Value>>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    if flow_runs::merge_labels(&state.writer, id, &body).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found_exception("Flow run", id))
    }
}

/// `{state, force}` → the orchestration result; 201 when a state was written, 200 otherwise.
fn proposed_state(body: &Value) -> ApiResult<(Proposed, bool)> {
    let state = body
        .get("state")
        .ok_or_else(|| ApiError::invalid(&["body", "state"], "Field required"))?;
    let force = match body.get("force") {
        None | Some(Value::Null) => false,
        Some(v) => checks::lax_bool(v, &json!(["body", "force"]))?,
    };
    Ok((parse_state(state)?, force))
}

pub(super) fn orchestration_response(decision: &Decision, current: Option<RunState>) -> Response {
    let written = decision.write.is_some();
    let status = if written {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = json!({
        "state": current.map(|s| s.to_json()),
        "status": decision.status.as_str(),
        "details": decision.details(),
    });
    (status, Json(body)).into_response()
}

async fn set_flow_run_state(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<Value>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let (proposed, force) = proposed_state(&body)?;
    let outcome =
        flow_runs::set_state(&state.writer, id, proposed, force, api_version(&headers)).await?;
    let transition = outcome.ok_or_else(|| not_found_exception("Flow run", id))?;
    emit_state_event(&state, &transition).await;
    Ok(orchestration_response(
        &transition.decision,
        transition.run.state(),
    ))
}

/// Like Prefect, every state a flow run enters is also an event (`prefect.flow-run.Running`, …): stored, and sent
/// to `/events/out` subscribers such as the client's cancellation observer.
pub(super) async fn emit_state_event(state: &Shared, transition: &flow_runs::Transition) {
    if transition.decision.write.is_none() {
        return;
    }
    let run = &transition.run;
    let Some(new) = run.state() else { return };
    let brief = |s: &RunState| {
        json!({ "type": s.state_type, "name": s.name, "message": s.message.clone().unwrap_or_default(),
                "state_details": crate::store::states::full_details(&s.details) })
    };
    let initial = transition.initial.as_ref();
    let follows = initial
        .filter(|i| (new.timestamp.0 - i.timestamp.0).num_minutes().abs() < 5)
        .map(|i| i.id.to_string());
    let event = json!({
        "occurred": new.timestamp.rfc3339(),
        "event": format!("prefect.flow-run.{}", new.name),
        "resource": {
            "prefect.resource.id": format!("prefect.flow-run.{}", run.id),
            "prefect.resource.name": run.name,
            "prefect.run-count": run.run_count.to_string(),
            "prefect.state-message": new.message.clone().unwrap_or_default(),
            "prefect.state-name": new.name,
            "prefect.state-timestamp": new.timestamp.rfc3339(),
            "prefect.state-type": new.state_type,
        },
        "related": [{ "prefect.resource.id": format!("prefect.flow.{}", run.flow_id), "prefect.resource.role": "flow" }],
        "payload": {
            "intended": { "from": initial.map(|i| i.state_type.clone()), "to": new.state_type },
            "initial_state": initial.map(brief),
            "validated_state": brief(&new),
        },
        "id": new.id.to_string(),
        "follows": follows,
    });
    super::events::receive(state, event).await;
}

async fn filter_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = page(&body)?;
    let now = Timestamp::now();
    let runs = flow_runs::filter(&state.db, &body, limit, offset).await?;
    Ok(Json(Value::Array(
        runs.iter().map(|r| r.to_json(now)).collect(),
    )))
}

async fn count_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(flow_runs::count(&state.db, &body).await?)))
}

// -------------------------------------------------------------------------------------------- task runs

async fn create_task_run(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Response> {
    let required = |field: &str| {
        text(&body, field).ok_or_else(|| ApiError::invalid(&["body", field], "Field required"))
    };
    let flow_run_id = body_id(&body, "flow_run_id")?;
    checks::string_list(body.get("tags"), "tags")?;
    let empirical_policy = checks::task_run_policy(body.get("empirical_policy"))?;
    let cache_expiration = checks::optional_datetime(
        body.get("cache_expiration"),
        &json!(["body", "cache_expiration"]),
    )?;
    let mut labels = Map::new();
    if let Some(flow_run_id) = flow_run_id {
        // Prefect's answer is its integrity-error handler's, from the task run's foreign key.
        let run = flow_runs::get(&state.db, flow_run_id)
            .await?
            .ok_or_else(ApiError::integrity_conflict)?;
        labels.insert("prefect.flow.id".into(), json!(run.flow_id.to_string()));
        labels.insert("prefect.flow-run.id".into(), json!(flow_run_id.to_string()));
    }
    if let Some(given) = body.get("labels").and_then(Value::as_object) {
        labels.extend(given.clone());
    }
    let proposed = match body.get("state").filter(|s| !s.is_null()) {
        Some(s) => parse_state(s)?,
        None => Proposed::new("PENDING", "Pending"),
    };
    let new = NewTaskRun {
        id: body_id(&body, "id")?.unwrap_or_else(crate::store::new_v7),
        name: text(&body, "name")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug),
        flow_run_id,
        task_key: required("task_key")?,
        dynamic_key: required("dynamic_key")?,
        cache_key: text(&body, "cache_key"),
        cache_expiration,
        task_version: text(&body, "task_version"),
        empirical_policy,
        tags: object_or(&body, "tags", json!([])),
        labels: Value::Object(labels),
        task_inputs: object_or(&body, "task_inputs", json!({})),
        state: proposed,
    };
    let (run, created) = task_runs::create(&state.writer, new).await?;
    Ok(created_or_ok(created, run.to_json(Timestamp::now())))
}

async fn read_task_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let run = task_runs::get(&state.db, path_id(&id)?).await?;
    let run = run.ok_or_else(|| ApiError::not_found_plain("Task not found"))?;
    Ok(Json(run.to_json(Timestamp::now())))
}

async fn set_task_run_state(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<Value>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let (proposed, force) = proposed_state(&body)?;
    let outcome = task_runs::set_state(&state.writer, id, proposed, force).await?;
    let (decision, run) = outcome.ok_or_else(|| not_found_exception("Task run", id))?;
    Ok(orchestration_response(&decision, run.state()))
}

async fn filter_task_runs(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = page(&body)?;
    let now = Timestamp::now();
    let runs = task_runs::filter(&state.db, &body, limit, offset).await?;
    Ok(Json(Value::Array(
        runs.iter().map(|r| r.to_json(now)).collect(),
    )))
}

async fn count_task_runs(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(task_runs::count(&state.db, &body).await?)))
}

// ------------------------------------------------------------------------------------------------- logs

async fn create_logs(State(state): State<Shared>, Body(body): Body<Value>) -> ApiResult<Response> {
    let items = body
        .as_array()
        .ok_or_else(|| ApiError::invalid(&["body"], "Input should be a valid list"))?;
    let parsed = items
        .iter()
        .enumerate()
        .map(|(i, v)| logs::parse(i, v))
        .collect::<ApiResult<Vec<_>>>()?;
    for log in logs::insert(&state.writer, parsed).await? {
        let _ = state.logs.send(std::sync::Arc::new(log.to_json()));
    }
    Ok((StatusCode::CREATED, Json(Value::Null)).into_response())
}

async fn filter_logs(
    State(state): State<Shared>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Value>> {
    let (limit, offset) = page(&body)?;
    let found = logs::filter(&state.db, &body, limit, offset).await?;
    Ok(Json(Value::Array(
        found.iter().map(logs::Log::to_json).collect(),
    )))
}
