//! Prefect's foreman: every `loop_seconds`, ONLINE workers whose last heartbeat is older than
//! `inactivity_heartbeat_multiple` × their interval (`fallback_heartbeat_interval_seconds` when they gave none)
//! go OFFLINE; READY pools left with no online worker go NOT_READY (with their `prefect.work-pool.not-ready`
//! event); READY deployments and queues not polled for their timeouts go NOT_READY (with their events). The
//! events are stored directly (there is no API request to carry them to the event sink).

use std::time::Duration;

use crate::db::types::Timestamp;
use crate::store::{Writer, events, pool_events, work_pools, work_queues, workers};

pub struct Config {
    pub every: Duration,
    pub inactivity_heartbeat_multiple: i64,
    pub fallback_heartbeat_interval_seconds: i64,
    pub deployment_last_polled_timeout: Duration,
    pub work_queue_last_polled_timeout: Duration,
}

/// Runs until the task is aborted.
pub async fn run(writer: Writer, config: Config) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: the service must not stop for good on one bad row.
        match crate::panics::catch(round(&writer, &config)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => crate::log::log!("error: foreman service: {e}"),
            Err(panic) => crate::log::log!(
                "error: foreman service panicked (please report this bug): {panic}"
            ),
        }
    }
}

/// `now` minus `span`, or the earliest time when that is out of range (nothing is older then).
fn before(now: Timestamp, span: Duration) -> Timestamp {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|span| now.0.checked_sub_signed(span))
        .map_or_else(Timestamp::earliest, Timestamp)
}

/// One round of the foreman's markings.
pub async fn round(writer: &Writer, config: &Config) -> Result<(), sqlx::Error> {
    let now = Timestamp::now();
    let offline = workers::mark_offline(
        writer,
        now,
        config.inactivity_heartbeat_multiple,
        config.fallback_heartbeat_interval_seconds,
    )
    .await?;
    if offline > 0 {
        crate::log::log!("INFO: foreman: marked {offline} workers as offline");
    }
    let mut emitted = Vec::new();
    for updated in work_pools::mark_not_ready_without_workers(writer).await? {
        if let Some(id) = updated.status_event {
            emitted.push(pool_events::pool_status(
                Some(&updated.before),
                &updated.after,
                id,
            ));
        }
    }
    let stale = before(now, config.deployment_last_polled_timeout);
    for (id, name) in work_queues::mark_deployments_not_ready(writer, stale).await? {
        emitted.push(pool_events::deployment_status(id, &name, "NOT_READY"));
    }
    let stale = before(now, config.work_queue_last_polled_timeout);
    let queues = work_queues::mark_not_ready_unpolled(writer, stale).await?;
    emitted.extend(queues.iter().map(pool_events::queue_status));
    if !emitted.is_empty() {
        events::persist(writer, &emitted).await?;
    }
    Ok(())
}
