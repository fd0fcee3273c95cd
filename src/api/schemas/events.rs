//! Prefect's events models (prefect/server/events/schemas/events.py and filters.py): the `Event` a client posts
//! to `POST /events`, the `EventFilter` of `/events/filter` and `/events/count-by/{countable}`, and their
//! answers. The filter is also matched in memory (`ResourceSpec::matches`), as the triggers service does.

use chrono::{Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::FieldError;
use super::fields::{DateTime, Uuid};
use crate::db::types::Timestamp;

/// Prefect's defaults: PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH, …_MAXIMUM_LABELS_PER_RESOURCE and
/// PREFECT_EVENTS_MAXIMUM_RELATED_RESOURCES.
const MAX_EVENT_NAME: usize = 1024;
const MAX_LABELS: usize = 500;
const MAX_RELATED: usize = 100;

/// The most events one page holds (Prefect's INTERACTIVE_PAGE_SIZE).
pub const PAGE_SIZE: i64 = 50;

/// One event of a `POST /events` body.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub occurred: DateTime,
    pub event: EventName,
    pub resource: Resource,
    #[serde(default)]
    pub related: Related,
    #[serde(default)]
    pub payload: Map<String, Value>,
    pub id: Uuid,
    pub follows: Option<Uuid>,
}

impl Event {
    /// The event as the websocket `/events/in` carries it, which is what the event sink stores.
    pub fn into_json(self) -> Value {
        json!({
            "occurred": self.occurred.0.rfc3339(),
            "event": self.event.0,
            "resource": self.resource.0,
            "related": self.related.0,
            "payload": self.payload,
            "id": self.id.0.to_string(),
            "follows": self.follows.map(|f| f.0.to_string()),
        })
    }
}

#[derive(Debug)]
pub struct EventName(pub String);

impl<'de> Deserialize<'de> for EventName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value.as_str() {
            Some(name) if name.chars().count() <= MAX_EVENT_NAME => Ok(EventName(name.to_owned())),
            Some(_) => Err(FieldError::new(
                "value_error",
                format!("Value error, Event name must be at most {MAX_EVENT_NAME} characters"),
                &value,
            )
            .with_ctx(json!({ "error": {} }))
            .into_serde()),
            None => Err(
                FieldError::new("string_type", "Input should be a valid string", &value)
                    .into_serde(),
            ),
        }
    }
}

/// A resource's labels (all strings), with the `prefect.resource.id` Prefect requires.
#[derive(Debug, Default)]
pub struct Resource(pub Map<String, Value>);

fn labels(value: &Value, role_required: bool) -> Result<Map<String, Value>, FieldError> {
    let Some(labels) = value.as_object() else {
        return Err(FieldError::new(
            "dict_type",
            "Input should be a valid dictionary",
            value,
        ));
    };
    for (key, label) in labels {
        if !label.is_string() {
            let mut error = FieldError::new("string_type", "Input should be a valid string", label);
            error.loc = vec![json!(key)];
            return Err(error);
        }
    }
    let value_error = |msg: &str| {
        FieldError::new("value_error", format!("Value error, {msg}"), value)
            .with_ctx(json!({ "error": {} }))
    };
    if labels.len() > MAX_LABELS {
        return Err(value_error(&format!(
            "The maximum number of labels per resource is {MAX_LABELS}"
        )));
    }
    let required = |label: &str, missing: &str| match labels.get(label).and_then(Value::as_str) {
        None => Err(value_error(missing)),
        Some("") => Err(value_error(&format!("The {label} label must be non-empty"))),
        Some(_) => Ok(()),
    };
    required(
        "prefect.resource.id",
        "Resources must include the prefect.resource.id label",
    )?;
    if role_required {
        required(
            "prefect.resource.role",
            "Related Resources must include the prefect.resource.role label",
        )?;
    }
    Ok(labels.clone())
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        labels(&value, false)
            .map(Resource)
            .map_err(FieldError::into_serde)
    }
}

/// An event's related resources, each with a role.
#[derive(Debug, Default)]
pub struct Related(pub Vec<Value>);

impl<'de> Deserialize<'de> for Related {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Some(items) = value.as_array() else {
            return Err(
                FieldError::new("list_type", "Input should be a valid list", &value).into_serde(),
            );
        };
        let mut related = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let labels = labels(item, true).map_err(|mut e| {
                e.loc.insert(0, json!(i));
                e.into_serde()
            })?;
            related.push(Value::Object(labels));
        }
        if related.len() > MAX_RELATED {
            return Err(FieldError::new(
                "value_error",
                format!("Value error, The maximum number of related resources is {MAX_RELATED}"),
                &value,
            )
            .into_serde());
        }
        Ok(Related(related))
    }
}

/// Prefect's `ResourceSpecification`: label → glob patterns (a `!` in front negates one); a resource matches
/// when each label matches one of its patterns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceSpec(pub Vec<(String, Vec<String>)>);

impl ResourceSpec {
    /// Reads a specification from JSON (`{"label": "pattern" | ["pattern", …]}`); `None` when it is not one.
    pub fn from_json(value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        let mut spec = Vec::with_capacity(object.len());
        for (label, patterns) in object {
            let patterns = match patterns {
                Value::String(p) => vec![p.clone()],
                Value::Array(items) => items
                    .iter()
                    .map(|p| p.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()?,
                _ => return None,
            };
            spec.push((label.clone(), patterns));
        }
        Some(ResourceSpec(spec))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Does `resource` (a JSON object of labels) match every label of this specification?
    pub fn matches(&self, resource: &Value) -> bool {
        self.0.iter().all(|(label, patterns)| {
            let value = resource.get(label).and_then(Value::as_str);
            patterns.iter().any(|p| label_matches(p, value))
        })
    }

    /// Any of `candidates` matches (every resource does when the specification is empty).
    pub fn includes<'a>(&self, mut candidates: impl Iterator<Item = &'a Value>) -> bool {
        self.is_empty() || candidates.any(|c| self.matches(c))
    }

    /// The patterns of `label`, removed from the specification.
    pub fn take(&mut self, label: &str) -> Option<Vec<String>> {
        let at = self.0.iter().position(|(l, _)| l == label)?;
        Some(self.0.remove(at).1)
    }
}

/// Prefect's `matches`: a glob (`fnmatchcase`: `*`, `?`, `[…]`), negated by a leading `!`; a missing label
/// matches nothing, negated or not.
pub fn label_matches(pattern: &str, value: Option<&str>) -> bool {
    let Some(value) = value else { return false };
    match pattern.strip_prefix('!') {
        Some(negated) => !glob(negated.as_bytes(), value.as_bytes()),
        None => glob(pattern.as_bytes(), value.as_bytes()),
    }
}

/// `fnmatch.fnmatchcase`, iteratively (no recursion a pattern could blow up): `*`, `?`, and `[…]`/`[!…]`.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                b'?' => {
                    p += 1;
                    t += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, next)) = class(&pattern[p..], text[t]) {
                        if matched {
                            p += next;
                            t += 1;
                            continue;
                        }
                    } else if text[t] == b'[' {
                        p += 1;
                        t += 1;
                        continue;
                    }
                }
                c if c == text[t] => {
                    p += 1;
                    t += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// A `[…]` class at the start of `pattern`: whether `c` is in it and the class's length; `None` when the `[`
/// is not closed (then it is a literal `[`).
fn class(pattern: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = pattern.get(i) == Some(&b'!');
    if negated {
        i += 1;
    }
    let start = i;
    let mut found = false;
    while i < pattern.len() {
        if pattern[i] == b']' && i > start {
            return Some((found != negated, i + 1));
        }
        if pattern.get(i + 1) == Some(&b'-') && i + 2 < pattern.len() && pattern[i + 2] != b']' {
            if (pattern[i]..=pattern[i + 2]).contains(&c) {
                found = true;
            }
            i += 3;
        } else {
            if pattern[i] == c {
                found = true;
            }
            i += 1;
        }
    }
    None
}

impl<'de> Deserialize<'de> for ResourceSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        ResourceSpec::from_json(&value).ok_or_else(|| {
            FieldError::new(
                "dict_type",
                "Input should be a valid dictionary of labels to a string or a list of strings",
                &value,
            )
            .into_serde()
        })
    }
}

impl Serialize for ResourceSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let map: Map<String, Value> = self
            .0
            .iter()
            .map(|(label, patterns)| (label.clone(), json!(patterns)))
            .collect();
        map.serialize(serializer)
    }
}

fn ser_time<S: Serializer>(time: &DateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&time.0.rfc3339())
}

/// `EventFilter`: every part is ANDed; `since`/`until` default to the last 180 days (from the start of today).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    #[serde(default)]
    pub occurred: OccurredFilter,
    pub event: Option<NameFilter>,
    pub resource: Option<ResourceFilter>,
    pub related: Option<OneOrMany<RelatedFilter>>,
    pub any_resource: Option<OneOrMany<AnyResourceFilter>>,
    #[serde(default)]
    pub id: IdFilter,
    pub text: Option<TextFilter>,
    #[serde(default)]
    pub order: Order,
}

impl Default for EventFilter {
    fn default() -> Self {
        EventFilter {
            occurred: OccurredFilter::default(),
            event: None,
            resource: None,
            related: None,
            any_resource: None,
            id: IdFilter::default(),
            text: None,
            order: Order::Desc,
        }
    }
}

/// A filter field Prefect accepts as one filter or a list of them (ANDed).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one).iter(),
            OneOrMany::Many(many) => many.iter(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OccurredFilter {
    #[serde(default = "default_since", serialize_with = "ser_time")]
    pub since: DateTime,
    #[serde(default = "default_until", serialize_with = "ser_time")]
    pub until: DateTime,
}

impl Default for OccurredFilter {
    fn default() -> Self {
        OccurredFilter {
            since: default_since(),
            until: default_until(),
        }
    }
}

fn default_since() -> DateTime {
    let today = Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    DateTime(Timestamp(today - Duration::days(180)))
}

fn default_until() -> DateTime {
    DateTime(Timestamp::now())
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NameFilter {
    pub prefix: Option<Vec<String>>,
    pub exclude_prefix: Option<Vec<String>>,
    pub name: Option<Vec<String>>,
    pub exclude_name: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceFilter {
    pub id: Option<Vec<String>>,
    pub id_prefix: Option<Vec<String>>,
    pub labels: Option<ResourceSpec>,
    #[serde(default)]
    pub distinct: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedFilter {
    pub id: Option<Vec<String>>,
    pub role: Option<Vec<String>>,
    pub resources_in_roles: Option<Vec<(String, String)>>,
    pub labels: Option<ResourceSpec>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnyResourceFilter {
    pub id: Option<Vec<String>>,
    pub id_prefix: Option<Vec<String>>,
    pub labels: Option<ResourceSpec>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdFilter {
    #[serde(default, serialize_with = "ser_ids")]
    pub id: Option<Vec<Uuid>>,
}

fn ser_ids<S: Serializer>(ids: &Option<Vec<Uuid>>, serializer: S) -> Result<S::Ok, S::Error> {
    let ids: Option<Vec<String>> = ids
        .as_ref()
        .map(|ids| ids.iter().map(|id| id.0.to_string()).collect());
    ids.serialize(serializer)
}

#[derive(Clone, Debug, Serialize)]
pub struct TextFilter {
    pub query: String,
}

impl<'de> Deserialize<'de> for TextFilter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Given {
            query: Value,
        }
        let given = Given::deserialize(deserializer)?;
        let problem = |kind, msg: &str| {
            let mut error = FieldError::new(kind, msg, &given.query);
            if kind == "string_too_long" {
                error = error.with_ctx(json!({ "max_length": 200 }));
            }
            error.loc = vec![json!("query")];
            error.into_serde()
        };
        match given.query.as_str() {
            Some(q) if q.chars().count() <= 200 => Ok(TextFilter {
                query: q.to_owned(),
            }),
            Some(_) => Err(problem(
                "string_too_long",
                "String should have at most 200 characters",
            )),
            None => Err(problem("string_type", "Input should be a valid string")),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Order {
    #[serde(rename = "ASC")]
    Asc,
    #[default]
    #[serde(rename = "DESC")]
    Desc,
}

/// `POST /events/filter`.
#[derive(Debug, Deserialize)]
pub struct FilterBody {
    pub filter: Option<EventFilter>,
    #[serde(default = "full_page")]
    pub limit: PageLimit,
}

fn full_page() -> PageLimit {
    PageLimit(PAGE_SIZE)
}

/// A page size: a pydantic int from 0 to [`PAGE_SIZE`].
#[derive(Debug)]
pub struct PageLimit(pub i64);

impl<'de> Deserialize<'de> for PageLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let limit = super::fields::lax_int(&value).map_err(FieldError::into_serde)?;
        if limit < 0 {
            return Err(out_of_bounds("ge", json!(0), &value));
        }
        if limit > PAGE_SIZE {
            return Err(out_of_bounds("le", json!(PAGE_SIZE), &value));
        }
        Ok(PageLimit(limit))
    }
}

/// Pydantic's error for a number beyond its `ge` or `le` bound.
fn out_of_bounds<E: serde::de::Error>(bound: &str, limit: Value, value: &Value) -> E {
    let (kind, words) = match bound {
        "ge" => ("greater_than_equal", "greater than or equal to"),
        _ => ("less_than_equal", "less than or equal to"),
    };
    FieldError::new(kind, format!("Input should be {words} {limit}"), value)
        .with_ctx(json!({ bound: limit }))
        .into_serde()
}

/// `POST /events/count-by/{countable}`.
#[derive(Debug, Deserialize)]
pub struct CountBody {
    pub filter: EventFilter,
    #[serde(default)]
    pub time_unit: TimeUnit,
    #[serde(default = "one_unit")]
    pub time_interval: Interval,
}

fn one_unit() -> Interval {
    Interval(1.0)
}

/// A count's bucket size in `time_unit`s: a finite float of at least 0.01.
#[derive(Debug)]
pub struct Interval(pub f64);

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let Some(number) = number.filter(|n| n.is_finite()) else {
            return Err(
                FieldError::new("float_parsing", "Input should be a valid number", &value)
                    .into_serde(),
            );
        };
        if number < 0.01 {
            return Err(out_of_bounds("ge", json!(0.01), &value));
        }
        Ok(Interval(number))
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Week,
    #[default]
    Day,
    Hour,
    Minute,
    Second,
}

impl TimeUnit {
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Week => 7.0 * 86_400.0,
            TimeUnit::Day => 86_400.0,
            TimeUnit::Hour => 3_600.0,
            TimeUnit::Minute => 60.0,
            TimeUnit::Second => 1.0,
        }
    }
}

/// What `/events/count-by/{countable}` counts by.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Countable {
    Day,
    Time,
    Event,
    Resource,
}

/// `EventPage`.
#[derive(Debug, Serialize)]
pub struct EventPage {
    pub events: Vec<Value>,
    pub total: i64,
    pub next_page: Option<String>,
}

/// `EventCount`.
#[derive(Debug, Serialize)]
pub struct EventCount {
    pub value: String,
    pub label: String,
    pub count: i64,
    pub start_time: String,
    pub end_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_as_fnmatchcase_does() {
        assert!(label_matches(
            "prefect.flow-run.*",
            Some("prefect.flow-run.abc")
        ));
        assert!(!label_matches(
            "prefect.flow-run.*",
            Some("prefect.task-run.abc")
        ));
        assert!(label_matches(
            "!prefect.flow-run.*",
            Some("prefect.task-run.abc")
        ));
        assert!(!label_matches("!x", None));
        assert!(label_matches("a?c", Some("abc")));
        assert!(label_matches("a[bx]c", Some("axc")));
        assert!(label_matches("a[!b]c", Some("acc")));
        assert!(!label_matches("a[!b]c", Some("abc")));
        assert!(label_matches("a[b", Some("a[b")));
        assert!(label_matches("*", Some("")));
        assert!(!label_matches("abc", Some("ABC")));
        assert!(label_matches("*a*b*", Some("xxaxxbxx")));
    }
}
