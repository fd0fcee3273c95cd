//! `/deployments/{id}/schedules`: a deployment's schedules, listed, added, changed and deleted, as Prefect's
//! routes answer. Changing or deleting a schedule removes the deployment's auto-scheduled runs still waiting
//! (only future ones after a change), so the scheduler makes them again from the schedules as they are now.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde_json::json;

use super::deployments::{new_schedules, not_found_dot, schedule_changes};
use super::schemas::deployments::{
    DeploymentSchedule, DeploymentScheduleCreate, DeploymentScheduleUpdate,
};
use super::{ApiError, ApiResult, Body, Shared, path_id};
use crate::db::types::Id;
use crate::store::deployment_schedules::{self as store, Target};
use crate::store::deployments;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/deployments/{id}/schedules",
            get(read_schedules).post(create_schedules),
        )
        .route(
            "/deployments/{id}/schedules/{schedule_id}",
            patch(update_schedule).delete(delete_schedule),
        )
}

/// The deployment, which must exist (Prefect's "Deployment not found." otherwise).
async fn existing(state: &Shared, id: &str) -> ApiResult<Id> {
    let id = path_id(id)?;
    deployments::read(&state.db, id)
        .await?
        .ok_or_else(not_found_dot)?;
    Ok(id)
}

fn schedule_not_found() -> ApiError {
    ApiError::not_found_plain("Schedule not found.")
}

async fn read_schedules(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DeploymentSchedule>>> {
    let id = existing(&state, &id).await?;
    let rows = store::for_deployments(&state.db, &[id]).await?;
    Ok(Json(rows.iter().map(DeploymentSchedule::from).collect()))
}

async fn create_schedules(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<Vec<DeploymentScheduleCreate>>,
) -> ApiResult<(StatusCode, Json<Vec<DeploymentSchedule>>)> {
    let id = existing(&state, &id).await?;
    match store::create(&state.writer, id, &new_schedules(body)).await {
        Ok(rows) => Ok((
            StatusCode::CREATED,
            Json(rows.iter().map(DeploymentSchedule::from).collect()),
        )),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(ApiError {
            status: StatusCode::CONFLICT,
            body: json!({ "detail": "Schedule slugs must be unique within a deployment." }),
        }),
        Err(error) => Err(error.into()),
    }
}

async fn update_schedule(
    State(state): State<Shared>,
    Path((id, schedule_id)): Path<(String, String)>,
    Body(body): Body<DeploymentScheduleUpdate>,
) -> ApiResult<StatusCode> {
    let id = existing(&state, &id).await?;
    let schedule_id = path_id(&schedule_id)?;
    let changes = schedule_changes(body);
    if !store::update(&state.writer, id, &Target::Id(schedule_id), &changes).await? {
        return Err(schedule_not_found());
    }
    deployments::delete_auto_scheduled_runs(&state.writer, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_schedule(
    State(state): State<Shared>,
    Path((id, schedule_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let id = existing(&state, &id).await?;
    if !store::delete(&state.writer, id, path_id(&schedule_id)?).await? {
        return Err(schedule_not_found());
    }
    deployments::delete_auto_scheduled_runs(&state.writer, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
