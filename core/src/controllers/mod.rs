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
pub mod runtime;

use crate::api::time::Millis;
use crate::apiserver::{ApiServer, Subresource};
use runtime::{Controller, Runner};
use serde_json::{json, Value};
use crate::clock::Timers;
use crate::store::WatchEvent;

/// The controllers kube-controller-manager runs, in the order they reconcile after each step
/// (the order is part of the simulation's determinism). A new controller: its file, its
/// `Controller` impl and one line here.
macro_rules! controllers {
    ($($field:ident: $ty:ty),* $(,)?) => {
        #[derive(Default)]
        pub struct Controllers {
            $(pub $field: Runner<$ty>,)*
        }

        impl Controllers {
            fn on_event(&mut self, ev: &WatchEvent) {
                $(self.$field.on_event(ev);)*
            }

            /// Returns false when no controller has that name.
            fn wake(&mut self, name: &str, now: Millis) -> bool {
                $(if name == <$ty as Controller>::NAME {
                    self.$field.wake(now);
                    return true;
                })*
                false
            }

            fn run(&mut self, api: &mut ApiServer, timers: &mut Timers) {
                $(self.$field.run(api, timers);)*
            }
        }
    };
}

controllers! {
    namespace: namespace::NamespaceController,
    gc: garbage_collector::GarbageCollector,
    namespace_defaults: namespace_defaults::NamespaceDefaults,
    deployment: deployment::DeploymentController,
    replicaset: replicaset::ReplicaSetController,
    daemonset: daemonset::DaemonSetController,
    nodelifecycle: nodelifecycle::NodeLifecycleController,
    job: job::JobController,
    endpoints: endpoints::EndpointsController,
    podgc: podgc::PodGc,
}

pub struct ControllerManager {
    /// false while kube-controller-manager is not running
    pub running: bool,
    pub controllers: Controllers,
}

impl Default for ControllerManager {
    fn default() -> Self {
        ControllerManager { running: true, controllers: Controllers::default() }
    }
}

impl ControllerManager {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        self.controllers.on_event(ev);
    }

    /// A `Wake::Controller(name)` timer fired.
    pub fn wake(&mut self, name: &str, now: Millis) {
        let known = self.controllers.wake(name, now);
        debug_assert!(known, "a timer for no controller: {}", name);
    }

    /// Runs every controller with work queued.
    pub fn reconcile(&mut self, api: &mut ApiServer, timers: &mut Timers) {
        if self.running {
            self.controllers.run(api, timers);
        }
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
        runtime::settled(api.update(v, Subresource::Status));
    }
}
