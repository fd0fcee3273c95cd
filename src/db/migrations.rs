//! The migrations embedded in this binary, what a database says it has applied, and how a revision (`head`, `-1`,
//! a version, a prefix) becomes a plan. Nothing here touches a database, so the rules are tested as plain data.

use std::fmt;

use sqlx::migrate::{Migration, Migrator};

use super::Dialect;
use crate::error::Failure;

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// One version: its up and down halves.
#[derive(Clone, Debug)]
pub struct Step<'m> {
    pub version: i64,
    /// As in the file name (sqlx stores it with spaces for underscores).
    pub name: String,
    pub up: &'m Migration,
    pub down: &'m Migration,
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.version, self.name)
    }
}

/// Every version a binary knows for one dialect, oldest first.
pub struct Catalog<'m> {
    steps: Vec<Step<'m>>,
}

impl Catalog<'static> {
    pub fn for_dialect(dialect: Dialect) -> Self {
        let migrator = match dialect {
            Dialect::Sqlite => &SQLITE,
            Dialect::Postgres => &POSTGRES,
        };
        Catalog::new(migrator).expect("embedded migrations are checked by a unit test")
    }
}

impl<'m> Catalog<'m> {
    /// Pairs each version's up and down files; a version without both is an error (sqlx would silently skip it).
    pub fn new(migrator: &'m Migrator) -> Result<Self, String> {
        let mut steps = Vec::new();
        let ups = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration());
        for up in ups {
            let down = migrator
                .iter()
                .find(|m| m.version == up.version && m.migration_type.is_down_migration())
                .ok_or_else(|| {
                    format!(
                        "migration {} {} has no .down.sql",
                        up.version, up.description
                    )
                })?;
            steps.push(Step {
                version: up.version,
                name: file_name(&up.description),
                up,
                down,
            });
        }
        if let Some(orphan) = migrator
            .iter()
            .find(|m| !steps.iter().any(|s| s.version == m.version))
        {
            return Err(format!(
                "migration {} {} has no .up.sql",
                orphan.version, orphan.description
            ));
        }
        Ok(Self { steps })
    }

    pub fn steps(&self) -> &[Step<'m>] {
        &self.steps
    }

    pub fn head(&self) -> Option<&Step<'m>> {
        self.steps.last()
    }

    fn find(&self, version: i64) -> Option<&Step<'m>> {
        self.steps.iter().find(|s| s.version == version)
    }
}

/// A row of the database's migration table (`_sqlx_migrations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    /// RFC 3339, UTC.
    pub applied_at: Option<String>,
    pub success: bool,
    pub checksum: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Applied,
    Pending,
    /// Applied, but the binary's file differs from what ran.
    Modified,
    /// Recorded as failed part-way (older sqlx versions wrote such rows).
    Failed,
    /// Applied by a binary that knows migrations this one does not.
    Unknown,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Modified => "modified",
            State::Failed => "failed",
            State::Unknown => "unknown",
        }
    }
}

/// One line of `history`.
#[derive(Clone, Debug)]
pub struct Entry {
    pub version: i64,
    pub name: String,
    pub state: State,
    pub applied_at: Option<String>,
}

/// The binary's migrations next to what one database has applied.
pub struct Snapshot<'c, 'm> {
    pub catalog: &'c Catalog<'m>,
    pub applied: Vec<Applied>,
}

/// What `-r` asks for, before it is resolved against a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    Head,
    Base,
    Relative(i64),
    Named(String),
}

impl Revision {
    pub fn parse(text: &str) -> Revision {
        let text = text.trim();
        match text.to_ascii_lowercase().as_str() {
            "head" | "heads" => return Revision::Head,
            "base" => return Revision::Base,
            _ => {}
        }
        let relative = text
            .strip_prefix('+')
            .or_else(|| text.starts_with('-').then_some(text))
            .and_then(|n| n.parse::<i64>().ok());
        match relative {
            Some(n) => Revision::Relative(n),
            None => Revision::Named(text.to_owned()),
        }
    }
}

impl<'c, 'm> Snapshot<'c, 'm> {
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .catalog
            .steps()
            .iter()
            .map(|step| {
                let applied = self.applied.iter().find(|a| a.version == step.version);
                let state = match applied {
                    None => State::Pending,
                    Some(a) if !a.success => State::Failed,
                    Some(a) if a.checksum != *step.up.checksum => State::Modified,
                    Some(_) => State::Applied,
                };
                Entry {
                    version: step.version,
                    name: step.name.clone(),
                    state,
                    applied_at: applied.and_then(|a| a.applied_at.clone()),
                }
            })
            .collect();
        entries.extend(
            self.applied
                .iter()
                .filter(|a| self.catalog.find(a.version).is_none())
                .map(|a| Entry {
                    version: a.version,
                    name: file_name(&a.name),
                    state: State::Unknown,
                    applied_at: a.applied_at.clone(),
                }),
        );
        entries.sort_by_key(|e| e.version);
        entries
    }

    /// The newest applied version (known or not), `None` at base.
    pub fn current(&self) -> Option<&Applied> {
        self.applied.iter().max_by_key(|a| a.version)
    }

    pub fn pending(&self) -> usize {
        self.entries()
            .iter()
            .filter(|e| e.state == State::Pending)
            .count()
    }

    /// Refuses a database this binary must not touch: one migrated by a newer prefect-rs, one whose applied
    /// migrations differ from ours, or one a migration left half-done.
    pub fn check_known(&self) -> Result<(), Failure> {
        let entries = self.entries();
        let list = |state: State| -> Vec<String> {
            entries
                .iter()
                .filter(|e| e.state == state)
                .map(|e| {
                    let at = e
                        .applied_at
                        .as_deref()
                        .map(|t| format!(" (applied {t})"))
                        .unwrap_or_default();
                    format!("{} {}{at}", e.version, e.name)
                })
                .collect()
        };
        let unknown = list(State::Unknown);
        if !unknown.is_empty() {
            return Err(Failure::new(format!(
                "This database was migrated by a newer prefect-rs: it has migrations this binary ({}) does not \
                 know: {}. Nothing was changed.",
                env!("CARGO_PKG_VERSION"),
                unknown.join(", ")
            ))
            .hint("use the newer prefect-rs (or downgrade the database with it first), or point \
                   PREFECT_SERVER_DATABASE_CONNECTION_URL at another database"));
        }
        let modified = list(State::Modified);
        if !modified.is_empty() {
            return Err(Failure::new(format!(
                "Applied migrations differ from this binary's: {} changed after it ran on this database (its \
                 checksum differs). Nothing was changed.",
                modified.join(", ")
            ))
            .hint("use the prefect-rs that migrated this database, or start over with: prefect-rs server database reset"));
        }
        let failed = list(State::Failed);
        if !failed.is_empty() {
            return Err(Failure::new(format!(
                "A migration was left half-done on this database: {}. Nothing was changed.",
                failed.join(", ")
            ))
            .hint("restore a backup, or start over with: prefect-rs server database reset"));
        }
        Ok(())
    }

    /// The steps `upgrade -r REV` runs, oldest first.
    pub fn plan_upgrade(&self, revision: &Revision) -> Result<Vec<Step<'m>>, Failure> {
        let pending: Vec<Step<'m>> = self
            .catalog
            .steps()
            .iter()
            .filter(|s| !self.is_applied(s.version))
            .cloned()
            .collect();
        let current = self.current().map(|a| a.version);
        let target =
            match revision {
                Revision::Head => return Ok(pending),
                Revision::Base => {
                    return Err(Failure::new("upgrade cannot go to base").hint(
                        "to revert every migration: prefect-rs server database downgrade -r base",
                    ));
                }
                Revision::Relative(n) if *n <= 0 => {
                    return Err(Failure::new(format!("upgrade cannot go back ({n})")).hint(
                        format!("to revert: prefect-rs server database downgrade -r {n}"),
                    ));
                }
                Revision::Relative(n) => {
                    let n = *n as usize;
                    if n > pending.len() {
                        return Err(Failure::new(format!(
                            "Cannot upgrade by {n}: only {} migration(s) are pending",
                            pending.len()
                        ))
                        .hint("to apply them all: prefect-rs server database upgrade"));
                    }
                    return Ok(pending[..n].to_vec());
                }
                Revision::Named(name) => self.resolve(name)?,
            };
        if current.is_some_and(|c| target.version < c) {
            return Err(Failure::new(format!(
                "{target} is older than the database's current version {}",
                current.unwrap_or_default()
            ))
            .hint(format!(
                "to go back to it: prefect-rs server database downgrade -r {}",
                target.version
            )));
        }
        Ok(pending
            .into_iter()
            .filter(|s| s.version <= target.version)
            .collect())
    }

    /// The steps `downgrade -r REV` reverts, newest first. Like Alembic, the target itself stays applied.
    pub fn plan_downgrade(&self, revision: &Revision) -> Result<Vec<Step<'m>>, Failure> {
        let mut applied: Vec<Step<'m>> = self
            .catalog
            .steps()
            .iter()
            .filter(|s| self.is_applied(s.version))
            .cloned()
            .collect();
        applied.reverse();
        let keep_from = match revision {
            Revision::Base => return Ok(applied),
            Revision::Head => {
                return Err(Failure::new("downgrade cannot go to head")
                    .hint("to apply pending migrations: prefect-rs server database upgrade"));
            }
            Revision::Relative(n) if *n >= 0 => {
                return Err(
                    Failure::new(format!("downgrade cannot go forward (+{n})")).hint(format!(
                        "to apply migrations: prefect-rs server database upgrade -r +{n}"
                    )),
                );
            }
            Revision::Relative(n) => {
                let n = n.unsigned_abs() as usize;
                if n > applied.len() && !applied.is_empty() {
                    return Err(Failure::new(format!(
                        "Cannot downgrade by {n}: only {} migration(s) are applied",
                        applied.len()
                    ))
                    .hint("to revert them all: prefect-rs server database downgrade -r base"));
                }
                return Ok(applied.into_iter().take(n).collect());
            }
            Revision::Named(name) => self.resolve(name)?,
        };
        if let Some(current) = self.current()
            && keep_from.version > current.version
        {
            return Err(Failure::new(format!(
                "{keep_from} is newer than the database's current version {}",
                current.version
            ))
            .hint(format!(
                "to go forward to it: prefect-rs server database upgrade -r {}",
                keep_from.version
            )));
        }
        Ok(applied
            .into_iter()
            .filter(|s| s.version > keep_from.version)
            .collect())
    }

    fn is_applied(&self, version: i64) -> bool {
        self.applied.iter().any(|a| a.version == version)
    }

    /// A version, `<version>_<name>`, or a unique prefix of a version or a name.
    fn resolve(&self, text: &str) -> Result<Step<'m>, Failure> {
        let text = file_name(text);
        let text = text.as_str();
        let steps = self.catalog.steps();
        let exact = steps
            .iter()
            .find(|s| s.version.to_string() == text || format!("{}_{}", s.version, s.name) == text);
        if let Some(step) = exact {
            return Ok(step.clone());
        }
        let matches: Vec<&Step<'m>> = steps
            .iter()
            .filter(|s| {
                !text.is_empty()
                    && (s.version.to_string().starts_with(text) || s.name.starts_with(text))
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => {
                Err(Failure::new(format!("Unknown revision '{text}'")).hint(self.valid_revisions()))
            }
            many => Err(Failure::new(format!(
                "Revision '{text}' is ambiguous: it matches {}",
                many.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .hint(self.valid_revisions())),
        }
    }

    fn valid_revisions(&self) -> String {
        let versions: Vec<String> = self.catalog.steps().iter().map(|s| s.to_string()).collect();
        format!(
            "valid revisions: head, base, -N, +N, or a version or unique prefix of one of: {}",
            versions.join(", ")
        )
    }
}

/// sqlx records `task_runs` as "task runs"; we show and match the file's spelling.
fn file_name(description: &str) -> String {
    description.replace(' ', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(catalog: &Catalog, count: usize) -> Vec<Applied> {
        catalog.steps()[..count]
            .iter()
            .map(|s| Applied {
                version: s.version,
                name: s.name.clone(),
                applied_at: None,
                success: true,
                checksum: s.up.checksum.to_vec(),
            })
            .collect()
    }

    fn versions(steps: &[Step]) -> Vec<i64> {
        steps.iter().map(|s| s.version).collect()
    }

    #[test]
    fn both_dialects_have_the_same_reversible_versions() {
        let sqlite = Catalog::for_dialect(Dialect::Sqlite);
        let postgres = Catalog::for_dialect(Dialect::Postgres);
        let names =
            |c: &Catalog| -> Vec<String> { c.steps().iter().map(|s| s.to_string()).collect() };
        assert_eq!(names(&sqlite), names(&postgres));
        assert!(
            sqlite.steps().len() >= 4,
            "one migration per group of tables"
        );
    }

    #[test]
    fn revisions_parse_like_alembic() {
        assert_eq!(Revision::parse("head"), Revision::Head);
        assert_eq!(Revision::parse("base"), Revision::Base);
        assert_eq!(Revision::parse("-1"), Revision::Relative(-1));
        assert_eq!(Revision::parse("+2"), Revision::Relative(2));
        assert_eq!(Revision::parse("2026"), Revision::Named("2026".into()));
        assert_eq!(Revision::parse("-x"), Revision::Named("-x".into()));
    }

    #[test]
    fn upgrade_plans() {
        let catalog = Catalog::for_dialect(Dialect::Sqlite);
        let all = versions(catalog.steps());
        let snap = Snapshot {
            catalog: &catalog,
            applied: applied(&catalog, 1),
        };
        assert_eq!(
            versions(&snap.plan_upgrade(&Revision::Head).unwrap()),
            all[1..]
        );
        assert_eq!(
            versions(&snap.plan_upgrade(&Revision::Relative(1)).unwrap()),
            all[1..2]
        );
        let by_name = Revision::Named(catalog.steps()[2].name.clone());
        assert_eq!(versions(&snap.plan_upgrade(&by_name).unwrap()), all[1..3]);
        assert!(snap.plan_upgrade(&Revision::Relative(99)).is_err());
        assert!(snap.plan_upgrade(&Revision::Relative(-1)).is_err());
        assert!(snap.plan_upgrade(&Revision::Base).is_err());
        let full = Snapshot {
            catalog: &catalog,
            applied: applied(&catalog, all.len()),
        };
        assert!(full.plan_upgrade(&Revision::Head).unwrap().is_empty());
        let older = Revision::Named(all[0].to_string());
        assert!(
            full.plan_upgrade(&older)
                .unwrap_err()
                .message
                .contains("older")
        );
    }

    #[test]
    fn downgrade_plans_keep_the_target() {
        let catalog = Catalog::for_dialect(Dialect::Sqlite);
        let all = versions(catalog.steps());
        let snap = Snapshot {
            catalog: &catalog,
            applied: applied(&catalog, 3),
        };
        assert_eq!(
            versions(&snap.plan_downgrade(&Revision::Relative(-1)).unwrap()),
            vec![all[2]]
        );
        assert_eq!(
            versions(&snap.plan_downgrade(&Revision::Base).unwrap()),
            vec![all[2], all[1], all[0]]
        );
        let keep_first = Revision::Named(all[0].to_string());
        assert_eq!(
            versions(&snap.plan_downgrade(&keep_first).unwrap()),
            vec![all[2], all[1]]
        );
        assert!(snap.plan_downgrade(&Revision::Relative(-4)).is_err());
        assert!(snap.plan_downgrade(&Revision::Relative(1)).is_err());
        let newer = Revision::Named(all[3].to_string());
        assert!(
            snap.plan_downgrade(&newer)
                .unwrap_err()
                .message
                .contains("newer")
        );
    }

    #[test]
    fn unknown_and_ambiguous_revisions_list_the_valid_ones() {
        let catalog = Catalog::for_dialect(Dialect::Sqlite);
        let snap = Snapshot {
            catalog: &catalog,
            applied: vec![],
        };
        let err = snap
            .plan_upgrade(&Revision::Named("bogus".into()))
            .unwrap_err();
        assert_eq!(err.message, "Unknown revision 'bogus'");
        assert!(err.hints[0].contains(&catalog.steps()[0].to_string()));
        let err = snap
            .plan_upgrade(&Revision::Named("2026".into()))
            .unwrap_err();
        assert!(err.message.contains("ambiguous"), "{}", err.message);
    }

    #[test]
    fn databases_this_binary_must_not_touch_are_refused() {
        let catalog = Catalog::for_dialect(Dialect::Sqlite);
        let mut rows = applied(&catalog, 2);
        rows.push(Applied {
            version: 29991231000000,
            name: "from_the_future".into(),
            applied_at: Some("2999-12-31T00:00:00Z".into()),
            success: true,
            checksum: vec![1],
        });
        let snap = Snapshot {
            catalog: &catalog,
            applied: rows,
        };
        let err = snap.check_known().unwrap_err();
        assert!(err.message.contains("newer prefect-rs"), "{}", err.message);
        assert!(err.message.contains("29991231000000 from_the_future"));

        let mut rows = applied(&catalog, 2);
        rows[1].checksum = vec![0];
        let snap = Snapshot {
            catalog: &catalog,
            applied: rows,
        };
        let err = snap.check_known().unwrap_err();
        assert!(
            err.message.contains(&catalog.steps()[1].to_string()),
            "{}",
            err.message
        );
    }
}
