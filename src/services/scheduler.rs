//! Prefect's scheduler: every active schedule of every non-paused deployment gets its runs ahead of time, as
//! Prefect's `schedule_deployments` and `schedule_recent_deployments` services make them (Scheduled, marked
//! auto-scheduled, with the deployment's parameters under the schedule's, its queue, tags and labels). A round
//! takes the deployments whose schedules have fewer than `min_runs` future runs or none `min_scheduled_time`
//! ahead, a batch at a time in id order, and for each schedule makes dates from now until `max_runs` or
//! `max_scheduled_time`, stopping once `min_runs` and `min_scheduled_time` are both met. A second loop picks up
//! deployments changed in the last few seconds; the deployments API calls [`schedule_deployments`] itself right
//! after a change, so a new schedule has its runs before the create answers.
//!
//! Every run carries Prefect's idempotency key `scheduled {deployment} {schedule} {date}` and is inserted with
//! `ON CONFLICT DO NOTHING`, so rounds, restarts and replicas never schedule a slot twice.

use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::schedules::{Schedule, pendulum_str, python_isoformat};
use crate::settings::Settings;
use crate::store::Writer;
use crate::store::scheduler::{self as store, NewRun};

/// The scheduler's settings (Prefect's `server.services.scheduler`), with Prefect's defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// `LOOP_SECONDS`: 60.
    pub every: Duration,
    /// `RECENT_DEPLOYMENTS_LOOP_SECONDS`: 5.
    pub recent_every: Duration,
    /// `DEPLOYMENT_BATCH_SIZE`: 100.
    pub deployment_batch_size: i64,
    /// `MAX_RUNS`: 100.
    pub max_runs: usize,
    /// `MIN_RUNS`: 3.
    pub min_runs: usize,
    /// `MAX_SCHEDULED_TIME`: 100 days.
    pub max_scheduled_time: chrono::Duration,
    /// `MIN_SCHEDULED_TIME`: 1 hour.
    pub min_scheduled_time: chrono::Duration,
    /// `INSERT_BATCH_SIZE`: 500.
    pub insert_batch_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            every: Duration::from_secs(60),
            recent_every: Duration::from_secs(5),
            deployment_batch_size: 100,
            max_runs: 100,
            min_runs: 3,
            max_scheduled_time: chrono::Duration::days(100),
            min_scheduled_time: chrono::Duration::hours(1),
            insert_batch_size: 500,
        }
    }
}

const PREFIX: &str = "PREFECT_SERVER_SERVICES_SCHEDULER_";

impl Config {
    /// The scheduler's settings, or `None` when it is off (`--no-services`, or `…_ENABLED=false`). Values the
    /// registry's bounds let through are read with checked conversions all the same.
    pub fn from_settings(settings: &Settings, no_services: bool) -> Option<Config> {
        let get = |name: &str| settings.effective(&format!("{PREFIX}{name}"));
        let enabled = get("ENABLED").is_none_or(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on" | "t" | "y"
            )
        });
        if no_services || !enabled {
            return None;
        }
        let defaults = Config::default();
        let seconds = |name: &str, default: Duration| {
            get(name)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .and_then(|v| Duration::try_from_secs_f64(v).ok())
                .unwrap_or(default)
                .max(Duration::from_millis(10))
        };
        let count = |name: &str, default: usize| {
            get(name)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(default)
        };
        let span = |name: &str, default: chrono::Duration| {
            get(name)
                .and_then(|v| crate::settings::kind::parse_duration(&v))
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .unwrap_or(default)
        };
        Some(Config {
            every: seconds("LOOP_SECONDS", defaults.every),
            recent_every: seconds("RECENT_DEPLOYMENTS_LOOP_SECONDS", defaults.recent_every),
            deployment_batch_size: count("DEPLOYMENT_BATCH_SIZE", 100).max(1) as i64,
            max_runs: count("MAX_RUNS", defaults.max_runs),
            min_runs: count("MIN_RUNS", defaults.min_runs),
            max_scheduled_time: span("MAX_SCHEDULED_TIME", defaults.max_scheduled_time),
            min_scheduled_time: span("MIN_SCHEDULED_TIME", defaults.min_scheduled_time),
            insert_batch_size: count("INSERT_BATCH_SIZE", defaults.insert_batch_size).max(1),
        })
    }
}

/// The running scheduler's settings, for [`schedule_deployments`]; unset while the service is off.
static RUNNING: OnceLock<Config> = OnceLock::new();

/// Runs both loops until the task is aborted.
pub async fn run(reader: Db, writer: Writer, config: Config) {
    let _ = RUNNING.set(config.clone());
    let recent = {
        let (reader, writer, config) = (reader.clone(), writer.clone(), config.clone());
        async move {
            loop {
                round(
                    "recent deployments",
                    schedule_recent(&reader, &writer, &config),
                )
                .await;
                tokio::time::sleep(config.recent_every).await;
            }
        }
    };
    let main = async move {
        loop {
            round("", schedule_due(&reader, &writer, &config)).await;
            tokio::time::sleep(config.every).await;
        }
    };
    tokio::join!(recent, main);
}

/// One round; a panic or an error ends only the round.
async fn round(which: &str, work: impl Future<Output = Result<usize, sqlx::Error>>) {
    let which = if which.is_empty() {
        String::new()
    } else {
        format!(" ({which})")
    };
    match crate::panics::catch(work).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => crate::log::log!("error: scheduler service{which}: {e}"),
        Err(panic) => {
            crate::log::log!(
                "error: scheduler service{which} panicked (please report this bug): {panic}"
            )
        }
    }
}

/// Schedules the deployments that need runs now (Prefect's `schedule_deployments`); returns the runs made.
pub async fn schedule_due(
    reader: &Db,
    writer: &Writer,
    config: &Config,
) -> Result<usize, sqlx::Error> {
    let mut inserted = 0;
    let mut after = None;
    loop {
        let now = Timestamp::now();
        let until = Timestamp(
            now.0
                .checked_add_signed(config.min_scheduled_time)
                .unwrap_or(now.0),
        );
        let ids = store::needing_runs(
            reader,
            now,
            config.min_runs as i64,
            until,
            after,
            config.deployment_batch_size,
        )
        .await?;
        inserted += schedule(reader, writer, &ids, config, &Window::ahead(config)).await?;
        if (ids.len() as i64) < config.deployment_batch_size {
            return Ok(inserted);
        }
        after = ids.last().copied();
    }
}

/// Schedules the deployments changed since the last loop (Prefect's `schedule_recent_deployments`).
pub async fn schedule_recent(
    reader: &Db,
    writer: &Writer,
    config: &Config,
) -> Result<usize, sqlx::Error> {
    let mut inserted = 0;
    let mut after = None;
    let lookback = chrono::Duration::from_std(config.recent_every).unwrap_or_default()
        + chrono::Duration::seconds(1);
    loop {
        let since = Timestamp(
            Utc::now()
                .checked_sub_signed(lookback)
                .unwrap_or_else(Utc::now),
        );
        let ids = store::changed_since(reader, since, after, config.deployment_batch_size).await?;
        inserted += schedule(reader, writer, &ids, config, &Window::ahead(config)).await?;
        if (ids.len() as i64) < config.deployment_batch_size {
            return Ok(inserted);
        }
        after = ids.last().copied();
    }
}

/// Schedules these deployments' runs now, as the scheduler would: what the deployments API calls right after a
/// deployment or one of its schedules is created or changed, or a deployment resumed. Does nothing while the
/// scheduler service is off (as on Prefect's server, where no runs appear then). Returns the runs made.
pub async fn schedule_deployments(
    reader: &Db,
    writer: &Writer,
    ids: &[Id],
) -> Result<usize, sqlx::Error> {
    let Some(config) = RUNNING.get() else {
        return Ok(0);
    };
    schedule(reader, writer, ids, config, &Window::ahead(config)).await
}

/// The settings the scheduler runs with, or Prefect's defaults while it is off (what
/// `POST /deployments/{id}/schedule` fills the arguments it is not sent with).
pub fn settings() -> Config {
    RUNNING.get().cloned().unwrap_or_default()
}

/// Where in time, and how many, runs are made (Prefect's `schedule_runs` arguments).
#[derive(Clone, Debug)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub min_time: chrono::Duration,
    pub min_runs: usize,
    pub max_runs: usize,
}

impl Window {
    /// From now, as the service schedules.
    pub fn ahead(config: &Config) -> Window {
        let start = Utc::now();
        Window {
            start,
            end: start
                .checked_add_signed(config.max_scheduled_time)
                .unwrap_or(start),
            min_time: config.min_scheduled_time,
            min_runs: config.min_runs,
            max_runs: config.max_runs,
        }
    }
}

/// Prefect's `schedule_runs` for one deployment over `window` (its `POST /deployments/{id}/schedule`, which
/// also backfills, and schedules a paused deployment too); returns the ids of the runs made.
pub async fn schedule_runs(
    reader: &Db,
    writer: &Writer,
    deployment: Id,
    window: &Window,
) -> Result<Vec<Id>, sqlx::Error> {
    let runs = generate(reader, &[deployment], window, true).await?;
    store::insert_runs(writer, &runs).await
}

async fn schedule(
    reader: &Db,
    writer: &Writer,
    ids: &[Id],
    config: &Config,
    window: &Window,
) -> Result<usize, sqlx::Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let runs = generate(reader, ids, window, false).await?;
    let mut inserted = 0;
    for batch in runs.chunks(config.insert_batch_size.max(1)) {
        inserted += store::insert_runs(writer, batch).await?.len();
    }
    Ok(inserted)
}

/// The runs these deployments' active schedules call for in `window` (Prefect's
/// `_generate_scheduled_flow_runs`); a schedule that cannot be read is logged and skipped.
async fn generate(
    reader: &Db,
    ids: &[Id],
    window: &Window,
    paused_too: bool,
) -> Result<Vec<NewRun>, sqlx::Error> {
    let mut runs = Vec::new();
    for (deployment, schedules) in store::with_active_schedules(reader, ids, paused_too).await? {
        let labels = crate::store::deployments::run_labels(
            deployment.labels.as_ref(),
            deployment.flow_id,
            deployment.id,
        );
        let labels = Value::Object(labels);
        let mut tags = vec![json!("auto-scheduled")];
        tags.extend(deployment.tags.0.as_array().cloned().unwrap_or_default());
        let tags = Value::Array(tags);
        for schedule in schedules {
            let parsed = match Schedule::from_value(&schedule.schedule.0, window.start) {
                Ok(parsed) => parsed,
                Err(_) => {
                    crate::log::log!(
                        "error: scheduler service: deployment {}: schedule {} cannot be read: {}",
                        deployment.id,
                        schedule.id,
                        schedule.schedule.0
                    );
                    continue;
                }
            };
            // `max_scheduled_runs` bounds the schedule's runs ahead (Prefect 3.8.8 stores it but does not use it).
            let most = match schedule.max_scheduled_runs {
                Some(limit) => window.max_runs.min(usize::try_from(limit).unwrap_or(0)),
                None => window.max_runs,
            };
            let enough_until = window
                .start
                .checked_add_signed(window.min_time)
                .unwrap_or(window.start);
            let mut dates = Vec::new();
            for date in parsed.dates(Some(most), window.start, Some(window.end)) {
                let far_enough = date >= enough_until;
                dates.push(date);
                if dates.len() >= window.min_runs && far_enough {
                    break;
                }
            }
            let mut parameters = match &deployment.parameters.0 {
                Value::Object(p) => p.clone(),
                _ => Default::default(),
            };
            if let Value::Object(own) = &schedule.parameters.0 {
                parameters.extend(own.clone());
            }
            let parameters = Value::Object(parameters);
            let display = schedule.slug.clone().unwrap_or_else(|| {
                match parsed {
                    Schedule::Interval(_) => "IntervalSchedule",
                    Schedule::Cron(_) => "CronSchedule",
                    Schedule::RRule(_) => "RRuleSchedule",
                }
                .to_owned()
            });
            let created_by = json!({ "id": schedule.id.to_string(), "display_value": display, "type": "SCHEDULE" });
            for date in dates {
                runs.push(NewRun {
                    name: crate::names::slug(),
                    flow_id: deployment.flow_id,
                    deployment_id: deployment.id,
                    deployment_version: deployment.version.clone(),
                    work_queue_name: deployment.work_queue_name.clone(),
                    work_queue_id: deployment.work_queue_id,
                    parameters: parameters.clone(),
                    infrastructure_document_id: deployment.infrastructure_document_id,
                    idempotency_key: format!(
                        "scheduled {} {} {}",
                        deployment.id,
                        schedule.id,
                        pendulum_str(&date)
                    ),
                    tags: tags.clone(),
                    labels: labels.clone(),
                    scheduled: Timestamp(date.with_timezone(&Utc)),
                    scheduled_text: python_isoformat(&date, 'T'),
                    created_by: created_by.clone(),
                });
            }
        }
    }
    Ok(runs)
}
