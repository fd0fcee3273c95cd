//! Deployment concurrency limits in the flow-run rules, as Prefect 3.8's SecureFlowConcurrencySlots,
//! ValidateDeploymentConcurrencyAtRunning, PreserveDeploymentConcurrencyLeaseId and ReleaseFlowConcurrencySlots
//! decide them. The decisions are pure; taking, renewing and freeing the slot (a lease on the deployment's v2
//! limit) is done by `store::deployment_concurrency` in the transaction that writes the state, after the rules
//! ran, so a slot is only ever taken for a transition that is accepted.

use serde_json::{Value, json};

use crate::db::types::Timestamp;
use crate::store::states::{Proposed, State};

/// Where a run's lease on its deployment's slot lives: its state's details.
pub const LEASE_KEY: &str = "deployment_concurrency_lease_id";

/// PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS' default: how long an enqueued run waits.
pub const SLOT_WAIT_SECONDS: f64 = 30.0;

/// PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION's default: a new lease's time to live unless the
/// deployment's `concurrency_options.grace_period_seconds` says otherwise.
pub const INITIAL_LEASE_SECONDS: f64 = 300.0;

/// The server's timings, from its settings (`configure`, once at start); Prefect's defaults until then.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timings {
    /// PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS.
    pub slot_wait_seconds: f64,
    /// PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION.
    pub lease_seconds: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            slot_wait_seconds: SLOT_WAIT_SECONDS,
            lease_seconds: INITIAL_LEASE_SECONDS,
        }
    }
}

static TIMINGS: std::sync::OnceLock<Timings> = std::sync::OnceLock::new();

/// Sets the timings from the server's settings; the first call wins (one server per process).
pub fn configure(timings: Timings) {
    let _ = TIMINGS.set(timings);
}

fn timings() -> Timings {
    TIMINGS.get().copied().unwrap_or_default()
}

/// `concurrency_options.collision_strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Enqueue,
    CancelNew,
}

/// A deployment's `concurrency_options` (null: ENQUEUE, and the server's lease duration).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    pub strategy: Strategy,
    pub grace_period_seconds: Option<f64>,
}

impl Options {
    pub fn parse(options: Option<&Value>) -> Self {
        let strategy = match options
            .and_then(|o| o.get("collision_strategy"))
            .and_then(Value::as_str)
        {
            Some("CANCEL_NEW") => Strategy::CancelNew,
            _ => Strategy::Enqueue,
        };
        let grace_period_seconds = options
            .and_then(|o| o.get("grace_period_seconds"))
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s > 0.0);
        Options {
            strategy,
            grace_period_seconds,
        }
    }

    /// How long a lease on the deployment's slot lives before it must be renewed.
    pub fn lease_seconds(&self) -> f64 {
        self.grace_period_seconds
            .unwrap_or_else(|| timings().lease_seconds)
    }
}

/// What the run's deployment offers a run proposed PENDING.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slots {
    /// The run names a deployment that is gone.
    DeploymentMissing,
    /// The deployment has no limit.
    Unlimited,
    /// Its limit is 0.
    Zero(Options),
    /// A slot is free now (the store takes it, or applies the strategy if another run took it first).
    Free(Options),
    /// No slot is free (or the limit is inactive, which Prefect treats the same).
    Full(Options),
}

/// Whether SecureFlowConcurrencySlots looks at this transition: into PENDING from anything but PENDING, RUNNING
/// and CANCELLING (no state included).
pub fn secures(initial: Option<&State>, proposed: &Proposed) -> bool {
    proposed.state_type == "PENDING"
        && !initial
            .is_some_and(|i| matches!(i.state_type.as_str(), "PENDING" | "RUNNING" | "CANCELLING"))
}

/// Whether EnforceDeploymentConcurrencyOnLate looks at this transition: a Scheduled run marked Late.
pub fn marks_late(initial: Option<&State>, proposed: &Proposed) -> bool {
    proposed.state_type == "SCHEDULED"
        && proposed.name == "Late"
        && initial.is_some_and(|i| i.state_type == "SCHEDULED")
}

/// Whether the rules need the run's deployment's slots for this transition.
pub fn needs_slots(initial: Option<&State>, proposed: &Proposed) -> bool {
    secures(initial, proposed) || marks_late(initial, proposed)
}

/// EnforceDeploymentConcurrencyOnLate (Prefect's late-runs policy): a run about to be marked Late whose
/// deployment's limit is full and uses CANCEL_NEW is cancelled instead of piling up Late.
pub fn cancel_instead_of_late(slots: Slots) -> Option<(Proposed, String)> {
    match slots {
        Slots::Full(options) | Slots::Zero(options) if options.strategy == Strategy::CancelNew => {
            let mut cancelled = Proposed::new("CANCELLED", "Cancelled");
            cancelled.message = Some("Deployment concurrency limit reached.".into());
            Some((
                cancelled,
                "Deployment concurrency limit is full and uses the CANCEL_NEW strategy.".into(),
            ))
        }
        _ => None,
    }
}

/// What SecureFlowConcurrencySlots decided.
pub enum Secured {
    /// Nothing to do.
    Pass,
    /// Take a slot when the transition is accepted.
    Take,
    Abort(String),
    /// Refused: the state to write instead, and the reason.
    Reject(Box<Proposed>, String),
}

pub fn secure(slots: Slots, now: Timestamp) -> Secured {
    match slots {
        Slots::DeploymentMissing => Secured::Abort("Deployment not found.".into()),
        Slots::Unlimited => Secured::Pass,
        Slots::Zero(_) => Secured::Abort(
            "The deployment concurrency limit is 0. The flow will deadlock if submitted again."
                .into(),
        ),
        Slots::Free(_) => Secured::Take,
        Slots::Full(options) => {
            let (state, reason) = collision(options.strategy, now);
            Secured::Reject(Box::new(state), reason)
        }
    }
}

/// The state a run gets when its deployment's slots are all taken, and the reason.
pub fn collision(strategy: Strategy, now: Timestamp) -> (Proposed, String) {
    let reason = "Deployment concurrency limit reached.".to_owned();
    match strategy {
        Strategy::Enqueue => {
            let mut scheduled = Proposed::new("SCHEDULED", "AwaitingConcurrencySlot");
            scheduled.details = json!({
                "scheduled_time": now.saturating_add_seconds(timings().slot_wait_seconds).rfc3339(),
            });
            (scheduled, reason)
        }
        Strategy::CancelNew => {
            let mut cancelled = Proposed::new("CANCELLED", "Cancelled");
            cancelled.message = Some(reason.clone());
            (cancelled, reason)
        }
    }
}

/// The state a run gets when it reaches RUNNING having lost its lease and no slot is free, and the reason.
pub fn slot_lost() -> (Proposed, String) {
    let mut cancelled = Proposed::new("CANCELLED", "Cancelled");
    cancelled.message = Some(
        "Deployment concurrency slot lost during provisioning - no slots available to continue execution"
            .into(),
    );
    (
        cancelled,
        "Deployment concurrency limit reached after lease expiry.".into(),
    )
}

/// The lease a state's details name, if any.
pub fn lease_of(details: &Value) -> Option<uuid::Uuid> {
    details
        .get(LEASE_KEY)
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
}

/// PreserveDeploymentConcurrencyLeaseId, and ValidateDeploymentConcurrencyAtRunning's copy: the lease of the
/// current state goes on to the proposed one unless it names its own (PENDING -> RUNNING always copies).
pub fn carry_lease(initial: &State, proposed: &mut Proposed) {
    let lease = initial.details.get(LEASE_KEY).filter(|v| !v.is_null());
    let pending_to_running = initial.state_type == "PENDING" && proposed.state_type == "RUNNING";
    let proposed_has = proposed
        .details
        .get(LEASE_KEY)
        .is_some_and(|v| !v.is_null());
    if let Some(lease) = lease
        && (pending_to_running || !proposed_has)
    {
        if !proposed.details.is_object() {
            proposed.details = json!({});
        }
        proposed.details[LEASE_KEY] = lease.clone();
    } else if pending_to_running && proposed_has {
        proposed.details[LEASE_KEY] = Value::Null;
    }
}

/// Whether ReleaseFlowConcurrencySlots frees the run's slot after `written` was recorded from `initial`: out of
/// PENDING, RUNNING or CANCELLING into anything else, except the AwaitingRetry that RetryFailedFlows substitutes
/// for a failure (`rejected`): the engine retries in the same process and keeps renewing its lease.
pub fn releases(initial: Option<&State>, written: &Proposed, rejected: bool) -> bool {
    let Some(initial) = initial else {
        return false;
    };
    let held = matches!(
        initial.state_type.as_str(),
        "PENDING" | "RUNNING" | "CANCELLING"
    );
    let still = matches!(
        written.state_type.as_str(),
        "PENDING" | "RUNNING" | "CANCELLING"
    );
    let in_process_retry =
        written.state_type == "SCHEDULED" && written.name == "AwaitingRetry" && rejected;
    held && !still && !in_process_retry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::types::Id;

    fn state(state_type: &str, name: &str, details: Value) -> State {
        State {
            id: Id(uuid::Uuid::now_v7()),
            state_type: state_type.into(),
            name: name.into(),
            timestamp: Timestamp::now(),
            message: None,
            data: None,
            details,
        }
    }

    #[test]
    fn secures_only_transitions_into_pending_from_outside_the_running_states() {
        let pending = Proposed::new("PENDING", "Pending");
        assert!(secures(None, &pending));
        for (from, expected) in [
            ("SCHEDULED", true),
            ("PAUSED", true),
            ("FAILED", true),
            ("PENDING", false),
            ("RUNNING", false),
            ("CANCELLING", false),
        ] {
            let s = state(from, "x", json!({}));
            assert_eq!(secures(Some(&s), &pending), expected, "{from}");
        }
        let s = state("SCHEDULED", "Scheduled", json!({}));
        assert!(!secures(Some(&s), &Proposed::new("RUNNING", "Running")));
    }

    #[test]
    fn a_full_deployment_enqueues_or_cancels_by_its_strategy() {
        let now = Timestamp::now();
        let enqueue = Options::parse(None);
        match secure(Slots::Full(enqueue), now) {
            Secured::Reject(state, reason) => {
                assert_eq!(
                    (state.state_type.as_str(), state.name.as_str()),
                    ("SCHEDULED", "AwaitingConcurrencySlot")
                );
                assert_eq!(reason, "Deployment concurrency limit reached.");
                let at =
                    crate::db::types::parse_time(state.details["scheduled_time"].as_str().unwrap())
                        .unwrap();
                assert!((29_999..=30_000).contains(&(at.0 - now.0).num_milliseconds()));
            }
            _ => panic!("not rejected"),
        }
        let cancel = Options::parse(Some(&json!({"collision_strategy": "CANCEL_NEW"})));
        match secure(Slots::Full(cancel), now) {
            Secured::Reject(state, _) => {
                assert_eq!(state.state_type, "CANCELLED");
                assert_eq!(
                    state.message.as_deref(),
                    Some("Deployment concurrency limit reached.")
                );
            }
            _ => panic!("not rejected"),
        }
        assert!(
            matches!(secure(Slots::Zero(cancel), now), Secured::Abort(m) if m.contains("limit is 0"))
        );
        assert!(
            matches!(secure(Slots::DeploymentMissing, now), Secured::Abort(m) if m == "Deployment not found.")
        );
        assert!(matches!(secure(Slots::Free(cancel), now), Secured::Take));
        assert!(matches!(secure(Slots::Unlimited, now), Secured::Pass));
    }

    #[test]
    fn the_slot_is_released_leaving_the_running_states_but_not_for_an_in_process_retry() {
        let running = state("RUNNING", "Running", json!({}));
        let retry = Proposed::new("SCHEDULED", "AwaitingRetry");
        assert!(!releases(Some(&running), &retry, true));
        assert!(releases(Some(&running), &retry, false));
        assert!(releases(
            Some(&running),
            &Proposed::new("COMPLETED", "Completed"),
            false
        ));
        assert!(!releases(
            Some(&running),
            &Proposed::new("CANCELLING", "Cancelling"),
            false
        ));
        let scheduled = state("SCHEDULED", "Scheduled", json!({}));
        assert!(!releases(
            Some(&scheduled),
            &Proposed::new("CANCELLED", "Cancelled"),
            false
        ));
        assert!(!releases(
            None,
            &Proposed::new("COMPLETED", "Completed"),
            false
        ));
    }

    #[test]
    fn the_lease_is_carried_forward() {
        let lease = "0191e5f0-0000-7000-8000-000000000001";
        let pending = state("PENDING", "Pending", json!({ LEASE_KEY: lease }));
        let mut submitting = Proposed::new("PENDING", "Submitting");
        submitting.details = json!({ LEASE_KEY: null });
        carry_lease(&pending, &mut submitting);
        assert_eq!(submitting.details[LEASE_KEY], lease);
        let mut running = Proposed::new("RUNNING", "Running");
        carry_lease(&pending, &mut running);
        assert_eq!(lease_of(&running.details).unwrap().to_string(), lease);
    }
}
