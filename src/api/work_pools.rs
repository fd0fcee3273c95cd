//! `/work_pools`: pools of work (create with their `default` queue, read, update, pause/resume through
//! `is_paused`, delete, filter, count), their queues (`/work_pools/{name}/queues`), and the poll a worker makes,
//! `/work_pools/{name}/get_scheduled_flow_runs`. Workers and the worker channel are in `workers.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::common::page;
use super::schemas::flow_runs::FlowRun;
use super::schemas::work_pools::{
    ConcurrencyStatus, ConcurrencyStatusBody, FilterBody, FlowRunSlotSummary, PoolQueues,
    QueueConcurrencyDetail, ScheduledRunsBody, WorkPool, WorkPoolCreate, WorkPoolUpdate, WorkQueue,
    WorkQueueCreate, WorkQueueUpdate, WorkerFlowRun, pages,
};
use super::{ApiError, ApiResult, Body, Shared, events};
use crate::db::types::{Id, Timestamp};
use crate::store::work_pools::{self as pools, NewPool, WorkPool as StoredPool};
use crate::store::work_queues::{self as queues, Deleted, NewQueue, PolledQueue, Refused};
use crate::store::{filter::or_null, pool_events};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/work_pools/", post(create_pool))
        .route("/work_pools/filter", post(filter_pools))
        .route("/work_pools/count", post(count_pools))
        .route(
            "/work_pools/{name}",
            get(read_pool).patch(update_pool).delete(delete_pool),
        )
        .route(
            "/work_pools/{name}/get_scheduled_flow_runs",
            post(get_scheduled_flow_runs),
        )
        .route(
            "/work_pools/{name}/concurrency_status",
            post(concurrency_status),
        )
        .route("/work_pools/{name}/queues", post(create_queue))
        .route("/work_pools/{name}/queues/filter", post(filter_queues))
        .route(
            "/work_pools/{name}/queues/{queue}",
            get(read_queue).patch(update_queue).delete(delete_queue),
        )
}

/// Prefect's 404 for a pool name that does not exist.
pub fn pool_not_found(name: &str) -> ApiError {
    ApiError::not_found_plain(&format!("Work pool \"{name}\" not found."))
}

fn queue_not_found(pool: &str, queue: &str) -> ApiError {
    ApiError::not_found_plain(&format!("Work pool queue '{pool}/{queue}' not found."))
}

fn forbidden(detail: &str) -> ApiError {
    ApiError {
        status: StatusCode::FORBIDDEN,
        body: json!({ "detail": detail }),
    }
}

fn conflict(detail: &str) -> ApiError {
    ApiError {
        status: StatusCode::CONFLICT,
        body: json!({ "detail": detail }),
    }
}

/// Names starting with "prefect" (any case) are Prefect's own.
fn reserved(name: &str) -> bool {
    name.to_lowercase().starts_with("prefect")
}

pub async fn pool_by_name(state: &Shared, name: &str) -> ApiResult<StoredPool> {
    pools::read_by_name(&state.db, name)
        .await?
        .ok_or_else(|| pool_not_found(name))
}

/// The pool as Prefect answers it, with its active slots when it has a limit.
pub async fn pool_response(state: &Shared, pool: &StoredPool) -> ApiResult<WorkPool> {
    let slots = match pool.concurrency_limit {
        Some(_) => pools::active_slots(&state.db, &[pool.id])
            .await?
            .first()
            .map_or(0, |(_, n)| *n),
        None => 0,
    };
    Ok(WorkPool::new(pool, slots))
}

/// The queue a new run named with `work_pool_name` goes to: `queue` in that pool, or the pool's default queue;
/// Prefect's 404s when either does not exist.
pub async fn queue_for_run(
    state: &Shared,
    pool: &str,
    queue: Option<&str>,
) -> ApiResult<(Id, String)> {
    let queue = match queue {
        Some(queue) => queue_by_name(state, pool, queue).await?,
        None => {
            let id = pool_by_name(state, pool)
                .await?
                .default_queue_id
                .ok_or_else(|| pool_not_found(pool))?;
            queues::read(&state.db, id)
                .await?
                .ok_or_else(|| pool_not_found(pool))?
        }
    };
    Ok((queue.id, queue.name))
}

async fn emit(state: &Shared, event: Value) {
    events::receive(state, event).await;
}

async fn create_pool(
    State(state): State<Shared>,
    Body(body): Body<WorkPoolCreate>,
) -> ApiResult<(StatusCode, Json<WorkPool>)> {
    let name = body.name.0;
    if reserved(&name) {
        return Err(forbidden(
            "Work pools starting with 'Prefect' are reserved for internal use.",
        ));
    }
    let new = NewPool {
        name,
        description: body.description,
        pool_type: body.r#type.unwrap_or_else(|| pools::AGENT_TYPE.to_owned()),
        base_job_template: Value::Object(body.base_job_template.0),
        is_paused: body.is_paused,
        concurrency_limit: body.concurrency_limit.map(|l| l.0),
        storage_configuration: body.storage_configuration.unwrap_or_default().to_json(),
    };
    let (pool, queue) = pools::create(&state.writer, &new)
        .await?
        .ok_or_else(|| conflict("A work pool with this name already exists."))?;
    emit(&state, pool_events::queue_lifecycle("created", &queue)).await;
    emit(&state, pool_events::pool_lifecycle("created", &pool)).await;
    if pool.pool_type != pools::AGENT_TYPE {
        emit(
            &state,
            pool_events::pool_status(
                None,
                &pool,
                pool.last_status_event_id
                    .unwrap_or_else(crate::store::new_v7),
            ),
        )
        .await;
    }
    Ok((StatusCode::CREATED, Json(WorkPool::new(&pool, 0))))
}

async fn read_pool(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<Json<WorkPool>> {
    let pool = pool_by_name(&state, &name).await?;
    Ok(Json(pool_response(&state, &pool).await?))
}

async fn filter_pools(
    State(state): State<Shared>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<Vec<WorkPool>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let found = pools::filter(&state.db, or_null(&body.work_pools), limit, offset).await?;
    let limited: Vec<Id> = found
        .iter()
        .filter(|p| p.concurrency_limit.is_some())
        .map(|p| p.id)
        .collect();
    let slots: HashMap<Id, i64> = pools::active_slots(&state.db, &limited)
        .await?
        .into_iter()
        .collect();
    Ok(Json(
        found
            .iter()
            .map(|p| WorkPool::new(p, slots.get(&p.id).copied().unwrap_or(0)))
            .collect(),
    ))
}

async fn count_pools(
    State(state): State<Shared>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<i64>> {
    Ok(Json(
        pools::count(&state.db, or_null(&body.work_pools)).await?,
    ))
}

/// A patch field of a NOT NULL column: null is Prefect's integrity 409.
fn not_null<T>(field: Option<Option<T>>) -> ApiResult<Option<T>> {
    match field {
        Some(None) => Err(ApiError::integrity_conflict()),
        Some(Some(value)) => Ok(Some(value)),
        None => Ok(None),
    }
}

/// `{"field": {"from": …, "to": …}}` for each field whose value changed.
fn changed(pairs: &[(&str, Value, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .filter(|(_, from, to)| from != to)
        .map(|(field, from, to)| ((*field).to_owned(), json!({ "from": from, "to": to })))
        .collect()
}

async fn update_pool(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<WorkPoolUpdate>,
) -> ApiResult<StatusCode> {
    let set = body.fields_set();
    if reserved(&name)
        && set
            .iter()
            .any(|f| *f != "is_paused" && *f != "concurrency_limit")
    {
        return Err(forbidden(
            "Work pools starting with 'Prefect' are reserved for internal use and can only be updated to set \
             concurrency limits or pause.",
        ));
    }
    let pool = pool_by_name(&state, &name).await?;
    let changes = pools::Changes {
        description: body.description,
        is_paused: not_null(body.is_paused)?,
        base_job_template: not_null(body.base_job_template)?.map(|t| Value::Object(t.0)),
        concurrency_limit: body.concurrency_limit.map(|l| l.map(|l| l.0)),
        storage_configuration: not_null(body.storage_configuration)?.map(|s| s.to_json()),
        status: None,
    };
    let Some(updated) = pools::update(&state.writer, pool.id, &changes).await? else {
        return Err(pool_not_found(&name));
    };
    pool_update_events(&state, &updated, &set).await;
    super::workers::pool_changed(pool.id, Some(&set));
    Ok(StatusCode::NO_CONTENT)
}

/// `prefect.work-pool.updated` for the fields that changed, and the status event when the status was set.
pub async fn pool_update_events(state: &Shared, updated: &pools::Updated, set: &[&str]) {
    let (before, after) = (&updated.before, &updated.after);
    let mut pairs = Vec::new();
    if set.contains(&"description") {
        pairs.push((
            "description",
            json!(before.description),
            json!(after.description),
        ));
    }
    if set.contains(&"base_job_template") {
        pairs.push((
            "base_job_template",
            before.base_job_template.0.clone(),
            after.base_job_template.0.clone(),
        ));
    }
    if set.contains(&"concurrency_limit") {
        pairs.push((
            "concurrency_limit",
            json!(before.concurrency_limit),
            json!(after.concurrency_limit),
        ));
    }
    if set.contains(&"storage_configuration") {
        pairs.push((
            "storage_configuration",
            before.storage_configuration.0.clone(),
            after.storage_configuration.0.clone(),
        ));
    }
    let updates = changed(&pairs);
    if !updates.is_empty() {
        emit(state, pool_events::pool_updated(after, updates)).await;
    }
    if let Some(id) = updated.status_event {
        emit(state, pool_events::pool_status(Some(before), after, id)).await;
    }
}

async fn delete_pool(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    if reserved(&name) {
        return Err(forbidden(
            "Work pools starting with 'Prefect' are reserved for internal use and can not be deleted.",
        ));
    }
    let pool = pool_by_name(&state, &name).await?;
    let Some((pool, queues)) = pools::delete(&state.writer, pool.id).await? else {
        return Err(pool_not_found(&name));
    };
    for queue in &queues {
        emit(&state, pool_events::queue_lifecycle("deleted", queue)).await;
    }
    emit(&state, pool_events::pool_lifecycle("deleted", &pool)).await;
    super::workers::pool_changed(pool.id, None);
    Ok(StatusCode::NO_CONTENT)
}

/// The poll: the pool's (or the named queues') scheduled runs, in queue priority order then soonest first,
/// within the pool's and queues' concurrency limits (Pending and Running runs count, as in Prefect's poll);
/// none from a paused pool or queue. The queues' and their deployments' last poll is recorded afterwards, off
/// the request, as Prefect records it in a background task.
async fn get_scheduled_flow_runs(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<ScheduledRunsBody>,
) -> ApiResult<Json<Vec<WorkerFlowRun>>> {
    let (limit, _) = page(body.limit, None)?;
    // The pool's queues with the pool's own pause and limit, in one read.
    let all = queues::of_pool_named(&state.db, &name).await?;
    let Some(first) = all.first() else {
        return Err(pool_not_found(&name));
    };
    let (pool_id, pool_paused, pool_limit) = (
        first.work_pool_id,
        first.pool_is_paused,
        first.pool_concurrency_limit,
    );
    let names = body.work_queue_names.unwrap_or_default();
    let polled: Vec<queues::WorkQueue> = if names.is_empty() {
        all
    } else {
        let mut found = Vec::new();
        for queue in &names {
            let q = all
                .iter()
                .find(|q| &q.name == queue)
                .cloned()
                .ok_or_else(|| queue_not_found(&name, queue))?;
            found.push(q);
        }
        found
    };
    let runs = if pool_paused {
        Vec::new()
    } else {
        let open: Vec<&queues::WorkQueue> = polled.iter().filter(|q| !q.is_paused).collect();
        let limited: Vec<Id> = open
            .iter()
            .filter(|q| q.concurrency_limit.is_some())
            .map(|q| q.id)
            .collect();
        let used: HashMap<Id, i64> =
            queues::active_slots(&state.db, &limited, "'PENDING', 'RUNNING'")
                .await?
                .into_iter()
                .collect();
        let mut total = limit;
        if let Some(pool_limit) = pool_limit {
            let active = pools::active_slots(&state.db, &[pool_id])
                .await?
                .first()
                .map_or(0, |(_, n)| *n);
            total = total.min((i64::from(pool_limit) - active).max(0));
        }
        let asked: Vec<PolledQueue> = open
            .iter()
            .map(|q| PolledQueue {
                id: q.id,
                priority: q.priority,
                room: q
                    .concurrency_limit
                    .map(|l| (i64::from(l) - used.get(&q.id).copied().unwrap_or(0)).max(0)),
            })
            .collect();
        let before = body.scheduled_before.map(|t| t.0);
        let after = body.scheduled_after.map(|t| t.0);
        queues::scheduled_runs(&state.db, &asked, before, after, total).await?
    };
    record_poll(&state, pool_id, &polled);
    let now = Timestamp::now();
    Ok(Json(
        runs.iter()
            .map(|run| {
                let queue = run.work_queue_id.unwrap_or(pool_id);
                WorkerFlowRun::new(pool_id, queue, FlowRun::core(run, now))
            })
            .collect(),
    ))
}

/// `POST /work_pools/{name}/concurrency_status`: the pool's Pending and Running runs (the slots its poll
/// counts), and per queue, a page of queues at a time in priority order, how many and up to `flow_run_limit` of
/// them (10 unless sent).
async fn concurrency_status(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<ConcurrencyStatusBody>,
) -> ApiResult<Json<ConcurrencyStatus<PoolQueues>>> {
    let (limit, _) = page(body.limit, None)?;
    let page_number = body.page.map_or(1, |p| p.0);
    let per_queue = body.flow_run_limit.map_or(10, |l| l.0);
    let pool = pools::read_by_name(&state.db, &name)
        .await?
        .ok_or_else(|| ApiError::not_found_plain(&format!("Work pool '{name}' not found.")))?;
    let all = queues::of_pool(&state.db, pool.id).await?;
    let all_ids: Vec<Id> = all.iter().map(|q| q.id).collect();
    let by_queue: HashMap<Id, i64> =
        queues::active_slots(&state.db, &all_ids, "'PENDING', 'RUNNING'")
            .await?
            .into_iter()
            .collect();
    let offset = usize::try_from((page_number - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let shown: Vec<&queues::WorkQueue> = all
        .iter()
        .skip(offset)
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    let shown_ids: Vec<Id> = shown.iter().map(|q| q.id).collect();
    let holders = queues::pool_slot_holders(&state.db, &shown_ids).await?;
    let now = Timestamp::now();
    let details = shown
        .iter()
        .map(|queue| {
            let runs = holders
                .iter()
                .filter(|r| r.work_queue_id == Some(queue.id))
                .take(usize::try_from(per_queue).unwrap_or(0))
                .map(|r| FlowRunSlotSummary::new(r, now))
                .collect();
            let active = by_queue.get(&queue.id).copied().unwrap_or(0);
            QueueConcurrencyDetail {
                queue_id: queue.id.to_string(),
                queue_name: queue.name.clone(),
                active_slots: active,
                concurrency_limit: queue.concurrency_limit,
                flow_runs: runs,
                flow_run_count: active,
            }
        })
        .collect();
    let count = all.len() as i64;
    Ok(Json(ConcurrencyStatus {
        active_slots: by_queue.values().sum(),
        concurrency_limit: pool.concurrency_limit,
        items: PoolQueues { queues: details },
        count,
        limit,
        pages: pages(count, limit),
        page: page_number,
    }))
}

/// The pools whose last poll is being recorded now: a poll while one is in flight is not recorded again, as
/// Prefect's background task is keyed by pool.
fn recording() -> &'static Mutex<HashSet<Id>> {
    static RECORDING: OnceLock<Mutex<HashSet<Id>>> = OnceLock::new();
    RECORDING.get_or_init(|| Mutex::new(HashSet::new()))
}

/// Records the poll off the request: `last_polled` of each queue (NOT_READY ones become READY, with their
/// event), READY for the deployments on them (with theirs).
///
/// A poll within a second of the last recorded one, on queues that are all READY or PAUSED already, changes
/// nothing anyone reads (the foreman's timeouts are a minute) and is not written: sixteen workers polling
/// without pause cost one write a second, not one per poll.
pub fn record_poll(state: &Shared, pool: Id, polled: &[queues::WorkQueue]) {
    let now = Timestamp::now();
    let fresh = |q: &queues::WorkQueue| {
        q.status != "NOT_READY"
            && q.last_polled
                .is_some_and(|t| (now.0 - t.0).as_seconds_f64() < 1.0)
    };
    if polled.iter().all(fresh) {
        return;
    }
    let key = pool;
    {
        let mut busy = recording().lock().unwrap_or_else(|e| e.into_inner());
        if !busy.insert(key) {
            return;
        }
    }
    let state = state.clone();
    let queues_now = polled.to_vec();
    tokio::spawn(async move {
        let polled_ids: Vec<Id> = queues_now
            .iter()
            .filter(|q| q.status != "NOT_READY")
            .map(|q| q.id)
            .collect();
        let ready_ids: Vec<Id> = queues_now
            .iter()
            .filter(|q| q.status == "NOT_READY")
            .map(|q| q.id)
            .collect();
        let result = queues::record_poll(&state.writer, &polled_ids, &ready_ids).await;
        recording()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        match result {
            Ok((ready, deployments)) => {
                for queue in queues_now.iter().filter(|q| ready.contains(&q.id)) {
                    let now_ready = queues::WorkQueue {
                        status: "READY".into(),
                        ..queue.clone()
                    };
                    emit(&state, pool_events::queue_status(&now_ready)).await;
                }
                for (id, name) in deployments {
                    emit(&state, pool_events::deployment_status(id, &name, "READY")).await;
                }
            }
            Err(e) => crate::log::log!("error: recording a work pool poll: {e}"),
        }
    });
}

async fn queue_response(state: &Shared, queue: &queues::WorkQueue) -> ApiResult<WorkQueue> {
    let slots = match queue.concurrency_limit {
        Some(_) => queues::active_slots(&state.db, &[queue.id], "'PENDING', 'RUNNING'")
            .await?
            .first()
            .map_or(0, |(_, n)| *n),
        None => 0,
    };
    Ok(WorkQueue::new(queue, slots))
}

pub fn new_queue(body: WorkQueueCreate) -> NewQueue {
    NewQueue {
        name: body.name.0,
        description: body.description.unwrap_or_default(),
        is_paused: body.is_paused,
        concurrency_limit: body.concurrency_limit.map(|l| l.0),
        priority: body.priority.map(|p| p.0),
    }
}

async fn create_queue(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<WorkQueueCreate>,
) -> ApiResult<(StatusCode, Json<WorkQueue>)> {
    let pool = pool_by_name(&state, &name).await?;
    let new = new_queue(body);
    match queues::create(&state.writer, pool.id, &new).await? {
        Ok(queue) => {
            emit(&state, pool_events::queue_lifecycle("created", &queue)).await;
            Ok((StatusCode::CREATED, Json(WorkQueue::new(&queue, 0))))
        }
        // Prefect's message, its unformatted placeholder included.
        Err(Refused::Duplicate) => Err(conflict(
            "A work queue with this name already exists in work pool {work_pool_name!r}.",
        )),
    }
}

async fn queue_by_name(state: &Shared, pool: &str, queue: &str) -> ApiResult<queues::WorkQueue> {
    queues::read_by_name(&state.db, pool, queue)
        .await?
        .ok_or_else(|| queue_not_found(pool, queue))
}

async fn read_queue(
    State(state): State<Shared>,
    Path((name, queue)): Path<(String, String)>,
) -> ApiResult<Json<WorkQueue>> {
    let queue = queue_by_name(&state, &name, &queue).await?;
    Ok(Json(queue_response(&state, &queue).await?))
}

async fn filter_queues(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<Vec<WorkQueue>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let pool = pool_by_name(&state, &name).await?;
    let found = queues::filter(
        &state.db,
        Some(pool.id),
        or_null(&body.work_queues),
        limit,
        offset,
    )
    .await?;
    queue_responses(&state, &found, "'PENDING', 'RUNNING'").await
}

/// Queues as Prefect answers them, their active slots counted in one query.
pub async fn queue_responses(
    state: &Shared,
    found: &[queues::WorkQueue],
    states: &str,
) -> ApiResult<Json<Vec<WorkQueue>>> {
    let limited: Vec<Id> = found
        .iter()
        .filter(|q| q.concurrency_limit.is_some())
        .map(|q| q.id)
        .collect();
    let slots: HashMap<Id, i64> = queues::active_slots(&state.db, &limited, states)
        .await?
        .into_iter()
        .collect();
    Ok(Json(
        found
            .iter()
            .map(|q| WorkQueue::new(q, slots.get(&q.id).copied().unwrap_or(0)))
            .collect(),
    ))
}

/// The changes of a `WorkQueueUpdate`, refused as Prefect refuses nulls in NOT NULL columns.
pub fn queue_changes(body: WorkQueueUpdate) -> ApiResult<queues::Changes> {
    if matches!(body.is_paused, Some(None)) {
        return Err(ApiError::validation(
            &json!(["body", "is_paused"]),
            "Input should be a valid boolean",
            "bool_type",
            &Value::Null,
        ));
    }
    Ok(queues::Changes {
        name: not_null(body.name)?,
        description: not_null(body.description)?.map(Some),
        is_paused: body.is_paused.flatten(),
        concurrency_limit: body.concurrency_limit.map(|l| l.map(|l| l.0)),
        priority: not_null(body.priority)?.map(|p| p.0),
        last_polled: body.last_polled.map(|t| t.map(|t| t.0)),
    })
}

/// Updates a queue and emits what changed: `prefect.work-queue.updated` and its status event. `None` when there
/// is no such queue.
pub async fn apply_queue_update(
    state: &Shared,
    id: Id,
    changes: &queues::Changes,
) -> ApiResult<Option<()>> {
    let updated = match queues::update(&state.writer, id, changes).await? {
        Ok(Some(updated)) => updated,
        Ok(None) => return Ok(None),
        Err(Refused::Duplicate) => return Err(ApiError::integrity_conflict()),
    };
    let (before, after) = (&updated.before, &updated.after);
    let mut pairs = Vec::new();
    if changes.name.is_some() {
        pairs.push(("name", json!(before.name), json!(after.name)));
    }
    if changes.description.is_some() {
        pairs.push((
            "description",
            json!(before.description),
            json!(after.description),
        ));
    }
    if changes.concurrency_limit.is_some() {
        pairs.push((
            "concurrency_limit",
            json!(before.concurrency_limit),
            json!(after.concurrency_limit),
        ));
    }
    if changes.priority.is_some() {
        pairs.push(("priority", json!(before.priority), json!(after.priority)));
    }
    let updates = changed(&pairs);
    if !updates.is_empty() {
        emit(state, pool_events::queue_updated(after, updates)).await;
    }
    if before.status != after.status {
        emit(state, pool_events::queue_status(after)).await;
    }
    Ok(Some(()))
}

async fn update_queue(
    State(state): State<Shared>,
    Path((name, queue)): Path<(String, String)>,
    Body(body): Body<WorkQueueUpdate>,
) -> ApiResult<StatusCode> {
    pool_by_name(&state, &name).await?;
    let found = queue_by_name(&state, &name, &queue).await?;
    let changes = queue_changes(body)?;
    apply_queue_update(&state, found.id, &changes)
        .await?
        .ok_or_else(|| queue_not_found(&name, &queue))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a queue and emits `prefect.work-queue.deleted`; what the store said.
pub async fn remove_queue(state: &Shared, id: Id) -> ApiResult<Deleted> {
    let deleted = queues::delete(&state.writer, id).await?;
    if let Deleted::Gone(queue) = &deleted {
        emit(state, pool_events::queue_lifecycle("deleted", queue)).await;
    }
    Ok(deleted)
}

async fn delete_queue(
    State(state): State<Shared>,
    Path((name, queue)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    pool_by_name(&state, &name).await?;
    let found = queue_by_name(&state, &name, &queue).await?;
    match remove_queue(&state, found.id).await? {
        Deleted::Gone(_) => Ok(StatusCode::NO_CONTENT),
        Deleted::NotFound => Err(queue_not_found(&name, &queue)),
        // Prefect raises "Can't delete a pool's default queue." here and answers 500; the same words, as the
        // client's conflict.
        Deleted::Default => Err(conflict("Can't delete a pool's default queue.")),
    }
}
