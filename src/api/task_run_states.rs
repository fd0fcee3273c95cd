//! `/task_run_states`: the states a task run has been through, read back (`prefect task-run inspect`, the UI).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};

use super::common::{path_id, query_id};
use super::schemas::states::State as ResponseState;
use super::{ApiError, ApiResult, Shared};
use crate::store::task_run_states;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/task_run_states/", get(read_states))
        .route("/task_run_states/{id}", get(read_state))
}

/// `GET /task_run_states/?task_run_id=…`: oldest first; an unknown run has no states (an empty list, as in Prefect).
async fn read_states(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Vec<ResponseState>>> {
    let run_id = query_id(&query, "task_run_id")?;
    let states = task_run_states::for_run(&state.db, run_id).await?;
    Ok(Json(states.iter().map(ResponseState::from).collect()))
}

async fn read_state(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<ResponseState>> {
    let found = task_run_states::get(&state.db, path_id(&id)?).await?;
    // Prefect's answer for both state tables says "Flow run state".
    let found = found.ok_or_else(|| ApiError::not_found_plain("Flow run state not found"))?;
    Ok(Json(ResponseState::from(&found)))
}
