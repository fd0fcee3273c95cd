//! prefect-rs: parse the command line, set up output, run the command, and turn the outcome into an exit code:
//! 0 success (including a closed stdout pipe), 1 the operation failed, 2 the command line was wrong.

mod api;
mod cli;
mod commands;
mod db;
mod error;
mod fsutil;
#[cfg(test)]
mod fuzz;
mod log;
mod names;
mod orchestration;
mod output;
mod panics;
mod probe;
mod prompt;
mod schedules;
mod server;
mod services;
mod settings;
mod stack;
mod store;
mod ui;

use std::process::ExitCode;

use clap::Parser;

use crate::error::{Failure, UsageError, is_broken_pipe};
use crate::output::Printer;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" that succeed; a closed pipe while printing them is fine too.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let printer = Printer::new(cli.global.quiet, cli.global.verbose, cli.global.color);
    match commands::run(cli, &printer) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => report(&printer, &err),
    }
}

fn report(printer: &Printer, err: &anyhow::Error) -> ExitCode {
    if let Some(failure) = err.downcast_ref::<Failure>() {
        printer.error(&failure.message, &failure.hints);
        return ExitCode::FAILURE;
    }
    if let Some(usage) = err.downcast_ref::<UsageError>() {
        printer.error(&usage.0, &["see prefect-rs --help".to_owned()]);
        return ExitCode::from(2);
    }
    let causes: Vec<String> = err
        .chain()
        .skip(1)
        .map(|c| format!("caused by: {c}"))
        .collect();
    printer.error(&err.to_string(), &causes);
    ExitCode::FAILURE
}
