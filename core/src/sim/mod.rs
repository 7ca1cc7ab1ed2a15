//! The simulation: one deterministic event loop that owns the virtual clock, the timer queue
//! and the seeded RNG, and drives every component from watch events and timers only.
//!
//! `settle()` runs everything due at the current instant until the cluster is quiet;
//! `advance(d)` moves the clock forward timer by timer, settling at each.

pub mod bootstrap;
pub mod history;
pub mod schedulers;

use crate::api::time::Millis;
pub use crate::clock::{rng, Timers, Wake, EPOCH};
use crate::apiserver::ApiServer;
use crate::controllers::ControllerManager;
use crate::kubelet::Kubelet;
use crate::scheduler::Schedulers;
use crate::store::{EventType, WatchEvent};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// kube-apiserver compacts etcd every 5 minutes (--etcd-compaction-interval).
pub const HOUSEKEEPING_MS: Millis = 300_000;
/// How much history kubesim keeps (for explanations of past scheduling attempts and
/// rebuilding earlier states): compaction keeps the last hour.
pub const HISTORY_MS: Millis = 3_600_000;
/// ... and at most this many changes, whichever is less (memory stays bounded on big clusters).
pub const HISTORY_CHANGES: i64 = 50_000;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    at: Millis,
    seq: u64,
    wake: Wake,
}

pub struct Cluster {
    pub api: ApiServer,
    pub scheduler: Schedulers,
    pub controllers: ControllerManager,
    pub kubelets: BTreeMap<String, Kubelet>,
    pub seed: u64,
    queue: BinaryHeap<Reverse<Timer>>,
    seq: u64,
    /// the last store revision the loop has delivered to the components
    cursor: i64,
    /// nodes get pod CIDRs 10.244.N.0/24 and addresses in order of registration (node IPAM)
    pub(crate) node_index: u32,
    /// the node whose static pods run kube-scheduler and kube-controller-manager (kubeadm);
    /// None when the control plane runs off-cluster (`--empty`, as in a managed cluster)
    pub control_plane: Option<String>,
    /// keys written with `etcdctl put` outside /registry (the apiserver's keys stay its own)
    pub etcd_user_keys: BTreeMap<String, String>,
    /// (time, store revision) every housekeeping tick: what compaction may drop once old
    checkpoints: std::collections::VecDeque<(Millis, i64)>,
    /// the revision a session starts from (after the starting cluster was built): time
    /// travel cannot go back before it
    origin: i64,
    /// while a session is replayed, the time it reached: a command that moves the clock
    /// (`sleep`, `kubectl wait`) stops there, as it had not finished when the session was cut
    clock_limit: Option<Millis>,
}

/// A safety valve against components ping-ponging writes forever at one instant.
const MAX_ROUNDS: usize = 10_000;

impl Cluster {
    /// An empty cluster (`kubesim --empty`): control plane running off-cluster, no nodes.
    pub fn empty(seed: u64) -> Cluster {
        let mut c = Cluster {
            api: ApiServer::new(seed, EPOCH),
            scheduler: Schedulers::new(seed),
            controllers: ControllerManager::default(),
            kubelets: BTreeMap::new(),
            seed,
            queue: BinaryHeap::new(),
            seq: 0,
            cursor: 0,
            node_index: 0,
            control_plane: None,
            etcd_user_keys: BTreeMap::new(),
            checkpoints: Default::default(),
            origin: 0,
            clock_limit: None,
        };
        c.push(EPOCH + HOUSEKEEPING_MS, Wake::Housekeeping);
        bootstrap::system_namespaces(&mut c);
        c.settle();
        c
    }

    /// The default kubeadm-like cluster of BRIEF.md, a few virtual minutes after `kubeadm init`.
    pub fn default_cluster(seed: u64) -> Cluster {
        let mut c = Cluster::empty(seed);
        bootstrap::kubeadm(&mut c);
        c
    }

    pub fn now(&self) -> Millis {
        self.api.now
    }

    fn push(&mut self, at: Millis, wake: Wake) {
        self.seq += 1;
        self.queue.push(Reverse(Timer { at: at.max(self.api.now), seq: self.seq, wake }));
    }

    pub(crate) fn take_timers(&mut self, t: Timers) {
        for (at, w) in t.drain() {
            self.push(at, w);
        }
    }

    /// Delivers watch events and fires due timers until nothing changes at this instant.
    pub fn settle(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut progressed = false;
            if self.api.store().revision() != self.cursor {
                let events: Vec<WatchEvent> = self.api.store().events_since(self.cursor).to_vec();
                self.cursor = self.api.store().revision();
                self.dispatch(&events);
                progressed = true;
            }
            while self.queue.peek().is_some_and(|Reverse(t)| t.at <= self.api.now) {
                let Reverse(t) = self.queue.pop().expect("peeked");
                self.fire(t.wake);
                progressed = true;
            }
            let mut timers = Timers::default();
            if self.scheduler.schedule_pending(&mut self.api, &mut timers) {
                progressed = true;
            }
            self.take_timers(timers);
            if !progressed && self.api.store().revision() == self.cursor {
                return;
            }
        }
    }

    /// Moves virtual time forward by `d`, firing each timer at its own instant.
    pub fn advance(&mut self, d: Millis) {
        let mut until = self.api.now.saturating_add(d.max(0));
        if let Some(limit) = self.clock_limit {
            until = until.min(limit.max(self.api.now));
        }
        self.settle();
        while let Some(Reverse(t)) = self.queue.peek() {
            if t.at > until {
                break;
            }
            self.api.set_now(t.at.max(self.api.now));
            self.settle();
        }
        self.api.set_now(until);
        self.settle();
    }

    /// Restarts a kubelet's periodic work (after `sim node start`).
    pub fn wake_kubelet(&mut self, node: &str, at: Millis) {
        self.push(at, Wake::Kubelet { node: node.to_string(), pod_uid: None });
    }

    /// The next instant something is scheduled to happen, if anything is.
    pub fn next_timer(&self) -> Option<Millis> {
        self.queue.peek().map(|Reverse(t)| t.at)
    }

    fn dispatch(&mut self, events: &[WatchEvent]) {
        let mut timers = Timers::default();
        let mut schedulers_changed = false;
        for ev in events {
            let kind = ev.value.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            match kind {
                "Node" => {
                    let name = crate::api::name(&ev.value).to_string();
                    if ev.typ == EventType::Delete {
                        self.kubelets.remove(&name);
                    } else if !self.kubelets.contains_key(&name) {
                        // KWOK convention: every Node object gets a simulated kubelet.
                        self.node_index += 1;
                        let k = Kubelet::new(&name, self.node_index, schedulers::binaries);
                        self.kubelets.insert(name.clone(), k);
                        timers.at(self.api.now, Wake::Kubelet { node: name, pod_uid: None });
                    }
                }
                "Pod" => {
                    schedulers_changed |= schedulers::concerns_schedulers(&ev.value);
                    let node = crate::api::str_at(&ev.value, "/spec/nodeName").to_string();
                    if let Some(k) = self.kubelets.get_mut(&node) {
                        k.on_pod_event(&mut self.api, ev, &mut timers);
                        // a deleted mirror pod comes back while its manifest is there
                        if ev.typ == EventType::Delete && crate::api::str_at(&ev.value, "/metadata/annotations/kubernetes.io~1config.source") == "file" && k.running {
                            k.sync_static_pods(&mut self.api);
                        }
                    }
                }
                _ => {}
            }
            self.controllers.on_event(ev);
        }
        self.controllers.reconcile(&mut self.api, &mut timers);
        self.take_timers(timers);
        self.gate_control_plane();
        if schedulers_changed {
            self.sync_scheduler_processes();
        }
    }

    /// Whether kube-apiserver answers: its static pod and etcd's run on the control plane (a
    /// managed control plane always answers).
    pub fn api_reachable(&self) -> bool {
        match self.control_plane.as_ref().and_then(|n| self.kubelets.get(n)) {
            Some(k) => k.runs_component("kube-apiserver") && k.runs_component("etcd"),
            None => true,
        }
    }

    /// kube-scheduler and kube-controller-manager run while their static pod manifests do —
    /// and only do anything while the API server they talk to is up.
    pub fn gate_control_plane(&mut self) {
        let api = self.api_reachable();
        if let Some(k) = self.control_plane.as_ref().and_then(|n| self.kubelets.get(n)) {
            self.controllers.running = api && k.runs_component("kube-controller-manager");
        }
        self.scheduler.api_up = api;
    }

    fn fire(&mut self, wake: Wake) {
        let mut timers = Timers::default();
        match wake {
            Wake::Kubelet { node, pod_uid } => {
                if let Some(k) = self.kubelets.get_mut(&node) {
                    k.on_timer(&mut self.api, pod_uid.as_deref(), &mut timers);
                }
            }
            Wake::Scheduler => self.scheduler.on_timer(self.api.now),
            Wake::Controller(name) => self.controllers.wake(name, self.api.now),
            Wake::Housekeeping => {
                if self.api_reachable() {
                    self.api.expire_events();
                }
                let now = self.api.now;
                self.checkpoints.push_back((now, self.api.store().revision()));
                let mut to = 0;
                while self.checkpoints.front().is_some_and(|(t, _)| *t <= now - HISTORY_MS) {
                    if let Some((_, rev)) = self.checkpoints.pop_front() {
                        to = rev;
                    }
                }
                // and never more than HISTORY_CHANGES changes (a big cluster writes hundreds of
                // thousands an hour); only what every component has already seen
                let to = to.max(self.api.store().revision() - HISTORY_CHANGES).min(self.cursor);
                self.api.compact(to);
                timers.at(now + HOUSEKEEPING_MS, Wake::Housekeeping);
            }
        }
        self.controllers.reconcile(&mut self.api, &mut timers);
        self.take_timers(timers);
    }
}
