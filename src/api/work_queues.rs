//! The legacy `/work_queues` routes the CLI still uses (`prefect work-queue …`, and the engine's `GET
//! /work_queues/{id}`): queues by id, by name in `default-agent-pool`, their runs and health. A queue created
//! here without a pool goes into `default-agent-pool`, made on first use as Prefect makes it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::common::{not_found_exception, page, path_id};
use super::schemas::flow_runs::FlowRun;
use super::schemas::work_pools::{
    ConcurrencyStatus, ConcurrencyStatusBody, FilterBody, FlowRunSlotSummary, QueueRuns,
    QueueRunsBody, WorkQueue, WorkQueueCreate, WorkQueueUpdate, pages,
};
use super::work_pools::{
    apply_queue_update, new_queue, queue_changes, queue_responses, record_poll, remove_queue,
};
use super::{ApiError, ApiResult, Body, Shared, events};
use crate::db::types::{Id, Timestamp};
use crate::store::filter::or_null;
use crate::store::work_pools::{self as pools, NewPool};
use crate::store::work_queues::{self as queues, Deleted, Refused};
use crate::store::{on_db, pool_events};

/// The pool of queues made without one.
const DEFAULT_AGENT_POOL: &str = "default-agent-pool";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/work_queues/", post(create))
        .route("/work_queues/filter", post(filter))
        .route("/work_queues/name/{name}", get(read_by_name))
        .route("/work_queues/{id}", get(read).patch(update).delete(delete))
        .route("/work_queues/{id}/get_runs", post(get_runs))
        .route("/work_queues/{id}/status", get(status))
        .route(
            "/work_queues/{id}/concurrency_status",
            post(concurrency_status),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("work queue not found")
}

async fn response(state: &Shared, queue: &queues::WorkQueue) -> ApiResult<WorkQueue> {
    let slots = match queue.concurrency_limit {
        Some(_) => {
            queues::active_slots(&state.db, &[queue.id], "'PENDING', 'RUNNING', 'CANCELLING'")
                .await?
                .first()
                .map_or(0, |(_, n)| *n)
        }
        None => 0,
    };
    Ok(WorkQueue::new(queue, slots))
}

async fn create(
    State(state): State<Shared>,
    Body(body): Body<WorkQueueCreate>,
) -> ApiResult<(StatusCode, Json<WorkQueue>)> {
    let new = new_queue(body);
    let pool = match pools::read_by_name(&state.db, DEFAULT_AGENT_POOL).await? {
        Some(pool) => pool,
        None => {
            let made = pools::create(
                &state.writer,
                &NewPool {
                    name: DEFAULT_AGENT_POOL.into(),
                    description: None,
                    pool_type: pools::AGENT_TYPE.into(),
                    base_job_template: json!({}),
                    is_paused: false,
                    concurrency_limit: None,
                    storage_configuration: json!({
                        "bundle_upload_step": null,
                        "bundle_execution_step": null,
                        "default_result_storage_block_id": null,
                    }),
                },
            )
            .await?;
            match made {
                Some((pool, default)) => {
                    events::receive(&state, pool_events::queue_lifecycle("created", &default))
                        .await;
                    events::receive(&state, pool_events::pool_lifecycle("created", &pool)).await;
                    // Prefect answers the pool's own default queue for a legacy queue named "default".
                    if new.name == "default" {
                        return Ok((StatusCode::CREATED, Json(WorkQueue::new(&default, 0))));
                    }
                    pool
                }
                // Made by a concurrent request in between.
                None => pools::read_by_name(&state.db, DEFAULT_AGENT_POOL)
                    .await?
                    .ok_or_else(ApiError::internal)?,
            }
        }
    };
    match queues::create(&state.writer, pool.id, &new).await? {
        Ok(queue) => {
            events::receive(&state, pool_events::queue_lifecycle("created", &queue)).await;
            Ok((StatusCode::CREATED, Json(WorkQueue::new(&queue, 0))))
        }
        Err(Refused::Duplicate) => Err(ApiError {
            status: StatusCode::CONFLICT,
            body: json!({ "detail": "A work queue with this name already exists." }),
        }),
    }
}

/// `POST /work_queues/{id}/concurrency_status`: the runs holding the queue's slots (Pending, Running,
/// Cancelling), a page at a time; `active_slots` counts them all.
async fn concurrency_status(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<ConcurrencyStatusBody>,
) -> ApiResult<Json<ConcurrencyStatus<QueueRuns>>> {
    let (limit, _) = page(body.limit, None)?;
    let page_number = body.page.map_or(1, |p| p.0);
    let queue = queues::read(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Work queue not found."))?;
    let offset = (page_number - 1).saturating_mul(limit);
    let (count, holders) = queues::queue_slot_holders(&state.db, &queue, limit, offset).await?;
    let now = Timestamp::now();
    Ok(Json(ConcurrencyStatus {
        active_slots: count,
        concurrency_limit: queue.concurrency_limit,
        items: QueueRuns {
            flow_runs: holders
                .iter()
                .map(|r| FlowRunSlotSummary::new(r, now))
                .collect(),
        },
        count,
        limit,
        pages: pages(count, limit),
        page: page_number,
    }))
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<WorkQueue>> {
    let queue = queues::read(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(response(&state, &queue).await?))
}

async fn read_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<Json<WorkQueue>> {
    let queue = queues::read_by_legacy_name(&state.db, &name)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(response(&state, &queue).await?))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<Vec<WorkQueue>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let found = queues::filter(&state.db, None, or_null(&body.work_queues), limit, offset).await?;
    queue_responses(&state, &found, "'PENDING', 'RUNNING', 'CANCELLING'").await
}

async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<WorkQueueUpdate>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let missing = || ApiError::not_found_plain(&format!("Work Queue {id} not found"));
    let changes = queue_changes(body)?;
    apply_queue_update(&state, id, &changes)
        .await?
        .ok_or_else(missing)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    match remove_queue(&state, path_id(&id)?).await? {
        Deleted::Gone(_) => Ok(StatusCode::NO_CONTENT),
        Deleted::NotFound => Err(not_found()),
        // Prefect's database refuses it (the pool's foreign key), answered as its integrity conflict.
        Deleted::Default => Err(ApiError::integrity_conflict()),
    }
}

/// The queue's scheduled runs (the CLI's `work-queue preview`); a poll unless the UI asks
/// (`x-prefect-ui: true`).
async fn get_runs(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(body): Body<QueueRunsBody>,
) -> ApiResult<Json<Vec<FlowRun>>> {
    let id = path_id(&id)?;
    let (limit, _) = page(body.limit, None)?;
    let queue = queues::read(&state.db, id).await?.ok_or_else(|| ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "exception_message": format!("Work queue with id {id} not found.") }),
    })?;
    let before = body.scheduled_before.map(|t| t.0);
    let runs = queues::runs_in_queue(&state.db, &queue, before, limit).await?;
    let from_ui = headers
        .get("x-prefect-ui")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"));
    if !from_ui {
        record_poll(&state, queue.work_pool_id, std::slice::from_ref(&queue));
    }
    let now = Timestamp::now();
    Ok(Json(runs.iter().map(|r| FlowRun::new(r, now)).collect()))
}

/// `WorkQueueStatusDetail`: healthy when no run in the queue is Late and it was polled in the last minute.
async fn status(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = path_id(&id)?;
    let queue = queues::read(&state.db, id)
        .await?
        .ok_or_else(|| not_found_exception("Work queue", id))?;
    let late = late_runs(&state, id).await?;
    let recent = queue
        .last_polled
        .is_some_and(|t| (Timestamp::now().0 - t.0).as_seconds_f64() <= 60.0);
    Ok(Json(json!({
        "healthy": late == 0 && recent,
        "late_runs_count": late,
        "last_polled": queue.last_polled.map(|t| t.rfc3339()),
        "health_check_policy": { "maximum_late_runs": 0, "maximum_seconds_since_last_polled": 60 },
    })))
}

async fn late_runs(state: &Shared, queue: Id) -> ApiResult<i64> {
    Ok(on_db!(&state.db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM flow_run WHERE work_queue_id = $1 AND state_name = 'Late'",
    )
    .bind(queue)
    .fetch_one(pool)
    .await?))
}
