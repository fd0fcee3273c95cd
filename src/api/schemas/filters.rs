//! The pieces every Prefect filter body shares: `operator`, bounded lists, `limit` and `offset`.

use serde::{Deserialize, Deserializer, de};

use crate::api::{ApiError, ApiResult};
use crate::db::types::Id;
use crate::store::filter::MAX_LIST_ITEMS;

/// PREFECT_SERVER_API_DEFAULT_LIMIT: a filter's default and largest `limit`.
pub const DEFAULT_LIMIT: i64 = 200;

/// How a filter object combines its conditions (`operator`, `and_` unless it says `or_`).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
pub enum Operator {
    #[default]
    #[serde(rename = "and_")]
    And,
    #[serde(rename = "or_")]
    Or,
}

impl Operator {
    pub fn is_or(self) -> bool {
        self == Operator::Or
    }
}

/// A filter's list. It is bound as one value, but still read and matched whole, so it is bounded.
#[derive(Clone, Debug)]
pub struct List<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        if items.len() > MAX_LIST_ITEMS {
            return Err(de::Error::custom(format!(
                "List should have at most {MAX_LIST_ITEMS} items after validation, not {}: split the filter \
                 into several requests",
                items.len()
            )));
        }
        Ok(List(items))
    }
}

impl List<uuid::Uuid> {
    pub fn ids(self) -> Vec<Id> {
        self.0.into_iter().map(Id).collect()
    }
}

/// `offset`: zero or more.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offset(pub i64);

impl<'de> Deserialize<'de> for Offset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let offset = i64::deserialize(deserializer)?;
        if offset < 0 {
            return Err(de::Error::custom(
                "Input should be greater than or equal to 0",
            ));
        }
        Ok(Offset(offset))
    }
}

/// A filter's `limit` (absent or null: the default), checked as Prefect's `LimitBody` checks it.
pub fn limit(limit: Option<i64>) -> ApiResult<i64> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let refuse = |detail: String| ApiError {
        status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        body: serde_json::json!({ "detail": detail }),
    };
    if limit < 0 {
        return Err(refuse(
            "Invalid limit: must be greater than or equal to 0.".into(),
        ));
    }
    if limit > DEFAULT_LIMIT {
        return Err(refuse(format!(
            "Invalid limit: must be less than or equal to {DEFAULT_LIMIT}."
        )));
    }
    Ok(limit)
}

/// `{"any_": [...]}` on an id column.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdAny {
    #[serde(default)]
    pub any_: Option<List<uuid::Uuid>>,
}

impl IdAny {
    pub fn ids(self) -> Option<Vec<Id>> {
        self.any_.map(List::ids)
    }
}
