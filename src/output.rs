//! The `Printer` owns both output streams: data goes to stdout, everything meant for a human (status, warnings,
//! errors, progress) goes to stderr, so `prefect-rs … | jq` and `2>/dev/null` both do what a user expects.
//! Data writes return `io::Result` so a closed stdout travels up to `main`, which exits 0 quietly. Writes to
//! stderr are best effort and never fail: a closed stderr (`… 2>&1 | head -1`) must not stop a command half-way
//! through its work (a reset that had dropped every table stopped there before migrating back).

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Green,
    Yellow,
    Red,
    Bold,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Bold => "1",
        }
    }
}

pub struct Printer {
    quiet: bool,
    verbose: u8,
    color: bool,
}

impl Printer {
    pub fn new(quiet: bool, verbose: u8, color: ColorChoice) -> Self {
        Self {
            quiet,
            verbose,
            color: color_enabled(color, io::stderr().is_terminal()),
        }
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// One line of data on stdout.
    pub fn data(&self, line: impl AsRef<str>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", line.as_ref())?;
        out.flush()
    }

    /// A JSON document on stdout, pretty-printed like Prefect's `-o json`.
    pub fn json(&self, value: &serde_json::Value) -> io::Result<()> {
        let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
        self.data(text)
    }

    /// A plain status line on stderr; hidden by `--quiet`.
    pub fn status(&self, line: impl AsRef<str>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.stderr(line.as_ref(), None)
    }

    /// The closing line of a successful command (green on a colour terminal); hidden by `--quiet`.
    pub fn success(&self, line: impl AsRef<str>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.stderr(line.as_ref(), Some(Style::Green))
    }

    /// Something the user should know but that does not stop the command; hidden by `--quiet`.
    pub fn warn(&self, line: impl AsRef<str>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        let label = self.paint("warning:", Style::Yellow);
        self.stderr(&format!("{label} {}", line.as_ref()), None)
    }

    /// Detail shown only with `-v`.
    pub fn detail(&self, line: impl AsRef<str>) -> io::Result<()> {
        if self.verbose == 0 {
            return Ok(());
        }
        self.stderr(line.as_ref(), None)
    }

    /// A spinner on stderr while something slow happens; invisible without a terminal or with `--quiet`.
    pub fn spinner(&self, message: &str) -> indicatif::ProgressBar {
        if self.quiet || !io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let spinner = indicatif::ProgressBar::new_spinner().with_message(message.to_owned());
        spinner.enable_steady_tick(std::time::Duration::from_millis(80));
        spinner
    }

    /// An error and its hints; always shown, even with `--quiet`.
    pub fn error(&self, message: &str, hints: &[String]) {
        let label = self.paint("error:", Style::Red);
        let _ = self.stderr(&format!("{label} {message}"), None);
        for hint in hints {
            let label = self.paint("hint:", Style::Bold);
            let _ = self.stderr(&format!("{label} {hint}"), None);
        }
    }

    fn stderr(&self, line: &str, style: Option<Style>) -> io::Result<()> {
        let text = match style {
            Some(style) => self.paint(line, style),
            None => line.to_owned(),
        };
        // Dropped when it cannot be written: there is nowhere left to say so, and the work matters more.
        let _ = writeln!(io::stderr().lock(), "{text}");
        Ok(())
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_owned()
        }
    }
}

/// `--color` wins; in `auto`, NO_COLOR (any non-empty value, see no-color.org) turns colour off and FORCE_COLOR
/// (non-empty, not "0") turns it on even without a terminal.
fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
            if var("NO_COLOR").is_some() {
                false
            } else if var("FORCE_COLOR").is_some_and(|v| v != "0") {
                true
            } else {
                is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}
