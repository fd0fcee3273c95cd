//! Each action, as Prefect's `actions.py` runs it: the object it targets (selected, or inferred from the
//! triggering event's resources), the API call it makes, and what counts as failure.

use chrono::Utc;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::api_client::{Answer, ApiClient};
use super::events::Outcome;
use super::{ActionContext, Firing, notify, templates};
use crate::api::schemas::automations::{Action, Source};

/// Runs one action; never panics, whatever the event or the API answered.
pub async fn run(
    ctx: &ActionContext,
    firing: &Firing,
    event: Option<&Value>,
    index: usize,
    invocation: Uuid,
    action: &Action,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut api = ApiClient::new(ctx, &firing.automation);
    let run = Run {
        firing,
        event,
        index,
        invocation,
        kind: action.kind(),
    };
    if let Err(reason) = run.action(ctx, &mut api, action, &mut outcome).await {
        outcome.fail(reason);
    }
    outcome
}

/// One action being run, and what it was triggered with.
pub struct Run<'a> {
    pub firing: &'a Firing,
    pub event: Option<&'a Value>,
    pub index: usize,
    pub invocation: Uuid,
    pub kind: &'static str,
}

type Failed = String;

impl Run<'_> {
    async fn action(
        &self,
        ctx: &ActionContext,
        api: &mut ApiClient<'_>,
        action: &Action,
        outcome: &mut Outcome,
    ) -> Result<(), Failed> {
        let automation_id = self.firing.automation.id;
        match action {
            Action::DoNothing(_) => Ok(()),
            Action::RunDeployment(run) => {
                let id = self.target(
                    run.source,
                    run.deployment_id,
                    "prefect.deployment",
                    "deployment",
                )?;
                outcome.relate(format!("prefect.deployment.{id}"), "target", None);
                let parameters = match &run.parameters {
                    Some(parameters) => {
                        templates::render_parameters(ctx, api, self, parameters, outcome).await?
                    }
                    None => Map::new(),
                };
                let scheduled = Utc::now()
                    + chrono::Duration::microseconds((run.schedule_after.0 * 1e6) as i64);
                let body = json!({
                    "state": {
                        "type": "SCHEDULED",
                        "name": "Scheduled",
                        "message": null,
                        "state_details": {
                            "scheduled_time": scheduled.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                        },
                    },
                    "parameters": parameters,
                    "idempotency_key": self.idempotency_key(),
                    "job_variables": run.job_variables,
                });
                let answer = api
                    .post(&format!("/deployments/{id}/create_flow_run"), body)
                    .await;
                if answer.ok() {
                    let flow_run = &answer.body;
                    outcome.relate(
                        format!(
                            "prefect.flow-run.{}",
                            flow_run["id"].as_str().unwrap_or_default()
                        ),
                        "flow-run",
                        flow_run["name"].as_str(),
                    );
                }
                if answer.status.as_u16() == 409 {
                    outcome
                        .details
                        .insert("validation_error".into(), answer.body["detail"].clone());
                }
                self.checked(answer, outcome).map(drop)
            }
            Action::PauseDeployment(target) | Action::ResumeDeployment(target) => {
                let id = self.target(
                    target.source,
                    target.deployment_id,
                    "prefect.deployment",
                    "deployment",
                )?;
                outcome.relate(format!("prefect.deployment.{id}"), "target", None);
                let verb = if matches!(action, Action::PauseDeployment(_)) {
                    "pause_deployment"
                } else {
                    "resume_deployment"
                };
                let answer = api
                    .post(&format!("/deployments/{id}/{verb}"), json!({}))
                    .await;
                self.checked(answer, outcome).map(drop)
            }
            Action::CancelFlowRun(_) => {
                let state = json!({
                    "type": "CANCELLING",
                    "message": format!("Cancelled by Automation {automation_id}"),
                });
                self.set_flow_run_state(api, state, false, outcome).await
            }
            Action::SuspendFlowRun(_) => {
                let timeout = Utc::now() + chrono::Duration::seconds(3600);
                let state = json!({
                    "type": "PAUSED",
                    "name": "Suspended",
                    "message": format!("Suspended by Automation {automation_id}"),
                    "state_details": {
                        "pause_timeout": timeout.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                        "pause_reschedule": true,
                    },
                });
                self.set_flow_run_state(api, state, false, outcome).await
            }
            Action::ChangeFlowRunState(change) => {
                let message = change
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("State changed by Automation {automation_id}"));
                let state =
                    json!({ "type": change.state.0, "name": change.name, "message": message });
                self.set_flow_run_state(api, state, change.force, outcome)
                    .await
            }
            Action::DeleteFlowRun(_) => {
                let id = self.flow_run()?;
                outcome.relate(format!("prefect.flow-run.{id}"), "target", None);
                let answer = api.delete(&format!("/flow_runs/{id}")).await;
                self.checked(answer, outcome).map(drop)
            }
            Action::ResumeFlowRun(_) => {
                let id = self.flow_run()?;
                outcome.relate(format!("prefect.flow-run.{id}"), "target", None);
                let answer = api
                    .post(&format!("/flow_runs/{id}/resume"), json!({}))
                    .await;
                if answer.body["details"]["type"] != "accept_details" {
                    return Err(format!("Failed to resume flow run: {}", reason_of(&answer)));
                }
                Ok(())
            }
            Action::PauseWorkPool(target) | Action::ResumeWorkPool(target) => {
                let id = self.target(
                    target.source,
                    target.work_pool_id,
                    "prefect.work-pool",
                    "work pool",
                )?;
                let found = api
                    .post(
                        "/work_pools/filter",
                        json!({ "work_pools": { "id": { "any_": [id] } } }),
                    )
                    .await;
                let Some(pool) = found
                    .body
                    .as_array()
                    .and_then(|p| p.first())
                    .filter(|_| found.ok())
                else {
                    return Err(format!("Work pool {id} not found"));
                };
                let name = pool["name"].as_str().unwrap_or_default().to_owned();
                outcome.relate(format!("prefect.work-pool.{id}"), "target", Some(&name));
                let paused = matches!(action, Action::PauseWorkPool(_));
                let path = format!(
                    "/work_pools/{}",
                    percent_encoding::utf8_percent_encode(
                        &name,
                        percent_encoding::NON_ALPHANUMERIC
                    )
                );
                let answer = api.patch(&path, json!({ "is_paused": paused })).await;
                self.checked(answer, outcome).map(drop)
            }
            Action::PauseWorkQueue(target) | Action::ResumeWorkQueue(target) => {
                let id = self.target(
                    target.source,
                    target.work_queue_id,
                    "prefect.work-queue",
                    "work queue",
                )?;
                outcome.relate(format!("prefect.work-queue.{id}"), "target", None);
                let paused = matches!(action, Action::PauseWorkQueue(_));
                let answer = api
                    .patch(
                        &format!("/work_queues/{id}"),
                        json!({ "is_paused": paused }),
                    )
                    .await;
                self.checked(answer, outcome).map(drop)
            }
            Action::PauseAutomation(target) | Action::ResumeAutomation(target) => {
                let id = self.target(
                    target.source,
                    target.automation_id,
                    "prefect.automation",
                    "automation",
                )?;
                outcome.relate(format!("prefect.automation.{id}"), "target", None);
                let enabled = matches!(action, Action::ResumeAutomation(_));
                let answer = api
                    .patch(&format!("/automations/{id}"), json!({ "enabled": enabled }))
                    .await;
                self.checked(answer, outcome).map(drop)
            }
            Action::SendNotification(send) => {
                notify::send_notification(ctx, api, self, send, outcome).await
            }
            Action::CallWebhook(call) => notify::call_webhook(ctx, api, self, call, outcome).await,
        }
    }

    /// Prefect's `TriggeredAction.idempotency_key`.
    fn idempotency_key(&self) -> String {
        format!(
            "automation {}, action {}, invocation {}",
            self.firing.automation.id, self.index, self.invocation
        )
    }

    /// The selected id, or the first resource of `kind` in the triggering event.
    fn target(
        &self,
        source: Source,
        selected: Option<Uuid>,
        kind: &str,
        what: &str,
    ) -> Result<Uuid, Failed> {
        if source == Source::Selected {
            return selected.ok_or_else(|| format!("No {what} was selected"));
        }
        let event = self
            .event
            .ok_or_else(|| format!("No event to infer the {what}"))?;
        id_of_first_resource_of_kind(event, kind)
            .ok_or_else(|| format!("No {what} could be inferred"))
    }

    /// The flow run: the one the trigger counted by (`for_each` on the resource id), else the event's.
    fn flow_run(&self) -> Result<Uuid, Failed> {
        if let Some(id) = self
            .firing
            .triggering_labels
            .get("prefect.resource.id")
            .and_then(|r| id_from_resource_id(r, "prefect.flow-run"))
        {
            return Ok(id);
        }
        self.event
            .and_then(|e| id_of_first_resource_of_kind(e, "prefect.flow-run"))
            .ok_or_else(|| "No flow run could be inferred".to_owned())
    }

    async fn set_flow_run_state(
        &self,
        api: &mut ApiClient<'_>,
        state: Value,
        force: bool,
        outcome: &mut Outcome,
    ) -> Result<(), Failed> {
        let id = self.flow_run()?;
        outcome.relate(format!("prefect.flow-run.{id}"), "target", None);
        let answer = api
            .post(
                &format!("/flow_runs/{id}/set_state"),
                json!({ "state": state, "force": force }),
            )
            .await;
        let answer = self.checked(answer, outcome)?;
        if answer.body["details"]["type"] != "accept_details" {
            return Err(format!("Failed to set state: {}", reason_of(&answer)));
        }
        Ok(())
    }

    /// Records the answer's status; a status of 300 or more fails the action with Prefect's reason.
    fn checked(&self, answer: Answer, outcome: &mut Outcome) -> Result<Answer, Failed> {
        outcome
            .details
            .insert("status_code".into(), json!(answer.status.as_u16()));
        if answer.ok() {
            Ok(answer)
        } else {
            Err(reason_from_response(self.kind, &answer))
        }
    }
}

/// The reason an orchestration answer gives (`details.reason`), as Python prints a missing one.
fn reason_of(answer: &Answer) -> String {
    match &answer.body["details"]["reason"] {
        Value::String(reason) => reason.clone(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// Prefect's `ExternalDataAction.reason_from_response`, word for word.
pub fn reason_from_response(kind: &str, answer: &Answer) -> String {
    let status = answer.status.as_u16();
    if status == 409 || status == 422 {
        let detail = match &answer.body["detail"] {
            Value::Null => None,
            Value::String(text) if text.is_empty() => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        };
        if status == 422 || detail.is_some() {
            let suffix = detail.map(|d| format!(" - {d}")).unwrap_or_default();
            return format!("Validation error occurred for '{kind}'{suffix}");
        }
        return format!(
            "Conflict (409) occurred for '{kind}' - {:?}",
            answer.body.to_string()
        );
    }
    format!("Unexpected status from '{kind}' action: {status}")
}

/// The event's resource and its related resources, in that order (Prefect's `involved_resources`).
pub fn involved_resources(event: &Value) -> Vec<&Map<String, Value>> {
    let mut involved: Vec<&Map<String, Value>> =
        event["resource"].as_object().into_iter().collect();
    if let Some(related) = event["related"].as_array() {
        involved.extend(related.iter().filter_map(Value::as_object));
    }
    involved
}

/// The first involved resource whose id is `<kind>.<something>`.
pub fn first_resource_of_kind<'e>(event: &'e Value, kind: &str) -> Option<&'e Map<String, Value>> {
    involved_resources(event).into_iter().find(|resource| {
        resource
            .get("prefect.resource.id")
            .and_then(Value::as_str)
            .and_then(|id| id.rsplit_once('.'))
            .is_some_and(|(k, _)| k == kind)
    })
}

pub fn id_from_resource_id(resource_id: &str, kind: &str) -> Option<Uuid> {
    let (k, id) = resource_id.rsplit_once('.')?;
    (k == kind).then(|| Uuid::parse_str(id).ok()).flatten()
}

pub fn id_of_first_resource_of_kind(event: &Value, kind: &str) -> Option<Uuid> {
    let resource = first_resource_of_kind(event, kind)?;
    id_from_resource_id(resource.get("prefect.resource.id")?.as_str()?, kind)
}
