//! What every controller is, in the manner of kube-rs's `runtime::Controller` and client-go's
//! workqueue: watch events become keys in one de-duplicating queue; each key is reconciled
//! on its own; a reconcile may ask to look again later (a timer the queue arms once per
//! instant). A new controller is one `Controller` impl in its own file and one line in
//! `ControllerManager`.

use crate::api::time::Millis;
use crate::apiserver::{ApiError, ApiServer};
use crate::clock::{Timers, Wake};
use crate::store::WatchEvent;
use std::collections::{BTreeMap, BTreeSet};

/// What a reconcile asks for next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// nothing until an event concerns the key again
    Done,
    /// look again this long from now (activeDeadlineSeconds, a CronJob's next run …)
    RequeueAfter(Millis),
}

pub trait Controller {
    /// the name its timers carry (`Wake::Controller`)
    const NAME: &'static str;
    /// what one reconcile is about; the queue runs keys in this order
    type Key: Ord + Clone;
    /// The keys a watch event concerns (the informers' event handlers).
    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>);
    /// Every key, after `WorkQueue::resync` (a change that concerns them all).
    fn resync(&self, _api: &ApiServer) -> Vec<Self::Key> {
        vec![]
    }
    /// The first time the manager runs it (periodic controllers arm their first tick).
    fn start(&mut self, _queue: &mut WorkQueue<Self::Key>, _now: Millis) {}
    /// One key's sync toward what its objects ask for.
    fn reconcile(&mut self, api: &mut ApiServer, key: &Self::Key) -> Result<Action, ApiError>;
}

/// client-go's delaying work queue, de-duplicating: a key waits once however often it is added,
/// and a key waiting for a time keeps the earliest.
pub struct WorkQueue<K> {
    ready: BTreeSet<K>,
    waiting: BTreeMap<K, Millis>,
    resync: bool,
    /// instants a timer is armed for
    armed: BTreeSet<Millis>,
}

impl<K: Ord + Clone> Default for WorkQueue<K> {
    fn default() -> Self {
        WorkQueue { ready: BTreeSet::new(), waiting: BTreeMap::new(), resync: false, armed: BTreeSet::new() }
    }
}

impl<K: Ord + Clone> WorkQueue<K> {
    pub fn add(&mut self, key: K) {
        self.ready.insert(key);
    }

    /// The key is ready at `at` (virtual time), unless it already waits for an earlier time.
    pub fn add_at(&mut self, key: K, at: Millis) {
        let t = self.waiting.entry(key).or_insert(at);
        *t = (*t).min(at);
    }

    /// Every key the controller has is ready (its `resync`).
    pub fn resync(&mut self) {
        self.resync = true;
    }

    pub fn is_empty(&self) -> bool {
        self.ready.is_empty() && !self.resync
    }
}

/// A controller with its queue, as the manager runs it.
pub struct Runner<C: Controller> {
    pub controller: C,
    queue: WorkQueue<C::Key>,
    started: bool,
}

impl<C: Controller + Default> Default for Runner<C> {
    fn default() -> Self {
        Runner { controller: C::default(), queue: WorkQueue::default(), started: false }
    }
}

impl<C: Controller> Runner<C> {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        self.controller.keys(ev, &mut self.queue);
    }

    /// Its timer fired: the keys due by `now` are ready.
    pub fn wake(&mut self, now: Millis) {
        let q = &mut self.queue;
        q.armed.retain(|t| *t > now);
        let due: Vec<C::Key> = q.waiting.iter().filter(|(_, t)| **t <= now).map(|(k, _)| k.clone()).collect();
        for k in due {
            q.waiting.remove(&k);
            q.ready.insert(k);
        }
    }

    /// Reconciles every ready key, in key order, and arms timers for the keys that wait.
    pub fn run(&mut self, api: &mut ApiServer, timers: &mut Timers) {
        if !self.started {
            self.started = true;
            self.controller.start(&mut self.queue, api.now);
        }
        if std::mem::take(&mut self.queue.resync) {
            for k in self.controller.resync(api) {
                self.queue.ready.insert(k);
            }
        }
        for key in std::mem::take(&mut self.queue.ready) {
            match self.controller.reconcile(api, &key) {
                Ok(Action::Done) => {}
                Ok(Action::RequeueAfter(d)) => self.queue.add_at(key, api.now + d),
                // level-triggered: the next event about the key brings it back. A controller
                // writing an object the apiserver rejects as Invalid is a bug in kubesim.
                Err(e) => debug_assert!(e.reason != "Invalid", "{} wrote an invalid object: {}", C::NAME, e.message),
            }
        }
        let q = &mut self.queue;
        let mut times: Vec<Millis> = q.waiting.values().copied().filter(|t| !q.armed.contains(t)).collect();
        times.sort_unstable();
        times.dedup();
        for at in times {
            q.armed.insert(at);
            timers.at(at, Wake::Controller(C::NAME));
        }
    }
}

/// A write whose failure the controller can leave to its next sync (a conflict with a newer
/// write, an object gone meanwhile): dropped, except Invalid, which is a bug in kubesim.
pub fn settled<T>(r: Result<T, ApiError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            debug_assert!(e.reason != "Invalid", "a controller wrote an invalid object: {}", e.message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts its reconciles; a key "later" asks to be looked at again in 10 s.
    #[derive(Default)]
    struct Counter {
        runs: Vec<String>,
    }

    impl Controller for Counter {
        const NAME: &'static str = "counter";
        type Key = String;
        fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<String>) {
            queue.add(ev.key.clone());
        }
        fn reconcile(&mut self, _: &mut ApiServer, key: &String) -> Result<Action, ApiError> {
            self.runs.push(key.clone());
            Ok(if key == "later" { Action::RequeueAfter(10_000) } else { Action::Done })
        }
    }

    fn event(key: &str) -> WatchEvent {
        WatchEvent { revision: 1, typ: crate::store::EventType::Put, key: key.into(), value: std::sync::Arc::new(serde_json::json!({})), created: true }
    }

    // client-go's workqueue: a key added twice before it runs is reconciled once; keys run in
    // order; AddAfter keeps the earliest time, and one timer is armed per instant.
    #[test]
    fn the_queue_deduplicates_and_requeues_after() {
        let mut api = ApiServer::new(1, 0);
        let mut timers = Timers::default();
        let mut r: Runner<Counter> = Runner::default();
        for k in ["b", "a", "b", "later"] {
            r.on_event(&event(k));
        }
        r.run(&mut api, &mut timers);
        assert_eq!(r.controller.runs, vec!["a", "b", "later"]);
        assert_eq!(timers.drain(), vec![(10_000, Wake::Controller("counter"))]);
        // nothing ready, nothing runs; the timer is not armed twice
        let mut timers = Timers::default();
        r.run(&mut api, &mut timers);
        assert_eq!(r.controller.runs.len(), 3);
        assert!(timers.drain().is_empty());
        // an early wake leaves the key waiting; the due one runs it
        r.wake(5_000);
        r.run(&mut api, &mut Timers::default());
        assert_eq!(r.controller.runs.len(), 3);
        api.now = 10_000;
        r.wake(10_000);
        let mut timers = Timers::default();
        r.run(&mut api, &mut timers);
        assert_eq!(r.controller.runs.last().map(String::as_str), Some("later"));
        assert_eq!(timers.drain(), vec![(20_000, Wake::Controller("counter"))]);
    }
}
