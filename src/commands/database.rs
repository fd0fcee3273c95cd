//! `server database upgrade | downgrade | reset | history | current`, with Prefect's prompts and messages.
//!
//! Every command that changes the schema connects, takes the migration lock, reads what is applied, refuses a
//! database it does not understand, plans, asks, and only then changes anything. Read-only commands never
//! create a SQLite file that is not there.
//!
//! Output never stops a change half-way: progress goes to stderr, which the `Printer` writes best effort, and
//! nothing goes to stdout while the schema changes, so `… 2>&1 | head -1` still finishes (and exits 0).

use std::time::Duration;

use anyhow::Result;
use serde_json::json;

use crate::cli::DatabaseCommand;
use crate::db::migrations::{Catalog, Entry, Revision, Snapshot, State, Step};
use crate::db::session::{Session, Target, read_only_applied};
use crate::db::{DatabaseUrl, migrator};
use crate::error::{Failure, fail};
use crate::output::{OutputFormat, Printer};
use crate::prompt::{confirm_if_interactive, confirm_or_require_yes};
use crate::settings::Settings;

pub fn run(command: DatabaseCommand, settings: &Settings, printer: &Printer) -> Result<()> {
    let target = Target::from_settings(settings)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match command {
            DatabaseCommand::Upgrade {
                yes,
                revision,
                dry_run,
            } => {
                let revision = Revision::parse(&revision);
                migrate(&target, Direction::Up, &revision, yes, dry_run, printer).await
            }
            DatabaseCommand::Downgrade {
                yes,
                revision,
                dry_run,
            } => {
                let revision = Revision::parse(&revision);
                migrate(&target, Direction::Down, &revision, yes, dry_run, printer).await
            }
            DatabaseCommand::Reset { yes } => reset(&target, yes, printer).await,
            DatabaseCommand::History(args) => history(&target, args.output, printer).await,
            DatabaseCommand::Current(args) => current(&target, args.output, printer).await,
        }
    })
}

fn waiting(printer: &Printer, holder: &str) {
    let _ = printer.status(format!(
        "Waiting for another migration of this database to finish (lock: {holder}) ..."
    ));
}

/// `upgrade` and `downgrade`: plan, ask, back up (downgrade on SQLite), run step by step.
async fn migrate(
    target: &Target,
    direction: Direction,
    revision: &Revision,
    yes: bool,
    dry_run: bool,
    printer: &Printer,
) -> Result<()> {
    let url = &target.url;
    // A dry run reads without locking; a downgrade of a file that is not there has nothing to revert.
    if dry_run || (direction == Direction::Down && target.is_missing_file()) {
        let catalog = Catalog::for_dialect(target.dialect());
        let snapshot = Snapshot {
            catalog: &catalog,
            applied: read_only_applied(target).await?,
        };
        snapshot.check_known()?;
        let steps = direction.plan(&snapshot, revision)?;
        if dry_run {
            return print_dry_run(&steps, direction, url, printer);
        }
        printer.success(format!(
            "Prefect database at {url} does not exist yet; nothing to downgrade."
        ))?;
        return Ok(());
    }
    let mut session = Session::open(target, |holder| waiting(printer, holder)).await?;
    let outcome = migrate_locked(&mut session, url, direction, revision, yes, printer).await;
    session.close().await?;
    outcome
}

async fn migrate_locked(
    session: &mut Session,
    url: &DatabaseUrl,
    direction: Direction,
    revision: &Revision,
    yes: bool,
    printer: &Printer,
) -> Result<()> {
    let verb = direction.verb();
    let snapshot = session.snapshot();
    snapshot.check_known()?;
    let steps = direction.plan(&snapshot, revision)?;
    if steps.is_empty() {
        let at = describe_current(&snapshot);
        printer.success(format!(
            "Prefect database at {url} is already at {at}; nothing to {verb}."
        ))?;
        return Ok(());
    }
    let confirmed = yes
        || match direction {
            // Upgrading adds tables and keeps data, so without a terminal it proceeds (Prefect crashes on EOF).
            Direction::Up => confirm_if_interactive(
                &format!("Are you sure you want to upgrade the Prefect database at {url}?"),
                true,
            )?,
            Direction::Down => {
                let reverting: Vec<String> = steps.iter().map(|s| s.to_string()).collect();
                let question = format!(
                    "Are you sure you want to downgrade the Prefect database at {url}? This reverts {}.",
                    reverting.join(", ")
                );
                confirm_or_require_yes(&question, false)?
            }
        };
    if !confirmed {
        fail!("Database {verb} aborted!");
    }
    if direction == Direction::Down
        && let Some(path) = url.sqlite_path()
    {
        let backup = migrator::backup_sqlite(&mut session.conn, path).await?;
        printer.status(format!("Backed up the database to {}", backup.display()))?;
    }
    printer.status(format!("Running {verb} migrations ..."))?;
    run_steps(session, &steps, direction, printer).await?;
    printer.success("Migrations succeeded!")?;
    printer.success(format!("Prefect database at {url} {verb}d!"))?;
    if direction == Direction::Down {
        let now = migrator::read_applied(&mut session.conn).await?;
        let at = describe_current(&Snapshot {
            catalog: &session.catalog,
            applied: now,
        });
        printer.status(format!("It is now at {at}."))?;
    }
    Ok(())
}

/// Applies or reverts each step, reporting it, then checks SQLite's foreign keys once.
async fn run_steps(
    session: &mut Session,
    steps: &[Step<'_>],
    direction: Direction,
    printer: &Printer,
) -> Result<()> {
    for step in steps {
        let (took, done) = match direction {
            Direction::Up => (migrator::apply(&mut session.conn, step).await?, "applied "),
            Direction::Down => (migrator::revert(&mut session.conn, step).await?, "reverted"),
        };
        printer.status(format!("  {done} {step} ({})", millis(took)))?;
    }
    migrator::check_foreign_keys(&mut session.conn).await
}

async fn reset(target: &Target, yes: bool, printer: &Printer) -> Result<()> {
    let existed = !target.is_missing_file();
    let mut session = Session::open(target, |holder| waiting(printer, holder)).await?;
    let outcome = reset_locked(&mut session, &target.url, existed, yes, printer).await;
    session.close().await?;
    outcome
}

async fn reset_locked(
    session: &mut Session,
    url: &DatabaseUrl,
    existed: bool,
    yes: bool,
    printer: &Printer,
) -> Result<()> {
    let question = format!(
        "Are you sure you want to reset the Prefect database located at \"{url}\"? This will drop and recreate \
         all tables."
    );
    if !yes && !confirm_or_require_yes(&question, false)? {
        fail!("Database reset aborted");
    }
    if let Some(path) = url.sqlite_path().filter(|_| existed) {
        let backup = migrator::backup_sqlite(&mut session.conn, path).await?;
        printer.status(format!("Backed up the database to {}", backup.display()))?;
    }
    printer.status("Downgrading database...")?;
    let dropped = migrator::drop_everything(&mut session.conn).await?;
    printer.detail(format!("  dropped {dropped} table(s) and view(s)"))?;
    printer.status("Upgrading database...")?;
    let steps: Vec<Step<'static>> = session.catalog.steps().to_vec();
    run_steps(session, &steps, Direction::Up, printer).await?;
    printer.success(format!("Prefect database \"{url}\" reset!"))?;
    Ok(())
}

async fn history(target: &Target, format: OutputFormat, printer: &Printer) -> Result<()> {
    let catalog = Catalog::for_dialect(target.dialect());
    let snapshot = Snapshot {
        catalog: &catalog,
        applied: read_only_applied(target).await?,
    };
    let entries = snapshot.entries();
    if format == OutputFormat::Json {
        let rows: Vec<serde_json::Value> = entries.iter().map(entry_json).collect();
        return Ok(printer.json(&serde_json::Value::Array(rows))?);
    }
    printer.status(format!(
        "Migrations of the Prefect database at {url}:",
        url = target.url
    ))?;
    let mut table = vec![["VERSION", "NAME", "STATE", "APPLIED AT"].map(str::to_owned)];
    for e in &entries {
        table.push([
            e.version.to_string(),
            e.name.clone(),
            e.state.label().to_owned(),
            e.applied_at.clone().unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    for line in align(&table) {
        printer.data(line)?;
    }
    Ok(())
}

async fn current(target: &Target, format: OutputFormat, printer: &Printer) -> Result<()> {
    let catalog = Catalog::for_dialect(target.dialect());
    let snapshot = Snapshot {
        catalog: &catalog,
        applied: read_only_applied(target).await?,
    };
    if format == OutputFormat::Json {
        let entries = snapshot.entries();
        let current = snapshot
            .current()
            .and_then(|c| entries.iter().find(|e| e.version == c.version));
        let head = catalog.head().map(|h| h.version);
        let value = json!({
            "url": target.url.masked(),
            "version": current.map(|c| c.version),
            "name": current.map(|c| c.name.clone()),
            "state": current.map(|c| c.state.label()),
            "applied_at": current.and_then(|c| c.applied_at.clone()),
            "head": head,
            "at_head": current.map(|c| c.version) == head,
            "pending": snapshot.pending(),
        });
        return Ok(printer.json(&value)?);
    }
    printer
        .data(describe_current(&snapshot))
        .map_err(Into::into)
}

/// `20261121000500 events_write_path (head)`, `base (5 pending)`, and so on.
fn describe_current(snapshot: &Snapshot<'_, '_>) -> String {
    let pending = snapshot.pending();
    let Some(current) = snapshot.current() else {
        return format!("base (no migrations applied, {pending} pending)");
    };
    let state = snapshot
        .entries()
        .into_iter()
        .find(|e| e.version == current.version)
        .map_or(State::Unknown, |e| e.state);
    let note = match state {
        State::Unknown => "unknown to this prefect-rs: migrated by a newer one".to_owned(),
        State::Modified | State::Failed => state.label().to_owned(),
        _ if pending == 0 => "head".to_owned(),
        _ => format!("{pending} pending"),
    };
    format!(
        "{} {} ({note})",
        current.version,
        current.name.replace(' ', "_")
    )
}

fn entry_json(e: &Entry) -> serde_json::Value {
    json!({
        "version": e.version,
        "name": e.name,
        "state": e.state.label(),
        "applied_at": e.applied_at,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

impl Direction {
    fn verb(self) -> &'static str {
        match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        }
    }

    fn plan<'m>(
        self,
        snapshot: &Snapshot<'_, 'm>,
        revision: &Revision,
    ) -> Result<Vec<Step<'m>>, Failure> {
        match self {
            Direction::Up => snapshot.plan_upgrade(revision),
            Direction::Down => snapshot.plan_downgrade(revision),
        }
    }
}

/// The SQL of each step to stdout, a summary to stderr; nothing is run. Works on SQLite too (Prefect's does not).
fn print_dry_run(
    steps: &[Step<'_>],
    direction: Direction,
    url: &DatabaseUrl,
    printer: &Printer,
) -> Result<()> {
    let (verb, file) = match direction {
        Direction::Up => ("upgrade", "up"),
        Direction::Down => ("downgrade", "down"),
    };
    for step in steps {
        let migration = match direction {
            Direction::Up => step.up,
            Direction::Down => step.down,
        };
        printer.data(format!("-- {step} ({file})"))?;
        printer.data(migration.sql.as_str().trim_end())?;
        printer.data("")?;
    }
    printer.status(format!(
        "Dry run: {} migration(s) would {verb} the Prefect database at {url}; nothing was changed.",
        steps.len()
    ))?;
    Ok(())
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Left-aligned columns separated by two spaces, without trailing blanks.
fn align(rows: &[[String; 4]]) -> Vec<String> {
    let mut widths = [0usize; 4];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect()
}
