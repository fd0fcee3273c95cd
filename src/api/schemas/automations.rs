//! Automations as Prefect 3.8.8's OSS server accepts and answers them (`prefect/server/events/schemas/
//! automations.py`, `events/actions.py`): the `Automation` answer, its `AutomationCreate` / `AutomationUpdate` /
//! `AutomationPartialUpdate` bodies, the `Trigger` kinds (event, compound, sequence: the OSS server has no metric
//! trigger) and every OSS `Action`. The same types are what the triggers service evaluates and the actions
//! executor runs, so they are `Serialize + Deserialize + Clone`, and they serialise in Prefect's field order.
//!
//! Prefect's `trigger` and `actions` are plain (smart-mode) unions: a refused member is reported under its
//! pydantic name (`["body", "trigger", "EventTrigger", "posture"]`). We pick the member by `type` and report
//! that member's errors under the same name; a `type` no member has is refused once per member, as pydantic
//! does. Extra keys inside a trigger or an action are ignored (their models are `PrefectBaseModel`s); the
//! create and update bodies forbid them.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::FieldError;
use super::fields::LaxInt;
use super::filters::{List, Offset};
use super::states::StateType;

// ---------------------------------------------------------------------------------------------------------
// Union members: chosen by `type`, errors reported under the member's pydantic name.

/// The pydantic error types a nested member's error can carry (a `FieldError` needs a `&'static str`).
const KNOWN_KINDS: &[&str] = &[
    "missing",
    "extra_forbidden",
    "enum",
    "literal_error",
    "string_type",
    "bool_type",
    "int_type",
    "int_parsing",
    "float_type",
    "list_type",
    "dict_type",
    "model_type",
    "uuid_parsing",
    "uuid_type",
    "too_long",
    "greater_than_equal",
    "time_delta_parsing",
    "time_delta_type",
    "json_invalid",
    "value_error",
];

/// Reads `value` as the union member `T`, named `member` in errors (pydantic's name for it).
fn member<T: DeserializeOwned, E: serde::de::Error>(value: &Value, member: &str) -> Result<T, E> {
    let bytes = serde_json::to_vec(value).map_err(E::custom)?;
    super::from_body::<T>(&bytes).map_err(|refused| {
        let details = refused.body["exception_detail"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let errors: Vec<FieldError> = details
            .iter()
            .map(|detail| {
                let kind = detail["type"].as_str().unwrap_or("value_error");
                let kind = KNOWN_KINDS
                    .iter()
                    .find(|k| **k == kind)
                    .copied()
                    .unwrap_or("value_error");
                let mut loc = vec![json!(member)];
                // Drop the "body" our reader put first: the path is below this member.
                loc.extend(
                    detail["loc"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .skip(1)
                        .cloned(),
                );
                let mut error = FieldError::new(
                    kind,
                    detail["msg"].as_str().unwrap_or_default(),
                    &detail["input"],
                );
                error.loc = loc;
                if let Some(ctx) = detail.get("ctx") {
                    error = error.with_ctx(ctx.clone());
                }
                error
            })
            .collect();
        FieldError::many_into_serde(errors)
    })
}

/// A member's own (model-level) validator refusing it: pydantic's `value_error` at the member.
fn member_error<E: serde::de::Error>(value: &Value, member: &str, message: &str) -> E {
    FieldError::new("value_error", format!("Value error, {message}"), value)
        .with_ctx(json!({ "error": {} }))
        .under(member)
        .into_serde()
}

/// A duration below zero where Prefect wants `ge=timedelta(0)`.
fn negative_seconds<E: serde::de::Error>(given: Seconds, field: &str, member: &str) -> E {
    FieldError::new(
        "greater_than_equal",
        "Input should be greater than or equal to 0 seconds",
        &json!(given.0),
    )
    .with_ctx(json!({ "ge": "0 seconds" }))
    .under(field)
    .under(member)
    .into_serde()
}

/// A `type` no member has: pydantic's `literal_error` from each member.
fn no_member<E: serde::de::Error>(given: &Value, members: &[(&str, &str)]) -> E {
    let errors = members
        .iter()
        .map(|(tag, name)| {
            FieldError::new("literal_error", format!("Input should be '{tag}'"), given)
                .with_ctx(json!({ "expected": format!("'{tag}'") }))
                .under("type")
                .under(*name)
        })
        .collect();
    FieldError::many_into_serde(errors)
}

fn object_of<E: serde::de::Error>(value: &Value) -> Result<&Map<String, Value>, E> {
    value.as_object().ok_or_else(|| {
        FieldError::new(
            "model_type",
            "Input should be a valid dictionary or instance of a model",
            value,
        )
        .into_serde()
    })
}

// ---------------------------------------------------------------------------------------------------------
// Small field types.

/// A `timedelta`, as seconds (Prefect's JSON answers give seconds as a float).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Seconds(pub f64);

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let seconds = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(text) => parse_duration(text),
            _ => {
                return Err(FieldError::new(
                    "time_delta_type",
                    "Input should be a valid timedelta",
                    &value,
                )
                .into_serde());
            }
        };
        match seconds.filter(|s| s.is_finite() && s.abs() < 1e15) {
            Some(seconds) => Ok(Seconds(seconds)),
            None => Err(FieldError::new(
                "time_delta_parsing",
                "Input should be a valid timedelta, invalid duration",
                &value,
            )
            .into_serde()),
        }
    }
}

/// Seconds as a number, `HH:MM:SS[.f]`, or an ISO 8601 duration (`P1DT2H3M4.5S`), the forms pydantic reads.
fn parse_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return Some(seconds);
    }
    if let Some(iso) = text.strip_prefix('P') {
        let (days, time) = iso.split_once('T').unwrap_or((iso, ""));
        let mut total = 0.0;
        let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
            let mut number = String::new();
            for c in part.chars() {
                match units.iter().find(|(u, _)| *u == c) {
                    Some((_, scale)) => {
                        total += number.parse::<f64>().ok()? * scale;
                        number.clear();
                    }
                    None => number.push(c),
                }
            }
            number.is_empty().then_some(())
        };
        read(days, &[('W', 604_800.0), ('D', 86_400.0)])?;
        read(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
        return Some(total);
    }
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() == 3 {
        let hours: f64 = parts[0].parse().ok()?;
        let minutes: f64 = parts[1].parse().ok()?;
        let seconds: f64 = parts[2].parse().ok()?;
        return Some(hours * 3600.0 + minutes * 60.0 + seconds);
    }
    None
}

/// A pydantic `Set[str]`: a list, duplicates dropped (first kept), in the order given.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StringSet(pub Vec<String>);

impl<'de> Deserialize<'de> for StringSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(deserializer)?;
        let mut set: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            if !set.contains(&item) {
                set.push(item);
            }
        }
        Ok(StringSet(set))
    }
}

/// Prefect's `ResourceSpecification`: labels and the value (or any of the values) each must have; values may
/// end in `*` as a wildcard.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ResourceSpec(pub Map<String, Value>);

impl<'de> Deserialize<'de> for ResourceSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let map = object_of::<D::Error>(&value)?;
        for (label, expected) in map {
            let fits = match expected {
                Value::String(_) => true,
                Value::Array(items) => items.iter().all(Value::is_string),
                _ => false,
            };
            if !fits {
                return Err(FieldError::new(
                    "string_type",
                    "Input should be a valid string",
                    expected,
                )
                .under(label.as_str())
                .into_serde());
            }
        }
        Ok(ResourceSpec(map.clone()))
    }
}

impl ResourceSpec {
    /// Each label with the values it may have.
    pub fn items(&self) -> Vec<(&str, Vec<&str>)> {
        self.0
            .iter()
            .map(|(label, expected)| {
                let values = match expected {
                    Value::String(one) => vec![one.as_str()],
                    Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                (label.as_str(), values)
            })
            .collect()
    }

    pub fn matches_every_resource(&self) -> bool {
        self.0.is_empty()
    }

    /// Prefect's `matches_every_resource_of_kind`: empty, or only `prefect.resource.id: "<kind>.*"`.
    pub fn matches_every_resource_of_kind(&self, kind: &str) -> bool {
        if self.matches_every_resource() {
            return true;
        }
        if self.0.len() != 1 {
            return false;
        }
        let wildcard = format!("{kind}.*");
        self.items()
            .iter()
            .any(|(label, values)| *label == "prefect.resource.id" && values.contains(&&*wildcard))
    }
}

/// `match_related`: one specification, or a list of them that must all match.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MatchRelated {
    One(ResourceSpec),
    All(Vec<ResourceSpec>),
}

impl Default for MatchRelated {
    fn default() -> Self {
        MatchRelated::One(ResourceSpec::default())
    }
}

impl<'de> Deserialize<'de> for MatchRelated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value {
            Value::Array(_) => serde_json::from_value(value)
                .map(MatchRelated::All)
                .map_err(D::Error::custom),
            other => ResourceSpec::deserialize(other)
                .map(MatchRelated::One)
                .map_err(D::Error::custom),
        }
    }
}

impl MatchRelated {
    pub fn specs(&self) -> Vec<&ResourceSpec> {
        match self {
            MatchRelated::One(one) => vec![one],
            MatchRelated::All(all) => all.iter().collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Triggers.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Posture {
    Reactive,
    Proactive,
}

/// Fires on the presence (Reactive) or absence (Proactive) of events within a window.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventTrigger {
    #[serde(default = "Uuid::new_v4")]
    pub id: Uuid,
    #[serde(rename = "match", default)]
    pub match_: ResourceSpec,
    #[serde(default)]
    pub match_related: MatchRelated,
    #[serde(default)]
    pub after: StringSet,
    #[serde(default)]
    pub expect: StringSet,
    #[serde(default)]
    pub for_each: StringSet,
    pub posture: Posture,
    #[serde(default = "one", serialize_with = "plain_int")]
    pub threshold: LaxInt,
    #[serde(default)]
    pub within: Seconds,
}

fn one() -> LaxInt {
    LaxInt(1)
}

fn plain_int<S: Serializer>(value: &LaxInt, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_i64(value.0)
}

/// What compound and sequence triggers share.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompoundTrigger {
    #[serde(default = "Uuid::new_v4")]
    pub id: Uuid,
    pub triggers: Vec<Trigger>,
    pub within: Option<Seconds>,
    pub require: Require,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SequenceTrigger {
    #[serde(default = "Uuid::new_v4")]
    pub id: Uuid,
    pub triggers: Vec<Trigger>,
    pub within: Option<Seconds>,
}

/// A compound trigger's `require`: how many of its triggers must fire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Require {
    Any,
    All,
    AtLeast(i64),
}

impl Serialize for Require {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Require::Any => serializer.serialize_str("any"),
            Require::All => serializer.serialize_str("all"),
            Require::AtLeast(n) => serializer.serialize_i64(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Require {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match &value {
            Value::String(s) if s == "any" => Ok(Require::Any),
            Value::String(s) if s == "all" => Ok(Require::All),
            other => match super::fields::lax_int(other) {
                Ok(n) => Ok(Require::AtLeast(n)),
                Err(_) => {
                    Err(
                        FieldError::new("literal_error", "Input should be 'any' or 'all'", other)
                            .with_ctx(json!({ "expected": "'any' or 'all'" }))
                            .into_serde(),
                    )
                }
            },
        }
    }
}

/// The union of the triggers a user may create.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type")]
pub enum Trigger {
    #[serde(rename = "event")]
    Event(EventTrigger),
    #[serde(rename = "compound")]
    Compound(CompoundTrigger),
    #[serde(rename = "sequence")]
    Sequence(SequenceTrigger),
}

const EVENT_TRIGGER: &str = "EventTrigger";
const COMPOUND_TRIGGER: &str =
    "function-after[validate_require(), function-after[validate_require(), CompoundTrigger]]";
const SEQUENCE_TRIGGER: &str = "SequenceTrigger";

impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let map = object_of::<D::Error>(&value)?;
        // An event trigger's `type` has a default; the others need theirs.
        match map.get("type").unwrap_or(&json!("event")) {
            Value::String(t) if t == "event" => {
                let mut data = map.clone();
                event_trigger_defaults(&mut data)
                    .map_err(|message| member_error(&value, EVENT_TRIGGER, &message))?;
                let trigger: EventTrigger = member(&Value::Object(data), EVENT_TRIGGER)?;
                if trigger.within.0 < 0.0 {
                    return Err(negative_seconds(trigger.within, "within", EVENT_TRIGGER));
                }
                Ok(Trigger::Event(trigger))
            }
            Value::String(t) if t == "compound" => {
                let trigger: CompoundTrigger = member(&value, COMPOUND_TRIGGER)?;
                if let Require::AtLeast(n) = trigger.require {
                    let problem = if n < 1 {
                        Some("require must be at least 1")
                    } else if n as usize > trigger.triggers.len() {
                        Some("require must be less than or equal to the number of triggers")
                    } else {
                        None
                    };
                    if let Some(problem) = problem {
                        return Err(member_error(&value, COMPOUND_TRIGGER, problem));
                    }
                }
                Ok(Trigger::Compound(trigger))
            }
            Value::String(t) if t == "sequence" => {
                member(&value, SEQUENCE_TRIGGER).map(Trigger::Sequence)
            }
            other => Err(no_member(
                other,
                &[
                    ("event", EVENT_TRIGGER),
                    ("compound", COMPOUND_TRIGGER),
                    ("sequence", SEQUENCE_TRIGGER),
                ],
            )),
        }
    }
}

/// Prefect's `enforce_minimum_within_for_proactive_triggers`, run before the fields are read: `within` may not
/// be null, and a Proactive trigger watches at least 10 seconds (0 or absent means 10).
fn event_trigger_defaults(data: &mut Map<String, Value>) -> Result<(), String> {
    if data.get("within") == Some(&Value::Null) {
        return Err("`within` should be a valid timedelta".into());
    }
    let within = data.get("within").and_then(|w| match w {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_duration(s),
        _ => None,
    });
    if let Some(seconds) = within {
        data.insert("within".into(), json!(seconds));
    }
    if data.get("posture").and_then(Value::as_str) == Some("Proactive") {
        match within {
            // Absent or zero: Prefect's minimum window.
            None if !data.contains_key("within") => {
                data.insert("within".into(), json!(10.0));
            }
            Some(0.0) => {
                data.insert("within".into(), json!(10.0));
            }
            Some(s) if s < 10.0 => {
                return Err(
                    "`within` for Proactive triggers must be greater than or equal to 10 seconds"
                        .into(),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

impl Trigger {
    pub fn id(&self) -> Uuid {
        match self {
            Trigger::Event(t) => t.id,
            Trigger::Compound(t) => t.id,
            Trigger::Sequence(t) => t.id,
        }
    }

    /// `"event"`, `"compound"` or `"sequence"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::Event(_) => "event",
            Trigger::Compound(_) => "compound",
            Trigger::Sequence(_) => "sequence",
        }
    }

    /// The trigger's posture, for event triggers.
    pub fn posture(&self) -> Option<Posture> {
        match self {
            Trigger::Event(t) => Some(t.posture),
            _ => None,
        }
    }

    /// This trigger and every trigger inside it, depth first.
    pub fn all(&self) -> Vec<&Trigger> {
        let mut all = vec![self];
        if let Trigger::Compound(CompoundTrigger { triggers, .. })
        | Trigger::Sequence(SequenceTrigger { triggers, .. }) = self
        {
            for child in triggers {
                all.extend(child.all());
            }
        }
        all
    }

    /// Gives this trigger and every trigger inside it a new id (Prefect ignores ids a client sends).
    pub fn reset_ids(&mut self) {
        match self {
            Trigger::Event(t) => t.id = Uuid::new_v4(),
            Trigger::Compound(CompoundTrigger { id, triggers, .. })
            | Trigger::Sequence(SequenceTrigger { id, triggers, .. }) => {
                *id = Uuid::new_v4();
                for child in triggers {
                    child.reset_ids();
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Actions.

/// Whether an action applies to the object it names (`selected`) or to one read from the triggering event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    #[default]
    Selected,
    Inferred,
}

/// The four kinds of object an action can target, each with its id field.
macro_rules! target {
    ($name:ident, $field:ident) => {
        #[derive(Clone, Debug, Default, Serialize, Deserialize)]
        pub struct $name {
            #[serde(default)]
            pub source: Source,
            #[serde(default)]
            pub $field: Option<Uuid>,
        }

        impl $name {
            /// Prefect's `selected_…_requires_id`.
            fn check(&self) -> Result<(), String> {
                match (self.source, self.$field.is_some()) {
                    (Source::Selected, false) => {
                        Err(concat!(stringify!($field), " is required").into())
                    }
                    (Source::Inferred, true) => {
                        Err(concat!(stringify!($field), " is not allowed").into())
                    }
                    _ => Ok(()),
                }
            }
        }
    };
}
target!(DeploymentTarget, deployment_id);
target!(WorkPoolTarget, work_pool_id);
target!(WorkQueueTarget, work_queue_id);
target!(AutomationTarget, automation_id);

/// `{}`: actions with no fields of their own.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NoFields {}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunDeployment {
    #[serde(default)]
    pub source: Source,
    #[serde(default)]
    pub deployment_id: Option<Uuid>,
    #[serde(default)]
    pub parameters: Option<Map<String, Value>>,
    #[serde(default)]
    pub job_variables: Option<Map<String, Value>>,
    #[serde(default)]
    pub schedule_after: Seconds,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeFlowRunState {
    #[serde(default)]
    pub name: Option<String>,
    pub state: StateTypeName,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub force: bool,
}

/// A `StateType` (`COMPLETED`, `FAILED`, …), checked as Prefect checks it, kept as its name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateTypeName(pub String);

impl<'de> Deserialize<'de> for StateTypeName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StateType::deserialize(deserializer).map(|t| StateTypeName(t.0))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendNotification {
    pub block_document_id: Uuid,
    #[serde(default = "default_subject")]
    pub subject: String,
    pub body: String,
}

fn default_subject() -> String {
    "Prefect automated notification".into()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallWebhook {
    pub block_document_id: Uuid,
    #[serde(default, deserialize_with = "payload_text")]
    pub payload: String,
}

/// Older clients sent the payload as an object: Prefect keeps it as that object's JSON, indented by two.
fn payload_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match value {
        Value::String(text) => Ok(text),
        Value::Null => Ok(String::new()),
        other => serde_json::to_string_pretty(&other).map_err(D::Error::custom),
    }
}

/// Every action Prefect 3.8.8's OSS server runs.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Action {
    DoNothing(NoFields),
    RunDeployment(RunDeployment),
    PauseDeployment(DeploymentTarget),
    ResumeDeployment(DeploymentTarget),
    CancelFlowRun(NoFields),
    DeleteFlowRun(NoFields),
    ChangeFlowRunState(ChangeFlowRunState),
    PauseWorkQueue(WorkQueueTarget),
    ResumeWorkQueue(WorkQueueTarget),
    SendNotification(SendNotification),
    CallWebhook(CallWebhook),
    PauseAutomation(AutomationTarget),
    ResumeAutomation(AutomationTarget),
    SuspendFlowRun(NoFields),
    ResumeFlowRun(NoFields),
    PauseWorkPool(WorkPoolTarget),
    ResumeWorkPool(WorkPoolTarget),
}

/// Each action's `type` and pydantic's name for its member of the union, in the union's order.
const ACTION_MEMBERS: &[(&str, &str)] = &[
    ("do-nothing", "DoNothing"),
    (
        "run-deployment",
        "function-after[selected_deployment_requires_id(), RunDeployment]",
    ),
    (
        "pause-deployment",
        "function-after[selected_deployment_requires_id(), PauseDeployment]",
    ),
    (
        "resume-deployment",
        "function-after[selected_deployment_requires_id(), ResumeDeployment]",
    ),
    ("cancel-flow-run", "CancelFlowRun"),
    ("delete-flow-run", "DeleteFlowRun"),
    ("change-flow-run-state", "ChangeFlowRunState"),
    (
        "pause-work-queue",
        "function-after[selected_work_queue_requires_id(), PauseWorkQueue]",
    ),
    (
        "resume-work-queue",
        "function-after[selected_work_queue_requires_id(), ResumeWorkQueue]",
    ),
    ("send-notification", "SendNotification"),
    ("call-webhook", "CallWebhook"),
    (
        "pause-automation",
        "function-after[selected_automation_requires_id(), PauseAutomation]",
    ),
    (
        "resume-automation",
        "function-after[selected_automation_requires_id(), ResumeAutomation]",
    ),
    ("suspend-flow-run", "SuspendFlowRun"),
    ("resume-flow-run", "ResumeFlowRun"),
    (
        "pause-work-pool",
        "function-after[selected_work_pool_requires_id(), PauseWorkPool]",
    ),
    (
        "resume-work-pool",
        "function-after[selected_work_pool_requires_id(), ResumeWorkPool]",
    ),
];

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let map = object_of::<D::Error>(&value)?;
        let given = map.get("type").cloned().unwrap_or(Value::Null);
        let Some((tag, name)) = ACTION_MEMBERS
            .iter()
            .find(|(tag, _)| given.as_str() == Some(tag))
            .copied()
        else {
            return Err(no_member(&given, ACTION_MEMBERS));
        };
        let targeted = |check: Result<(), String>| {
            check.map_err(|message| member_error::<D::Error>(&value, name, &message))
        };
        let templated = |field: &str, template: &str| {
            check_template(template).map_err(|(_, message)| {
                FieldError::new(
                    "value_error",
                    format!("Value error, '{field}' is not a valid template: {message}"),
                    &json!(template),
                )
                .with_ctx(json!({ "error": {} }))
                .under(field)
                .under(name)
                .into_serde::<D::Error>()
            })
        };
        // A pause/resume pair: the same target, checked by Prefect's `selected_…_requires_id`.
        macro_rules! pause_or_resume {
            ($target:ty, $pause_tag:literal, $pause:path, $resume:path) => {{
                let target: $target = member(&value, name)?;
                targeted(target.check())?;
                if tag == $pause_tag {
                    $pause(target)
                } else {
                    $resume(target)
                }
            }};
        }
        let action = match tag {
            "do-nothing" => Action::DoNothing(member(&value, name)?),
            "run-deployment" => {
                let action: RunDeployment = member(&value, name)?;
                targeted(
                    DeploymentTarget {
                        source: action.source,
                        deployment_id: action.deployment_id,
                    }
                    .check(),
                )?;
                if action.schedule_after.0 < 0.0 {
                    return Err(negative_seconds(
                        action.schedule_after,
                        "schedule_after",
                        name,
                    ));
                }
                Action::RunDeployment(action)
            }
            "pause-deployment" | "resume-deployment" => {
                pause_or_resume!(
                    DeploymentTarget,
                    "pause-deployment",
                    Action::PauseDeployment,
                    Action::ResumeDeployment
                )
            }
            "cancel-flow-run" => Action::CancelFlowRun(member(&value, name)?),
            "delete-flow-run" => Action::DeleteFlowRun(member(&value, name)?),
            "suspend-flow-run" => Action::SuspendFlowRun(member(&value, name)?),
            "resume-flow-run" => Action::ResumeFlowRun(member(&value, name)?),
            "change-flow-run-state" => Action::ChangeFlowRunState(member(&value, name)?),
            "pause-work-queue" | "resume-work-queue" => {
                pause_or_resume!(
                    WorkQueueTarget,
                    "pause-work-queue",
                    Action::PauseWorkQueue,
                    Action::ResumeWorkQueue
                )
            }
            "pause-work-pool" | "resume-work-pool" => {
                pause_or_resume!(
                    WorkPoolTarget,
                    "pause-work-pool",
                    Action::PauseWorkPool,
                    Action::ResumeWorkPool
                )
            }
            "pause-automation" | "resume-automation" => {
                pause_or_resume!(
                    AutomationTarget,
                    "pause-automation",
                    Action::PauseAutomation,
                    Action::ResumeAutomation
                )
            }
            "send-notification" => {
                let action: SendNotification = member(&value, name)?;
                templated("subject", &action.subject)?;
                templated("body", &action.body)?;
                Action::SendNotification(action)
            }
            "call-webhook" => {
                let action: CallWebhook = member(&value, name)?;
                if !action.payload.is_empty() {
                    templated("payload", &action.payload)?;
                }
                Action::CallWebhook(action)
            }
            _ => return Err(no_member(&given, ACTION_MEMBERS)),
        };
        Ok(action)
    }
}

impl Action {
    /// The action's `type`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::DoNothing(_) => "do-nothing",
            Action::RunDeployment(_) => "run-deployment",
            Action::PauseDeployment(_) => "pause-deployment",
            Action::ResumeDeployment(_) => "resume-deployment",
            Action::CancelFlowRun(_) => "cancel-flow-run",
            Action::DeleteFlowRun(_) => "delete-flow-run",
            Action::ChangeFlowRunState(_) => "change-flow-run-state",
            Action::PauseWorkQueue(_) => "pause-work-queue",
            Action::ResumeWorkQueue(_) => "resume-work-queue",
            Action::SendNotification(_) => "send-notification",
            Action::CallWebhook(_) => "call-webhook",
            Action::PauseAutomation(_) => "pause-automation",
            Action::ResumeAutomation(_) => "resume-automation",
            Action::SuspendFlowRun(_) => "suspend-flow-run",
            Action::ResumeFlowRun(_) => "resume-flow-run",
            Action::PauseWorkPool(_) => "pause-work-pool",
            Action::ResumeWorkPool(_) => "resume-work-pool",
        }
    }

    /// The block document a notification or webhook action sends through.
    pub fn block_document_id(&self) -> Option<Uuid> {
        match self {
            Action::SendNotification(a) => Some(a.block_document_id),
            Action::CallWebhook(a) => Some(a.block_document_id),
            _ => None,
        }
    }
}

/// Prefect's `validate_user_template`: the template parses. On failure, the line and the parser's message.
pub fn check_template(template: &str) -> Result<(), (usize, String)> {
    let env = minijinja::Environment::new();
    match env.template_from_str(template) {
        Ok(_) => Ok(()),
        Err(error) => Err((
            error.line().unwrap_or(1),
            error.detail().unwrap_or("invalid template").to_owned(),
        )),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Automations.

/// An automation as Prefect answers it (and as the services use it).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Automation {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    pub trigger: Trigger,
    pub actions: Vec<Action>,
    #[serde(default)]
    pub actions_on_trigger: Vec<Action>,
    #[serde(default)]
    pub actions_on_resolve: Vec<Action>,
    pub id: Uuid,
    pub created: chrono::DateTime<chrono::Utc>,
    pub updated: chrono::DateTime<chrono::Utc>,
}

fn yes() -> bool {
    true
}

/// What `AutomationCreate` and `AutomationUpdate` share (Prefect's `AutomationCore`).
#[derive(Clone, Debug)]
pub struct AutomationCore {
    pub name: String,
    pub description: String,
    pub enabled: bool,
    pub tags: Vec<String>,
    pub trigger: Trigger,
    pub actions: Vec<Action>,
    pub actions_on_trigger: Vec<Action>,
    pub actions_on_resolve: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationCreate {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    pub trigger: Trigger,
    pub actions: Vec<Action>,
    #[serde(default)]
    pub actions_on_trigger: Vec<Action>,
    #[serde(default)]
    pub actions_on_resolve: Vec<Action>,
    /// Absent, or null, or the resource that owns the automation (`AutomationUpdate` has no such field).
    #[serde(default, deserialize_with = "super::patch")]
    pub owner_resource: Option<Option<String>>,
}

/// `PUT /automations/{id}`: `AutomationCreate` without `owner_resource`, which is refused as any extra field.
#[derive(Debug)]
pub struct AutomationUpdate(AutomationCreate);

impl<'de> Deserialize<'de> for AutomationUpdate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let update = AutomationCreate::deserialize(deserializer)?;
        if let Some(owner) = &update.owner_resource {
            return Err(FieldError::new(
                "extra_forbidden",
                "Extra inputs are not permitted",
                &json!(owner),
            )
            .under("owner_resource")
            .into_serde());
        }
        Ok(AutomationUpdate(update))
    }
}

/// `PATCH /automations/{id}`: only `enabled`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutomationPartialUpdate {
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl AutomationCreate {
    pub fn into_core(self) -> (AutomationCore, Option<String>) {
        let core = AutomationCore {
            name: self.name,
            description: self.description,
            enabled: self.enabled,
            tags: self.tags,
            trigger: self.trigger,
            actions: self.actions,
            actions_on_trigger: self.actions_on_trigger,
            actions_on_resolve: self.actions_on_resolve,
        };
        (core, self.owner_resource.flatten())
    }
}

impl AutomationUpdate {
    pub fn into_core(self) -> AutomationCore {
        self.0.into_core().0
    }
}

impl AutomationCore {
    /// Every action, in the order they would run: `actions`, `actions_on_trigger`, `actions_on_resolve`.
    pub fn all_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions
            .iter()
            .chain(&self.actions_on_trigger)
            .chain(&self.actions_on_resolve)
    }

    /// Prefect's `prevent_run_deployment_loops`: an enabled reactive trigger on flow-run state events that runs
    /// a deployment would start a run that fires it again. The refusal's message, word for word.
    pub fn run_deployment_loop(&self) -> Option<&'static str> {
        let Trigger::Event(trigger) = &self.trigger else {
            return None;
        };
        if !self.enabled || trigger.posture != Posture::Reactive {
            return None;
        }
        let expect = &trigger.expect.0;
        if !expect.iter().any(|e| e.starts_with("prefect.flow-run.")) {
            return None;
        }
        let problematic = [
            "prefect.flow-run.Scheduled",
            "prefect.flow-run.Pending",
            "prefect.flow-run.Running",
            "prefect.flow-run.*",
        ];
        if !expect.iter().any(|e| problematic.contains(&e.as_str())) {
            return None;
        }
        for action in &self.actions {
            let Action::RunDeployment(run) = action else {
                continue;
            };
            match run.source {
                Source::Inferred => {
                    return Some(
                        "Running an inferred deployment from a flow run state change event will lead to an \
                         infinite loop of flow runs.  Please choose a specific deployment and add additional \
                         filtering labels to the match or match_related for this automation's trigger.",
                    );
                }
                Source::Selected => {
                    if trigger
                        .match_
                        .matches_every_resource_of_kind("prefect.flow-run")
                        && trigger
                            .match_related
                            .specs()
                            .iter()
                            .any(|s| s.matches_every_resource_of_kind("prefect.flow-run"))
                    {
                        return Some(
                            "Running a selected deployment from a flow run state change event may lead to an \
                             infinite loop of flow runs.  Please include additional filtering labels on either \
                             match or match_related to narrow down which flow runs will trigger this \
                             automation to exclude flow runs from the deployment you've selected.",
                        );
                    }
                }
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------------------
// Filters.

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[allow(clippy::enum_variant_names)]
pub enum AutomationSort {
    #[serde(rename = "CREATED_DESC")]
    CreatedDesc,
    #[serde(rename = "UPDATED_DESC")]
    UpdatedDesc,
    #[default]
    #[serde(rename = "NAME_ASC")]
    NameAsc,
    #[serde(rename = "NAME_DESC")]
    NameDesc,
}

/// Prefect's `AutomationFilter` (its sub-filters ignore extra keys, as Prefect's filter models do).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AutomationFilter {
    #[serde(default)]
    pub operator: super::filters::Operator,
    #[serde(default)]
    pub id: Option<AnyOf<Uuid>>,
    #[serde(default)]
    pub name: Option<AnyOf<String>>,
    #[serde(default)]
    pub created: Option<CreatedBefore>,
    #[serde(default)]
    pub tags: Option<TagsFilter>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AnyOf<T> {
    #[serde(default = "none_list", rename = "any_")]
    pub any: Option<List<T>>,
}

fn none_list<T>() -> Option<List<T>> {
    None
}

#[derive(Clone, Debug, Deserialize)]
pub struct CreatedBefore {
    #[serde(default, rename = "before_")]
    pub before: Option<super::fields::DateTime>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TagsFilter {
    #[serde(default, rename = "all_")]
    pub all: Option<List<String>>,
    #[serde(default, rename = "any_")]
    pub any: Option<List<String>>,
    #[serde(default, rename = "is_null_")]
    pub is_null: Option<bool>,
}

/// `POST /automations/filter`.
#[derive(Debug, Default, Deserialize)]
pub struct FilterBody {
    /// `null` (as the client sends when it has no preference) is the default, NAME_ASC.
    #[serde(default)]
    pub sort: Option<AutomationSort>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub offset: Option<Offset>,
    #[serde(default)]
    pub automations: Option<AutomationFilter>,
}

/// `POST /automations/count`.
#[derive(Debug, Default, Deserialize)]
pub struct CountBody {
    #[serde(default)]
    pub automations: Option<AutomationFilter>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(body: Value) -> Result<AutomationCreate, Value> {
        super::super::from_body::<AutomationCreate>(body.to_string().as_bytes())
            .map_err(|e| e.body["exception_detail"].clone())
    }

    #[test]
    fn an_automation_reads_and_answers_in_prefects_shape() {
        let created = create(json!({
            "name": "a1",
            "trigger": {"type": "event", "match": {"prefect.resource.id": "prefect.flow-run.*"},
                        "expect": ["prefect.flow-run.Failed"], "posture": "Reactive", "within": 0},
            "actions": [{"type": "do-nothing"}, {"type": "pause-deployment", "source": "inferred"},
                        {"type": "call-webhook", "block_document_id": Uuid::nil(), "payload": {"a": 1}},
                        {"type": "change-flow-run-state", "state": "FAILED"}],
        }))
        .unwrap();
        let actions = serde_json::to_value(&created.actions).unwrap();
        assert_eq!(
            actions,
            json!([{"type": "do-nothing"}, {"type": "pause-deployment", "source": "inferred", "deployment_id": null},
                   {"type": "call-webhook", "block_document_id": Uuid::nil(), "payload": "{\n  \"a\": 1\n}"},
                   {"type": "change-flow-run-state", "name": null, "state": "FAILED", "message": null, "force": false}])
        );
        let trigger = serde_json::to_value(&created.trigger).unwrap();
        let keys: Vec<&String> = trigger.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "type",
                "id",
                "match",
                "match_related",
                "after",
                "expect",
                "for_each",
                "posture",
                "threshold",
                "within"
            ]
        );
        assert_eq!(trigger["within"], json!(0.0));
    }

    #[test]
    fn a_proactive_trigger_watches_ten_seconds_at_least() {
        let body = |within: Value| {
            json!({"name": "p", "actions": [],
                   "trigger": {"type": "event", "posture": "Proactive", "within": within}})
        };
        let created = create(body(json!(0))).unwrap();
        let Trigger::Event(trigger) = created.trigger else {
            panic!("an event trigger")
        };
        assert_eq!(trigger.within, Seconds(10.0));
        let refused = create(body(json!(5))).unwrap_err();
        assert_eq!(
            refused[0]["loc"],
            json!(["body", "trigger", "EventTrigger"])
        );
        assert_eq!(refused[0]["type"], "value_error");
    }

    #[test]
    fn refusals_name_the_union_member() {
        let refused =
            create(json!({"name": "c", "trigger": {"type": "event"}, "actions": []})).unwrap_err();
        assert_eq!(
            refused[0]["loc"],
            json!(["body", "trigger", "EventTrigger", "posture"])
        );
        assert_eq!(refused[0]["type"], "missing");
        let refused = create(
            json!({"name": "c", "trigger": {"type": "event", "posture": "Reactive"},
                                    "actions": [{"type": "pause-deployment"}]}),
        )
        .unwrap_err();
        assert_eq!(
            refused[0]["loc"],
            json!([
                "body",
                "actions",
                0,
                "function-after[selected_deployment_requires_id(), PauseDeployment]"
            ])
        );
        assert_eq!(refused[0]["msg"], "Value error, deployment_id is required");
        let refused = create(
            json!({"name": "c", "trigger": {"type": "event", "posture": "Reactive"},
                                    "actions": [{"type": "nope"}]}),
        )
        .unwrap_err();
        assert_eq!(refused.as_array().unwrap().len(), ACTION_MEMBERS.len());
        assert_eq!(refused[0]["type"], "literal_error");
        let refused = create(json!({"name": "c", "trigger": {"type": "event", "posture": "Reactive"},
                                    "actions": [{"type": "send-notification", "block_document_id": Uuid::nil(),
                                                 "body": "{{ x"}]}))
        .unwrap_err();
        assert_eq!(
            refused[0]["loc"],
            json!(["body", "actions", 0, "SendNotification", "body"])
        );
        let refused = create(
            json!({"name": "c", "trigger": {"type": "event", "posture": "Reactive"},
                                    "actions": [], "bogus": 1}),
        )
        .unwrap_err();
        assert_eq!(refused[0]["type"], "extra_forbidden");
    }

    #[test]
    fn an_update_has_no_owner() {
        let body = json!({"name": "u", "actions": [], "owner_resource": null,
                          "trigger": {"type": "event", "posture": "Reactive"}});
        let refused = super::super::from_body::<AutomationUpdate>(body.to_string().as_bytes())
            .unwrap_err()
            .body["exception_detail"][0]
            .clone();
        assert_eq!(
            (refused["type"].clone(), refused["loc"].clone()),
            (json!("extra_forbidden"), json!(["body", "owner_resource"]))
        );
    }

    #[test]
    fn compound_triggers_require_a_sensible_count() {
        let body = |require: Value| {
            json!({"name": "c", "actions": [], "trigger": {"type": "compound", "within": 5, "require": require,
                   "triggers": [{"type": "event", "posture": "Reactive"}]}})
        };
        assert!(create(body(json!("any"))).is_ok());
        assert!(create(body(json!(1))).is_ok());
        let refused = create(body(json!(2))).unwrap_err();
        assert_eq!(
            refused[0]["msg"],
            "Value error, require must be less than or equal to the number of triggers"
        );
    }

    #[test]
    fn durations_read_as_pydantic_reads_them() {
        assert_eq!(parse_duration("PT1M30S"), Some(90.0));
        assert_eq!(parse_duration("P1DT1H"), Some(90000.0));
        assert_eq!(parse_duration("00:01:00"), Some(60.0));
        assert_eq!(parse_duration("12.5"), Some(12.5));
        assert_eq!(parse_duration("soon"), None);
    }
}
