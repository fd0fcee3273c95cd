//! Health, readiness, version and the other small endpoints clients probe before they do anything.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::{PREFECT_VERSION, Shared};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/ready", get(ready))
        .route("/hello", get(async || Json("👋")))
        .route("/admin/version", get(async || Json(PREFECT_VERSION)))
        .route("/admin/settings", get(settings))
}

/// Ready means the database answers.
async fn ready(State(state): State<Shared>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(json!({ "message": "OK" })).into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "message": "Database is not ready" })),
        )
            .into_response(),
    }
}

async fn settings(State(state): State<Shared>) -> Json<serde_json::Value> {
    Json(state.public_settings.clone())
}
