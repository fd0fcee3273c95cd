//! Database URLs in the forms Prefect accepts (SQLAlchemy's), parsed once into what we connect with.
//!
//! SQLite: `sqlite+aiosqlite:///relative.db`, `sqlite:////absolute/path.db`, and in-memory as `sqlite://`,
//! `sqlite:///:memory:` or `sqlite:///file::memory:?cache=shared&uri=true`.
//! PostgreSQL: `postgresql+asyncpg://user:pass@host:port/db`, `postgresql://…`, `postgres://…`, with `ssl`/`sslmode`,
//! `sslrootcert`, `application_name` and a socket directory as `host=` in the query.
//! The password never leaves this module unmasked except inside the connect options.

use std::fmt;
use std::path::PathBuf;

const SQLITE_SCHEMES: &[&str] = &["sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"];
const POSTGRES_SCHEMES: &[&str] = &[
    "postgresql",
    "postgres",
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg2",
];
/// SQLite query parameters Prefect users copy from SQLAlchemy examples; none changes how we open the file.
const SQLITE_IGNORED_PARAMS: &[&str] = &["uri", "cache", "check_same_thread", "timeout"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// `None` is an in-memory database.
    Sqlite(Option<PathBuf>),
    Postgres(PgTarget),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgTarget {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub database: Option<String>,
    /// Socket directory given as `?host=/run/postgresql`.
    pub socket: Option<PathBuf>,
    pub ssl_mode: Option<String>,
    pub ssl_root_cert: Option<PathBuf>,
    pub application_name: Option<String>,
}

/// A parsed database URL that remembers how the user wrote it, for messages.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    pub target: Target,
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.masked())
    }
}

/// The URL as the user wrote it with the password replaced by `***`, as SQLAlchemy's repr (and Prefect) shows it.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(format!(
                "Input should be a database URL such as sqlite+aiosqlite:///path/to/prefect.db or \
                 postgresql+asyncpg://user:password@host:5432/db, got {:?}",
                mask_password(raw)
            ));
        };
        let scheme_lower = scheme.to_ascii_lowercase();
        let target = if SQLITE_SCHEMES.contains(&scheme_lower.as_str()) {
            Target::Sqlite(parse_sqlite(rest)?)
        } else if POSTGRES_SCHEMES.contains(&scheme_lower.as_str()) {
            Target::Postgres(parse_postgres(raw)?)
        } else {
            return Err(format!(
                "Unsupported database {scheme:?}: prefect-rs runs on SQLite (sqlite+aiosqlite:///…) or PostgreSQL \
                 (postgresql+asyncpg://…)"
            ));
        };
        Ok(Self {
            raw: raw.to_owned(),
            target,
        })
    }

    pub fn masked(&self) -> String {
        mask_password(&self.raw)
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self.target, Target::Sqlite(_))
    }

    /// The SQLite file, when this is a file-backed SQLite database.
    pub fn sqlite_path(&self) -> Option<&PathBuf> {
        match &self.target {
            Target::Sqlite(path) => path.as_ref(),
            Target::Postgres(_) => None,
        }
    }
}

fn parse_sqlite(rest: &str) -> Result<Option<PathBuf>, String> {
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    for (key, _) in query_pairs(query) {
        if !SQLITE_IGNORED_PARAMS.contains(&key.as_str()) {
            return Err(format!(
                "Unsupported SQLite URL parameter {key:?}; remove it from the URL"
            ));
        }
    }
    // SQLAlchemy: `sqlite://` + host (always empty) + `/` + path; `sqlite:////abs` is an absolute path.
    let Some(path) = location.strip_prefix('/') else {
        if location.is_empty() {
            return Ok(None);
        }
        return Err(format!(
            "A SQLite URL has three slashes before a relative path and four before an absolute one \
             (sqlite+aiosqlite:////var/lib/prefect.db), got a host {location:?}"
        ));
    };
    if path.is_empty() || path == ":memory:" || path.starts_with("file::memory:") {
        return Ok(None);
    }
    let path = path.strip_prefix("file:").unwrap_or(path);
    Ok(Some(PathBuf::from(percent_decode(path)?)))
}

fn parse_postgres(raw: &str) -> Result<PgTarget, String> {
    // The `url` crate needs a scheme it knows the shape of; the driver suffix plays no part after this point.
    let (_, rest) = raw.split_once("://").expect("checked by the caller");
    // libpq allows an empty host (`postgresql://user@/db?host=/run/postgresql`); the `url` crate does not, so
    // parse with a stand-in and forget it.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host_missing = rest[..authority_end]
        .rsplit('@')
        .next()
        .is_none_or(str::is_empty);
    let stand_in = if host_missing {
        let at = rest[..authority_end].rfind('@').map_or(0, |i| i + 1);
        format!("{}localhost{}", &rest[..at], &rest[at..])
    } else {
        rest.to_owned()
    };
    let url = url::Url::parse(&format!("postgresql://{stand_in}"))
        .map_err(|e| format!("Invalid PostgreSQL URL {:?}: {e}", mask_password(raw)))?;
    let decode = |s: &str| percent_decode(s);
    let mut target = PgTarget {
        host: url.host_str().filter(|_| !host_missing).map(str::to_owned),
        port: url.port(),
        user: Some(decode(url.username())?).filter(|u| !u.is_empty()),
        password: url.password().map(decode).transpose()?,
        database: Some(decode(url.path().trim_start_matches('/'))?).filter(|d| !d.is_empty()),
        socket: None,
        ssl_mode: None,
        ssl_root_cert: None,
        application_name: None,
    };
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            // asyncpg spells it `ssl` (and accepts true/false), libpq `sslmode`.
            "ssl" | "sslmode" => {
                let mode = match value.to_ascii_lowercase().as_str() {
                    "true" => "require".to_owned(),
                    "false" => "disable".to_owned(),
                    other => other.to_owned(),
                };
                const MODES: &[&str] = &[
                    "disable",
                    "allow",
                    "prefer",
                    "require",
                    "verify-ca",
                    "verify-full",
                ];
                if !MODES.contains(&mode.as_str()) {
                    return Err(format!(
                        "Unknown {key} {value:?}; use one of {}",
                        MODES.join(", ")
                    ));
                }
                target.ssl_mode = Some(mode);
            }
            "sslrootcert" => target.ssl_root_cert = Some(PathBuf::from(value.as_ref())),
            "application_name" => target.application_name = Some(value.into_owned()),
            "host" if value.starts_with('/') => target.socket = Some(PathBuf::from(value.as_ref())),
            "host" => target.host = Some(value.into_owned()),
            "port" => {
                target.port = Some(
                    value
                        .parse()
                        .map_err(|_| format!("Invalid port {value:?} in the PostgreSQL URL"))?,
                )
            }
            _ => {
                return Err(format!(
                    "Unsupported PostgreSQL URL parameter {key:?}; prefect-rs understands ssl, sslmode, \
                     sslrootcert, application_name, host and port"
                ));
            }
        }
    }
    Ok(target)
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn percent_decode(text: &str) -> Result<String, String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| format!("Invalid percent-escape in {text:?}: not UTF-8"))
}

/// Replaces the password in `scheme://user:password@host/…` (and a `password=` query value) with `***`.
/// Works on any text, valid URL or not, so even a URL we refuse is never echoed with its password.
pub fn mask_password(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(raw: &str) -> Option<PathBuf> {
        match DatabaseUrl::parse(raw).unwrap().target {
            Target::Sqlite(path) => path,
            Target::Postgres(_) => panic!("{raw} parsed as PostgreSQL"),
        }
    }

    fn pg(raw: &str) -> PgTarget {
        match DatabaseUrl::parse(raw).unwrap().target {
            Target::Postgres(pg) => pg,
            Target::Sqlite(_) => panic!("{raw} parsed as SQLite"),
        }
    }

    #[test]
    fn sqlite_paths_follow_sqlalchemy_slash_rules() {
        assert_eq!(
            sqlite("sqlite+aiosqlite:////home/u/.prefect/prefect.db"),
            Some(PathBuf::from("/home/u/.prefect/prefect.db"))
        );
        assert_eq!(sqlite("sqlite:///rel.db"), Some(PathBuf::from("rel.db")));
        assert_eq!(sqlite("sqlite://"), None);
        assert_eq!(sqlite("sqlite+aiosqlite:///:memory:"), None);
        assert_eq!(
            sqlite("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true"),
            None
        );
        assert_eq!(
            sqlite("sqlite:////tmp/with%20space.db"),
            Some(PathBuf::from("/tmp/with space.db"))
        );
        assert!(DatabaseUrl::parse("sqlite://host/x.db").is_err());
        assert!(DatabaseUrl::parse("sqlite:///x.db?mode=ro").is_err());
    }

    #[test]
    fn postgres_forms_and_parameters() {
        let t = pg("postgresql+asyncpg://pre%40fect:p%3Ass@db.internal:6543/prefect?ssl=true");
        assert_eq!(t.user.as_deref(), Some("pre@fect"));
        assert_eq!(t.password.as_deref(), Some("p:ss"));
        assert_eq!(t.host.as_deref(), Some("db.internal"));
        assert_eq!(t.port, Some(6543));
        assert_eq!(t.database.as_deref(), Some("prefect"));
        assert_eq!(t.ssl_mode.as_deref(), Some("require"));
        let t = pg("postgres://u@/prefect?host=/run/postgresql");
        assert_eq!(t.socket, Some(PathBuf::from("/run/postgresql")));
        assert_eq!(t.password, None);
        assert!(DatabaseUrl::parse("postgresql://u@h/db?sslmode=sometimes").is_err());
        assert!(DatabaseUrl::parse("postgresql://u@h/db?pool_size=5").is_err());
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
        assert!(DatabaseUrl::parse("not a url").is_err());
    }

    #[test]
    fn passwords_are_masked_everywhere() {
        let url = DatabaseUrl::parse("postgresql+asyncpg://u:s3cret@h:5432/db").unwrap();
        assert_eq!(url.to_string(), "postgresql+asyncpg://u:***@h:5432/db");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            mask_password("postgresql://u:s3cret@h/db?password=x&ssl=true"),
            "postgresql://u:***@h/db?password=***&ssl=true"
        );
        assert_eq!(mask_password("postgresql://u@h/db"), "postgresql://u@h/db");
        let err = DatabaseUrl::parse("postgresql://u:s3cret@h:notaport/db").unwrap_err();
        assert!(!err.contains("s3cret"), "{err}");
    }
}
