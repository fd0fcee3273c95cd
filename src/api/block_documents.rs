//! `/block_documents`: create, read, update (merging into the stored data unless told not to), delete, filter,
//! count. Secret fields read as `********` unless `include_secrets`; an update that sends the mask back keeps
//! the secret.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::block_types::{check_dashed, check_name, value_error};
use super::schemas::blocks::{
    BlockDocument, BlockDocumentCreate, BlockDocumentQuery, BlockDocumentUpdate, SecretsParam, page,
};
use super::schemas::fields;
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::Id;
use crate::store::block_documents::{self, NewDocument, Selection, split_references};
use crate::store::block_secrets::{restore, secret_paths};
use crate::store::{block_schemas, block_types};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/block_documents/", post(create))
        .route("/block_documents/filter", post(filter))
        .route("/block_documents/count", post(count))
        .route(
            "/block_documents/{id}",
            get(read).patch(update).delete(delete),
        )
}

/// A path id that is not a UUID is a route that does not exist, as in Prefect.
pub fn path_id(text: &str) -> ApiResult<Id> {
    uuid::Uuid::parse_str(text)
        .map(Id)
        .map_err(|_| not_found("Not Found"))
}

pub fn not_found(detail: &str) -> ApiError {
    ApiError::not_found_plain(detail)
}

/// `?include_secrets=`, read as pydantic reads a bool (absent is false).
pub fn include_secrets(query: &SecretsParam) -> ApiResult<bool> {
    match &query.include_secrets {
        None => Ok(false),
        Some(text) => {
            fields::lax_bool(&json!(text)).map_err(|e| e.at(&json!(["query", "include_secrets"])))
        }
    }
}

fn bad_request(detail: String) -> ApiError {
    ApiError::bad_request(detail)
}

/// A reference to a document that does not exist breaks a foreign key; Prefect answers that with its 409.
fn integrity(error: sqlx::Error) -> ApiError {
    match &error {
        sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation => {
            ApiError::integrity_conflict()
        }
        _ => error.into(),
    }
}

async fn create(
    State(state): State<Shared>,
    Body(body): Body<BlockDocumentCreate>,
) -> ApiResult<Response> {
    let name = match (body.name.filter(|n| !n.is_empty()), body.is_anonymous) {
        (Some(name), _) => {
            check_name(&name, json!(["body", "name"]))?;
            check_dashed(&name, "Block document name", json!(["body", "name"]))?;
            name
        }
        // Anonymous documents get a generated name, as in Prefect.
        (None, true) => format!("anonymous-{}", uuid::Uuid::new_v4()),
        (None, false) => {
            let input = json!({
                "data": body.data, "block_schema_id": body.block_schema_id, "block_type_id": body.block_type_id,
            });
            return Err(value_error(
                json!(["body"]),
                "Names must be provided for block documents.",
                input,
            ));
        }
    };
    let type_id = Id(body.block_type_id);
    let schema_id = Id(body.block_schema_id);
    let block_type = block_types::get(&state.db, type_id).await?;
    let Some(block_type) = block_type else {
        return Err(not_found(&format!(
            "Block type {} not found.",
            body.block_type_id
        )));
    };
    // Prefect answers a missing schema as the foreign key it breaks (a missing type is a 500 there; a 404 here).
    if block_schemas::get(&state.db, schema_id).await?.is_none() {
        return Err(ApiError::integrity_conflict());
    }
    let (data, references) = split_references(&body.data).map_err(bad_request)?;
    let new = NewDocument {
        name,
        data,
        references,
        block_schema_id: schema_id,
        block_type_id: type_id,
        block_type_name: block_type.name,
        is_anonymous: body.is_anonymous,
    };
    let created = block_documents::create(&state.writer, &new)
        .await
        .map_err(integrity)?;
    let id = created.ok_or_else(|| ApiError {
        status: StatusCode::CONFLICT,
        body: json!({ "detail": "Block already exists" }),
    })?;
    let document = block_documents::get(&state.db, id, false)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(BlockDocument::from(&document))).into_response())
}

async fn read(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<SecretsParam>,
) -> ApiResult<Json<BlockDocument>> {
    let secrets = include_secrets(&query)?;
    let found = block_documents::get(&state.db, path_id(&id)?, secrets).await?;
    let found = found.ok_or_else(|| not_found("Block document not found"))?;
    Ok(Json(BlockDocument::from(&found)))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<BlockDocumentQuery>,
) -> ApiResult<Json<Vec<BlockDocument>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let selection = Selection {
        documents: body.block_documents.unwrap_or_default(),
        types: body.block_types,
        schemas: body.block_schemas,
    };
    let secrets = body.include_secrets.unwrap_or(false);
    let sort = body.sort.unwrap_or_default();
    let found = block_documents::read(&state.db, &selection, secrets, sort, limit, offset).await?;
    Ok(Json(found.iter().map(BlockDocument::from).collect()))
}

async fn count(
    State(state): State<Shared>,
    Body(body): Body<BlockDocumentQuery>,
) -> ApiResult<Json<i64>> {
    let selection = Selection {
        documents: body.block_documents.unwrap_or_default(),
        types: body.block_types,
        schemas: body.block_schemas,
    };
    Ok(Json(block_documents::count(&state.db, &selection).await?))
}

/// Prefect's update: masked secrets sent back keep their stored values; with `merge_existing_data` (the
/// default) the sent keys are merged into the stored data, else they replace it. A new schema must be of the
/// same block type.
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<BlockDocumentUpdate>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let (current, schema, row) = block_documents::stored(&state.db, id)
        .await?
        .ok_or_else(|| not_found("Block document not found"))?;
    let mut data = restore(&body.data, &current, &secret_paths(&schema.fields.0));
    if body.merge_existing_data {
        let mut merged = current.clone();
        merged.extend(data);
        data = merged;
    }
    let (plain, references) = split_references(&data).map_err(bad_request)?;
    for (_, child) in &references {
        if block_documents::would_cycle(&state.db, id, *child).await? {
            return Err(bad_request(format!(
                "Cannot create block document reference: it would introduce a cycle into the \
                 block_document_reference graph (parent={id}, reference={child})."
            )));
        }
    }
    let mut schema_id = row.block_schema_id;
    if let Some(proposed) = body
        .block_schema_id
        .map(Id)
        .filter(|p| *p != row.block_schema_id)
    {
        let proposed_schema = block_schemas::get(&state.db, proposed).await?;
        let Some(proposed_schema) = proposed_schema else {
            return Err(not_found(&format!("Block schema {proposed} not found.")));
        };
        if proposed_schema.block_type_id != row.block_type_id {
            return Err(bad_request(
                "Must migrate block document to a block schema of the same block type.".into(),
            ));
        }
        schema_id = proposed;
    }
    let updated = block_documents::update(&state.writer, id, &plain, &references, schema_id)
        .await
        .map_err(integrity)?;
    if !updated {
        return Err(not_found("Block document not found"));
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    if !block_documents::delete(&state.writer, path_id(&id)?).await? {
        return Err(not_found("Block document not found"));
    }
    Ok(StatusCode::NO_CONTENT)
}
