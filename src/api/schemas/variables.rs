//! Variables: `VariableCreate`, `VariableUpdate`, the filter bodies, and the `Variable` response, with Prefect's
//! rules: a name of lowercase letters, digits, dashes and underscores (at most 255), a value of at most 5000
//! characters of JSON.

use serde::{Deserialize, Deserializer, Serialize, de};
use serde_json::Value;

use super::filters::{IdAny, List, Offset, Operator};
use super::patch;
use crate::store::variables as store;

const MAX_NAME_LENGTH: usize = 255;
const MAX_VALUE_LENGTH: usize = 5000;

/// Prefect's `VariableName`.
#[derive(Clone, Debug)]
pub struct VariableName(pub String);

impl<'de> Deserialize<'de> for VariableName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let length = name.chars().count();
        if length > MAX_NAME_LENGTH {
            return Err(de::Error::custom(format!(
                "Value should have at most {MAX_NAME_LENGTH} items after validation, not {length}"
            )));
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if !name.chars().all(allowed) {
            return Err(de::Error::custom(
                "Variable name must only contain lowercase letters, numbers, and dashes or underscores.",
            ));
        }
        Ok(VariableName(name))
    }
}

/// Prefect's `StrictVariableValue`: any JSON value whose compact text is at most 5000 characters (bytes, as
/// Prefect measures it).
#[derive(Clone, Debug)]
pub struct VariableValue(pub Value);

impl<'de> Deserialize<'de> for VariableValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let length = serde_json::to_string(&value).map_or(0, |text| text.len());
        if !value.is_null() && length > MAX_VALUE_LENGTH {
            return Err(de::Error::custom(format!(
                "Variable value must be less than {MAX_VALUE_LENGTH} characters"
            )));
        }
        Ok(VariableValue(value))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableCreate {
    pub name: VariableName,
    pub value: VariableValue,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Absent fields stay as they are; a null `value` sets null. A null `name` or `tags` is what Prefect refuses
/// with its integrity 409 (the columns are NOT NULL), so the handler does too.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableUpdate {
    #[serde(default, deserialize_with = "patch")]
    pub name: Option<Option<VariableName>>,
    #[serde(default, deserialize_with = "patch")]
    pub value: Option<Option<VariableValue>>,
    #[serde(default, deserialize_with = "patch")]
    pub tags: Option<Option<Vec<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableFilterName {
    #[serde(default)]
    pub any_: Option<List<String>>,
    #[serde(default)]
    pub like_: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableFilterTags {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub all_: Option<List<String>>,
    #[serde(default)]
    pub is_null_: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableFilter {
    #[serde(default)]
    pub operator: Operator,
    #[serde(default)]
    pub id: Option<IdAny>,
    #[serde(default)]
    pub name: Option<VariableFilterName>,
    #[serde(default)]
    pub tags: Option<VariableFilterTags>,
}

impl From<VariableFilter> for store::Filter {
    fn from(filter: VariableFilter) -> Self {
        let name = filter.name.unwrap_or_default();
        store::Filter {
            ids: filter.id.and_then(IdAny::ids),
            names: name.any_.map(|l| l.0),
            name_like: name.like_,
            tags: filter.tags.map(|tags| store::TagsFilter {
                all: tags.all_.map(|l| l.0),
                is_null: tags.is_null_,
                or: tags.operator.is_or(),
            }),
            or: filter.operator.is_or(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub enum VariableSort {
    #[serde(rename = "CREATED_DESC")]
    CreatedDesc,
    #[serde(rename = "UPDATED_DESC")]
    UpdatedDesc,
    #[serde(rename = "NAME_DESC")]
    NameDesc,
    #[default]
    #[serde(rename = "NAME_ASC")]
    NameAsc,
}

impl From<VariableSort> for store::Sort {
    fn from(sort: VariableSort) -> Self {
        match sort {
            VariableSort::CreatedDesc => store::Sort::CreatedDesc,
            VariableSort::UpdatedDesc => store::Sort::UpdatedDesc,
            VariableSort::NameDesc => store::Sort::NameDesc,
            VariableSort::NameAsc => store::Sort::NameAsc,
        }
    }
}

/// `POST /variables/filter`. Extra top-level fields are ignored, as FastAPI ignores them.
#[derive(Debug, Default, Deserialize)]
pub struct VariableFilterBody {
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<Offset>,
    #[serde(default)]
    pub variables: Option<VariableFilter>,
    #[serde(default)]
    pub sort: Option<VariableSort>,
}

/// `POST /variables/count`.
#[derive(Debug, Default, Deserialize)]
pub struct VariableCountBody {
    #[serde(default)]
    pub variables: Option<VariableFilter>,
}

/// Prefect's `Variable` response.
#[derive(Debug, Serialize)]
pub struct Variable {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub value: Value,
    pub tags: Value,
}

impl From<store::Variable> for Variable {
    fn from(row: store::Variable) -> Self {
        Variable {
            id: row.id.to_string(),
            created: row.created.rfc3339(),
            updated: row.updated.rfc3339(),
            name: row.name,
            value: row.value.map_or(Value::Null, |v| v.0),
            tags: row.tags.0,
        }
    }
}
