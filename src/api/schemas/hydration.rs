//! Parameter hydration: the `{"__prefect_kind": …}` objects the UI's run form and `prefect deployment run`
//! send in place of plain values, turned into values as Prefect's `schema_tools/hydration.py` does.
//!
//! - `none`: its `value`, itself hydrated.
//! - `json`: its `value`; a string is parsed as JSON.
//! - `jinja`: its `template`, checked, and rendered when the context renders Jinja (with no variables, as
//!   Prefect's `create_flow_run` renders it).
//! - `workspace_variable`: the value of the variable named by `variable_name`.
//! - any other kind: its `value`, as it is.
//!
//! A `json` or `workspace_variable` object without its key is removed from the object or list that holds it
//! (the UI sends such stubs for fields left empty). Kinds that are not rendered (Jinja while only validating,
//! variables when not looked up) and errors that are not raised stay in place as [`Placeholder`]s, which a
//! validator skips (or reports, for errors) at their path, as Prefect's `_placeholders` validator does.
//!
//! Called by `POST /deployments/{id}/create_flow_run` (and its bulk form), which raise the first error as a 400,
//! and meant for `POST /ui/schemas/validate`, which looks variables up but renders no Jinja.

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::db::Db;
use crate::store::variables;

/// The marker key of a value to hydrate.
const KIND: &str = "__prefect_kind";

/// How far a Jinja template may run before it is stopped: Prefect's sandbox bounds loops and ranges instead.
const JINJA_FUEL: u64 = 100_000;

/// What hydration may use and do (Prefect's `HydrationContext`).
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The workspace's variables by name, when they are looked up.
    pub variables: HashMap<String, Value>,
    pub render_workspace_variables: bool,
    pub render_jinja: bool,
    /// Fail at the first error instead of leaving it in place.
    pub raise_on_error: bool,
}

impl Context {
    /// The context for `values`: the workspace's variables are read (all of them, as Prefect reads them) only
    /// when variables are rendered and `values` names one.
    pub async fn build(
        db: &Db,
        values: &Value,
        render_jinja: bool,
        render_workspace_variables: bool,
        raise_on_error: bool,
    ) -> Result<Context, sqlx::Error> {
        let mut variables = HashMap::new();
        if render_workspace_variables && names_a_variable(values) {
            let all = variables::filter(
                db,
                &variables::Filter::default(),
                variables::Sort::default(),
                i64::MAX,
                0,
            )
            .await?;
            variables = all
                .into_iter()
                .map(|v| (v.name, v.value.map_or(Value::Null, |j| j.0)))
                .collect();
        }
        Ok(Context {
            variables,
            render_workspace_variables,
            render_jinja,
            raise_on_error,
        })
    }
}

fn names_a_variable(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.get(KIND).and_then(Value::as_str) == Some("workspace_variable")
                || map.values().any(names_a_variable)
        }
        Value::Array(items) => items.iter().any(names_a_variable),
        _ => false,
    }
}

/// Why a value could not be hydrated; its `Display` is Prefect's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HydrationError {
    /// A `none` without `value`, a `jinja` without `template`.
    KeyNotFound(&'static str),
    InvalidJson(String),
    InvalidJinja(String),
    WorkspaceVariableNotFound(String),
}

impl fmt::Display for HydrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HydrationError::KeyNotFound(key) => {
                write!(f, "Missing '{key}' key in __prefect object")
            }
            HydrationError::InvalidJson(detail) => write!(f, "Invalid JSON: {detail}"),
            HydrationError::InvalidJinja(detail) => write!(f, "Invalid jinja: {detail}"),
            HydrationError::WorkspaceVariableNotFound(name) => {
                write!(f, "Variable '{name}' not found in workspace.")
            }
        }
    }
}

impl std::error::Error for HydrationError {}

/// A value left for later (or an error left in place), at its spot in the hydrated values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placeholder {
    /// A variable not looked up.
    WorkspaceVariable(String),
    /// A valid template not rendered.
    ValidJinja(String),
    Error(HydrationError),
}

impl Placeholder {
    /// Errors are reported by a validator; the others are skipped.
    #[allow(dead_code)] // For `POST /ui/schemas/validate`, which the `reads` branch builds on this module.
    pub fn is_error(&self) -> bool {
        matches!(self, Placeholder::Error(_))
    }
}

/// One step of a path into the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

/// Hydrated values: placeholders are `null` in `values` and listed, with their paths, in `placeholders`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hydrated {
    pub values: Value,
    pub placeholders: Vec<(Vec<PathPart>, Placeholder)>,
}

/// Hydrates `values` (Prefect's `hydrate`): an object whose hydration is removed altogether becomes `{}`.
pub fn hydrate(values: &Value, ctx: &Context) -> Result<Hydrated, HydrationError> {
    let node = match walk(values, ctx)? {
        Node::Removed => Node::Plain(Value::Object(Map::new())),
        node => node,
    };
    let mut placeholders = Vec::new();
    let values = flatten(node, &mut Vec::new(), &mut placeholders);
    Ok(Hydrated {
        values,
        placeholders,
    })
}

/// Hydrated values before the placeholders are taken out.
enum Node {
    Plain(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    Held(Placeholder),
    /// Left out of its parent (Prefect's `RemoveValue`).
    Removed,
}

fn walk(value: &Value, ctx: &Context) -> Result<Node, HydrationError> {
    match value {
        Value::Object(map) if map.contains_key(KIND) => kind(map, ctx),
        Value::Object(map) => {
            let mut fields = Vec::with_capacity(map.len());
            for (key, value) in map {
                match walk(value, ctx)? {
                    Node::Removed => {}
                    node => fields.push((key.clone(), node)),
                }
            }
            Ok(Node::Object(fields))
        }
        Value::Array(items) => {
            let mut kept = Vec::with_capacity(items.len());
            for item in items {
                match walk(item, ctx)? {
                    Node::Removed => {}
                    node => kept.push(node),
                }
            }
            Ok(Node::Array(kept))
        }
        other => Ok(Node::Plain(other.clone())),
    }
}

/// One `__prefect_kind` object, by its kind; an error is raised when the context says so (`call_handler`).
fn kind(map: &Map<String, Value>, ctx: &Context) -> Result<Node, HydrationError> {
    let node = match map.get(KIND).and_then(Value::as_str) {
        Some("none") => match map.get("value") {
            Some(value) => walk(value, ctx)?,
            None => Node::Held(Placeholder::Error(HydrationError::KeyNotFound("value"))),
        },
        Some("json") => json_kind(map, ctx)?,
        Some("jinja") => jinja_kind(map, ctx)?,
        Some("workspace_variable") => variable_kind(map, ctx)?,
        // Unknown kinds (and a kind that is not a string) give their value untouched.
        _ => Node::Plain(map.get("value").cloned().unwrap_or(Value::Null)),
    };
    match node {
        Node::Held(Placeholder::Error(error)) if ctx.raise_on_error => Err(error),
        node => Ok(node),
    }
}

/// A key's value, hydrated first when it is an object; `Err` when the result is already a placeholder or
/// removed, which the kind then answers as it is.
fn inner(value: &Value, ctx: &Context) -> Result<Result<Value, Node>, HydrationError> {
    if !value.is_object() {
        return Ok(Ok(value.clone()));
    }
    Ok(match walk(value, ctx)? {
        node @ (Node::Held(_) | Node::Removed) => Err(node),
        node => Ok(plain(node)),
    })
}

fn json_kind(map: &Map<String, Value>, ctx: &Context) -> Result<Node, HydrationError> {
    let Some(value) = map.get("value") else {
        return Ok(Node::Removed);
    };
    // An object value is hydrated first; what is not a string then is the value (placeholders inside kept).
    let node = if value.is_object() {
        walk(value, ctx)?
    } else {
        Node::Plain(value.clone())
    };
    let Node::Plain(Value::String(text)) = node else {
        return Ok(node);
    };
    Ok(match serde_json::from_str::<Value>(&text) {
        Ok(parsed) => Node::Plain(parsed),
        Err(error) => Node::Held(Placeholder::Error(HydrationError::InvalidJson(
            error.to_string(),
        ))),
    })
}

fn jinja_kind(map: &Map<String, Value>, ctx: &Context) -> Result<Node, HydrationError> {
    let Some(template) = map.get("template") else {
        return Ok(Node::Held(Placeholder::Error(HydrationError::KeyNotFound(
            "template",
        ))));
    };
    let template = match inner(template, ctx)? {
        Ok(Value::String(text)) => text,
        Ok(other) => {
            return Ok(Node::Held(Placeholder::Error(
                HydrationError::InvalidJinja(format!("a template must be a string, not {other}")),
            )));
        }
        Err(node) => return Ok(node),
    };
    let error =
        |detail: String| Node::Held(Placeholder::Error(HydrationError::InvalidJinja(detail)));
    let env = jinja_environment();
    let compiled = match env.template_from_str(&template) {
        Ok(compiled) => compiled,
        Err(e) => return Ok(error(jinja_detail(&e))),
    };
    if !ctx.render_jinja {
        return Ok(Node::Held(Placeholder::ValidJinja(template)));
    }
    // Prefect returns text without any template syntax as it is, without rendering it.
    if !["{{", "{%", "{#"].iter().any(|m| template.contains(m)) {
        return Ok(Node::Plain(Value::String(template)));
    }
    Ok(match compiled.render(minijinja::context! {}) {
        Ok(text) => Node::Plain(Value::String(text)),
        Err(e) => error(jinja_detail(&e)),
    })
}

fn jinja_environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    // Prefect's ChainableUndefined: `{{ a.b }}` of nothing renders empty.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.set_fuel(Some(JINJA_FUEL));
    env
}

fn jinja_detail(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => detail.to_owned(),
        None => error.kind().to_string(),
    }
}

fn variable_kind(map: &Map<String, Value>, ctx: &Context) -> Result<Node, HydrationError> {
    let Some(name) = map.get("variable_name") else {
        return Ok(Node::Removed);
    };
    let name = match inner(name, ctx)? {
        Ok(Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(node) => return Ok(node),
    };
    if !ctx.render_workspace_variables {
        return Ok(Node::Held(Placeholder::WorkspaceVariable(name)));
    }
    Ok(match ctx.variables.get(&name) {
        Some(value) => Node::Plain(value.clone()),
        None => Node::Held(Placeholder::Error(
            HydrationError::WorkspaceVariableNotFound(name),
        )),
    })
}

/// A node without placeholders as a value (placeholders become `null`).
fn plain(node: Node) -> Value {
    flatten(node, &mut Vec::new(), &mut Vec::new())
}

fn flatten(
    node: Node,
    path: &mut Vec<PathPart>,
    placeholders: &mut Vec<(Vec<PathPart>, Placeholder)>,
) -> Value {
    match node {
        Node::Plain(value) => value,
        Node::Removed => Value::Null,
        Node::Held(placeholder) => {
            placeholders.push((path.clone(), placeholder));
            Value::Null
        }
        Node::Object(fields) => {
            let mut map = Map::with_capacity(fields.len());
            for (key, node) in fields {
                path.push(PathPart::Key(key.clone()));
                map.insert(key, flatten(node, path, placeholders));
                path.pop();
            }
            Value::Object(map)
        }
        Node::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, node)| {
                    path.push(PathPart::Index(i));
                    let value = flatten(node, path, placeholders);
                    path.pop();
                    value
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rendering() -> Context {
        Context {
            variables: HashMap::from([("who".to_owned(), json!("world"))]),
            render_workspace_variables: true,
            render_jinja: true,
            raise_on_error: true,
        }
    }

    fn values(input: Value, ctx: &Context) -> Value {
        hydrate(&input, ctx).expect("hydrates").values
    }

    #[test]
    fn kinds_become_values() {
        let ctx = rendering();
        let got = values(
            json!({
                "plain": {"a": [1, 2]},
                "none": {"__prefect_kind": "none", "value": {"__prefect_kind": "json", "value": "[1, 2]"}},
                "json": {"__prefect_kind": "json", "value": "{\"x\": 1}"},
                "json_number": {"__prefect_kind": "json", "value": 5},
                "jinja": {"__prefect_kind": "jinja", "template": "{{ 1 + 2 }}"},
                "jinja_text": {"__prefect_kind": "jinja", "template": "no template"},
                "variable": {"__prefect_kind": "workspace_variable", "variable_name": "who"},
                "other": {"__prefect_kind": "something", "value": {"__prefect_kind": "json", "value": "1"}},
            }),
            &ctx,
        );
        assert_eq!(
            got,
            json!({
                "plain": {"a": [1, 2]},
                "none": [1, 2],
                "json": {"x": 1},
                "json_number": 5,
                "jinja": "3",
                "jinja_text": "no template",
                "variable": "world",
                "other": {"__prefect_kind": "json", "value": "1"},
            })
        );
    }

    #[test]
    fn stubs_without_their_key_are_removed() {
        let ctx = rendering();
        let got = values(
            json!({
                "a": {"__prefect_kind": "json"},
                "b": [{"__prefect_kind": "workspace_variable"}, 1],
                "c": 2,
            }),
            &ctx,
        );
        assert_eq!(got, json!({"b": [1], "c": 2}));
        assert_eq!(values(json!({"__prefect_kind": "json"}), &ctx), json!({}));
    }

    #[test]
    fn errors_are_raised_with_prefects_messages() {
        let ctx = rendering();
        let error = |input: Value| hydrate(&input, &ctx).expect_err("fails").to_string();
        assert_eq!(
            error(json!({"x": {"__prefect_kind": "none"}})),
            "Missing 'value' key in __prefect object"
        );
        assert_eq!(
            error(json!({"x": {"__prefect_kind": "jinja"}})),
            "Missing 'template' key in __prefect object"
        );
        assert!(
            error(json!({"x": {"__prefect_kind": "json", "value": "{"}}))
                .starts_with("Invalid JSON: ")
        );
        assert!(
            error(json!({"x": {"__prefect_kind": "jinja", "template": "{{ 1 +"}}))
                .starts_with("Invalid jinja: ")
        );
        assert_eq!(
            error(json!({"x": {"__prefect_kind": "workspace_variable", "variable_name": "nope"}})),
            "Variable 'nope' not found in workspace."
        );
    }

    #[test]
    fn a_runaway_template_is_stopped() {
        let ctx = rendering();
        let template =
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}";
        let input = json!({"x": {"__prefect_kind": "jinja", "template": template}});
        assert!(
            hydrate(&input, &ctx)
                .expect_err("stopped")
                .to_string()
                .starts_with("Invalid jinja: ")
        );
    }

    #[test]
    fn unrendered_kinds_and_kept_errors_are_placeholders_at_their_paths() {
        let ctx = Context {
            render_workspace_variables: false,
            render_jinja: false,
            raise_on_error: false,
            ..Context::default()
        };
        let got = hydrate(
            &json!({
                "t": {"__prefect_kind": "jinja", "template": "{{ x }}"},
                "l": [{"__prefect_kind": "workspace_variable", "variable_name": "v"}],
                "bad": {"__prefect_kind": "json", "value": "nope"},
            }),
            &ctx,
        )
        .expect("kept");
        assert_eq!(got.values, json!({"t": null, "l": [null], "bad": null}));
        let key = |k: &str| PathPart::Key(k.to_owned());
        assert_eq!(got.placeholders.len(), 3);
        assert_eq!(
            got.placeholders[0],
            (vec![key("t")], Placeholder::ValidJinja("{{ x }}".into()))
        );
        assert_eq!(
            got.placeholders[1],
            (
                vec![key("l"), PathPart::Index(0)],
                Placeholder::WorkspaceVariable("v".into())
            )
        );
        assert!(got.placeholders[2].1.is_error());
    }
}
