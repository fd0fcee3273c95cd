//! Which settings exist. Prefect's own list of names (canonical names, legacy aliases, `prefect.toml` paths and
//! which are secret) is data generated from the Python package (`prefect_settings.tsv`), so any real Prefect
//! setting is accepted and stored, and a typo is refused. The settings an operator of a server uses also get a
//! type and a default here, so their values are checked before they are written.

use std::sync::LazyLock;

use super::kind::{Bounds, Kind};

/// One day: no timeout or interval of ours needs more, and every timer can hold it.
const DAY: f64 = 86_400.0;

/// One name Prefect accepts, as listed by `prefect.settings.legacy._get_valid_setting_names`.
#[derive(Debug)]
pub struct PrefectName {
    pub name: &'static str,
    pub canonical: &'static str,
    /// The dotted path used in `prefect.toml` and `[tool.prefect]`, e.g. `server.api.port`.
    pub accessor: &'static str,
    pub secret: bool,
}

/// Where a default comes from when no source sets a value.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    /// Prefect's default is `None`.
    Unset,
    Static(&'static str),
    /// Derived from other settings (the home directory, the API URL, ...); see `Settings::default_of`.
    Derived,
}

/// A setting we type-check, with Prefect 3's default.
#[derive(Debug)]
pub struct Typed {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Default,
    pub help: &'static str,
}

static NAMES: LazyLock<Vec<PrefectName>> = LazyLock::new(|| {
    include_str!("prefect_settings.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let mut cols = line.split('\t');
            let mut next = || cols.next().expect("prefect_settings.tsv has four columns");
            PrefectName {
                name: next(),
                canonical: next(),
                accessor: next(),
                secret: next() == "secret",
            }
        })
        .collect()
});

pub const TYPED: &[Typed] = &[
    Typed {
        name: "PREFECT_HOME",
        kind: Kind::Path,
        default: Default::Derived,
        help: "Where Prefect keeps profiles, the SQLite database and server files.",
    },
    Typed {
        name: "PREFECT_PROFILES_PATH",
        kind: Kind::Path,
        default: Default::Derived,
        help: "The profiles file.",
    },
    Typed {
        name: "PREFECT_API_URL",
        kind: Kind::HttpUrl,
        default: Default::Unset,
        help: "The API that clients talk to, e.g. http://127.0.0.1:4200/api.",
    },
    Typed {
        name: "PREFECT_API_KEY",
        kind: Kind::Text,
        default: Default::Unset,
        help: "API key for Prefect Cloud.",
    },
    Typed {
        name: "PREFECT_API_AUTH_STRING",
        kind: Kind::Text,
        default: Default::Unset,
        help: "Client side of basic auth, user:password.",
    },
    Typed {
        name: "PREFECT_API_REQUEST_TIMEOUT",
        kind: Kind::Float(Bounds::above(0.0, DAY, "60.0")),
        default: Default::Static("60.0"),
        help: "Client request timeout in seconds.",
    },
    Typed {
        name: "PREFECT_SERVER_API_HOST",
        kind: Kind::Host,
        default: Default::Static("127.0.0.1"),
        help: "Address the server binds to.",
    },
    Typed {
        name: "PREFECT_SERVER_API_PORT",
        kind: Kind::Port,
        default: Default::Static("4200"),
        help: "Port the server listens on.",
    },
    Typed {
        name: "PREFECT_SERVER_API_KEEPALIVE_TIMEOUT",
        kind: Kind::Int(Bounds::between(1.0, DAY, "5")),
        default: Default::Static("5"),
        help: "Seconds an idle keep-alive connection stays open.",
    },
    Typed {
        name: "PREFECT_SERVER_API_AUTH_STRING",
        kind: Kind::Text,
        default: Default::Unset,
        help: "Server side of basic auth, user:password.",
    },
    Typed {
        name: "PREFECT_SERVER_ENCRYPTION_KEY",
        kind: Kind::Text,
        default: Default::Unset,
        help: "Fernet key for block documents' data, used instead of the key kept in the database.",
    },
    Typed {
        name: "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("False"),
        help: "Require CSRF tokens.",
    },
    Typed {
        name: "PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION",
        kind: Kind::Duration,
        default: Default::Static("1:00:00"),
        help: "How long a CSRF token stays valid.",
    },
    Typed {
        name: "PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS",
        kind: Kind::Text,
        default: Default::Static("*"),
        help: "Comma-separated origins allowed to make cross-origin requests.",
    },
    Typed {
        name: "PREFECT_SERVER_API_CORS_ALLOWED_METHODS",
        kind: Kind::Text,
        default: Default::Static("*"),
        help: "Comma-separated methods allowed in cross-origin requests.",
    },
    Typed {
        name: "PREFECT_SERVER_API_CORS_ALLOWED_HEADERS",
        kind: Kind::Text,
        default: Default::Static("*"),
        help: "Comma-separated headers allowed in cross-origin requests.",
    },
    Typed {
        name: "PREFECT_SERVER_DATABASE_CONNECTION_URL",
        kind: Kind::DatabaseUrl,
        default: Default::Derived,
        help: "The server's database.",
    },
    Typed {
        name: "PREFECT_SERVER_DATABASE_MIGRATE_ON_START",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Upgrade the database when the server starts.",
    },
    Typed {
        name: "PREFECT_SERVER_DATABASE_TIMEOUT",
        kind: Kind::Float(Bounds::above(0.0, DAY, "10.0")),
        default: Default::Static("10.0"),
        help: "Statement timeout in seconds.",
    },
    Typed {
        name: "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT",
        kind: Kind::Float(Bounds::above(0.0, DAY, "5.0")),
        default: Default::Static("5.0"),
        help: "Connection timeout in seconds.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the foreman, which marks workers offline and pools, queues and deployments not ready.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "15")),
        default: Default::Static("15.0"),
        help: "Seconds between the foreman's checks.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE",
        kind: Kind::Int(Bounds::between(1.0, DAY, "3")),
        default: Default::Static("3"),
        help: "Heartbeat intervals a worker may miss before it is marked offline.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS",
        kind: Kind::Int(Bounds::between(1.0, DAY, "30")),
        default: Default::Static("30"),
        help: "The heartbeat interval assumed for a worker that did not give one.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS",
        kind: Kind::Int(Bounds::between(1.0, 365.0 * DAY, "60")),
        default: Default::Static("60"),
        help: "Seconds without a poll after which a deployment is marked not ready.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS",
        kind: Kind::Int(Bounds::between(1.0, 365.0 * DAY, "60")),
        default: Default::Static("60"),
        help: "Seconds without a poll after which a work queue is marked not ready.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the late-runs service.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "5")),
        default: Default::Static("5.0"),
        help: "Seconds between the late-runs service's checks.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS",
        // A year: a run later than that is not late but forgotten; turn the service off instead (..._ENABLED).
        kind: Kind::Float(Bounds::between(0.0, 365.0 * DAY, "15")),
        default: Default::Static("15.0"),
        help: "Seconds past its scheduled start after which a run is marked Late.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the pause-expiration service.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_PAUSE_EXPIRATIONS_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "5")),
        default: Default::Static("5.0"),
        help: "Seconds between the pause-expiration service's checks.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the triggers service, which evaluates automations' triggers on the event stream.",
    },
    Typed {
        name: "PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY",
        kind: Kind::Float(Bounds::above(0.0, DAY, "5")),
        default: Default::Static("5.0"),
        help: "Seconds between the triggers service's looks at proactive triggers and closed buckets.",
    },
    Typed {
        name: "PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER",
        kind: Kind::Float(Bounds::between(0.0, DAY, "60")),
        default: Default::Static("60.0"),
        help: "Seconds after its window closes that a trigger's bucket is swept.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the scheduler, which makes deployments' scheduled runs ahead of time.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "60")),
        default: Default::Static("60.0"),
        help: "Seconds between the scheduler's rounds over every deployment.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "5")),
        default: Default::Static("5.0"),
        help: "Seconds between the scheduler's rounds over recently changed deployments.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE",
        kind: Kind::Int(Bounds::between(1.0, 100_000.0, "100")),
        default: Default::Static("100"),
        help: "Deployments the scheduler reads at a time.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS",
        kind: Kind::Int(Bounds::between(0.0, 1000.0, "100")),
        default: Default::Static("100"),
        help: "The most runs the scheduler makes ahead for one schedule in a round.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS",
        kind: Kind::Int(Bounds::between(0.0, 1000.0, "3")),
        default: Default::Static("3"),
        help: "The fewest runs the scheduler keeps ahead for one schedule.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME",
        kind: Kind::Duration,
        default: Default::Static("100 days, 0:00:00"),
        help: "How far ahead the scheduler makes runs at most (default 100 days).",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME",
        kind: Kind::Duration,
        default: Default::Static("1:00:00"),
        help: "How far ahead the scheduler makes runs at least (default 1 hour).",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_SCHEDULER_INSERT_BATCH_SIZE",
        kind: Kind::Int(Bounds::between(1.0, 100_000.0, "500")),
        default: Default::Static("500"),
        help: "Runs the scheduler inserts in one transaction.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Run the service that frees the slots of expired concurrency leases.",
    },
    Typed {
        name: "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS",
        kind: Kind::Float(Bounds::above(0.0, DAY, "15")),
        default: Default::Static("15.0"),
        help: "Seconds between the lease-expiry service's checks.",
    },
    Typed {
        name: "PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS",
        kind: Kind::Float(Bounds::between(0.0, DAY, "10")),
        default: Default::Static("10.0"),
        help: "The longest wait a task refused a tag concurrency slot is told to wait.",
    },
    Typed {
        name: "PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS",
        kind: Kind::Float(Bounds::between(0.0, DAY, "30")),
        default: Default::Static("30"),
        help: "The longest wait a client refused a concurrency slot is told to wait.",
    },
    Typed {
        name: "PREFECT_SERVER_LOGGING_LEVEL",
        kind: Kind::LogLevel,
        default: Default::Static("WARNING"),
        help: "Server log level.",
    },
    Typed {
        name: "PREFECT_LOGGING_LEVEL",
        kind: Kind::LogLevel,
        default: Default::Static("INFO"),
        help: "Client log level.",
    },
    Typed {
        name: "PREFECT_SERVER_UI_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Serve the UI.",
    },
    Typed {
        name: "PREFECT_SERVER_UI_API_URL",
        kind: Kind::HttpUrl,
        default: Default::Derived,
        help: "The API URL the browser UI calls.",
    },
    Typed {
        name: "PREFECT_UI_URL",
        kind: Kind::HttpUrl,
        default: Default::Derived,
        help: "Where the UI is, for links in logs and the CLI.",
    },
    Typed {
        name: "PREFECT_SERVER_ANALYTICS_ENABLED",
        kind: Kind::Bool,
        default: Default::Static("True"),
        help: "Send anonymous usage analytics.",
    },
];

/// Looks a name up: canonical names and legacy aliases both resolve.
pub fn lookup(name: &str) -> Option<&'static PrefectName> {
    NAMES.iter().find(|n| n.name == name)
}

/// The canonical setting behind a `prefect.toml` path such as `server.api.port`.
pub fn by_accessor(path: &str) -> Option<&'static PrefectName> {
    NAMES
        .iter()
        .find(|n| n.accessor == path && n.name == n.canonical)
}

pub fn typed(canonical: &str) -> Option<&'static Typed> {
    TYPED.iter().find(|t| t.name == canonical)
}

pub fn kind_of(canonical: &str) -> Kind {
    typed(canonical).map_or(Kind::Text, |t| t.kind)
}

pub fn is_secret(canonical: &str) -> bool {
    lookup(canonical).is_some_and(|n| n.secret)
}

/// Every name Prefect accepts, canonical first, for completion and help.
pub fn all_names() -> impl Iterator<Item = &'static str> {
    let canonical = NAMES.iter().filter(|n| n.name == n.canonical);
    let aliases = NAMES.iter().filter(|n| n.name != n.canonical);
    canonical.chain(aliases).map(|n| n.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_typed_setting_is_a_canonical_prefect_setting() {
        for typed in TYPED {
            let name = lookup(typed.name)
                .unwrap_or_else(|| panic!("{} is not a Prefect setting", typed.name));
            assert_eq!(name.canonical, typed.name);
        }
    }

    #[test]
    fn aliases_resolve_to_canonical_names() {
        assert_eq!(
            lookup("PREFECT_API_DATABASE_CONNECTION_URL")
                .unwrap()
                .canonical,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL"
        );
        assert_eq!(
            lookup("PREFECT_UI_API_URL").unwrap().canonical,
            "PREFECT_SERVER_UI_API_URL"
        );
        assert_eq!(
            lookup("PREFECT_SERVER_CSRF_PROTECTION_ENABLED")
                .unwrap()
                .canonical,
            "PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED"
        );
        assert_eq!(
            by_accessor("server.api.port").unwrap().name,
            "PREFECT_SERVER_API_PORT"
        );
        assert!(is_secret("PREFECT_SERVER_DATABASE_CONNECTION_URL"));
        assert!(lookup("PREFECT_FOO").is_none());
    }
}
