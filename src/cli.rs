//! The whole command line. Doc comments are the help text.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

use crate::output::{ColorChoice, OutputFormat};
use crate::settings::{registry, stack};
use crate::stack::images::PullPolicy;

/// Stand up and operate a Prefect server stack.
///
/// prefect-rs reads and writes Prefect's own settings and profiles (the Python `prefect` tools share them), and keeps
/// its own stack settings in $PREFECT_HOME/config.toml.
#[derive(Debug, Parser)]
#[command(
    name = "prefect-rs",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

const GLOBAL: &str = "Global options";

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print only data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,
    /// Print more detail (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,
    /// When to colour output [NO_COLOR and FORCE_COLOR are honoured in auto]
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = GLOBAL)]
    pub color: ColorChoice,
    /// Use this Prefect profile for this command (overrides PREFECT_PROFILE and the active profile)
    #[arg(short, long, global = true, value_name = "NAME", help_heading = GLOBAL)]
    pub profile: Option<String>,
}

/// `-o/--output`, on every command that prints data.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t = OutputFormat::Text, value_name = "FORMAT")]
    pub output: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// View and set Prefect settings and prefect-rs stack settings
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Create, switch and inspect Prefect profiles
    #[command(subcommand, visible_alias = "profiles")]
    Profile(ProfileCommand),
    /// Run the Prefect server, see whether it is up, stop it, and migrate its database
    #[command(subcommand)]
    Server(ServerCommand),
    /// Print a shell completion script
    ///
    /// bash:  prefect-rs completions bash > ~/.local/share/bash-completion/completions/prefect-rs
    /// zsh:   prefect-rs completions zsh > "${fpath[1]}/_prefect-rs"
    /// fish:  prefect-rs completions fish > ~/.config/fish/completions/prefect-rs.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell to generate the script for
        shell: Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Change settings: Prefect settings go to the active profile, PREFECT_RS_* settings to config.toml
    ///
    /// Every value is checked before anything is written; if one is invalid, nothing changes.
    Set {
        /// Settings in VAR=VAL format
        #[arg(required = true, value_name = "VAR=VAL", value_parser = setting_names(), hide_possible_values = true)]
        settings: Vec<String>,
    },
    /// Restore the default value of settings by removing them from the active profile or config.toml
    Unset {
        /// Setting names to unset
        #[arg(required = true, value_name = "NAME", value_parser = setting_names(), hide_possible_values = true)]
        names: Vec<String>,
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
    },
    /// Display the current settings and where each value comes from
    View(ViewArgs),
    /// Check every setting in every source; rewrite legacy names in the active profile to canonical ones
    Validate {
        /// Also remove invalid values from the active profile and config.toml
        #[arg(long)]
        fix: bool,
    },
}

#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Show settings that have their default value too
    #[arg(long, overrides_with = "hide_defaults")]
    pub show_defaults: bool,
    /// Show only settings that are set somewhere [default]
    #[arg(long, hide = true)]
    pub hide_defaults: bool,
    /// Show where each value comes from [default]
    #[arg(long, hide = true)]
    pub show_sources: bool,
    /// Do not show where each value comes from
    #[arg(long, overrides_with = "show_sources")]
    pub hide_sources: bool,
    /// Show secret values instead of ********
    #[arg(long, overrides_with = "hide_secrets")]
    pub show_secrets: bool,
    /// Mask secret values [default]
    #[arg(long, hide = true)]
    pub hide_secrets: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List profile names; the active one is marked with *
    Ls(OutputArgs),
    /// Create a new profile
    Create {
        name: String,
        /// Copy the settings of an existing profile
        #[arg(long = "from", value_name = "PROFILE")]
        from: Option<String>,
    },
    /// Make a profile the active one (saved at once; the API is then checked, and only reported on)
    Use { name: String },
    /// Delete a profile
    Delete {
        name: String,
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
    },
    /// Change the name of a profile
    Rename { name: String, new_name: String },
    /// Display the settings of a profile; defaults to the active one
    Inspect {
        /// Name of the profile to inspect
        name: Option<String>,
        /// Show secret values instead of ********
        #[arg(long)]
        show_secrets: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Add Prefect's bundled profiles (ephemeral, local, test, cloud) that are missing from the profiles file
    PopulateDefaults {
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Start the Prefect server: PostgreSQL and the API server in Docker, or in this process with --no-docker
    ///
    /// Docker mode (the default) renders the stack's compose file (see `server config`) and creates exactly that
    /// through the Docker Engine API, waiting until PostgreSQL is healthy and the API answers. In the foreground it
    /// streams the services' logs; Ctrl+C stops and removes the containers and keeps the data.
    ///
    /// The in-process server (--no-docker, or mode = "process" in config.toml) speaks Prefect 3's API on SQLite
    /// (PREFECT_HOME/prefect.db) or PostgreSQL (PREFECT_SERVER_DATABASE_CONNECTION_URL), and migrates the database
    /// first unless PREFECT_SERVER_DATABASE_MIGRATE_ON_START is false. It serves the API only, not the web UI.
    Start(StartArgs),
    /// Stop the server: the Docker stack's containers (data kept), or the background in-process server
    Stop {
        /// Stop the background in-process server instead of the Docker stack
        #[arg(long)]
        no_docker: bool,
        /// Seconds to wait for a graceful stop before killing
        #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = seconds)]
        timeout: f64,
        /// Also delete the stack's PostgreSQL data (its volume or --volume-path directory), after confirmation
        #[arg(long)]
        remove_data: bool,
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
    },
    /// Report on the server: each Docker service's state and health, or whether the API answers
    Status {
        /// Check the in-process server (PREFECT_API_URL) instead of the Docker stack
        #[arg(long)]
        no_docker: bool,
        /// Wait until the server is healthy (up to --timeout)
        #[arg(long)]
        wait: bool,
        /// Seconds to wait with --wait
        #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = seconds)]
        timeout: f64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Print the Docker stack's logs, each line prefixed by its service, or the background server's log
    Logs {
        /// The background in-process server's log ($PREFECT_HOME/server.log) instead of the Docker stack's
        #[arg(long)]
        no_docker: bool,
        /// Keep following new lines (Ctrl+C to stop)
        #[arg(short, long)]
        follow: bool,
        /// Only the last N lines of each service
        #[arg(long, value_name = "N")]
        tail: Option<usize>,
        /// Only this service (postgres or server)
        service: Option<String>,
    },
    /// Print the stack's compose file (the database password masked), or write it with --output
    Config {
        /// Write the file here instead (mode 0600: it holds the database password)
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Migrate the server's database (PREFECT_SERVER_DATABASE_CONNECTION_URL): SQLite or PostgreSQL
    ///
    /// REV is `head`, `base`, `-N` or `+N` (relative to the current version), a version, or a unique prefix of a
    /// version or a migration name (see `history`). Migrations hold a lock: a file beside a SQLite database, an
    /// advisory lock on PostgreSQL.
    #[command(subcommand)]
    Database(DatabaseCommand),
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Run the API server in this process instead of the Docker stack
    #[arg(long)]
    pub no_docker: bool,
    /// Address to listen on (--no-docker) or publish the server's port on [default: 127.0.0.1]
    #[arg(long)]
    pub host: Option<String>,
    /// Port to listen on, or publish the server on [default: PREFECT_SERVER_API_PORT / config.toml, 4200]
    #[arg(long)]
    pub port: Option<u16>,
    /// Docker: publish the server on every interface (0.0.0.0) instead of 127.0.0.1
    #[arg(long, conflicts_with = "host")]
    pub expose: bool,
    /// Docker: also publish PostgreSQL on this host port (not published by default)
    #[arg(long, value_name = "PORT")]
    pub postgres_port: Option<u16>,
    /// Docker: keep PostgreSQL's data in --volume-path on this machine instead of a named Docker volume
    #[arg(long)]
    pub use_volume: bool,
    /// Docker: the directory for PostgreSQL's data with --use-volume [default: PREFECT_HOME/pg_data]
    #[arg(long, value_name = "DIR")]
    pub volume_path: Option<PathBuf>,
    /// Docker: when to pull images
    #[arg(long, value_enum, default_value_t = PullPolicy::Missing)]
    pub pull: PullPolicy,
    /// Server log level [default: PREFECT_SERVER_LOGGING_LEVEL, WARNING]
    #[arg(long, value_name = "LEVEL", ignore_case = true, value_parser = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])]
    pub log_level: Option<String>,
    /// Seconds a silent connection stays open [default: PREFECT_SERVER_API_KEEPALIVE_TIMEOUT, 5]
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub keep_alive_timeout: Option<u64>,
    /// Do not run background services (the scheduler, the foreman, marking late runs, failing expired pauses,
    /// freeing expired concurrency leases, cancellation cleanup, zombies, automation triggers); the task-run
    /// recorder still runs
    #[arg(long)]
    pub no_services: bool,
    /// Return once healthy: the Docker stack keeps running; the in-process server detaches and writes
    /// PREFECT_HOME/server.pid and server.log
    #[arg(short, long, visible_alias = "detach", visible_short_alias = 'd')]
    pub background: bool,
    /// Seconds to wait for the server to become healthy [default: 30, or 180 for the Docker stack]
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub timeout: Option<f64>,
    /// Internal: this process is the background server started by --background
    #[arg(long, hide = true)]
    pub detached_child: bool,
}

#[derive(Debug, Subcommand)]
pub enum DatabaseCommand {
    /// Apply pending migrations, up to head or to a revision
    #[command(allow_negative_numbers = true)]
    Upgrade {
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
        /// The revision to upgrade to
        #[arg(short, long, default_value = "head", value_name = "REV")]
        revision: String,
        /// Print the migrations and their SQL instead of running them
        #[arg(long)]
        dry_run: bool,
    },
    /// Revert migrations: the last one, or down to a revision (which stays applied); backs up SQLite first
    #[command(allow_negative_numbers = true)]
    Downgrade {
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
        /// The revision to downgrade to: -1 reverts the newest migration, base reverts them all
        #[arg(short, long, default_value = "-1", value_name = "REV")]
        revision: String,
        /// Print the migrations and their SQL instead of running them
        #[arg(long)]
        dry_run: bool,
    },
    /// Drop every table and migrate to head: all data is deleted (SQLite is backed up first)
    Reset {
        /// Skip confirmation
        #[arg(short, long)]
        yes: bool,
    },
    /// List every migration: applied (and when) or pending
    History(OutputArgs),
    /// Print the database's current migration version
    Current(OutputArgs),
}

/// A wait in seconds: from 0 to a day, so every timer can hold it (`inf` and `1e300` parse as numbers, and
/// then panic the `Duration` made of them).
fn seconds(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(seconds) if (0.0..=86_400.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!(
            "expected a number of seconds from 0 to 86400, got {raw:?}"
        )),
    }
}

/// Accepts any text (the command checks it and explains), but offers setting names to shell completion.
fn setting_names() -> impl TypedValueParser<Value = String> {
    let typed = registry::TYPED
        .iter()
        .map(|t| PossibleValue::new(t.name).help(t.help));
    let stack_keys = stack::KEYS
        .iter()
        .map(|k| PossibleValue::new(k.name).help(k.help));
    let others = registry::all_names()
        .filter(|n| registry::typed(n).is_none())
        .map(PossibleValue::new);
    let offered = PossibleValuesParser::new(typed.chain(stack_keys).chain(others));
    AnyText(offered)
}

#[derive(Clone)]
struct AnyText(PossibleValuesParser);

impl TypedValueParser for AnyText {
    type Value = String;

    fn parse_ref(
        &self,
        _: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.0.possible_values()
    }
}
