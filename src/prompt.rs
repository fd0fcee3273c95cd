//! Confirmations. We only ever ask on a terminal; without one a command that needs confirmation fails at once
//! and names the flag that gives it, so a CI job never hangs on a prompt nobody can answer.

use std::io::IsTerminal;

use anyhow::Result;

use crate::error::Failure;

pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question`; `Ok(false)` when the user says no. Without a terminal this is an error naming `-y/--yes`.
pub fn confirm_or_require_yes(question: &str, default: bool) -> Result<bool> {
    if !is_interactive() {
        return Err(Failure::new(format!("Confirmation needed: {question}"))
            .hint("no terminal to ask on; re-run with -y (--yes) to confirm")
            .into());
    }
    ask(question, default)
}

/// Asks `question` on a terminal; without one, returns `default` without asking.
pub fn confirm_if_interactive(question: &str, default: bool) -> Result<bool> {
    if !is_interactive() {
        return Ok(default);
    }
    ask(question, default)
}

fn ask(question: &str, default: bool) -> Result<bool> {
    Ok(dialoguer::Confirm::new()
        .with_prompt(question)
        .default(default)
        .interact()?)
}
