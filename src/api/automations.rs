//! The two automation routes a deployment's client calls, answered as Prefect's server answers them while no
//! automation exists (prefect-rs stores none yet): `deployment inspect` lists the automations related to the
//! deployment (none), and `.deploy()` / `serve()` delete the ones it owns before recreating its triggers
//! (nothing to delete: 202, as Prefect answers).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::Value;

use super::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/automations/related-to/{resource_id}",
            get(async |Path(_): Path<String>| Json(Vec::<Value>::new())),
        )
        .route(
            "/automations/owned-by/{resource_id}",
            delete(async |Path(_): Path<String>| (StatusCode::ACCEPTED, Json(Value::Null))),
        )
}
