//! `config.toml`, the stack file: prefect-rs's own settings for how `server start` runs the stack, which Prefect
//! has no names for. It lives at `$PREFECT_HOME/config.toml` as nested TOML.
//!
//! Naming rule: a key's environment variable is `PREFECT_RS_` followed by its TOML path, upper-cased and joined
//! with `_`: `[postgres] volume_path` is `PREFECT_RS_POSTGRES_VOLUME_PATH`. No Prefect setting starts with
//! `PREFECT_RS_` (a test checks), so the two families never collide. The environment beats the file, which beats
//! the default. `config set`, `unset` and `view` take these names like any other setting.

use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::{DocumentMut, Item, Table, value};

use super::kind::{Bounds, Kind, parse_bool};
use super::tomlfile;
use crate::fsutil;

pub const PREFIX: &str = "PREFECT_RS_";

#[derive(Clone, Copy, Debug)]
pub enum StackDefault {
    Unset,
    Static(&'static str),
    /// `$PREFECT_HOME/<relative>`.
    InHome(&'static str),
    /// `http://<server.host_ip>:<server.port>/api`, so the browser reaches the server at its published address.
    PublishedApiUrl,
}

#[derive(Debug)]
pub struct StackKey {
    pub name: &'static str,
    pub path: &'static [&'static str],
    pub kind: Kind,
    pub default: StackDefault,
    pub secret: bool,
    pub help: &'static str,
}

macro_rules! key {
    ($name:literal, [$($p:literal),+], $kind:expr, $default:expr, $secret:literal, $help:literal) => {
        StackKey { name: $name, path: &[$($p),+], kind: $kind, default: $default, secret: $secret, help: $help }
    };
}

pub const KEYS: &[StackKey] = &[
    key!(
        "PREFECT_RS_SERVER_MODE",
        ["server", "mode"],
        Kind::Choice(&["docker", "process"]),
        StackDefault::Static("docker"),
        false,
        "How `server start` runs the server: `docker` (PostgreSQL + server containers) or `process` (in this process)."
    ),
    key!(
        "PREFECT_RS_SERVER_IMAGE",
        ["server", "image"],
        Kind::Text,
        StackDefault::Static("prefecthq/prefect:3-latest"),
        false,
        "The server image in Docker mode."
    ),
    key!(
        "PREFECT_RS_SERVER_FLAVOR",
        ["server", "flavor"],
        Kind::Choice(&["prefect", "prefect-rs"]),
        StackDefault::Static("prefect"),
        false,
        "What the server image runs: `prefect` (Prefect's `prefect server start`) or `prefect-rs` (this binary's server)."
    ),
    key!(
        "PREFECT_RS_SERVER_MAX_CONNECTIONS",
        ["server", "max_connections"],
        Kind::Int(Bounds::between(1.0, 16_777_216.0, "4096")),
        StackDefault::Static("4096"),
        false,
        "In-process server: open connections (websockets included) beyond this many are answered 503 and closed."
    ),
    key!(
        "PREFECT_RS_SERVER_SERVICES_ZOMBIES_ENABLED",
        ["server", "services", "zombies", "enabled"],
        Kind::Bool,
        StackDefault::Static("false"),
        false,
        "In-process server: mark Crashed the Running flow runs whose heartbeats (PREFECT_FLOWS_HEARTBEAT_FREQUENCY on the clients) stopped, and reschedule those of a deployment with retries left. Off by default; Prefect's server has no such service."
    ),
    key!(
        "PREFECT_RS_SERVER_SERVICES_ZOMBIES_LOOP_SECONDS",
        ["server", "services", "zombies", "loop_seconds"],
        Kind::Float(Bounds::between(0.01, 86_400.0, "20")),
        StackDefault::Static("20"),
        false,
        "In-process server: how often the zombies service looks for silent runs, in seconds."
    ),
    key!(
        "PREFECT_RS_SERVER_SERVICES_ZOMBIES_AFTER_SECONDS",
        ["server", "services", "zombies", "after_seconds"],
        Kind::Float(Bounds::between(1.0, 31_536_000.0, "540")),
        StackDefault::Static("540"),
        false,
        "In-process server: seconds without a heartbeat (or state change) after which a Running flow run is a zombie; keep it a few times the clients' PREFECT_FLOWS_HEARTBEAT_FREQUENCY (180 by default)."
    ),
    key!(
        "PREFECT_RS_SERVER_HOST_IP",
        ["server", "host_ip"],
        Kind::IpAddr,
        StackDefault::Static("127.0.0.1"),
        false,
        "Host address the server's port is published on."
    ),
    key!(
        "PREFECT_RS_SERVER_PORT",
        ["server", "port"],
        Kind::Port,
        StackDefault::Static("4200"),
        false,
        "Host port of the server's API and UI."
    ),
    key!(
        "PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES",
        ["server", "max_request_body_bytes"],
        // Up to 1 GiB: a body is held in memory whole, so a bound past that protects nothing.
        Kind::Int(Bounds::between(1.0, 1_073_741_824.0, "16777216")),
        StackDefault::Static("16777216"),
        false,
        "The largest request body the in-process server reads, in bytes; a larger one gets 413. The default, 16 MiB, takes the official client's log batches (PREFECT_LOGGING_TO_API_BATCH_SIZE, 4,000,000 bytes, plus their JSON) with room to spare."
    ),
    key!(
        "PREFECT_RS_SERVER_UI_API_URL",
        ["server", "ui", "api_url"],
        Kind::HttpUrl,
        StackDefault::PublishedApiUrl,
        false,
        "The API URL the browser UI calls; derived from the published address unless set."
    ),
    key!(
        "PREFECT_RS_DOCKER_PROJECT",
        ["docker", "project"],
        Kind::Text,
        StackDefault::Static("prefect"),
        false,
        "Docker Compose project name of the stack."
    ),
    key!(
        "PREFECT_RS_POSTGRES_IMAGE",
        ["postgres", "image"],
        Kind::Text,
        StackDefault::Static("postgres:17"),
        false,
        "The PostgreSQL image."
    ),
    key!(
        "PREFECT_RS_POSTGRES_PORT",
        ["postgres", "port"],
        Kind::Port,
        StackDefault::Unset,
        false,
        "Host port to publish PostgreSQL on; not published unless set."
    ),
    key!(
        "PREFECT_RS_POSTGRES_USER",
        ["postgres", "user"],
        Kind::Text,
        StackDefault::Static("prefect"),
        false,
        "PostgreSQL user."
    ),
    key!(
        "PREFECT_RS_POSTGRES_DATABASE",
        ["postgres", "database"],
        Kind::Text,
        StackDefault::Static("prefect"),
        false,
        "PostgreSQL database."
    ),
    key!(
        "PREFECT_RS_POSTGRES_PASSWORD",
        ["postgres", "password"],
        Kind::Text,
        StackDefault::Unset,
        true,
        "PostgreSQL password; generated and stored here on the first `server start`."
    ),
    key!(
        "PREFECT_RS_POSTGRES_USE_VOLUME",
        ["postgres", "use_volume"],
        Kind::Bool,
        StackDefault::Static("false"),
        false,
        "Bind-mount volume_path for PostgreSQL's data instead of a named Docker volume."
    ),
    key!(
        "PREFECT_RS_POSTGRES_VOLUME_PATH",
        ["postgres", "volume_path"],
        Kind::Path,
        StackDefault::InHome("pg_data"),
        false,
        "Host directory for PostgreSQL's data with use_volume."
    ),
];

/// Prefect 1 kept the UI's API URL at `[server.ui] apollo_url` (earlier `graphql_url`) in this same file.
const LEGACY_UI_API_URL: [&str; 2] = ["apollo_url", "graphql_url"];
const UI_API_URL: &str = "PREFECT_RS_SERVER_UI_API_URL";

pub fn lookup(name: &str) -> Option<&'static StackKey> {
    KEYS.iter().find(|k| k.name == name)
}

/// Where a stack value was found in the file.
#[derive(Debug, PartialEq, Eq)]
pub enum Origin {
    Key,
    /// A Prefect 1 key read in place of the current one.
    Legacy(&'static str),
}

pub struct StackFile {
    path: PathBuf,
    doc: DocumentMut,
}

impl StackFile {
    pub fn load(path: PathBuf) -> Result<Self> {
        let doc = tomlfile::read_document(&path)?.unwrap_or_default();
        Ok(Self { path, doc })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw text of `key` in the file, and whether it came from a Prefect 1 key.
    pub fn get(&self, key: &StackKey) -> Option<(String, Origin)> {
        if let Some(text) = self.value_text(key.path) {
            return Some((text, Origin::Key));
        }
        if key.name == UI_API_URL {
            for legacy in LEGACY_UI_API_URL {
                if let Some(text) = self.value_text(&["server", "ui", legacy]) {
                    return Some((text, Origin::Legacy(legacy)));
                }
            }
        }
        None
    }

    /// Stores `raw` as the TOML type the key has (a port as an integer, a flag as a boolean).
    pub fn set(&mut self, key: &StackKey, raw: &str) {
        let typed = match key.kind {
            Kind::Port => value(raw.trim().parse::<i64>().expect("validated before set")),
            Kind::Bool => value(parse_bool(raw).expect("validated before set")),
            _ => value(raw),
        };
        let (leaf, parents) = key.path.split_last().expect("keys have a path");
        let mut table = self.doc.as_table_mut();
        for part in parents {
            let entry = table.entry(part).or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            });
            table = entry.as_table_mut().expect("stack sections are tables");
        }
        table.insert(leaf, typed);
        if key.name == UI_API_URL {
            self.remove_legacy_ui_keys();
        }
    }

    /// Removes `key` (and, for the UI API URL, the Prefect 1 keys it replaces). True when something was removed.
    pub fn unset(&mut self, key: &StackKey) -> bool {
        let (leaf, parents) = key.path.split_last().expect("keys have a path");
        let removed = self
            .table_mut(parents)
            .and_then(|t| t.remove(leaf))
            .is_some();
        let legacy_removed = key.name == UI_API_URL && self.remove_legacy_ui_keys();
        removed || legacy_removed
    }

    pub fn save(&self) -> Result<()> {
        fsutil::write_private_atomic(&self.path, self.doc.to_string().as_bytes())
    }

    fn remove_legacy_ui_keys(&mut self) -> bool {
        let Some(ui) = self.table_mut(&["server", "ui"]) else {
            return false;
        };
        let mut removed = false;
        for legacy in LEGACY_UI_API_URL {
            removed |= ui.remove(legacy).is_some();
        }
        removed
    }

    /// The text of the scalar at `path`, if there is one.
    fn value_text(&self, path: &[&str]) -> Option<String> {
        let mut item = self.doc.as_item();
        for part in path {
            item = item.get(part)?;
        }
        item.is_value().then(|| tomlfile::item_text(item))
    }

    fn table_mut(&mut self, path: &[&str]) -> Option<&mut Table> {
        let mut table = self.doc.as_table_mut();
        for part in path {
            table = table.get_mut(part)?.as_table_mut()?;
        }
        Some(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule_and_never_collide_with_prefect() {
        for key in KEYS {
            let expected = format!("{PREFIX}{}", key.path.join("_").to_ascii_uppercase());
            assert_eq!(key.name, expected);
            assert!(super::super::registry::lookup(key.name).is_none());
        }
        assert!(super::super::registry::all_names().all(|n| !n.starts_with(PREFIX)));
    }

    #[test]
    fn edits_keep_comments_and_types() {
        let mut file = StackFile {
            path: PathBuf::new(),
            doc: "# mine\n[server]\nmode = \"process\" # why\n"
                .parse()
                .unwrap(),
        };
        file.set(lookup("PREFECT_RS_SERVER_PORT").unwrap(), "4300");
        file.set(lookup("PREFECT_RS_POSTGRES_USE_VOLUME").unwrap(), "yes");
        assert_eq!(
            file.doc.to_string(),
            "# mine\n[server]\nmode = \"process\" # why\nport = 4300\n\n[postgres]\nuse_volume = true\n"
        );
    }

    #[test]
    fn prefect1_ui_keys_are_read_and_replaced() {
        let mut file = StackFile {
            path: PathBuf::new(),
            doc: "[server.ui]\napollo_url = \"http://h:4200/graphql\"\n"
                .parse()
                .unwrap(),
        };
        let key = lookup(UI_API_URL).unwrap();
        assert_eq!(
            file.get(key),
            Some(("http://h:4200/graphql".into(), Origin::Legacy("apollo_url")))
        );
        file.set(key, "http://h:4200/api");
        assert_eq!(
            file.get(key),
            Some(("http://h:4200/api".into(), Origin::Key))
        );
        assert!(!file.doc.to_string().contains("apollo_url"));
    }
}
