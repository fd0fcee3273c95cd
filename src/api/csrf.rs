//! CSRF protection as Prefect's server does it (PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED, off by default):
//! `GET /csrf-token?client=…` hands a client a token stored in the database, and every POST, PUT, PATCH and
//! DELETE must carry it in `Prefect-Csrf-Token` with its `Prefect-Csrf-Client`. The official client asks for
//! a token by itself, and stops asking when the server answers that protection is disabled.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;

use super::auth::constant_time_eq;
use super::body::refuse;
use super::{ApiError, ApiResult, Shared};
use crate::db::types::Timestamp;
use crate::store::csrf;

pub fn routes() -> Router<Shared> {
    Router::new().route("/csrf-token", axum::routing::get(create_token))
}

/// A new token for `client`, valid for PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION.
async fn create_token(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let Some(client) = query.get("client") else {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "exception_message": "Invalid request received.",
                "exception_detail": [
                    { "type": "missing", "loc": ["query", "client"], "msg": "Field required", "input": null }
                ],
                "request_body": null,
            }),
        });
    };
    let Some(lifetime) = state.http.csrf_token_lifetime else {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "detail": "CSRF protection is disabled." }),
        });
    };
    let expiration = expires_after(lifetime)?;
    let token = new_token().map_err(|e| {
        crate::log::log!("error: no random bytes for a CSRF token: {e}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: json!({ "exception_message": "Internal Server Error" }),
        }
    })?;
    let stored = csrf::create_or_update(&state.writer, client, &token, expiration).await?;
    Ok(Json(stored.to_json()).into_response())
}

fn expires_after(lifetime: Duration) -> ApiResult<Timestamp> {
    chrono::TimeDelta::from_std(lifetime)
        .ok()
        .and_then(|delta| chrono::Utc::now().checked_add_signed(delta))
        .map(Timestamp)
        .ok_or_else(|| {
            ApiError::bad_request(
                "PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION is too long to compute an expiration time",
            )
        })
}

/// 32 random bytes in hex, as Prefect's `secrets.token_hex(32)`.
fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    crate::fsutil::random_bytes(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Refuses a state-changing request without a valid token, with Prefect's 403s.
pub async fn check(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let changes_state = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if state.http.csrf_token_lifetime.is_none() || !changes_state {
        return next.run(request).await;
    }
    let token = header_text(&request, "prefect-csrf-token");
    let client = header_text(&request, "prefect-csrf-client");
    let limit = state.http.max_body_bytes;
    let Some(token) = token else {
        return refuse(request, limit, forbidden("Missing CSRF token.")).await;
    };
    let Some(client) = client else {
        return refuse(request, limit, forbidden("Missing client identifier.")).await;
    };
    let stored = match csrf::read_for_client(&state.db, &client).await {
        Ok(stored) => stored,
        Err(error) => return ApiError::from(error).into_response(),
    };
    if stored.is_some_and(|s| constant_time_eq(s.token.as_bytes(), token.as_bytes())) {
        return next.run(request).await;
    }
    // Prefect's client retries once with a new token when it reads "Invalid CSRF token".
    let mut response = forbidden("Invalid CSRF token or client identifier.");
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    refuse(request, limit, response).await
}

fn header_text(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

fn forbidden(detail: &str) -> Response {
    (StatusCode::FORBIDDEN, Json(json!({ "detail": detail }))).into_response()
}
