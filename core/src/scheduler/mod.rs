//! kube-scheduler. `Schedulers` is every scheduler process in the cluster — the default one
//! (the kubeadm static pod) and any second scheduler a learner deploys — sharing one cache
//! that follows the store's watch. Each process serves one or more profiles (schedulerName)
//! and keeps its own queue: pods whose spec.schedulerName no running process serves stay
//! Pending with no event, as upstream.

pub mod cache;
pub mod config;
pub mod explain;
pub mod fast;
pub mod framework;
pub mod node_table;
pub mod plugins;
pub mod preemption;
pub mod process;
pub mod queue;
pub mod types;

use crate::api::time::Millis;
use crate::apiserver::events::Source;
use crate::apiserver::{admission::set_condition, ApiServer, Subresource};
use crate::clock::rng::Rng;
use crate::clock::{Timers, Wake};
use crate::store::Store;
use cache::{Cache, Change, PodKey};
use framework::{Explanation, Profile};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use types::PodInfo;

pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

/// How many attempts each scheduler remembers for `sim explain pod`.
const MAX_ATTEMPTS: usize = 5_000;

/// A compact record of one scheduling attempt; the per-node detail is recomputed on demand
/// by replaying the store to `revision` (see cache.rs), so 5,000-node clusters cost nothing.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub uid: String,
    pub at: Millis,
    pub revision: i64,
    pub start: usize,
    pub profile: usize,
    pub picked: Option<String>,
    pub message: Option<String>,
    pub preemption: Option<String>,
}

/// One kube-scheduler process.
pub struct Scheduler {
    /// what it is: "default-scheduler", or the pod that runs it (namespace/name)
    pub identity: String,
    pub profiles: Vec<Profile>,
    /// false while its pod is not running (e.g. the static pod manifest was moved away)
    pub running: bool,
    rng: Rng,
    queue: queue::Queue,
    next_start: usize,
    pub attempts: BTreeMap<PodKey, Attempt>,
    attempt_order: VecDeque<PodKey>,
    shapes: fast::ShapeCache,
}

impl Scheduler {
    pub fn new(identity: &str, profiles: Vec<Profile>, seed: u64) -> Scheduler {
        let salt = identity.bytes().fold(0x7363_6864u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        Scheduler { identity: identity.into(), profiles, running: true, rng: Rng::new(seed ^ salt), queue: Default::default(), next_start: 0, attempts: BTreeMap::new(), attempt_order: VecDeque::new(), shapes: Default::default() }
    }

    fn profile_for(&self, scheduler_name: &str) -> Option<usize> {
        self.profiles.iter().position(|p| p.scheduler_name == scheduler_name)
    }

    pub fn serves(&self, scheduler_name: &str) -> bool {
        self.profile_for(scheduler_name).is_some()
    }

    fn remember(&mut self, key: PodKey, a: Attempt) {
        if self.attempts.insert(key.clone(), a).is_none() {
            self.attempt_order.push_back(key);
            while self.attempt_order.len() > MAX_ATTEMPTS {
                if let Some(old) = self.attempt_order.pop_front() {
                    self.attempts.remove(&old);
                }
            }
        }
    }

}

/// Every scheduler process and their shared cache.
pub struct Schedulers {
    pub cache: Cache,
    /// the store revision the cache has seen
    cursor: i64,
    pub instances: Vec<Scheduler>,
    seed: u64,
    /// the earliest Wake::Scheduler already armed
    armed: Option<Millis>,
    /// pending pods no running process serves (their schedulerName is unknown)
    orphans: BTreeMap<PodKey, Arc<PodInfo>>,
    /// false while kube-apiserver is down: no scheduler can list, watch or bind
    pub api_up: bool,
    /// the benchmark's clock (ms) and the time spent in scheduling cycles (the algorithm,
    /// without binding), as scheduler_perf's scheduling_algorithm_duration
    pub cycle_clock: Option<std::rc::Rc<dyn Fn() -> f64>>,
    pub cycle_ms: f64,
    /// pods this scheduler just bound: the store revision of the binding and the pod as bound
    /// (the cache's "assume": the watch event for that revision needs no parsing)
    assumed: std::collections::HashMap<PodKey, (i64, Arc<PodInfo>)>,
}

fn wants(p: &PodInfo) -> bool {
    p.node_name.is_empty() && !p.deleting && !p.terminal
}

impl Schedulers {
    pub fn new(seed: u64) -> Schedulers {
        Schedulers { cache: Cache::default(), cursor: 0, instances: vec![Scheduler::new(DEFAULT_SCHEDULER, vec![Profile::default_profile(DEFAULT_SCHEDULER)], seed)], seed, armed: None, orphans: BTreeMap::new(), assumed: Default::default(), api_up: true, cycle_clock: None, cycle_ms: 0.0 }
    }

    /// The default scheduler (the kubeadm static pod, or the managed control plane's).
    pub fn instance_mut(&mut self, identity: &str) -> Option<&mut Scheduler> {
        self.instances.iter_mut().find(|s| s.identity == identity)
    }

    /// Adds (or replaces) a scheduler process; its queue starts with every pending pod it serves.
    pub fn start(&mut self, identity: &str, profiles: Vec<Profile>, now: Millis) {
        self.instances.retain(|s| s.identity != identity);
        self.stop(identity);
        let mut s = Scheduler::new(identity, profiles, self.seed);
        let taken: Vec<PodKey> = self.orphans.iter().filter(|(_, p)| s.serves(&p.scheduler_name)).map(|(k, _)| k.clone()).collect();
        for k in taken {
            if let Some(p) = self.orphans.remove(&k) {
                s.queue.upsert(p, now);
            }
        }
        self.instances.push(s);
    }

    /// A scheduler process goes away; the pods it was to schedule wait for another.
    pub fn stop(&mut self, identity: &str) {
        let Some(i) = self.instances.iter().position(|s| s.identity == identity) else { return };
        let s = self.instances.remove(i);
        for p in s.queue.all() {
            self.orphans.insert(p.key(), p);
        }
    }

    /// Follows the store's watch: updates the cache and routes pending pods to their queues.
    pub fn sync(&mut self, store: &Store, now: Millis) {
        if store.revision() == self.cursor {
            return;
        }
        let events = store.events_since(self.cursor);
        self.cursor = store.revision();
        for ev in events {
            let parsed = if self.assumed.is_empty() || !ev.key.starts_with("/registry/pods/") {
                None
            } else {
                let key = (crate::api::namespace(&ev.value).to_string(), crate::api::name(&ev.value).to_string());
                match self.assumed.remove(&key) {
                    Some((rev, info)) if rev == ev.revision => Some(info),
                    _ => None,
                }
            };
            let (change, pod) = self.cache.apply_parsed(ev, parsed);
            match change {
                Change::Node | Change::PodRemoved => self.for_queues(|q| q.move_unschedulable(now, |_| true)),
                // a pod that arrives may satisfy another's pod affinity or spread constraints
                Change::PodAssigned => self.for_queues(|q| q.move_unschedulable(now, |p| !p.required_affinity.is_empty() || p.spread_constraints.iter().any(|c| c.hard))),
                Change::Unassigned | Change::None => {}
            }
            let Some(pod) = pod else { continue };
            let key = pod.key();
            let deleted = ev.typ == crate::store::EventType::Delete;
            let mut served = false;
            for s in &mut self.instances {
                if !deleted && wants(&pod) && s.serves(&pod.scheduler_name) {
                    s.queue.upsert(pod.clone(), now);
                    served = true;
                } else {
                    s.queue.remove(&key);
                }
            }
            // pods nobody serves wait, silently, until a scheduler for them starts
            self.orphans.remove(&key);
            if !served && !deleted && wants(&pod) {
                self.orphans.insert(key, pod);
            }
        }
    }

    fn for_queues(&mut self, f: impl Fn(&mut queue::Queue)) {
        for s in &mut self.instances {
            f(&mut s.queue);
        }
    }

    /// Wake::Scheduler: the queues' periodic flushes.
    pub fn on_timer(&mut self, now: Millis) {
        self.armed = None;
        self.for_queues(|q| q.flush(now));
    }

    /// Schedules every active pod of every running scheduler; true if it did anything.
    pub fn schedule_pending(&mut self, api: &mut ApiServer, timers: &mut Timers) -> bool {
        self.sync(api.store(), api.now);
        let mut did = false;
        if !self.api_up {
            return false;
        }
        for i in 0..self.instances.len() {
            while self.instances[i].running {
                let Some(pod) = self.instances[i].queue.pop() else { break };
                self.schedule_one(i, api, pod);
                self.sync(api.store(), api.now);
                did = true;
            }
        }
        if let Some(at) = self.instances.iter().filter(|s| s.running).filter_map(|s| s.queue.next_wake()).min() {
            if self.armed.is_none_or(|a| at < a || a < api.now) {
                self.armed = Some(at);
                timers.at(at, Wake::Scheduler);
            }
        }
        did
    }

    fn schedule_one(&mut self, i: usize, api: &mut ApiServer, pod: Arc<PodInfo>) {
        let key = pod.key();
        let now = api.now;
        let revision = api.store().revision();
        let s = &mut self.instances[i];
        let Some(pi) = s.profile_for(&pod.scheduler_name) else { return };
        let profile = &s.profiles[pi];
        let start = if self.cache.nodes.is_empty() { 0 } else { s.next_start % self.cache.nodes.len() };
        let t0 = self.cycle_clock.as_ref().map(|c| c());
        let result = match fast::schedule(profile, &self.cache, &pod, start, &mut s.rng, &mut s.shapes) {
            Some(r) => r,
            None => framework::schedule(profile, &self.cache, &pod, start, &mut s.rng, None),
        };
        if let (Some(t0), Some(c)) = (t0, self.cycle_clock.as_ref()) {
            self.cycle_ms += c() - t0;
        }
        if !self.cache.nodes.is_empty() {
            s.next_start = (start + result.processed) % self.cache.nodes.len();
        }
        let component = profile.scheduler_name.clone();
        let source = Source { component: &component, host: None };
        let mut attempt = Attempt { uid: pod.uid.clone(), at: now, revision, start, profile: pi, picked: None, message: None, preemption: None };
        match result.picked {
            Some(n) => {
                let node = self.cache.nodes[n].node.name.clone();
                attempt.picked = Some(node.clone());
                s.remember(key.clone(), attempt);
                // Bind (Reserve, Permit and PreBind have no plugin here: upstream's are
                // VolumeBinding's, and kubesim has no volumes to bind)
                match plugins::default_binder::bind(api, &key.0, &key.1, &node) {
                    Ok(bound) => {
                        s.queue.remove(&key);
                        let mut assumed = (*pod).clone();
                        assumed.node_name = node.clone();
                        assumed.nominated_node_name.clear();
                        self.assumed.insert(key.clone(), (api.store().revision(), Arc::new(assumed)));
                        api.record_event(&bound, "", "Normal", "Scheduled", &format!("Successfully assigned {}/{} to {}", key.0, key.1, node), source);
                    }
                    Err(_) => s.queue.retry(&key, now),
                }
            }
            None => {
                // PostFilter: DefaultPreemption may nominate a node after evicting victims
                let pre = if profile.preemption { preemption::preempt(profile, &self.cache, &pod, &result.failures, api, Source { component: &component, host: None }) } else { preemption::Outcome::disabled() };
                let msg = framework::fit_error(self.cache.nodes.len(), &result.failures, pre.message.as_deref());
                attempt.message = Some(msg.clone());
                attempt.preemption = pre.summary.clone();
                s.remember(key.clone(), attempt);
                s.queue.failed(&key, now);
                if let Some(cur) = api.get_kind("Pod", &key.0, &key.1) {
                    let mut p = (*cur).clone();
                    set_condition(&mut p, "PodScheduled", "False", Some("Unschedulable"), Some(&msg), now);
                    if let Some(n) = &pre.nominated {
                        crate::api::set_at(&mut p, "/status/nominatedNodeName", serde_json::json!(n));
                    }
                    let _ = api.update(p, Subresource::Status);
                    api.record_event(&cur, "", "Warning", "FailedScheduling", &msg, source);
                }
            }
        }
    }

    /// The recorded attempt for the pod now called ns/name, whichever scheduler made it; not
    /// an attempt for an earlier pod of the same name (a deleted pod's replacement, or a pod
    /// recreated with spec.nodeName, has its own UID).
    pub fn attempt(&self, store: &Store, ns: &str, name: &str) -> Option<(&Scheduler, &Attempt)> {
        let uid = store.get(&format!("/registry/pods/{}/{}", ns, name)).map(|e| crate::api::str_at(&e.value, "/metadata/uid").to_string())?;
        let key = (ns.to_string(), name.to_string());
        self.instances.iter().filter_map(|s| s.attempts.get(&key).map(|a| (s, a))).filter(|(_, a)| a.uid == uid).max_by_key(|(_, a)| a.revision)
    }

    /// Re-runs a pod's last attempt over the cluster as it was, recording every node's verdicts
    /// and scores.
    pub fn explain(&self, store: &Store, ns: &str, name: &str) -> Option<Explanation> {
        let (s, a) = self.attempt(store, ns, name)?;
        self.explain_attempt(store, s, a, ns, name)
    }

    /// Time travel: the explanation of the pod `uid` as it stood at `revision` — its latest
    /// attempt, if that had been made by then (only the latest attempt per pod is kept).
    pub fn explain_as_of(&self, store: &Store, ns: &str, name: &str, uid: &str, revision: i64) -> Option<Explanation> {
        let key = (ns.to_string(), name.to_string());
        let (s, a) = self.instances.iter().filter_map(|s| s.attempts.get(&key).map(|a| (s, a))).filter(|(_, a)| a.uid == uid).max_by_key(|(_, a)| a.revision)?;
        if a.revision > revision {
            return None;
        }
        self.explain_attempt(store, s, a, ns, name)
    }

    fn explain_attempt(&self, store: &Store, s: &Scheduler, a: &Attempt, ns: &str, name: &str) -> Option<Explanation> {
        // the cluster as the attempt saw it is gone once the history is compacted past it
        if a.revision < store.compacted() {
            return None;
        }
        let profile = s.profiles.get(a.profile)?;
        let cache = Cache::at_revision(store, a.revision);
        let pod_json = store.snapshot_at(a.revision).into_values().find(|v| crate::api::kind(v) == "Pod" && crate::api::namespace(v) == ns && crate::api::name(v) == name && crate::api::str_at(v, "/metadata/uid") == a.uid)?;
        let pod = PodInfo::from_json(&pod_json);
        let mut rows = vec![];
        let mut rng = Rng::new(0);
        let r = framework::schedule(profile, &cache, &pod, a.start, &mut rng, Some(&mut rows));
        Some(Explanation {
            pod: format!("{}/{}", ns, name),
            at: a.at,
            scheduler: profile.scheduler_name.clone(),
            filters: profile.filters.clone(),
            skipped_filters: r.skipped_filters,
            scores: profile.scores.clone(),
            nodes: rows,
            picked: a.picked.clone(),
            message: a.message.clone(),
            preemption: a.preemption.clone(),
        })
    }
}
