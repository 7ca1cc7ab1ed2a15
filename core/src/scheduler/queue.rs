//! The scheduling queue (pkg/scheduler/backend/queue): activeQ ordered by PrioritySort
//! (higher priority first, then earlier creation), backoffQ for pods that failed recently
//! (1 s doubling to 10 s per attempt), and unschedulablePods, which wait for a cluster event
//! that may help them — or for the flush after 5 minutes.

use super::cache::PodKey;
use super::types::PodInfo;
use crate::api::time::Millis;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// podInitialBackoffDuration and podMaxBackoffDuration (v1 defaults).
pub const INITIAL_BACKOFF: Millis = 1_000;
pub const MAX_BACKOFF: Millis = 10_000;
/// podMaxInUnschedulablePodsDuration, checked by flushUnschedulablePodsLeftover every 30 s.
pub const MAX_IN_UNSCHEDULABLE: Millis = 5 * 60_000;
pub const UNSCHEDULABLE_FLUSH_PERIOD: Millis = 30_000;

type Order = (Reverse<i64>, String, PodKey);

#[derive(Default, Clone)]
pub struct Queue {
    active: BTreeSet<Order>,
    /// every pod this scheduler is responsible for, with where it waits
    pods: HashMap<PodKey, Entry>,
    /// the pods in backoffQ or unschedulablePods (so that cluster events and flushes touch
    /// only those, not every pending pod)
    waiting: BTreeSet<PodKey>,
}

#[derive(Clone)]
struct Entry {
    info: Arc<PodInfo>,
    place: Place,
    attempts: u32,
    /// when backoff ends (after the last failed attempt)
    backoff_until: Millis,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Active,
    Backoff,
    /// since when
    Unschedulable(Millis),
    /// popped, being scheduled
    InFlight,
}

/// calculateBackoffDuration: 1 s, doubled per attempt, capped at 10 s.
pub fn backoff_duration(attempts: u32) -> Millis {
    let mut d = INITIAL_BACKOFF;
    for _ in 1..attempts {
        d = d.saturating_mul(2);
        if d > MAX_BACKOFF {
            return MAX_BACKOFF;
        }
    }
    d
}

fn order(p: &PodInfo) -> Order {
    (Reverse(p.priority), p.created.clone(), p.key())
}

impl Queue {
    pub fn has_active(&self) -> bool {
        !self.active.is_empty()
    }

    /// A pending pod was added or changed. A change to its spec or labels retries it (after
    /// its backoff); our own status writes change nothing.
    pub fn upsert(&mut self, info: Arc<PodInfo>, now: Millis) {
        let key = info.key();
        match self.pods.get_mut(&key) {
            None => {
                self.active.insert(order(&info));
                self.pods.insert(key, Entry { info, place: Place::Active, attempts: 0, backoff_until: 0 });
            }
            Some(e) => {
                let same = strip_status(&e.info) == strip_status(&info);
                let was = order(&e.info);
                e.info = info;
                if e.place == Place::Active {
                    self.active.remove(&was);
                    self.active.insert(order(&e.info));
                } else if !same && matches!(e.place, Place::Unschedulable(_)) {
                    Self::requeue(&mut self.active, e, now);
                    if e.place == Place::Active {
                        self.waiting.remove(&key);
                    }
                }
            }
        }
    }

    pub fn remove(&mut self, key: &PodKey) {
        if let Some(e) = self.pods.remove(key) {
            self.active.remove(&order(&e.info));
            self.waiting.remove(key);
        }
    }

    fn requeue(active: &mut BTreeSet<Order>, e: &mut Entry, now: Millis) {
        if e.backoff_until > now {
            e.place = Place::Backoff;
        } else {
            e.place = Place::Active;
            active.insert(order(&e.info));
        }
    }

    /// The next pod to schedule.
    pub fn pop(&mut self) -> Option<Arc<PodInfo>> {
        let first = self.active.pop_first()?;
        let e = self.pods.get_mut(&first.2)?;
        e.place = Place::InFlight;
        e.attempts += 1;
        Some(e.info.clone())
    }

    /// The attempt failed: the pod waits in unschedulablePods, backing off.
    pub fn failed(&mut self, key: &PodKey, now: Millis) {
        if let Some(e) = self.pods.get_mut(key) {
            e.backoff_until = now + backoff_duration(e.attempts);
            e.place = Place::Unschedulable(now);
            self.waiting.insert(key.clone());
        }
    }

    /// A transient error (the bind conflicted): straight to backoff.
    pub fn retry(&mut self, key: &PodKey, now: Millis) {
        if let Some(e) = self.pods.get_mut(key) {
            e.backoff_until = now + backoff_duration(e.attempts);
            e.place = Place::Backoff;
            self.waiting.insert(key.clone());
        }
    }

    /// MoveAllToActiveOrBackoffQueue for the unschedulable pods `wants` picks.
    pub fn move_unschedulable(&mut self, now: Millis, wants: impl Fn(&PodInfo) -> bool) {
        let mut moved = vec![];
        for k in &self.waiting {
            let Some(e) = self.pods.get_mut(k) else { continue };
            if matches!(e.place, Place::Unschedulable(_)) && wants(&e.info) {
                Self::requeue(&mut self.active, e, now);
                if e.place == Place::Active {
                    moved.push(k.clone());
                }
            }
        }
        for k in moved {
            self.waiting.remove(&k);
        }
    }

    /// flushBackoffQCompleted and flushUnschedulablePodsLeftover.
    pub fn flush(&mut self, now: Millis) {
        let mut moved = vec![];
        for k in &self.waiting {
            let Some(e) = self.pods.get_mut(k) else { continue };
            match e.place {
                Place::Backoff if e.backoff_until <= now => {
                    e.place = Place::Active;
                    self.active.insert(order(&e.info));
                }
                Place::Unschedulable(since) if now - since >= MAX_IN_UNSCHEDULABLE => Self::requeue(&mut self.active, e, now),
                _ => {}
            }
            if e.place == Place::Active {
                moved.push(k.clone());
            }
        }
        for k in moved {
            self.waiting.remove(&k);
        }
    }

    /// When the queue next needs the clock: a backoff ending, or the 30-second flush tick at
    /// which a pod has waited 5 minutes.
    pub fn next_wake(&self) -> Option<Millis> {
        self.waiting
            .iter()
            .filter_map(|k| self.pods.get(k))
            .filter_map(|e| match e.place {
                Place::Backoff => Some(e.backoff_until),
                Place::Unschedulable(since) => {
                    let due = since + MAX_IN_UNSCHEDULABLE;
                    Some(due.div_euclid(UNSCHEDULABLE_FLUSH_PERIOD) * UNSCHEDULABLE_FLUSH_PERIOD + if due % UNSCHEDULABLE_FLUSH_PERIOD == 0 { 0 } else { UNSCHEDULABLE_FLUSH_PERIOD })
                }
                _ => None,
            })
            .min()
    }

    /// Every pod waiting in this queue.
    pub fn all(&self) -> Vec<Arc<PodInfo>> {
        self.pods.values().map(|e| e.info.clone()).collect()
    }


}

/// The pod without what the scheduler itself writes (nominatedNodeName).
fn strip_status(p: &PodInfo) -> PodInfo {
    let mut c = p.clone();
    c.nominated_node_name.clear();
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, prio: i64, created: &str) -> Arc<PodInfo> {
        Arc::new(PodInfo::from_json(&json!({"metadata": {"name": name, "namespace": "default", "creationTimestamp": created}, "spec": {"priority": prio}})))
    }

    // After scheduling_queue_test.go TestPriorityQueue_Pop / TestBackoffDuration.
    #[test]
    fn priority_order_and_backoff() {
        let mut q = Queue::default();
        q.upsert(pod("low", 0, "2026-01-01T00:00:01Z"), 0);
        q.upsert(pod("high", 100, "2026-01-01T00:00:02Z"), 0);
        q.upsert(pod("early", 0, "2026-01-01T00:00:00Z"), 0);
        let names: Vec<String> = std::iter::from_fn(|| q.pop().map(|p| p.name.clone())).collect();
        assert_eq!(names, vec!["high", "early", "low"]);
        assert_eq!((1..=6).map(backoff_duration).collect::<Vec<_>>(), vec![1000, 2000, 4000, 8000, 10000, 10000]);
        // a failed pod waits for an event; one that comes during its backoff parks it in backoffQ
        let k = ("default".to_string(), "low".to_string());
        q.failed(&k, 0);
        assert!(!q.has_active());
        q.move_unschedulable(500, |_| true);
        assert!(!q.has_active());
        assert_eq!(q.next_wake(), Some(1000));
        q.flush(1000);
        assert_eq!(q.pop().map(|p| p.name.clone()), Some("low".into()));
        // without events, the 5-minute leftover flush (on a 30 s tick) retries it
        q.failed(&k, 10_000);
        assert_eq!(q.next_wake(), Some(330_000));
        q.flush(330_000);
        assert!(q.has_active());
    }
}
