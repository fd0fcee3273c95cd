//! Block types, schemas and documents: Prefect's action models (`BlockTypeCreate`, …), the bodies of their
//! filter routes, and the response models `BlockType`, `BlockSchema` and `BlockDocument`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::patch;
use crate::api::ApiError;
use crate::store::block_documents::{BlockDocumentFilter, Document, Sort};
use crate::store::block_schemas::{BlockSchema as SchemaRow, BlockSchemaFilter, DEFAULT_VERSION};
use crate::store::block_types::{BlockType as TypeRow, BlockTypeFilter};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockTypeCreate {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub logo_url: Option<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub code_example: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockTypeUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub logo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub documentation_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub code_example: Option<Option<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct BlockTypeQuery {
    #[serde(default)]
    pub block_types: Option<BlockTypeFilter>,
    #[serde(default)]
    pub block_schemas: Option<BlockSchemaFilter>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

fn default_version() -> String {
    DEFAULT_VERSION.into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockSchemaCreate {
    #[serde(default)]
    pub fields: Map<String, Value>,
    pub block_type_id: Uuid,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default = "default_version")]
    pub version: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct BlockSchemaQuery {
    #[serde(default)]
    pub block_schemas: Option<BlockSchemaFilter>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDocumentCreate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub data: Map<String, Value>,
    pub block_schema_id: Uuid,
    pub block_type_id: Uuid,
    #[serde(default)]
    pub is_anonymous: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDocumentUpdate {
    #[serde(default)]
    pub block_schema_id: Option<Uuid>,
    #[serde(default)]
    pub data: Map<String, Value>,
    #[serde(default = "yes")]
    pub merge_existing_data: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct BlockDocumentQuery {
    #[serde(default)]
    pub block_documents: Option<BlockDocumentFilter>,
    #[serde(default)]
    pub block_types: Option<BlockTypeFilter>,
    #[serde(default)]
    pub block_schemas: Option<BlockSchemaFilter>,
    #[serde(default)]
    pub include_secrets: Option<bool>,
    #[serde(default)]
    pub sort: Option<Sort>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

/// `?include_secrets=` of the document reads.
#[derive(Debug, Default, Deserialize)]
pub struct SecretsParam {
    #[serde(default)]
    pub include_secrets: Option<String>,
}

/// `?version=` of a read by checksum.
#[derive(Debug, Default, Deserialize)]
pub struct VersionParam {
    #[serde(default)]
    pub version: Option<String>,
}

/// A filter's `limit` (default and most 200) and `offset`, refused out of range as Prefect refuses them.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    const MOST: i64 = 200;
    let limit = limit.unwrap_or(MOST);
    let refuse = |detail: &str| ApiError {
        status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        body: serde_json::json!({ "detail": detail }),
    };
    if limit > MOST {
        return Err(refuse("Invalid limit: must be less than or equal to 200."));
    }
    if limit < 0 {
        return Err(refuse("Invalid limit: must be greater than or equal to 0."));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::invalid(
            &["body", "offset"],
            "Input should be greater than or equal to 0",
        ));
    }
    Ok((limit, offset))
}

#[derive(Debug, Serialize)]
pub struct BlockType {
    pub id: Uuid,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub slug: String,
    pub logo_url: Option<String>,
    pub documentation_url: Option<String>,
    pub description: Option<String>,
    pub code_example: Option<String>,
    pub is_protected: bool,
}

impl From<&TypeRow> for BlockType {
    fn from(t: &TypeRow) -> Self {
        Self {
            id: t.id.0,
            created: t.created.rfc3339(),
            updated: t.updated.rfc3339(),
            name: t.name.clone(),
            slug: t.slug.clone(),
            logo_url: t.logo_url.clone(),
            documentation_url: t.documentation_url.clone(),
            description: t.description.clone(),
            code_example: t.code_example.clone(),
            is_protected: t.is_protected,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BlockSchema {
    pub id: Uuid,
    pub created: String,
    pub updated: String,
    pub checksum: String,
    pub fields: Value,
    pub block_type_id: Uuid,
    pub block_type: Option<BlockType>,
    pub capabilities: Value,
    pub version: String,
}

impl BlockSchema {
    pub fn new(s: &SchemaRow, block_type: Option<&TypeRow>) -> Self {
        Self {
            id: s.id.0,
            created: s.created.rfc3339(),
            updated: s.updated.rfc3339(),
            checksum: s.checksum.clone(),
            fields: s.fields.0.clone(),
            block_type_id: s.block_type_id.0,
            block_type: block_type.map(BlockType::from),
            capabilities: s.capabilities.0.clone(),
            version: s.version.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct BlockDocument {
    pub id: Uuid,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub data: Map<String, Value>,
    pub block_schema_id: Uuid,
    pub block_schema: BlockSchema,
    pub block_type_id: Uuid,
    pub block_type_name: Option<String>,
    pub block_type: BlockType,
    pub block_document_references: Map<String, Value>,
    pub is_anonymous: bool,
}

impl From<&Document> for BlockDocument {
    fn from(d: &Document) -> Self {
        Self {
            id: d.row.id.0,
            created: d.row.created.rfc3339(),
            updated: d.row.updated.rfc3339(),
            name: d.row.name.clone(),
            data: d.data.clone(),
            block_schema_id: d.row.block_schema_id.0,
            block_schema: BlockSchema::new(&d.schema, Some(&d.block_type)),
            block_type_id: d.row.block_type_id.0,
            block_type_name: d.row.block_type_name.clone(),
            block_type: BlockType::from(&d.block_type),
            block_document_references: d.references.clone(),
            is_anonymous: d.row.is_anonymous,
        }
    }
}
