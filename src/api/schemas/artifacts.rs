//! Artifacts: `ArtifactCreate`, `ArtifactUpdate`, the filter bodies of `/artifacts/filter` and
//! `/artifacts/latest/filter`, and the `Artifact` and `ArtifactCollection` responses. Prefect's rules: a key of
//! lowercase letters, digits and dashes; metadata of string values, each cut to 500 characters and "...".

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::filters::{IdAny, List, Offset, Operator};
use super::patch;
use crate::store::artifacts as store;

const MAX_METADATA_VALUE_LENGTH: usize = 500;

/// Prefect's `ArtifactKey`.
#[derive(Clone, Debug)]
pub struct ArtifactKey(pub String);

impl<'de> Deserialize<'de> for ArtifactKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !key.chars().all(allowed) {
            return Err(de::Error::custom(
                "Artifact key must only contain lowercase letters, numbers, and dashes.",
            ));
        }
        Ok(ArtifactKey(key))
    }
}

/// `metadata_`: string keys and string values; a value longer than 500 characters is cut, as Prefect cuts it.
#[derive(Clone, Debug)]
pub struct Metadata(pub Map<String, Value>);

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Strings;
        impl<'de> Visitor<'de> for Strings {
            type Value = Metadata;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Metadata, A::Error> {
                let mut entries = Map::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    let value = if value.chars().count() > MAX_METADATA_VALUE_LENGTH {
                        let cut: String = value.chars().take(MAX_METADATA_VALUE_LENGTH).collect();
                        format!("{cut}...")
                    } else {
                        value
                    };
                    entries.insert(key, Value::String(value));
                }
                Ok(Metadata(entries))
            }
        }
        deserializer.deserialize_map(Strings)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactCreate {
    #[serde(default)]
    pub key: Option<ArtifactKey>,
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
    #[serde(default)]
    pub metadata_: Option<Metadata>,
    #[serde(default)]
    pub flow_run_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub task_run_id: Option<uuid::Uuid>,
}

impl From<ArtifactCreate> for store::NewArtifact {
    fn from(create: ArtifactCreate) -> Self {
        store::NewArtifact {
            key: create.key.map(|k| k.0),
            r#type: create.r#type,
            description: create.description,
            data: create.data,
            metadata: create.metadata_.map(|m| Value::Object(m.0)),
            flow_run_id: create.flow_run_id.map(crate::db::types::Id),
            task_run_id: create.task_run_id.map(crate::db::types::Id),
        }
    }
}

/// Absent fields stay as they are; null sets null (as Prefect's `exclude_unset` update does).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub data: Option<Option<Value>>,
    #[serde(default, deserialize_with = "patch")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch")]
    pub metadata_: Option<Option<Metadata>>,
}

impl From<ArtifactUpdate> for store::Changes {
    fn from(update: ArtifactUpdate) -> Self {
        store::Changes {
            data: update.data,
            description: update.description,
            metadata: update.metadata_.map(|m| m.map(|m| Value::Object(m.0))),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactFilterKey {
    #[serde(default)]
    pub any_: Option<List<String>>,
    #[serde(default)]
    pub like_: Option<String>,
    #[serde(default)]
    pub exists_: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactFilterType {
    #[serde(default)]
    pub any_: Option<List<String>>,
    #[serde(default)]
    pub not_any_: Option<List<String>>,
}

/// `ArtifactFilter`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactFilter {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub id: Option<IdAny>,
    #[serde(default)]
    pub key: Option<ArtifactFilterKey>,
    #[serde(default)]
    pub flow_run_id: Option<IdAny>,
    #[serde(default)]
    pub task_run_id: Option<IdAny>,
    #[serde(default)]
    pub r#type: Option<ArtifactFilterType>,
}

/// `ArtifactCollectionFilter`: `ArtifactFilter` with `latest_id` for `id`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactCollectionFilter {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub latest_id: Option<IdAny>,
    #[serde(default)]
    pub key: Option<ArtifactFilterKey>,
    #[serde(default)]
    pub flow_run_id: Option<IdAny>,
    #[serde(default)]
    pub task_run_id: Option<IdAny>,
    #[serde(default)]
    pub r#type: Option<ArtifactFilterType>,
}

impl From<ArtifactCollectionFilter> for ArtifactFilter {
    fn from(filter: ArtifactCollectionFilter) -> Self {
        ArtifactFilter {
            operator: filter.operator,
            id: filter.latest_id,
            key: filter.key,
            flow_run_id: filter.flow_run_id,
            task_run_id: filter.task_run_id,
            r#type: filter.r#type,
        }
    }
}

impl From<ArtifactFilter> for store::Filter {
    fn from(filter: ArtifactFilter) -> Self {
        let key = filter.key.unwrap_or_default();
        let kind = filter.r#type.unwrap_or_default();
        store::Filter {
            ids: filter.id.and_then(IdAny::ids),
            keys: key.any_.map(|l| l.0),
            key_like: key.like_,
            key_exists: key.exists_,
            flow_run_ids: filter.flow_run_id.and_then(IdAny::ids),
            task_run_ids: filter.task_run_id.and_then(IdAny::ids),
            types: kind.any_.map(|l| l.0),
            not_types: kind.not_any_.map(|l| l.0),
            or: filter.operator.is_or(),
        }
    }
}

/// `ArtifactSort` and `ArtifactCollectionSort` (the same names).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub enum ArtifactSort {
    #[serde(rename = "CREATED_DESC")]
    CreatedDesc,
    #[serde(rename = "UPDATED_DESC")]
    UpdatedDesc,
    #[default]
    #[serde(rename = "ID_DESC")]
    IdDesc,
    #[serde(rename = "KEY_DESC")]
    KeyDesc,
    #[serde(rename = "KEY_ASC")]
    KeyAsc,
}

impl From<ArtifactSort> for store::Sort {
    fn from(sort: ArtifactSort) -> Self {
        match sort {
            ArtifactSort::CreatedDesc => store::Sort::CreatedDesc,
            ArtifactSort::UpdatedDesc => store::Sort::UpdatedDesc,
            ArtifactSort::IdDesc => store::Sort::IdDesc,
            ArtifactSort::KeyDesc => store::Sort::KeyDesc,
            ArtifactSort::KeyAsc => store::Sort::KeyAsc,
        }
    }
}

/// `POST /artifacts/filter` and `/artifacts/count` (`Filter = ArtifactFilter`), `/artifacts/latest/filter` and
/// `/artifacts/latest/count` (`ArtifactCollectionFilter`). Extra top-level fields are ignored, as FastAPI
/// ignores them. The filters of the runs, flows and deployments an artifact belongs to are answered only when
/// empty (null), rather than a condition silently not applied.
#[derive(Debug, Default, Deserialize)]
pub struct ArtifactFilterBody<Filter> {
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<Offset>,
    #[serde(default = "none")]
    pub artifacts: Option<Filter>,
    #[serde(default)]
    pub sort: Option<ArtifactSort>,
    #[serde(default)]
    pub flow_runs: Option<Value>,
    #[serde(default)]
    pub task_runs: Option<Value>,
    #[serde(default)]
    pub flows: Option<Value>,
    #[serde(default)]
    pub deployments: Option<Value>,
}

impl<Filter> ArtifactFilterBody<Filter> {
    /// The related filters as one object, for `store::filter::reject_unsupported`.
    pub fn related(&self) -> Value {
        serde_json::json!({
            "flow_runs": self.flow_runs,
            "task_runs": self.task_runs,
            "flows": self.flows,
            "deployments": self.deployments,
        })
    }
}

fn none<T>() -> Option<T> {
    None
}

/// Prefect's `Artifact` response, and with `latest_id` its `ArtifactCollection`.
#[derive(Debug, Serialize)]
pub struct Artifact {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_id: Option<String>,
    pub r#type: Option<String>,
    pub description: Option<String>,
    pub data: Value,
    pub metadata_: Value,
    pub flow_run_id: Option<String>,
    pub task_run_id: Option<String>,
}

impl From<store::Artifact> for Artifact {
    fn from(row: store::Artifact) -> Self {
        Artifact {
            id: row.id.to_string(),
            created: row.created.rfc3339(),
            updated: row.updated.rfc3339(),
            key: row.key,
            latest_id: row.latest_id.map(|id| id.to_string()),
            r#type: row.r#type,
            description: row.description,
            data: row.data.map_or(Value::Null, |d| d.0),
            metadata_: row.metadata_.map_or(Value::Null, |m| m.0),
            flow_run_id: row.flow_run_id.map(|id| id.to_string()),
            task_run_id: row.task_run_id.map(|id| id.to_string()),
        }
    }
}
