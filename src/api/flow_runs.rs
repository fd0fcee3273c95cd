//! `/flow_runs`: create, read, update, filter and count flow runs, and propose their states.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::common::{api_version, bulk_limit, created_or_ok, not_found_exception, page, path_id};
use super::schemas::flow_runs::{
    BulkDeleteBody, BulkDeleteResponse, FlowRun, FlowRunCreate, FlowRunCriteria, FlowRunFilterBody,
    FlowRunUpdate,
};
use super::schemas::states::{OrchestrationResult, SetState, State as ResponseState};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::{Id, Timestamp};
use crate::orchestration::Decision;
use crate::store::filter::Criteria;
use crate::store::flow_runs::{self, Change, NewFlowRun};
use crate::store::flows;
use crate::store::states::{Proposed, State as RunState};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flow_runs/", post(create_flow_run))
        .route("/flow_runs/filter", post(filter_flow_runs))
        .route("/flow_runs/count", post(count_flow_runs))
        .route("/flow_runs/bulk_delete", post(bulk_delete_flow_runs))
        .route(
            "/flow_runs/{id}",
            get(read_flow_run)
                .patch(update_flow_run)
                .delete(delete_flow_run),
        )
        .route("/flow_runs/{id}/labels", patch(update_flow_run_labels))
        .route("/flow_runs/{id}/set_state", post(set_flow_run_state))
}

/// A flow's labels, which a new run inherits. No such flow is Prefect's answer to the run's foreign key, a 409.
/// A flow's labels never change through this API (a second create of a name keeps the first one's labels;
/// `PATCH /flows/{id}` sets only tags), so each is read once. A flow can be deleted: this replica forgets it then,
/// and a run another replica creates for it from a stale copy fails the foreign key itself, the same 409.
async fn flow_labels(state: &Shared, flow_id: Id) -> ApiResult<Map<String, Value>> {
    if let Some(labels) = known_flows(state).get(&flow_id) {
        return Ok(labels.clone());
    }
    let labels = flows::labels_for_writer(&state.writer, flow_id)
        .await?
        .ok_or_else(ApiError::integrity_conflict)?;
    let mut known = known_flows(state);
    if known.len() >= 10_000 {
        known.clear();
    }
    known.insert(flow_id, labels.clone());
    Ok(labels)
}

/// The cache of flow labels. A panic elsewhere while it was held cannot leave it half-written (each change is
/// one call), so a poisoned lock is used as it is rather than failing every later run creation.
pub fn known_flows(
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
    Body(body): Body<FlowRunCreate>,
) -> ApiResult<Response> {
    let flow_id = body.flow_id.0;
    // A pool (and queue) named: the run goes to that queue, or the pool's default one, as in Prefect.
    let queue = match &body.work_pool_name {
        Some(pool) => Some(
            super::work_pools::queue_for_run(&state, pool, body.work_queue_name.as_deref()).await?,
        ),
        None => None,
    };
    let mut labels = flow_labels(&state, flow_id).await?;
    labels.insert("prefect.flow.id".into(), json!(flow_id.to_string()));
    labels.extend(body.labels.unwrap_or_default());
    let proposed = body.state.map_or_else(
        || Proposed::new("PENDING", "Pending"),
        |s| s.into_proposed(),
    );
    let policy = body
        .empirical_policy
        .map_or_else(|| flow_runs::normalise_policy(&json!({})), |p| p.0);
    let new = NewFlowRun {
        flow_id,
        name: body
            .name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug),
        flow_version: body.flow_version,
        parameters: Value::Object(body.parameters.unwrap_or_default()),
        context: Value::Object(body.context.unwrap_or_default()),
        parent_task_run_id: body.parent_task_run_id.map(|id| id.0),
        infrastructure_document_id: body.infrastructure_document_id.map(|id| id.0),
        empirical_policy: policy,
        tags: json!(body.tags.unwrap_or_default()),
        labels: Value::Object(labels),
        idempotency_key: body.idempotency_key,
        work_queue_name: body.work_queue_name,
        job_variables: Value::Object(body.job_variables.unwrap_or_default()),
        deployment_id: body.deployment_id.map(|id| id.0),
        state: proposed,
    };
    // The queue goes in with the run, in one write. Its stored `work_queue_name` stays as the client sent it,
    // as in Prefect's table (the legacy queue routes match runs by that stored name); the answer shows the
    // queue's own name, as Prefect's does.
    let (mut run, transition) = flow_runs::create_for_deployment(
        &state.writer,
        new,
        queue.as_ref().map(|(id, _)| *id),
        None,
        api_version(&headers),
    )
    .await?;
    if let (Some((_, name)), Some(_)) = (queue, &transition) {
        run.work_queue_name = Some(name);
    }
    flow_runs::fill_pool(&state.db, &mut run).await?;
    if let Some(transition) = &transition {
        emit_state_event(&state, transition).await;
    }
    Ok(created_or_ok(
        transition.is_some(),
        FlowRun::new(&run, Timestamp::now()),
    ))
}

async fn read_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<FlowRun>> {
    let run = flow_runs::get(&state.db, path_id(&id)?).await?;
    let run = run.ok_or_else(|| ApiError::not_found_plain("Flow run not found"))?;
    Ok(Json(FlowRun::new(&run, Timestamp::now())))
}

/// The columns a `FlowRunUpdate` sets, in Prefect's field order.
fn changes(update: FlowRunUpdate) -> Vec<Change> {
    let mut changes = Vec::new();
    if let Some(name) = update.name {
        changes.push(Change::Text("name", name));
    }
    if let Some(version) = update.flow_version {
        changes.push(Change::Text("flow_version", version));
    }
    if let Some(parameters) = update.parameters {
        changes.push(Change::Json("parameters", Value::Object(parameters)));
    }
    if let Some(policy) = update.empirical_policy {
        changes.push(Change::Json("empirical_policy", policy.0));
    }
    if let Some(tags) = update.tags {
        changes.push(Change::Json("tags", json!(tags)));
    }
    if let Some(pid) = update.infrastructure_pid {
        changes.push(Change::Text("infrastructure_pid", pid));
    }
    if let Some(variables) = update.job_variables {
        changes.push(Change::Json(
            "job_variables",
            variables.map_or(Value::Null, Value::Object),
        ));
    }
    changes
}

async fn update_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<FlowRunUpdate>,
) -> ApiResult<StatusCode> {
    if flow_runs::update(&state.writer, path_id(&id)?, &changes(body)).await? {
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

/// Prefect's `OrchestrationResult`: 201 when a state was written, 200 otherwise.
pub fn orchestration_response(decision: &Decision, current: Option<RunState>) -> Response {
    let written = decision.write.is_some();
    let status = if written {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = OrchestrationResult {
        state: current.as_ref().map(ResponseState::from),
        status: decision.status.as_str(),
        details: decision.details(),
    };
    (status, Json(body)).into_response()
}

async fn set_flow_run_state(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<SetState>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let force = body.force();
    let proposed = body.state.into_proposed();
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
pub async fn emit_state_event(state: &Shared, transition: &flow_runs::Transition) {
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
    Body(body): Body<FlowRunFilterBody>,
) -> ApiResult<Json<Vec<FlowRun>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let now = Timestamp::now();
    let criteria = body.criteria.criteria();
    let runs = flow_runs::filter(
        &state.db,
        &criteria,
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    Ok(Json(runs.iter().map(|r| FlowRun::new(r, now)).collect()))
}

async fn count_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<FlowRunCriteria>,
) -> ApiResult<Json<i64>> {
    Ok(Json(flow_runs::count(&state.db, &body.criteria()).await?))
}

async fn delete_flow_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let deleted = flow_runs::delete(&state.writer, vec![path_id(&id)?]).await?;
    if deleted.is_empty() {
        Err(ApiError::not_found_plain("Flow run not found"))
    } else {
        Ok(StatusCode::NO_CONTENT)
    }
}

/// `POST /flow_runs/bulk_delete`: up to `limit` runs matching `flow_runs` (any runs without it).
async fn bulk_delete_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<BulkDeleteBody>,
) -> ApiResult<Json<BulkDeleteResponse>> {
    let limit = bulk_limit(body.limit)?;
    let criteria = Criteria {
        flow_runs: body.flow_runs,
        ..Criteria::default()
    };
    let matching =
        flow_runs::filter(&state.db, &criteria, flow_runs::Sort::default(), limit, 0).await?;
    let deleted = flow_runs::delete(&state.writer, matching.iter().map(|r| r.id).collect()).await?;
    let deleted = deleted.iter().map(Id::to_string).collect();
    Ok(Json(BulkDeleteResponse { deleted }))
}
