//! `server start | stop | status | logs | config` for the Docker stack: settings and flags in, the rendered compose
//! file through `crate::stack` out. Interrupts are ours from the first moment, so Ctrl+C never leaves half a
//! stack behind.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde_json::json;
use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::cli::StartArgs;
use crate::error::Failure;
use crate::output::{OutputFormat, Printer};
use crate::prompt;
use crate::server::pidfile;
use crate::settings::Settings;
use crate::settings::stack::StackFile;
use crate::stack::compose::ComposeFile;
use crate::stack::down::{self, Stop};
use crate::stack::engine::Engine;
use crate::stack::lock::StartLock;
use crate::stack::spec::{MASK, Overrides, StackSpec};
use crate::stack::up::{Change, Created, StartOptions, Up};
use crate::stack::{logs, status, template};

const DEFAULT_TIMEOUT: f64 = 180.0;
/// Seconds a container gets to stop after SIGTERM when Ctrl+C ends a foreground start.
const STOP_GRACE: i32 = 10;

pub fn start(args: StartArgs, settings: &mut Settings, printer: &Printer) -> Result<()> {
    let overrides = Overrides {
        host: args.host.clone(),
        port: args.port,
        expose: args.expose,
        postgres_port: args.postgres_port,
        use_volume: args.use_volume,
        volume_path: args.volume_path.clone(),
    };
    let options = StartOptions {
        pull: args.pull,
        timeout: Duration::from_secs_f64(args.timeout.unwrap_or(DEFAULT_TIMEOUT).max(1.0)),
    };
    let project = StackSpec::resolve(settings, &overrides)?.project;
    // Up to the other start's own health wait: it holds the lock until its stack is up or removed.
    let lock = StartLock::take(&settings.home, &project, options.timeout, |path| {
        let _ = printer.status(format!(
            "Waiting for another `prefect-rs server start` of the stack {project} to finish (lock: {}) ...",
            path.display()
        ));
    })?;
    // Read again under the lock: the start that held it may have stored the PostgreSQL password meanwhile.
    settings.stack = StackFile::load(settings.stack.path().to_owned())?;
    let spec = StackSpec::resolve(settings, &overrides)?;
    let file = ComposeFile::parse(&template::render(&spec)?)?;
    if let Some(dir) = &spec.server.ui_static_dir {
        for line in crate::ui::prepare_static_directory(std::path::Path::new(dir)) {
            printer.warn(format!("The server's UI: {line}"))?;
        }
    }
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::new()?;
        let engine = Engine::connect().await?;
        printer.detail(format!("Docker engine: {}", engine.address))?;
        let up = Up {
            engine: &engine,
            file: &file,
            project: &spec.project,
            api: ("server", spec.api_url()),
            printer,
        };
        let mut created = Created::default();
        let outcome = {
            let run = async {
                let checked = up.check(options.pull).await?;
                // Stored only now that nothing stands in the way, and before PostgreSQL is created with it.
                spec.store_password(settings)?;
                up.apply(checked, &options, &mut created).await
            };
            tokio::select! {
                result = run => Some(result),
                _ = interrupts.next() => None,
            }
        };
        let changes = match outcome {
            Some(Ok(changes)) => changes,
            Some(Err(error)) => {
                if let Err(cleanup) = down::created(&engine, &created).await {
                    printer.warn(format!("Could not remove everything this start created: {cleanup}"))?;
                }
                return Err(error);
            }
            None => {
                printer.warn("Interrupted: removing the stack's containers and network (the data is kept)")?;
                take_down(&engine, &spec.project, &mut interrupts, printer).await?;
                return Err(Failure::new("Interrupted while starting; nothing of the stack is left running").into());
            }
        };
        // The stack is up: another start may now find it (and leave it unchanged) while this one follows its logs.
        drop(lock);
        banner(&spec, &changes, printer)?;
        if args.background {
            return Ok(());
        }
        printer.status("Streaming the services' logs. Ctrl+C stops and removes the containers; the data is kept.")?;
        let containers: Vec<(String, String)> = file
            .start_order()
            .into_iter()
            .map(|s| (s.to_owned(), crate::stack::objects::container_name(&spec.project, s)))
            .collect();
        tokio::select! {
            result = logs::stream(&engine, &containers, true, None) => {
                result?;
                printer.warn("The containers' logs ended: the stack was stopped from elsewhere")?;
                Ok(())
            }
            _ = interrupts.next() => {
                printer.status("Stopping the stack (Ctrl+C again to kill it at once)")?;
                take_down(&engine, &spec.project, &mut interrupts, printer).await
            }
        }
    })
}

/// Stops and removes containers and networks; a second interrupt kills instead of waiting.
async fn take_down(
    engine: &Engine,
    project: &str,
    interrupts: &mut Interrupts,
    printer: &Printer,
) -> Result<()> {
    let removed = tokio::select! {
        removed = down::containers_and_networks(engine, project, Stop::Graceful(STOP_GRACE)) => removed?,
        _ = interrupts.next() => {
            printer.warn("Killing the stack's containers")?;
            down::containers_and_networks(engine, project, Stop::Force).await?
        }
    };
    printer.success(format!(
        "Removed {} and {}; the data is kept.",
        plural(removed.containers.len(), "container"),
        plural(removed.networks.len(), "network")
    ))?;
    Ok(())
}

fn banner(spec: &StackSpec, changes: &[(String, Change)], printer: &Printer) -> Result<()> {
    let api_url = spec.api_url();
    let ui_url = api_url.trim_end_matches("/api").to_owned();
    if changes.iter().all(|(_, c)| *c == Change::Unchanged) {
        printer.success(format!(
            "The stack {} is already running with this configuration: nothing changed.",
            spec.project
        ))?;
    } else {
        printer.success(format!(
            "The Prefect server stack {} is running.",
            spec.project
        ))?;
    }
    let data = if spec.postgres.use_volume {
        format!("in {}", spec.postgres.volume_path.display())
    } else {
        format!("in the Docker volume {}_pg_data", spec.project)
    };
    printer.status(format!("  API:       {api_url}"))?;
    printer.status(format!("  UI:        {ui_url}"))?;
    printer.status(format!(
        "  Database:  PostgreSQL (user {}, database {}), data kept {data}",
        spec.postgres.user, spec.postgres.database
    ))?;
    printer.status("Point Prefect clients at it with:")?;
    printer.status(format!("  prefect config set PREFECT_API_URL={api_url}"))?;
    Ok(())
}

pub fn stop(
    timeout: f64,
    remove_data: bool,
    yes: bool,
    settings: &mut Settings,
    printer: &Printer,
) -> Result<()> {
    let spec = StackSpec::resolve(settings, &Overrides::default())?;
    let home = settings.home.clone();
    runtime()?.block_on(async {
        let engine = Engine::connect().await?;
        let data_dirs = bind_sources(&engine, &spec).await?;
        // Ask before touching anything: a refusal must leave the stack exactly as it was.
        if remove_data {
            let mut what: Vec<String> =
                vec![format!("the Docker volumes of stack {}", spec.project)];
            what.extend(
                data_dirs
                    .iter()
                    .map(|d| format!("the directory {}", d.display())),
            );
            let question = format!(
                "Delete the stack's PostgreSQL data ({})? This cannot be undone.",
                what.join(", ")
            );
            if !yes && !prompt::confirm_or_require_yes(&question, false)? {
                return Err(Failure::new("Aborted: nothing was stopped or deleted").into());
            }
        }
        let seconds = timeout.clamp(0.0, i32::MAX as f64) as i32;
        let removed =
            down::containers_and_networks(&engine, &spec.project, Stop::Graceful(seconds)).await?;
        if removed.containers.is_empty() {
            printer.status(format!(
                "No containers of the stack {} were running.",
                spec.project
            ))?;
            if let pidfile::Recorded::Running(pid, _) = pidfile::read(&pidfile::path(&home)) {
                printer.status(format!(
                    "A background in-process server runs (PID {pid}); stop it with: prefect-rs server stop --no-docker"
                ))?;
            }
        } else {
            printer.success(format!(
                "Stopped and removed {} and {}.",
                plural(removed.containers.len(), "container"),
                plural(removed.networks.len(), "network")
            ))?;
        }
        if !remove_data {
            printer
                .status("The data is kept; delete it with: prefect-rs server stop --remove-data")?;
            return Ok(());
        }
        let volumes = down::volumes(&engine, &spec.project).await?;
        for dir in &data_dirs {
            remove_dir(dir)?;
        }
        let deleted: Vec<String> = volumes
            .into_iter()
            .chain(data_dirs.iter().map(|d| d.display().to_string()))
            .collect();
        if deleted.is_empty() {
            printer.success("There was no data to delete.")?;
        } else {
            printer.success(format!("Deleted the data: {}", deleted.join(", ")))?;
        }
        Ok(())
    })
}

/// Host directories holding the stack's data: those its containers bind-mount now, or the configured one.
async fn bind_sources(engine: &Engine, spec: &StackSpec) -> Result<Vec<std::path::PathBuf>> {
    let containers = engine.containers_by_service(&spec.project).await?;
    let mut dirs: Vec<std::path::PathBuf> = containers
        .values()
        .flat_map(|c| c.mounts.clone().unwrap_or_default())
        .filter(|m| m.typ.as_deref() == Some("bind"))
        .filter_map(|m| m.source.map(Into::into))
        .collect();
    if dirs.is_empty() && spec.postgres.use_volume && spec.postgres.volume_path.exists() {
        dirs.push(spec.postgres.volume_path.clone());
    }
    Ok(dirs)
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Failure::new(format!("Could not delete {}: {e}", dir.display()))
            .hint(format!("PostgreSQL's files belong to the container's user; delete them with: sudo rm -rf {}", dir.display()))
            .into()),
    }
}

pub fn status(format: OutputFormat, settings: &mut Settings, printer: &Printer) -> Result<()> {
    let spec = StackSpec::resolve(settings, &Overrides::default())?;
    runtime()?.block_on(async {
        let engine = Engine::connect().await?;
        let services = status::services(&engine, &spec.project).await?;
        let api_url = status::api_url(&services);
        // The server's own healthcheck runs every few seconds; asking the API is both quicker and the real test.
        let api_answers = match &api_url {
            Some(url) => status::api_answers(url, Duration::from_secs(2)).await,
            None => false,
        };
        let healthy = !services.is_empty() && services.iter().all(|s| s.is_up()) && api_answers;
        if format == OutputFormat::Json {
            printer.json(&json!({
                "project": spec.project,
                "healthy": healthy,
                "api_url": api_url,
                "api_answers": api_answers,
                "ui_url": api_url.as_deref().map(|u| u.trim_end_matches("/api")),
                "services": services,
            }))?;
        } else if !services.is_empty() {
            let rows: Vec<[String; 6]> = services
                .iter()
                .map(|s| {
                    let ports = if s.ports.is_empty() {
                        "-".to_owned()
                    } else {
                        s.ports.join(", ")
                    };
                    [
                        s.service.clone(),
                        s.container.clone(),
                        s.state.clone(),
                        s.health.clone(),
                        ports,
                        s.image.clone(),
                    ]
                })
                .collect();
            let header =
                ["SERVICE", "CONTAINER", "STATE", "HEALTH", "PORTS", "IMAGE"].map(String::from);
            for line in table(&header, &rows) {
                printer.data(line)?;
            }
            if let Some(url) = &api_url {
                let answers = if api_answers {
                    "answers"
                } else {
                    "does not answer"
                };
                printer.data(format!("API: {url} ({answers})"))?;
                printer.data(format!("UI:  {}", url.trim_end_matches("/api")))?;
            }
        }
        if services.is_empty() {
            return Err(Failure::new(format!(
                "The stack {} is not running: it has no containers",
                spec.project
            ))
            .hint("start it: prefect-rs server start -d")
            .into());
        }
        if !healthy {
            return Err(
                Failure::new(format!("The stack {} is not healthy", spec.project))
                    .hint("see why: prefect-rs server logs --tail 50")
                    .into(),
            );
        }
        Ok(())
    })
}

pub fn logs(
    follow: bool,
    tail: Option<usize>,
    service: Option<String>,
    settings: &mut Settings,
) -> Result<()> {
    let spec = StackSpec::resolve(settings, &Overrides::default())?;
    runtime()?.block_on(async {
        let mut interrupts = Interrupts::new()?;
        let engine = Engine::connect().await?;
        let mut containers: Vec<(String, String)> = engine
            .containers_by_service(&spec.project)
            .await?
            .into_iter()
            .filter_map(|(service, c)| {
                Some((
                    service,
                    c.names?.first()?.trim_start_matches('/').to_owned(),
                ))
            })
            .collect();
        containers.sort();
        if let Some(wanted) = &service {
            if !containers.iter().any(|(s, _)| s == wanted) {
                let known: Vec<_> = containers.iter().map(|(s, _)| s.as_str()).collect();
                return Err(Failure::new(format!(
                    "The stack {} has no service {wanted:?}",
                    spec.project
                ))
                .hint(if known.is_empty() {
                    "the stack is not running: prefect-rs server start -d".to_owned()
                } else {
                    format!("services: {}", known.join(", "))
                })
                .into());
            }
            containers.retain(|(s, _)| s == wanted);
        }
        if containers.is_empty() {
            let hint = match pidfile::read(&pidfile::path(&settings.home)) {
                pidfile::Recorded::Running(pid, _) => format!(
                    "a background in-process server runs (PID {pid}); its log: prefect-rs server logs --no-docker"
                ),
                _ => "start it: prefect-rs server start -d".to_owned(),
            };
            return Err(Failure::new(format!(
                "The stack {} is not running: it has no containers",
                spec.project
            ))
            .hint(hint)
            .into());
        }
        tokio::select! {
            result = logs::stream(&engine, &containers, follow, tail) => result,
            _ = interrupts.next() => Ok(()),
        }
    })
}

/// Printing is a read and stores nothing: a password not generated yet is masked like a stored one (the YAML is
/// the one `server start` will run, which generates and stores it). Writing the file hands the password out, so
/// it is stored first, and said so: a later `server start` must create PostgreSQL with that same password.
pub fn config(output: Option<&Path>, settings: &mut Settings, printer: &Printer) -> Result<()> {
    let spec = StackSpec::resolve(settings, &Overrides::default())?;
    let stack_file = settings.stack.path().display().to_string();
    match output {
        None => {
            let shown = template::render(&spec.masked())?;
            printer.data(shown.trim_end_matches('\n'))?;
            if spec.password_is_new {
                printer.status(format!(
                    "The PostgreSQL password ({MASK}) is not generated yet: the first `prefect-rs server start` (or \
                     `server config -o FILE`) generates it and stores it in {stack_file}."
                ))?;
            }
            Ok(())
        }
        Some(path) => {
            let text = template::render(&spec)?;
            ComposeFile::parse(&text)?;
            spec.store_password(settings)?;
            crate::fsutil::write_private_atomic(path, text.as_bytes())?;
            if spec.password_is_new {
                printer.status(format!(
                    "Generated the PostgreSQL password and stored it in {stack_file} (mode 0600), so that \
                     `prefect-rs server start` runs this same stack."
                ))?;
            }
            printer.success(format!(
                "Wrote {} (mode 0600: it holds the database password). Use it with: docker-compose -p {} -f {} up -d",
                path.display(),
                spec.project,
                path.display()
            ))?;
            Ok(())
        }
    }
}

/// SIGINT and SIGTERM, registered at once so neither can kill us between two steps.
struct Interrupts {
    int: Signal,
    term: Signal,
}

impl Interrupts {
    fn new() -> Result<Self> {
        Ok(Self {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn table(header: &[String; 6], rows: &[[String; 6]]) -> Vec<String> {
    let mut widths = header.clone().map(|h| h.len());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    std::iter::once(header)
        .chain(rows)
        .map(|row| {
            row.iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        })
        .collect()
}
