//! The Prefect-compatible HTTP API: the router, what every request passes through (access log, CSRF, CORS, gzip,
//! basic auth, API-version check; JSON bodies for 404 and 405), and one module per resource.

mod admin;
mod admin_storage;
mod artifacts;
mod auth;
mod automations;
mod block_documents;
mod block_schemas;
mod block_types;
mod body;
mod collections;
mod common;
mod concurrency_limits;
mod concurrency_limits_v2;
mod cors;
mod csrf;
mod deployment_flow_runs;
mod deployment_schedules;
mod deployments;
mod error;
mod event_queries;
mod events;
mod flow_run_bulk;
mod flow_run_input;
mod flow_run_states;
mod flow_runs;
mod flows;
mod graph;
mod history;
mod lifecycle;
mod logs;
mod logs_download;
mod paginate;
mod panic;
mod saved_searches;
pub mod schemas;
mod task_run_states;
mod task_runs;
mod task_workers;
mod ui;
mod variables;
mod work_pools;
mod work_queues;
mod workers;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;

pub use self::auth::constant_time_eq;
pub use self::body::Body;
pub(crate) use self::common::path_id;
pub use self::cors::Cors;
pub use self::error::{ApiError, ApiResult};
use crate::db::Db;

/// The Prefect release whose API we serve. The client warns when the server is older than itself, and refuses
/// a major version other than 3.
pub const PREFECT_VERSION: &str = "3.9.1";
/// The API version we speak (`GET /api/version`, and what orchestration rules compare against).
pub const API_VERSION: &str = "0.8.4";
/// Requests that declare an API version older than this are refused, as Prefect does.
const MINIMUM_API_VERSION: (u64, u64, u64) = (0, 8, 0);

/// What every handler can reach.
pub struct AppState {
    /// Reads (many connections; WAL lets them run beside the writer).
    pub db: Db,
    /// Writes: group commit on SQLite's one write connection, the pool on PostgreSQL.
    pub writer: crate::store::Writer,
    /// `user:password` from PREFECT_SERVER_API_AUTH_STRING.
    pub auth: Option<String>,
    /// Body bound, CORS and CSRF settings.
    pub http: HttpPolicy,
    /// Requests are logged at INFO and below.
    pub log_requests: bool,
    /// What `GET /admin/settings` shows (secrets masked).
    pub public_settings: serde_json::Value,
    /// The queue to the event sink, which stores events (and the task runs they describe) in batches.
    pub events: tokio::sync::mpsc::Sender<serde_json::Value>,
    /// Labels of flows already looked up (a flow's labels never change through the API): saves a read per new run.
    pub known_flows: std::sync::Mutex<
        std::collections::HashMap<crate::db::types::Id, serde_json::Map<String, serde_json::Value>>,
    >,
    /// Stored events, for `/events/out` subscribers.
    pub subscribers: tokio::sync::broadcast::Sender<Arc<serde_json::Value>>,
    /// Logs as they arrive, for `/logs/out` subscribers.
    pub logs: tokio::sync::broadcast::Sender<Arc<serde_json::Value>>,
    /// How long a websocket may stay silent before its auth (and filter) message: the keep-alive timeout.
    pub first_message_deadline: std::time::Duration,
    /// How long clients refused a concurrency slot are told to wait at most.
    pub slot_waits: crate::store::concurrency_limits_v2::SlotWaits,
    /// The most nodes and artifacts a flow run graph answers with.
    pub graph_limits: crate::store::graph::GraphLimits,
    /// The UI bundles served beside the API, and `/ui-settings`.
    pub ui: crate::ui::Site,
}

pub type Shared = Arc<AppState>;

/// How the server treats requests at the edge, from settings.
#[derive(Clone, Debug)]
pub struct HttpPolicy {
    /// PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES.
    pub max_body_bytes: usize,
    /// PREFECT_SERVER_API_CORS_ALLOWED_{ORIGINS, METHODS, HEADERS}.
    pub cors: Cors,
    /// PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION when PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED, else `None`.
    pub csrf_token_lifetime: Option<std::time::Duration>,
}

pub fn router(state: Shared) -> Router {
    let versioned = Router::new()
        .merge(admin::routes())
        .merge(csrf::routes())
        .merge(flow_run_input::routes())
        .merge(task_workers::routes())
        .merge(block_types::routes())
        .merge(block_schemas::routes())
        .merge(block_documents::routes())
        .merge(artifacts::routes())
        .merge(variables::routes())
        .merge(collections::routes())
        .merge(flows::routes())
        .merge(flow_runs::routes())
        .merge(task_runs::routes())
        .merge(logs::routes())
        .merge(flow_run_states::routes())
        .merge(task_run_states::routes())
        .merge(concurrency_limits::routes())
        .merge(concurrency_limits_v2::routes())
        .merge(deployments::routes())
        .merge(deployment_flow_runs::routes())
        .merge(deployment_schedules::routes())
        .merge(automations::routes())
        .merge(work_pools::routes())
        .merge(work_queues::routes())
        .merge(workers::routes())
        .merge(paginate::routes())
        .merge(ui::routes())
        .merge(saved_searches::routes())
        .merge(history::routes())
        .merge(graph::routes())
        .merge(flow_run_bulk::routes())
        .merge(logs_download::routes())
        .merge(admin_storage::routes())
        .merge(event_queries::routes())
        .layer(middleware::from_fn(check_api_version));
    // Like Prefect's app-level routes, these two skip the API-version check. An unknown route under /api needs
    // credentials too, as in Prefect.
    let plain = versioned
        .route("/health", get(async || Json(true)))
        .route("/version", get(async || Json(API_VERSION)))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_header,
        ));
    let websockets = events::routes()
        .merge(task_workers::websocket_routes())
        .merge(workers::websocket_routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::websocket_or_header,
        ));
    #[cfg(debug_assertions)]
    let plain = plain.route("/test/panic", axum::routing::post(panic::test_panic));
    // Prefect's order, outermost first: CSRF, CORS, then the app; the access log sees every answer.
    Router::new()
        .nest("/api", plain.merge(websockets))
        .merge(crate::ui::routes(&state.ui))
        .fallback(crate::ui::fallback)
        .layer(middleware::from_fn(json_error_bodies))
        .layer(CompressionLayer::new().gzip(true))
        .layer(middleware::from_fn_with_state(state.clone(), cors::cors))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::check))
        .layer(middleware::from_fn(panic::catch_panic))
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: serde_json::json!({ "detail": "Not Found" }),
    }
}

/// The router's own 404 and 405 come without a body; Prefect's clients read `{"detail": …}` from them. A 405
/// keeps its `Allow` header.
async fn json_error_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let detail = match response.status() {
        StatusCode::NOT_FOUND => "Not Found",
        StatusCode::METHOD_NOT_ALLOWED => "Method Not Allowed",
        _ => return response,
    };
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let mut answer = (
        response.status(),
        Json(serde_json::json!({ "detail": detail })),
    )
        .into_response();
    for (name, value) in response.headers() {
        if name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name, value.clone());
        }
    }
    answer
}

/// `X-Prefect-API-Version`: absent or empty is fine; not `x.y.z`, or older than 0.8.0, is refused as Prefect does.
async fn check_api_version(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get("x-prefect-api-version")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .filter(|v| !v.is_empty());
    if let Some(text) = declared {
        let Some(version) = parse_version(&text) else {
            return ApiError::bad_request(format!(
                "Invalid X-PREFECT-API-VERSION header format.Expected header in format 'x.y.z' but received {text}"
            ))
            .into_response();
        };
        if version < MINIMUM_API_VERSION {
            let (x, y, z) = MINIMUM_API_VERSION;
            return ApiError::bad_request(format!(
                "The request specified API version {text} but this server requires version {x}.{y}.{z} or higher."
            ))
            .into_response();
        }
    }
    next.run(request).await
}

fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let parts: Vec<u64> = text
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [a, b, c] => Some((*a, *b, *c)),
        _ => None,
    }
}

async fn access_log(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if !state.log_requests {
        return next.run(request).await;
    }
    let started = Instant::now();
    let line = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    crate::log::log!(
        "INFO: {line} {} ({:.1} ms)",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_compare_numerically() {
        assert_eq!(parse_version("0.8.4"), Some((0, 8, 4)));
        assert!(parse_version("0.1.0").unwrap() < MINIMUM_API_VERSION);
        assert!(parse_version("0.10.0").unwrap() > MINIMUM_API_VERSION);
        assert_eq!(parse_version("junk"), None);
        assert_eq!(parse_version("0.8"), None);
    }
}
