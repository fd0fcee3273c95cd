//! Images the stack needs: present, or pulled according to `--pull`, with one progress bar per layer on a
//! terminal (and one line per finished layer elsewhere, so CI logs show what happened).

use std::collections::HashMap;
use std::io::IsTerminal;

use anyhow::Result;
use bollard::models::CreateImageInfo;
use bollard::query_parameters::CreateImageOptionsBuilder;
use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::compose::ComposeFile;
use super::engine::{Engine, describe, is_not_found};
use crate::error::Failure;
use crate::output::Printer;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PullPolicy {
    /// Pull images that are not on this machine
    #[default]
    Missing,
    /// Pull every image, even when present
    Always,
    /// Never pull; fail when an image is missing
    Never,
}

/// Every image of the file, by reference, mapped to its id (pulling per `policy`).
pub async fn ensure(
    engine: &Engine,
    file: &ComposeFile,
    policy: PullPolicy,
    printer: &Printer,
) -> Result<HashMap<String, String>> {
    let mut ids = HashMap::new();
    for service in file.services.values() {
        let image = &service.image;
        if ids.contains_key(image) {
            continue;
        }
        let present = inspect(engine, image).await?;
        let id = match (present, policy) {
            (Some(id), PullPolicy::Missing | PullPolicy::Never) => id,
            (None, PullPolicy::Never) => {
                return Err(Failure::new(format!(
                    "Image {image} is not on this machine, and --pull never forbids pulling it"
                ))
                .hint(format!(
                    "pull it first (docker pull {image}), or start with --pull missing"
                ))
                .into());
            }
            (_, _) => {
                pull(engine, image, printer).await?;
                inspect(engine, image).await?.ok_or_else(|| {
                    Failure::new(format!("Image {image} is still missing after pulling it"))
                })?
            }
        };
        ids.insert(image.clone(), id);
    }
    Ok(ids)
}

async fn inspect(engine: &Engine, image: &str) -> Result<Option<String>> {
    match engine.docker.inspect_image(image).await {
        Ok(found) => Ok(Some(found.id.unwrap_or_default())),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => {
            Err(Failure::new(format!("Could not inspect image {image}: {}", describe(&e))).into())
        }
    }
}

async fn pull(engine: &Engine, image: &str, printer: &Printer) -> Result<()> {
    printer.status(format!("Pulling image {image}"))?;
    let (repository, tag) = split_reference(image);
    let options = CreateImageOptionsBuilder::new()
        .from_image(repository)
        .tag(tag)
        .build();
    let mut stream = engine.docker.create_image(Some(options), None, None);
    let mut bars = LayerBars::new(printer);
    while let Some(item) = stream.next().await {
        match item {
            Ok(info) => bars.update(&info)?,
            Err(e) => {
                bars.clear();
                return Err(Failure::new(format!("Could not pull {image}: {}", describe(&e)))
                    .hint("is the registry reachable from the Docker engine? Or load the image locally and use --pull never")
                    .into());
            }
        }
    }
    bars.clear();
    printer.status(format!("Pulled image {image}"))?;
    Ok(())
}

/// `registry:5000/name:tag` → (`registry:5000/name`, `tag`); a digest reference keeps its digest as the "tag".
fn split_reference(image: &str) -> (&str, &str) {
    if let Some((repository, digest)) = image.split_once('@') {
        return (repository, digest);
    }
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_slash..].rfind(':') {
        Some(colon) => (
            &image[..last_slash + colon],
            &image[last_slash + colon + 1..],
        ),
        None => (image, "latest"),
    }
}

/// One bar per layer on a terminal; otherwise a line as each layer completes.
struct LayerBars<'a> {
    printer: &'a Printer,
    multi: Option<MultiProgress>,
    bars: HashMap<String, ProgressBar>,
}

impl<'a> LayerBars<'a> {
    fn new(printer: &'a Printer) -> Self {
        let terminal = std::io::stderr().is_terminal() && !printer.is_quiet();
        let multi = terminal.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Self {
            printer,
            multi,
            bars: HashMap::new(),
        }
    }

    fn update(&mut self, info: &CreateImageInfo) -> std::io::Result<()> {
        let status = info.status.clone().unwrap_or_default();
        let Some(layer) = info.id.clone().filter(|_| is_layer_status(&status)) else {
            return Ok(());
        };
        let done = matches!(status.as_str(), "Pull complete" | "Already exists");
        match &self.multi {
            Some(multi) => {
                let bar = self.bars.entry(layer.clone()).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(0));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{prefix} {msg:<12} [{bar:30}] {bytes}/{total_bytes}",
                        )
                        .expect("a valid template")
                        .progress_chars("=> "),
                    );
                    bar.set_prefix(layer.clone());
                    bar
                });
                if let Some(detail) = &info.progress_detail {
                    if let Some(total) = detail.total.filter(|t| *t > 0) {
                        bar.set_length(total as u64);
                    }
                    if let Some(current) = detail.current {
                        bar.set_position(current as u64);
                    }
                }
                bar.set_message(status);
                if done {
                    bar.finish();
                }
            }
            None if done => self
                .printer
                .status(format!("  layer {layer}: {}", status.to_lowercase()))?,
            None => {}
        }
        Ok(())
    }

    fn clear(&self) {
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
        }
    }
}

fn is_layer_status(status: &str) -> bool {
    matches!(
        status,
        "Pulling fs layer"
            | "Waiting"
            | "Downloading"
            | "Verifying Checksum"
            | "Download complete"
            | "Extracting"
            | "Pull complete"
            | "Already exists"
    )
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn references() {
        assert_eq!(split_reference("postgres:17"), ("postgres", "17"));
        assert_eq!(
            split_reference("prefecthq/prefect:3-latest"),
            ("prefecthq/prefect", "3-latest")
        );
        assert_eq!(
            split_reference("localhost:5000/pg"),
            ("localhost:5000/pg", "latest")
        );
        assert_eq!(
            split_reference("localhost:5000/pg:15"),
            ("localhost:5000/pg", "15")
        );
        assert_eq!(split_reference("pg@sha256:abc"), ("pg", "sha256:abc"));
    }
}
