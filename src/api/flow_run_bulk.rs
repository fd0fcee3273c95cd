//! `POST /flow_runs/bulk_set_state`: proposes one state to up to `limit` flow runs matching a filter, each
//! orchestrated on its own as `set_state` does, and answers each run's result (Prefect's
//! `FlowRunBulkSetStateResponse`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::{api_version, bulk_limit};
use super::flow_runs::emit_state_event;
use super::schemas::fields::{LaxBool, LaxInt};
use super::schemas::states::{State as ResponseState, StateCreate};
use super::{ApiResult, Body, Shared};
use crate::store::filter::Criteria;
use crate::store::flow_runs;

pub fn routes() -> Router<Shared> {
    Router::new().route("/flow_runs/bulk_set_state", post(bulk_set_state))
}

/// The body: which runs (all when not given), the state, whether to skip the orchestration rules, how many.
#[derive(Debug, Deserialize)]
pub struct BulkSetStateBody {
    #[serde(default)]
    pub flow_runs: Option<Value>,
    pub state: StateCreate,
    #[serde(default)]
    pub force: Option<LaxBool>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
}

async fn bulk_set_state(
    State(state): State<Shared>,
    headers: HeaderMap,
    Body(body): Body<BulkSetStateBody>,
) -> ApiResult<Json<Value>> {
    let limit = bulk_limit(body.limit)?;
    let force = body.force.is_some_and(|f| f.0);
    let criteria = Criteria {
        flow_runs: body.flow_runs,
        ..Criteria::default()
    };
    let matching =
        flow_runs::filter(&state.db, &criteria, flow_runs::Sort::default(), limit, 0).await?;
    let proposed = body.state.into_proposed();
    let mut results = Vec::with_capacity(matching.len());
    for run in matching {
        let proposed = proposed.clone();
        // One run failing (deleted meanwhile, a database error) is that run's ABORT, as in Prefect.
        let outcome = flow_runs::set_state(
            &state.writer,
            run.id,
            proposed,
            force,
            api_version(&headers),
        )
        .await;
        let result = match outcome {
            Ok(Some(transition)) => {
                emit_state_event(&state, &transition).await;
                json!({
                    "flow_run_id": run.id.to_string(),
                    "status": transition.decision.status.as_str(),
                    "state": transition.run.state().as_ref().map(ResponseState::from),
                    "details": transition.decision.details(),
                })
            }
            Ok(None) => abort(run.id, format!("Flow run with id {} not found", run.id)),
            Err(error) => abort(run.id, error.to_string()),
        };
        results.push(result);
    }
    Ok(Json(json!({ "results": results })))
}

fn abort(id: crate::db::types::Id, reason: String) -> Value {
    json!({
        "flow_run_id": id.to_string(),
        "status": "ABORT",
        "state": null,
        "details": { "type": "abort_details", "reason": reason },
    })
}
