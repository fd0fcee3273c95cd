//! Prefect's flow-run orchestration rules as pure functions: given the run's current state and facts, and a
//! proposed state, decide ACCEPT / REJECT (maybe with a replacement) / WAIT / ABORT, and how the run's
//! bookkeeping (run count, start and end times, run time) changes when a state is written.
//! Messages are Prefect's, word for word: clients and people match on them.

pub mod deployment_concurrency;
pub mod run_input;

use serde_json::{Value, json};

use crate::db::types::Timestamp;
use crate::db::types::parse_time;
use crate::store::states::{Proposed, State, is_terminal};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Accept,
    Reject,
    Wait,
    Abort,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accept => "ACCEPT",
            Status::Reject => "REJECT",
            Status::Wait => "WAIT",
            Status::Abort => "ABORT",
        }
    }
}

/// What the rules decided. `write` is the state to record (the proposed one, or a replacement); `None` means
/// nothing is written and the run keeps its current state.
#[derive(Debug)]
pub struct Decision {
    pub status: Status,
    pub reason: Option<String>,
    pub delay_seconds: i64,
    pub write: Option<Proposed>,
    /// The run's `empirical_policy` after the rules ran.
    pub policy: Value,
    /// SecureFlowConcurrencySlots found a free slot on the run's deployment: take it with the state.
    pub take_deployment_slot: bool,
    /// ValidateDeploymentConcurrencyAtRunning: renew this lease (or take a slot again) with the state.
    pub renew_deployment_lease: Option<uuid::Uuid>,
}

impl Decision {
    pub fn details(&self) -> Value {
        match self.status {
            Status::Accept => json!({ "type": "accept_details" }),
            Status::Reject => json!({ "type": "reject_details", "reason": self.reason }),
            Status::Abort => json!({ "type": "abort_details", "reason": self.reason }),
            Status::Wait => json!({
                "type": "wait_details",
                "delay_seconds": self.delay_seconds,
                "reason": self.reason,
            }),
        }
    }
}

/// What the rules need to know about the run.
pub struct Run<'a> {
    pub initial: Option<&'a State>,
    pub run_count: i32,
    pub policy: Value,
    pub has_deployment: bool,
    pub has_infrastructure_pid: bool,
    pub is_subflow: bool,
    /// What the run's deployment offers when the run is proposed PENDING (`None`: not looked up, or no
    /// deployment).
    pub deployment_slots: Option<deployment_concurrency::Slots>,
}

/// What the rules ask the store to do besides writing the state.
#[derive(Default)]
struct Effects {
    take_deployment_slot: bool,
    renew_deployment_lease: Option<uuid::Uuid>,
}

/// `X-Prefect-API-Version`; `None` (header absent) counts as the newest.
pub type ApiVersion = Option<(u64, u64, u64)>;

fn at_least_0_8_4(api: ApiVersion) -> bool {
    api.is_none_or(|v| v >= (0, 8, 4))
}

/// Data is "persisted" when it is a result-record reference (a dict whose type is not "unpersisted").
fn persisted(data: Option<&Value>) -> bool {
    data.and_then(Value::as_object)
        .is_some_and(|d| d.get("type").and_then(Value::as_str) != Some("unpersisted"))
}

struct Outcome {
    status: Status,
    reason: Option<String>,
    delay_seconds: i64,
    write: Option<Proposed>,
}

fn accept(p: Proposed) -> Outcome {
    Outcome {
        status: Status::Accept,
        reason: None,
        delay_seconds: 0,
        write: Some(p),
    }
}

fn reject(replacement: Option<Proposed>, reason: &str) -> Outcome {
    Outcome {
        status: Status::Reject,
        reason: Some(reason.to_owned()),
        delay_seconds: 0,
        write: replacement,
    }
}

fn abort(reason: String) -> Outcome {
    Outcome {
        status: Status::Abort,
        reason: Some(reason),
        delay_seconds: 0,
        write: None,
    }
}

/// `POST /flow_runs/{id}/set_state`: CoreFlowPolicy, or with `force` the minimal policy.
pub fn set_flow_run_state(
    run: &Run,
    proposed: Proposed,
    force: bool,
    api: ApiVersion,
    now: Timestamp,
) -> Decision {
    let mut policy = run.policy.clone();
    let mut effects = Effects::default();
    let outcome = if force {
        minimal_policy(run, proposed)
    } else {
        core_policy(run, proposed, &mut policy, &mut effects, api, now)
    };
    let accepted = outcome.status == Status::Accept;
    Decision {
        status: outcome.status,
        reason: outcome.reason,
        delay_seconds: outcome.delay_seconds,
        write: outcome.write,
        policy,
        take_deployment_slot: accepted && effects.take_deployment_slot,
        renew_deployment_lease: effects.renew_deployment_lease.filter(|_| accepted),
    }
}

fn minimal_policy(run: &Run, p: Proposed) -> Outcome {
    if let Some(i) = run.initial {
        if i.state_type == "COMPLETED"
            && p.state_type == "COMPLETED"
            && persisted(i.data.as_ref())
            && !persisted(p.data.as_ref())
        {
            return reject(
                None,
                "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.",
            );
        }
        if let Some(outcome) = bypass_cancelling(run, i, &p) {
            return outcome;
        }
    }
    accept(p)
}

fn bypass_cancelling(run: &Run, i: &State, p: &Proposed) -> Option<Outcome> {
    if p.state_type != "CANCELLING" {
        return None;
    }
    let cancelled = || Proposed::new("CANCELLED", "Cancelled");
    if (i.state_type == "SCHEDULED" && !run.has_infrastructure_pid) || i.name == "Resuming" {
        return Some(reject(
            Some(cancelled()),
            "Scheduled flow run has no infrastructure to terminate.",
        ));
    }
    if i.state_type == "PAUSED"
        && i.details.get("pause_reschedule").and_then(Value::as_bool) == Some(true)
    {
        return Some(reject(
            Some(cancelled()),
            "Suspended flow run has no infrastructure to terminate.",
        ));
    }
    None
}

/// SecureFlowConcurrencySlots, on the facts the store looked up.
fn secure_deployment_slot(
    run: &Run,
    p: &Proposed,
    effects: &mut Effects,
    now: Timestamp,
) -> Option<Outcome> {
    use deployment_concurrency::{Secured, secure, secures};
    let slots = run.deployment_slots?;
    if !secures(run.initial, p) {
        return None;
    }
    match secure(slots, now) {
        Secured::Pass => None,
        Secured::Take => {
            effects.take_deployment_slot = true;
            None
        }
        Secured::Abort(reason) => Some(abort(reason)),
        Secured::Reject(state, reason) => Some(reject(Some(*state), &reason)),
    }
}

fn core_policy(
    run: &Run,
    mut p: Proposed,
    policy: &mut Value,
    effects: &mut Effects,
    api: ApiVersion,
    now: Timestamp,
) -> Outcome {
    let Some(i) = run.initial else {
        if let Some(outcome) = secure_deployment_slot(run, &p, effects, now) {
            return outcome;
        }
        if p.state_type == "PAUSED" {
            let verb = if p.name == "Suspended" {
                "suspend"
            } else {
                "pause"
            };
            return abort(format!("Cannot {verb} flows with no state."));
        }
        return accept(p);
    };
    // PreserveDeploymentConcurrencyLeaseId (and ValidateDeploymentConcurrencyAtRunning's copy)
    deployment_concurrency::carry_lease(i, &mut p);
    // PreventDuplicateTransitions
    let transition = |details: &Value| {
        details
            .get("transition_id")
            .filter(|t| !t.is_null())
            .cloned()
    };
    if let (Some(a), Some(b)) = (transition(&i.details), transition(&p.details))
        && a == b
    {
        return reject(None, "This run has already made this state transition.");
    }
    // HandleFlowTerminalStateTransitions
    if is_terminal(&i.state_type) {
        if matches!(p.state_type.as_str(), "CANCELLING" | "PAUSED" | "CRASHED") {
            return abort(format!(
                "Run is already in terminal state {}.",
                i.state_type
            ));
        }
        if i.state_type == "COMPLETED" && persisted(i.data.as_ref()) {
            if !is_terminal(&p.state_type) {
                return reject(None, "Run is already COMPLETED.");
            }
            if p.state_type == "COMPLETED" && !persisted(p.data.as_ref()) {
                return reject(
                    None,
                    "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.",
                );
            }
        }
        if p.state_type == "SCHEDULED" && !run.has_deployment {
            return abort("Cannot reschedule a run without an associated deployment.".into());
        }
        if !is_terminal(&p.state_type) && at_least_0_8_4(api) {
            set(policy, "resuming", json!(false));
            set(policy, "pause_keys", json!([]));
            let retry_type = if p.state_type == "SCHEDULED" {
                json!("reschedule")
            } else {
                Value::Null
            };
            set(policy, "retry_type", retry_type);
        }
    }
    // EnforceCancellingToCancelledTransition
    if i.state_type == "CANCELLING" && p.state_type != "CANCELLED" {
        return reject(
            None,
            "Cannot transition flows that are cancelling to a state other than Cancelled.",
        );
    }
    // BypassCancellingFlowRunsWithNoInfra
    if matches!(i.state_type.as_str(), "SCHEDULED" | "PAUSED")
        && let Some(outcome) = bypass_cancelling(run, i, &p)
    {
        return outcome;
    }
    // PreventPendingTransitions
    if p.state_type == "PENDING"
        && matches!(
            i.state_type.as_str(),
            "PENDING" | "CANCELLING" | "RUNNING" | "CANCELLED"
        )
    {
        if i.state_type == "PENDING" && i.name != p.name && p.name != "Pending" {
            copy_detail(i, &mut p, "scheduled_time");
        } else {
            return abort(format!(
                "This run is in a {} state and cannot transition to a PENDING state.",
                i.state_type
            ));
        }
    }
    // ValidateDeploymentConcurrencyAtRunning
    if i.state_type == "PENDING" && p.state_type == "RUNNING" && run.has_deployment {
        effects.renew_deployment_lease = deployment_concurrency::lease_of(&p.details);
    }
    // SecureFlowConcurrencySlots
    if let Some(outcome) = secure_deployment_slot(run, &p, effects, now) {
        return outcome;
    }
    // EnsureOnlyScheduledFlowsMarkedLate
    if p.state_type == "SCHEDULED" && p.name == "Late" {
        if i.state_type != "SCHEDULED" {
            return reject(None, "Only scheduled flows can be marked late.");
        }
        if i.name == "Late" {
            return reject(None, "This flow run is already marked late.");
        }
        // EnforceDeploymentConcurrencyOnLate
        if let Some(slots) = run.deployment_slots
            && deployment_concurrency::marks_late(run.initial, &p)
            && let Some((cancelled, reason)) = deployment_concurrency::cancel_instead_of_late(slots)
        {
            return reject(Some(cancelled), &reason);
        }
    }
    // HandlePausingFlows
    if p.state_type == "PAUSED" {
        let verb = if p.name == "Suspended" {
            "suspend"
        } else {
            "pause"
        };
        if i.state_type != "RUNNING" {
            return reject(
                None,
                &format!("Cannot {verb} flows that are not currently running."),
            );
        }
        let key = p
            .detail("pause_key")
            .and_then(Value::as_str)
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
        let keys = policy
            .get("pause_keys")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if keys.iter().any(|k| k.as_str() == Some(key.as_str())) {
            return reject(None, &format!("This {verb} has already fired."));
        }
        if p.detail("pause_reschedule").and_then(Value::as_bool) == Some(true) {
            if run.is_subflow {
                return abort(format!("Cannot {verb} subflows."));
            }
            if !run.has_deployment {
                return abort(format!("Cannot {verb} flows without a deployment."));
            }
        }
        let mut keys = keys;
        keys.push(json!(key));
        set(policy, "pause_keys", Value::Array(keys));
    }
    // HandleResumingPausedFlows
    if i.state_type == "PAUSED" {
        if !(matches!(p.state_type.as_str(), "RUNNING" | "SCHEDULED") || is_terminal(&p.state_type))
        {
            return reject(
                None,
                &format!(
                    "This run cannot transition to the StateType.{} state from the StateType.{} state.",
                    p.state_type, i.state_type
                ),
            );
        }
        let verb = if p.name == "Suspended" {
            "suspend"
        } else {
            "pause"
        };
        let shown = p.name.to_lowercase();
        if i.details.get("pause_reschedule").and_then(Value::as_bool) == Some(true)
            && !run.has_deployment
        {
            return reject(
                None,
                &format!("Cannot reschedule a {shown} flow run without a deployment."),
            );
        }
        set(policy, "resuming", json!(true));
        if pause_timed_out(&i.details, now) {
            let mut failed = Proposed::new("FAILED", "Failed");
            failed.message = Some(format!("The flow was {shown} and never resumed."));
            return reject(
                Some(failed),
                &format!("The flow run {verb} has timed out and can no longer resume."),
            );
        }
    }
    // CopyScheduledTime
    if i.state_type == "SCHEDULED"
        && p.state_type == "PENDING"
        && p.detail("scheduled_time").is_none()
    {
        copy_detail(i, &mut p, "scheduled_time");
    }
    // WaitForScheduledTime
    if matches!(i.state_type.as_str(), "SCHEDULED" | "PENDING")
        && p.state_type == "RUNNING"
        && let Some(at) = i
            .details
            .get("scheduled_time")
            .and_then(Value::as_str)
            .and_then(parse_time)
    {
        let delay = (at.0 - now.0).num_milliseconds() as f64 / 1000.0;
        let delay = delay.round() as i64;
        if delay > 0 {
            return Outcome {
                status: Status::Wait,
                reason: Some("Scheduled time is in the future".into()),
                delay_seconds: delay,
                write: None,
            };
        }
    }
    // RetryFailedFlows
    if i.state_type == "RUNNING" && p.state_type == "FAILED" {
        let retries = policy.get("retries").and_then(Value::as_i64);
        match retries {
            Some(retries) if i64::from(run.run_count) <= retries => {
                let delay = policy
                    .get("retry_delay")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                // Refused out of range when the client sends it; a value stored before that check is clamped.
                let at = now.saturating_add_seconds(delay);
                if at_least_0_8_4(api) {
                    set(policy, "resuming", json!(false));
                    set(policy, "pause_keys", json!([]));
                    set(policy, "retry_type", json!("in_process"));
                }
                let mut retry = Proposed::new("SCHEDULED", "AwaitingRetry");
                retry.message = p.message.clone();
                retry.data = p.data.clone();
                retry.details = json!({ "scheduled_time": at.rfc3339() });
                return reject(Some(retry), "Retrying");
            }
            _ => set(policy, "retry_type", Value::Null),
        }
    }
    accept(p)
}

/// A paused state's details whose `pause_timeout` is before `now`: the run can no longer resume.
pub fn pause_timed_out(details: &Value, now: Timestamp) -> bool {
    details
        .get("pause_timeout")
        .and_then(Value::as_str)
        .and_then(parse_time)
        .is_some_and(|t| t < now)
}

fn copy_detail(from: &State, to: &mut Proposed, key: &str) {
    if let Some(value) = from.details.get(key).filter(|v| !v.is_null()) {
        set(&mut to.details, key, value.clone());
    }
}

/// Sets `key` in a run's policy or a state's details. Both are JSON objects when we write them; anything else (a
/// value stored by hand or by an older version) is replaced by an object, where indexing it would panic.
fn set(target: &mut Value, key: &str, value: Value) {
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    target[key] = value;
}

/// The run columns the global transforms maintain.
#[derive(Clone, Debug, PartialEq)]
pub struct Bookkeeping {
    pub run_count: i32,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub total_run_time: f64,
    pub expected_start_time: Option<Timestamp>,
    pub next_scheduled_start_time: Option<Timestamp>,
}

/// Prefect's GlobalFlowPolicy: how writing state `p` at `at` changes the run. `policy` may change too
/// (the resuming flag).
pub fn record(
    before: &Bookkeeping,
    initial: Option<&State>,
    p: &Proposed,
    at: Timestamp,
    policy: &mut Value,
    api: ApiVersion,
    count_runs: bool,
) -> Bookkeeping {
    let mut b = before.clone();
    if p.state_type == "RUNNING" && b.start_time.is_none() {
        b.start_time = Some(at);
    }
    if initial.is_some_and(|i| is_terminal(&i.state_type)) && !is_terminal(&p.state_type) {
        b.end_time = None;
    }
    if is_terminal(&p.state_type) && b.end_time.is_none() {
        b.start_time.get_or_insert(at);
        b.end_time = Some(at);
    }
    if let Some(i) = initial.filter(|i| i.state_type == "RUNNING") {
        b.total_run_time += (at.0 - i.timestamp.0).num_microseconds().unwrap_or(0) as f64 / 1e6;
    }
    let scheduled = p
        .detail("scheduled_time")
        .and_then(Value::as_str)
        .and_then(parse_time);
    if b.expected_start_time.is_none() {
        b.expected_start_time = Some(if p.state_type == "SCHEDULED" {
            scheduled.unwrap_or(at)
        } else {
            at
        });
    }
    if initial.is_some_and(|i| i.state_type == "SCHEDULED") {
        b.next_scheduled_start_time = None;
    }
    if p.state_type == "SCHEDULED" {
        b.next_scheduled_start_time = scheduled;
    }
    let resuming = policy.get("resuming").and_then(Value::as_bool) == Some(true);
    if count_runs && p.state_type == "RUNNING" && !(at_least_0_8_4(api) && resuming) {
        b.run_count = b.run_count.saturating_add(1);
    }
    if at_least_0_8_4(api) && (p.state_type == "RUNNING" || is_terminal(&p.state_type)) && resuming
    {
        set(policy, "resuming", json!(false));
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::types::Id;
    use chrono::Duration;

    fn state(state_type: &str, name: &str) -> State {
        State {
            id: Id(uuid::Uuid::now_v7()),
            state_type: state_type.into(),
            name: name.into(),
            timestamp: Timestamp::now(),
            message: None,
            data: None,
            details: json!({}),
        }
    }

    fn run<'a>(initial: Option<&'a State>, run_count: i32, retries: Option<i64>) -> Run<'a> {
        Run {
            initial,
            run_count,
            policy: json!({ "retries": retries, "retry_delay": 0, "pause_keys": [], "resuming": false }),
            has_deployment: false,
            has_infrastructure_pid: false,
            is_subflow: false,
            deployment_slots: None,
        }
    }

    fn decide(run: &Run, state_type: &str, name: &str) -> Decision {
        set_flow_run_state(
            run,
            Proposed::new(state_type, name),
            false,
            Some((0, 8, 4)),
            Timestamp::now(),
        )
    }

    #[test]
    fn the_happy_path_is_accepted() {
        let pending = state("PENDING", "Pending");
        assert_eq!(
            decide(&run(Some(&pending), 0, None), "RUNNING", "Running").status,
            Status::Accept
        );
        let running = state("RUNNING", "Running");
        assert_eq!(
            decide(&run(Some(&running), 1, None), "COMPLETED", "Completed").status,
            Status::Accept
        );
        assert_eq!(
            decide(&run(None, 0, None), "PENDING", "Pending").status,
            Status::Accept
        );
    }

    #[test]
    fn a_failed_run_with_retries_left_becomes_awaiting_retry() {
        let running = state("RUNNING", "Running");
        let decision = decide(&run(Some(&running), 1, Some(1)), "FAILED", "Failed");
        assert_eq!(decision.status, Status::Reject);
        assert_eq!(decision.reason.as_deref(), Some("Retrying"));
        let write = decision.write.unwrap();
        assert_eq!(
            (write.state_type.as_str(), write.name.as_str()),
            ("SCHEDULED", "AwaitingRetry")
        );
        assert_eq!(decision.policy["retry_type"], "in_process");
        // The second failure has no retries left.
        let decision = decide(&run(Some(&running), 2, Some(1)), "FAILED", "Failed");
        assert_eq!(decision.status, Status::Accept);
    }

    #[test]
    fn rule_messages_match_prefect() {
        let running = state("RUNNING", "Running");
        let d = decide(&run(Some(&running), 1, None), "PENDING", "Pending");
        assert_eq!(
            (d.status, d.reason.as_deref()),
            (
                Status::Abort,
                Some("This run is in a RUNNING state and cannot transition to a PENDING state.")
            )
        );
        let completed = state("COMPLETED", "Completed");
        let d = decide(&run(Some(&completed), 1, None), "CRASHED", "Crashed");
        assert_eq!(
            (d.status, d.reason.as_deref()),
            (
                Status::Abort,
                Some("Run is already in terminal state COMPLETED.")
            )
        );
        let cancelling = state("CANCELLING", "Cancelling");
        let d = decide(&run(Some(&cancelling), 1, None), "COMPLETED", "Completed");
        assert_eq!(d.status, Status::Reject);
        assert_eq!(
            decide(&run(Some(&cancelling), 1, None), "CANCELLED", "Cancelled").status,
            Status::Accept
        );
        let scheduled = state("SCHEDULED", "Scheduled");
        let d = decide(&run(Some(&scheduled), 0, None), "CANCELLING", "Cancelling");
        assert_eq!(d.write.unwrap().state_type, "CANCELLED");
        let mut with_transition = state("RUNNING", "Running");
        with_transition.details = json!({"transition_id": "t1"});
        let mut again = Proposed::new("RUNNING", "Running");
        again.details = json!({"transition_id": "t1"});
        let d = set_flow_run_state(
            &run(Some(&with_transition), 1, None),
            again,
            false,
            None,
            Timestamp::now(),
        );
        assert_eq!(
            d.reason.as_deref(),
            Some("This run has already made this state transition.")
        );
    }

    #[test]
    fn a_future_scheduled_time_waits() {
        let mut scheduled = state("SCHEDULED", "AwaitingRetry");
        let at = Timestamp(Timestamp::now().0 + Duration::seconds(30));
        scheduled.details = json!({ "scheduled_time": at.rfc3339() });
        let d = decide(&run(Some(&scheduled), 1, Some(1)), "RUNNING", "Running");
        assert_eq!(d.status, Status::Wait);
        assert!((29..=30).contains(&d.delay_seconds), "{}", d.delay_seconds);
        assert_eq!(d.details()["type"], "wait_details");
    }

    /// HandlePausingFlows and HandleResumingPausedFlows, row by row: (initial, proposed, policy's pause keys,
    /// state details of the initial and of the proposed state) -> (status, reason, state written instead).
    #[test]
    #[allow(clippy::type_complexity)] // one row of the table per line
    fn pausing_and_resuming_follow_prefects_rules() {
        let later = Timestamp(Timestamp::now().0 + Duration::seconds(60)).rfc3339();
        let earlier = Timestamp(Timestamp::now().0 - Duration::seconds(1)).rfc3339();
        let paused_until = |at: &str| json!({ "pause_timeout": at, "pause_key": "1" });
        #[rustfmt::skip]
        let rows: Vec<(Option<(&str, &str)>, (&str, &str), Value, Value, Value, Status, Option<&str>, Option<&str>)> = vec![
            (None, ("PAUSED", "Paused"), json!([]), json!({}), json!({}), Status::Abort, Some("Cannot pause flows with no state."), None),
            (Some(("PENDING", "Pending")), ("PAUSED", "Paused"), json!([]), json!({}), json!({}), Status::Reject, Some("Cannot pause flows that are not currently running."), None),
            (Some(("PENDING", "Pending")), ("PAUSED", "Suspended"), json!([]), json!({}), json!({}), Status::Reject, Some("Cannot suspend flows that are not currently running."), None),
            (Some(("RUNNING", "Running")), ("PAUSED", "Paused"), json!([]), json!({}), json!({"pause_key": "1"}), Status::Accept, None, None),
            (Some(("RUNNING", "Running")), ("PAUSED", "Paused"), json!(["1"]), json!({}), json!({"pause_key": "1"}), Status::Reject, Some("This pause has already fired."), None),
            (Some(("RUNNING", "Running")), ("PAUSED", "Suspended"), json!([]), json!({}), json!({"pause_key": "2", "pause_reschedule": true}), Status::Abort, Some("Cannot suspend flows without a deployment."), None),
            (Some(("PAUSED", "Paused")), ("RUNNING", "Running"), json!(["1"]), paused_until(&later), json!({}), Status::Accept, None, None),
            (Some(("PAUSED", "Paused")), ("PENDING", "Pending"), json!(["1"]), paused_until(&later), json!({}), Status::Reject, Some("This run cannot transition to the StateType.PENDING state from the StateType.PAUSED state."), None),
            (Some(("PAUSED", "Paused")), ("RUNNING", "Running"), json!(["1"]), paused_until(&earlier), json!({}), Status::Reject, Some("The flow run pause has timed out and can no longer resume."), Some("The flow was running and never resumed.")),
            (Some(("PAUSED", "Paused")), ("FAILED", "Failed"), json!(["1"]), paused_until(&earlier), json!({}), Status::Reject, Some("The flow run pause has timed out and can no longer resume."), Some("The flow was failed and never resumed.")),
        ];
        for (
            initial,
            (to_type, to_name),
            keys,
            initial_details,
            proposed_details,
            status,
            reason,
            replaced_by,
        ) in rows
        {
            let initial = initial.map(|(t, n)| State {
                details: initial_details.clone(),
                ..state(t, n)
            });
            let mut facts = run(initial.as_ref(), 1, None);
            facts.policy["pause_keys"] = keys.clone();
            let mut proposed = Proposed::new(to_type, to_name);
            proposed.details = proposed_details;
            let d = set_flow_run_state(&facts, proposed, false, Some((0, 8, 4)), Timestamp::now());
            let row = format!("{initial:?} -> {to_type} {to_name} with keys {keys}");
            assert_eq!((d.status, d.reason.as_deref()), (status, reason), "{row}");
            let written_message = d
                .write
                .as_ref()
                .filter(|_| d.status == Status::Reject)
                .and_then(|w| w.message.clone());
            assert_eq!(written_message.as_deref(), replaced_by, "{row}");
            if status == Status::Accept && to_type == "PAUSED" {
                assert_eq!(
                    d.policy["pause_keys"],
                    json!(["1"]),
                    "{row}: the key is remembered"
                );
            }
            if status == Status::Accept && to_type == "RUNNING" {
                assert_eq!(
                    d.policy["resuming"],
                    json!(true),
                    "{row}: a resume does not count as a new run"
                );
            }
        }
        let expired = json!({ "pause_timeout": earlier });
        assert!(pause_timed_out(&expired, Timestamp::now()));
        assert!(!pause_timed_out(
            &json!({ "pause_timeout": later }),
            Timestamp::now()
        ));
        assert!(
            !pause_timed_out(&json!({}), Timestamp::now()),
            "a pause without a timeout never times out"
        );
    }

    #[test]
    fn bookkeeping_counts_runs_and_times() {
        let start = Bookkeeping {
            run_count: 0,
            start_time: None,
            end_time: None,
            total_run_time: 0.0,
            expected_start_time: None,
            next_scheduled_start_time: None,
        };
        let mut policy = json!({ "resuming": false });
        let t0 = Timestamp::now();
        let b = record(
            &start,
            None,
            &Proposed::new("PENDING", "Pending"),
            t0,
            &mut policy,
            None,
            true,
        );
        assert_eq!(b.expected_start_time, Some(t0));
        let mut running = state("RUNNING", "Running");
        let b = record(
            &b,
            None,
            &Proposed::new("RUNNING", "Running"),
            t0,
            &mut policy,
            None,
            true,
        );
        assert_eq!((b.run_count, b.start_time), (1, Some(t0)));
        running.timestamp = t0;
        let t1 = Timestamp(t0.0 + Duration::milliseconds(1500));
        let b = record(
            &b,
            Some(&running),
            &Proposed::new("COMPLETED", "Completed"),
            t1,
            &mut policy,
            None,
            true,
        );
        assert_eq!(b.end_time, Some(t1));
        assert!((b.total_run_time - 1.5).abs() < 1e-9);
    }
}
