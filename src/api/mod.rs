//! The Prefect-compatible HTTP API: the router, what every request passes through (API-version check, basic auth,
//! CORS, gzip, access log), and one module per resource.

mod admin;
pub(crate) mod checks;
mod error;
mod events;
mod panic;
mod runs;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};

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
    /// Requests are logged at INFO and below.
    pub log_requests: bool,
    /// What `GET /admin/settings` shows (secrets masked).
    pub public_settings: serde_json::Value,
    /// The queue to the event sink, which stores events (and the task runs they describe) in batches.
    pub events: tokio::sync::mpsc::Sender<serde_json::Value>,
    /// Labels of flows already looked up (flows are never changed through the API): saves a read per new run.
    pub known_flows: std::sync::Mutex<
        std::collections::HashMap<crate::db::types::Id, serde_json::Map<String, serde_json::Value>>,
    >,
    /// Stored events, for `/events/out` subscribers.
    pub subscribers: tokio::sync::broadcast::Sender<Arc<serde_json::Value>>,
    /// Logs as they arrive, for `/logs/out` subscribers.
    pub logs: tokio::sync::broadcast::Sender<Arc<serde_json::Value>>,
}

pub type Shared = Arc<AppState>;

pub fn router(state: Shared) -> Router {
    let versioned = Router::new()
        .merge(admin::routes())
        .merge(runs::routes())
        .layer(middleware::from_fn(check_api_version));
    // Like Prefect's app-level routes, these two skip the API-version check.
    let api = versioned
        .route("/health", get(async || Json(true)))
        .route("/version", get(async || Json(API_VERSION)))
        .merge(events::routes())
        .layer(middleware::from_fn_with_state(state.clone(), check_auth));
    #[cfg(debug_assertions)]
    let api = api.route("/test/panic", axum::routing::post(panic::test_panic));
    Router::new()
        .nest("/api", api)
        .layer(CompressionLayer::new().gzip(true))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods(Any)
                .allow_headers(Any),
        )
        .layer(middleware::from_fn(panic::catch_panic))
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
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

/// HTTP basic auth when PREFECT_SERVER_API_AUTH_STRING is set; `GET /health` and `GET /ready` stay open for probes.
async fn check_auth(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(expected) = &state.auth else {
        return next.run(request).await;
    };
    let open = request.method() == axum::http::Method::GET
        && matches!(request.uri().path(), "/health" | "/ready");
    // Websockets authenticate in their own handshake (the token in the first message), as in Prefect.
    let websocket = request
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if open || websocket || authorized(request.headers(), expected) {
        return next.run(request).await;
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "exception_message": "Unauthorized" })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
    response
}

/// True when the request carries `Authorization: Basic base64(expected)`.
pub fn authorized(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .is_some_and(|decoded| constant_time_eq(&decoded, expected.as_bytes()))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn access_log(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if !state.log_requests {
        return next.run(request).await;
    }
    let started = Instant::now();
    let line = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    eprintln!(
        "INFO: {line} {} ({:.1} ms)",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// A JSON body whose errors come back as Prefect's 422, not axum's plain-text rejection.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::invalid(&["body"], e.to_string()))?;
        let bytes = if bytes.is_empty() {
            axum::body::Bytes::from_static(b"{}")
        } else {
            bytes
        };
        serde_json::from_slice(&bytes)
            .map(Body)
            .map_err(|e| ApiError::invalid(&["body"], e.to_string()))
    }
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

    #[test]
    fn basic_auth_matches_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic dTpw"),
        ); // u:p
        assert!(authorized(&headers, "u:p"));
        assert!(!authorized(&headers, "u:q"));
        assert!(!authorized(&HeaderMap::new(), "u:p"));
    }
}
