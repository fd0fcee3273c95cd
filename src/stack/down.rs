//! Taking a stack down: stop and remove its containers, then its networks. Volumes (the data) stay unless the
//! caller removes them explicitly.

use std::collections::HashMap;

use anyhow::Result;
use bollard::query_parameters::{
    KillContainerOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
    RemoveContainerOptionsBuilder, RemoveVolumeOptionsBuilder, StopContainerOptionsBuilder,
};

use super::engine::{Engine, describe, is_not_found, name_of};
use super::objects;
use crate::error::Failure;

#[derive(Debug, Default)]
pub struct Removed {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
}

/// How containers are stopped.
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    /// SIGTERM (or the image's stop signal), then SIGKILL after this many seconds.
    Graceful(i32),
    /// SIGKILL at once.
    Force,
}

/// Stops and removes every container of `project`, then its networks.
pub async fn containers_and_networks(
    engine: &Engine,
    project: &str,
    stop: Stop,
) -> Result<Removed> {
    let mut removed = Removed::default();
    let names: Vec<(String, String)> = engine
        .containers_by_service(project)
        .await?
        .iter()
        .map(|(service, c)| (service.clone(), name_of(c)))
        .collect();
    // The API server first, so it never sees its database vanish while it is still answering.
    let (servers, others): (Vec<_>, Vec<_>) = names.into_iter().partition(|(s, _)| s != "postgres");
    for group in [servers, others] {
        let stops = group
            .iter()
            .map(|(_, name)| stop_and_remove(engine, name, stop));
        for result in futures_util::future::join_all(stops).await {
            removed.containers.extend(result?);
        }
    }
    removed.networks = remove_networks(engine, project).await?;
    Ok(removed)
}

async fn stop_and_remove(engine: &Engine, name: &str, stop: Stop) -> Result<Option<String>> {
    let docker = &engine.docker;
    let stopped = match stop {
        Stop::Graceful(seconds) => {
            let options = StopContainerOptionsBuilder::new().t(seconds).build();
            docker.stop_container(name, Some(options)).await
        }
        Stop::Force => {
            let options = KillContainerOptionsBuilder::new().signal("SIGKILL").build();
            docker.kill_container(name, Some(options)).await
        }
    };
    match stopped {
        Ok(()) => {}
        Err(e) if is_not_found(&e) => return Ok(None),
        // 304 (already stopped) and 409 (not running) are fine: removal follows.
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 304 | 409,
            ..
        }) => {}
        Err(e) => {
            return Err(Failure::new(format!("Could not stop {name}: {}", describe(&e))).into());
        }
    }
    let options = RemoveContainerOptionsBuilder::new().force(true).build();
    match docker.remove_container(name, Some(options)).await {
        Ok(()) => Ok(Some(name.to_owned())),
        Err(e) if is_not_found(&e) => Ok(None),
        // 409: removal already in progress (a restart policy raced us); it goes away on its own.
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 409, ..
        }) => Ok(Some(name.to_owned())),
        Err(e) => Err(Failure::new(format!("Could not remove {name}: {}", describe(&e))).into()),
    }
}

async fn remove_networks(engine: &Engine, project: &str) -> Result<Vec<String>> {
    let filters: HashMap<String, Vec<String>> = objects::project_filter(project);
    let options = ListNetworksOptionsBuilder::new().filters(&filters).build();
    let networks = engine
        .docker
        .list_networks(Some(options))
        .await
        .map_err(|e| Failure::new(format!("Could not list networks: {}", describe(&e))))?;
    let mut removed = Vec::new();
    for network in networks {
        // By id: Docker 20.10 lets two networks share a name.
        let (Some(id), Some(name)) = (network.id, network.name) else {
            continue;
        };
        if remove_network(engine, &id).await? {
            removed.push(name);
        }
    }
    Ok(removed)
}

/// Removes the stack's named volumes: its data.
pub async fn volumes(engine: &Engine, project: &str) -> Result<Vec<String>> {
    let options = ListVolumesOptionsBuilder::new()
        .filters(&objects::project_filter(project))
        .build();
    let listed = engine
        .docker
        .list_volumes(Some(options))
        .await
        .map_err(|e| Failure::new(format!("Could not list volumes: {}", describe(&e))))?;
    let mut removed = Vec::new();
    for volume in listed.volumes.unwrap_or_default() {
        if remove_volume(engine, &volume.name).await? {
            removed.push(volume.name);
        }
    }
    Ok(removed)
}

/// Undoes a failed start: removes exactly the containers, networks and volumes it created.
pub async fn created(engine: &Engine, created: &super::up::Created) -> Result<()> {
    for name in created.containers.iter().rev() {
        stop_and_remove(engine, name, Stop::Force).await?;
    }
    for name in &created.networks {
        remove_network(engine, name).await?;
    }
    for name in &created.volumes {
        remove_volume(engine, name).await?;
    }
    Ok(())
}

/// True when removed, false when it was already gone.
async fn remove_network(engine: &Engine, name: &str) -> Result<bool> {
    match engine.docker.remove_network(name).await {
        Ok(()) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => {
            Err(Failure::new(format!("Could not remove network {name}: {}", describe(&e))).into())
        }
    }
}

async fn remove_volume(engine: &Engine, name: &str) -> Result<bool> {
    let options = RemoveVolumeOptionsBuilder::new().build();
    match engine.docker.remove_volume(name, Some(options)).await {
        Ok(()) => Ok(true),
        Err(e) if is_not_found(&e) => Ok(false),
        Err(e) => {
            Err(Failure::new(format!("Could not remove volume {name}: {}", describe(&e))).into())
        }
    }
}
