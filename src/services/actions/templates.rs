//! Rendering the user's Jinja templates as Prefect's `JinjaTemplateAction` renders them (minijinja standing in
//! for Jinja2): the context holds `automation`, `event`, `labels`, `firing`, `firings` and `events`, and, when a
//! template names them, the `flow_run`, `flow`, `deployment`, `task_run`, `work_pool`, `work_queue`,
//! `concurrency_limit` the triggering event involves (read through the API, as Prefect reads them) and the
//! workspace `variables`. Undefined names render empty (Jinja2's `ChainableUndefined`); `None`, `True` and
//! `False` render as Python prints them, and times as Python's `str(datetime)` (`2026-01-02 03:04:05.123456+00:00`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use minijinja::{Environment, UndefinedBehavior, Value as Jinja};
use serde_json::{Map, Value, json};

use super::ActionContext;
use super::api_client::ApiClient;
use super::events::Outcome;
use super::run::{Run, first_resource_of_kind};

/// The objects a template may name that are read from the API, and the resource kind each is found by.
const OBJECTS: &[(&str, &str)] = &[
    ("flow_run", "prefect.flow-run"),
    ("flow", "prefect.flow"),
    ("deployment", "prefect.deployment"),
    ("task_run", "prefect.task-run"),
    ("work_pool", "prefect.work-pool"),
    ("work_queue", "prefect.work-queue"),
    ("concurrency_limit", "prefect.concurrency-limit"),
];

/// The UI path of each kind of object (Prefect's `UI_URL_FORMATS`).
fn ui_path(kind: &str, key: &str) -> Option<String> {
    let path = match kind {
        "prefect.flow" => "flows/flow",
        "prefect.flow-run" => "runs/flow-run",
        "prefect.task-run" => "runs/task-run",
        "prefect.work-pool" => "work-pools/work-pool",
        "prefect.work-queue" => "work-queues/work-queue",
        "prefect.concurrency-limit" => "concurrency-limits/concurrency-limit",
        "prefect.deployment" => "deployments/deployment",
        "prefect.automation" => "automations/automation",
        "prefect.block-document" => "blocks/block",
        _ => return None,
    };
    Some(format!("{path}/{key}"))
}

/// Does the text hold a template at all (Prefect's `maybe_template`)?
pub fn maybe_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// A template that failed to render: the message for the action's failure and the event's details.
#[derive(Debug)]
pub struct RenderError {
    pub message: String,
    pub template: String,
}

/// The objects the templates can see, and what `ui_url` knows of them.
pub struct Context {
    values: Map<String, Value>,
    /// Object id → (resource kind, the key its UI URL uses).
    kinds: HashMap<String, (String, String)>,
    ui_url: Option<String>,
}

impl Context {
    /// The context for `templates`, reading from the API only the objects they name.
    pub async fn build(
        ctx: &ActionContext,
        api: &mut ApiClient<'_>,
        run: &Run<'_>,
        templates: &[&str],
    ) -> Context {
        let firing = run.firing;
        let automation = serde_json::to_value(&firing.automation).unwrap_or(Value::Null);
        let event = run.event.cloned().unwrap_or(Value::Null);
        // The trigger that fired: the automation's own, or the one inside it with the firing's id.
        let trigger = firing
            .automation
            .trigger
            .all()
            .into_iter()
            .find(|t| t.id() == firing.trigger_id)
            .map_or(automation["trigger"].clone(), |t| {
                serde_json::to_value(t).unwrap_or(Value::Null)
            });
        let firing_json = json!({
            "id": firing.id.to_string(),
            "trigger": trigger,
            "trigger_states": [match firing.state {
                super::TriggerState::Triggered => "Triggered",
                super::TriggerState::Resolved => "Resolved",
            }],
            "triggered": firing.triggered.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "triggering_labels": firing.triggering_labels,
            "triggering_firings": [],
            "triggering_event": event,
            "triggering_value": null,
        });
        let mut values = Map::new();
        let mut kinds = HashMap::new();
        if let Some(id) = automation["id"].as_str() {
            kinds.insert(
                id.to_owned(),
                ("prefect.automation".to_owned(), id.to_owned()),
            );
        }
        values.insert("automation".into(), automation);
        values.insert(
            "events".into(),
            json!(if event.is_null() {
                vec![]
            } else {
                vec![event.clone()]
            }),
        );
        values.insert("event".into(), event.clone());
        values.insert("labels".into(), json!(firing.triggering_labels));
        values.insert("firings".into(), json!([firing_json]));
        values.insert("firing".into(), firing_json);
        let named = names_in(templates);
        // Prefect reads these only for a triggering event.
        if !event.is_null() {
            for (name, kind) in OBJECTS {
                if !named.contains(*name) {
                    continue;
                }
                let Some(resource) = first_resource_of_kind(&event, kind) else {
                    continue;
                };
                if let Some(object) = read_object(api, kind, resource).await {
                    let id = object["id"].as_str().unwrap_or_default().to_owned();
                    let key = match *kind {
                        "prefect.work-pool" => {
                            object["name"].as_str().unwrap_or_default().to_owned()
                        }
                        _ => id.clone(),
                    };
                    kinds.insert(id, ((*kind).to_owned(), key));
                    values.insert((*name).to_owned(), object);
                }
            }
            if named.contains("variables") {
                values.insert("variables".into(), Value::Object(read_variables(api).await));
            }
        }
        pythonic_times(&mut values);
        Context {
            values: values.clone(),
            kinds,
            ui_url: ctx.ui_url.clone(),
        }
    }

    /// Renders each template (a text without template syntax is returned as it is).
    pub fn render(&self, template: &str) -> Result<String, RenderError> {
        if !maybe_template(template) {
            return Ok(template.to_owned());
        }
        let env = self.environment();
        env.render_str(template, minijinja::value::Serde(&self.values))
            .map_err(|error| RenderError {
                message: error.to_string(),
                template: template.to_owned(),
            })
    }

    fn environment(&self) -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.set_formatter(|out, state, value| {
            if value.is_undefined() {
                return Ok(());
            }
            if value.is_none() {
                out.write_str("None")?;
                return Ok(());
            }
            if value.kind() == minijinja::value::ValueKind::Bool {
                out.write_str(if value.is_true() { "True" } else { "False" })?;
                return Ok(());
            }
            minijinja::escape_formatter(out, state, value)
        });
        let kinds = Arc::new(self.kinds.clone());
        let base = self.ui_url.clone();
        let url_of = {
            let kinds = kinds.clone();
            let base = base.clone();
            move |object: &Jinja| -> Option<String> {
                let id = object.get_attr("id").ok()?.as_str()?.to_owned();
                let (kind, key) = kinds.get(&id)?;
                Some(join_url(base.as_deref()?, &ui_path(kind, key)?))
            }
        };
        let ui_url = url_of.clone();
        env.add_filter("ui_url", move |object: Jinja| ui_url(&object));
        let events_kinds = kinds.clone();
        let events_base = base.clone();
        env.add_filter("ui_resource_events_url", move |object: Jinja| {
            let resource_id = match object
                .get_attr("prefect.resource.id")
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
            {
                Some(resource_id) => resource_id,
                None => {
                    let id = object.get_attr("id").ok()?.as_str()?.to_owned();
                    let (kind, _) = events_kinds.get(&id)?;
                    format!("{kind}.{id}")
                }
            };
            Some(join_url(
                events_base.as_deref()?,
                &format!("events?resource={resource_id}"),
            ))
        });
        env.add_filter("flow_run_id", |text: Option<String>| -> Option<String> {
            let text = text?;
            let at = text.find("flow-run/")? + "flow-run/".len();
            let candidate = text.get(at..at + 36)?;
            uuid::Uuid::parse_str(candidate)
                .ok()
                .map(|_| candidate.to_owned())
        });
        env
    }
}

/// `urllib.parse.urljoin(base, path)` for a base that is a directory or not.
fn join_url(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

/// The top-level names the templates use (Prefect's `matching_types_in_templates`).
fn names_in(templates: &[&str]) -> HashSet<String> {
    let env = Environment::new();
    let mut names = HashSet::new();
    for template in templates {
        if let Ok(parsed) = env.template_from_str(template) {
            names.extend(parsed.undeclared_variables(false));
        }
    }
    names
}

async fn read_object(
    api: &mut ApiClient<'_>,
    kind: &str,
    resource: &Map<String, Value>,
) -> Option<Value> {
    let resource_id = resource.get("prefect.resource.id")?.as_str()?;
    let id = uuid::Uuid::parse_str(resource_id.rsplit_once('.')?.1).ok()?;
    let answer = match kind {
        "prefect.flow-run" => api.get(&format!("/flow_runs/{id}")).await,
        "prefect.flow" => api.get(&format!("/flows/{id}")).await,
        "prefect.deployment" => api.get(&format!("/deployments/{id}")).await,
        "prefect.task-run" => api.get(&format!("/task_runs/{id}")).await,
        "prefect.concurrency-limit" => api.get(&format!("/v2/concurrency_limits/{id}")).await,
        "prefect.work-pool" => {
            let found = api
                .post(
                    "/work_pools/filter",
                    json!({ "work_pools": { "id": { "any_": [id] } } }),
                )
                .await;
            let pool = found.body.as_array()?.first()?.clone();
            return found.ok().then_some(pool);
        }
        "prefect.work-queue" => {
            let queue = api.get(&format!("/work_queues/{id}")).await;
            let status = api.get(&format!("/work_queues/{id}/status")).await;
            if !queue.ok() || !status.ok() {
                return None;
            }
            let mut combined = queue.body.as_object()?.clone();
            combined.extend(status.body.as_object()?.clone());
            return Some(Value::Object(combined));
        }
        _ => return None,
    };
    if !answer.ok() {
        return None;
    }
    let mut object = answer.body;
    // The run may have moved on since the event: its state is the one the event describes (as in Prefect).
    if matches!(kind, "prefect.flow-run" | "prefect.task-run") {
        let label = |name: &str| resource.get(name).and_then(Value::as_str);
        if let (Some(message), Some(name), Some(timestamp), Some(state_type)) = (
            label("prefect.state-message"),
            label("prefect.state-name"),
            label("prefect.state-timestamp"),
            label("prefect.state-type"),
        ) && let Some(state) = object.get_mut("state").and_then(Value::as_object_mut)
        {
            state.insert("message".into(), json!(message));
            state.insert("name".into(), json!(name));
            state.insert("timestamp".into(), json!(timestamp));
            state.insert("type".into(), json!(state_type));
        }
    }
    Some(object)
}

/// The workspace variables, name → value.
async fn read_variables(api: &mut ApiClient<'_>) -> Map<String, Value> {
    let mut variables = Map::new();
    let mut offset = 0;
    loop {
        let page = api
            .post(
                "/variables/filter",
                json!({ "limit": 200, "offset": offset }),
            )
            .await;
        let Some(items) = page.body.as_array().filter(|_| page.ok()) else {
            break;
        };
        for item in items {
            if let Some(name) = item["name"].as_str() {
                variables.insert(name.to_owned(), item["value"].clone());
            }
        }
        if items.len() < 200 || offset > 10_000 {
            break;
        }
        offset += 200;
    }
    variables
}

/// The fields Prefect's objects hold as datetimes: rendered as Python prints a `datetime`.
const TIME_FIELDS: &[&str] = &[
    "timestamp",
    "created",
    "updated",
    "occurred",
    "received",
    "triggered",
    "start_time",
    "end_time",
    "expected_start_time",
    "next_scheduled_start_time",
    "scheduled_time",
    "last_polled",
    "pause_timeout",
    "cache_expiration",
];

fn pythonic_times(values: &mut Map<String, Value>) {
    for (key, value) in values.iter_mut() {
        match value {
            Value::String(text) if TIME_FIELDS.contains(&key.as_str()) => {
                if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
                    *text = python_datetime(time.with_timezone(&chrono::Utc));
                }
            }
            Value::Object(inner) => pythonic_times(inner),
            Value::Array(items) => {
                for item in items {
                    if let Value::Object(inner) = item {
                        pythonic_times(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `str(datetime)` of a UTC time: `2026-01-02 03:04:05.123456+00:00` (no fraction when it is zero).
pub fn python_datetime(time: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    if time.nanosecond() / 1000 == 0 {
        time.format("%Y-%m-%d %H:%M:%S+00:00").to_string()
    } else {
        time.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string()
    }
}

/// Renders `templates` for the action being run; a failure is the action's, with Prefect's details.
pub async fn render(
    ctx: &ActionContext,
    api: &mut ApiClient<'_>,
    run: &Run<'_>,
    templates: &[&str],
    outcome: &mut Outcome,
) -> Result<Vec<String>, String> {
    let context = Context::build(ctx, api, run, templates).await;
    templates
        .iter()
        .map(|template| context.render(template))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| failed(error, outcome))
}

fn failed(error: RenderError, outcome: &mut Outcome) -> String {
    outcome.details.insert(
        "template_error".into(),
        json!(format!(
            "Failed to render template due to the following error: {}",
            error.message
        )),
    );
    outcome
        .details
        .insert("template_source".into(), json!(error.template));
    format!("Template rendering failed: {}", error.message)
}

/// A `run-deployment` action's parameters with their templates rendered, as Prefect's `render_parameters`
/// does: plain strings holding a template (v1) are upgraded first (a lone `{{ expression }}` keeps its type
/// through `tojson`), then `jinja` placeholders are rendered and `json` ones parsed. Workspace variables and
/// other placeholders are left for the API's hydration.
pub async fn render_parameters(
    ctx: &ActionContext,
    api: &mut ApiClient<'_>,
    run: &Run<'_>,
    parameters: &Map<String, Value>,
    outcome: &mut Outcome,
) -> Result<Map<String, Value>, String> {
    let mut upgraded = parameters.clone();
    upgrade_v1(&mut upgraded);
    let mut found = Vec::new();
    collect_templates(&Value::Object(upgraded.clone()), &mut found);
    let refs: Vec<&str> = found.iter().map(String::as_str).collect();
    let context = Context::build(ctx, api, run, &refs).await;
    let mut rendered = Value::Object(upgraded);
    hydrate_jinja(&context, &mut rendered).map_err(|error| match error {
        Hydration::Render(error) => failed(error, outcome),
        Hydration::Json(message) => message,
    })?;
    Ok(rendered.as_object().cloned().unwrap_or_default())
}

fn upgrade_v1(parameters: &mut Map<String, Value>) {
    for value in parameters.values_mut() {
        upgrade_value(value);
    }
}

fn upgrade_value(value: &mut Value) {
    match value {
        Value::Object(map) if map.contains_key("__prefect_kind") => {}
        Value::Object(map) => upgrade_v1(map),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(map) => upgrade_v1(map),
                    Value::String(text) if maybe_template(text) => *item = wrap_v1(text),
                    _ => {}
                }
            }
        }
        Value::String(text) if maybe_template(text) => *value = wrap_v1(text),
        _ => {}
    }
}

/// Prefect's `_wrap_v1_template`.
fn wrap_v1(template: &str) -> Value {
    let stripped = template.trim();
    if stripped.starts_with("{{") && stripped.ends_with("}}") && stripped.matches("{{").count() == 1
    {
        let inner = stripped[2..stripped.len() - 2].trim();
        return json!({
            "__prefect_kind": "json",
            "value": { "__prefect_kind": "jinja", "template": format!("{{{{ {inner} | tojson }}}}") },
        });
    }
    json!({ "__prefect_kind": "jinja", "template": template })
}

fn collect_templates(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("__prefect_kind").and_then(Value::as_str) == Some("jinja")
                && let Some(template) = map.get("template").and_then(Value::as_str)
            {
                found.push(template.to_owned());
            }
            for inner in map.values() {
                collect_templates(inner, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_templates(i, found)),
        _ => {}
    }
}

enum Hydration {
    Render(RenderError),
    Json(String),
}

fn hydrate_jinja(context: &Context, value: &mut Value) -> Result<(), Hydration> {
    match value {
        Value::Object(map) => match map.get("__prefect_kind").and_then(Value::as_str) {
            Some("jinja") => {
                let template = map
                    .get("template")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                *value = json!(context.render(template).map_err(Hydration::Render)?);
            }
            Some("json") => {
                let mut inner = map.get("value").cloned().unwrap_or(Value::Null);
                hydrate_jinja(context, &mut inner)?;
                if let Value::String(text) = &inner {
                    *value = serde_json::from_str(text).map_err(|e| {
                        Hydration::Json(format!(
                            "Unable to create flow run from deployment: invalid JSON: {e}"
                        ))
                    })?;
                }
            }
            Some(_) => {}
            None => {
                for inner in map.values_mut() {
                    hydrate_jinja(context, inner)?;
                }
            }
        },
        Value::Array(items) => {
            for item in items {
                hydrate_jinja(context, item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(values: Value) -> Context {
        Context {
            values: values.as_object().cloned().unwrap_or_default(),
            kinds: HashMap::from([(
                "r1".to_owned(),
                ("prefect.flow-run".to_owned(), "r1".to_owned()),
            )]),
            ui_url: Some("http://127.0.0.1:4200".into()),
        }
    }

    #[test]
    fn values_render_as_python_prints_them() {
        let c = context(
            json!({"flow_run": {"id": "r1", "name": "brave-fox", "state": {"message": null}},
                               "flag": true}),
        );
        assert_eq!(c.render("{{ flow_run.name }}").unwrap(), "brave-fox");
        assert_eq!(c.render("{{ flow_run.state.message }}").unwrap(), "None");
        assert_eq!(c.render("{{ flag }}").unwrap(), "True");
        assert_eq!(c.render("[{{ missing.deeper.still }}]").unwrap(), "[]");
        assert_eq!(
            c.render("{{ flow_run|ui_url }}").unwrap(),
            "http://127.0.0.1:4200/runs/flow-run/r1"
        );
        assert_eq!(c.render("plain").unwrap(), "plain");
    }

    #[test]
    fn v1_parameters_keep_their_type() {
        let mut parameters =
            json!({"n": "{{ n }}", "s": "Hi {{ n }}", "kept": {"__prefect_kind": "none"}});
        upgrade_value(&mut parameters);
        let c = context(json!({"n": 3}));
        hydrate_jinja(&c, &mut parameters).ok().unwrap();
        assert_eq!(
            parameters,
            json!({"n": 3, "s": "Hi 3", "kept": {"__prefect_kind": "none"}})
        );
    }

    #[test]
    fn times_print_as_python_datetimes() {
        let mut values = json!({"state": {"timestamp": "2026-12-01T20:33:31.476096Z"}, "name": "2026-12-01T20:33:31Z"});
        pythonic_times(values.as_object_mut().unwrap());
        assert_eq!(
            values["state"]["timestamp"],
            "2026-12-01 20:33:31.476096+00:00"
        );
        assert_eq!(values["name"], "2026-12-01T20:33:31Z");
    }
}
