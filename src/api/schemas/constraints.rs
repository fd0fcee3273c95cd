//! Pydantic's constrained field types (`NonNegativeInteger`, `PositiveInteger`, `NonNegativeFloat`, Prefect's
//! `Name`, bounded floats), checked while deserializing so a refused value comes back from the deserializer's
//! own path with pydantic's error type and message (see `constraint`).

use serde::{Deserialize, Deserializer};

use super::constraint;

/// An integer `>= 0` (pydantic's `NonNegativeInt`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonNegativeInt(pub i64);

impl<'de> Deserialize<'de> for NonNegativeInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if value < 0 {
            return Err(constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 0",
            ));
        }
        Ok(Self(value))
    }
}

/// An integer `> 0` (FastAPI's `Body(..., gt=0)`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PositiveInt(pub i64);

impl<'de> Deserialize<'de> for PositiveInt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if value <= 0 {
            return Err(constraint("greater_than", "Input should be greater than 0"));
        }
        Ok(Self(value))
    }
}

/// A finite number `>= 0` (pydantic's `NonNegativeFloat`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NonNegativeFloat(pub f64);

impl<'de> Deserialize<'de> for NonNegativeFloat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value.is_nan() || value < 0.0 {
            return Err(constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 0",
            ));
        }
        Ok(Self(value))
    }
}

/// A number `> 0` (FastAPI's `Body(None, gt=0.0)`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PositiveFloat(pub f64);

impl<'de> Deserialize<'de> for PositiveFloat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value.is_nan() || value <= 0.0 {
            return Err(constraint("greater_than", "Input should be greater than 0"));
        }
        Ok(Self(value))
    }
}

/// A lease's duration in seconds: one minute to one day, as Prefect bounds it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeaseSeconds(pub f64);

impl LeaseSeconds {
    /// Prefect's default: five minutes.
    pub const DEFAULT: Self = Self(300.0);
}

impl Default for LeaseSeconds {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl<'de> Deserialize<'de> for LeaseSeconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if value.is_nan() || value < 60.0 {
            return Err(constraint(
                "greater_than_equal",
                "Input should be greater than or equal to 60",
            ));
        }
        if value > 86_400.0 {
            return Err(constraint(
                "less_than_equal",
                "Input should be less than or equal to 86400",
            ));
        }
        Ok(Self(value))
    }
}

/// Prefect's `Name`: no `/`, `%`, `&`, `>` or `<`, and not empty (they would break the URLs that address it).
#[derive(Clone, Debug, PartialEq)]
pub struct Name(pub String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value.is_empty() || value.contains(['/', '%', '&', '>', '<']) {
            return Err(constraint(
                "string_pattern_mismatch",
                "String should match pattern '^[^/%&><]+$'",
            ));
        }
        Ok(Self(value))
    }
}

/// A list with at least one item (FastAPI's `Body(..., min_items=1)`).
#[derive(Clone, Debug, PartialEq)]
pub struct NonEmpty<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for NonEmpty<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(deserializer)?;
        if items.is_empty() {
            return Err(constraint(
                "too_short",
                "List should have at least 1 item after validation, not 0",
            ));
        }
        Ok(Self(items))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::from_body;
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Limits {
        #[serde(default)]
        limit: Option<NonNegativeInt>,
        #[serde(default)]
        name: Option<Name>,
        #[serde(default)]
        names: Option<NonEmpty<String>>,
        #[serde(default)]
        lease: Option<LeaseSeconds>,
    }

    fn error_of(body: &str) -> serde_json::Value {
        let err = from_body::<Limits>(body.as_bytes()).unwrap_err();
        err.body["exception_detail"][0].clone()
    }

    #[test]
    fn bounds_come_back_as_pydantics_errors_at_the_field() {
        let e = error_of(r#"{"limit": -1}"#);
        assert_eq!(e["loc"], json!(["body", "limit"]));
        assert_eq!(e["type"], "greater_than_equal");
        assert_eq!(e["msg"], "Input should be greater than or equal to 0");
        assert_eq!(
            error_of(r#"{"name": "a/b"}"#)["type"],
            "string_pattern_mismatch"
        );
        assert_eq!(error_of(r#"{"names": []}"#)["type"], "too_short");
        assert_eq!(error_of(r#"{"lease": 5}"#)["type"], "greater_than_equal");
        assert_eq!(error_of(r#"{"lease": 1e9}"#)["type"], "less_than_equal");
        assert!(from_body::<Limits>(br#"{"limit": 0, "name": "ok", "lease": 60}"#).is_ok());
    }
}
