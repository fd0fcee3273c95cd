//! Buckets and firings, as Prefect's `reactive_evaluation`, `evaluate`, `proactive_evaluation`,
//! `evaluate_composite_trigger` and `act` do them, over the service's in-memory state (written through).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::matching::{Matcher, event_name};
use super::{Loaded, MAX_BUCKETS_PER_TRIGGER, Triggers, event_triggers, time_of};
use crate::api::schemas::automations::{Automation, Posture, Require, Trigger};
use crate::db::types::{Id, Timestamp};
use crate::services::actions::{self, TriggerState};
use crate::store::{JsonValue, Writer, automation_buckets as store};

/// Prefect starts a bucket this long before the event that opens it (PRECEDING_EVENT_LOOKBACK).
const LOOKBACK: chrono::Duration = chrono::Duration::minutes(15);

/// One counting window.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub automation_id: uuid::Uuid,
    pub trigger_id: uuid::Uuid,
    pub key: Vec<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub count: i64,
    pub last_event: Option<Value>,
    pub triggered_at: Option<DateTime<Utc>>,
}

impl Bucket {
    pub fn from_row(row: store::Bucket) -> Self {
        Bucket {
            automation_id: row.automation_id.0,
            trigger_id: row.trigger_id.0,
            key: serde_json::from_value(row.bucketing_key.0).unwrap_or_default(),
            start: row.start.0,
            end: row.end.0,
            count: row.count,
            last_event: row.last_event.map(|e| e.0),
            triggered_at: row.triggered_at.map(|t| t.0),
        }
    }

    fn row(&self) -> store::Bucket {
        store::Bucket {
            automation_id: Id(self.automation_id),
            trigger_id: Id(self.trigger_id),
            bucketing_key: JsonValue::from(json!(self.key)),
            last_event: self.last_event.clone().map(sqlx::types::Json),
            start: Timestamp(self.start),
            end: Timestamp(self.end),
            count: self.count,
            triggered_at: self.triggered_at.map(Timestamp),
        }
    }
}

/// Prefect's `Firing`: a trigger fired, for these labels, because of this event (or these child firings).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Firing {
    pub id: uuid::Uuid,
    pub trigger_id: uuid::Uuid,
    pub trigger_states: Vec<String>,
    pub triggered: DateTime<Utc>,
    pub triggering_labels: BTreeMap<String, String>,
    pub triggering_firings: Vec<Firing>,
    pub triggering_event: Option<Value>,
}

/// A child firing a compound or sequence trigger holds.
#[derive(Clone, Debug)]
pub struct ChildFiring {
    pub automation_id: uuid::Uuid,
    pub parent_id: uuid::Uuid,
    pub firing: Firing,
}

impl ChildFiring {
    pub fn from_row(row: store::ChildFiring) -> Option<Self> {
        Some(ChildFiring {
            automation_id: row.automation_id.0,
            parent_id: row.parent_trigger_id.0,
            firing: serde_json::from_value(row.child_firing.0).ok()?,
        })
    }
}

pub struct State {
    writer: Writer,
    events: mpsc::Sender<Value>,
    actions: mpsc::Sender<actions::Firing>,
    triggers: Triggers,
    /// By trigger id, then bucketing key.
    buckets: HashMap<uuid::Uuid, HashMap<Vec<String>, Bucket>>,
    /// By (automation id, composite trigger id).
    children: HashMap<(uuid::Uuid, uuid::Uuid), Vec<ChildFiring>>,
    next_proactive: HashMap<uuid::Uuid, DateTime<Utc>>,
    /// Prefect's events clock: the latest event time seen (never ahead of now) and when it was seen.
    clock: Option<(DateTime<Utc>, DateTime<Utc>)>,
    warned_full: HashSet<uuid::Uuid>,
}

fn within(seconds: f64) -> chrono::Duration {
    // Automations bound `within`; this keeps any value from overflowing time arithmetic.
    let micros = (seconds.clamp(0.0, 3.2e9) * 1e6) as i64;
    chrono::Duration::microseconds(micros)
}

impl State {
    pub fn new(
        writer: Writer,
        events: mpsc::Sender<Value>,
        actions: mpsc::Sender<actions::Firing>,
    ) -> Self {
        State {
            writer,
            events,
            actions,
            triggers: HashMap::new(),
            buckets: HashMap::new(),
            children: HashMap::new(),
            next_proactive: HashMap::new(),
            clock: None,
            warned_full: HashSet::new(),
        }
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    pub fn restore_bucket(&mut self, bucket: Bucket) {
        self.buckets
            .entry(bucket.trigger_id)
            .or_default()
            .insert(bucket.key.clone(), bucket);
    }

    pub fn restore_child(&mut self, child: ChildFiring) {
        self.children
            .entry((child.automation_id, child.parent_id))
            .or_default()
            .push(child);
    }

    /// The enabled automations' event triggers replace the loaded ones; buckets of triggers that are gone
    /// are dropped (an updated automation's triggers get new ids).
    pub async fn load(&mut self, automations: Vec<Automation>) {
        let mut triggers = Triggers::new();
        for automation in automations {
            let automation = Arc::new(automation);
            for trigger in event_triggers(&automation.trigger) {
                triggers.insert(
                    trigger.id,
                    Loaded {
                        automation: automation.clone(),
                        trigger: trigger.clone(),
                        matcher: Matcher::new(trigger),
                    },
                );
            }
        }
        let gone: Vec<(uuid::Uuid, uuid::Uuid)> = self
            .buckets
            .iter()
            .filter(|(trigger, _)| !triggers.contains_key(trigger))
            .filter_map(|(trigger, buckets)| {
                buckets.values().next().map(|b| (b.automation_id, *trigger))
            })
            .collect();
        for (automation, trigger) in gone {
            self.buckets.remove(&trigger);
            if let Err(e) =
                store::remove_trigger_buckets(&self.writer, Id(automation), Id(trigger)).await
            {
                crate::log::log!("warning: triggers service: could not drop old buckets: {e}");
            }
        }
        let automations: HashSet<uuid::Uuid> = triggers.values().map(|l| l.automation.id).collect();
        self.children
            .retain(|(automation, _), _| automations.contains(automation));
        self.next_proactive.clear();
        self.triggers = triggers;
    }

    /// Prefect's events clock offset: how far behind real time the latest event is, so windows are judged by
    /// event time.
    pub fn clock_offset(&self) -> chrono::Duration {
        match self.clock {
            None => chrono::Duration::zero(),
            Some((clock, updated)) => {
                let now = Utc::now();
                (clock - now) + (now - updated)
            }
        }
    }

    fn update_clock(&mut self, occurred: DateTime<Utc>) {
        let now = Utc::now();
        let occurred = occurred.min(now);
        match &mut self.clock {
            Some((clock, updated)) => {
                if occurred >= *clock {
                    *clock = occurred;
                }
                *updated = now;
            }
            None => self.clock = Some((occurred, now)),
        }
    }

    /// Prefect's `reactive_evaluation` of one event.
    pub async fn reactive(&mut self, event: &Value) {
        let Some(occurred) = time_of(event, "occurred") else {
            return;
        };
        self.update_clock(occurred);
        let name = event_name(event).to_owned();
        let interested: Vec<Loaded> = self
            .triggers
            .values()
            .filter(|l| l.matcher.covers(event))
            .cloned()
            .collect();
        for loaded in interested {
            let matcher = &loaded.matcher;
            let key = matcher.bucketing_key(event);
            let window = within(loaded.trigger.within.0);
            let mut bucket = None;
            if matcher.has_after() && matcher.starts_after(&name) {
                let initial = if matcher.expects(&name) { -1 } else { 0 };
                bucket = self
                    .ensure_bucket(
                        &loaded,
                        &key,
                        occurred,
                        occurred + window,
                        Some(event),
                        initial,
                    )
                    .await;
            }
            if bucket.is_none() && !matcher.has_after() && matcher.expects(&name) {
                bucket = self
                    .ensure_bucket(
                        &loaded,
                        &key,
                        occurred - LOOKBACK,
                        occurred + window,
                        Some(event),
                        0,
                    )
                    .await;
            }
            if !matcher.expects(&name) {
                continue;
            }
            let bucket = match bucket {
                Some(b) => b,
                None => match self.bucket(loaded.trigger.id, &key) {
                    Some(b) => b,
                    None => continue,
                },
            };
            self.evaluate(&loaded, bucket, occurred, Some(event)).await;
        }
    }

    fn bucket(&self, trigger: uuid::Uuid, key: &[String]) -> Option<Bucket> {
        self.buckets.get(&trigger)?.get(key).cloned()
    }

    /// Prefect's `ensure_bucket`: the key's bucket, started with these bounds if there was none; an existing
    /// one keeps its window and count but takes `last_event`. `None` when the trigger has no room for a key.
    async fn ensure_bucket(
        &mut self,
        loaded: &Loaded,
        key: &[String],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        last_event: Option<&Value>,
        initial: i64,
    ) -> Option<Bucket> {
        let trigger = loaded.trigger.id;
        let bucket = match self.bucket(trigger, key) {
            Some(mut existing) => {
                if let Some(event) = last_event {
                    existing.last_event = Some(event.clone());
                }
                existing
            }
            None => Bucket {
                automation_id: loaded.automation.id,
                trigger_id: trigger,
                key: key.to_vec(),
                start,
                end,
                count: initial,
                last_event: last_event.cloned(),
                triggered_at: None,
            },
        };
        self.save(bucket, "ensure_bucket").await
    }

    /// Keeps `bucket` in memory and in the database; `None` when its trigger is full.
    async fn save(&mut self, bucket: Bucket, operation: &str) -> Option<Bucket> {
        let buckets = self.buckets.entry(bucket.trigger_id).or_default();
        if !buckets.contains_key(&bucket.key) && buckets.len() >= MAX_BUCKETS_PER_TRIGGER {
            if self.warned_full.insert(bucket.trigger_id) {
                crate::log::log!(
                    "warning: triggers service: trigger {} of automation {} has {MAX_BUCKETS_PER_TRIGGER} open \
                     buckets (for_each keys); events for new keys are ignored until windows close",
                    bucket.trigger_id,
                    bucket.automation_id
                );
            }
            return None;
        }
        buckets.insert(bucket.key.clone(), bucket.clone());
        if let Err(e) = store::save_bucket(&self.writer, &bucket.row(), operation).await {
            crate::log::log!("error: triggers service: could not save a bucket: {e}");
        }
        Some(bucket)
    }

    async fn remove(&mut self, bucket: &Bucket) {
        if let Some(buckets) = self.buckets.get_mut(&bucket.trigger_id) {
            buckets.remove(&bucket.key);
        }
        let key = json!(bucket.key);
        if let Err(e) = store::remove_bucket(
            &self.writer,
            Id(bucket.automation_id),
            Id(bucket.trigger_id),
            &key,
        )
        .await
        {
            crate::log::log!("error: triggers service: could not remove a bucket: {e}");
        }
    }

    /// Prefect's `start_new_bucket`: the key's bucket replaced by a new window.
    async fn start_new_bucket(
        &mut self,
        loaded: &Loaded,
        key: &[String],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        count: i64,
        last_event: Option<&Value>,
    ) -> Option<Bucket> {
        let bucket = Bucket {
            automation_id: loaded.automation.id,
            trigger_id: loaded.trigger.id,
            key: key.to_vec(),
            start,
            end,
            count,
            last_event: last_event.cloned(),
            triggered_at: None,
        };
        self.save(bucket, "start_new_bucket").await
    }

    /// Prefect's `evaluate`: counts the event into the bucket, fires when the trigger's condition is met, and
    /// returns the bucket that follows. Boxed: a Reactive trigger evaluates its next bucket once more.
    fn evaluate<'a>(
        &'a mut self,
        loaded: &'a Loaded,
        mut bucket: Bucket,
        now: DateTime<Utc>,
        event: Option<&'a Value>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Bucket>> + Send + 'a>> {
        Box::pin(async move {
            let trigger = &loaded.trigger;
            let reactive = trigger.posture == Posture::Reactive;
            let window = within(trigger.within.0);
            let immediate = reactive && window.is_zero();
            let mut count = i64::from(event.is_some());
            if now < bucket.start {
                // A late event, for a window already replaced.
                return Some(bucket);
            }
            if count > 0 && (immediate || (bucket.start <= now && now < bucket.end)) {
                bucket.count += count;
                if let Some(event) = event {
                    bucket.last_event = Some(event.clone());
                }
                bucket = self
                    .save(bucket.clone(), "increment_bucket")
                    .await
                    .unwrap_or(bucket);
                count = 0;
            }
            let ready = reactive || bucket.end <= now;
            let threshold = trigger.threshold.0;
            let meets = if reactive {
                bucket.count >= threshold
            } else {
                bucket.count < threshold
            };
            if ready && meets {
                let labels: BTreeMap<String, String> = loaded
                    .matcher
                    .for_each
                    .iter()
                    .cloned()
                    .zip(bucket.key.iter().cloned())
                    .collect();
                let firing = Firing {
                    id: uuid::Uuid::now_v7(),
                    trigger_id: trigger.id,
                    trigger_states: vec!["Triggered".into()],
                    triggered: Utc::now(),
                    triggering_labels: labels,
                    triggering_firings: Vec::new(),
                    triggering_event: event.cloned().or_else(|| bucket.last_event.clone()),
                };
                self.fire(&loaded.automation, firing).await;
                self.remove(&bucket).await;
            } else if now < bucket.end {
                if let Some(event) = event {
                    let name = event_name(event);
                    if !reactive
                        && !meets
                        && loaded.matcher.starts_after(name)
                        && loaded.matcher.expects(name)
                    {
                        self.remove(&bucket).await;
                        let occurred = time_of(event, "occurred").unwrap_or(now);
                        return self
                            .start_new_bucket(
                                loaded,
                                &bucket.key,
                                occurred,
                                occurred + window,
                                0,
                                Some(event),
                            )
                            .await;
                    }
                }
                return Some(bucket);
            }
            if loaded.matcher.has_after() {
                self.remove(&bucket).await;
                return None;
            }
            if window.is_zero() {
                return None;
            }
            let start = bucket.end.max(now);
            let end = start + window;
            if reactive && count > 0 {
                let next = self
                    .start_new_bucket(loaded, &bucket.key, start, end, 0, None)
                    .await?;
                return self.evaluate(loaded, next, now, event).await;
            }
            self.start_new_bucket(loaded, &bucket.key, start, end, count, None)
                .await
        })
    }

    /// Prefect's proactive evaluation of every due Proactive trigger.
    pub async fn proactive(&mut self, now: DateTime<Utc>) {
        let due: Vec<Loaded> = self
            .triggers
            .values()
            .filter(|l| l.trigger.posture == Posture::Proactive)
            .filter(|l| {
                self.next_proactive
                    .get(&l.trigger.id)
                    .is_none_or(|at| *at <= now)
            })
            .cloned()
            .collect();
        for loaded in due {
            let as_of = now + self.clock_offset();
            let window = within(loaded.trigger.within.0);
            let mut run_again_at = as_of + window;
            if loaded.matcher.for_each.is_empty() {
                self.ensure_bucket(&loaded, &[], as_of, as_of + window, None, 0)
                    .await;
            }
            let threshold = loaded.trigger.threshold.0;
            let mut buckets: Vec<Bucket> = self
                .buckets
                .get(&loaded.trigger.id)
                .map(|b| b.values().cloned().collect())
                .unwrap_or_default();
            // Prefect's `remove_buckets_exceeding_threshold`: those can no longer fire.
            for bucket in buckets.iter().filter(|b| b.count >= threshold) {
                self.remove(bucket).await;
            }
            buckets.retain(|b| b.count < threshold);
            buckets.sort_by_key(|b| b.start);
            for bucket in buckets {
                if let Some(next) = self.evaluate(&loaded, bucket, as_of, None).await
                    && as_of < next.end
                    && next.end < run_again_at
                {
                    run_again_at = next.end;
                }
            }
            self.next_proactive.insert(loaded.trigger.id, run_again_at);
        }
    }

    /// Prefect's `sweep_closed_buckets`.
    pub async fn sweep(&mut self, older_than: DateTime<Utc>) {
        for buckets in self.buckets.values_mut() {
            buckets.retain(|_, b| b.end > older_than);
        }
        self.buckets.retain(|_, b| !b.is_empty());
        if let Err(e) = store::sweep_buckets(&self.writer, Timestamp(older_than)).await {
            crate::log::log!("error: triggers service: could not sweep buckets: {e}");
        }
    }

    /// Prefect's `fire`: a trigger at the top acts; one inside a compound or sequence trigger is a child
    /// firing of it. Iterative up the tree (a parent that fires passes its firing to its own parent).
    async fn fire(&mut self, automation: &Arc<Automation>, firing: Firing) {
        let mut firing = firing;
        loop {
            let Some(parent) = parent_of(&automation.trigger, firing.trigger_id) else {
                self.act(automation, firing).await;
                return;
            };
            match self.composite(automation, parent, firing).await {
                Some(parent_firing) => firing = parent_firing,
                None => return,
            }
        }
    }

    /// Prefect's `evaluate_composite_trigger`: the parent's firing, when this child firing completes it.
    async fn composite(
        &mut self,
        automation: &Automation,
        parent: &Trigger,
        firing: Firing,
    ) -> Option<Firing> {
        let (parent_id, children, within_seconds) = match parent {
            Trigger::Compound(c) => (c.id, &c.triggers, c.within.map(|w| w.0)),
            Trigger::Sequence(s) => (s.id, &s.triggers, s.within.map(|w| w.0)),
            Trigger::Event(_) => return None,
        };
        let expected = match parent {
            Trigger::Compound(c) => match c.require {
                Require::Any => 1,
                Require::All => children.len(),
                Require::AtLeast(n) => usize::try_from(n).unwrap_or(usize::MAX),
            },
            _ => children.len(),
        };
        let parent_firing = |firings: Vec<Firing>, event: Option<Value>| Firing {
            id: uuid::Uuid::now_v7(),
            trigger_id: parent_id,
            trigger_states: vec!["Triggered".into()],
            triggered: Utc::now(),
            triggering_labels: BTreeMap::new(),
            triggering_firings: firings,
            triggering_event: event,
        };
        if expected == 1 {
            let event = firing.triggering_event.clone();
            return Some(parent_firing(vec![firing], event));
        }
        let slot = (automation.id, parent_id);
        let held = self.children.entry(slot).or_default();
        if let Some(seconds) = within_seconds {
            let cutoff = firing.triggered - within(seconds);
            let old: Vec<Id> = held
                .iter()
                .filter(|c| c.firing.triggered < cutoff)
                .map(|c| Id(c.firing.id))
                .collect();
            held.retain(|c| c.firing.triggered >= cutoff);
            if !old.is_empty()
                && let Err(e) = store::remove_child_firings(
                    &self.writer,
                    Id(automation.id),
                    Id(parent_id),
                    &old,
                )
                .await
            {
                crate::log::log!("error: triggers service: could not drop old child firings: {e}");
            }
        }
        // The child's latest firing replaces its earlier one.
        let held = self.children.entry(slot).or_default();
        held.retain(|c| c.firing.trigger_id != firing.trigger_id);
        held.push(ChildFiring {
            automation_id: automation.id,
            parent_id,
            firing: firing.clone(),
        });
        let row = store::ChildFiring {
            automation_id: Id(automation.id),
            parent_trigger_id: Id(parent_id),
            child_trigger_id: Id(firing.trigger_id),
            child_firing_id: Id(firing.id),
            child_fired_at: Some(Timestamp(firing.triggered)),
            child_firing: sqlx::types::Json(serde_json::to_value(&firing).unwrap_or(Value::Null)),
        };
        if let Err(e) = store::save_child_firing(&self.writer, &row).await {
            crate::log::log!("error: triggers service: could not hold a child firing: {e}");
        }
        let mut firings: Vec<Firing> = held.iter().map(|c| c.firing.clone()).collect();
        let ready = match parent {
            Trigger::Sequence(_) => {
                firings.sort_by_key(|f| f.triggered);
                let order: Vec<uuid::Uuid> = firings.iter().map(|f| f.trigger_id).collect();
                let expected_order: Vec<uuid::Uuid> = children.iter().map(Trigger::id).collect();
                order == expected_order
            }
            _ => firings.len() >= expected,
        };
        if !ready {
            return None;
        }
        let ids: Vec<Id> = firings.iter().map(|f| Id(f.id)).collect();
        self.children.remove(&slot);
        if let Err(e) =
            store::remove_child_firings(&self.writer, Id(automation.id), Id(parent_id), &ids).await
        {
            crate::log::log!("error: triggers service: could not clear child firings: {e}");
        }
        let event = firing.triggering_event.clone();
        Some(parent_firing(firings, event))
    }

    /// Prefect's `act`: posts `prefect.automation.triggered` and hands the firing to the actions executor.
    async fn act(&mut self, automation: &Arc<Automation>, firing: Firing) {
        let event = state_change_event(automation, &firing);
        let _ = self.events.send(event).await;
        let handed = actions::Firing {
            id: firing.id,
            automation: (**automation).clone(),
            trigger_id: firing.trigger_id,
            state: TriggerState::Triggered,
            triggered: firing.triggered,
            triggering_labels: firing.triggering_labels,
            triggering_event: firing.triggering_event,
        };
        crate::log::log!(
            "Automation {} ({:?}) triggered",
            automation.id,
            automation.name
        );
        if self.actions.send(handed).await.is_err() {
            crate::log::log!("error: triggers service: the actions executor has stopped");
        }
    }
}

/// The compound or sequence trigger `id` sits directly in, if any.
fn parent_of(root: &Trigger, id: uuid::Uuid) -> Option<&Trigger> {
    root.all().into_iter().find(|t| match t {
        Trigger::Compound(c) => c.triggers.iter().any(|child| child.id() == id),
        Trigger::Sequence(s) => s.triggers.iter().any(|child| child.id() == id),
        Trigger::Event(_) => false,
    })
}

/// `prefect.automation.triggered` as Prefect's trigger builds it: the automation as resource (with its event
/// trigger's posture), the triggering event as related resource and in the payload.
fn state_change_event(automation: &Automation, firing: &Firing) -> Value {
    let mut resource = json!({
        "prefect.resource.id": format!("prefect.automation.{}", automation.id),
        "prefect.resource.name": automation.name,
    });
    if let Trigger::Event(trigger) = &automation.trigger {
        resource["prefect.posture"] = json!(trigger.posture);
    }
    let triggering = firing.triggering_event.as_ref();
    let related: Vec<Value> = triggering
        .and_then(|e| e.get("id"))
        .and_then(Value::as_str)
        .map(|id| {
            json!({
                "prefect.resource.id": format!("prefect.event.{id}"),
                "prefect.resource.role": "triggering-event",
            })
        })
        .into_iter()
        .collect();
    json!({
        "occurred": Timestamp(firing.triggered).rfc3339(),
        "event": "prefect.automation.triggered",
        "resource": resource,
        "related": related,
        "payload": {
            "triggering_labels": firing.triggering_labels,
            "triggering_event": triggering,
        },
        "id": uuid::Uuid::now_v7().to_string(),
        "follows": null,
    })
}
