//! Errors that reach the user. A `Failure` is an expected, explained failure (exit 1); a `UsageError` is a
//! command line the user must change (exit 2). Anything else is unexpected and printed with its cause chain.

use std::fmt;

/// An operation failed for a reason we can explain: what happened, and optionally what to type next.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub hints: Vec<String>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The command line itself is wrong in a way clap cannot see (exit 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Shorthand for returning a `Failure` from a function that returns `anyhow::Result`.
macro_rules! fail {
    ($($arg:tt)*) => {
        return Err($crate::error::Failure::new(format!($($arg)*)).into())
    };
}
pub(crate) use fail;

/// True when the error is a write to a closed pipe (`prefect-rs config view | head -1`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
