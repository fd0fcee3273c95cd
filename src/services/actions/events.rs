//! The events each action run posts, as Prefect's `Action.succeed` / `Action.fail` post them:
//! `prefect.automation.action.triggered`, then `…executed` or `…failed` (which `follows` it), both about the
//! automation, related to the action's targets and the triggering event.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{ActionContext, Firing};
use crate::api::schemas::automations::Action;
use crate::store::new_v7;

/// What running one action produced: the resources it touched (Prefect's `_resulting_related_resources`), the
/// details for the event payload (`_result_details`), and why it failed, if it did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub related: Vec<Value>,
    pub details: Map<String, Value>,
    pub failure: Option<String>,
}

impl Outcome {
    pub fn fail(&mut self, reason: impl Into<String>) {
        self.failure = Some(reason.into());
    }

    pub fn relate(&mut self, resource_id: String, role: &str, name: Option<&str>) {
        let mut related =
            json!({ "prefect.resource.id": resource_id, "prefect.resource.role": role });
        if let Some(name) = name {
            related["prefect.resource.name"] = json!(name);
        }
        self.related.push(related);
    }
}

/// Within this long of the triggering event, the `triggered` event follows it (Prefect's "tight timing").
const TIGHT_TIMING_SECONDS: i64 = 5 * 60;

fn occurred(event: &Value) -> Option<DateTime<Utc>> {
    event["occurred"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Posts the `triggered` and `executed` / `failed` events of the action at `index` (run as `invocation`).
pub async fn report(
    ctx: &ActionContext,
    firing: &Firing,
    triggering_event: Option<&Value>,
    index: usize,
    invocation: uuid::Uuid,
    action: &Action,
    outcome: Outcome,
) {
    let automation = &firing.automation;
    let mut resource = json!({
        "prefect.resource.id": format!("prefect.automation.{}", automation.id),
        "prefect.resource.name": automation.name,
        "prefect.trigger-type": automation.trigger.kind(),
    });
    if let Some(posture) = automation.trigger.posture() {
        resource["prefect.posture"] = json!(posture);
    }
    let mut related = outcome.related;
    let mut follows = None;
    if let Some(event) = triggering_event
        && let Some(id) = event["id"].as_str()
    {
        related.push(json!({
            "prefect.resource.id": format!("prefect.event.{id}"),
            "prefect.resource.role": "triggering-event",
        }));
        if occurred(event)
            .is_some_and(|at| (firing.triggered - at).num_seconds().abs() < TIGHT_TIMING_SECONDS)
        {
            follows = Some(id.to_owned());
        }
    }
    let details = json!({
        "action_index": index,
        "action_type": action.kind(),
        "invocation": invocation.to_string(),
    });
    let triggered_id = new_v7().to_string();
    let triggered = json!({
        "occurred": rfc3339(firing.triggered),
        "event": "prefect.automation.action.triggered",
        "resource": resource,
        "related": related,
        "payload": details,
        "id": triggered_id,
        "follows": follows,
    });
    let mut payload = details.as_object().cloned().unwrap_or_default();
    let name = match &outcome.failure {
        Some(reason) => {
            payload.insert("reason".into(), json!(reason));
            crate::log::log!(
                "warning: automation {} action {index} ({}) failed: {reason}",
                automation.id,
                action.kind()
            );
            "prefect.automation.action.failed"
        }
        None => "prefect.automation.action.executed",
    };
    payload.extend(outcome.details);
    let finished = json!({
        "occurred": rfc3339(Utc::now()),
        "event": name,
        "resource": resource,
        "related": related,
        "payload": payload,
        "id": new_v7().to_string(),
        "follows": triggered_id,
    });
    let _ = ctx.events.send(triggered).await;
    let _ = ctx.events.send(finished).await;
}
