//! Prefect's request and response models, typed: one module per resource, mirroring the action models
//! (`FlowCreate`, `VariableUpdate`, …) and response models (`Variable`, …) of Prefect's OpenAPI document, apart
//! from the handlers that use them (as Ruma keeps a spec's types apart from Conduit's handlers).
//!
//! Conventions:
//! - Action models (`…Create`, `…Update`) are `#[serde(deny_unknown_fields)]` where Prefect forbids extra fields
//!   (its `ActionBaseModel` does), and read through `api::Body<T>`, whose errors come from the deserializer's own
//!   path in Prefect's 422 shape (`body_error`).
//! - Optional fields that Prefect distinguishes "absent" from "null" for (`…Update` models) use
//!   `Option<Option<T>>` with `#[serde(default, deserialize_with = "patch")]`.
//! - Response models are `Serialize` structs whose field order is Prefect's (clients and snapshots read them).
//! - A field whose rules serde cannot say (pydantic's lax ints, Prefect's retry delays) is a newtype in `fields`
//!   whose `Deserialize` checks it and fails with a [`FieldError`]: pydantic's `type`, `msg` and the refused
//!   `input`, at the deserializer's path plus the steps below the field.

pub mod fields;
pub mod flow_runs;
pub mod flows;
pub mod hydration;
pub mod logs;
pub mod states;
pub mod task_runs;

pub mod artifacts;
pub mod blocks;
pub mod filters;
pub mod flow_run_input;
pub mod task_workers;
pub mod variables;
pub mod work_pools;

pub mod automations;

pub mod concurrency_limits;
pub mod concurrency_limits_v2;
pub mod constraints;
pub mod deployments;
pub mod events;
pub mod history;
pub mod pages;
pub mod saved_searches;
pub mod schedules;
pub mod ui;

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::ApiError;

/// Marks a serde error message that carries a [`FieldError`] (as JSON) rather than serde's own words.
const FIELD_ERROR_MARK: &str = "\u{1}field-error:";

/// One field's validation error as pydantic words it. `loc` is below the field being read (empty for the field
/// itself; `["retry_delay", 1]` inside a policy).
#[derive(Debug)]
pub struct FieldError {
    pub loc: Vec<Value>,
    pub kind: &'static str,
    pub msg: String,
    /// Boxed: a `Value` is large, and this travels in every `Result` of a field check.
    pub input: Box<Value>,
    /// Pydantic's `ctx` (`{"error": {}}` for a validator's `ValueError`), when it gives one.
    pub ctx: Option<Box<Value>>,
}

impl FieldError {
    pub fn new(kind: &'static str, msg: impl Into<String>, input: &Value) -> Self {
        Self {
            loc: Vec::new(),
            kind,
            msg: msg.into(),
            input: Box::new(input.clone()),
            ctx: None,
        }
    }

    /// The same error with pydantic's `ctx`.
    pub fn with_ctx(mut self, ctx: Value) -> Self {
        self.ctx = Some(Box::new(ctx));
        self
    }

    fn carried(&self) -> Value {
        let mut carried =
            json!({ "loc": self.loc, "type": self.kind, "msg": self.msg, "input": self.input });
        if let Some(ctx) = &self.ctx {
            carried["ctx"] = (**ctx).clone();
        }
        carried
    }

    /// Several errors at once, as pydantic reports a value that fits no member of a union (each error's `loc`
    /// below the field, through the member's name); `body_error` reads them back in order.
    pub fn many_into_serde<E: serde::de::Error>(errors: Vec<FieldError>) -> E {
        let carried: Vec<Value> = errors.iter().map(FieldError::carried).collect();
        E::custom(format!("{FIELD_ERROR_MARK}{}", Value::Array(carried)))
    }

    /// The same error one step further down (`step` first, then what was already below it).
    pub fn under(mut self, step: impl Into<Value>) -> Self {
        self.loc.insert(0, step.into());
        self
    }

    /// As the 422 of a value read outside a body (a query parameter): `loc` is where it was read.
    pub fn at(self, loc: &Value) -> ApiError {
        let mut full = loc.as_array().cloned().unwrap_or_default();
        full.extend(self.loc);
        ApiError::validation(&Value::Array(full), &self.msg, self.kind, &self.input)
    }

    /// As a serde error, for a `Deserialize` impl to return; `body_error` reads it back.
    pub fn into_serde<E: serde::de::Error>(self) -> E {
        E::custom(format!("{FIELD_ERROR_MARK}{}", self.carried()))
    }
}

/// A deserializer error that comes out as pydantic's own constraint error (`greater_than_equal`, `too_short`,
/// …): types that check a bound raise it. It travels as a [`FieldError`] without its input, which `body_error`
/// then takes from the body at the error's location.
pub fn constraint<E: serde::de::Error>(kind: &str, msg: impl std::fmt::Display) -> E {
    let carried = json!({ "loc": [], "type": kind, "msg": msg.to_string() });
    E::custom(format!("{FIELD_ERROR_MARK}{carried}"))
}

/// A field of an update model: absent is `None`, `null` is `Some(None)`, a value is `Some(Some(v))`.
pub fn patch<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Reads a whole JSON body as `T` (trailing bytes are an error too).
pub fn from_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| body_error(Some(e.path()), e.inner(), bytes))?;
    deserializer
        .end()
        .map_err(|e| body_error(None, &e, bytes))?;
    Ok(value)
}

/// A body that did not fit its model, as FastAPI reports it: the location from the deserializer's path
/// (`["body", "tags", 0]`), and pydantic's `type` and `msg` for the kinds of mistake serde can tell apart.
fn body_error(
    path: Option<&serde_path_to_error::Path>,
    inner: &serde_json::Error,
    body: &[u8],
) -> ApiError {
    let mut loc = vec![json!("body")];
    for segment in path.into_iter().flat_map(|p| p.iter()) {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => loc.push(json!(index)),
            Segment::Map { key } | Segment::Enum { variant: key } => loc.push(json!(key)),
            Segment::Unknown => {}
        }
    }
    let request_body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if inner.is_syntax() || inner.is_eof() {
        let detail = json!([{
            "type": "json_invalid",
            "loc": ["body", inner.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": { "error": message_of(inner) },
        }]);
        return ApiError::unprocessable(detail, Value::Null);
    }
    let message = message_of(inner);
    if let Some(carried) = message.strip_prefix(FIELD_ERROR_MARK) {
        let carried: Value = serde_json::from_str(carried).unwrap_or_default();
        let carried = match carried {
            Value::Array(many) => many,
            one => vec![one],
        };
        let detail = carried
            .iter()
            .map(|carried| {
                let mut at = loc.clone();
                if let Some(below) = carried["loc"].as_array() {
                    at.extend(below.iter().cloned());
                }
                let input = match carried.get("input") {
                    Some(input) => input.clone(),
                    None => refused_input(&request_body, &at, ""),
                };
                let mut detail =
                    json!({ "type": carried["type"], "loc": at, "msg": carried["msg"], "input": input });
                if let Some(ctx) = carried.get("ctx") {
                    detail["ctx"] = ctx.clone();
                }
                detail
            })
            .collect();
        return ApiError::unprocessable(Value::Array(detail), request_body);
    }
    let (kind, msg) = classify(&message, &mut loc);
    let input = refused_input(&request_body, &loc, kind);
    let mut detail = json!({ "type": kind, "loc": loc, "msg": msg, "input": input });
    // Pydantic says what an enum expects once more, in `ctx`: "'A', 'B' or 'C'".
    if let Some(expected) = msg
        .strip_prefix("Input should be ")
        .filter(|_| kind == "enum")
    {
        detail["ctx"] = json!({ "expected": expected });
    }
    ApiError::unprocessable(json!([detail]), request_body)
}

/// Pydantic's `input` of an error at `loc` (which starts with "body"): the value there, or for a missing field
/// the object it is missing from.
fn refused_input(body: &Value, loc: &[Value], kind: &str) -> Value {
    let steps = match kind {
        "missing" => &loc[1..loc.len().saturating_sub(1).max(1)],
        _ => &loc[1..],
    };
    let mut at = body;
    for step in steps {
        let next = match step {
            Value::String(key) => at.get(key.as_str()),
            Value::Number(index) => index.as_u64().and_then(|i| at.get(i as usize)),
            _ => None,
        };
        match next {
            Some(value) => at = value,
            None => return Value::Null,
        }
    }
    at.clone()
}

/// serde_json's message without its " at line L column C" suffix.
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Pydantic's error type and message for a serde message; a missing or unknown field moves `loc` to that field.
/// Pydantic's error type and message for one of serde's own messages.
fn classify(message: &str, loc: &mut Vec<Value>) -> (&'static str, String) {
    let quoted = |text: &str| text.split('`').nth(1).map(str::to_owned);
    if let Some(rest) = message.strip_prefix("missing field ") {
        if let Some(field) = quoted(rest) {
            loc.push(json!(field));
        }
        return ("missing", "Field required".into());
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        // The path already ends at the unknown key; a missing field's path ends at its model.
        if let Some(field) = quoted(rest).filter(|f| loc.last() != Some(&json!(f))) {
            loc.push(json!(field));
        }
        return ("extra_forbidden", "Extra inputs are not permitted".into());
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let allowed: Vec<String> = rest
            .split_once("expected ")
            .map(|(_, list)| {
                list.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|v| format!("'{v}'"))
                    .collect()
            })
            .unwrap_or_default();
        let msg = match allowed.split_last() {
            Some((last, [])) => format!("Input should be {last}"),
            Some((last, rest)) => format!("Input should be {} or {last}", rest.join(", ")),
            None => "Input should be one of the allowed values".into(),
        };
        return ("enum", msg);
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let expected = message
            .rsplit_once("expected ")
            .map(|(_, e)| e)
            .unwrap_or_default();
        let kinds: &[(&str, &str, &str)] = &[
            ("UUID", "uuid_parsing", "Input should be a valid UUID"),
            ("string", "string_type", "Input should be a valid string"),
            ("bool", "bool_type", "Input should be a valid boolean"),
            ("i64", "int_type", "Input should be a valid integer"),
            ("i32", "int_type", "Input should be a valid integer"),
            ("u64", "int_type", "Input should be a valid integer"),
            ("u32", "int_type", "Input should be a valid integer"),
            ("integer", "int_type", "Input should be a valid integer"),
            ("f64", "float_type", "Input should be a valid number"),
            ("number", "float_type", "Input should be a valid number"),
            ("sequence", "list_type", "Input should be a valid list"),
            ("map", "dict_type", "Input should be a valid dictionary"),
            (
                "struct",
                "model_type",
                "Input should be a valid dictionary or instance of a model",
            ),
        ];
        for (word, kind, msg) in kinds {
            if expected.contains(word) {
                return (kind, (*msg).into());
            }
        }
        return ("value_error", format!("Value error, {message}"));
    }
    // The uuid crate's refusal of a string, in pydantic's words.
    if let Some(reason) = message.strip_prefix("UUID parsing failed: ") {
        return (
            "uuid_parsing",
            format!("Input should be a valid UUID, {reason}"),
        );
    }
    // Pydantic's constraint errors, raised by validating types (`filters::Offset`, …) in pydantic's own words.
    let constraints = [
        ("Value should have at most", "too_long"),
        ("List should have at most", "too_long"),
        (
            "Input should be greater than or equal to",
            "greater_than_equal",
        ),
    ];
    for (prefix, kind) in constraints {
        if message.starts_with(prefix) {
            return (kind, message.to_owned());
        }
    }
    ("value_error", format!("Value error, {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Thing {
        name: String,
        tags: Vec<String>,
        #[serde(default)]
        limit: Option<i64>,
        #[serde(default, deserialize_with = "patch")]
        value: Option<Option<String>>,
    }

    fn error_of(body: &str) -> Value {
        let err = from_body::<Thing>(body.as_bytes()).unwrap_err();
        err.body["exception_detail"][0].clone()
    }

    #[test]
    fn errors_carry_the_path_and_pydantics_type() {
        let e = error_of(r#"{"tags": []}"#);
        assert_eq!(e["loc"], json!(["body", "name"]));
        assert_eq!(e["type"], "missing");
        let e = error_of(r#"{"name": "x", "tags": ["a", 3]}"#);
        assert_eq!(e["loc"], json!(["body", "tags", 1]));
        assert_eq!(e["type"], "string_type");
        let e = error_of(r#"{"name": "x", "tags": [], "nope": 1}"#);
        assert_eq!(e["loc"], json!(["body", "nope"]));
        assert_eq!(e["type"], "extra_forbidden");
        let e = error_of(r#"{"name": "x", "tags": "a"}"#);
        assert_eq!(
            (e["loc"].clone(), e["type"].clone()),
            (json!(["body", "tags"]), json!("list_type"))
        );
        let e = error_of(r#"{"name": "x", "tags": [], "limit": "many"}"#);
        assert_eq!(e["type"], "int_type");
        assert_eq!(error_of(r#"{"name": "#)["type"], "json_invalid");
        assert_eq!(
            error_of(r#"{"name": "x", "tags": []} junk"#)["type"],
            "json_invalid"
        );
    }

    #[test]
    fn validating_types_and_uuids_get_pydantics_types() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Page {
            offset: Option<filters::Offset>,
            id: Option<uuid::Uuid>,
        }
        let error = |body: &str| {
            let err = from_body::<Page>(body.as_bytes()).unwrap_err();
            let e = err.body["exception_detail"][0].clone();
            (e["type"].clone(), e["msg"].clone())
        };
        assert_eq!(
            error(r#"{"offset": -1}"#),
            (
                json!("greater_than_equal"),
                json!("Input should be greater than or equal to 0")
            )
        );
        assert_eq!(
            error(r#"{"id": "nope"}"#),
            (
                json!("uuid_parsing"),
                json!("Input should be a valid UUID, invalid character: found `n` at 0")
            )
        );
    }

    #[test]
    fn patch_fields_tell_absent_from_null() {
        let parse = |body: &str| serde_json::from_str::<Thing>(body).unwrap().value;
        assert_eq!(parse(r#"{"name": "x", "tags": []}"#), None);
        assert_eq!(
            parse(r#"{"name": "x", "tags": [], "value": null}"#),
            Some(None)
        );
        assert_eq!(
            parse(r#"{"name": "x", "tags": [], "value": "v"}"#),
            Some(Some("v".into()))
        );
    }
}
