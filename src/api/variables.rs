//! `/variables`: named JSON values a flow reads and sets (`Variable.get/set`), by id or by name.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::schemas::filters::{Offset, limit};
use super::schemas::variables::{
    Variable, VariableCountBody, VariableCreate, VariableFilterBody, VariableUpdate,
};
use super::{ApiError, ApiResult, Body, Shared, lifecycle, path_id};
use crate::store::variables::{self as store, Changes, Key};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/variables/", post(create))
        .route("/variables/filter", post(filter))
        .route("/variables/count", post(count))
        .route(
            "/variables/{id}",
            get(read_by_id).patch(update_by_id).delete(delete_by_id),
        )
        .route(
            "/variables/name/{name}",
            get(read_by_name)
                .patch(update_by_name)
                .delete(delete_by_name),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Variable not found.")
}

async fn create(
    State(state): State<Shared>,
    Body(variable): Body<VariableCreate>,
) -> ApiResult<(StatusCode, Json<Variable>)> {
    let name = variable.name.0;
    let created = store::create(&state.writer, &name, &variable.value.0, &variable.tags).await?;
    let created = created.ok_or_else(|| ApiError {
        status: StatusCode::CONFLICT,
        // Prefect formats the name with Python's repr; names are restricted to characters it never escapes.
        body: serde_json::json!({ "detail": format!("A variable with the name '{name}' already exists.") }),
    })?;
    lifecycle::variable(&state, "created", &created).await;
    Ok((StatusCode::CREATED, Json(created.into())))
}

async fn read(state: &Shared, key: Key) -> ApiResult<Json<Variable>> {
    let found = store::read(&state.db, &key).await?.ok_or_else(not_found)?;
    Ok(Json(found.into()))
}

async fn read_by_id(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Variable>> {
    read(&state, Key::Id(path_id(&id)?)).await
}

async fn read_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<Json<Variable>> {
    read(&state, Key::Name(name)).await
}

/// A patch field of a NOT NULL column: set to null, Prefect's database refuses it and its server answers 409.
fn not_null<T>(field: Option<Option<T>>) -> ApiResult<Option<T>> {
    match field {
        Some(None) => Err(ApiError::integrity_conflict()),
        Some(Some(value)) => Ok(Some(value)),
        None => Ok(None),
    }
}

async fn update(state: &Shared, key: Key, update: VariableUpdate) -> ApiResult<StatusCode> {
    let name = not_null(update.name)?.map(|n| n.0);
    let tags = not_null(update.tags)?;
    let changes = Changes {
        name,
        value: update
            .value
            .map(|v| v.map_or(serde_json::Value::Null, |v| v.0)),
        tags,
    };
    match store::update(&state.writer, &key, &changes).await {
        Ok(Some(updated)) => {
            lifecycle::variable(state, "updated", &updated).await;
            Ok(StatusCode::NO_CONTENT)
        }
        Ok(None) => Err(not_found()),
        Err(error) if store::is_unique_violation(&error) => Err(ApiError::integrity_conflict()),
        Err(error) => Err(error.into()),
    }
}

async fn update_by_id(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<VariableUpdate>,
) -> ApiResult<StatusCode> {
    update(&state, Key::Id(path_id(&id)?), body).await
}

async fn update_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Body(body): Body<VariableUpdate>,
) -> ApiResult<StatusCode> {
    update(&state, Key::Name(name), body).await
}

async fn delete(state: &Shared, key: Key) -> ApiResult<StatusCode> {
    let deleted = store::delete(&state.writer, &key).await?;
    lifecycle::variable(state, "deleted", &deleted.ok_or_else(not_found)?).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_by_id(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    delete(&state, Key::Id(path_id(&id)?)).await
}

async fn delete_by_name(
    State(state): State<Shared>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    delete(&state, Key::Name(name)).await
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<VariableFilterBody>,
) -> ApiResult<Json<Vec<Variable>>> {
    let limit = limit(body.limit)?;
    let Offset(offset) = body.offset.unwrap_or_default();
    let filter = body.variables.unwrap_or_default().into();
    let sort = body.sort.unwrap_or_default().into();
    let rows = store::filter(&state.db, &filter, sort, limit, offset).await?;
    Ok(Json(rows.into_iter().map(Variable::from).collect()))
}

async fn count(
    State(state): State<Shared>,
    Body(body): Body<VariableCountBody>,
) -> ApiResult<Json<i64>> {
    let filter = body.variables.unwrap_or_default().into();
    Ok(Json(store::count(&state.db, &filter).await?))
}
