//! One module per command group; each is a thin layer over `settings` that decides what to print.

mod completions;
mod config;
mod database;
mod profile;
mod server;
mod stack;

use anyhow::Result;

use crate::cli::{Cli, Command, ServerCommand};
use crate::output::Printer;
use crate::settings::Settings;

pub fn run(cli: Cli, printer: &Printer) -> Result<()> {
    let profile = cli.global.profile.as_deref();
    match cli.command {
        Command::Completions { shell } => completions::run(shell),
        Command::Config(command) => config::run(command, load(profile, printer)?, printer),
        Command::Profile(command) => profile::run(command, load(profile, printer)?, printer),
        Command::Server(ServerCommand::Database(command)) => {
            database::run(command, &load(profile, printer)?, printer)
        }
        Command::Server(ServerCommand::Start(args)) => {
            let mut settings = load_unreported(profile, printer)?;
            let in_process = server::runs_in_process(args.no_docker, &settings);
            // The in-process start refuses its own bad values (with the same line): no "Ignoring" before it.
            report_problems(&settings, printer, |problem| {
                !(in_process && server::refused_at_start(&settings, problem))
            })?;
            if in_process {
                server::start(args, &settings, profile, printer)
            } else {
                server::refuse_process_flags(&args)?;
                stack::start(args, &mut settings, printer)
            }
        }
        Command::Server(ServerCommand::Stop {
            no_docker,
            timeout,
            remove_data,
            yes,
        }) => {
            let mut settings = load(profile, printer)?;
            if server::runs_in_process(no_docker, &settings) {
                server::stop(timeout, &settings, printer)
            } else {
                stack::stop(timeout, remove_data, yes, &mut settings, printer)
            }
        }
        Command::Server(ServerCommand::Status {
            no_docker,
            wait,
            timeout,
            output,
        }) => {
            let mut settings = load(profile, printer)?;
            if server::runs_in_process(no_docker, &settings) {
                server::status(wait, timeout, output.output, &settings, printer)
            } else {
                stack::status(output.output, &mut settings, printer)
            }
        }
        Command::Server(ServerCommand::Logs {
            no_docker,
            follow,
            tail,
            service,
        }) => {
            let mut settings = load(profile, printer)?;
            if server::runs_in_process(no_docker, &settings) {
                server::logs(follow, tail, service.as_deref(), &settings, printer)
            } else {
                stack::logs(follow, tail, service, &mut settings)
            }
        }
        Command::Server(ServerCommand::Config { output }) => {
            stack::config(output.as_deref(), &mut load(profile, printer)?, printer)
        }
    }
}

/// Loads settings and warns about anything odd in them, so every command reports a bad value the same way.
fn load(profile: Option<&str>, printer: &Printer) -> Result<Settings> {
    let settings = load_unreported(profile, printer)?;
    report_problems(&settings, printer, |_| true)?;
    Ok(settings)
}

/// Loads settings, saying where they come from (with -v) and any notices, but not yet their bad values.
fn load_unreported(profile: Option<&str>, printer: &Printer) -> Result<Settings> {
    let settings = Settings::load(profile)?;
    printer.detail(format!("PREFECT_HOME: {}", settings.home.display()))?;
    printer.detail(format!(
        "profiles: {} (active profile '{}')",
        settings.profiles.path().display(),
        settings.profile.name
    ))?;
    printer.detail(format!("stack file: {}", settings.stack.path().display()))?;
    for notice in &settings.notices {
        printer.warn(notice)?;
    }
    Ok(settings)
}

/// Warns about each bad value `report` selects: it is ignored, and this is how to fix it.
fn report_problems(
    settings: &Settings,
    printer: &Printer,
    report: impl Fn(&crate::settings::Problem) -> bool,
) -> Result<()> {
    for problem in settings.problems.iter().filter(|p| report(p)) {
        printer.warn(format!(
            "Ignoring {}. Fix it with: {}",
            describe_problem(settings, problem),
            settings.repair_hint(&problem.name, problem.source)
        ))?;
    }
    Ok(())
}

/// `NAME='value' from SOURCE: why`, secrets masked: how a bad setting value is shown wherever it is reported.
fn describe_problem(settings: &Settings, problem: &crate::settings::Problem) -> String {
    format!(
        "{}='{}' from {}: {}",
        problem.name,
        mask(&problem.name, &problem.raw, false),
        settings.describe(problem.source),
        mask_in(&problem.name, &problem.raw, &problem.reason)
    )
}

/// A value as it may be shown: secrets become ******** unless the user asked to see them.
fn mask(name: &str, raw: &str, show_secrets: bool) -> String {
    let secret = crate::settings::registry::is_secret(name)
        || crate::settings::stack::lookup(name).is_some_and(|k| k.secret);
    if secret && !show_secrets {
        "********".to_owned()
    } else {
        raw.to_owned()
    }
}

/// A message that may quote a value (a validation reason), with the value masked when it is a secret.
fn mask_in(name: &str, raw: &str, message: &str) -> String {
    let canonical = crate::settings::registry::lookup(name).map_or(name, |n| n.canonical);
    let masked = mask(canonical, raw, false);
    if masked == raw || raw.is_empty() {
        message.to_owned()
    } else {
        message.replace(raw, &masked)
    }
}
