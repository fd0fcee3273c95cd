//! Prefect's pause-expiration service: a paused flow run whose `pause_timeout` has passed is failed ("The flow was
//! paused and never resumed."), for runs whose process is gone and so never proposes the failure itself. Each run
//! is re-checked under its lock when it is failed, so two replicas on one PostgreSQL database, or a resume at the
//! same moment, cannot fail it twice or fail a resumed run.

use std::time::Duration;

use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::orchestration::pause_timed_out;
use crate::store::Writer;
use crate::store::flow_runs;

pub struct Config {
    pub every: Duration,
}

/// Prefect's page size.
const BATCH: i64 = 200;

/// Runs until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: the service must not stop for good on one bad run.
        match crate::panics::catch(fail_expired(&reader, &writer)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => crate::log::log!("error: pause-expiration service: {e}"),
            Err(panic) => {
                crate::log::log!(
                    "error: pause-expiration service panicked (please report this bug): {panic}"
                )
            }
        }
    }
}

/// Fails every paused run whose pause has expired; returns how many.
pub async fn fail_expired(reader: &Db, writer: &Writer) -> Result<usize, sqlx::Error> {
    let mut after = Id(uuid::Uuid::nil());
    let mut failed = 0;
    loop {
        let page = flow_runs::paused_after(reader, after, BATCH).await?;
        let now = Timestamp::now();
        for (id, details) in &page {
            let timed_out = details.as_ref().is_some_and(|d| pause_timed_out(&d.0, now));
            if timed_out && flow_runs::fail_expired_pause(writer, *id).await?.is_some() {
                failed += 1;
            }
        }
        match page.last() {
            Some((last, _)) if page.len() as i64 == BATCH => after = *last,
            _ => return Ok(failed),
        }
    }
}
