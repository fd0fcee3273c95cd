//! A pool's workers: `POST /work_pools/{name}/workers/heartbeat`, `/workers/filter`, `DELETE
//! /workers/{worker}`, and the worker channel `WS /work_pools/{name}/workers/connect` (Prefect's
//! `work_pool_worker_channel.v1`): after the `prefect` handshake the worker says `worker.hello.v1`, the server
//! answers `worker.ready.v1` with a snapshot of the pool, and the worker's `worker.heartbeat.v1` frames keep it
//! ONLINE; a heartbeat that finds the pool changed since the last snapshot gets a `work_pool.snapshot.v1`.
//! Scheduled runs are still polled over REST, as in Prefect.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::common::page;
use super::events::{close, handshake, opening_json, upgrade};
use super::schemas::work_pools::{FilterBody, Heartbeat, Worker, check_job_template};
use super::work_pools::{pool_by_name, pool_response, pool_update_events};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::{Id, Timestamp};
use crate::store::filter::or_null;
use crate::store::work_pools::{self as pools, NewPool, WorkPool as StoredPool};
use crate::store::work_queues as queues;
use crate::store::{new_v7, pool_events, workers};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/work_pools/{name}/workers/heartbeat", post(heartbeat))
        .route("/work_pools/{name}/workers/filter", post(filter))
        .route("/work_pools/{name}/workers/{worker}", delete(remove))
}

/// The worker channel authenticates in-band, so it goes in the router of websockets.
pub fn websocket_routes() -> Router<Shared> {
    Router::new().route("/work_pools/{name}/workers/connect", get(connect))
}

/// Records a heartbeat of `name` in `pool`; a NOT_READY pool becomes READY (with its status event).
pub async fn record_heartbeat(
    state: &Shared,
    pool: &StoredPool,
    name: &str,
    interval: Option<i64>,
) -> ApiResult<()> {
    workers::heartbeat(&state.writer, pool.id, name, interval).await?;
    if pool.status == "NOT_READY" {
        let changes = pools::Changes {
            status: Some("READY"),
            ..Default::default()
        };
        if let Some(updated) = pools::update(&state.writer, pool.id, &changes).await? {
            pool_update_events(state, &updated, &[]).await;
        }
    }
    Ok(())
}

async fn heartbeat(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<Heartbeat>,
) -> ApiResult<StatusCode> {
    let pool = pool_by_name(&state, &name).await?;
    let interval = body.heartbeat_interval_seconds.map(|i| i.0);
    record_heartbeat(&state, &pool, &body.name, interval).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn filter(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<Vec<Worker>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let pool = pool_by_name(&state, &name).await?;
    let found = workers::filter(&state.db, pool.id, or_null(&body.workers), limit, offset).await?;
    let now = Timestamp::now();
    Ok(Json(found.iter().map(|w| Worker::new(w, now)).collect()))
}

async fn remove(
    State(state): State<Shared>,
    Path((name, worker)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let pool = pool_by_name(&state, &name).await?;
    if !workers::delete(&state.writer, pool.id, &worker).await? {
        return Err(ApiError::not_found_plain("Worker not found."));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Pools changed in a way their workers' snapshots show (template, limit, pause, storage) or deleted, with the
/// reason a snapshot gives: every connected channel of that pool sends a new snapshot (in this process; a
/// channel on another replica sees the change at its worker's next heartbeat).
fn pool_changes() -> &'static tokio::sync::broadcast::Sender<(Id, &'static str)> {
    static CHANGES: std::sync::OnceLock<tokio::sync::broadcast::Sender<(Id, &'static str)>> =
        std::sync::OnceLock::new();
    CHANGES.get_or_init(|| tokio::sync::broadcast::channel(256).0)
}

/// Tells the pool's connected workers it changed: `fields` are the fields an update set (Prefect sends a
/// snapshot when one of them is shown in it), none for a deletion.
pub fn pool_changed(pool: Id, fields: Option<&[&str]>) {
    let reason = match fields {
        None => "work_pool_deleted",
        Some(fields)
            if fields.iter().any(|f| {
                matches!(
                    *f,
                    "base_job_template"
                        | "concurrency_limit"
                        | "is_paused"
                        | "storage_configuration"
                )
            }) =>
        {
            "work_pool_updated"
        }
        Some(_) => return,
    };
    let _ = pool_changes().send((pool, reason));
}

/// The close reasons of the channel, with Prefect's codes.
#[derive(Clone, Copy, Debug)]
enum CloseReason {
    AuthorizationFailed,
    UnsupportedVersion,
    ProtocolError,
    HeartbeatPersistenceFailed,
    TransientServerError,
}

impl CloseReason {
    fn code_and_reason(self) -> (u16, &'static str) {
        match self {
            CloseReason::AuthorizationFailed => (1008, "authorization_failed"),
            CloseReason::UnsupportedVersion => (1008, "unsupported_version"),
            CloseReason::ProtocolError => (1002, "protocol_error"),
            CloseReason::HeartbeatPersistenceFailed => (1011, "heartbeat_persistence_failed"),
            CloseReason::TransientServerError => (1011, "transient_server_error"),
        }
    }
}

const CHANNEL_VERSION: &str = "work_pool_worker_channel.v1";
const REQUIRED_CAPABILITIES: [&str; 2] = ["worker_heartbeat.v1", "work_pool_snapshot.v1"];

async fn connect(
    State(state): State<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let (ws, prefect) = upgrade(ws, &headers);
    // The channel requires the subprotocol: Prefect closes before accepting, which is a 403.
    if !prefect {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "detail": "'prefect' subprotocol required" })),
        )
            .into_response();
    }
    ws.on_upgrade(move |socket| async move {
        let Some(mut socket) = handshake(socket, true, &state).await else {
            return;
        };
        if let Err(reason) = channel(&state, &name, &mut socket).await {
            let (code, text) = reason.code_and_reason();
            close(&mut socket, code, text).await;
        }
    })
}

/// The fields of `worker.hello.v1` the server uses, checked as Prefect's model checks them.
struct Hello {
    consumer_id: String,
    worker_name: String,
    worker_type: String,
    heartbeat_interval_seconds: i64,
    work_queue_names: Vec<String>,
    create_pool_if_not_found: bool,
    default_base_job_template: serde_json::Map<String, Value>,
    requested_capabilities: Vec<String>,
    supported_versions: Vec<String>,
}

fn is_uuid(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| uuid::Uuid::parse_str(s).is_ok())
}

fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    match value {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
            .collect(),
        _ => None,
    }
}

fn parse_hello(frame: &Value) -> Option<Hello> {
    if frame.get("type")?.as_str()? != "worker.hello.v1" || !is_uuid(frame.get("id")?) {
        return None;
    }
    frame.get("sent_at")?.as_str()?;
    let payload = frame.get("payload")?.as_object()?;
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if !is_uuid(payload.get("consumer_id")?) {
        return None;
    }
    let interval = payload.get("heartbeat_interval_seconds")?.as_i64()?;
    if interval <= 0 {
        return None;
    }
    let requested = strings(payload.get("requested_capabilities"))?;
    let supported = strings(payload.get("supported_channel_versions"))?;
    if requested.is_empty() || supported.is_empty() {
        return None;
    }
    if !REQUIRED_CAPABILITIES
        .iter()
        .all(|c| requested.iter().any(|r| r == c))
    {
        return None;
    }
    let template = match payload.get("default_base_job_template") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(t)) => t.clone(),
        Some(_) => return None,
    };
    Some(Hello {
        consumer_id: payload.get("consumer_id")?.as_str()?.to_owned(),
        worker_name: text("worker_name")?,
        worker_type: text("worker_type")?,
        heartbeat_interval_seconds: interval,
        work_queue_names: strings(payload.get("work_queue_names"))?,
        create_pool_if_not_found: payload
            .get("create_pool_if_not_found")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        default_base_job_template: template,
        requested_capabilities: requested,
        supported_versions: supported,
    })
}

fn frame(kind: &str, payload: Value) -> Message {
    let frame = json!({
        "type": kind,
        "id": new_v7().to_string(),
        "sent_at": Timestamp::now().rfc3339(),
        "payload": payload,
    });
    Message::Text(frame.to_string().into())
}

async fn snapshot(
    state: &Shared,
    pool: Id,
    sequence: u64,
    reason: &str,
) -> Option<(Value, String)> {
    let pool = pools::read(&state.db, pool).await.ok()??;
    let updated = pool.updated.rfc3339();
    let body = pool_response(state, &pool).await.ok()?;
    let body = serde_json::to_value(body).ok()?;
    Some((
        json!({ "snapshot_sequence": sequence, "reason": reason, "work_pool": body }),
        updated,
    ))
}

/// The pool the channel is for; made from the hello when it does not exist and the worker asks for it.
async fn channel_pool(
    state: &Shared,
    name: &str,
    hello: &Hello,
) -> Result<StoredPool, CloseReason> {
    let transient = |_| CloseReason::TransientServerError;
    if let Some(pool) = pools::read_by_name(&state.db, name)
        .await
        .map_err(transient)?
    {
        return Ok(pool);
    }
    if !hello.create_pool_if_not_found || name.to_lowercase().starts_with("prefect") {
        return Err(CloseReason::AuthorizationFailed);
    }
    check_job_template(&hello.default_base_job_template).map_err(|_| CloseReason::ProtocolError)?;
    let new = NewPool {
        name: name.to_owned(),
        description: None,
        pool_type: hello.worker_type.clone(),
        base_job_template: Value::Object(hello.default_base_job_template.clone()),
        is_paused: false,
        concurrency_limit: None,
        storage_configuration: json!({
            "bundle_upload_step": null,
            "bundle_execution_step": null,
            "default_result_storage_block_id": null,
        }),
    };
    match pools::create(&state.writer, &new)
        .await
        .map_err(transient)?
    {
        Some((pool, queue)) => {
            super::events::receive(state, pool_events::queue_lifecycle("created", &queue)).await;
            super::events::receive(state, pool_events::pool_lifecycle("created", &pool)).await;
            Ok(pool)
        }
        None => pools::read_by_name(&state.db, name)
            .await
            .map_err(transient)?
            .ok_or(CloseReason::TransientServerError),
    }
}

async fn channel(state: &Shared, name: &str, socket: &mut WebSocket) -> Result<(), CloseReason> {
    let Some(first) = opening_json(socket, state.first_message_deadline).await else {
        return Err(CloseReason::ProtocolError);
    };
    let hello = parse_hello(&first).ok_or(CloseReason::ProtocolError)?;
    if !hello
        .supported_versions
        .iter()
        .any(|v| v == CHANNEL_VERSION)
    {
        return Err(CloseReason::UnsupportedVersion);
    }
    let transient = |_| CloseReason::TransientServerError;
    let mut pool = channel_pool(state, name, &hello).await?;
    let resolved = if hello.work_queue_names.is_empty() {
        queues::of_pool(&state.db, pool.id)
            .await
            .map_err(transient)?
    } else {
        let mut found: Vec<queues::WorkQueue> = Vec::new();
        for queue in &hello.work_queue_names {
            if found.iter().any(|q| &q.name == queue) {
                continue;
            }
            let q = queues::read_by_name(&state.db, name, queue)
                .await
                .map_err(transient)?
                .ok_or(CloseReason::AuthorizationFailed)?;
            found.push(q);
        }
        found
    };
    // A pool without a template takes the worker's default one.
    let empty = pool
        .base_job_template
        .0
        .as_object()
        .is_none_or(serde_json::Map::is_empty);
    if empty && !hello.default_base_job_template.is_empty() {
        check_job_template(&hello.default_base_job_template)
            .map_err(|_| CloseReason::ProtocolError)?;
        let changes = pools::Changes {
            base_job_template: Some(Value::Object(hello.default_base_job_template.clone())),
            ..Default::default()
        };
        if let Some(updated) = pools::update(&state.writer, pool.id, &changes)
            .await
            .map_err(transient)?
        {
            pool_update_events(state, &updated, &["base_job_template"]).await;
            pool = updated.after;
        }
    }
    record_heartbeat(
        state,
        &pool,
        &hello.worker_name,
        Some(hello.heartbeat_interval_seconds),
    )
    .await
    .map_err(|_| CloseReason::HeartbeatPersistenceFailed)?;
    let (initial, mut seen_updated) = snapshot(state, pool.id, 1, "initial")
        .await
        .ok_or(CloseReason::TransientServerError)?;
    let mut requested: Vec<&String> = Vec::new();
    for capability in &hello.requested_capabilities {
        if !requested.contains(&capability) {
            requested.push(capability);
        }
    }
    let rejected: Vec<&&String> = requested
        .iter()
        .filter(|c| !REQUIRED_CAPABILITIES.contains(&c.as_str()))
        .collect();
    let ready = json!({
        "consumer_id": hello.consumer_id,
        "worker_id": null,
        "selected_channel_version": CHANNEL_VERSION,
        "effective_heartbeat_interval_seconds": hello.heartbeat_interval_seconds,
        "accepted_capabilities": REQUIRED_CAPABILITIES,
        "rejected_capabilities": rejected,
        "effective_max_cleanup_concurrency": 0,
        "resolved_work_queues": resolved.iter().map(|q| json!({ "id": q.id.to_string(), "name": q.name })).collect::<Vec<_>>(),
        "initial_snapshot": initial,
    });
    if socket.send(frame("worker.ready.v1", ready)).await.is_err() {
        return Ok(());
    }
    let mut sequence = 2;
    let mut changes = pool_changes().subscribe();
    loop {
        let message = tokio::select! {
            message = socket.recv() => message,
            changed = changes.recv() => {
                // A change to this pool (or a missed one: look again) gets a snapshot, as Prefect's
                // invalidations do; a pool that is gone ends the channel.
                let ours = match changed {
                    Ok((id, _)) => id == pool.id,
                    Err(_) => true,
                };
                if !ours {
                    continue;
                }
                let reason = match changed {
                    Ok((_, reason)) => reason,
                    Err(_) => "work_pool_updated",
                };
                let Some((body, updated)) = snapshot(state, pool.id, sequence, reason).await else {
                    return Err(CloseReason::AuthorizationFailed);
                };
                seen_updated = updated;
                sequence += 1;
                if socket.send(frame("work_pool.snapshot.v1", body)).await.is_err() {
                    return Ok(());
                }
                continue;
            }
        };
        let Some(message) = message else {
            return Ok(());
        };
        let text = match message {
            Ok(Message::Text(text)) => text.to_string(),
            Ok(Message::Binary(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            Ok(Message::Close(_)) | Err(_) => return Ok(()),
        };
        let frame_in: Value =
            serde_json::from_str(&text).map_err(|_| CloseReason::ProtocolError)?;
        let kind = frame_in
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !is_uuid(frame_in.get("id").unwrap_or(&Value::Null)) {
            return Err(CloseReason::ProtocolError);
        }
        match kind {
            "worker.heartbeat.v1" => {
                let payload = frame_in.get("payload").cloned().unwrap_or(Value::Null);
                let same = payload.get("consumer_id").and_then(Value::as_str)
                    == Some(hello.consumer_id.as_str())
                    && payload.get("worker_name").and_then(Value::as_str)
                        == Some(hello.worker_name.as_str());
                let interval = payload
                    .get("heartbeat_interval_seconds")
                    .and_then(Value::as_i64)
                    .filter(|i| *i > 0);
                let (true, Some(interval)) = (same, interval) else {
                    return Err(CloseReason::ProtocolError);
                };
                let Some(current) = pools::read_by_name(&state.db, name)
                    .await
                    .map_err(|_| CloseReason::HeartbeatPersistenceFailed)?
                else {
                    return Err(CloseReason::HeartbeatPersistenceFailed);
                };
                record_heartbeat(state, &current, &hello.worker_name, Some(interval))
                    .await
                    .map_err(|_| CloseReason::HeartbeatPersistenceFailed)?;
                if current.updated.rfc3339() != seen_updated {
                    let Some((body, updated)) =
                        snapshot(state, current.id, sequence, "heartbeat_reconciliation").await
                    else {
                        return Err(CloseReason::AuthorizationFailed);
                    };
                    seen_updated = updated;
                    sequence += 1;
                    if socket
                        .send(frame("work_pool.snapshot.v1", body))
                        .await
                        .is_err()
                    {
                        return Ok(());
                    }
                }
            }
            "cleanup.ack.v1" | "cleanup.release.v1" | "cleanup.renew.v1" => {
                let operation = kind.trim_start_matches("cleanup.").trim_end_matches(".v1");
                let result = json!({
                    "request_frame_id": frame_in["id"],
                    "message_id": frame_in.pointer("/payload/message_id").cloned().unwrap_or(Value::Null),
                    "operation": operation,
                    "status": "unauthorized",
                    "lease_expires_at": null,
                    "reason": "cleanup_delivery_not_accepted",
                    "detail": null,
                });
                if socket
                    .send(frame("cleanup.operation_result.v1", result))
                    .await
                    .is_err()
                {
                    return Ok(());
                }
            }
            _ => return Err(CloseReason::ProtocolError),
        }
    }
}
