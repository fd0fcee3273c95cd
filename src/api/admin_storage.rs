//! `/admin/storage`: read, set (a block document whose schema can `write-path`) and clear the server's default
//! result storage, as Prefect's admin routes do.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::schemas::fields::Uuid;
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::storage_defaults::{self, Usable};

pub fn routes() -> Router<Shared> {
    Router::new().route("/admin/storage", get(read).put(update).delete(clear))
}

/// Prefect's `ServerDefaultResultStorageUpdate`: the id is required (null is refused).
#[derive(Debug, Deserialize)]
pub struct StorageUpdate {
    pub default_result_storage_block_id: Uuid,
}

async fn answer(state: &Shared) -> ApiResult<Json<Value>> {
    let id = storage_defaults::read(&state.db).await?;
    Ok(Json(
        json!({ "default_result_storage_block_id": id.map(|i| i.to_string()) }),
    ))
}

async fn read(State(state): State<Shared>) -> ApiResult<Json<Value>> {
    answer(&state).await
}

async fn update(
    State(state): State<Shared>,
    Body(body): Body<StorageUpdate>,
) -> ApiResult<Json<Value>> {
    let id = body.default_result_storage_block_id.0;
    match storage_defaults::usable(&state.db, id).await? {
        Usable::Yes => {}
        Usable::NoSuchBlock => {
            return Err(ApiError::not_found_plain(&format!(
                "Block document {id} not found."
            )));
        }
        Usable::CannotWrite => {
            return Err(ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                body: json!({ "detail": format!("Block document {id} cannot be used for result storage.") }),
            });
        }
    }
    storage_defaults::write(&state.writer, id).await?;
    answer(&state).await
}

async fn clear(State(state): State<Shared>) -> ApiResult<StatusCode> {
    storage_defaults::clear(&state.writer).await?;
    Ok(StatusCode::NO_CONTENT)
}
