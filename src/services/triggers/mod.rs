//! The triggers service (Prefect's prefect/server/events/triggers.py and ordering/db.py): every stored event is
//! evaluated against the enabled automations' event triggers; a trigger counts matching events in buckets (one
//! per `for_each` key and `within` window) and fires when a Reactive bucket reaches its threshold or a
//! Proactive bucket's window closes below it. A firing of a trigger inside a compound or sequence trigger is a
//! child firing of that parent, which fires when enough (or, for a sequence, all in order) have fired within
//! its window. The automation's own firing posts `prefect.automation.triggered` and hands the firing to the
//! actions executor. Events that `follow` an event not yet seen wait (up to 15 minutes) for it.
//!
//! The state lives in memory and every change is written through to the database (`store::automation_buckets`),
//! so a restart resumes with the same counts. Memory is bounded: at most [`MAX_BUCKETS_PER_TRIGGER`] buckets
//! per trigger, a bounded set of recently seen event ids, and a bounded queue to the actions executor.

mod evaluate;
mod matching;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::mpsc;

use self::evaluate::{Bucket, ChildFiring, State};
use self::matching::Matcher;
use crate::api::schemas::automations::{Automation, EventTrigger, Trigger};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};
use crate::services::actions::{self, ActionContext};
use crate::store::{Writer, automation_buckets as store};

pub struct Config {
    /// PREFECT_SERVER_EVENTS_PROACTIVE_GRANULARITY: how often proactive triggers and expired buckets are looked at.
    pub granularity: Duration,
    /// PREFECT_SERVER_EVENTS_EXPIRED_BUCKET_BUFFER: how long after its window a bucket is swept.
    pub expired_bucket_buffer: Duration,
}

/// A trigger keeps at most this many buckets (distinct `for_each` keys); events for further keys are dropped,
/// with a warning, until old windows close.
pub const MAX_BUCKETS_PER_TRIGGER: usize = 10_000;
/// Events awaiting the triggers service beyond this make the event sink wait.
pub const FEED_QUEUE: usize = 10_000;
/// Firings waiting for the actions executor beyond this make the triggers service wait.
const ACTIONS_QUEUE: usize = 1_000;
/// Prefect's PRECEDING_EVENT_LOOKBACK: how long an event waits for the event it follows.
const PRECEDING_EVENT_LOOKBACK: chrono::Duration = chrono::Duration::minutes(15);
/// Prefect's seen-events cache holds 10 000 ids.
const SEEN_EVENTS: usize = 10_000;
/// Prefect's MAX_DEPTH_OF_PRECEDING_EVENT.
const MAX_FOLLOWER_DEPTH: usize = 20;

/// The queue the event sink feeds the service with, and the service's end of it.
pub fn feed() -> (mpsc::Sender<Arc<Value>>, mpsc::Receiver<Arc<Value>>) {
    mpsc::channel(FEED_QUEUE)
}

/// Runs until the task is aborted or the feed closes.
pub async fn run(
    db: Db,
    writer: Writer,
    events: mpsc::Sender<Value>,
    actions: Arc<ActionContext>,
    mut feed: mpsc::Receiver<Arc<Value>>,
    config: Config,
) {
    let (to_actions, mut firings) = mpsc::channel::<actions::Firing>(ACTIONS_QUEUE);
    // One firing at a time, in order, as Prefect's actions service takes them off its queue.
    let executor = tokio::spawn(async move {
        while let Some(firing) = firings.recv().await {
            if let Err(panic) = crate::panics::catch(actions::act(&actions, firing)).await {
                crate::log::log!(
                    "error: actions executor panicked (please report this bug): {panic}"
                );
            }
        }
    });
    let mut service = Service {
        db,
        state: State::new(writer, events, to_actions),
        snapshot: None,
        seen: Seen::default(),
        held_leaders: HashSet::new(),
        config,
    };
    service.load_state().await;
    service.reconcile(true).await;
    let mut tick = tokio::time::interval(service.config.granularity);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = feed.recv() => {
                let Some(first) = event else { break };
                // A batch: one look at the automations for all the events that arrived together.
                let mut batch = vec![first];
                while batch.len() < 500 {
                    match feed.try_recv() {
                        Ok(event) => batch.push(event),
                        Err(_) => break,
                    }
                }
                service.reconcile(false).await;
                for event in batch {
                    service.receive((*event).clone()).await;
                }
            }
            _ = tick.tick() => service.periodic().await,
        }
    }
    executor.abort();
}

struct Service {
    db: Db,
    state: State,
    snapshot: Option<(Option<Timestamp>, i64)>,
    seen: Seen,
    /// Events some held event follows: only these are looked up in the followers table when they arrive.
    held_leaders: HashSet<uuid::Uuid>,
    config: Config,
}

/// Recently evaluated event ids (Prefect's seen-events cache), oldest dropped first.
#[derive(Default)]
struct Seen {
    ids: HashSet<uuid::Uuid>,
    order: VecDeque<uuid::Uuid>,
}

impl Seen {
    fn contains(&self, id: &uuid::Uuid) -> bool {
        self.ids.contains(id)
    }

    fn insert(&mut self, id: uuid::Uuid) {
        if self.ids.insert(id) {
            self.order.push_back(id);
            while self.order.len() > SEEN_EVENTS {
                if let Some(old) = self.order.pop_front() {
                    self.ids.remove(&old);
                }
            }
        }
    }
}

fn event_id(event: &Value) -> Option<uuid::Uuid> {
    event
        .get("id")
        .and_then(Value::as_str)
        .and_then(|s| uuid::Uuid::parse_str(s).ok())
}

fn time_of(event: &Value, field: &str) -> Option<DateTime<Utc>> {
    event
        .get(field)
        .and_then(Value::as_str)
        .and_then(crate::db::types::parse_time)
        .map(|t| t.0)
}

impl Service {
    /// Buckets and child firings as the database holds them (from before a restart).
    async fn load_state(&mut self) {
        match store::load_buckets(&self.db).await {
            Ok(rows) => {
                for row in rows {
                    self.state.restore_bucket(Bucket::from_row(row));
                }
            }
            Err(e) => crate::log::log!("error: triggers service: could not load buckets: {e}"),
        }
        match store::load_child_firings(&self.db).await {
            Ok(rows) => {
                for row in rows {
                    if let Some(child) = ChildFiring::from_row(row) {
                        self.state.restore_child(child);
                    }
                }
            }
            Err(e) => {
                crate::log::log!("error: triggers service: could not load child firings: {e}")
            }
        }
    }

    /// Reloads the enabled automations when they changed (or when `force`): Prefect's `reconcile_automations`.
    async fn reconcile(&mut self, force: bool) {
        let snapshot = match store::automations_snapshot(&self.db).await {
            Ok(s) => s,
            Err(e) => {
                crate::log::log!("error: triggers service: could not read automations: {e}");
                return;
            }
        };
        if !force && self.snapshot == Some(snapshot) {
            return;
        }
        match crate::store::automations::list_enabled(&self.db).await {
            Ok(automations) => {
                self.state.load(automations).await;
                self.snapshot = Some(snapshot);
            }
            Err(e) => crate::log::log!("error: triggers service: could not load automations: {e}"),
        }
    }

    /// One event from the sink: evaluated unless seen already, or held while the event it follows is missing.
    async fn receive(&mut self, mut event: Value) {
        if matching::event_name(&event) == "prefect.log.write" {
            return;
        }
        let Some(id) = event_id(&event) else { return };
        if self.seen.contains(&id) {
            return;
        }
        if event.get("received").is_none_or(Value::is_null) {
            event["received"] = Value::String(Timestamp::now().rfc3339());
        }
        self.evaluate_in_order(event, 0).await;
    }

    /// Prefect's `preceding_event_confirmed` around `reactive_evaluation`, iteratively over the followers it
    /// releases (each at most [`MAX_FOLLOWER_DEPTH`] deep).
    async fn evaluate_in_order(&mut self, event: Value, depth: usize) {
        let mut pending = vec![(event, depth)];
        while let Some((event, depth)) = pending.pop() {
            if depth > MAX_FOLLOWER_DEPTH {
                crate::log::log!(
                    "error: triggers service: event {} follows too deep a chain",
                    event["id"]
                );
                continue;
            }
            let Some(id) = event_id(&event) else { continue };
            if let Some(leader) = event
                .get("follows")
                .and_then(Value::as_str)
                .and_then(|s| uuid::Uuid::parse_str(s).ok())
                && !self.seen.contains(&leader)
            {
                let received = time_of(&event, "received").unwrap_or_else(Utc::now);
                if Utc::now() - received < PRECEDING_EVENT_LOOKBACK {
                    if let Err(e) = store::record_follower(
                        self.state.writer(),
                        Id(leader),
                        Id(id),
                        Timestamp(received),
                        &event,
                    )
                    .await
                    {
                        crate::log::log!("error: triggers service: could not hold event {id}: {e}");
                    }
                    self.held_leaders.insert(leader);
                    continue;
                }
            }
            match crate::panics::catch(self.state.reactive(&event)).await {
                Ok(()) => {}
                Err(panic) => crate::log::log!(
                    "error: triggers service panicked on event {id} (please report this bug): {panic}"
                ),
            }
            self.seen.insert(id);
            if !self.held_leaders.remove(&id) {
                continue;
            }
            match store::take_followers(self.state.writer(), Id(id)).await {
                Ok(followers) => {
                    // Oldest first: pushed in reverse onto the stack.
                    pending.extend(followers.into_iter().rev().map(|f| (f, depth + 1)));
                }
                Err(e) => crate::log::log!(
                    "error: triggers service: could not read followers of {id}: {e}"
                ),
            }
        }
    }

    /// Prefect's `periodic_evaluation` and proactive triggers: reload changed automations, evaluate followers
    /// whose leader never came, run due proactive triggers, and sweep closed buckets.
    async fn periodic(&mut self) {
        self.reconcile(false).await;
        let earlier = Timestamp(Utc::now() - PRECEDING_EVENT_LOOKBACK);
        let lost = match self.held_leaders.is_empty() {
            true => Ok(Vec::new()),
            false => store::take_lost_followers(self.state.writer(), earlier).await,
        };
        match lost {
            Ok(lost) => {
                if !lost.is_empty() {
                    // Leaders of the events still held are kept; those of the lost ones no longer matter.
                    self.held_leaders.clear();
                    if let Ok(leaders) = store::held_leaders(&self.db).await {
                        self.held_leaders.extend(leaders.into_iter().map(|id| id.0));
                    }
                }
                for event in lost {
                    // Its leader is given up on: evaluate it as if it had come.
                    if let Err(panic) = crate::panics::catch(self.state.reactive(&event)).await {
                        crate::log::log!(
                            "error: triggers service panicked (please report this bug): {panic}"
                        );
                    }
                    if let Some(id) = event_id(&event) {
                        self.seen.insert(id);
                    }
                }
            }
            Err(e) => crate::log::log!("error: triggers service: could not read held events: {e}"),
        }
        if let Err(panic) = crate::panics::catch(self.state.proactive(Utc::now())).await {
            crate::log::log!("error: triggers service panicked (please report this bug): {panic}");
        }
        let buffer = chrono::Duration::from_std(self.config.expired_bucket_buffer)
            .unwrap_or(chrono::Duration::seconds(60));
        let as_of = Utc::now() + self.state.clock_offset();
        self.state.sweep(as_of - buffer).await;
    }
}

/// The automation's event triggers (with the trigger tree they sit in), depth first.
pub(crate) fn event_triggers(trigger: &Trigger) -> Vec<&EventTrigger> {
    trigger
        .all()
        .into_iter()
        .filter_map(|t| match t {
            Trigger::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// What one loaded event trigger is evaluated with.
#[derive(Clone)]
pub(crate) struct Loaded {
    pub automation: Arc<Automation>,
    pub trigger: EventTrigger,
    pub matcher: Matcher,
}

pub(crate) type Triggers = HashMap<uuid::Uuid, Loaded>;
