//! `server start | stop | status | logs`: settings in, the in-process server (foreground or background) out.

use std::fs::OpenOptions;
use std::io::{Read, Seek};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::json;

use super::describe_problem;
use crate::cli::StartArgs;
use crate::db::session::Target;
use crate::error::{Failure, UsageError, fail};
use crate::output::{OutputFormat, Printer};
use crate::probe;
use crate::server::{self, Options, pidfile, preflight};
use crate::settings::Settings;
use crate::settings::kind::parse_bool;

pub fn start(
    args: StartArgs,
    settings: &Settings,
    profile: Option<&str>,
    printer: &Printer,
) -> Result<()> {
    refuse_docker_flags(&args)?;
    let options = options(&args, settings)?;
    refuse_invalid_server_settings(settings)?;
    if args.background {
        return start_background(&args, &options, settings, profile, printer);
    }
    let options = Options {
        pid_file: args.detached_child.then(|| pidfile::path(&settings.home)),
        ..options
    };
    server::run(options, printer)
}

/// `--no-docker`, or `mode = "process"` in config.toml (PREFECT_RS_SERVER_MODE).
pub fn runs_in_process(no_docker: bool, settings: &Settings) -> bool {
    no_docker
        || crate::settings::stack::lookup("PREFECT_RS_SERVER_MODE")
            .and_then(|key| settings.stack_effective(key))
            .is_some_and(|mode| mode == "process")
}

/// Flags that only shape the Docker stack mean nothing to the in-process server: say so rather than ignore them.
fn refuse_docker_flags(args: &StartArgs) -> Result<()> {
    let given = [
        (args.expose, "--expose"),
        (args.postgres_port.is_some(), "--postgres-port"),
        (args.use_volume, "--use-volume"),
        (args.volume_path.is_some(), "--volume-path"),
        (
            args.pull != crate::stack::images::PullPolicy::Missing,
            "--pull",
        ),
    ];
    match given.iter().find(|(set, _)| *set) {
        Some((_, flag)) => Err(UsageError(format!(
            "{flag} applies to the Docker stack, not to the in-process server (--no-docker / mode = \"process\")"
        ))
        .into()),
        None => Ok(()),
    }
}

/// The reverse: in-process flags given to a Docker start.
pub fn refuse_process_flags(args: &StartArgs) -> Result<()> {
    let given = [
        (args.log_level.is_some(), "--log-level"),
        (args.no_services, "--no-services"),
        (args.keep_alive_timeout.is_some(), "--keep-alive-timeout"),
    ];
    match given.iter().find(|(set, _)| *set) {
        Some((_, flag)) => Err(UsageError(format!(
            "{flag} applies to the in-process server; add --no-docker, or set it in the server image's environment"
        ))
        .into()),
        None => Ok(()),
    }
}

fn options(args: &StartArgs, settings: &Settings) -> Result<Options> {
    let host = args
        .host
        .clone()
        .or_else(|| settings.effective("PREFECT_SERVER_API_HOST"))
        .unwrap_or_else(|| "127.0.0.1".into());
    let port = match args.port {
        Some(port) => port,
        None => settings
            .effective("PREFECT_SERVER_API_PORT")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(4200),
    };
    let log_level = args
        .log_level
        .clone()
        .or_else(|| settings.effective("PREFECT_SERVER_LOGGING_LEVEL"))
        .unwrap_or_else(|| "WARNING".into())
        .to_ascii_uppercase();
    crate::orchestration::deployment_concurrency::configure(deployment_concurrency(settings));
    Ok(Options {
        host,
        port,
        keep_alive: keep_alive(args, settings)?,
        max_connections: max_connections(settings)?,
        log_level,
        auth: settings
            .effective("PREFECT_SERVER_API_AUTH_STRING")
            .filter(|a| !a.is_empty()),
        http: http_policy(settings)?,
        migrate_on_start: settings
            .effective("PREFECT_SERVER_DATABASE_MIGRATE_ON_START")
            .is_none_or(|v| parse_bool(&v) == Some(true)),
        database: Target::from_settings(settings)?,
        public_settings: crate::settings::nested::public(settings),
        pid_file: None,
        late_runs: late_runs(args, settings),
        foreman: foreman(args, settings),
        pause_expirations: pause_expirations(args, settings),
        lease_expiry: lease_expiry(args, settings),
        scheduler: crate::services::scheduler::Config::from_settings(settings, args.no_services),
        cancellation_cleanup: cancellation_cleanup(args, settings),
        zombies: zombies(args, settings),
        slot_waits: slot_waits(settings),
        public_api_url: settings.get("PREFECT_SERVER_UI_API_URL").map(|r| r.value),
        graph_limits: crate::store::graph::GraphLimits::from_settings(settings),
        triggers: triggers(args, settings),
        ui: ui_config(settings),
    })
}

/// PREFECT_UI_* and what `/ui-settings` reports of the API's own settings.
fn ui_config(settings: &Settings) -> crate::ui::Config {
    let flag = |name: &str, default: bool| {
        settings
            .effective(name)
            .and_then(|v| parse_bool(&v))
            .unwrap_or(default)
    };
    crate::ui::Config {
        enabled: flag("PREFECT_SERVER_UI_ENABLED", true),
        serve_base: settings
            .effective("PREFECT_SERVER_UI_SERVE_BASE")
            .unwrap_or_else(|| "/".into()),
        v2_default: flag("PREFECT_SERVER_UI_V2_ENABLED", true),
        static_directory: settings
            .effective("PREFECT_SERVER_UI_STATIC_DIRECTORY")
            .filter(|d| !d.is_empty())
            .map(Into::into),
        home: settings.home.clone(),
        csrf_enabled: flag("PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", false),
        basic_auth: settings
            .effective("PREFECT_SERVER_API_AUTH_STRING")
            .is_some_and(|a| !a.is_empty()),
        api_url: settings.get("PREFECT_SERVER_UI_API_URL").map(|r| r.value),
    }
}

/// True for a bad value `refuse_invalid_server_settings` refuses: a server setting's value in effect.
pub fn refused_at_start(settings: &Settings, problem: &crate::settings::Problem) -> bool {
    problem.name.starts_with("PREFECT_SERVER_")
        && settings
            .winning_problems()
            .any(|winning| std::ptr::eq(winning, problem))
}

/// A bad value for a server setting stops the start rather than being replaced by the default: the server would
/// run otherwise than configured, and the operator would learn it from a warning scrolled away.
fn refuse_invalid_server_settings(settings: &Settings) -> Result<()> {
    let invalid: Vec<String> = settings
        .problems
        .iter()
        .filter(|problem| refused_at_start(settings, problem))
        .map(|problem| {
            format!(
                "{}; fix it with: {}",
                describe_problem(settings, problem),
                settings.repair_hint(&problem.name, problem.source)
            )
        })
        .collect();
    if invalid.is_empty() {
        return Ok(());
    }
    Err(Failure::new(format!(
        "The server did not start: {} invalid server setting value(s):\n - {}",
        invalid.len(),
        invalid.join("\n - ")
    ))
    .hint("then check every value with: prefect-rs config validate")
    .into())
}

/// The body bound, Prefect's CORS settings, and CSRF protection with its token lifetime.
fn http_policy(settings: &Settings) -> Result<crate::api::HttpPolicy> {
    let text = |name: &str| settings.effective(name).unwrap_or_default();
    let body_key = crate::settings::stack::lookup("PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES")
        .expect("the body bound is a stack setting");
    let body_text = settings.stack_effective(body_key).unwrap_or_default();
    let max_body_bytes = body_text
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            Failure::new(format!(
                "PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES must be a positive number of bytes, got {body_text:?}"
            ))
            .hint("prefect-rs config set PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES=16777216")
        })?;
    let csrf = settings
        .effective("PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED")
        .is_some_and(|v| parse_bool(&v) == Some(true));
    let lifetime = settings
        .effective("PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION")
        .and_then(|v| crate::settings::kind::parse_duration(&v))
        .unwrap_or(Duration::from_secs(3600));
    Ok(crate::api::HttpPolicy {
        max_body_bytes,
        cors: crate::api::Cors::new(
            &text("PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"),
            &text("PREFECT_SERVER_API_CORS_ALLOWED_METHODS"),
            &text("PREFECT_SERVER_API_CORS_ALLOWED_HEADERS"),
        ),
        csrf_token_lifetime: csrf.then_some(lifetime),
    })
}

/// `--keep-alive-timeout`, else PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, else Prefect's (uvicorn's) 5 s.
fn keep_alive(args: &StartArgs, settings: &Settings) -> Result<Duration> {
    const NAME: &str = "PREFECT_SERVER_API_KEEPALIVE_TIMEOUT";
    if let Some(seconds) = args.keep_alive_timeout {
        return Ok(Duration::from_secs(seconds));
    }
    let Some(raw) = settings.effective(NAME) else {
        return Ok(Duration::from_secs(5));
    };
    match raw.trim().parse::<u64>() {
        Ok(seconds) if seconds >= 1 => Ok(Duration::from_secs(seconds)),
        _ => Err(Failure::new(format!(
            "{NAME} must be a whole number of seconds, at least 1, got {raw:?}"
        ))
        .hint(format!(
            "fix it with: prefect-rs config set {NAME}=5 (or unset it)"
        ))
        .into()),
    }
}

/// PREFECT_RS_SERVER_MAX_CONNECTIONS (config.toml `[server] max_connections`).
fn max_connections(settings: &Settings) -> Result<usize> {
    let key = crate::settings::stack::lookup("PREFECT_RS_SERVER_MAX_CONNECTIONS")
        .expect("the key is in the stack registry");
    let raw = settings.stack_effective(key).unwrap_or_default();
    match raw.trim().parse::<usize>() {
        // The semaphore's bound; far beyond any descriptor limit anyway.
        Ok(n) if (1..=1 << 24).contains(&n) => Ok(n),
        _ => Err(Failure::new(format!(
            "PREFECT_RS_SERVER_MAX_CONNECTIONS must be a whole number from 1 to 16777216, got {raw:?}"
        ))
        .hint("fix it with: prefect-rs config set PREFECT_RS_SERVER_MAX_CONNECTIONS=4096 (or unset it)")
        .into()),
    }
}

/// Whether the service whose ENABLED setting is `name` runs (Prefect's default: yes), unless `--no-services`.
fn service_enabled(args: &StartArgs, settings: &Settings, name: &str) -> bool {
    let enabled = settings
        .effective(name)
        .is_none_or(|v| parse_bool(&v) == Some(true));
    enabled && !args.no_services
}

/// A duration setting in seconds. The registry's bounds keep these small; `try_` keeps a value they let through
/// from panicking all the same.
fn seconds(settings: &Settings, name: &str, default: f64) -> Duration {
    settings
        .effective(name)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
        .unwrap_or(Duration::from_secs_f64(default))
}

/// PREFECT_SERVER_SERVICES_LATE_RUNS_{ENABLED, LOOP_SECONDS, AFTER_SECONDS}, Prefect's defaults 5 s and 15 s.
fn late_runs(args: &StartArgs, settings: &Settings) -> Option<crate::services::late_runs::Config> {
    service_enabled(args, settings, "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED").then(|| {
        crate::services::late_runs::Config {
            every: seconds(
                settings,
                "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS",
                5.0,
            )
            .max(Duration::from_millis(10)),
            after: seconds(
                settings,
                "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS",
                15.0,
            ),
        }
    })
}

/// PREFECT_SERVER_SERVICES_FOREMAN_*, Prefect's defaults: every 15 s, 3 missed heartbeats of 30 s, 60 s polls.
fn foreman(args: &StartArgs, settings: &Settings) -> Option<crate::services::foreman::Config> {
    let int = |name: &str, default: i64| {
        settings
            .effective(name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    service_enabled(args, settings, "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED").then(|| {
        crate::services::foreman::Config {
            every: seconds(
                settings,
                "PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS",
                15.0,
            )
            .max(Duration::from_millis(10)),
            inactivity_heartbeat_multiple: int(
                "PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE",
                3,
            ),
            fallback_heartbeat_interval_seconds: int(
                "PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS",
                30,
            ),
            deployment_last_polled_timeout: seconds(
                settings,
                "PREFECT_SERVER_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS",
                60.0,
            ),
            work_queue_last_polled_timeout: seconds(
                settings,
                "PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS",
                60.0,
            ),
        }
    })
}

/// PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_{ENABLED, LOOP_SECONDS}, Prefect's default every 5 s.
fn pause_expirations(
    args: &StartArgs,
    settings: &Settings,
) -> Option<crate::services::pause_expirations::Config> {
    service_enabled(
        args,
        settings,
        "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED",
    )
    .then(|| crate::services::pause_expirations::Config {
        every: seconds(
            settings,
            "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS",
            5.0,
        )
        .max(Duration::from_millis(10)),
    })
}

/// PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_{ENABLED, LOOP_SECONDS, CANCELLING_TIMEOUT_SECONDS}: Prefect's
/// defaults, every 20 s, runs Cancelling for more than 300 s marked Cancelled.
fn cancellation_cleanup(
    args: &StartArgs,
    settings: &Settings,
) -> Option<crate::services::cancellation_cleanup::Config> {
    service_enabled(
        args,
        settings,
        "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED",
    )
    .then(|| crate::services::cancellation_cleanup::Config {
        every: seconds(
            settings,
            "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS",
            20.0,
        )
        .max(Duration::from_millis(10)),
        cancelling_timeout: seconds(
            settings,
            "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_CANCELLING_TIMEOUT_SECONDS",
            300.0,
        ),
    })
}

/// PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS (30 s) and
/// PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION (300 s, at least 30 as in Prefect).
fn deployment_concurrency(
    settings: &Settings,
) -> crate::orchestration::deployment_concurrency::Timings {
    let number = |name: &str, default: f64| {
        settings
            .effective(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .unwrap_or(default)
    };
    crate::orchestration::deployment_concurrency::Timings {
        slot_wait_seconds: number(
            "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS",
            30.0,
        ),
        lease_seconds: number(
            "PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION",
            300.0,
        )
        .max(30.0),
    }
}

/// PREFECT_RS_SERVER_SERVICES_ZOMBIES_{ENABLED, LOOP_SECONDS, AFTER_SECONDS}: off unless enabled; when on,
/// every 20 s, runs silent for 540 s (three missed heartbeats at the clients' default frequency) crash.
fn zombies(args: &StartArgs, settings: &Settings) -> Option<crate::services::zombies::Config> {
    let stack = |name: &str| {
        crate::settings::stack::lookup(name).and_then(|key| settings.stack_effective(key))
    };
    let enabled = stack("PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED")
        .is_some_and(|v| parse_bool(&v) == Some(true));
    let seconds_of = |name: &str, default: f64| {
        stack(name)
            .and_then(|v| v.trim().parse::<f64>().ok())
            .and_then(|v| Duration::try_from_secs_f64(v).ok())
            .unwrap_or(Duration::from_secs_f64(default))
    };
    (enabled && !args.no_services).then(|| crate::services::zombies::Config {
        every: seconds_of("PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS", 20.0)
            .max(Duration::from_millis(10)),
        after: seconds_of("PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS", 540.0),
    })
}

/// A setting in seconds, Prefect's `default` when unset; `try_` keeps a value the registry's bounds let through
/// from panicking all the same.
fn seconds_setting(settings: &Settings, name: &str, default: f64) -> Duration {
    settings
        .effective(name)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
        .unwrap_or(Duration::from_secs_f64(default))
}

/// PREFECT_SERVER_SERVICES_REPOSSESSOR_{ENABLED, LOOP_SECONDS}: Prefect's repossessor, every 15 s by default.
fn lease_expiry(
    args: &StartArgs,
    settings: &Settings,
) -> Option<crate::services::lease_expiry::Config> {
    let enabled = settings
        .effective("PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED")
        .is_none_or(|v| parse_bool(&v) == Some(true));
    (enabled && !args.no_services).then(|| crate::services::lease_expiry::Config {
        every: seconds_setting(
            settings,
            "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS",
            15.0,
        )
        .max(Duration::from_millis(10)),
    })
}

/// PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS (10 s) and
/// PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS (30 s).
fn slot_waits(settings: &Settings) -> crate::store::concurrency_limits_v2::SlotWaits {
    let defaults = crate::store::concurrency_limits_v2::SlotWaits::default();
    crate::store::concurrency_limits_v2::SlotWaits {
        tag_seconds: seconds_setting(
            settings,
            "PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS",
            defaults.tag_seconds,
        )
        .as_secs_f64(),
        maximum_seconds: seconds_setting(
            settings,
            "PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS",
            defaults.maximum_seconds,
        )
        .as_secs_f64(),
    }
}

fn start_background(
    args: &StartArgs,
    options: &Options,
    settings: &Settings,
    profile: Option<&str>,
    printer: &Printer,
) -> Result<()> {
    crate::fsutil::ensure_private_dir(&settings.home)?;
    // Held until this start has succeeded or failed: a concurrent start of this home waits, then finds ours.
    let _starting = pidfile::lock_start(&settings.home, || {
        let _ =
            printer.status("Waiting for another start of this PREFECT_HOME's server to finish ...");
    })?;
    let pid_path = pidfile::path(&settings.home);
    match pidfile::read(&pid_path) {
        pidfile::Recorded::Running(pid, url) => {
            return Err(pidfile::already_running(pid, url.as_deref()).into());
        }
        pidfile::Recorded::Unseen => return Err(held_unseen(&pid_path).into()),
        pidfile::Recorded::Stale(pid) => {
            printer.warn(format!(
                "Removing the stale PID file {}: process {pid} is not a running prefect-rs server",
                pid_path.display()
            ))?;
            pidfile::remove(&pid_path);
        }
        pidfile::Recorded::None => {}
    }
    // Take the port once here, so a busy port is reported now rather than in the log.
    drop(preflight::bind(&options.host, options.port)?);
    let log_path = pidfile::log_path(&settings.home);
    // The previous log is kept as server.log.1 (the evidence of a crash survives a restart), and this server
    // writes a new file: `server logs -f` still reading the old one sees the swap by its inode.
    match std::fs::rename(&log_path, pidfile::previous_log_path(&settings.home)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let log = OpenOptions::new()
        .create_new(true)
        .write(true)
        .mode(0o600)
        .open(&log_path)?;
    let mut command = Command::new(std::env::current_exe()?);
    if let Some(profile) = profile {
        command.args(["--profile", profile]);
    }
    command
        .args([
            "server",
            "start",
            "--no-docker",
            "--detached-child",
            "--host",
            &options.host,
        ])
        .args([
            "--port",
            &options.port.to_string(),
            "--log-level",
            &options.log_level,
        ])
        .args(
            args.keep_alive_timeout
                .map(|seconds| format!("--keep-alive-timeout={seconds}")),
        )
        .args(args.no_services.then_some("--no-services"))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: Ctrl+C in this terminal later must not reach it.
        .process_group(0);
    let mut child = command.spawn()?;
    let api_url = options.api_url();
    let started = Instant::now();
    let timeout = Duration::from_secs_f64(args.timeout.unwrap_or(30.0).max(0.1));
    loop {
        if let Some(status) = child.try_wait()? {
            return Err(
                Failure::new(format!("The background server exited at start ({status})"))
                    .hint(format!(
                        "its log, {}, ends with:\n{}",
                        log_path.display(),
                        tail(&log_path, 15)
                    ))
                    .into(),
            );
        }
        // Healthy, and serving as this home's server: another server answering on the same port is not ours.
        let serving = matches!(pidfile::read(&pid_path),
            pidfile::Recorded::Running(pid, Some(_)) if pid == child.id());
        if serving
            && let Ok(reply) = probe::get(&api_url, "health", Duration::from_millis(500), None)
            && reply.status == 200
        {
            break;
        }
        if started.elapsed() > timeout {
            let _ = pidfile::terminate(child.id());
            return Err(Failure::new(format!(
                "The background server did not answer {api_url}/health within {:.0} s; stopped it",
                timeout.as_secs_f64()
            ))
            .hint(format!(
                "its log, {}, ends with:\n{}",
                log_path.display(),
                tail(&log_path, 15)
            ))
            .into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    printer.success(format!(
        "Started the Prefect server in the background (PID {})",
        child.id()
    ))?;
    printer.status(format!("  API:      {api_url}"))?;
    printer.status(format!("  Database: {}", options.database.url))?;
    printer.status(format!(
        "  Log:      {} (follow it: prefect-rs server logs --no-docker -f)",
        log_path.display()
    ))?;
    printer.status(format!(
        "  Clients:  prefect config set PREFECT_API_URL={api_url}"
    ))?;
    // `--no-docker` because without it (and without `mode = "process"`) `server stop` means the Docker stack.
    printer.status("  Stop it:  prefect-rs server stop --no-docker")?;
    Ok(())
}

fn tail(path: &std::path::Path, lines: usize) -> String {
    let text = std::fs::read(path).unwrap_or_default();
    last_lines(&text, Some(lines)).join("\n")
}

/// The last `n` lines of a log (all of them for `None`), as text: bytes that are not UTF-8 show as U+FFFD.
fn last_lines(text: &[u8], n: Option<usize>) -> Vec<std::borrow::Cow<'_, str>> {
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    let skip = n.map_or(0, |n| lines.len().saturating_sub(n));
    lines[skip..].iter().map(|line| as_text(line)).collect()
}

/// One log line without its newline.
fn as_text(line: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(line.strip_suffix(b"\n").unwrap_or(line))
}

/// `server logs --no-docker`: the background server's log file, its last `tail` lines or all of it, then (with
/// `follow`) each line as it is written, until interrupted. A new background start writes a new file: reading
/// then moves to it, from its beginning.
pub fn logs(
    follow: bool,
    tail: Option<usize>,
    service: Option<&str>,
    settings: &Settings,
    printer: &Printer,
) -> Result<()> {
    if let Some(service) = service {
        return Err(UsageError(format!(
            "the in-process server has no services to choose from (got {service:?}); drop it, or use the Docker \
             stack's logs without --no-docker"
        ))
        .into());
    }
    let path = pidfile::log_path(&settings.home);
    let Ok(mut file) = std::fs::File::open(&path) else {
        return Err(Failure::new(format!(
            "No background server log at {}",
            path.display()
        ))
        .hint("a background server writes one: prefect-rs server start --no-docker -b (a foreground server logs to its terminal)")
        .into());
    };
    let mut text = Vec::new();
    file.read_to_end(&mut text)?;
    for line in last_lines(&text, tail) {
        printer.data(line)?;
    }
    if !follow {
        return Ok(());
    }
    let mut read = text.len() as u64;
    // Bytes after the last newline: the server may be half-way through writing a line.
    let mut partial = Vec::new();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        if file.metadata()?.len() < read {
            // Truncated by hand: read it again from the start.
            file.seek(std::io::SeekFrom::Start(0))?;
            read = 0;
            partial.clear();
        }
        read += file.read_to_end(&mut partial)? as u64;
        while let Some(end) = partial.iter().position(|b| *b == b'\n') {
            printer.data(as_text(&partial[..=end]))?;
            partial.drain(..=end);
        }
        // Once the current file is read to its end, a new background start's file takes over.
        let replaced = std::fs::metadata(&path)
            .is_ok_and(|now| now.ino() != file.metadata().map_or(0, |m| m.ino()));
        if replaced && let Ok(newer) = std::fs::File::open(&path) {
            if !partial.is_empty() {
                printer.data(as_text(&partial))?;
            }
            file = newer;
            read = 0;
            partial.clear();
        }
    }
}

pub fn stop(timeout: f64, settings: &Settings, printer: &Printer) -> Result<()> {
    let pid_path = pidfile::path(&settings.home);
    let pid = match pidfile::read(&pid_path) {
        pidfile::Recorded::None => {
            return Err(Failure::new(format!(
                "No background server is running: there is no PID file at {}",
                pid_path.display()
            ))
            .hint("a server started in the foreground stops with Ctrl+C in its terminal")
            .into());
        }
        pidfile::Recorded::Unseen => return Err(held_unseen(&pid_path).into()),
        pidfile::Recorded::Stale(pid) if pidfile::is_background_server(pid) => {
            return Err(not_this_homes_server(pid, &pid_path).into());
        }
        pidfile::Recorded::Stale(pid) => {
            pidfile::remove(&pid_path);
            printer.warn(format!(
                "The PID file named process {pid}, which is not a running prefect-rs server; removed the stale file"
            ))?;
            return Ok(());
        }
        pidfile::Recorded::Running(pid, _) => pid,
    };
    pidfile::terminate(pid)?;
    let started = Instant::now();
    // The server removes its PID file as it exits.
    while pidfile::is_alive(pid) {
        if started.elapsed().as_secs_f64() > timeout {
            fail!(
                "The server (PID {pid}) is still running {timeout:.0} s after SIGTERM; force it with: kill -9 {pid}"
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    printer.success(format!("Stopped the Prefect server (PID {pid})."))?;
    Ok(())
}

/// `server.pid` names a live prefect-rs server that does not hold the file's lock: another home's (a copied
/// home, a reused PID). Not ours to signal; the stale file is removed so the next start is not refused.
fn not_this_homes_server(pid: u32, pid_path: &std::path::Path) -> Failure {
    pidfile::remove(pid_path);
    let (whose, hint) = match pidfile::home_of(pid) {
        Some(home) => (
            format!("the server of PREFECT_HOME={home}"),
            format!(
                "to stop that server, name its home: PREFECT_HOME={home} prefect-rs server stop --no-docker"
            ),
        ),
        None => (
            "another prefect-rs background server".to_owned(),
            format!("to stop it anyway: kill {pid}"),
        ),
    };
    Failure::new(format!(
        "Did not stop PID {pid}: {} named it, but it is not the server of this PREFECT_HOME (it does not hold \
         the file's lock); it is {whose}. Removed this home's stale PID file",
        pid_path.display()
    ))
    .hint(hint)
}

fn held_unseen(pid_path: &std::path::Path) -> Failure {
    Failure::new(format!(
        "{} is locked by a process outside this PID namespace (a container sharing PREFECT_HOME?)",
        pid_path.display()
    ))
    .hint("start or stop that server from where it runs")
}

pub fn status(
    wait: bool,
    timeout: f64,
    format: OutputFormat,
    settings: &Settings,
    printer: &Printer,
) -> Result<()> {
    // The URL clients are configured with; else the background server's own; else the configured listen address.
    let api_url = settings
        .effective("PREFECT_API_URL")
        .or_else(|| match pidfile::read(&pidfile::path(&settings.home)) {
            pidfile::Recorded::Running(_, url) => url,
            _ => None,
        })
        .unwrap_or_else(|| {
            let host = settings
                .effective("PREFECT_SERVER_API_HOST")
                .unwrap_or_else(|| "127.0.0.1".into());
            let port = settings
                .effective("PREFECT_SERVER_API_PORT")
                .unwrap_or_else(|| "4200".into());
            format!("http://{host}:{port}/api")
        });
    let auth = settings
        .effective("PREFECT_API_AUTH_STRING")
        .filter(|a| !a.is_empty());
    let started = Instant::now();
    let health = loop {
        let health = match probe::get(&api_url, "health", Duration::from_secs(2), auth.as_deref()) {
            Ok(reply) if reply.status == 200 => Ok(()),
            Ok(reply) => Err(format!("GET {} answered HTTP {}", reply.path, reply.status)),
            Err(probe::Error::NotChecked(why)) => Err(why.to_owned()),
            Err(probe::Error::Failed(why)) => Err(why),
        };
        if health.is_ok() || !wait || started.elapsed().as_secs_f64() > timeout {
            break health;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let version = health.is_ok().then(|| {
        probe::get(
            &api_url,
            "admin/version",
            Duration::from_secs(2),
            auth.as_deref(),
        )
        .ok()
        .and_then(|r| serde_json::from_str::<String>(&r.body).ok())
    });
    let pid = match pidfile::read(&pidfile::path(&settings.home)) {
        pidfile::Recorded::Running(pid, _) => Some(pid),
        _ => None,
    };
    if format == OutputFormat::Json {
        printer.json(&json!({
            "url": api_url,
            "healthy": health.is_ok(),
            "version": version.flatten(),
            "pid": pid,
            "error": health.as_ref().err(),
        }))?;
    } else if health.is_ok() {
        let version = version
            .flatten()
            .map(|v| format!(", Prefect {v}"))
            .unwrap_or_default();
        let pid = pid
            .map(|p| format!(", background PID {p}"))
            .unwrap_or_default();
        printer.data(format!("Server is healthy at {api_url}{version}{pid}"))?;
    }
    match health {
        Ok(()) => Ok(()),
        Err(why) => Err(
            Failure::new(format!("No healthy server at {api_url}: {why}"))
                .hint("start one: prefect-rs server start --no-docker")
                .into(),
        ),
    }
}

/// PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED, PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY and
/// PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER: Prefect's defaults, every 5 s, buckets swept 60 s after closing.
fn triggers(args: &StartArgs, settings: &Settings) -> Option<crate::services::triggers::Config> {
    service_enabled(args, settings, "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED").then(|| {
        crate::services::triggers::Config {
            granularity: seconds(settings, "PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY", 5.0)
                .max(Duration::from_millis(10)),
            expired_bucket_buffer: seconds(
                settings,
                "PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER",
                60.0,
            ),
        }
    })
}
