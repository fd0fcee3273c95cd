//! `/logs`: the logs a run writes, in batches, and reads back.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use super::common::page;
use super::schemas::logs::{Log, LogCreate, LogFilterBody};
use super::{ApiResult, Body, Shared};
use crate::store::logs;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/logs/", post(create_logs))
        .route("/logs/filter", post(filter_logs))
}

async fn create_logs(
    State(state): State<Shared>,
    Body(body): Body<Vec<LogCreate>>,
) -> ApiResult<Response> {
    let new = body.into_iter().map(LogCreate::into_new).collect();
    for log in logs::insert(&state.writer, new).await? {
        let shown = serde_json::to_value(Log::from(&log)).unwrap_or_default();
        let _ = state.logs.send(std::sync::Arc::new(shown));
    }
    Ok((StatusCode::CREATED, Json(serde_json::Value::Null)).into_response())
}

async fn filter_logs(
    State(state): State<Shared>,
    Body(body): Body<LogFilterBody>,
) -> ApiResult<Json<Vec<Log>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let found = logs::filter(
        &state.db,
        &body.criteria(),
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    Ok(Json(found.iter().map(Log::from).collect()))
}
