//! Zombie flow runs: a Running flow run whose engine sent `prefect.flow-run.heartbeat` events (every
//! PREFECT_FLOWS_HEARTBEAT_FREQUENCY seconds, 180 by default, at least 30) and then stopped — its machine
//! died, its container was evicted, it was SIGKILLed — is marked Crashed ("Flow run marked as crashed due to
//! missing heartbeats."), as the zombie-killer automation of Prefect's "Detect zombie flows" guide does. A run
//! that never sent a heartbeat (a client with heartbeats off) is never touched. Unlike the guide's automation,
//! a crashed run of a deployment with retries left is then rescheduled (`AwaitingRetry`, after its retry
//! delay), so its worker runs it again.
//!
//! Off by default (PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED): Prefect's server has no such service, and a
//! heartbeat frequency raised on the clients without raising PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS
//! would crash healthy runs. `AFTER_SECONDS` (540 s: three missed heartbeats at the default frequency) is how
//! long after its last heartbeat, or its last state change if later, a run counts as dead.
//!
//! Each round reads one bounded page at a time of Running runs silent for too long (the last heartbeat comes
//! from the event-resource index, newest first), and every change is checked under the run's lock against the
//! state that was read: a run that finished or moved on meanwhile is left alone, and two replicas cannot crash
//! a run twice.

use std::time::Duration;

use chrono::Duration as Span;
use serde_json::{Value, json};

use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::store::flow_runs;
use crate::store::states::Proposed;
use crate::store::{Writer, on_db};

pub struct Config {
    pub every: Duration,
    pub after: Duration,
}

const BATCH: i64 = 200;

pub const MISSING_HEARTBEATS: &str = "Flow run marked as crashed due to missing heartbeats.";

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub crashed: usize,
    pub rescheduled: usize,
}

/// Runs until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: the service must not stop for good on one bad run.
        match crate::panics::catch(round(&reader, &writer, config.after)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => crate::log::log!("error: zombies service: {e}"),
            Err(panic) => crate::log::log!(
                "error: zombies service panicked (please report this bug): {panic}"
            ),
        }
    }
}

pub async fn round(reader: &Db, writer: &Writer, after: Duration) -> Result<Round, sqlx::Error> {
    let Some(cutoff) = Span::from_std(after)
        .ok()
        .and_then(|span| Timestamp::now().0.checked_sub_signed(span))
    else {
        return Ok(Round::default());
    };
    let cutoff = Timestamp(cutoff);
    let mut done = Round::default();
    let mut last = Id(uuid::Uuid::nil());
    loop {
        let page: Vec<(Id, Id, Option<Id>)> = on_db!(reader, pool => sqlx::query_as(
            "SELECT fr.id, fr.state_id, fr.deployment_id FROM flow_run fr \
             WHERE fr.state_type = 'RUNNING' AND fr.state_id IS NOT NULL AND fr.state_timestamp <= $1 \
             AND fr.id > $2 \
             AND (SELECT er.occurred FROM event_resources er JOIN events e ON e.id = er.event_id \
                  WHERE er.resource_id = 'prefect.flow-run.' || fr.id AND er.resource_role = '' \
                  AND e.event = 'prefect.flow-run.heartbeat' ORDER BY er.occurred DESC LIMIT 1) <= $1 \
             ORDER BY fr.id LIMIT $3",
        )
        .bind(cutoff)
        .bind(last)
        .bind(BATCH)
        .fetch_all(pool)
        .await?);
        for (id, state_id, deployment) in &page {
            let mut crashed = Proposed::new("CRASHED", "Crashed");
            crashed.message = Some(MISSING_HEARTBEATS.into());
            let Some(transition) =
                flow_runs::set_state_if_current(writer, *id, *state_id, crashed, false).await?
            else {
                continue;
            };
            let Some(state_id) = transition
                .run
                .state_id
                .filter(|_| transition.decision.write.is_some())
            else {
                continue;
            };
            done.crashed += 1;
            let policy = &transition.run.empirical_policy.0;
            if deployment.is_some()
                && let Some(retry) = retry(policy, transition.run.run_count)
                && flow_runs::set_state_if_current(writer, *id, state_id, retry, false)
                    .await?
                    .is_some_and(|t| t.decision.write.is_some())
            {
                done.rescheduled += 1;
            }
        }
        match page.last() {
            Some((id, ..)) if page.len() as i64 == BATCH => last = *id,
            _ => return Ok(done),
        }
    }
}

/// The AwaitingRetry a crashed run with retries left gets (RetryFailedFlows' test: run count at most the
/// retries), scheduled after its retry delay.
fn retry(policy: &Value, run_count: i32) -> Option<Proposed> {
    let policy = flow_runs::normalise_policy(policy);
    let retries = policy.get("retries").and_then(Value::as_i64)?;
    if i64::from(run_count) > retries {
        return None;
    }
    let delay = policy
        .get("retry_delay")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut retry = Proposed::new("SCHEDULED", "AwaitingRetry");
    retry.message = Some(MISSING_HEARTBEATS.into());
    retry.details =
        json!({ "scheduled_time": Timestamp::now().saturating_add_seconds(delay).rfc3339() });
    Some(retry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crashed_run_is_retried_while_it_has_retries_left() {
        assert!(retry(&json!({"retries": 2, "retry_delay": 5}), 1).is_some());
        assert!(retry(&json!({"retries": 2, "retry_delay": 5}), 2).is_some());
        assert!(retry(&json!({"retries": 2}), 3).is_none());
        assert!(retry(&json!({}), 1).is_none());
        let state = retry(&json!({"retries": 1, "retry_delay": 60}), 1).unwrap();
        assert_eq!(state.name, "AwaitingRetry");
        let at = crate::db::types::parse_time(state.details["scheduled_time"].as_str().unwrap())
            .unwrap();
        assert!(at.0 > Timestamp::now().0 + chrono::Duration::seconds(55));
    }
}
