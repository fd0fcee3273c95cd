//! Prefect's settings as one nested object, as `GET /api/admin/settings` answers it and the UI reads it (V2
//! reads `server.analytics_enabled` and `server.ui.show_promotional_content`). Prefect's defaults are data
//! generated from the Python package (`prefect_defaults.json`: `Settings().model_dump(mode="json")` with
//! PREFECT_HOME set to the marker below); the values this server runs with are laid over them, each at its
//! `prefect.toml` path and typed like its default. Secrets show as Prefect shows them.

use serde_json::{Map, Value};

use super::Settings;
use super::kind::parse_bool;
use super::registry::{self, Default};

/// Where the generated defaults say PREFECT_HOME.
const HOME_MARKER: &str = "/PREFECT_HOME_MARKER";
/// Pydantic's rendering of a secret that has a value.
const MASK: &str = "**********";

/// The nested, masked settings object.
pub fn public(settings: &Settings) -> Value {
    let home = settings.home.display().to_string();
    let mut root: Value =
        serde_json::from_str(&include_str!("prefect_defaults.json").replace(HOME_MARKER, &home))
            .expect("prefect_defaults.json is JSON");
    // Prefect turns the UI's analytics on by default; this server sends nothing anywhere, and its UI does not
    // either unless the operator asks for it.
    set(&mut root, "server.analytics_enabled", Value::Bool(false));
    let derived = registry::TYPED
        .iter()
        .filter(|t| matches!(t.default, Default::Derived))
        .filter_map(|t| Some((t.name, settings.effective(t.name)?)));
    let set_by_user = settings
        .set_names()
        .into_iter()
        .filter_map(|name| Some((name, settings.get(name)?.value)));
    for (name, raw) in derived.chain(set_by_user).collect::<Vec<_>>() {
        let Some(entry) = registry::lookup(name) else {
            continue;
        };
        let value = if entry.secret {
            Value::String(MASK.into())
        } else {
            typed_like(get(&root, entry.accessor), &raw)
        };
        set(&mut root, entry.accessor, value);
    }
    root
}

/// `raw` as the type of the default it replaces; text when it does not parse as one.
fn typed_like(default: Option<&Value>, raw: &str) -> Value {
    let text = || Value::String(raw.to_owned());
    match default {
        Some(Value::Bool(_)) => parse_bool(raw).map_or_else(text, Value::Bool),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => raw
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| raw.trim().parse::<f64>().map(Value::from))
            .unwrap_or_else(|_| text()),
        Some(Value::Number(_)) => raw
            .trim()
            .parse::<f64>()
            .map_or_else(|_| text(), Value::from),
        Some(Value::Array(_) | Value::Object(_)) => {
            serde_json::from_str(raw).unwrap_or_else(|_| text())
        }
        _ => text(),
    }
}

fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(root, |node, key| node.get(key))
}

fn set(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let map = node.as_object_mut().expect("made an object above");
        if keys.peek().is_none() {
            map.insert(key.to_owned(), value);
            return;
        }
        node = map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_take_their_defaults_type() {
        assert_eq!(
            typed_like(Some(&Value::Bool(true)), "false"),
            Value::Bool(false)
        );
        assert_eq!(
            typed_like(Some(&Value::from(4200)), "4610"),
            Value::from(4610)
        );
        assert_eq!(typed_like(Some(&Value::from(2.5)), "3"), Value::from(3.0));
        assert_eq!(typed_like(Some(&Value::Null), "x"), Value::from("x"));
        assert_eq!(
            typed_like(Some(&Value::from(1)), "many"),
            Value::from("many")
        );
    }

    #[test]
    fn paths_are_set_inside_the_nested_object() {
        let mut root = serde_json::json!({ "server": { "api": { "port": 4200 } } });
        set(&mut root, "server.api.port", Value::from(1));
        set(&mut root, "server.ui.enabled", Value::Bool(false));
        assert_eq!(
            root,
            serde_json::json!({ "server": { "api": { "port": 1 }, "ui": { "enabled": false } } })
        );
    }
}
