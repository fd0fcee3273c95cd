//! `/block_schemas` (create, idempotent by checksum and version; read by id or checksum; filter; delete) and
//! `/block_capabilities/`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::block_documents::{not_found, path_id};
use super::schemas::blocks::{
    BlockSchema, BlockSchemaCreate, BlockSchemaQuery, VersionParam, page,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Id;
use crate::store::block_checksum::checksum;
use crate::store::block_schemas::{
    self, BlockSchema as SchemaRow, NewSchema, Reference, child_fields, nested_references,
};
use crate::store::block_types;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/block_schemas/", post(create))
        .route("/block_schemas/filter", post(filter))
        .route("/block_schemas/{id}", get(read).delete(delete))
        .route("/block_schemas/checksum/{checksum}", get(read_by_checksum))
        .route("/block_capabilities/", get(capabilities))
}

/// A schema with its block type, as every answer shows it.
async fn with_type(state: &Shared, schema: &SchemaRow) -> ApiResult<BlockSchema> {
    let block_type = block_types::get(&state.db, schema.block_type_id).await?;
    Ok(BlockSchema::new(schema, block_type.as_ref()))
}

async fn create(
    State(state): State<Shared>,
    Body(body): Body<BlockSchemaCreate>,
) -> ApiResult<Response> {
    let type_id = Id(body.block_type_id);
    if block_types::get(&state.db, type_id).await?.is_none() {
        return Err(not_found(&format!(
            "Block type {} not found.",
            body.block_type_id
        )));
    }
    let children = nested_schemas(&state, &body.fields).await?;
    let schema = NewSchema {
        checksum: checksum(&body.fields),
        fields: body.fields,
        block_type_id: type_id,
        capabilities: body.capabilities,
        version: body.version,
    };
    let (stored, created) = block_schemas::create(&state.writer, &schema, &children, false).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(with_type(&state, &stored).await?)).into_response())
}

/// The nested blocks `fields` references: each one's block type must exist (a 409 with Prefect's message
/// otherwise); a schema not stored yet is made from the parent's definitions.
async fn nested_schemas(
    state: &Shared,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<Vec<(Reference, Option<NewSchema>)>> {
    let mut children = Vec::new();
    for reference in nested_references(fields) {
        let Some(block_type) =
            block_types::get_by_slug(&state.db, &reference.block_type_slug).await?
        else {
            return Err(ApiError {
                status: StatusCode::CONFLICT,
                body: json!({ "detail": format!(
                    "Cannot create block schema because block type '{}' was not found.Did you forget to register \
                     the block type?", reference.block_type_slug) }),
            });
        };
        if block_schemas::get_by_checksum(&state.db, &reference.checksum, None)
            .await?
            .is_some()
        {
            children.push((reference, None));
            continue;
        }
        let Some(child) = child_fields(fields, &reference) else {
            return Err(ApiError::bad_request(format!(
                "Unable to create nested block schema for block type '{}' due to missing definition.",
                block_type.name
            )));
        };
        let new = NewSchema {
            checksum: checksum(&child),
            fields: child,
            block_type_id: block_type.id,
            capabilities: Vec::new(),
            version: block_schemas::DEFAULT_VERSION.into(),
        };
        children.push((reference, Some(new)));
    }
    Ok(children)
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<BlockSchema>> {
    let found = block_schemas::get(&state.db, path_id(&id)?).await?;
    let found = found.ok_or_else(|| not_found("Block schema not found"))?;
    Ok(Json(with_type(&state, &found).await?))
}

async fn read_by_checksum(
    State(state): State<Shared>,
    Path(checksum): Path<String>,
    Query(query): Query<VersionParam>,
) -> ApiResult<Json<BlockSchema>> {
    let found =
        block_schemas::get_by_checksum(&state.db, &checksum, query.version.as_deref()).await?;
    let found = found.ok_or_else(|| not_found("Block schema not found"))?;
    Ok(Json(with_type(&state, &found).await?))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<BlockSchemaQuery>,
) -> ApiResult<Json<Vec<BlockSchema>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let filter = body.block_schemas.unwrap_or_default();
    let found = block_schemas::filter(&state.db, &filter, limit, offset).await?;
    let type_ids: Vec<Id> = found.iter().map(|s| s.block_type_id).collect();
    let types: HashMap<Id, _> = block_types::get_many(&state.db, &type_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(Json(
        found
            .iter()
            .map(|s| BlockSchema::new(s, types.get(&s.block_type_id)))
            .collect(),
    ))
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let found = block_schemas::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Block schema not found"))?;
    let block_type = block_types::get(&state.db, found.block_type_id).await?;
    if block_type.is_some_and(|t| t.is_protected) {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            body: json!({ "detail": "Block schemas for protected block types cannot be deleted." }),
        });
    }
    block_schemas::delete(&state.writer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn capabilities(State(state): State<Shared>) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(block_schemas::capabilities(&state.db).await?))
}
