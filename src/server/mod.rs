//! The in-process API server: take the port, migrate, open the database, serve until Ctrl+C or SIGTERM, then
//! stop accepting, let in-flight requests finish (bounded), and close the database.

mod connections;
mod event_sink;
pub mod pidfile;
pub mod preflight;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::log;

/// How long closing a database pool may take at exit.
const CLOSE_BOUND: Duration = Duration::from_secs(3);

use crate::api::{self, AppState};
use crate::db::group_commit::GroupCommit;
use crate::db::lock::InUseLock;
use crate::db::session::{Target, require_head, upgrade_to_head};
use crate::db::{ConnectOptions, Db};
use crate::output::Printer;
use crate::store::Writer;

pub struct Options {
    pub host: String,
    pub port: u16,
    /// PREFECT_SERVER_API_KEEPALIVE_TIMEOUT: how long a connection may stay silent.
    pub keep_alive: Duration,
    /// PREFECT_RS_SERVER_MAX_CONNECTIONS: open connections (websockets included) beyond this are answered 503.
    pub max_connections: usize,
    pub log_level: String,
    pub auth: Option<String>,
    /// Body bound, CORS and CSRF.
    pub http: api::HttpPolicy,
    pub migrate_on_start: bool,
    pub database: Target,
    pub public_settings: serde_json::Value,
    /// `server.pid`, claimed (locked, with our PID and URL) at start and removed on exit: set for the background
    /// server.
    pub pid_file: Option<PathBuf>,
    /// The late-runs service, unless `--no-services` or PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED=false.
    pub late_runs: Option<crate::services::late_runs::Config>,
    /// The foreman, unless `--no-services` or PREFECT_SERVER_SERVICES_FOREMAN_ENABLED=false.
    pub foreman: Option<crate::services::foreman::Config>,
    /// The pause-expiration service, unless `--no-services` or PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED=false.
    pub pause_expirations: Option<crate::services::pause_expirations::Config>,
    /// The lease-expiry service, unless `--no-services` or PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED=false.
    pub lease_expiry: Option<crate::services::lease_expiry::Config>,
    /// The scheduler, unless `--no-services` or PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=false.
    pub scheduler: Option<crate::services::scheduler::Config>,
    /// The cancellation-cleanup service, unless `--no-services` or PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED=false.
    pub cancellation_cleanup: Option<crate::services::cancellation_cleanup::Config>,
    /// The zombies service, only with PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED=true (and not `--no-services`).
    pub zombies: Option<crate::services::zombies::Config>,
    /// The longest wait a client refused a concurrency slot is told to wait.
    pub slot_waits: crate::store::concurrency_limits_v2::SlotWaits,
    /// PREFECT_UI_API_URL when set: where clients reach this server from outside (a container's published port).
    pub public_api_url: Option<String>,
    /// PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES / _MAX_ARTIFACTS.
    pub graph_limits: crate::store::graph::GraphLimits,
    /// The triggers service, unless `--no-services` or PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED=false.
    pub triggers: Option<crate::services::triggers::Config>,
    /// The UI settings: which bundles to serve, where, and what `/ui-settings` says.
    pub ui: crate::ui::Config,
}

impl Options {
    /// The URL clients use: a wildcard listen address is reached through loopback.
    pub fn api_url(&self) -> String {
        self.api_url_with_port(self.port)
    }

    /// `api_url` on `port` (the one bound, when `--port 0` let the system choose).
    pub fn api_url_with_port(&self, port: u16) -> String {
        let host = match self.host.as_str() {
            "0.0.0.0" => "127.0.0.1",
            "::" => "[::1]",
            h if h.contains(':') && !h.starts_with('[') => {
                return format!("http://[{h}]:{}/api", port);
            }
            h => h,
        };
        format!("http://{host}:{}/api", port)
    }
}

pub fn run(options: Options, printer: &Printer) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(options, printer))
}

async fn serve(mut options: Options, printer: &Printer) -> Result<()> {
    // First: a second server of this home says so before it touches the port or the database. Removed on return.
    let mut claim = match &options.pid_file {
        Some(path) => Some(pidfile::claim(path)?),
        None => None,
    };
    let listener = preflight::bind(&options.host, options.port)?;
    listener.set_nonblocking(true)?;
    // Found and copied while the database is migrated and opened: Python takes a moment to answer.
    let ui_config = options.ui.clone();
    let bound_api_url = options.api_url_with_port(listener.local_addr()?.port());
    let ui =
        tokio::task::spawn_blocking(move || crate::ui::Site::prepare(&ui_config, &bound_api_url));
    let listener = tokio::net::TcpListener::from_std(listener)?;

    let url = &options.database.url;
    if options.migrate_on_start {
        let applied = upgrade_to_head(&options.database, |holder| {
            log::record(printer.status(format!(
                "Waiting for another migration of the database to finish (lock: {holder}) ..."
            )));
        })
        .await?;
        if !applied.is_empty() {
            log::record(printer.status(format!("Migrated the database: {}", applied.join(", "))));
        }
    } else {
        require_head(&options.database).await?;
    }
    let connect = |max_connections, statement_timeout| ConnectOptions {
        connect_timeout: options.database.connect_timeout,
        max_connections,
        create_sqlite_file: true,
        statement_timeout,
    };
    // Every statement is bounded but those on SQLite's write connection: there the bound is an interrupt, which
    // in a group's COMMIT would fail every writer of the group, and its statements are lookups by key anyway.
    // An in-memory database has only that one connection.
    let timeout = Some(options.database.statement_timeout);
    let read_timeout = timeout.filter(|_| !url.is_sqlite() || url.sqlite_path().is_some());
    let db = Db::connect(url, connect(8, read_timeout)).await?;
    // Held until we exit: `server database upgrade | downgrade | reset` refuse to run under a live server.
    let in_use = InUseLock::share(&db, url.sqlite_path().map(|p| p.as_path())).await?;
    // Writers never wait for a reader's connection: SQLite's writers share one write connection of their own
    // through group commit (instead of failing with "database is locked"; an in-memory database has only the
    // one), and PostgreSQL's writers have a pool of their own.
    let writer = match &db {
        Db::Sqlite(pool) => {
            let write_pool = match url.sqlite_path() {
                Some(_) => match Db::connect(url, connect(1, None)).await? {
                    Db::Sqlite(pool) => pool,
                    Db::Postgres(_) => unreachable!("a SQLite URL opens SQLite"),
                },
                None => pool.clone(),
            };
            Writer::Sqlite(GroupCommit::new(write_pool))
        }
        Db::Postgres(_) => match Db::connect(url, connect(8, timeout)).await? {
            Db::Postgres(pool) => Writer::Postgres(pool),
            Db::Sqlite(_) => unreachable!("a PostgreSQL URL opens PostgreSQL"),
        },
    };
    // Prefect's own block types and schemas, as its server installs them at every start. As there, a failure
    // is a warning: the API serves without them, and the next start tries again.
    if let Err(error) = crate::store::block_seed::install(&db, &writer).await {
        printer.warn(format!(
            "Prefect's block types were not installed ({error}); `prefect block type ls` lists only those \
             registered since. Restart the server to try again."
        ))?;
    }
    let ui = ui.await?;
    let subscribers = tokio::sync::broadcast::channel(1024).0;
    let (triggers_feed, triggers_events) = match options.triggers.is_some() {
        true => {
            let (feed, events) = crate::services::triggers::feed();
            (Some(feed), Some(events))
        }
        false => (None, None),
    };
    let (events, sink) = event_sink::spawn(writer.clone(), subscribers.clone(), triggers_feed);
    let state = Arc::new(AppState {
        db: db.clone(),
        writer: writer.clone(),
        auth: options.auth.clone(),
        http: options.http.clone(),
        log_requests: matches!(options.log_level.as_str(), "DEBUG" | "INFO"),
        public_settings: options.public_settings.clone(),
        events,
        known_flows: Default::default(),
        subscribers,
        logs: tokio::sync::broadcast::channel(1024).0,
        first_message_deadline: options.keep_alive,
        slot_waits: options.slot_waits,
        graph_limits: options.graph_limits,
        ui,
    });
    let event_queue = state.events.clone();
    let site = state.ui.clone();
    let app = api::router(state);
    // What automations' actions run with: they call this same API in-process, as Prefect's call theirs.
    let triggers_queue = event_queue.clone();
    let action_context = {
        let mut context = crate::services::actions::ActionContext::new(
            app.clone(),
            options.auth.clone(),
            event_queue,
        );
        context.ui_url = Some(options.api_url().trim_end_matches("/api").to_owned());
        Arc::new(context)
    };
    let mut services: Vec<tokio::task::JoinHandle<()>> = Vec::new();
    if let (Some(config), Some(feed)) = (options.triggers.take(), triggers_events) {
        services.push(tokio::spawn(crate::services::triggers::run(
            db.clone(),
            writer.clone(),
            triggers_queue,
            action_context.clone(),
            feed,
            config,
        )));
    }
    if let Some(config) = options.late_runs.take() {
        services.push(tokio::spawn(crate::services::late_runs::run(
            db.clone(),
            writer.clone(),
            config,
        )));
    }
    if let Some(config) = options.foreman.take() {
        services.push(tokio::spawn(crate::services::foreman::run(
            writer.clone(),
            config,
        )));
    }
    if let Some(config) = options.lease_expiry.take() {
        services.push(tokio::spawn(crate::services::lease_expiry::run(
            db.clone(),
            writer.clone(),
            config,
            options.slot_waits,
        )));
    }
    if let Some(config) = options.scheduler.take() {
        services.push(tokio::spawn(crate::services::scheduler::run(
            db.clone(),
            writer.clone(),
            config,
        )));
    }
    if let Some(config) = options.pause_expirations.take() {
        services.push(tokio::spawn(crate::services::pause_expirations::run(
            db.clone(),
            writer.clone(),
            config,
        )));
    }

    if let Some(config) = options.cancellation_cleanup.take() {
        services.push(tokio::spawn(crate::services::cancellation_cleanup::run(
            db.clone(),
            writer.clone(),
            config,
        )));
    }
    if let Some(config) = options.zombies.take() {
        services.push(tokio::spawn(crate::services::zombies::run(
            db.clone(),
            writer.clone(),
            config,
        )));
    }

    banner(&options, &site, printer);
    if let Some(claim) = &mut claim {
        claim.serving(&options.api_url())?;
    }
    let limits = connections::Limits {
        idle: options.keep_alive,
        max_connections: options.max_connections,
    };
    connections::serve_until_stopped(listener, app, limits).await;
    log::record(printer.status("Stopping: finishing in-flight requests ..."));
    for service in &services {
        service.abort();
    }
    // Wait for the aborted services to be dropped, so they hold no connection when the pools close.
    for service in services {
        let _ = service.await;
    }
    sink.flush_and_stop().await;
    // A pool's close waits for every connection to come back; one held by a writer cancelled mid-group would
    // keep the server from ever exiting after SIGTERM. What was committed is on disk; the rest rolls back.
    let _ = match &writer {
        Writer::Sqlite(group) => tokio::time::timeout(CLOSE_BOUND, group.close()).await,
        Writer::Postgres(pool) => tokio::time::timeout(CLOSE_BOUND, pool.close()).await,
    };
    in_use.release();
    let _ = tokio::time::timeout(CLOSE_BOUND, db.close()).await;
    log::record(printer.status("Server stopped."));
    Ok(())
}

/// What serves where. Written like every log line: a banner that cannot be written must not stop the server.
fn banner(options: &Options, site: &crate::ui::Site, printer: &Printer) {
    let api_url = options.api_url();
    let url = &options.database.url;
    let persistence = if url.is_sqlite() && url.sqlite_path().is_none() {
        "in memory: data is lost when the server stops"
    } else {
        "persistent"
    };
    log::record(printer.success(format!(
        "Prefect server (prefect-rs {}, Prefect {} API) is running",
        env!("CARGO_PKG_VERSION"),
        api::PREFECT_VERSION
    )));
    log::record(printer.status(format!("  API:      {api_url}")));
    let origin = api_url.strip_suffix("/api").unwrap_or(&api_url);
    for (i, line) in site.banner_lines(origin).iter().enumerate() {
        let label = if i == 0 {
            "  UI:       "
        } else {
            "            "
        };
        log::record(printer.status(format!("{label}{line}")));
    }
    log::record(printer.status(format!("  Database: {url} ({persistence})")));
    let clients_url = options.public_api_url.as_deref().unwrap_or(&api_url);
    log::record(printer.status(format!(
        "  Clients:  prefect config set PREFECT_API_URL={clients_url}"
    )));
    if options.pid_file.is_none() {
        log::record(printer.status("Press Ctrl+C to stop."));
    }
}
