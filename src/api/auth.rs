//! HTTP basic auth (PREFECT_SERVER_API_AUTH_STRING). Which requests may skip the `Authorization` header is a
//! property of the route they reach, never of a header they carry: only the websocket routes defer to their
//! in-band auth message, and only for an actual websocket upgrade.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use super::Shared;
use super::body::refuse;

/// Every route but the websockets: the header is required, except on `GET /health` and `GET /ready`, which
/// stay open for probes as in Prefect.
pub async fn require_header(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(expected) = &state.auth else {
        return next.run(request).await;
    };
    let probe =
        request.method() == Method::GET && matches!(request.uri().path(), "/health" | "/ready");
    if probe || authorized(request.headers(), expected) {
        return next.run(request).await;
    }
    refuse(request, state.http.max_body_bytes, unauthorized()).await
}

/// The websocket routes: an upgrade authenticates in its first message (`{"type": "auth", "token": …}`), as
/// in Prefect; any other request to them is an ordinary request and needs the header.
pub async fn websocket_or_header(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    if upgrade {
        return next.run(request).await;
    }
    require_header(State(state), request, next).await
}

/// Prefect's 401. Without a `WWW-Authenticate` challenge, as Prefect's: with one, a browser stops the UI's
/// requests for its own credentials dialog, and the UI's login page never gets the 401 it handles.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "exception_message": "Unauthorized" })),
    )
        .into_response()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_matches_exactly() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            axum::http::HeaderValue::from_static("Basic dTpw"),
        ); // u:p
        assert!(authorized(&headers, "u:p"));
        assert!(!authorized(&headers, "u:q"));
        assert!(!authorized(&HeaderMap::new(), "u:p"));
    }
}
