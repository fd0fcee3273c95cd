//! `POST /ui/schemas/validate`: the UI's check of a run form's values against a parameter schema, as Prefect's
//! `api/ui/schemas.py` answers it: the values hydrated (workspace variables looked up, Jinja checked but not
//! rendered), then every failure, nested by property and index (`build_error_obj`), and `valid`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::schemas::hydration::{self, PathPart, Placeholder};
use crate::api::{ApiError, ApiResult, Body, Shared};
use crate::orchestration::run_input::{self, Invalid};

pub fn routes() -> Router<Shared> {
    Router::new().route("/ui/schemas/validate", post(validate))
}

/// The body: the JSON schema and the values, both objects.
#[derive(Debug, Deserialize)]
pub struct ValidateBody {
    pub schema: Map<String, Value>,
    pub values: Map<String, Value>,
}

/// JSON Schema's type names.
const TYPES: [&str; 7] = [
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// The part of the metaschema check that a hand-written schema gets wrong: every `type` a known name.
fn check_types(schema: &Value) -> Result<(), String> {
    let Some(map) = schema.as_object() else {
        return Ok(());
    };
    if let Some(kind) = map.get("type") {
        let known = |t: &Value| t.as_str().is_some_and(|t| TYPES.contains(&t));
        let fine = match kind {
            Value::Array(kinds) => kinds.iter().all(known),
            other => known(other),
        };
        if !fine {
            return Err(format!(
                "Invalid schema: {} is not valid under any of the given schemas",
                run_input::py_repr(kind)
            ));
        }
    }
    for key in ["properties", "$defs", "definitions"] {
        for sub in map
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.values())
        {
            check_types(sub)?;
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = map.get(key) {
            check_types(sub)?;
        }
    }
    for key in ["anyOf", "allOf", "oneOf"] {
        for sub in map.get(key).and_then(Value::as_array).into_iter().flatten() {
            check_types(sub)?;
        }
    }
    Ok(())
}

fn unprocessable(detail: String) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail }),
    }
}

fn path_of(parts: &[PathPart]) -> Vec<Value> {
    parts
        .iter()
        .map(|p| match p {
            PathPart::Key(key) => json!(key),
            PathPart::Index(i) => json!(i),
        })
        .collect()
}

async fn validate(
    State(state): State<Shared>,
    Body(body): Body<ValidateBody>,
) -> ApiResult<Json<Value>> {
    let schema = Value::Object(body.schema);
    check_types(&schema).map_err(unprocessable)?;
    let values = Value::Object(body.values);
    let ctx = hydration::Context::build(&state.db, &values, false, true, false).await?;
    // Errors stay in place as placeholders when they are not raised.
    let hydrated = hydration::hydrate(&values, &ctx).map_err(|e| unprocessable(e.to_string()))?;
    let found = match run_input::failures(&hydrated.values, &schema) {
        Ok(found) => found,
        Err(Invalid::Circular) => {
            return Err(unprocessable(
                "Invalid schema: Unable to validate schema with circular references.".into(),
            ));
        }
        Err(Invalid::Mismatch(message)) => {
            return Err(unprocessable(format!("Invalid schema: {message}")));
        }
    };
    // A placeholder stands where its value would be: errors about it are dropped (it is null here, not the
    // value), and an error placeholder is the one error at its path (Prefect's `prioritize_placeholder_errors`).
    let held: Vec<(Vec<Value>, &Placeholder)> = hydrated
        .placeholders
        .iter()
        .map(|(path, p)| (path_of(path), p))
        .collect();
    let mut errors: Vec<(Vec<Value>, String)> = found
        .into_iter()
        .filter(|(path, _)| !held.iter().any(|(at, _)| at == path))
        .collect();
    for (path, placeholder) in &held {
        if let Placeholder::Error(error) = placeholder {
            errors.push((path.clone(), error.to_string()));
        }
    }
    Ok(Json(error_object(errors)))
}

/// Prefect's `build_error_obj`: a root error is a message; one under a property or index is nested in
/// `{"property": …, "errors": […]}` / `{"index": …, "errors": […]}` entries, a required property's error one
/// level down, under that property.
fn error_object(errors: Vec<(Vec<Value>, String)>) -> Value {
    let mut root: Vec<Value> = Vec::new();
    for (mut path, message) in errors {
        if let Some(name) = message.strip_suffix(" is a required property") {
            path.push(json!(name.trim_matches('\'')));
        }
        let mut current = &mut root;
        if path.is_empty() {
            current.push(json!(message));
            continue;
        }
        let last = path.len() - 1;
        for (i, part) in path.into_iter().enumerate() {
            let key = if part.is_number() {
                "index"
            } else {
                "property"
            };
            if i == last {
                current.push(json!({ key: part, "errors": [message.clone()] }));
                break;
            }
            let at = current.iter().position(|e| e.get(key) == Some(&part));
            let at = match at {
                Some(at) => at,
                None => {
                    current.push(json!({ key: part, "errors": [] }));
                    current.len() - 1
                }
            };
            current = match current[at].get_mut("errors").and_then(Value::as_array_mut) {
                Some(list) => list,
                None => break,
            };
        }
    }
    let valid = root.is_empty();
    json!({ "errors": root, "valid": valid })
}
