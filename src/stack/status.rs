//! What a stack's containers are doing: per service its container, state, health, published ports and image,
//! and the URLs its server answers on.

use anyhow::Result;
use bollard::query_parameters::InspectContainerOptions;
use serde::Serialize;

use super::engine::{Engine, describe, name_of};
use crate::error::Failure;

#[derive(Debug, Serialize)]
pub struct ServiceStatus {
    pub service: String,
    pub container: String,
    pub state: String,
    /// `healthy`, `unhealthy`, `starting`, or `none` without a healthcheck.
    pub health: String,
    pub ports: Vec<String>,
    pub image: String,
}

impl ServiceStatus {
    /// Running, and not known to be unhealthy (a healthcheck may still be `starting` while the service works).
    pub fn is_up(&self) -> bool {
        self.state == "running" && self.health != "unhealthy"
    }
}

pub async fn services(engine: &Engine, project: &str) -> Result<Vec<ServiceStatus>> {
    let mut found: Vec<_> = engine
        .containers_by_service(project)
        .await?
        .into_iter()
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut statuses = Vec::new();
    for (service, summary) in found {
        let container = name_of(&summary);
        let inspect = engine
            .docker
            .inspect_container(&container, None::<InspectContainerOptions>)
            .await
            .map_err(|e| {
                Failure::new(format!("Could not inspect {container}: {}", describe(&e)))
            })?;
        let state = inspect.state.unwrap_or_default();
        let health = state
            .health
            .and_then(|h| h.status)
            .map_or_else(|| "none".to_owned(), |s| s.to_string());
        let mut ports: Vec<String> = summary
            .ports
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                Some(format!(
                    "{}:{}->{}",
                    p.ip.clone()?,
                    p.public_port?,
                    p.private_port
                ))
            })
            .collect();
        ports.sort();
        ports.dedup();
        statuses.push(ServiceStatus {
            service,
            container,
            state: state
                .status
                .map_or_else(|| "unknown".to_owned(), |s| s.to_string()),
            health: if health.is_empty() {
                "none".to_owned()
            } else {
                health
            },
            ports,
            image: summary.image.unwrap_or_default(),
        });
    }
    Ok(statuses)
}

/// Whether `GET <api_url>/health` answers 200 within `timeout` (off the async threads: the probe blocks).
pub async fn api_answers(api_url: &str, timeout: std::time::Duration) -> bool {
    let url = api_url.to_owned();
    tokio::task::spawn_blocking(move || {
        matches!(
            crate::probe::check(&url, timeout),
            crate::probe::Health::Healthy
        )
    })
    .await
    .unwrap_or(false)
}

/// `http://HOST:PORT/api` from the server's published port (what the running stack really uses, whatever the
/// stack file says now).
pub fn api_url(services: &[ServiceStatus]) -> Option<String> {
    let server = services.iter().find(|s| s.service == "server")?;
    let published = server.ports.iter().find(|p| p.ends_with("->4200"))?;
    let (host, port) = published.trim_end_matches("->4200").rsplit_once(':')?;
    Some(super::spec::local_api_url(host, port.parse().ok()?))
}
