//! kube-controller-manager: level-triggered reconcilers woken by watch events through one
//! queue each, never by calling each other.

pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod garbage_collector;
pub mod job;
pub mod namespace;
pub mod namespace_defaults;
pub mod nodelifecycle;
pub mod podgc;
pub mod replicaset;

use crate::apiserver::{ApiServer, Subresource};
use serde_json::{json, Value};
use crate::clock::Timers;
use crate::store::WatchEvent;

pub struct ControllerManager {
    /// false while kube-controller-manager is not running
    pub running: bool,
    pub namespace: namespace::NamespaceController,
    pub gc: garbage_collector::GarbageCollector,
    pub namespace_defaults: namespace_defaults::NamespaceDefaults,
    pub replicaset: replicaset::ReplicaSetController,
    pub deployment: deployment::DeploymentController,
    pub daemonset: daemonset::DaemonSetController,
    pub nodelifecycle: nodelifecycle::NodeLifecycleController,
    pub job: job::JobController,
    pub endpoints: endpoints::EndpointsController,
    pub podgc: podgc::PodGc,
}

impl Default for ControllerManager {
    fn default() -> Self {
        ControllerManager { running: true, namespace: Default::default(), gc: Default::default(), namespace_defaults: Default::default(), replicaset: Default::default(), deployment: Default::default(), daemonset: Default::default(), nodelifecycle: Default::default(), job: Default::default(), endpoints: Default::default(), podgc: Default::default() }
    }
}

impl ControllerManager {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        self.namespace.on_event(ev);
        self.gc.on_event(ev);
        self.namespace_defaults.on_event(ev);
        self.replicaset.on_event(ev);
        self.deployment.on_event(ev);
        self.daemonset.on_event(ev);
        self.job.on_event(ev);
        self.endpoints.on_event(ev);
        self.podgc.on_event(ev);
    }

    pub fn wake(&mut self, name: &str, now: crate::api::time::Millis) {
        match name {
            nodelifecycle::NAME => self.nodelifecycle.wake(true, now),
            nodelifecycle::EVICTION => self.nodelifecycle.wake(false, now),
            job::NAME => self.job.wake(now),
            _ => {}
        }
    }

    /// Runs every controller with work queued.
    pub fn reconcile(&mut self, api: &mut ApiServer, timers: &mut Timers) {
        if !self.running {
            return;
        }
        self.namespace.reconcile(api);
        self.gc.reconcile(api);
        self.namespace_defaults.reconcile(api);
        self.deployment.reconcile(api);
        self.replicaset.reconcile(api);
        self.daemonset.reconcile(api);
        self.nodelifecycle.reconcile(api, timers);
        self.job.reconcile(api, timers);
        self.endpoints.reconcile(api);
        self.podgc.reconcile(api);
    }
}

/// Writes a controller's status if it changed, leaving out zero counts in `omit_zero` (the
/// `omitempty` of the Go status types).
pub fn write_status(api: &mut ApiServer, cur: &Value, mut status: Value, omit_zero: &[&str]) {
    for k in omit_zero {
        if status.get(*k) == Some(&json!(0)) {
            if let Some(m) = status.as_object_mut() {
                m.remove(*k);
            }
        }
    }
    if cur.get("status") != Some(&status) {
        let mut v = cur.clone();
        v["status"] = status;
        let _ = api.update(v, Subresource::Status);
    }
}
