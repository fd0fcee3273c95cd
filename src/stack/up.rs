//! `server start` in Docker mode: check, then create exactly what the compose model says, in dependency order,
//! waiting (bounded) for each dependency's health and finally for the API. What this start created is recorded as
//! it goes, so a failure removes exactly that.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use bollard::models::{ContainerSummary, HealthStatusEnum};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, InspectContainerOptions, ListContainersOptionsBuilder,
    ListNetworksOptionsBuilder, ListVolumesOptionsBuilder, RemoveContainerOptionsBuilder,
};

use super::compose::{ComposeFile, Condition, MountKind, Port};
use super::engine::{Engine, describe, name_of};
use super::images::{self, PullPolicy};
use super::logs;
use super::objects::{self, CONFIG_HASH};
use super::status;
use crate::error::Failure;
use crate::output::Printer;

pub struct StartOptions {
    pub pull: PullPolicy,
    pub timeout: Duration,
}

/// Everything this start created, to remove on failure.
#[derive(Default, Debug)]
pub struct Created {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
}

/// What `check` found: the stack's current containers and the id of every image it needs.
pub struct Checked {
    existing: HashMap<String, ContainerSummary>,
    image_ids: HashMap<String, String>,
}

/// What happened to each service.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Unchanged,
    Started,
    Created,
    Recreated,
}

pub struct Up<'a> {
    pub engine: &'a Engine,
    pub file: &'a ComposeFile,
    pub project: &'a str,
    /// The service whose API must answer, and where.
    pub api: (&'a str, String),
    pub printer: &'a Printer,
}

impl Up<'_> {
    /// Everything that can fail before anything is created: ports, data directories, images.
    pub async fn check(&self, pull: PullPolicy) -> Result<Checked> {
        let existing = self.engine.containers_by_service(self.project).await?;
        self.check_ports(&existing).await?;
        self.check_bind_sources()?;
        let image_ids = images::ensure(self.engine, self.file, pull, self.printer).await?;
        Ok(Checked {
            existing,
            image_ids,
        })
    }

    /// Creates what is missing and changed, in dependency order, and waits for the API.
    pub async fn apply(
        &self,
        checked: Checked,
        options: &StartOptions,
        created: &mut Created,
    ) -> Result<Vec<(String, Change)>> {
        let Checked {
            existing,
            image_ids,
        } = checked;
        self.ensure_networks(created).await?;
        self.ensure_volumes(created).await?;

        let deadline = Instant::now() + options.timeout;
        let mut changes = Vec::new();
        for name in self.file.start_order() {
            let service = &self.file.services[name];
            for (dependency, rule) in &service.depends_on {
                if rule.condition == Condition::ServiceHealthy {
                    self.wait_for(dependency, Until::Healthy, options.timeout, deadline)
                        .await?;
                }
            }
            let hash = objects::config_hash(service, &image_ids[&service.image]);
            let change = self
                .converge(name, &hash, existing.get(name), created)
                .await?;
            changes.push((name.to_owned(), change));
        }
        let (api_service, api_url) = &self.api;
        self.wait_for(
            api_service,
            Until::ApiAnswers(api_url),
            options.timeout,
            deadline,
        )
        .await?;
        Ok(changes)
    }

    /// Create, recreate, start or leave one service's container.
    async fn converge(
        &self,
        service_name: &str,
        hash: &str,
        current: Option<&ContainerSummary>,
        created: &mut Created,
    ) -> Result<Change> {
        let name = objects::container_name(self.project, service_name);
        let docker = &self.engine.docker;
        let current_hash = current.and_then(|c| c.labels.as_ref()?.get(CONFIG_HASH).cloned());
        let running = current
            .is_some_and(|c| c.state == Some(bollard::models::ContainerSummaryStateEnum::RUNNING));
        let change = match (current, current_hash.as_deref() == Some(hash)) {
            (Some(_), true) if running => return Ok(Change::Unchanged),
            (Some(_), true) => {
                docker
                    .start_container(&name, None)
                    .await
                    .map_err(|e| fail_on(&name, "start", &e))?;
                Change::Started
            }
            (Some(_), false) => {
                let remove = RemoveContainerOptionsBuilder::new().force(true).build();
                docker
                    .remove_container(&name, Some(remove))
                    .await
                    .map_err(|e| fail_on(&name, "remove", &e))?;
                self.create_and_start(service_name, hash, created).await?;
                Change::Recreated
            }
            (None, _) => {
                self.create_and_start(service_name, hash, created).await?;
                Change::Created
            }
        };
        self.printer
            .status(format!("Container {name}: {}", describe_change(&change)))?;
        Ok(change)
    }

    async fn create_and_start(
        &self,
        service_name: &str,
        hash: &str,
        created: &mut Created,
    ) -> Result<()> {
        let name = objects::container_name(self.project, service_name);
        let body = objects::container(
            self.project,
            service_name,
            &self.file.services[service_name],
            hash,
        );
        let options = CreateContainerOptionsBuilder::new().name(&name).build();
        let docker = &self.engine.docker;
        docker
            .create_container(Some(options), body)
            .await
            .map_err(|e| fail_on(&name, "create", &e))?;
        created.containers.push(name.clone());
        docker.start_container(&name, None).await.map_err(|e| {
            Failure::new(format!(
                "Could not start container {name}: {}",
                describe(&e)
            ))
            .hint("another program may hold a port it publishes; see `prefect-rs server status`")
        })?;
        Ok(())
    }

    /// Published host ports must be free, unless this stack's own container for that service holds them.
    async fn check_ports(&self, existing: &HashMap<String, ContainerSummary>) -> Result<()> {
        for (service_name, service) in &self.file.services {
            for port in service.published_ports() {
                let ours = existing
                    .get(service_name)
                    .is_some_and(|c| publishes(c, &port));
                if ours {
                    continue;
                }
                if let Err(busy) =
                    std::net::TcpListener::bind((port.host_ip.as_str(), port.host_port))
                {
                    let holder = port_holder(self.engine, &port).await;
                    return Err(Failure::new(format!(
                        "Port {} on {} (for the {service_name} service) is already in use{}",
                        port.host_port,
                        port.host_ip,
                        holder.map(|h| format!(" by {h}")).unwrap_or_else(|| format!(": {busy}"))
                    ))
                    .hint("stop whatever holds it, or publish elsewhere: prefect-rs server start --port PORT")
                    .into());
                }
            }
        }
        Ok(())
    }

    /// A bind mount's host directory must exist (we create it, 0700) and be writable, before any container runs.
    fn check_bind_sources(&self) -> Result<()> {
        for service in self.file.services.values() {
            for mount in service.volumes.iter().filter(|m| m.kind == MountKind::Bind) {
                let path = std::path::Path::new(&mount.source);
                let check = || -> std::io::Result<()> {
                    std::fs::DirBuilder::new().recursive(true).create(path)?;
                    let probe = path.join(".prefect-rs-write-check");
                    std::fs::write(&probe, b"")?;
                    std::fs::remove_file(&probe)
                };
                check().map_err(|e| {
                    Failure::new(format!("Cannot use {} for PostgreSQL's data: {e}", path.display()))
                        .hint("pick a writable directory: prefect-rs server start --use-volume --volume-path DIR")
                })?;
            }
        }
        Ok(())
    }

    async fn ensure_networks(&self, created: &mut Created) -> Result<()> {
        for name in self.file.networks.keys() {
            let full = objects::network_name(self.project, name);
            // Docker 20.10 creates a second network with the same name, so look before creating.
            let filters = HashMap::from([("name", vec![full.clone()])]);
            let found = self
                .engine
                .docker
                .list_networks(Some(
                    ListNetworksOptionsBuilder::new().filters(&filters).build(),
                ))
                .await
                .map_err(|e| Failure::new(format!("Could not list networks: {}", describe(&e))))?;
            // The name filter matches substrings: keep the exact name, and reuse only a network of this project
            // (one of a past race's duplicates is as good as another); one of that name made by someone else is
            // refused rather than joined or duplicated.
            let same_name: Vec<_> = found
                .iter()
                .filter(|n| n.name.as_deref() == Some(full.as_str()))
                .collect();
            let label = |n: &bollard::models::Network, key: &str| {
                n.labels.as_ref().and_then(|l| l.get(key)).cloned()
            };
            if same_name.iter().any(|n| {
                label(n, objects::PROJECT).as_deref() == Some(self.project)
                    && label(n, objects::NETWORK).as_deref() == Some(name.as_str())
            }) {
                continue;
            }
            if !same_name.is_empty() {
                return Err(Failure::new(format!(
                    "A Docker network named {full} exists but was not created for the stack {}",
                    self.project
                ))
                .hint(format!(
                    "remove it (docker network rm {full}) or name the stack otherwise: prefect-rs config set PREFECT_RS_DOCKER_PROJECT=NAME"
                ))
                .into());
            }
            self.engine
                .docker
                .create_network(objects::network(self.project, name))
                .await
                .map_err(|e| fail_on(&full, "create network", &e))?;
            created.networks.push(full.clone());
            self.printer.status(format!("Network {full}: created"))?;
        }
        Ok(())
    }

    async fn ensure_volumes(&self, created: &mut Created) -> Result<()> {
        for name in self.file.volumes.keys() {
            let full = objects::volume_name(self.project, name);
            let filters = HashMap::from([("name", vec![full.clone()])]);
            let found = self
                .engine
                .docker
                .list_volumes(Some(
                    ListVolumesOptionsBuilder::new().filters(&filters).build(),
                ))
                .await
                .map_err(|e| Failure::new(format!("Could not list volumes: {}", describe(&e))))?;
            let exists = found
                .volumes
                .unwrap_or_default()
                .iter()
                .any(|v| v.name == full);
            if exists {
                continue;
            }
            self.engine
                .docker
                .create_volume(objects::volume(self.project, name))
                .await
                .map_err(|e| fail_on(&full, "create volume", &e))?;
            created.volumes.push(full.clone());
            self.printer.status(format!("Volume {full}: created"))?;
        }
        Ok(())
    }

    /// Polls until `until` holds for the service's container, failing with its log when the container exits,
    /// turns unhealthy, or the deadline passes.
    async fn wait_for(
        &self,
        service: &str,
        until: Until<'_>,
        timeout: Duration,
        deadline: Instant,
    ) -> Result<()> {
        let name = objects::container_name(self.project, service);
        let started = Instant::now();
        let spinner = self.printer.spinner(&match until {
            Until::Healthy => format!("Waiting for {name} to be healthy"),
            Until::ApiAnswers(url) => format!("Waiting for the API at {url}"),
        });
        loop {
            let state = self.container_state(&name).await?;
            if let State::Unhealthy(why) = &state {
                return Err(self.failed(&name, why).await);
            }
            let ready = match until {
                Until::Healthy => matches!(state, State::Healthy),
                Until::ApiAnswers(url) => status::api_answers(url, Duration::from_secs(1)).await,
            };
            if ready {
                break;
            }
            if Instant::now() > deadline {
                let late = match until {
                    Until::Healthy => {
                        format!("not healthy after {} s (--timeout)", timeout.as_secs())
                    }
                    Until::ApiAnswers(url) => format!(
                        "{url}/health did not answer within {} s (--timeout)",
                        timeout.as_secs()
                    ),
                };
                return Err(self.failed(&name, &late).await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        spinner.finish_and_clear();
        let done = match until {
            Until::Healthy => "healthy",
            Until::ApiAnswers(_) => "API answers",
        };
        self.printer.status(format!(
            "Container {name}: {done} ({:.1} s)",
            started.elapsed().as_secs_f64()
        ))?;
        Ok(())
    }

    async fn container_state(&self, name: &str) -> Result<State> {
        let inspect = self
            .engine
            .docker
            .inspect_container(name, None::<InspectContainerOptions>)
            .await
            .map_err(|e| fail_on(name, "inspect", &e))?;
        let state = inspect.state.unwrap_or_default();
        // With a restart policy a crashing container comes back, so a restart is as telling as an exit.
        if inspect.restart_count.unwrap_or(0) > 0
            || state.restarting == Some(true)
            || state.running == Some(false)
        {
            return Ok(State::Unhealthy(format!(
                "the container exited with code {}{}",
                state.exit_code.unwrap_or(-1),
                state
                    .error
                    .filter(|e| !e.is_empty())
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            )));
        }
        Ok(match state.health.and_then(|h| h.status) {
            Some(HealthStatusEnum::HEALTHY) => State::Healthy,
            Some(HealthStatusEnum::UNHEALTHY) => {
                State::Unhealthy("its healthcheck reports it unhealthy".into())
            }
            _ => State::Starting,
        })
    }

    /// The failure of a container, with the last lines of its log.
    async fn failed(&self, name: &str, why: &str) -> anyhow::Error {
        let tail = logs::tail(self.engine, name, 20).await;
        let mut message = format!("Container {name} failed: {why}");
        if !tail.trim().is_empty() {
            message.push_str(&format!("\nLast lines of its log:\n{}", indent(&tail)));
        }
        Failure::new(message)
            .hint(format!("see the whole log with: docker logs {name}"))
            .into()
    }
}

#[derive(Clone, Copy)]
enum Until<'a> {
    /// Docker's healthcheck reports healthy.
    Healthy,
    /// `GET <url>/health` answers 200 on the published port.
    ApiAnswers(&'a str),
}

enum State {
    Starting,
    Healthy,
    Unhealthy(String),
}

fn describe_change(change: &Change) -> &'static str {
    match change {
        Change::Unchanged => "unchanged",
        Change::Started => "started",
        Change::Created => "created and started",
        Change::Recreated => "configuration changed, recreated",
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fail_on(name: &str, action: &str, error: &bollard::errors::Error) -> anyhow::Error {
    Failure::new(format!("Could not {action} {name}: {}", describe(error))).into()
}

fn publishes(container: &ContainerSummary, port: &Port) -> bool {
    container
        .ports
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|p| p.public_port == Some(port.host_port))
}

/// `container foo (stack bar)` when a container publishes the port; otherwise the process, if /proc tells.
async fn port_holder(engine: &Engine, port: &Port) -> Option<String> {
    let options = ListContainersOptionsBuilder::new().build();
    let containers = engine.docker.list_containers(Some(options)).await.ok()?;
    if let Some(holder) = containers.iter().find(|c| publishes(c, port)) {
        let name = name_of(holder);
        let stack = holder
            .labels
            .as_ref()
            .and_then(|l| l.get(objects::PROJECT))
            .map(|p| format!(" of stack {p}"))
            .unwrap_or_default();
        return Some(format!("container {name}{stack}"));
    }
    crate::server::preflight::holder_of(port.host_port)
}
