//! `POST /flows/paginate`, `/flow_runs/paginate`, `/task_runs/paginate`: one page of a filter and the count of
//! everything that matches, as the UI's lists ask for them.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};

use super::common::page;
use super::schemas::flow_runs::FlowRun;
use super::schemas::flows::Flow;
use super::schemas::pages::{
    FlowPaginateBody, FlowRunPaginateBody, Page, TaskRunPaginateBody, page_offset,
};
use super::schemas::task_runs::TaskRun;
use super::{ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::{flow_runs, flows, task_runs};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flows/paginate", post(paginate_flows))
        .route("/flow_runs/paginate", post(paginate_flow_runs))
        .route("/task_runs/paginate", post(paginate_task_runs))
}

async fn paginate_flows(
    State(state): State<Shared>,
    Body(body): Body<FlowPaginateBody>,
) -> ApiResult<Json<Page<Flow>>> {
    let (limit, _) = page(body.limit, None)?;
    let (number, offset) = page_offset(body.page, limit);
    let criteria = body.criteria.criteria();
    let sort = body.sort.unwrap_or_default();
    let (rows, count) = tokio::try_join!(
        flows::filter(&state.db, &criteria, sort, limit, offset),
        flows::count(&state.db, &criteria),
    )?;
    let results = rows.iter().map(Flow::from).collect();
    Ok(Json(Page::new(results, count, limit, number)))
}

async fn paginate_flow_runs(
    State(state): State<Shared>,
    Body(body): Body<FlowRunPaginateBody>,
) -> ApiResult<Json<Page<FlowRun>>> {
    let (limit, _) = page(body.limit, None)?;
    let (number, offset) = page_offset(body.page, limit);
    let criteria = body.criteria.criteria();
    let sort = body.sort.unwrap_or_default();
    let (rows, count) = tokio::try_join!(
        flow_runs::filter(&state.db, &criteria, sort, limit, offset),
        flow_runs::count(&state.db, &criteria),
    )?;
    let now = Timestamp::now();
    let results = rows.iter().map(|r| FlowRun::new(r, now)).collect();
    Ok(Json(Page::new(results, count, limit, number)))
}

async fn paginate_task_runs(
    State(state): State<Shared>,
    Body(body): Body<TaskRunPaginateBody>,
) -> ApiResult<Json<Page<TaskRun>>> {
    let (limit, _) = page(body.limit, None)?;
    let (number, offset) = page_offset(body.page, limit);
    let criteria = body.criteria.criteria();
    let sort = body.sort.unwrap_or_default();
    let (rows, count) = tokio::try_join!(
        task_runs::filter(&state.db, &criteria, sort, limit, offset),
        task_runs::count(&state.db, &criteria),
    )?;
    let now = Timestamp::now();
    let results = rows.iter().map(|r| TaskRun::new(r, now)).collect();
    Ok(Json(Page::new(results, count, limit, number)))
}
