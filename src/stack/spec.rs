//! What the stack should be: config.toml's stack keys (environment first) plus `server start`'s flags, with the
//! PostgreSQL password generated and stored on first use. This is the template's whole context.

use std::path::PathBuf;

use anyhow::Result;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::error::Failure;
use crate::settings::Settings;
use crate::settings::stack;

#[derive(Clone, Debug, Serialize)]
pub struct StackSpec {
    pub project: String,
    pub version: &'static str,
    pub server: ServerSpec,
    pub postgres: PostgresSpec,
    /// The password was generated now and is not stored yet (see `store_password`).
    #[serde(skip)]
    pub password_is_new: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ServerSpec {
    pub image: String,
    /// `prefect` runs `prefect server start`; `prefect-rs` runs this binary's in-process server.
    pub flavor: String,
    pub host_ip: String,
    pub port: u16,
    pub ui_api_url: String,
    pub database_url: String,
    /// For the prefect-rs flavor: the host directory holding the UI bundles prepared from the host's Python
    /// prefect, mounted into the server's container (its image carries no Python).
    pub ui_static_dir: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PostgresSpec {
    pub image: String,
    pub user: String,
    pub password: String,
    pub database: String,
    pub host_ip: String,
    pub port: Option<u16>,
    pub use_volume: bool,
    pub volume_path: PathBuf,
}

/// Flags of `server start` that override the stack file for one run.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub expose: bool,
    pub postgres_port: Option<u16>,
    pub use_volume: bool,
    pub volume_path: Option<PathBuf>,
}

pub const MASK: &str = "********";

impl StackSpec {
    /// The stack as configured. Generates a PostgreSQL password when none is set; `store_password` keeps it.
    pub fn resolve(settings: &Settings, overrides: &Overrides) -> Result<Self> {
        let (password, password_is_new) = password(settings);
        let get = |name: &str| {
            let key = stack::lookup(name).expect("a known stack key");
            settings.stack_effective(key).unwrap_or_default()
        };
        let host_ip = match (&overrides.host, overrides.expose) {
            (Some(host), _) => host.clone(),
            (None, true) => "0.0.0.0".to_owned(),
            (None, false) => get("PREFECT_RS_SERVER_HOST_IP"),
        };
        host_ip.parse::<std::net::IpAddr>().map_err(|_| {
            Failure::new(format!("Invalid host address to publish on: {host_ip:?}"))
                .hint("give an IP address, e.g. --host 127.0.0.1, or --expose for every interface")
        })?;
        let port = match overrides.port {
            Some(port) => port,
            None => get("PREFECT_RS_SERVER_PORT").parse().unwrap_or(4200),
        };
        let ui_api_url =
            configured_ui_api_url(settings).unwrap_or_else(|| local_api_url(&host_ip, port));
        let postgres_port = overrides
            .postgres_port
            .or_else(|| get("PREFECT_RS_POSTGRES_PORT").parse().ok());
        let volume_path = overrides
            .volume_path
            .clone()
            .unwrap_or_else(|| PathBuf::from(get("PREFECT_RS_POSTGRES_VOLUME_PATH")));
        let volume_path = if volume_path.is_relative() {
            std::env::current_dir()?.join(volume_path)
        } else {
            volume_path
        };
        let user = get("PREFECT_RS_POSTGRES_USER");
        let database = get("PREFECT_RS_POSTGRES_DATABASE");
        let database_url = format!(
            "postgresql+asyncpg://{}:{}@postgres:5432/{}",
            encode(&user),
            encode(&password),
            encode(&database)
        );
        let project = get("PREFECT_RS_DOCKER_PROJECT");
        check_project_name(&project)?;
        let flavor = get("PREFECT_RS_SERVER_FLAVOR");
        let ui_static_dir =
            (flavor == "prefect-rs").then(|| settings.home.join("stack-ui").display().to_string());
        Ok(Self {
            project,
            version: env!("CARGO_PKG_VERSION"),
            server: ServerSpec {
                image: get("PREFECT_RS_SERVER_IMAGE"),
                flavor,
                host_ip: host_ip.clone(),
                port,
                ui_api_url,
                database_url,
                ui_static_dir,
            },
            postgres: PostgresSpec {
                image: get("PREFECT_RS_POSTGRES_IMAGE"),
                user,
                password,
                database,
                host_ip,
                port: postgres_port,
                use_volume: overrides.use_volume
                    || overrides.volume_path.is_some()
                    || get("PREFECT_RS_POSTGRES_USE_VOLUME") == "true",
                volume_path,
            },
            password_is_new,
        })
    }

    /// Stores a newly generated password in config.toml (0600), before anything is created with it.
    pub fn store_password(&self, settings: &mut Settings) -> Result<()> {
        if self.password_is_new {
            let key = stack::lookup("PREFECT_RS_POSTGRES_PASSWORD").expect("a known stack key");
            settings.stack.set(key, &self.postgres.password);
            settings.stack.save()?;
        }
        Ok(())
    }

    /// The same stack with its password replaced by `********`, for anything shown to a person.
    pub fn masked(&self) -> Self {
        let mut shown = self.clone();
        shown.server.database_url = shown
            .server
            .database_url
            .replace(&encode(&self.postgres.password), MASK);
        shown.postgres.password = MASK.to_owned();
        shown
    }

    /// Where clients reach the API from this machine.
    pub fn api_url(&self) -> String {
        local_api_url(&self.server.host_ip, self.server.port)
    }
}

/// PREFECT_RS_SERVER_UI_API_URL when set explicitly (its default follows the stack file, not this run's flags).
fn configured_ui_api_url(settings: &Settings) -> Option<String> {
    let key = stack::lookup("PREFECT_RS_SERVER_UI_API_URL").expect("a known stack key");
    settings.stack_get(key).map(|(url, ..)| url)
}

/// The API at the published address (the rule of config.toml's derived `[server.ui] api_url`).
pub fn local_api_url(host_ip: &str, port: u16) -> String {
    crate::settings::published_api_url(host_ip, &port.to_string())
}

/// Compose's rule for project names: lowercase letters, digits, `-` and `_`, starting with a letter or digit.
fn check_project_name(name: &str) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(Failure::new(format!("Invalid Docker project name {name:?} (PREFECT_RS_DOCKER_PROJECT)"))
        .hint("use lowercase letters, digits, - and _, e.g.: prefect-rs config set PREFECT_RS_DOCKER_PROJECT=prefect")
        .into())
}

/// The configured password, or a new one (true) that nothing has stored yet.
fn password(settings: &Settings) -> (String, bool) {
    let key = stack::lookup("PREFECT_RS_POSTGRES_PASSWORD").expect("a known stack key");
    match settings.stack_effective(key).filter(|p| !p.is_empty()) {
        Some(password) => (password, false),
        None => (generate_password(), true),
    }
}

/// 32 letters and digits from the OS's random source: about 190 bits, and safe in any URL or shell.
fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // Bytes at or above 248 (4 × 62) are skipped so every character is equally likely.
    let mut password = String::with_capacity(32);
    let mut bytes = [0u8; 64];
    while password.len() < 32 {
        getrandom(&mut bytes);
        for byte in bytes.iter().filter(|b| **b < 248).take(32 - password.len()) {
            password.push(ALPHABET[*byte as usize % ALPHABET.len()] as char);
        }
    }
    password
}

fn getrandom(buf: &mut [u8]) {
    crate::fsutil::random_bytes(buf).expect("/dev/urandom is readable");
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_long_varied_and_url_safe() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
