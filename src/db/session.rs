//! The database the settings point at, and a migration session on it: one connection holding the migration
//! lock, opened the same way by `server database …` and by `server start` (migrations on start).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use super::lock::{InUseLock, MigrationLock, lock_path};
use super::migrations::{Applied, Catalog, Snapshot};
use super::{ConnectOptions, DatabaseUrl, Db, DbConn, Dialect, migrator};
use crate::error::Failure;
use crate::settings::Settings;
use crate::store::block_crypt;

/// Long migrations on a big PostgreSQL database are normal; a lock held longer than this is not.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// The database the settings point at, and how to reach it.
pub struct Target {
    pub url: DatabaseUrl,
    home: PathBuf,
    pub connect_timeout: Duration,
    /// PREFECT_SERVER_DATABASE_TIMEOUT: the longest one of the server's statements may run.
    pub statement_timeout: Duration,
}

impl Target {
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        const NAME: &str = "PREFECT_SERVER_DATABASE_CONNECTION_URL";
        // An invalid URL must not silently fall back to the default database: that would migrate the wrong one.
        if let Some(problem) = settings.problems.iter().find(|p| {
            crate::settings::registry::lookup(&p.name).is_some_and(|n| n.canonical == NAME)
        }) {
            fail_invalid_url(settings, problem)?;
        }
        let raw = settings
            .effective(NAME)
            .expect("the database URL has a default");
        let url = DatabaseUrl::parse(&raw).map_err(Failure::new)?;
        // Every command that opens the database reads or writes block data (the server, the migrations' hooks),
        // so the key setting takes effect here, before any of them connects.
        let key_setting = settings.effective(block_crypt::KEY_SETTING);
        block_crypt::use_key_setting(key_setting.as_deref())
            .map_err(|e| Failure::new(e.to_string()))?;
        let seconds = |name: &str, default: u64| {
            settings
                .effective(name)
                .and_then(|t| t.trim().parse::<f64>().ok())
                .filter(|t| t.is_finite() && *t > 0.0)
                .and_then(|t| Duration::try_from_secs_f64(t).ok())
                .unwrap_or(Duration::from_secs(default))
        };
        Ok(Self {
            url,
            home: settings.home.clone(),
            connect_timeout: seconds("PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", 5),
            statement_timeout: seconds("PREFECT_SERVER_DATABASE_TIMEOUT", 10),
        })
    }

    pub fn dialect(&self) -> Dialect {
        if self.url.is_sqlite() {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        }
    }

    pub fn options(&self, create_sqlite_file: bool) -> ConnectOptions {
        ConnectOptions {
            connect_timeout: self.connect_timeout,
            max_connections: 1,
            create_sqlite_file,
            statement_timeout: None,
        }
    }

    /// True for a SQLite file that does not exist yet: there is nothing to read, and reading must not create it.
    pub fn is_missing_file(&self) -> bool {
        self.url.sqlite_path().is_some_and(|p| !p.exists())
    }
}

fn fail_invalid_url(settings: &Settings, problem: &crate::settings::Problem) -> Result<()> {
    Err(Failure::new(format!(
        "{} from {} is not a usable database URL: {}",
        problem.name,
        settings.describe(problem.source),
        crate::db::url::mask_password(&problem.reason)
    ))
    .hint(format!(
        "fix it with: {}",
        settings.repair_hint(&problem.name, problem.source)
    ))
    .into())
}

/// A connection holding the migration lock, and what the database had applied when the lock was taken.
pub struct Session {
    db: Db,
    pub conn: DbConn,
    lock: Option<MigrationLock>,
    /// Held by migration commands (not by a server's migration on start): no server may use the database meanwhile.
    in_use: Option<InUseLock>,
    /// The PostgreSQL form of `in_use`, on this session.
    in_use_on_session: bool,
    pub catalog: Catalog<'static>,
    applied: Vec<Applied>,
}

impl Session {
    /// For a migration command: connects, takes the migration lock (`on_wait` is told once if another migration
    /// holds it), and refuses while a server uses the database.
    pub async fn open(target: &Target, on_wait: impl Fn(&str)) -> Result<Session> {
        Self::open_with(target, on_wait, true).await
    }

    async fn open_with(
        target: &Target,
        on_wait: impl Fn(&str),
        exclusive_use: bool,
    ) -> Result<Session> {
        let waiting = |holder: String| {
            let on_wait = &on_wait;
            move || on_wait(&holder)
        };
        let file_lock = match target.url.sqlite_path() {
            Some(path) => {
                create_private_file(path, &target.home)?;
                let holder = lock_path(path).display().to_string();
                Some(MigrationLock::sqlite(path, LOCK_WAIT, waiting(holder)).await?)
            }
            None => None,
        };
        let in_use = match target.url.sqlite_path() {
            Some(path) if exclusive_use => Some(InUseLock::exclusive_sqlite(path)?),
            _ => None,
        };
        let db = Db::connect(&target.url, target.options(true)).await?;
        let mut conn = db.acquire().await?;
        let lock = match file_lock {
            Some(lock) => lock,
            None => {
                let holder = "a PostgreSQL advisory lock".to_owned();
                let lock = MigrationLock::postgres(&mut conn, LOCK_WAIT, waiting(holder)).await?;
                if exclusive_use
                    && let Err(refused) = InUseLock::exclusive_postgres(&mut conn).await
                {
                    lock.release(&mut conn).await?;
                    return Err(refused);
                }
                lock
            }
        };
        let applied = migrator::read_applied(&mut conn).await?;
        Ok(Session {
            catalog: Catalog::for_dialect(db.dialect()),
            db,
            conn,
            lock: Some(lock),
            in_use,
            in_use_on_session: exclusive_use && target.url.sqlite_path().is_none(),
            applied,
        })
    }

    pub fn snapshot(&self) -> Snapshot<'_, 'static> {
        Snapshot {
            catalog: &self.catalog,
            applied: self.applied.clone(),
        }
    }

    pub async fn close(mut self) -> Result<()> {
        if let Some(lock) = self.lock.take() {
            if self.in_use_on_session {
                InUseLock::release_postgres(&mut self.conn).await?;
            }
            lock.release(&mut self.conn).await?;
        }
        drop(self.in_use.take());
        drop(self.conn);
        self.db.close().await;
        Ok(())
    }
}

/// A new SQLite database is created 0600 (it will hold secrets); its directory is created only when it is
/// PREFECT_HOME, as any other missing directory is more likely a typo.
fn create_private_file(path: &Path, home: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if path.exists() {
        return Ok(());
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent
        && !parent.is_dir()
    {
        if parent == home {
            crate::fsutil::ensure_private_dir(parent)?;
        } else {
            return Err(Failure::new(format!(
                "Cannot create the SQLite database {}: the directory {} does not exist",
                path.display(),
                parent.display()
            ))
            .hint(format!("create it with: mkdir -p {}", parent.display()))
            .into());
        }
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Failure::new(format!(
            "Cannot create the SQLite database {}: {e}",
            path.display()
        ))
        .into()),
    }
}

/// What is applied, without locking and without creating anything (history, current, --dry-run).
pub async fn read_only_applied(target: &Target) -> Result<Vec<Applied>> {
    if target.is_missing_file() {
        return Ok(Vec::new());
    }
    let db = Db::connect(&target.url, target.options(false)).await?;
    let mut conn = db.acquire().await?;
    let applied = migrator::read_applied(&mut conn).await;
    drop(conn);
    db.close().await;
    applied
}

/// Migrations on server start: refuse a database this binary does not know, then apply what is pending.
/// Returns the steps applied.
pub async fn upgrade_to_head(target: &Target, on_wait: impl Fn(&str)) -> Result<Vec<String>> {
    let mut session = Session::open_with(target, on_wait, false).await?;
    let outcome = async {
        let snapshot = session.snapshot();
        snapshot.check_known()?;
        let steps = snapshot.plan_upgrade(&super::migrations::Revision::Head)?;
        for step in &steps {
            migrator::apply(&mut session.conn, step).await?;
        }
        migrator::check_foreign_keys(&mut session.conn).await?;
        Ok(steps.iter().map(|s| s.to_string()).collect())
    }
    .await;
    session.close().await?;
    outcome
}

/// With migrations on start switched off, the database must already be at this binary's head.
pub async fn require_head(target: &Target) -> Result<()> {
    let catalog = Catalog::for_dialect(target.dialect());
    let snapshot = Snapshot {
        catalog: &catalog,
        applied: read_only_applied(target).await?,
    };
    snapshot.check_known()?;
    let pending = snapshot.pending();
    if pending > 0 {
        return Err(Failure::new(format!(
            "The database at {} has {pending} pending migration(s) and PREFECT_SERVER_DATABASE_MIGRATE_ON_START \
             is false",
            target.url
        ))
        .hint("upgrade it: prefect-rs server database upgrade -y")
        .into());
    }
    Ok(())
}
