//! `/flows`: the flows a client registers before it runs them.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::common::{created_or_ok, page, path_id};
use super::schemas::flows::{Flow, FlowCreate, FlowCriteria, FlowFilterBody};
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::filter::Criteria;
use crate::store::flows;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flows/", post(create_flow))
        .route("/flows/filter", post(filter_flows))
        .route("/flows/count", post(count_flows))
        .route("/flows/{id}", get(read_flow))
        .route("/flows/name/{name}", get(read_flow_by_name))
}

async fn create_flow(
    State(state): State<Shared>,
    Body(body): Body<FlowCreate>,
) -> ApiResult<axum::response::Response> {
    let tags = serde_json::json!(body.tags.unwrap_or_default());
    let labels = serde_json::Value::Object(body.labels.unwrap_or_default());
    let (flow, created) = flows::create(&state.writer, &body.name.0, &tags, &labels).await?;
    Ok(created_or_ok(created, Flow::from(&flow)))
}

async fn read_flow(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Flow>> {
    let flow = flows::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    Ok(Json(Flow::from(&flow)))
}

async fn read_flow_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<Json<Flow>> {
    let criteria = Criteria {
        flows: Some(serde_json::json!({ "name": { "any_": [name] } })),
        ..Criteria::default()
    };
    let flow = flows::filter(&state.db, &criteria, None, 1, 0)
        .await?
        .into_iter()
        .next();
    let flow = flow.ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    Ok(Json(Flow::from(&flow)))
}

async fn filter_flows(
    State(state): State<Shared>,
    Body(body): Body<FlowFilterBody>,
) -> ApiResult<Json<Vec<Flow>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let criteria = body.criteria.criteria();
    let found = flows::filter(&state.db, &criteria, body.sort.as_deref(), limit, offset).await?;
    Ok(Json(found.iter().map(Flow::from).collect()))
}

async fn count_flows(
    State(state): State<Shared>,
    Body(body): Body<FlowCriteria>,
) -> ApiResult<Json<i64>> {
    Ok(Json(flows::count(&state.db, &body.criteria()).await?))
}
