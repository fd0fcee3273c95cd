//! Saved searches: Prefect's `SavedSearchCreate`, `SavedSearchFilter` and `SavedSearch`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::LaxInt;
use crate::store::saved_searches::SavedSearch as Stored;

/// One condition of a saved search, as the UI writes it; every field is required (`value` may be null).
#[derive(Debug, Deserialize, Serialize)]
pub struct SavedSearchFilter {
    pub object: String,
    pub property: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub operation: String,
    #[serde(deserialize_with = "present")]
    pub value: Value,
}

/// A required field that may be null: serde's default for `Value` would take a missing one as null.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
    Value::deserialize(deserializer)
}

/// Prefect's `SavedSearchCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSearchCreate {
    pub name: String,
    #[serde(default)]
    pub filters: Vec<SavedSearchFilter>,
}

/// The body of `POST /saved_searches/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct SavedSearchFilterBody {
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub offset: Option<LaxInt>,
}

/// Prefect's `SavedSearch`.
#[derive(Debug, Serialize)]
pub struct SavedSearch {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub filters: Value,
}

impl From<&Stored> for SavedSearch {
    fn from(s: &Stored) -> Self {
        SavedSearch {
            id: s.id.to_string(),
            created: s.created.rfc3339(),
            updated: s.updated.rfc3339(),
            name: s.name.clone(),
            filters: s.filters.0.clone(),
        }
    }
}
