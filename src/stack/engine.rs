//! Finding and talking to a Docker engine. bollard 0.21 reads only DOCKER_HOST, so we resolve the address the way
//! the docker CLI does (DOCKER_HOST, then the current context), then try the sockets of Docker, rootless Docker,
//! Docker Desktop, Colima and Podman. Whatever fails is reported with every address tried and why.

use std::path::{Path, PathBuf};
use std::time::Duration;

use std::collections::HashMap;

use anyhow::Result;
use bollard::models::ContainerSummary;
use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::{API_DEFAULT_VERSION, Docker};
use sha2::{Digest, Sha256};

use crate::error::Failure;

/// Seconds bollard waits for response headers; streamed bodies (logs, pulls) are not bounded by it.
const REQUEST_TIMEOUT: u64 = 120;
const PING_TIMEOUT: Duration = Duration::from_secs(3);

pub struct Engine {
    pub docker: Docker,
    /// Where we found it, for messages: `unix:///var/run/docker.sock (default socket)`.
    pub address: String,
}

struct Candidate {
    host: String,
    origin: String,
}

impl Engine {
    pub async fn connect() -> Result<Self> {
        let candidates = candidates();
        // An address the user chose (DOCKER_HOST, a context) is the only one we try: falling back would hide it.
        let explicit = candidates.first().is_some_and(|c| {
            c.origin.starts_with("DOCKER_HOST") || c.origin.starts_with("docker context")
        });
        let mut tried = Vec::new();
        for candidate in &candidates {
            match try_connect(&candidate.host).await {
                Ok(docker) => {
                    return Ok(Self {
                        docker,
                        address: format!("{} ({})", candidate.host, candidate.origin),
                    });
                }
                Err(why) => tried.push(format!("{} ({}): {why}", candidate.host, candidate.origin)),
            }
            if explicit {
                break;
            }
        }
        let mut failure = Failure::new(format!(
            "Cannot reach a Docker engine. Tried:\n  {}",
            tried.join("\n  ")
        ));
        failure = if explicit {
            failure.hint("check that the engine runs there, or unset DOCKER_HOST / DOCKER_CONTEXT to use the local socket")
        } else {
            failure.hint("start Docker (e.g. sudo systemctl start docker), or set DOCKER_HOST to a running engine")
        };
        Err(failure
            .hint("or run the server without Docker: prefect-rs server start --no-docker")
            .into())
    }
}

async fn try_connect(host: &str) -> Result<Docker, String> {
    let docker = if let Some(path) = host.strip_prefix("unix://") {
        if !Path::new(path).exists() {
            return Err("no such socket".into());
        }
        Docker::connect_with_unix(path, REQUEST_TIMEOUT, API_DEFAULT_VERSION)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, REQUEST_TIMEOUT, API_DEFAULT_VERSION)
    } else {
        return Err("unsupported address; use unix:///path or tcp://host:port".into());
    }
    .map_err(|e| e.to_string())?;
    match tokio::time::timeout(PING_TIMEOUT, docker.ping()).await {
        Err(_) => return Err(format!("no answer within {} s", PING_TIMEOUT.as_secs())),
        Ok(Err(e)) => return Err(describe(&e)),
        Ok(Ok(_)) => {}
    }
    docker.negotiate_version().await.map_err(|e| describe(&e))
}

impl Engine {
    /// A stack's containers (running or not), by service.
    pub async fn containers_by_service(
        &self,
        project: &str,
    ) -> Result<HashMap<String, ContainerSummary>> {
        let options = ListContainersOptionsBuilder::new()
            .all(true)
            .filters(&super::objects::project_filter(project))
            .build();
        let containers = self
            .docker
            .list_containers(Some(options))
            .await
            .map_err(|e| Failure::new(format!("Could not list containers: {}", describe(&e))))?;
        Ok(containers
            .into_iter()
            .filter_map(|c| Some((c.labels.as_ref()?.get(super::objects::SERVICE)?.clone(), c)))
            .collect())
    }
}

/// A listed container's name, without the API's leading `/`.
pub fn name_of(container: &ContainerSummary) -> String {
    container
        .names
        .as_deref()
        .and_then(|n| n.first())
        .map(|n| n.trim_start_matches('/').to_owned())
        .unwrap_or_default()
}

/// Short words for the errors a user can act on.
pub fn describe(error: &bollard::errors::Error) -> String {
    use bollard::errors::Error as E;
    match error {
        E::DockerResponseServerError {
            status_code,
            message,
        } => format!("{message} (HTTP {status_code})"),
        E::HyperLegacyError { .. } => "connection refused: nothing answers on that address".into(),
        E::RequestTimeoutError => "the engine did not answer in time".into(),
        E::SocketNotFoundError(path) => format!("no socket at {path}"),
        other => other.to_string(),
    }
}

/// True when the engine answered 404 (no such container, network, volume or image).
pub fn is_not_found(error: &bollard::errors::Error) -> bool {
    matches!(
        error,
        bollard::errors::Error::DockerResponseServerError {
            status_code: 404,
            ..
        }
    )
}

fn candidates() -> Vec<Candidate> {
    if let Some(host) = std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty()) {
        return vec![Candidate {
            host,
            origin: "DOCKER_HOST".into(),
        }];
    }
    if let Some((name, host)) = context_host() {
        return vec![Candidate {
            host,
            origin: format!("docker context {name}"),
        }];
    }
    let mut sockets = vec![(PathBuf::from("/var/run/docker.sock"), "default socket")];
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from) {
        sockets.push((runtime.join("docker.sock"), "rootless Docker"));
        sockets.push((runtime.join("podman/podman.sock"), "rootless Podman"));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        sockets.push((home.join(".docker/run/docker.sock"), "Docker Desktop"));
        sockets.push((home.join(".colima/default/docker.sock"), "Colima"));
    }
    sockets.push((PathBuf::from("/run/podman/podman.sock"), "Podman"));
    let (existing, missing): (Vec<_>, Vec<_>) = sockets.into_iter().partition(|(p, _)| p.exists());
    // Sockets that exist first; when none does, report the default one as missing.
    existing
        .into_iter()
        .chain(missing.into_iter().take(1))
        .map(|(path, origin)| Candidate {
            host: format!("unix://{}", path.display()),
            origin: origin.to_owned(),
        })
        .collect()
}

/// The endpoint of the docker CLI's context (DOCKER_CONTEXT, else `currentContext` in its config.json), unless it
/// is `default`, which means the default socket.
fn context_host() -> Option<(String, String)> {
    let config_dir = std::env::var_os("DOCKER_CONFIG")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker")))?;
    let name = match std::env::var("DOCKER_CONTEXT") {
        Ok(name) => name,
        Err(_) => {
            let text = std::fs::read_to_string(config_dir.join("config.json")).ok()?;
            let config: serde_json::Value = serde_json::from_str(&text).ok()?;
            config.get("currentContext")?.as_str()?.to_owned()
        }
    };
    if name.is_empty() || name == "default" {
        return None;
    }
    let digest = hex::encode(Sha256::digest(name.as_bytes()));
    let meta = config_dir
        .join("contexts/meta")
        .join(digest)
        .join("meta.json");
    let text = std::fs::read_to_string(meta).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&text).ok()?;
    let host = meta.pointer("/Endpoints/docker/Host")?.as_str()?.to_owned();
    Some((name, host))
}
