//! Prefect's cancellation-cleanup service: what a cancelled flow run leaves behind is cancelled too. Every
//! round (PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS, 20 s):
//! - the unfinished task runs of a flow run cancelled in the last day are forced Cancelled ("The parent flow run
//!   was cancelled.");
//! - an unfinished subflow run whose parent flow run is Cancelled is proposed Cancelling when it belongs to a
//!   deployment (its worker stops its infrastructure; one already Cancelling is left to it) and Cancelled
//!   otherwise, through the orchestration rules (a Scheduled one goes straight to Cancelled);
//! - a flow run Cancelling for longer than PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_CANCELLING_TIMEOUT_SECONDS
//!   (300 s) is marked Cancelled ("Flow run cancellation timed out; marked this flow run as Cancelled."), checked
//!   under the run's lock against the state that was read, so a run that moved on meanwhile is left alone.
//!
//! Every query is one bounded page (keyset on the id), so a round's cost is bounded by what there is to do,
//! and the conditions are in the query, so a page holds only rows that need work.

use std::time::Duration;

use chrono::Duration as Span;

use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::store::flow_runs;
use crate::store::states::Proposed;
use crate::store::task_runs;
use crate::store::{Writer, on_db};

pub struct Config {
    pub every: Duration,
    pub cancelling_timeout: Duration,
}

/// Rows per page (Prefect's batch size).
const BATCH: i64 = 200;

pub const PARENT_CANCELLED: &str = "The parent flow run was cancelled.";
pub const CANCELLING_TIMED_OUT: &str =
    "Flow run cancellation timed out; marked this flow run as Cancelled.";

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub task_runs: usize,
    pub subflow_runs: usize,
    pub timed_out: usize,
}

/// Runs until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config) {
    loop {
        tokio::time::sleep(config.every).await;
        // A panic ends only this round: the service must not stop for good on one bad run.
        match crate::panics::catch(round(&reader, &writer, config.cancelling_timeout)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => crate::log::log!("error: cancellation-cleanup service: {e}"),
            Err(panic) => crate::log::log!(
                "error: cancellation-cleanup service panicked (please report this bug): {panic}"
            ),
        }
    }
}

pub async fn round(
    reader: &Db,
    writer: &Writer,
    cancelling_timeout: Duration,
) -> Result<Round, sqlx::Error> {
    Ok(Round {
        task_runs: cancel_child_task_runs(reader, writer).await?,
        subflow_runs: cancel_subflow_runs(reader, writer).await?,
        timed_out: time_out_cancelling(reader, writer, cancelling_timeout).await?,
    })
}

fn before_now(span: Duration) -> Timestamp {
    Span::from_std(span)
        .ok()
        .and_then(|span| Timestamp::now().0.checked_sub_signed(span))
        .map_or_else(Timestamp::earliest, Timestamp)
}

/// Forces the unfinished task runs of flow runs cancelled in the last day to Cancelled; how many.
async fn cancel_child_task_runs(reader: &Db, writer: &Writer) -> Result<usize, sqlx::Error> {
    let since = before_now(Duration::from_secs(24 * 60 * 60));
    let mut after = Id(uuid::Uuid::nil());
    let mut cancelled = 0;
    loop {
        let page: Vec<Id> = on_db!(reader, pool => sqlx::query_scalar(
            "SELECT tr.id FROM task_run tr JOIN flow_run fr ON fr.id = tr.flow_run_id \
             WHERE fr.state_type = 'CANCELLED' AND fr.end_time >= $1 \
             AND tr.state_type IN ('SCHEDULED', 'PENDING', 'RUNNING', 'PAUSED', 'CANCELLING') \
             AND tr.id > $2 ORDER BY tr.id LIMIT $3",
        )
        .bind(since)
        .bind(after)
        .bind(BATCH)
        .fetch_all(pool)
        .await?);
        for id in &page {
            let mut state = Proposed::new("CANCELLED", "Cancelled");
            state.message = Some(PARENT_CANCELLED.into());
            if task_runs::set_state(writer, *id, state, true)
                .await?
                .is_some()
            {
                cancelled += 1;
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == BATCH => after = *last,
            _ => return Ok(cancelled),
        }
    }
}

/// Cancels the unfinished subflow runs of cancelled flow runs; how many were accepted.
async fn cancel_subflow_runs(reader: &Db, writer: &Writer) -> Result<usize, sqlx::Error> {
    let mut after = Id(uuid::Uuid::nil());
    let mut cancelled = 0;
    loop {
        // Prefect's checks, in the query: the parent task run and its flow run id exist, and the containing
        // flow run is Cancelled (or gone, or stateless); a deployment's run already Cancelling is its worker's.
        let page: Vec<(Id, Id, Option<Id>)> = on_db!(reader, pool => sqlx::query_as(
            "SELECT sub.id, sub.state_id, sub.deployment_id FROM flow_run sub \
             JOIN task_run ptr ON ptr.id = sub.parent_task_run_id \
             LEFT JOIN flow_run parent ON parent.id = ptr.flow_run_id \
             WHERE sub.state_type IN ('PENDING', 'SCHEDULED', 'RUNNING', 'PAUSED', 'CANCELLING') \
             AND sub.state_id IS NOT NULL \
             AND (parent.id IS NULL OR parent.state_type IS NULL OR parent.state_type = 'CANCELLED') \
             AND NOT (sub.deployment_id IS NOT NULL AND sub.state_type = 'CANCELLING') \
             AND sub.id > $1 ORDER BY sub.id LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(pool)
        .await?);
        for (id, state_id, deployment) in &page {
            let mut state = if deployment.is_some() {
                Proposed::new("CANCELLING", "Cancelling")
            } else {
                Proposed::new("CANCELLED", "Cancelled")
            };
            state.message = Some(PARENT_CANCELLED.into());
            if let Some(t) =
                flow_runs::set_state_if_current(writer, *id, *state_id, state, false).await?
                && t.decision.write.is_some()
            {
                cancelled += 1;
            }
        }
        match page.last() {
            Some((last, ..)) if page.len() as i64 == BATCH => after = *last,
            _ => return Ok(cancelled),
        }
    }
}

/// Marks Cancelled the runs Cancelling for longer than `timeout`; how many.
async fn time_out_cancelling(
    reader: &Db,
    writer: &Writer,
    timeout: Duration,
) -> Result<usize, sqlx::Error> {
    let cutoff = before_now(timeout);
    let mut after = Id(uuid::Uuid::nil());
    let mut cancelled = 0;
    loop {
        let page: Vec<(Id, Id)> = on_db!(reader, pool => sqlx::query_as(
            "SELECT id, state_id FROM flow_run WHERE state_type = 'CANCELLING' AND state_id IS NOT NULL \
             AND state_timestamp <= $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(cutoff)
        .bind(after)
        .bind(BATCH)
        .fetch_all(pool)
        .await?);
        for (id, state_id) in &page {
            let mut state = Proposed::new("CANCELLED", "Cancelled");
            state.message = Some(CANCELLING_TIMED_OUT.into());
            if let Some(t) =
                flow_runs::set_state_if_current(writer, *id, *state_id, state, false).await?
                && t.decision.write.is_some()
            {
                cancelled += 1;
            }
        }
        match page.last() {
            Some((last, _)) if page.len() as i64 == BATCH => after = *last,
            _ => return Ok(cancelled),
        }
    }
}
