//! Container logs: the last lines of one (for failure messages), and the merged, service-prefixed stream of
//! several (`server logs`, and the foreground `server start`).

use std::io::Write;

use anyhow::Result;
use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use futures_util::stream::{self, StreamExt};

use super::engine::{Engine, describe};
use crate::error::Failure;

/// The last `lines` lines of a container's output (stdout and stderr), or an empty string.
pub async fn tail(engine: &Engine, container: &str, lines: usize) -> String {
    let options = LogsOptionsBuilder::new()
        .stdout(true)
        .stderr(true)
        .tail(&lines.to_string())
        .build();
    let chunks: Vec<_> = engine.docker.logs(container, Some(options)).collect().await;
    chunks
        .into_iter()
        .filter_map(|c| c.ok())
        .map(text_of)
        .collect()
}

/// Streams the logs of `containers` (service name, container name) to stdout, each line prefixed by its
/// service, until every stream ends (or forever with `follow`, until the caller drops this future).
pub async fn stream(
    engine: &Engine,
    containers: &[(String, String)],
    follow: bool,
    tail: Option<usize>,
) -> Result<()> {
    let width = containers.iter().map(|(s, _)| s.len()).max().unwrap_or(0);
    let tail = tail.map_or_else(|| "all".to_owned(), |n| n.to_string());
    let streams = containers.iter().map(|(service, container)| {
        let options = LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .follow(follow)
            .tail(&tail)
            .build();
        let prefix = format!("{service:<width$} | ");
        engine
            .docker
            .logs(container, Some(options))
            .map(move |chunk| (prefix.clone(), chunk))
            .boxed()
    });
    let mut merged = stream::select_all(streams);
    // A line can arrive in pieces; keep what follows the last newline per service until it is complete.
    let mut partial: std::collections::HashMap<String, String> = Default::default();
    while let Some((prefix, chunk)) = merged.next().await {
        let chunk =
            chunk.map_err(|e| Failure::new(format!("Reading logs failed: {}", describe(&e))))?;
        let text = text_of(chunk);
        let pending = partial.entry(prefix.clone()).or_default();
        pending.push_str(&text);
        let mut out = std::io::stdout().lock();
        while let Some(newline) = pending.find('\n') {
            let line: String = pending.drain(..=newline).collect();
            write!(out, "{prefix}{line}")?;
        }
        out.flush()?;
    }
    let mut out = std::io::stdout().lock();
    for (prefix, rest) in partial.into_iter().filter(|(_, r)| !r.is_empty()) {
        writeln!(out, "{prefix}{rest}")?;
    }
    Ok(())
}

fn text_of(output: LogOutput) -> String {
    match output {
        LogOutput::StdErr { message }
        | LogOutput::StdOut { message }
        | LogOutput::StdIn { message }
        | LogOutput::Console { message } => String::from_utf8_lossy(&message).into_owned(),
    }
}
