//! Secret fields of block documents, as Prefect treats them: a schema's `secret_fields` name dotted paths into
//! a document's data (`value`, `auth.password`, `headers.*`); reads show each such value as `********` unless
//! secrets are asked for, and an update that sends back `********` keeps the stored secret.
//!
//! Paths are matched on Prefect's flattened view of the data: nested non-empty objects become key paths, and
//! everything else (lists, empty objects, scalars) is a leaf.

use serde_json::{Map, Value};

/// What a secret looks like on read (Prefect's `obfuscate`).
pub const OBFUSCATED: &str = "********";

type Flat = Vec<(Vec<String>, Value)>;

fn flatten(data: &Map<String, Value>) -> Flat {
    fn walk(map: &Map<String, Value>, parent: &[String], out: &mut Flat) {
        for (key, value) in map {
            let mut path = parent.to_vec();
            path.push(key.clone());
            match value {
                Value::Object(inner) if !inner.is_empty() => walk(inner, &path, out),
                _ => out.push((path, value.clone())),
            }
        }
    }
    let mut out = Vec::new();
    walk(data, &[], &mut out);
    out
}

fn unflatten(flat: Flat) -> Map<String, Value> {
    let mut root = Map::new();
    for (path, value) in flat {
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        let mut node = &mut root;
        for key in parents {
            let entry = node
                .entry(key.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(inner) = entry else {
                unreachable!("made an object just above")
            };
            node = inner;
        }
        node.insert(last.clone(), value);
    }
    root
}

/// The secret field paths a schema's fields declare.
pub fn secret_paths(fields: &Value) -> Vec<Vec<String>> {
    fields
        .get("secret_fields")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(|p| p.split('.').map(str::to_owned).collect())
                .collect()
        })
        .unwrap_or_default()
}

/// `data` with every secret value replaced by `********`.
pub fn obfuscate(data: &Map<String, Value>, secrets: &[Vec<String>]) -> Map<String, Value> {
    let mut flat = flatten(data);
    for secret in secrets {
        if let Some((_, value)) = flat.iter_mut().find(|(path, _)| path == secret) {
            if !value.is_null() {
                *value = Value::String(OBFUSCATED.into());
            }
        } else if let Some(star) = secret.iter().position(|k| k == "*") {
            for (path, value) in flat.iter_mut() {
                if path.len() >= star && path[..star] == secret[..star] {
                    *value = Value::String(OBFUSCATED.into());
                }
            }
        }
    }
    unflatten(flat)
}

/// `update` with every `********` that stands for a secret of `current` put back to the stored value.
pub fn restore(
    update: &Map<String, Value>,
    current: &Map<String, Value>,
    secrets: &[Vec<String>],
) -> Map<String, Value> {
    let stored = flatten(current);
    let stored_at = |path: &[String]| {
        stored
            .iter()
            .find(|(p, _)| p.as_slice() == path)
            .map(|(_, v)| v.clone())
    };
    let mut flat = flatten(update);
    let hidden = Value::String(OBFUSCATED.into());
    for secret in secrets {
        if let Some(kept) = stored_at(secret).filter(|v| !v.is_null()) {
            if let Some((_, value)) = flat
                .iter_mut()
                .find(|(path, value)| path == secret && *value == hidden)
            {
                *value = kept;
            }
        } else if let Some(star) = secret.iter().position(|k| k == "*") {
            for (path, value) in flat.iter_mut() {
                let masked =
                    path.len() >= star && path[..star] == secret[..star] && *value == hidden;
                if let Some(kept) = stored_at(path).filter(|_| masked) {
                    *value = kept;
                }
            }
        }
    }
    unflatten(flat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn secrets_are_hidden_on_read_including_wildcards_and_nested_paths() {
        let secrets =
            secret_paths(&json!({"secret_fields": ["value", "auth.password", "headers.*"]}));
        let data = map(
            json!({"value": "s3cret", "auth": {"user": "u", "password": "p"},
            "headers": {"a": "1", "b": {"c": "2"}}, "plain": 1}),
        );
        assert_eq!(
            Value::Object(obfuscate(&data, &secrets)),
            json!({"value": OBFUSCATED, "auth": {"user": "u", "password": OBFUSCATED},
                "headers": {"a": OBFUSCATED, "b": {"c": OBFUSCATED}}, "plain": 1})
        );
        let none = map(json!({"value": null}));
        assert_eq!(
            Value::Object(obfuscate(&none, &secrets)),
            json!({"value": null})
        );
    }

    #[test]
    fn an_update_that_sends_the_mask_back_keeps_the_secret() {
        let secrets = secret_paths(&json!({"secret_fields": ["value", "headers.*"]}));
        let current = map(json!({"value": "s3cret", "headers": {"a": "1"}}));
        let update = map(json!({"value": OBFUSCATED, "headers": {"a": OBFUSCATED}, "other": 2}));
        assert_eq!(
            Value::Object(restore(&update, &current, &secrets)),
            json!({"value": "s3cret", "headers": {"a": "1"}, "other": 2})
        );
        let changed = map(json!({"value": "new"}));
        assert_eq!(
            Value::Object(restore(&changed, &current, &secrets)),
            json!({"value": "new"})
        );
    }
}
