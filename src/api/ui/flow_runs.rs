//! `/ui/flow_runs`: the runs chart's dots (`history`) and each listed run's task-run count.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::api::schemas::ui::{FlowRunHistoryBody, FlowRunIds, SimpleFlowRun};
use crate::api::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::flow_runs::{self, Sort};
use crate::store::ui;

/// The most runs one history call answers (Prefect's `le=1000`), also its default.
const HISTORY_LIMIT: i64 = 1000;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/ui/flow_runs/history", post(history))
        .route("/ui/flow_runs/count-task-runs", post(count_task_runs))
}

async fn history(
    State(state): State<Shared>,
    Body(body): Body<FlowRunHistoryBody>,
) -> ApiResult<Json<Vec<SimpleFlowRun>>> {
    let limit = body.limit.map_or(HISTORY_LIMIT, |l| l.0);
    if limit > HISTORY_LIMIT {
        let msg = format!("Input should be less than or equal to {HISTORY_LIMIT}");
        return Err(out_of_bounds(
            "limit",
            "less_than_equal",
            &msg,
            limit,
            json!({ "le": HISTORY_LIMIT }),
        ));
    }
    let offset = body.offset.map_or(0, |o| o.0);
    if offset < 0 {
        let msg = "Input should be greater than or equal to 0";
        return Err(out_of_bounds(
            "offset",
            "greater_than_equal",
            msg,
            offset,
            json!({ "ge": 0 }),
        ));
    }
    let sort = body.sort.unwrap_or(Sort::ExpectedStartTimeDesc);
    // A negative limit is SQL's "no limit" on SQLite and an error on PostgreSQL; Prefect passes it through.
    let runs = flow_runs::filter(
        &state.db,
        &body.criteria.criteria(),
        sort,
        limit.max(0),
        offset,
    )
    .await?;
    let now = Timestamp::now();
    let dots = runs
        .iter()
        .map(|r| {
            let (duration, lateness) = r.estimates_at(now);
            SimpleFlowRun {
                id: r.id.to_string(),
                state_type: r.state_type.clone(),
                timestamp: r.start_time.or(r.expected_start_time).map(|t| t.rfc3339()),
                duration,
                lateness,
            }
        })
        .collect();
    Ok(Json(dots))
}

/// FastAPI's 422 for a body integer outside its bounds.
fn out_of_bounds(field: &str, kind: &str, msg: &str, input: i64, ctx: Value) -> ApiError {
    let detail =
        json!([{ "type": kind, "loc": ["body", field], "msg": msg, "input": input, "ctx": ctx }]);
    ApiError::unprocessable(detail, Value::Null)
}

async fn count_task_runs(
    State(state): State<Shared>,
    Body(body): Body<FlowRunIds>,
) -> ApiResult<Json<Map<String, Value>>> {
    let ids: Vec<_> = body.flow_run_ids.iter().map(|u| u.0).collect();
    let counts = ui::task_run_counts(&state.db, ids.clone()).await?;
    let answer = ids
        .iter()
        .map(|id| (id.to_string(), json!(counts.get(id).copied().unwrap_or(0))))
        .collect();
    Ok(Json(answer))
}
