//! A block schema's checksum exactly as Prefect computes it (`Block._calculate_schema_checksum`): SHA-256 of the
//! fields serialised as Python's `json.dumps(((fields,), {}), sort_keys=True)` would, after dropping every
//! `secret_fields` key and the definitions of nested blocks. The client looks its schemas up by this checksum, so
//! any other digest would make it register every schema again.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// `sha256:<hex>` of `fields`.
pub fn checksum(fields: &Map<String, Value>) -> String {
    let mut pruned = without_secret_fields(&Value::Object(fields.clone()));
    if let Some(object) = pruned.as_object_mut() {
        let definitions = object
            .get("definitions")
            .and_then(Value::as_object)
            .cloned();
        if let Some(definitions) = definitions.filter(|d| !d.is_empty()) {
            let kept = non_block_definitions(&Value::Object(object.clone()), &definitions);
            if kept.is_empty() {
                object.remove("definitions");
            } else {
                object.insert("definitions".into(), Value::Object(kept));
            }
        }
    }
    // hash_objects(fields) dumps its (args, kwargs): a list holding the list of arguments, then an empty dict.
    let mut text = String::from("[[");
    python_json(&pruned, &mut text);
    text.push_str("], {}]");
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn without_secret_fields(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "secret_fields")
                .map(|(k, v)| (k.clone(), without_secret_fields(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The definitions `object` reaches through `$ref`s, directly or through other such definitions, that are not
/// blocks themselves (a nested block's schema is stored and hashed on its own).
pub fn non_block_definitions(
    object: &Value,
    definitions: &Map<String, Value>,
) -> Map<String, Value> {
    let mut kept = Map::new();
    let mut pending = references(object);
    while let Some(reference) = pending.pop() {
        let key = reference.trim_start_matches("#/definitions/");
        // An empty definition counts as none, as in Prefect (an empty dict is falsy).
        let Some(definition) = definitions
            .get(key)
            .filter(|d| d.as_object().is_none_or(|o| !o.is_empty()))
        else {
            continue;
        };
        if definition
            .get("block_type_slug")
            .is_some_and(|s| !s.is_null())
            || kept.contains_key(key)
        {
            continue;
        }
        kept.insert(key.to_owned(), definition.clone());
        pending.extend(references(definition));
    }
    kept
}

/// Every `$ref` string anywhere under `value`.
pub fn references(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(text)) => found.push(text.clone()),
                        _ => stack.push(inner),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}

/// Python's `json.dumps(value, sort_keys=True)`: `", "` and `": "` separators, ASCII only (`\uXXXX`, surrogate
/// pairs past the BMP), floats as Python's `repr`.
fn python_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => python_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_string(key, out);
                out.push_str(": ");
                python_json(&map[key], out);
            }
            out.push('}');
        }
    }
}

fn python_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest round-trip digits, in exponent form below 1e-4 and from 1e16.
fn python_float(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    format!("{f:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dumps(value: Value) -> String {
        let mut out = String::new();
        python_json(&value, &mut out);
        out
    }

    #[test]
    fn serialises_as_pythons_json_dumps() {
        assert_eq!(
            dumps(json!({"b": 1, "a": [true, null, "x"]})),
            r#"{"a": [true, null, "x"], "b": 1}"#
        );
        assert_eq!(
            dumps(json!("é\u{1F600}\"\n")),
            r#""\u00e9\ud83d\ude00\"\n""#
        );
        assert_eq!(
            dumps(json!([1.0, 0.5, 1e-5, 1e16, 123.25])),
            "[1.0, 0.5, 1e-05, 1e+16, 123.25]"
        );
    }

    #[test]
    fn matches_the_checksum_prefect_computes_for_a_schema() {
        // Prefect 3.9.1: Block._calculate_schema_checksum on these fields.
        let fields = json!({"title": "X", "type": "object", "properties": {"value": {"title": "Value", "type": "string"}},
            "required": ["value"], "secret_fields": ["value"], "block_type_slug": "x", "block_schema_references": {}});
        assert_eq!(
            checksum(fields.as_object().unwrap()),
            "sha256:2b2d8672dca0707e6fa25d5fce28f463ebee65d11d88a1ba1c87b9ec112dec1b"
        );
        // Prefect 3.9.1: Secret._calculate_schema_checksum(), with a non-block definition kept.
        let secret: Value = serde_json::from_str(SECRET_FIELDS).unwrap();
        assert_eq!(
            checksum(secret.as_object().unwrap()),
            "sha256:c078ed9c1e813e224c0b353d7ad4564a11d51d3198d9ac0686478165a1911c78"
        );
    }

    const SECRET_FIELDS: &str = r##"{"block_schema_references": {}, "block_type_slug": "secret", "description": "A block that represents a secret value. The value stored in this block will be obfuscated when this block is viewed or edited in the UI.", "properties": {"value": {"anyOf": [{"format": "password", "type": "string", "writeOnly": true}, {"title": "string", "type": "string"}, {"$ref": "#/definitions/JsonValue", "title": "JSON"}], "description": "A value that should be kept secret.", "examples": ["sk-1234567890", {"password": "s3cr3t", "username": "johndoe"}], "format": "password", "title": "Value", "writeOnly": true, "position": 0}}, "required": ["value"], "secret_fields": ["value", "value"], "title": "Secret", "type": "object", "definitions": {"JsonValue": {}}}"##;
}
