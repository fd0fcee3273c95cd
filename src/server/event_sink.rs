//! Events reach the database through one queue: the websocket handlers (and the flow-run state changes) hand
//! events over and move on; this task stores them in batches (one transaction per batch, with the task runs the
//! recorder builds from them), then passes them to `/events/out` subscribers and to the triggers service. On
//! shutdown it drains the queue.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::panics;
use crate::store::Writer;
use crate::store::events;

/// Prefect's event persister holds up to 50 000 events; beyond that, senders wait.
const QUEUE: usize = 50_000;
const BATCH: usize = 2_000;
const GATHER: std::time::Duration = std::time::Duration::from_millis(50);

pub struct EventSink {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// `triggers`: the triggers service's feed, when it runs. Unlike subscribers (who may miss events when they
/// fall behind), it gets every stored event: when it is behind by its whole queue, the sink waits for it.
pub fn spawn(
    writer: Writer,
    subscribers: broadcast::Sender<Arc<Value>>,
    triggers: Option<mpsc::Sender<Arc<Value>>>,
) -> (mpsc::Sender<Value>, EventSink) {
    let (sender, receiver) = mpsc::channel(QUEUE);
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(run(receiver, stopped, writer, subscribers, triggers));
    (sender, EventSink { stop, task })
}

impl EventSink {
    /// Stores every event still queued, then ends.
    pub async fn flush_and_stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn run(
    mut queue: mpsc::Receiver<Value>,
    mut stop: oneshot::Receiver<()>,
    writer: Writer,
    subscribers: broadcast::Sender<Arc<Value>>,
    mut triggers: Option<mpsc::Sender<Arc<Value>>>,
) {
    let mut stopping = false;
    loop {
        let first = if stopping {
            queue.recv().await
        } else {
            tokio::select! {
                event = queue.recv() => event,
                _ = &mut stop => {
                    stopping = true;
                    queue.close();
                    continue;
                }
            }
        };
        let Some(first) = first else { break };
        // Let a batch gather: one transaction for many events costs far less than one each, and task runs
        // still show up well within Prefect's own five-second flush.
        if !stopping {
            tokio::time::sleep(GATHER).await;
        }
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(event) => batch.push(event),
                Err(_) => break,
            }
        }
        store(&writer, &batch).await;
        for event in batch {
            let event = Arc::new(event);
            let _ = subscribers.send(event.clone());
            // A service that has stopped takes no more.
            if let Some(feed) = &triggers
                && feed.send(event).await.is_err()
            {
                triggers = None;
            }
        }
    }
}

/// Stores a batch. If that fails, or panics (a bug must not end this task and strand every later event), the
/// events are stored one by one, so one bad event loses only itself; those are reported.
async fn store(writer: &Writer, batch: &[Value]) {
    if let Ok(Ok(())) = panics::catch(events::persist(writer, batch)).await {
        return;
    }
    for event in batch {
        let problem =
            match panics::catch(events::persist(writer, std::slice::from_ref(event))).await {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e.to_string(),
                Err(panic) => format!("panicked (please report this bug): {panic}"),
            };
        let id = event.get("id").and_then(Value::as_str).unwrap_or("?");
        crate::log::log!("error: could not store event {id}: {problem}");
    }
}
