//! The actions executor: what runs when an automation's trigger fires or resolves (Prefect's
//! `server/events/actions.py`). The triggers service hands each firing to [`act`], which runs the firing's
//! actions in order and, for each, posts Prefect's `prefect.automation.action.triggered` followed by
//! `…action.executed` or `…action.failed`.
//!
//! As in Prefect, where actions call the orchestration API through a client, our actions call our own API
//! router in-process ([`api_client`]): a paused deployment, a cancelled run or a paused pool goes through the
//! same handlers, rules and events as a client's request, and a refusal comes back as the same status and
//! detail Prefect's actions read.

mod api_client;
mod context;
mod events;
mod http;
mod notify;
mod run;
mod templates;

pub use self::context::ActionContext;
pub use self::notify::refusal as block_refusal;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::api::schemas::automations::{Action, Automation};

/// What the triggers service hands to the actions executor when a trigger fires or resolves.
#[derive(Clone, Debug)]
pub struct Firing {
    /// This firing's id (Prefect's `TriggeredAction.id` / `firing.id`).
    pub id: uuid::Uuid,
    pub automation: Automation,
    pub trigger_id: uuid::Uuid,
    pub state: TriggerState,
    pub triggered: chrono::DateTime<chrono::Utc>,
    pub triggering_labels: BTreeMap<String, String>,
    /// The event (Prefect's `ReceivedEvent` JSON) that fired it.
    pub triggering_event: Option<serde_json::Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerState {
    Triggered,
    /// A proactive trigger's window closing with its events seen again (posted by the triggers service).
    #[allow(dead_code)] // until the triggers service reports resolutions
    Resolved,
}

/// Runs the firing's actions in order, as Prefect's triggers service hands them to its actions service:
/// `actions` on every firing, then `actions_on_trigger` when it triggered or `actions_on_resolve` when it
/// resolved. Posts Prefect's `prefect.automation.action.{triggered,executed,failed}` events for each. Never
/// panics: an action that fails is reported in its `failed` event and the next one runs.
pub async fn act(ctx: &ActionContext, firing: Firing) {
    // The state-specific actions see the automation's own state-change event as their triggering event (the
    // triggers service posts that event; here it is rebuilt for their templates and inference only).
    let state_event = state_change_event(&firing);
    let mut plan: Vec<(&Action, Option<&Value>, bool)> = firing
        .automation
        .actions
        .iter()
        .map(|a| (a, firing.triggering_event.as_ref(), true))
        .collect();
    let specific = match firing.state {
        TriggerState::Triggered => &firing.automation.actions_on_trigger,
        TriggerState::Resolved => &firing.automation.actions_on_resolve,
    };
    plan.extend(specific.iter().map(|a| (a, Some(&state_event), false)));
    for (index, (action, event, posted)) in plan.into_iter().enumerate() {
        let invocation = uuid::Uuid::now_v7();
        let outcome = run::run(ctx, &firing, event, index, invocation, action).await;
        let related_event = if posted { event } else { None };
        events::report(
            ctx,
            &firing,
            related_event,
            index,
            invocation,
            action,
            outcome,
        )
        .await;
    }
}

/// `prefect.automation.triggered` / `resolved` as Prefect's triggers build it for this firing.
fn state_change_event(firing: &Firing) -> Value {
    let automation = &firing.automation;
    let mut resource = json!({
        "prefect.resource.id": format!("prefect.automation.{}", automation.id),
        "prefect.resource.name": automation.name,
    });
    if let Some(posture) = automation.trigger.posture() {
        resource["prefect.posture"] = json!(posture);
    }
    let related: Vec<Value> = firing
        .triggering_event
        .as_ref()
        .and_then(|e| e["id"].as_str())
        .map(|id| {
            json!({ "prefect.resource.id": format!("prefect.event.{id}"),
                    "prefect.resource.role": "triggering-event" })
        })
        .into_iter()
        .collect();
    let state = match firing.state {
        TriggerState::Triggered => "triggered",
        TriggerState::Resolved => "resolved",
    };
    json!({
        "occurred": firing.triggered.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "event": format!("prefect.automation.{state}"),
        "resource": resource,
        "related": related,
        "payload": {
            "triggering_labels": firing.triggering_labels,
            "triggering_event": firing.triggering_event,
        },
        "id": uuid::Uuid::now_v7().to_string(),
        "follows": null,
        "received": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    })
}
