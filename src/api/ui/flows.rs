//! `/ui/flows`: each listed flow's deployment count and next scheduled run, keyed by flow id in the order asked.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::api::schemas::ui::{FlowIds, SimpleNextFlowRun};
use crate::api::{ApiResult, Body, Shared};
use crate::store::ui;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/ui/flows/count-deployments", post(count_deployments))
        .route("/ui/flows/next-runs", post(next_runs))
}

async fn count_deployments(
    State(state): State<Shared>,
    Body(body): Body<FlowIds>,
) -> ApiResult<Json<Map<String, Value>>> {
    let ids: Vec<_> = body.flow_ids.iter().map(|u| u.0).collect();
    let counts = ui::deployment_counts(&state.db, ids.clone()).await?;
    let answer = ids
        .iter()
        .map(|id| (id.to_string(), json!(counts.get(id).copied().unwrap_or(0))))
        .collect();
    Ok(Json(answer))
}

async fn next_runs(
    State(state): State<Shared>,
    Body(body): Body<FlowIds>,
) -> ApiResult<Json<Map<String, Value>>> {
    let ids: Vec<_> = body.flow_ids.iter().map(|u| u.0).collect();
    let runs = ui::next_runs(&state.db, ids.clone()).await?;
    let mut answer: Map<String, Value> =
        ids.iter().map(|id| (id.to_string(), Value::Null)).collect();
    for run in runs {
        let next = SimpleNextFlowRun {
            id: run.id.to_string(),
            flow_id: run.flow_id.to_string(),
            name: run.name,
            state_name: run.state_name,
            state_type: run.state_type,
            next_scheduled_start_time: run.next_scheduled_start_time.rfc3339(),
        };
        answer.insert(run.flow_id.to_string(), json!(next));
    }
    Ok(Json(answer))
}
