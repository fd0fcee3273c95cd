//! `GET /flow_runs/{id}/graph` (V1: each task run with its upstream inputs, the V1 UI's radar) and
//! `/flow_runs/{id}/graph-v2` (the V2 UI's timeline: task and subflow runs as nodes, their edges, artifacts and
//! the run's states), as Prefect answers them.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::common::{not_found_exception, path_id};
use super::schemas::states::State as ResponseState;
use super::{ApiError, ApiResult, Shared};
use crate::db::types::{Id, Timestamp};
use crate::store::filter::Criteria;
use crate::store::graph::{self, Artifact, GraphError};
use crate::store::{flow_runs, task_runs};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flow_runs/{id}/graph", get(graph_v1))
        .route("/flow_runs/{id}/graph-v2", get(graph_v2))
}

fn time(t: Option<Timestamp>) -> Value {
    t.map_or(Value::Null, |t| json!(t.rfc3339()))
}

/// Each task run of the flow run, newest first, with the distinct inputs it was given.
async fn graph_v1(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let id = path_id(&id)?;
    if flow_runs::get(&state.db, id).await?.is_none() {
        return Err(not_found_exception("Flow run", id));
    }
    let criteria = Criteria {
        flow_runs: Some(json!({ "id": { "any_": [id.to_string()] } })),
        ..Criteria::default()
    };
    let runs =
        task_runs::filter(&state.db, &criteria, task_runs::Sort::IdDesc, i64::MAX, 0).await?;
    let now = Timestamp::now();
    let results = runs
        .iter()
        .map(|run| {
            let mut upstream: Vec<Value> = Vec::new();
            for inputs in run
                .task_inputs
                .0
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                for input in inputs.as_array().into_iter().flatten() {
                    if !upstream.contains(input) {
                        upstream.push(input.clone());
                    }
                }
            }
            let state = run.state();
            let untrackable = state
                .as_ref()
                .and_then(|s| s.details.get("untrackable_result"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let (estimated_run_time, _) = run.estimates_at(now);
            json!({
                "id": run.id.to_string(),
                "name": run.name,
                "upstream_dependencies": upstream,
                "state": state.as_ref().map(ResponseState::from),
                "expected_start_time": time(run.expected_start_time),
                "start_time": time(run.start_time),
                "end_time": time(run.end_time),
                "total_run_time": run.total_run_time,
                "estimated_run_time": estimated_run_time,
                "untrackable_result": untrackable,
            })
        })
        .collect();
    Ok(Json(results))
}

/// Prefect's `GraphArtifact` (data only for progress artifacts).
fn artifact(a: &Artifact) -> Value {
    let progress = a.kind.as_deref() == Some("progress");
    json!({
        "id": a.id.to_string(),
        "created": a.created.rfc3339(),
        "key": a.key,
        "type": a.kind,
        "is_latest": a.is_latest,
        "data": if progress { a.data.as_ref().map_or(Value::Null, |d| d.0.clone()) } else { Value::Null },
    })
}

async fn graph_v2(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    let since = match query.get("since") {
        Some(text) => crate::db::types::parse_time(text).ok_or_else(|| {
            ApiError::unprocessable(
                json!([{ "type": "datetime_parsing", "loc": ["query", "since"],
                         "msg": "Input should be a valid datetime", "input": text }]),
                Value::Null,
            )
        })?,
        None => Timestamp::earliest(),
    };
    let limits = state.graph_limits;
    let graph = match graph::v2(&state.db, id, since, limits).await {
        Ok(graph) => graph,
        Err(GraphError::NotFound) => {
            return Err(ApiError {
                status: StatusCode::NOT_FOUND,
                body: json!({ "exception_message": format!("Flow run {id} not found") }),
            });
        }
        Err(GraphError::TooLarge) => {
            let detail = format!(
                "The graph of flow run {id} has more than {} nodes.",
                limits.max_nodes
            );
            return Err(ApiError::bad_request(detail));
        }
        Err(GraphError::Database(e)) => return Err(e.into()),
    };
    let mut by_task: HashMap<Option<Id>, Vec<Value>> = HashMap::new();
    for a in &graph.artifacts {
        by_task.entry(a.task_run_id).or_default().push(artifact(a));
    }
    let edges = |ids: &[Id]| {
        ids.iter()
            .map(|i| json!({ "id": i.to_string() }))
            .collect::<Vec<_>>()
    };
    let roots: Vec<String> = graph
        .nodes
        .iter()
        .filter(|n| n.parents.is_empty())
        .map(|n| n.id.to_string())
        .collect();
    let nodes: Vec<Value> = graph
        .nodes
        .iter()
        .map(|n| {
            let node = json!({
                "kind": n.kind,
                "id": n.id.to_string(),
                "label": n.label,
                "state_type": n.state_type,
                "start_time": n.start_time.rfc3339(),
                "end_time": time(n.end_time),
                "parents": edges(&n.parents),
                "children": edges(&n.children),
                "encapsulating": edges(&n.encapsulating),
                "artifacts": by_task.get(&Some(n.id)).cloned().unwrap_or_default(),
            });
            json!([n.id.to_string(), node])
        })
        .collect();
    let states: Vec<Value> = graph
        .states
        .iter()
        .map(|s| json!({ "id": s.id.to_string(), "timestamp": s.timestamp.rfc3339(), "type": s.kind, "name": s.name }))
        .collect();
    Ok(Json(json!({
        "start_time": time(graph.start_time),
        "end_time": time(graph.end_time),
        "root_node_ids": roots,
        "nodes": nodes,
        "artifacts": by_task.remove(&None).unwrap_or_default(),
        "states": states,
    })))
}
