//! Websockets with Prefect's handshake (subprotocol `prefect`, then `{"type": "auth", "token": …}` answered by
//! `{"type": "auth_success"}`): `/events/in` stores events and feeds the task-run recorder; `/events/out` and
//! `/logs/out` stream to subscribers.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::schemas::events::{EventFilter, Order};
use super::{AppState, Shared, constant_time_eq};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/events/in", get(events_in))
        .route("/events/out", get(events_out))
        .route("/logs/out", get(logs_out))
}

/// Close codes Prefect uses.
const POLICY_VIOLATION: u16 = 1008;
const PROTOCOL_ERROR: u16 = 1002;

fn wants_prefect_protocol(headers: &HeaderMap) -> bool {
    headers
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == "prefect")
}

/// Accepts with the `prefect` subprotocol and runs the auth handshake; `None` when the socket was closed.
/// Without the subprotocol and without auth configured, the socket is accepted in Prefect's legacy mode.
pub(super) async fn handshake(
    mut socket: WebSocket,
    prefect_protocol: bool,
    state: &AppState,
) -> Option<WebSocket> {
    let auth = state.auth.as_deref();
    if !prefect_protocol {
        if auth.is_some() {
            close(&mut socket, PROTOCOL_ERROR, "").await;
            return None;
        }
        return Some(socket);
    }
    // Prefect waits for ever; a client that has said nothing by the deadline is idle, and holds a socket.
    let first = opening_json(&mut socket, state.first_message_deadline).await;
    let Some(first) = first.filter(|m| m.get("type").and_then(Value::as_str) == Some("auth"))
    else {
        close(&mut socket, POLICY_VIOLATION, "Expected 'auth' message").await;
        return None;
    };
    if let Some(expected) = auth {
        match first
            .get("token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            None => {
                close(
                    &mut socket,
                    POLICY_VIOLATION,
                    "Auth required but no token provided",
                )
                .await;
                return None;
            }
            Some(token) if !constant_time_eq(token.as_bytes(), expected.as_bytes()) => {
                close(&mut socket, POLICY_VIOLATION, "Invalid token").await;
                return None;
            }
            Some(_) => {}
        }
    }
    let ok = json!({ "type": "auth_success" }).to_string();
    socket.send(Message::Text(ok.into())).await.ok()?;
    Some(socket)
}

/// `next_json` within `deadline`; `None` when it passed.
pub(super) async fn opening_json(
    socket: &mut WebSocket,
    deadline: std::time::Duration,
) -> Option<Value> {
    tokio::time::timeout(deadline, next_json(socket))
        .await
        .ok()
        .flatten()
}

/// The next text or binary frame as JSON, skipping pings; `None` when the socket ends or sends something else.
pub(super) async fn next_json(socket: &mut WebSocket) -> Option<Value> {
    loop {
        match socket.recv().await? {
            Ok(Message::Text(text)) => return serde_json::from_str(&text).ok(),
            Ok(Message::Binary(bytes)) => return serde_json::from_slice(&bytes).ok(),
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            _ => return None,
        }
    }
}

pub(super) async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.to_owned().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Read in chunks of this size: tungstenite's default, 128 KiB, is allocated and touched per socket (an idle
/// websocket cost 140 kB of RSS); messages larger than a chunk are still read whole.
const READ_BUFFER: usize = 8 * 1024;

pub(super) fn upgrade(ws: WebSocketUpgrade, headers: &HeaderMap) -> (WebSocketUpgrade, bool) {
    let prefect = wants_prefect_protocol(headers);
    let ws = ws.read_buffer_size(READ_BUFFER);
    let ws = if prefect {
        ws.protocols(["prefect"])
    } else {
        ws
    };
    (ws, prefect)
}

async fn events_in(
    State(state): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let (ws, prefect) = upgrade(ws, &headers);
    ws.on_upgrade(move |socket| async move {
        let Some(mut socket) = handshake(socket, prefect, &state).await else {
            return;
        };
        while let Some(event) = next_json(&mut socket).await {
            receive(&state, event).await;
        }
    })
}

/// Queues an event for the event sink, which stores it, records the task run it describes, and passes it to
/// subscribers. Waits only when the queue is full.
pub async fn receive(state: &Shared, event: Value) {
    let _ = state.events.send(event).await;
}

async fn events_out(
    State(state): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let feed = state.subscribers.subscribe();
    subscribe(state, headers, ws, feed, "event", matches, true)
}

async fn logs_out(
    State(state): State<Shared>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let feed = state.logs.subscribe();
    subscribe(state, headers, ws, feed, "log", log_matches, false)
}

/// A subscriber socket: the handshake, then its filter (`{"type": "filter", "filter": {...}}`), then every item
/// of `feed` that passes the filter, as `{"type": kind, kind: item}`, until either side goes away. With
/// `backfill` (events), the stored events the filter matches come first, as Prefect sends them (unless the
/// message says `"backfill": false`): at most the last 15 minutes, oldest first, each sent once.
fn subscribe(
    state: Shared,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
    mut feed: broadcast::Receiver<Arc<Value>>,
    kind: &'static str,
    passes: fn(&Value, &Value) -> bool,
    backfill: bool,
) -> Response {
    let (ws, prefect) = upgrade(ws, &headers);
    ws.on_upgrade(move |socket| async move {
        let Some(mut socket) = handshake(socket, prefect, &state).await else {
            return;
        };
        let Some(message) = opening_json(&mut socket, state.first_message_deadline).await else {
            return;
        };
        let filter = message.get("filter").cloned().unwrap_or(Value::Null);
        let mut backfilled = std::collections::HashSet::new();
        if backfill && message.get("backfill").and_then(Value::as_bool) != Some(false) {
            for event in past_events(&state, &filter).await {
                let id = event
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let frame = json!({ "type": kind, kind: event }).to_string();
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    return;
                }
                backfilled.insert(id);
            }
        }
        loop {
            tokio::select! {
                item = feed.recv() => {
                    let Ok(item) = item else { break };
                    if !passes(&filter, &item) { continue }
                    if !backfilled.is_empty()
                        && let Some(id) = item.get("id").and_then(Value::as_str)
                        && backfilled.remove(id)
                    {
                        continue;
                    }
                    let frame = json!({ "type": kind, kind: *item }).to_string();
                    if socket.send(Message::Text(frame.into())).await.is_err() { break }
                }
                incoming = socket.recv() => {
                    if !matches!(incoming, Some(Ok(_))) { break }
                }
            }
        }
    })
}

/// Prefect's PREFECT_SERVER_EVENTS_MAXIMUM_WEBSOCKET_BACKFILL and _WEBSOCKET_BACKFILL_PAGE_SIZE defaults.
const BACKFILL_WINDOW: chrono::Duration = chrono::Duration::minutes(15);
const BACKFILL_PAGE: i64 = 250;
/// A subscriber is sent at most this many stored events before the live ones.
const BACKFILL_MAX: i64 = 10_000;

/// The stored events `filter` matches, oldest first, from at most [`BACKFILL_WINDOW`] ago. A filter that is
/// not an EventFilter backfills nothing (its live events are still matched).
async fn past_events(state: &Shared, filter: &Value) -> Vec<Value> {
    let Ok(mut filter) = serde_json::from_value::<EventFilter>(filter.clone()) else {
        return Vec::new();
    };
    let earliest = crate::db::types::Timestamp(chrono::Utc::now() - BACKFILL_WINDOW);
    if filter.occurred.since.0 < earliest {
        filter.occurred.since.0 = earliest;
    }
    filter.order = Order::Asc;
    let mut events = Vec::new();
    let mut offset = 0;
    while offset < BACKFILL_MAX {
        match crate::store::event_queries::read(&state.db, &filter, BACKFILL_PAGE, offset).await {
            Ok(page) => {
                let full = page.len() as i64 == BACKFILL_PAGE;
                events.extend(page);
                if !full {
                    break;
                }
                offset += BACKFILL_PAGE;
            }
            Err(e) => {
                crate::log::log!("error: events backfill: {e}");
                break;
            }
        }
    }
    events
}

/// The parts of Prefect's EventFilter subscribers use: event names/prefixes and resource ids/prefixes.
fn matches(filter: &Value, event: &Value) -> bool {
    let name = event
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(names) = filter.pointer("/event/name").and_then(Value::as_array)
        && !names.iter().any(|n| n.as_str() == Some(name))
    {
        return false;
    }
    if let Some(prefixes) = filter.pointer("/event/prefix").and_then(Value::as_array)
        && !prefixes
            .iter()
            .filter_map(Value::as_str)
            .any(|p| name.starts_with(p))
    {
        return false;
    }
    let resource = event
        .pointer("/resource/prefect.resource.id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(ids) = filter.pointer("/resource/id").and_then(Value::as_array)
        && !ids.iter().any(|i| i.as_str() == Some(resource))
    {
        return false;
    }
    if let Some(prefixes) = filter
        .pointer("/resource/id_prefix")
        .and_then(Value::as_array)
        && !prefixes
            .iter()
            .filter_map(Value::as_str)
            .any(|p| resource.starts_with(p))
    {
        return false;
    }
    true
}

/// LogFilter's run ids and minimum level.
fn log_matches(filter: &Value, log: &Value) -> bool {
    for field in ["flow_run_id", "task_run_id"] {
        if let Some(ids) = filter
            .pointer(&format!("/{field}/any_"))
            .and_then(Value::as_array)
            && !ids.iter().any(|i| Some(i) == log.get(field))
        {
            return false;
        }
    }
    let level = log.get("level").and_then(Value::as_i64).unwrap_or(0);
    filter
        .pointer("/level/ge_")
        .and_then(Value::as_i64)
        .is_none_or(|min| level >= min)
}
