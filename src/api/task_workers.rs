//! Task workers (`prefect task serve`, `prefect.task_worker.serve`): the websocket
//! `/task_runs/subscriptions/scheduled` that hands each deferred task run (`task.delay()`) to one subscribed
//! worker, and `/task_workers/filter`, the workers connected now.
//!
//! The protocol is Prefect's: the `prefect` handshake, then `{"type": "subscribe", "keys": [...], "client_id": …}`;
//! the server sends a task run and waits for `{"type": "ack"}` before the next. A run that is not acknowledged
//! (the worker went away, or answered something else) goes back to the front of the queue.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::Value;

use super::events::{close, handshake, next_json, opening_json, upgrade};
use super::schemas::task_workers::ReadTaskWorkers;
use super::{ApiResult, Body, Shared};
use crate::db::types::Timestamp;
use crate::store::{task_runs, task_workers};

/// How often an idle subscription looks for a queued run (Prefect's in-memory queue polls every 10 ms; this is a
/// read on the database, shared by every replica).
const POLL: Duration = Duration::from_millis(100);
/// How often a connected worker's `seen` time is refreshed.
const OBSERVE_EVERY: Duration = Duration::from_secs(10);
/// A worker not seen for this long is not listed (its replica stopped without forgetting it).
const FORGOTTEN_AFTER: f64 = 60.0;
/// Prefect's close code for a broken protocol.
const PROTOCOL_VIOLATION: u16 = 4001;

pub fn routes() -> Router<Shared> {
    Router::new().route("/task_workers/filter", post(read_task_workers))
}

/// The websocket route: it authenticates in-band, so it goes in the router of websockets.
pub fn websocket_routes() -> Router<Shared> {
    Router::new().route(
        "/task_runs/subscriptions/scheduled",
        get(scheduled_task_subscription),
    )
}

async fn read_task_workers(
    State(state): State<Shared>,
    Body(body): Body<ReadTaskWorkers>,
) -> ApiResult<Json<Value>> {
    let keys = body
        .task_worker_filter
        .map(|f| f.task_keys)
        .filter(|keys| !keys.is_empty());
    let since = Timestamp::now().saturating_add_seconds(-FORGOTTEN_AFTER);
    let workers = task_workers::seen_since(&state.db, since, keys.as_deref()).await?;
    Ok(Json(Value::Array(
        workers.iter().map(|w| w.to_json()).collect(),
    )))
}

async fn scheduled_task_subscription(
    State(state): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let (ws, prefect) = upgrade(ws, &headers);
    ws.on_upgrade(move |socket| async move {
        let Some(mut socket) = handshake(socket, prefect, &state).await else {
            return;
        };
        let Some((keys, client_id)) = subscription(&mut socket, state.first_message_deadline).await
        else {
            return;
        };
        if let Err(e) = deliver(&state, &mut socket, &keys, &client_id).await {
            crate::log::log!("error: task worker {client_id:?}: {e}");
        }
        if let Err(e) = task_workers::forget(&state.writer, &client_id).await {
            crate::log::log!("error: task worker {client_id:?}: {e}");
        }
    })
}

/// The subscribe message's task keys and client id; `None` (the socket closed with Prefect's reason) when it is
/// not one.
async fn subscription(
    socket: &mut WebSocket,
    deadline: std::time::Duration,
) -> Option<(Vec<String>, String)> {
    let message = opening_json(socket, deadline).await?;
    if message.get("type").and_then(Value::as_str) != Some("subscribe") {
        close(
            socket,
            PROTOCOL_VIOLATION,
            "Protocol violation: expected 'subscribe' message",
        )
        .await;
        return None;
    }
    let keys: Vec<String> = message
        .get("keys")
        .and_then(Value::as_array)
        .map(|keys| {
            keys.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if keys.is_empty() {
        close(
            socket,
            PROTOCOL_VIOLATION,
            "Protocol violation: expected 'keys' in subscribe message",
        )
        .await;
        return None;
    }
    let Some(client_id) = message
        .get("client_id")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
    else {
        close(
            socket,
            PROTOCOL_VIOLATION,
            "Protocol violation: expected 'client_id' in subscribe message",
        )
        .await;
        return None;
    };
    Some((keys, client_id.to_owned()))
}

/// Hands queued runs of `keys` to the worker, one acknowledged run at a time, until it goes away.
async fn deliver(
    state: &Shared,
    socket: &mut WebSocket,
    keys: &[String],
    client_id: &str,
) -> Result<(), sqlx::Error> {
    let mut observed: Option<Instant> = None;
    loop {
        if observed.is_none_or(|at| at.elapsed() >= OBSERVE_EVERY) {
            task_workers::observe(&state.writer, client_id, keys).await?;
            observed = Some(Instant::now());
        }
        let claimed = if task_workers::any_queued(&state.db, keys).await? {
            task_workers::claim(&state.writer, keys).await?
        } else {
            None
        };
        let Some(task_run_id) = claimed else {
            // Nothing queued: wait, but notice a worker that leaves meanwhile.
            tokio::select! {
                message = socket.recv() => match message {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Ok(_)) => continue,
                },
                () = tokio::time::sleep(POLL) => continue,
            }
        };
        // Deleted since it was queued: nothing to run.
        let Some(run) = task_runs::get(&state.db, task_run_id).await? else {
            continue;
        };
        let text = serde_json::to_string(&super::schemas::task_runs::TaskRun::new(
            &run,
            Timestamp::now(),
        ))
        .unwrap_or_default();
        if socket.send(Message::Text(text.into())).await.is_err() {
            task_workers::requeue(&state.writer, run.id, &run.task_key).await?;
            return Ok(());
        }
        let answer = next_json(socket).await;
        match answer
            .as_ref()
            .and_then(|a| a.get("type"))
            .and_then(Value::as_str)
        {
            // The worker's `seen` time is refreshed on its own schedule, not with a write per run.
            Some("ack") => {}
            other => {
                // Prefect drops the run on `quit`; it is put back here, so no submission is lost.
                task_workers::requeue(&state.writer, run.id, &run.task_key).await?;
                if other == Some("quit") {
                    close(socket, 1000, "").await;
                } else if answer.is_some() {
                    close(
                        socket,
                        PROTOCOL_VIOLATION,
                        "Protocol violation: expected 'ack' message",
                    )
                    .await;
                }
                return Ok(());
            }
        }
    }
}
