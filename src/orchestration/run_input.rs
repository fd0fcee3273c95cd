//! The check `POST /flow_runs/{id}/resume` makes of a run input against the JSON schema the paused flow stored
//! (`pause_flow_run(wait_for_input=…)`), with the answers Prefect's server gives: its `schema_tools.validate`
//! runs Python's `jsonschema` and reports the error `best_match` picks (the one highest up in the input), so
//! messages are written in Python's words, values in Python's `repr`.
//!
//! The keywords pydantic writes for a `RunInput` model are checked: `type`, `properties`, `required`,
//! `additionalProperties`, `items`, `enum`, `const`, `anyOf`, `allOf`, `oneOf`, `$ref` into `$defs` /
//! `definitions`, the numeric bounds and the length bounds. Other keywords (`pattern`, `format`, …) are not
//! checked: such an input is accepted where Prefect might refuse it. As in Prefect's preprocessing, a property that
//! is neither required nor has a default may also be `null`.

use serde_json::{Map, Value, json};

use crate::db::types::Timestamp;
use crate::store::states::{Proposed, State};

/// A `$ref` chain longer than this is circular (Prefect's validator hits Python's recursion limit).
const MAX_DEPTH: usize = 64;

/// Why a run input does not fit its schema: Prefect's reject reason, without its `Reason: ` prefix.
#[derive(Debug, PartialEq)]
pub enum Invalid {
    Mismatch(String),
    Circular,
}

impl Invalid {
    /// The reason Prefect's resume endpoint rejects with.
    pub fn reason(&self) -> String {
        match self {
            Invalid::Mismatch(message) => format!("Reason: {message}"),
            Invalid::Circular => {
                "Invalid schema: Unable to validate schema with circular references.".into()
            }
        }
    }
}

/// The input keys of a pause that waits for input (`state_details.run_input_keyset`).
pub struct Keyset {
    /// Where the flow stored the JSON schema it waits for.
    pub schema: String,
    /// Where a resume stores the input it was given.
    pub response: String,
}

/// The keyset of a paused state, when it waits for input.
pub fn keyset(paused: &State) -> Option<Keyset> {
    let keyset = paused.details.get("run_input_keyset")?.as_object()?;
    let key = |name: &str| keyset.get(name).and_then(Value::as_str).map(str::to_owned);
    Some(Keyset {
        schema: key("schema")?,
        response: key("response")?,
    })
}

/// The state a resume proposes: a suspended run (one that gave up its infrastructure) is scheduled again as
/// `Resuming`; a paused one, still waiting in its process, runs on.
pub fn resumed_state(paused: &State, now: Timestamp) -> Proposed {
    if paused
        .details
        .get("pause_reschedule")
        .and_then(Value::as_bool)
        == Some(true)
    {
        let mut resuming = Proposed::new("SCHEDULED", "Resuming");
        resuming.details = json!({ "scheduled_time": now.rfc3339() });
        resuming
    } else {
        Proposed::new("RUNNING", "Running")
    }
}

/// Prefect's checks of a resume's input against the schema text the flow stored (`None`: nothing stored); the
/// reason to reject with when it does not fit.
pub fn check_against_stored(schema: Option<&str>, input: &Value) -> Result<(), String> {
    let schema = schema.ok_or("Run input schema not found.")?;
    let schema: Value =
        serde_json::from_str(schema).map_err(|_| "Run input schema is not valid JSON.")?;
    validate(input, &schema).map_err(|invalid| invalid.reason())
}

/// One failed keyword: where in the input, and Python jsonschema's message.
struct Failure {
    path: Vec<Segment>,
    message: String,
}

#[derive(Clone)]
enum Segment {
    Key(String),
    Index(usize),
}

pub fn validate(input: &Value, schema: &Value) -> Result<(), Invalid> {
    validate_prepared(input, &preprocess(schema, false))
}

/// [`validate`] with the schema's `required` lists left out after preprocessing (Prefect's `ignore_required`):
/// for checks of a partial set of parameters.
pub fn validate_ignoring_required(input: &Value, schema: &Value) -> Result<(), Invalid> {
    validate_prepared(input, &without_required(&preprocess(schema, false)))
}

/// [`validate`] against a schema as it is, without Prefect's preprocessing (see [`preprocess`]).
pub fn validate_prepared(input: &Value, schema: &Value) -> Result<(), Invalid> {
    let mut failures = Vec::new();
    check(input, schema, schema, &mut Vec::new(), 0, &mut failures)?;
    // best_match: the failure highest up in the input; the first of those.
    let Some(best) = failures.iter().min_by_key(|f| f.path.len()) else {
        return Ok(());
    };
    let message = if best.path.is_empty() {
        format!("Validation failed. Failure reason: {}", best.message)
    } else {
        format!(
            "Validation failed for field {}. Failure reason: {}",
            py_repr(&Value::String(json_path(&best.path))),
            best.message
        )
    };
    Err(Invalid::Mismatch(message))
}

/// Every failure, as Python jsonschema's `iter_errors` lists them (what `POST /ui/schemas/validate` reports):
/// where in the input (object keys as strings, list indexes as numbers) and the message.
pub fn failures(input: &Value, schema: &Value) -> Result<Vec<(Vec<Value>, String)>, Invalid> {
    let mut failures = Vec::new();
    check(input, schema, schema, &mut Vec::new(), 0, &mut failures)?;
    let step = |s: &Segment| match s {
        Segment::Key(key) => json!(key),
        Segment::Index(i) => json!(i),
    };
    Ok(failures
        .into_iter()
        .map(|f| (f.path.iter().map(step).collect(), f.message))
        .collect())
}

/// Prefect's `preprocess_schema`, which its `validate` applies first: in `properties` (nested ones too) and in
/// the `properties` of `definitions`, an optional property with a `type` and no `default` (any optional one
/// with `allow_none_with_default`) becomes `anyOf: [{type}, {type: null}]`, so it may be null; a list of
/// `items` becomes `prefixItems`.
pub fn preprocess(schema: &Value, allow_none_with_default: bool) -> Value {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut() {
        fix_properties(object, allow_none_with_default);
        if let Some(Value::Object(definitions)) = object.get_mut("definitions") {
            for definition in definitions.values_mut() {
                if let Some(definition) = definition.as_object_mut() {
                    fix_properties(definition, allow_none_with_default);
                }
            }
        }
    }
    schema
}

fn fix_properties(object: &mut Map<String, Value>, allow_none_with_default: bool) {
    let required: Vec<String> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Object(properties)) = object.get_mut("properties") else {
        return;
    };
    for (key, property) in properties.iter_mut() {
        let Some(property) = property.as_object_mut() else {
            continue;
        };
        let nullable = !required.contains(key)
            && property.get("type").is_some_and(|t| t != "null")
            && (!property.contains_key("default") || allow_none_with_default);
        if nullable && let Some(kind) = property.remove("type") {
            property.insert(
                "anyOf".into(),
                json!([{ "type": kind }, { "type": "null" }]),
            );
        }
        if property.get("items").is_some_and(Value::is_array)
            && !property.contains_key("prefixItems")
            && let Some(items) = property.remove("items")
        {
            property.insert("prefixItems".into(), items);
        }
        if property.contains_key("properties") {
            fix_properties(property, allow_none_with_default);
        }
    }
}

/// The schema without its `required` lists (Prefect's `ignore_required`, applied after [`preprocess`]).
pub fn without_required(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "required")
                .map(|(k, v)| (k.clone(), without_required(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_required).collect()),
        other => other.clone(),
    }
}

/// `$.a.b[0]` without its `$.`, as Prefect prints it.
fn json_path(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

fn check(
    input: &Value,
    schema: &Value,
    root: &Value,
    path: &mut Vec<Segment>,
    depth: usize,
    failures: &mut Vec<Failure>,
) -> Result<(), Invalid> {
    if depth > MAX_DEPTH {
        return Err(Invalid::Circular);
    }
    let Some(schema) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            fail(
                failures,
                path,
                format!("False schema does not allow {}", py_repr(input)),
            );
        }
        return Ok(());
    };
    let mut fail_here = |message: String| fail(failures, path, message);
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        match resolve(root, reference) {
            Some(target) => {
                let target = target.clone();
                check(input, &target, root, path, depth + 1, failures)?;
            }
            None => fail_here(format!("Unresolvable: {reference}")),
        }
    }
    let mut fail_here = |message: String| fail(failures, path, message);
    if let Some(expected) = schema.get("type")
        && !type_matches(input, expected)
    {
        let names: Vec<String> = match expected {
            Value::Array(types) => types.iter().map(py_repr).collect(),
            other => vec![py_repr(other)],
        };
        fail_here(format!(
            "{} is not of type {}",
            py_repr(input),
            names.join(", ")
        ));
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.iter().any(|o| same(o, input))
    {
        fail_here(format!(
            "{} is not one of {}",
            py_repr(input),
            py_repr(&Value::Array(options.clone()))
        ));
    }
    if let Some(constant) = schema.get("const")
        && !same(constant, input)
    {
        fail_here(format!("{} was expected", py_repr(constant)));
    }
    if let Some(n) = input.as_f64().filter(|_| !input.is_boolean()) {
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        let shown = |key: &str| py_repr(&schema[key]);
        if bound("minimum").is_some_and(|m| n < m) {
            fail_here(format!(
                "{} is less than the minimum of {}",
                py_repr(input),
                shown("minimum")
            ));
        }
        if bound("maximum").is_some_and(|m| n > m) {
            fail_here(format!(
                "{} is greater than the maximum of {}",
                py_repr(input),
                shown("maximum")
            ));
        }
        if bound("exclusiveMinimum").is_some_and(|m| n <= m) {
            fail_here(format!(
                "{} is less than or equal to the minimum of {}",
                py_repr(input),
                shown("exclusiveMinimum")
            ));
        }
        if bound("exclusiveMaximum").is_some_and(|m| n >= m) {
            fail_here(format!(
                "{} is greater than or equal to the maximum of {}",
                py_repr(input),
                shown("exclusiveMaximum")
            ));
        }
    }
    if let Some(text) = input.as_str() {
        let length = text.chars().count() as u64;
        let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
        if bound("minLength").is_some_and(|m| length < m) {
            fail_here(format!("{} is too short", py_repr(input)));
        }
        if bound("maxLength").is_some_and(|m| length > m) {
            fail_here(format!("{} is too long", py_repr(input)));
        }
    }
    for (keyword, needed) in [("anyOf", 1..=usize::MAX), ("oneOf", 1..=1)] {
        let Some(options) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let mut matching = 0;
        for option in options {
            let mut scratch = Vec::new();
            check(input, option, root, path, depth + 1, &mut scratch)?;
            matching += usize::from(scratch.is_empty());
        }
        if !needed.contains(&matching) {
            let message = if matching == 0 {
                format!(
                    "{} is not valid under any of the given schemas",
                    py_repr(input)
                )
            } else {
                format!(
                    "{} is valid under each of the given schemas",
                    py_repr(input)
                )
            };
            fail(failures, path, message);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            check(input, part, root, path, depth + 1, failures)?;
        }
    }
    if let Some(object) = input.as_object() {
        check_object(object, schema, root, path, depth, failures)?;
    }
    if let (Some(items), Some(each)) = (
        input.as_array(),
        schema.get("items").filter(|i| !i.is_array()),
    ) {
        for (i, item) in items.iter().enumerate() {
            path.push(Segment::Index(i));
            check(item, each, root, path, depth + 1, failures)?;
            path.pop();
        }
    }
    Ok(())
}

fn check_object(
    object: &Map<String, Value>,
    schema: &Map<String, Value>,
    root: &Value,
    path: &mut Vec<Segment>,
    depth: usize,
    failures: &mut Vec<Failure>,
) -> Result<(), Invalid> {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(extra) = schema.get("additionalProperties") {
        let unexpected: Vec<String> = object
            .keys()
            .filter(|k| !properties.contains_key(*k))
            .map(|k| py_repr(&Value::String(k.clone())))
            .collect();
        if extra == &Value::Bool(false) && !unexpected.is_empty() {
            let verb = if unexpected.len() == 1 { "was" } else { "were" };
            fail(
                failures,
                path,
                format!(
                    "Additional properties are not allowed ({} {verb} unexpected)",
                    unexpected.join(", ")
                ),
            );
        } else if extra.is_object() {
            for (key, value) in object.iter().filter(|(k, _)| !properties.contains_key(*k)) {
                path.push(Segment::Key(key.clone()));
                check(value, extra, root, path, depth + 1, failures)?;
                path.pop();
            }
        }
    }
    for (key, property) in properties {
        let Some(value) = object.get(key) else {
            continue;
        };
        path.push(Segment::Key(key.clone()));
        check(value, property, root, path, depth + 1, failures)?;
        path.pop();
    }
    for key in required.iter().filter(|k| !object.contains_key(**k)) {
        fail(
            failures,
            path,
            format!(
                "{} is a required property",
                py_repr(&Value::String((*key).to_owned()))
            ),
        );
    }
    Ok(())
}

fn fail(failures: &mut Vec<Failure>, path: &[Segment], message: String) {
    failures.push(Failure {
        path: path.to_vec(),
        message,
    });
}

/// `#/$defs/Name` or `#/definitions/Name` (any JSON pointer into the schema itself); other documents are never
/// fetched, as in Prefect.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

fn type_matches(input: &Value, expected: &Value) -> bool {
    match expected {
        Value::Array(types) => types.iter().any(|t| type_matches(input, t)),
        Value::String(name) => match name.as_str() {
            "object" => input.is_object(),
            "array" => input.is_array(),
            "string" => input.is_string(),
            "boolean" => input.is_boolean(),
            "null" => input.is_null(),
            "number" => input.is_number(),
            // JSON Schema counts 1.0 as an integer.
            "integer" => {
                input.is_i64() || input.is_u64() || input.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => true,
        },
        _ => true,
    }
}

/// Equality as jsonschema sees it: 1 and 1.0 are equal, true and 1 are not.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A JSON value as Python's `repr` of what `json.loads` makes of it: the words of Prefect's messages.
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or_default();
            if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                f.to_string()
            }
        }
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str_repr(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python quotes with `'` unless the text has a `'` and no `"`.
fn py_str_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What pydantic writes for `class Approval(RunInput): approver: str; level: int`.
    fn approval() -> Value {
        json!({"additionalProperties": false, "properties": {"approver": {"title": "Approver", "type": "string"},
               "level": {"title": "Level", "type": "integer"}}, "required": ["approver", "level"],
               "title": "Approval", "type": "object"})
    }

    #[test]
    fn answers_are_prefects_word_for_word() {
        let cases = [
            (json!({"approver": "ann", "level": 2}), None),
            (json!({"approver": "ann", "level": 2.0}), None),
            (
                json!({"approver": "ann", "level": "high"}),
                Some(
                    "Validation failed for field 'level'. Failure reason: 'high' is not of type 'integer'",
                ),
            ),
            (
                json!({"level": 2}),
                Some("Validation failed. Failure reason: 'approver' is a required property"),
            ),
            (
                json!({"approver": "ann", "level": 2, "x": 1}),
                Some(
                    "Validation failed. Failure reason: Additional properties are not allowed ('x' was unexpected)",
                ),
            ),
            (
                json!({"approver": "it's", "level": true}),
                Some(
                    "Validation failed for field 'level'. Failure reason: True is not of type 'integer'",
                ),
            ),
        ];
        for (input, expected) in cases {
            let got = validate(&input, &approval()).err().map(|e| match e {
                Invalid::Mismatch(m) => m,
                Invalid::Circular => "circular".into(),
            });
            assert_eq!(got.as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn refs_nesting_enums_and_optional_nulls() {
        let schema = json!({
            "$defs": {"Color": {"enum": ["red", "blue"], "type": "string"}},
            "properties": {"color": {"$ref": "#/$defs/Color"}, "tags": {"type": "array", "items": {"type": "string"}},
                           "note": {"type": "string"}},
            "required": ["color"], "type": "object"});
        assert_eq!(
            validate(&json!({"color": "red", "note": null}), &schema),
            Ok(())
        );
        let err = validate(&json!({"color": "green"}), &schema).unwrap_err();
        assert_eq!(
            err.reason(),
            "Reason: Validation failed for field 'color'. Failure reason: 'green' is not one of ['red', 'blue']"
        );
        let err = validate(&json!({"color": "red", "tags": ["a", 3]}), &schema).unwrap_err();
        assert_eq!(
            err.reason(),
            "Reason: Validation failed for field 'tags[1]'. Failure reason: 3 is not of type 'string'"
        );
        // An optional property's type is `anyOf` with null after Prefect's preprocessing: its words.
        let err = validate(&json!({"color": "red", "note": 5}), &schema).unwrap_err();
        assert_eq!(
            err.reason(),
            "Reason: Validation failed for field 'note'. Failure reason: 5 is not valid under any of the given schemas"
        );
        let circular = json!({"$defs": {"A": {"$ref": "#/$defs/A"}}, "$ref": "#/$defs/A"});
        assert_eq!(validate(&json!({}), &circular), Err(Invalid::Circular));
    }

    #[test]
    fn a_resume_runs_a_paused_run_on_and_reschedules_a_suspended_one() {
        let paused = |details: Value| State {
            id: crate::db::types::Id(uuid::Uuid::nil()),
            state_type: "PAUSED".into(),
            name: "Paused".into(),
            timestamp: Timestamp::now(),
            message: None,
            data: None,
            details,
        };
        let now = Timestamp::now();
        let running = resumed_state(&paused(json!({})), now);
        assert_eq!(
            (running.state_type.as_str(), running.name.as_str()),
            ("RUNNING", "Running")
        );
        let resuming = resumed_state(&paused(json!({"pause_reschedule": true})), now);
        assert_eq!(
            (resuming.state_type.as_str(), resuming.name.as_str()),
            ("SCHEDULED", "Resuming")
        );
        assert_eq!(resuming.details["scheduled_time"], json!(now.rfc3339()));

        let waiting = paused(
            json!({"run_input_keyset": {"schema": "s", "response": "r", "description": "d"}}),
        );
        let keyset = keyset(&waiting).unwrap();
        assert_eq!(
            (keyset.schema.as_str(), keyset.response.as_str()),
            ("s", "r")
        );
        assert!(super::keyset(&paused(json!({"run_input_keyset": null}))).is_none());

        assert_eq!(
            check_against_stored(None, &json!({})),
            Err("Run input schema not found.".into())
        );
        assert_eq!(
            check_against_stored(Some("{not json"), &json!({})),
            Err("Run input schema is not valid JSON.".into())
        );
        assert_eq!(
            check_against_stored(
                Some(&approval().to_string()),
                &json!({"approver": "a", "level": 1})
            ),
            Ok(())
        );
    }

    #[test]
    fn python_reprs() {
        assert_eq!(py_repr(&json!("it's")), "\"it's\"");
        assert_eq!(
            py_repr(&json!({"a": [1, 2.0, null]})),
            "{'a': [1, 2.0, None]}"
        );
    }
}
