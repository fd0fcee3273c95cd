//! Which events an event trigger looks at, as Prefect's `EventTrigger` decides (schemas/automations.py):
//! `covers` (its event pattern and resource specifications), `expects`, `starts_after`, and the bucketing key
//! its `for_each` labels make of an event.

use serde_json::Value;

use crate::api::schemas::automations::EventTrigger;
use crate::api::schemas::events::{ResourceSpec, label_matches};

/// An event trigger ready to match events: its specifications read once.
#[derive(Clone, Debug)]
pub struct Matcher {
    resource: ResourceSpec,
    related: Vec<ResourceSpec>,
    /// `expect` and `after` together (empty: any event), as Prefect's `event_pattern`.
    pattern: Vec<String>,
    expect: Vec<String>,
    after: Vec<String>,
    /// `for_each`, sorted.
    pub for_each: Vec<String>,
}

fn spec(given: &crate::api::schemas::automations::ResourceSpec) -> ResourceSpec {
    ResourceSpec::from_json(&Value::Object(given.0.clone())).unwrap_or_default()
}

impl Matcher {
    pub fn new(trigger: &EventTrigger) -> Self {
        let expect = trigger.expect.0.clone();
        let after = trigger.after.0.clone();
        let pattern = if expect.is_empty() {
            Vec::new()
        } else {
            expect.iter().chain(&after).cloned().collect()
        };
        let mut for_each = trigger.for_each.0.clone();
        for_each.sort();
        Matcher {
            resource: spec(&trigger.match_),
            related: trigger
                .match_related
                .specs()
                .into_iter()
                .map(spec)
                .collect(),
            pattern,
            expect,
            after,
            for_each,
        }
    }

    /// Prefect's `covers`: the event's name fits the pattern, its resource `match`, and its related resources
    /// every `match_related` specification.
    pub fn covers(&self, event: &Value) -> bool {
        let name = event_name(event);
        let named = if self.pattern.is_empty() {
            !name.is_empty()
        } else {
            self.pattern.iter().any(|p| pattern_matches_start(p, name))
        };
        if !named {
            return false;
        }
        let resource = event.get("resource").unwrap_or(&Value::Null);
        if !self.resource.includes(std::iter::once(resource)) {
            return false;
        }
        let related: &[Value] = event
            .get("related")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        self.related
            .iter()
            .all(|spec| spec.includes(related.iter()))
    }

    pub fn expects(&self, name: &str) -> bool {
        self.expect.is_empty() || self.expect.iter().any(|p| label_matches(p, Some(name)))
    }

    pub fn starts_after(&self, name: &str) -> bool {
        self.after.iter().any(|p| label_matches(p, Some(name)))
    }

    pub fn has_after(&self) -> bool {
        !self.after.is_empty()
    }

    /// The values of the sorted `for_each` labels in `event` (empty text for a missing one).
    pub fn bucketing_key(&self, event: &Value) -> Vec<String> {
        self.for_each
            .iter()
            .map(|label| find_resource_label(event, label).unwrap_or_default())
            .collect()
    }
}

pub fn event_name(event: &Value) -> &str {
    event
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Prefect's `Event.find_resource_label`: `related:<role>:<label>` reads the first related resource in that
/// role; any other label reads the event's resource.
pub fn find_resource_label(event: &Value, label: &str) -> Option<String> {
    let (directive, related_label) = label.rsplit_once(':').unwrap_or(("", label));
    let (directive, role) = directive.split_once(':').unwrap_or((directive, ""));
    let text = |v: &Value, l: &str| v.get(l).and_then(Value::as_str).map(str::to_owned);
    if directive == "related" {
        let related = event.get("related").and_then(Value::as_array)?;
        let first = related
            .iter()
            .find(|r| r.get("prefect.resource.role").and_then(Value::as_str) == Some(role))?;
        return text(first, related_label);
    }
    text(event.get("resource")?, label)
}

/// Prefect's event pattern: `re.match` of the escaped pattern with `*` as `.+`, so it is anchored at the start
/// only (`prefect.flow-run.Fail` also matches `prefect.flow-run.Failed`).
fn pattern_matches_start(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in parts {
        // `.+`: at least one character, then the part (leftmost is enough: the end is not anchored).
        let mut chars = rest.chars();
        if chars.next().is_none() {
            return false;
        }
        let after_one = chars.as_str();
        match after_one.find(part) {
            Some(at) => rest = &after_one[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_patterns_are_anchored_at_the_start_only() {
        assert!(pattern_matches_start(
            "prefect.flow-run.*",
            "prefect.flow-run.Failed"
        ));
        assert!(!pattern_matches_start(
            "prefect.flow-run.*",
            "prefect.flow-run."
        ));
        assert!(pattern_matches_start(
            "prefect.flow-run.Fail",
            "prefect.flow-run.Failed"
        ));
        assert!(!pattern_matches_start("x.*.done", "x.done"));
        assert!(pattern_matches_start("x.*.done", "x.a.b.done"));
    }

    #[test]
    fn labels_are_found_on_the_resource_or_a_related_role() {
        let event = json!({
            "resource": {"prefect.resource.id": "r", "a": "1"},
            "related": [{"prefect.resource.id": "f", "prefect.resource.role": "flow", "b": "2"}],
        });
        assert_eq!(find_resource_label(&event, "a").as_deref(), Some("1"));
        assert_eq!(
            find_resource_label(&event, "related:flow:b").as_deref(),
            Some("2")
        );
        assert_eq!(find_resource_label(&event, "related:tag:b"), None);
        assert_eq!(
            find_resource_label(&event, "prefect.resource.id").as_deref(),
            Some("r")
        );
    }
}
