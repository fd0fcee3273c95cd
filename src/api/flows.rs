//! `/flows`: the flows a client registers before it runs them.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};

use axum::http::StatusCode;

use super::common::{bulk_limit, created_or_ok, page, path_id};
use super::schemas::flow_runs::{BulkDeleteBody, BulkDeleteResponse};
use super::schemas::flows::{
    Flow, FlowCreate, FlowCriteria, FlowEvent, FlowFilterBody, FlowUpdate,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::filter::Criteria;
use crate::store::flows;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flows/", post(create_flow))
        .route("/flows/filter", post(filter_flows))
        .route("/flows/count", post(count_flows))
        .route("/flows/bulk_delete", post(bulk_delete_flows))
        .route(
            "/flows/{id}",
            get(read_flow).patch(update_flow).delete(delete_flow),
        )
        .route("/flows/name/{name}", get(read_flow_by_name))
}

async fn create_flow(
    State(state): State<Shared>,
    Body(body): Body<FlowCreate>,
) -> ApiResult<axum::response::Response> {
    let tags = serde_json::json!(body.tags.unwrap_or_default());
    let labels = serde_json::Value::Object(body.labels.unwrap_or_default());
    let (flow, created) = flows::create(&state.writer, &body.name.0, &tags, &labels).await?;
    if created {
        emit(&state, "created", &flow).await;
    }
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
    let flow = flows::filter(&state.db, &criteria, flows::Sort::default(), 1, 0)
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
    let found = flows::filter(
        &state.db,
        &criteria,
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    Ok(Json(found.iter().map(Flow::from).collect()))
}

async fn count_flows(
    State(state): State<Shared>,
    Body(body): Body<FlowCriteria>,
) -> ApiResult<Json<i64>> {
    Ok(Json(flows::count(&state.db, &body.criteria()).await?))
}

async fn update_flow(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<FlowUpdate>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    // An update that changes nothing is a 204 too when the flow exists, as in Prefect.
    if let Some(tags) = body.tags {
        flows::update_tags(&state.writer, id, &serde_json::json!(tags)).await?;
    }
    let flow = flows::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Flow not found"))?;
    emit(&state, "updated", &flow).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_flow(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let deleted = flows::delete(&state.writer, vec![id]).await?;
    forget_flows(&state, &deleted).await;
    if deleted.is_empty() {
        Err(ApiError::not_found_plain("Flow not found"))
    } else {
        Ok(StatusCode::NO_CONTENT)
    }
}

/// `POST /flows/bulk_delete`: up to `limit` flows matching `flows` (all flows without it), with what they hold.
async fn bulk_delete_flows(
    State(state): State<Shared>,
    Body(body): Body<BulkDeleteBody>,
) -> ApiResult<Json<BulkDeleteResponse>> {
    let limit = bulk_limit(body.limit)?;
    let criteria = Criteria {
        flows: body.flows,
        ..Criteria::default()
    };
    let matching = flows::filter(&state.db, &criteria, flows::Sort::default(), limit, 0).await?;
    let deleted = flows::delete(&state.writer, matching.iter().map(|f| f.id).collect()).await?;
    forget_flows(&state, &deleted).await;
    let deleted = deleted.iter().map(|f| f.id.to_string()).collect();
    Ok(Json(BulkDeleteResponse { deleted }))
}

/// Drops deleted flows from this replica's label cache, so a run of a deleted flow gets the 404 it should, and
/// tells subscribers, as Prefect does.
async fn forget_flows(state: &Shared, deleted: &[flows::Flow]) {
    {
        let mut known = super::flow_runs::known_flows(state);
        for flow in deleted {
            known.remove(&flow.id);
        }
    }
    for flow in deleted {
        emit(state, "deleted", flow).await;
    }
}

/// Prefect's `prefect.flow.<action>` lifecycle event, stored and sent to `/events/out` subscribers.
async fn emit(state: &Shared, action: &str, flow: &flows::Flow) {
    let event = serde_json::to_value(FlowEvent::new(action, flow)).unwrap_or_default();
    super::events::receive(state, event).await;
}
