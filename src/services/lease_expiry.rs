//! Prefect's repossessor: frees the slots of concurrency leases that expired unrenewed (a crashed task, a lost
//! client). Each lease is released by the one `DELETE … RETURNING` that removes it, so replicas on one PostgreSQL
//! database may all run this service and still free each lease's slots once.

use std::time::Duration;

use crate::db::Db;
use crate::store::Writer;
use crate::store::concurrency_limits_v2::{SlotWaits, release_expired};

pub struct Config {
    /// PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS.
    pub every: Duration,
}

/// Runs until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config, waits: SlotWaits) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: slots must still be freed after one bad lease.
        match crate::panics::catch(release_expired(&reader, &writer, waits)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => crate::log::log!("error: lease-expiry service: {e}"),
            Err(panic) => {
                crate::log::log!(
                    "error: lease-expiry service panicked (please report this bug): {panic}"
                )
            }
        }
    }
}
