//! `/task_runs`: create, read, filter and count task runs, and propose their states (for clients that report
//! task runs over HTTP rather than as events).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::common::{created_or_ok, not_found_exception, page, path_id};
use super::flow_runs::orchestration_response;
use super::schemas::states::SetState;
use super::schemas::task_runs::{
    TaskRun, TaskRunCreate, TaskRunCriteria, TaskRunFilterBody, TaskRunUpdate,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::flow_runs;
use crate::store::states::Proposed;
use crate::store::task_runs::{self, NewTaskRun};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/task_runs/", post(create_task_run))
        .route("/task_runs/filter", post(filter_task_runs))
        .route("/task_runs/count", post(count_task_runs))
        .route(
            "/task_runs/{id}",
            get(read_task_run)
                .patch(update_task_run)
                .delete(delete_task_run),
        )
        .route("/task_runs/{id}/set_state", post(set_task_run_state))
}

async fn create_task_run(
    State(state): State<Shared>,
    Body(body): Body<TaskRunCreate>,
) -> ApiResult<Response> {
    let flow_run_id = body.flow_run_id.map(|id| id.0);
    let mut labels = Map::new();
    if let Some(flow_run_id) = flow_run_id {
        // Prefect's answer is its integrity-error handler's, from the task run's foreign key.
        let run = flow_runs::get(&state.db, flow_run_id)
            .await?
            .ok_or_else(ApiError::integrity_conflict)?;
        labels.insert("prefect.flow.id".into(), json!(run.flow_id.to_string()));
        labels.insert("prefect.flow-run.id".into(), json!(flow_run_id.to_string()));
    }
    labels.extend(body.labels.unwrap_or_default());
    let proposed = body.state.map_or_else(
        || Proposed::new("PENDING", "Pending"),
        |s| s.into_proposed(),
    );
    let new = NewTaskRun {
        id: body.id.map_or_else(crate::store::new_v7, |id| id.0),
        name: body
            .name
            .filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug),
        flow_run_id,
        task_key: body.task_key,
        dynamic_key: body.dynamic_key,
        cache_key: body.cache_key,
        cache_expiration: body.cache_expiration.map(|t| t.0),
        task_version: body.task_version,
        empirical_policy: body.empirical_policy.map_or_else(|| json!({}), |p| p.0),
        tags: json!(body.tags.unwrap_or_default()),
        labels: Value::Object(labels),
        task_inputs: Value::Object(body.task_inputs.unwrap_or_default()),
        state: proposed,
    };
    let (run, created) = task_runs::create(&state.writer, new).await?;
    Ok(created_or_ok(created, TaskRun::new(&run, Timestamp::now())))
}

async fn read_task_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<TaskRun>> {
    let run = task_runs::get(&state.db, path_id(&id)?).await?;
    let run = run.ok_or_else(|| ApiError::not_found_plain("Task not found"))?;
    Ok(Json(TaskRun::new(&run, Timestamp::now())))
}

async fn set_task_run_state(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<SetState>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let force = body.force();
    let outcome =
        task_runs::set_state(&state.writer, id, body.state.into_proposed(), force).await?;
    let (decision, run) = outcome.ok_or_else(|| not_found_exception("Task run", id))?;
    Ok(orchestration_response(&decision, run.state()))
}

async fn filter_task_runs(
    State(state): State<Shared>,
    Body(body): Body<TaskRunFilterBody>,
) -> ApiResult<Json<Vec<TaskRun>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let now = Timestamp::now();
    let criteria = body.criteria.criteria();
    let runs = task_runs::filter(
        &state.db,
        &criteria,
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    Ok(Json(runs.iter().map(|r| TaskRun::new(r, now)).collect()))
}

async fn count_task_runs(
    State(state): State<Shared>,
    Body(body): Body<TaskRunCriteria>,
) -> ApiResult<Json<i64>> {
    Ok(Json(task_runs::count(&state.db, &body.criteria()).await?))
}

async fn delete_task_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    if task_runs::delete(&state.writer, path_id(&id)?).await? {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found_plain("Task not found"))
    }
}

/// `PATCH /task_runs/{id}`: Prefect's `TaskRunUpdate` sets only the name (null or empty: a new random one).
async fn update_task_run(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<TaskRunUpdate>,
) -> ApiResult<axum::http::StatusCode> {
    let name = body.name.map(|n| {
        n.filter(|n| !n.is_empty())
            .unwrap_or_else(crate::names::slug)
    });
    if task_runs::rename(&state.writer, path_id(&id)?, name).await? {
        Ok(axum::http::StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found_plain("Task run not found"))
    }
}
