//! The per-node numbers the fast path scans, in flat arrays index-aligned with `Cache::nodes`
//! (kept up to date by the cache as pods come and go), and the classes of alike nodes.

use super::types::{NodeInfo, NodeSpec, Taint};
use std::collections::HashMap;
use std::sync::Arc;

pub(super) const HOSTNAME: &str = "kubernetes.io/hostname";

/// What makes two nodes alike for the static plugins.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ClassKey {
    labels: Vec<(String, String)>,
    taints: Vec<(String, String, String)>,
    unschedulable: bool,
    images: Vec<(String, i64)>,
}

impl ClassKey {
    fn of(n: &NodeSpec) -> ClassKey {
        ClassKey {
            labels: n.labels.iter().filter(|(k, _)| *k != HOSTNAME).map(|(k, v)| (k.clone(), v.clone())).collect(),
            taints: n.taints.iter().map(|t: &Taint| (t.key.clone(), t.value.clone(), t.effect.clone())).collect(),
            unschedulable: n.unschedulable,
            images: n.images.clone(),
        }
    }
}

/// Flat per-node arrays, index-aligned with `Cache::nodes`.
#[derive(Default, Clone)]
pub struct NodeTable {
    pub(super) class: Vec<u32>,
    pub(super) alloc_cpu: Vec<i64>,
    pub(super) alloc_mem: Vec<i64>,
    pub(super) allowed_pods: Vec<i64>,
    pub(super) pods: Vec<i64>,
    pub(super) req_cpu: Vec<i64>,
    pub(super) req_mem: Vec<i64>,
    pub(super) nz_cpu: Vec<i64>,
    pub(super) nz_mem: Vec<i64>,
    /// the rows changed since the epoch began, in order: each cached shape recomputes the ones
    /// it has not seen (no per-node version check in the scan)
    pub(super) changed: Vec<u32>,
    /// bumped when rows move (a node added or removed) or the log grows long: cached shapes
    /// start over
    pub(super) epoch: u64,
    /// one representative node spec per class
    pub(super) classes: Vec<Arc<NodeSpec>>,
    class_index: HashMap<ClassKey, u32>,
}

impl NodeTable {
    fn class_of(&mut self, n: &Arc<NodeSpec>) -> u32 {
        let key = ClassKey::of(n);
        if let Some(&c) = self.class_index.get(&key) {
            return c;
        }
        let c = self.classes.len() as u32;
        self.classes.push(n.clone());
        self.class_index.insert(key, c);
        c
    }

    pub fn insert(&mut self, at: usize, n: &NodeInfo) {
        let c = self.class_of(&n.node);
        self.class.insert(at, c);
        self.new_epoch();
        for v in [&mut self.alloc_cpu, &mut self.alloc_mem, &mut self.allowed_pods, &mut self.pods, &mut self.req_cpu, &mut self.req_mem, &mut self.nz_cpu, &mut self.nz_mem] {
            v.insert(at, 0);
        }
        self.refresh(at, n);
    }

    pub fn remove(&mut self, at: usize) {
        self.class.remove(at);
        self.new_epoch();
        for v in [&mut self.alloc_cpu, &mut self.alloc_mem, &mut self.allowed_pods, &mut self.pods, &mut self.req_cpu, &mut self.req_mem, &mut self.nz_cpu, &mut self.nz_mem] {
            v.remove(at);
        }
    }

    /// After the node's spec changed.
    pub fn respec(&mut self, at: usize, n: &NodeInfo) {
        let c = self.class_of(&n.node);
        if c != self.class[at] {
            // cached shapes group nodes by class
            self.class[at] = c;
            self.new_epoch();
        }
        self.refresh(at, n);
    }

    /// After pods were added to or removed from the node.
    pub fn refresh(&mut self, at: usize, n: &NodeInfo) {
        if self.changed.len() > 4 * self.class.len() + 64 {
            self.new_epoch();
        }
        self.changed.push(at as u32);
        self.alloc_cpu[at] = n.node.allocatable.milli_cpu;
        self.alloc_mem[at] = n.node.allocatable.memory;
        self.allowed_pods[at] = n.node.allowed_pods;
        self.pods[at] = n.pods.len() as i64;
        self.req_cpu[at] = n.requested.milli_cpu;
        self.req_mem[at] = n.requested.memory;
        self.nz_cpu[at] = n.non_zero_requested.milli_cpu;
        self.nz_mem[at] = n.non_zero_requested.memory;
    }

    fn new_epoch(&mut self) {
        self.epoch = next_epoch();
        self.changed.clear();
    }
}

/// Epochs are unique across all tables, so a ShapeCache can never mistake another cache's
/// rows (or a clone's) for its own.
fn next_epoch() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
