//! `/saved_searches`: the UI's named filter sets on the runs page: create-or-replace by name, read, list by
//! name, delete.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};

use super::common::{created_or_ok, page, path_id};
use super::schemas::saved_searches::{SavedSearch, SavedSearchCreate, SavedSearchFilterBody};
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::saved_searches as store;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/saved_searches/", put(create))
        .route("/saved_searches/filter", post(filter))
        .route("/saved_searches/{id}", get(read).delete(delete))
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Saved search not found")
}

/// 201 with a new search; 200 with the one of that name, its filters replaced.
async fn create(
    State(state): State<Shared>,
    Body(body): Body<SavedSearchCreate>,
) -> ApiResult<Response> {
    let filters = serde_json::to_value(&body.filters).unwrap_or_default();
    let (search, created) = store::upsert(&state.writer, &body.name, &filters).await?;
    Ok(created_or_ok(created, SavedSearch::from(&search)))
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<SavedSearch>> {
    let search = store::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(SavedSearch::from(&search)))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<SavedSearchFilterBody>,
) -> ApiResult<Json<Vec<SavedSearch>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let found = store::list(&state.db, limit, offset).await?;
    Ok(Json(found.iter().map(SavedSearch::from).collect()))
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    if store::delete(&state.writer, path_id(&id)?).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
