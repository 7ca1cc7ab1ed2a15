//! The virtual clock's vocabulary every component shares: where time starts, the timers a
//! component asks for while it reacts, and the seeded RNG. The event loop that owns them is
//! `sim::Cluster`; components only ask to be woken (`Timers::at`) and never see the loop.

pub mod rng;

use crate::api::time::Millis;

/// 2026-01-01T00:00:00Z: where every simulation's clock starts.
pub const EPOCH: Millis = 1_767_225_600_000;

/// Something a component asked to be woken for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wake {
    /// a kubelet's periodic work (lease renewal, status), or a pod's next lifecycle step
    Kubelet { node: String, pod_uid: Option<String> },
    /// the scheduler's backoff / unschedulable flush
    Scheduler,
    /// a controller's requeue-after
    Controller(&'static str),
    /// kube-apiserver's housekeeping every 5 minutes: expired events go, etcd is compacted
    Housekeeping,
}

/// Timers components schedule while reacting; the loop drains them into its queue.
#[derive(Default)]
pub struct Timers {
    pending: Vec<(Millis, Wake)>,
}

impl Timers {
    pub fn at(&mut self, at: Millis, wake: Wake) {
        self.pending.push((at, wake));
    }

    /// What was asked for, in the order asked (the event loop's queue keeps that order for
    /// timers due at the same instant).
    pub fn drain(self) -> Vec<(Millis, Wake)> {
        self.pending
    }
}

