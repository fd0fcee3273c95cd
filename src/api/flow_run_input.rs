//! Pausing flow runs: `POST /flow_runs/{id}/resume` (with `run_input` checked against the schema the paused flow
//! stored), and `/flow_runs/{id}/input…`, the keyed values a paused flow waits for.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::common::{api_version, path_id};
use super::flow_runs::{emit_state_event, orchestration_response};
use super::schemas::flow_run_input::{FlowRunInputCreate, FlowRunInputFilter, ResumeFlowRun};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::orchestration::run_input;
use crate::store::flow_run_input::{self, Created};
use crate::store::flow_runs;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/flow_runs/{id}/resume", post(resume))
        .route("/flow_runs/{id}/input", post(create))
        .route("/flow_runs/{id}/input/filter", post(filter))
        .route("/flow_runs/{id}/input/{key}", get(read).delete(delete))
}

fn input_not_found() -> ApiError {
    ApiError::not_found_plain("Flow run input not found")
}

/// Keys are Prefect's: lowercase letters, numbers and dashes (Prefect's server answers 500 to any other).
fn check_key(key: &str) -> ApiResult<()> {
    if key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Ok(());
    }
    Err(ApiError::invalid(
        &["body", "key"],
        format!(
            "Value error, key must only contain lowercase letters, numbers, and dashes; got {key:?}."
        ),
    ))
}

async fn create(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<FlowRunInputCreate>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    check_key(&body.key)?;
    match flow_run_input::create(
        &state.writer,
        id,
        &body.key,
        &body.value,
        body.sender.as_deref(),
    )
    .await?
    {
        Created::Yes => Ok((StatusCode::CREATED, Json(Value::Null)).into_response()),
        Created::KeyTaken => Err(ApiError {
            status: StatusCode::CONFLICT,
            body: json!({ "detail": "A flow run input with this key already exists." }),
        }),
        Created::NoSuchRun => Err(ApiError::not_found_plain("Flow run not found")),
    }
}

async fn filter(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<FlowRunInputFilter>,
) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    if body.limit < 0 {
        return Err(ApiError::invalid(
            &["body", "limit"],
            "Input should be greater than or equal to 0",
        ));
    }
    let found =
        flow_run_input::filter(&state.db, id, &body.prefix, body.limit, body.exclude_keys).await?;
    Ok(Json(Value::Array(
        found.iter().map(|i| i.to_json()).collect(),
    )))
}

/// The value as it was stored, as plain text (Prefect's answer).
async fn read(
    State(state): State<Shared>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let input = flow_run_input::read(&state.db, path_id(&id)?, &key).await?;
    let input = input.ok_or_else(input_not_found)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        input.value,
    )
        .into_response())
}

async fn delete(
    State(state): State<Shared>,
    Path((id, key)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    if flow_run_input::delete(&state.writer, path_id(&id)?, &key).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(input_not_found())
    }
}

/// An answer that writes nothing: the run keeps `current`.
fn refused(status: &str, reason: &str, current: Option<Value>) -> Response {
    let body = json!({
        "state": current,
        "status": status,
        "details": { "type": "abort_details", "reason": reason },
    });
    (StatusCode::OK, Json(body)).into_response()
}

/// Prefect's resume: only a paused run; its input checked when the pause waits for one; then the run is
/// proposed Running (or Scheduled `Resuming` when it was suspended) through the orchestration rules, which fail
/// it instead when its pause timed out. The input is stored before the state changes, so a flow that sees
/// itself running always finds it; it is taken back if the rules refuse the resume.
async fn resume(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(body): Body<ResumeFlowRun>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    // Prefect's server answers 500 for a run that does not exist.
    let run = flow_runs::get(&state.db, id).await?;
    let run = run.ok_or_else(|| ApiError::not_found_plain("Flow run not found"))?;
    let Some(paused) = run.state().filter(|s| s.state_type == "PAUSED") else {
        return Ok(refused(
            "ABORT",
            "Cannot resume a flow run that is not paused.",
            None,
        ));
    };
    let input = Value::Object(body.run_input.unwrap_or_default());
    let keyset = run_input::keyset(&paused);
    let mut stored_response = None;
    if let Some(keyset) = &keyset {
        let schema = flow_run_input::read(&state.db, id, &keyset.schema).await?;
        if let Err(reason) =
            run_input::check_against_stored(schema.as_ref().map(|s| s.value.as_str()), &input)
        {
            return Ok(refused(
                "REJECT",
                &reason,
                serde_json::to_value(super::schemas::states::State::from(&paused)).ok(),
            ));
        }
        if input.as_object().is_some_and(|i| !i.is_empty()) {
            let created = flow_run_input::create(
                &state.writer,
                id,
                &keyset.response,
                &input.to_string(),
                None,
            )
            .await?;
            stored_response = (created == Created::Yes).then_some(&keyset.response);
        }
    }
    let proposed = run_input::resumed_state(&paused, Timestamp::now());
    let transition =
        flow_runs::set_state(&state.writer, id, proposed, false, api_version(&headers)).await?;
    let accepted = transition
        .as_ref()
        .is_some_and(|t| t.decision.status == crate::orchestration::Status::Accept);
    if !accepted && let Some(key) = stored_response {
        flow_run_input::delete(&state.writer, id, key).await?;
    }
    let transition = transition.ok_or_else(|| ApiError::not_found_plain("Flow run not found"))?;
    emit_state_event(&state, &transition).await;
    Ok(orchestration_response(
        &transition.decision,
        transition.run.state(),
    ))
}
