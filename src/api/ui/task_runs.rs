//! `/ui/task_runs`: the dashboard's task-run chart, task-run counts by state, and a task run with its flow
//! run's name.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Timelike, Utc};
use serde_json::{Map, Value, json};

use crate::api::common::path_id;
use crate::api::schemas::task_runs::{TaskRun, TaskRunCriteria};
use crate::api::schemas::ui::{DashboardCountsBody, TaskRunCount, UiTaskRun};
use crate::api::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::filter::timestamp;
use crate::store::{flow_runs, task_runs, ui};

/// The dashboard chart's bars (Prefect's `bucket_count`).
const BUCKETS: usize = 20;

/// Prefect's `StateType`s in `CountByState`'s field order.
const STATE_TYPES: [&str; 9] = [
    "COMPLETED",
    "PENDING",
    "RUNNING",
    "FAILED",
    "CANCELLED",
    "CRASHED",
    "PAUSED",
    "CANCELLING",
    "SCHEDULED",
];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/ui/task_runs/dashboard/counts", post(dashboard_counts))
        .route("/ui/task_runs/count", post(counts_by_state))
        .route("/ui/task_runs/{id}", get(read_with_flow_run_name))
}

/// The last instant of `time`'s minute (Prefect's `end_of_period(…, "minute")`).
fn end_of_minute(time: Timestamp) -> Timestamp {
    let start = time.0.with_second(0).and_then(|t| t.with_nanosecond(0));
    let start = start.unwrap_or(time.0);
    Timestamp(start + chrono::Duration::microseconds(59_999_999))
}

/// Terminal task runs that started in the window `task_runs.start_time` gives (`after_` required, `before_` or
/// now its end), in 20 buckets: how many completed (or were cancelled), how many failed or crashed.
async fn dashboard_counts(
    State(state): State<Shared>,
    Body(body): Body<DashboardCountsBody>,
) -> ApiResult<Json<Vec<TaskRunCount>>> {
    let mut criteria = body.criteria.criteria();
    let Some(given) = criteria.task_runs.take() else {
        let detail = json!([{ "type": "missing", "loc": ["body", "task_runs"], "msg": "Field required", "input": null }]);
        return Err(ApiError::unprocessable(detail, Value::Null));
    };
    let mut filter = match given {
        Value::Object(filter) => filter,
        _ => Map::new(),
    };
    let window = filter.get("start_time").cloned().unwrap_or(Value::Null);
    let after = window.get("after_").filter(|a| !a.is_null());
    let Some(after) = after else {
        return Err(ApiError {
            status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "detail": "task_runs.start_time.after_ is required" }),
        });
    };
    let after = timestamp(after, "task_runs")?;
    let end = match window.get("before_").filter(|b| !b.is_null()) {
        Some(before) => end_of_minute(timestamp(before, "task_runs")?),
        None => end_of_minute(Timestamp(Utc::now())),
    };
    let start = after.0.with_second(0).and_then(|t| t.with_nanosecond(0));
    let start = Timestamp(start.unwrap_or(after.0));
    let width = (end.0 - start.0).num_microseconds().unwrap_or(0) as f64 / 1e6 / BUCKETS as f64;
    // Only terminal runs count, whatever state the client asked for (as in Prefect).
    filter.insert(
        "state".into(),
        json!({ "type": { "any_": ["COMPLETED", "CANCELLED", "FAILED", "CRASHED"] } }),
    );
    criteria.task_runs = Some(Value::Object(filter));
    criteria.work_pool_queues = body.work_queues;
    // A window that ends before it starts has no buckets to fill; Prefect divides by its negative width.
    if width <= 0.0 {
        return Ok(Json(empty_buckets()));
    }
    let counts = ui::task_run_outcomes(&state.db, &criteria, start, width, BUCKETS).await?;
    let bars = counts
        .iter()
        .map(|c| TaskRunCount {
            completed: c.completed,
            failed: c.failed,
        })
        .collect();
    Ok(Json(bars))
}

fn empty_buckets() -> Vec<TaskRunCount> {
    (0..BUCKETS)
        .map(|_| TaskRunCount {
            completed: 0,
            failed: 0,
        })
        .collect()
}

/// Prefect's `CountByState`: every state type, 0 when no run is in it.
async fn counts_by_state(
    State(state): State<Shared>,
    Body(body): Body<TaskRunCriteria>,
) -> ApiResult<Json<Map<String, Value>>> {
    let found = ui::task_runs_by_state(&state.db, &body.criteria()).await?;
    let answer = STATE_TYPES
        .iter()
        .map(|kind| {
            let n = found.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
            ((*kind).to_owned(), json!(n))
        })
        .collect();
    Ok(Json(answer))
}

async fn read_with_flow_run_name(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<UiTaskRun>> {
    let run = task_runs::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Task not found"))?;
    let flow_run_name = match run.flow_run_id {
        Some(flow_run) => flow_runs::get(&state.db, flow_run).await?.map(|r| r.name),
        None => None,
    };
    Ok(Json(UiTaskRun {
        run: TaskRun::new(&run, Timestamp::now()),
        flow_run_name,
    }))
}
