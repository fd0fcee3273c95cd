//! Prefect's late-runs service: a SCHEDULED flow run whose start time passed more than `after` ago is marked
//! `Late`, through the orchestration rules (which refuse a second marking, so two replicas on one PostgreSQL
//! database cannot mark a run twice).

use std::time::Duration;

use chrono::Duration as Span;
use serde_json::json;

use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::store::flow_runs;
use crate::store::states::Proposed;
use crate::store::{Writer, on_db};

pub struct Config {
    pub every: Duration,
    pub after: Duration,
}

/// Runs until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: the service must not stop for good on one bad run.
        match crate::panics::catch(mark_late(&reader, &writer, config.after)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => crate::log::log!("error: late-runs service: {e}"),
            Err(panic) => crate::log::log!(
                "error: late-runs service panicked (please report this bug): {panic}"
            ),
        }
    }
}

/// Marks the runs that are late now; returns how many.
pub async fn mark_late(
    reader: &Db,
    writer: &Writer,
    after: Duration,
) -> Result<usize, sqlx::Error> {
    // Checked, whatever the settings allow: a cutoff before the earliest time we can represent means no run is late.
    let Some(cutoff) = Span::from_std(after)
        .ok()
        .and_then(|span| Timestamp::now().0.checked_sub_signed(span))
    else {
        return Ok(0);
    };
    let cutoff = Timestamp(cutoff);
    let late: Vec<(Id, Option<Timestamp>)> = on_db!(reader, pool => sqlx::query_as(
        "SELECT id, next_scheduled_start_time FROM flow_run WHERE state_type = 'SCHEDULED' \
         AND state_name <> 'Late' AND next_scheduled_start_time <= $1 ORDER BY next_scheduled_start_time LIMIT 100",
    )
    .bind(cutoff)
    .fetch_all(pool)
    .await?);
    let mut marked = 0;
    for (id, scheduled) in late {
        let mut proposed = Proposed::new("SCHEDULED", "Late");
        proposed.details = json!({ "scheduled_time": scheduled.map(|t| t.rfc3339()) });
        if let Some(transition) = flow_runs::set_state(writer, id, proposed, false, None).await?
            && transition.decision.write.is_some()
        {
            marked += 1;
        }
    }
    Ok(marked)
}
