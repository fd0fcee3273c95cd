//! `POST /flow_runs/history`, `/task_runs/history` (the runs charts: runs per interval and state) and
//! `/flow_runs/lateness` (the dashboard's average lateness), as Prefect's `run_history` answers them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use super::schemas::flow_runs::FlowRunCriteria;
use super::schemas::history::{HistoryBody, HistoryInterval, HistoryState};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::history::{self, RunKind};

/// The most intervals one history answers (Prefect's cap).
const MAX_INTERVALS: f64 = 500.0;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flow_runs/history", post(flow_run_history))
        .route("/task_runs/history", post(task_run_history))
        .route("/flow_runs/lateness", post(lateness))
}

async fn flow_run_history(
    State(state): State<Shared>,
    Body(body): Body<HistoryBody>,
) -> ApiResult<Json<Vec<HistoryInterval>>> {
    run_history(&state, RunKind::Flow, &body).await.map(Json)
}

async fn task_run_history(
    State(state): State<Shared>,
    Body(body): Body<HistoryBody>,
) -> ApiResult<Json<Vec<HistoryInterval>>> {
    run_history(&state, RunKind::Task, &body).await.map(Json)
}

async fn run_history(
    state: &Shared,
    kind: RunKind,
    body: &HistoryBody,
) -> ApiResult<Vec<HistoryInterval>> {
    let interval = body.history_interval_seconds.0;
    // NaN and infinity are refused too.
    if !interval.is_finite() || interval < 1.0 {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "detail": "History interval must not be less than 1 second." }),
        });
    }
    let start = body.history_start.0;
    let elapsed = (body.history_end.0.0 - start.0)
        .num_microseconds()
        .unwrap_or(i64::MAX) as f64
        / 1e6;
    if elapsed <= 0.0 {
        return Ok(Vec::new());
    }
    let intervals = (elapsed / interval).ceil().min(MAX_INTERVALS) as i64;
    let criteria = body.criteria(matches!(kind, RunKind::Flow));
    let cells = history::cells(&state.db, kind, &criteria, start, interval, intervals).await?;
    let at = |i: i64| {
        start
            .checked_add_seconds(interval * i as f64)
            .unwrap_or(Timestamp::latest())
            .rfc3339()
    };
    let mut answer: Vec<HistoryInterval> = (0..intervals)
        .map(|i| HistoryInterval {
            interval_start: at(i),
            interval_end: at(i + 1),
            states: Vec::new(),
        })
        .collect();
    for cell in cells {
        let Some(slot) = usize::try_from(cell.bucket)
            .ok()
            .and_then(|b| answer.get_mut(b))
        else {
            continue;
        };
        slot.states.push(HistoryState {
            state_type: cell.state_type,
            state_name: cell.state_name,
            count_runs: cell.count_runs,
            sum_estimated_run_time: cell.sum_estimated_run_time,
            sum_estimated_lateness: cell.sum_estimated_lateness,
        });
    }
    Ok(answer)
}

/// The matching flow runs' average lateness in seconds; null when none match.
async fn lateness(
    State(state): State<Shared>,
    Body(body): Body<FlowRunCriteria>,
) -> ApiResult<Json<Option<f64>>> {
    Ok(Json(
        history::average_lateness(&state.db, &body.criteria()).await?,
    ))
}
