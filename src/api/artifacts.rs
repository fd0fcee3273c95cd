//! `/artifacts`: what flows and tasks publish (markdown, tables, links, progress, images, results), every
//! version of it, and the latest version of each key.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::schemas::artifacts::{
    Artifact, ArtifactCollectionFilter, ArtifactCreate, ArtifactFilter, ArtifactFilterBody,
    ArtifactUpdate,
};
use super::schemas::filters::{Offset, limit};
use super::{ApiError, ApiResult, Body, Shared, lifecycle, path_id};
use crate::store::artifacts::{self as store, Table};
use crate::store::filter::reject_unsupported;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/artifacts/", post(create))
        .route("/artifacts/filter", post(filter))
        .route("/artifacts/count", post(count))
        .route("/artifacts/latest/filter", post(filter_latest))
        .route("/artifacts/latest/count", post(count_latest))
        .route("/artifacts/{id}", get(read).patch(update).delete(delete))
        .route("/artifacts/{key}/latest", get(read_latest))
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Artifact not found.")
}

async fn create(
    State(state): State<Shared>,
    Body(artifact): Body<ArtifactCreate>,
) -> ApiResult<(StatusCode, Json<Artifact>)> {
    let (created, latest) = store::create(&state.writer, &artifact.into()).await?;
    if let Some(latest) = &latest {
        lifecycle::latest_artifact(&state, latest).await;
    }
    Ok((StatusCode::CREATED, Json(created.into())))
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Artifact>> {
    let found = store::read(&state.db, path_id(&id)?).await?;
    Ok(Json(found.ok_or_else(not_found)?.into()))
}

async fn read_latest(
    State(state): State<Shared>,
    Path(key): Path<String>,
) -> ApiResult<Json<Artifact>> {
    let found = store::read_latest(&state.db, &key).await?;
    Ok(Json(found.ok_or_else(not_found)?.into()))
}

async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(update): Body<ArtifactUpdate>,
) -> ApiResult<StatusCode> {
    if store::update(&state.writer, path_id(&id)?, &update.into()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let latest = store::delete(&state.writer, path_id(&id)?).await?;
    let latest = latest.ok_or_else(not_found)?;
    if let Some(latest) = &latest {
        lifecycle::latest_artifact(&state, latest).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Reads a filter body of either table: every artifact, or each key's latest.
async fn find<F: Into<ArtifactFilter>>(
    state: &Shared,
    table: Table,
    body: ArtifactFilterBody<F>,
) -> ApiResult<Json<Vec<Artifact>>> {
    reject_unsupported(
        &body.related(),
        &["flow_runs", "task_runs", "flows", "deployments"],
    )?;
    let limit = limit(body.limit)?;
    let Offset(offset) = body.offset.unwrap_or_default();
    let sort = body.sort.unwrap_or_default().into();
    let filter = body.artifacts.map(Into::into).unwrap_or_default().into();
    let rows = store::filter(&state.db, table, &filter, sort, limit, offset).await?;
    Ok(Json(rows.into_iter().map(Artifact::from).collect()))
}

async fn tally<F: Into<ArtifactFilter>>(
    state: &Shared,
    table: Table,
    body: ArtifactFilterBody<F>,
) -> ApiResult<Json<i64>> {
    reject_unsupported(
        &body.related(),
        &["flow_runs", "task_runs", "flows", "deployments"],
    )?;
    let filter = body.artifacts.map(Into::into).unwrap_or_default().into();
    Ok(Json(store::count(&state.db, table, &filter).await?))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<ArtifactFilterBody<ArtifactFilter>>,
) -> ApiResult<Json<Vec<Artifact>>> {
    find(&state, Table::Artifacts, body).await
}

async fn filter_latest(
    State(state): State<Shared>,
    Body(body): Body<ArtifactFilterBody<ArtifactCollectionFilter>>,
) -> ApiResult<Json<Vec<Artifact>>> {
    find(&state, Table::Latest, body).await
}

async fn count(
    State(state): State<Shared>,
    Body(body): Body<ArtifactFilterBody<ArtifactFilter>>,
) -> ApiResult<Json<i64>> {
    tally(&state, Table::Artifacts, body).await
}

async fn count_latest(
    State(state): State<Shared>,
    Body(body): Body<ArtifactFilterBody<ArtifactCollectionFilter>>,
) -> ApiResult<Json<i64>> {
    tally(&state, Table::Latest, body).await
}
