//! The scheduler's cache (pkg/scheduler/backend/cache): NodeInfos kept up to date
//! incrementally from watch events, so a scheduling cycle reads aggregates instead of listing
//! every pod. Also the few other objects plugins read: namespace labels (pod affinity's
//! namespaceSelector) and the Services / ReplicaSets / ReplicationControllers / StatefulSets
//! whose selectors make PodTopologySpread's default constraints.
//!
//! The cache is a pure function of the store's event log: replaying the log up to a revision
//! rebuilds exactly what the scheduler saw then (that is how `sim explain pod` re-runs an
//! attempt without keeping per-node records for every pod).

use super::types::{NodeInfo, NodeSpec, PodInfo};
use crate::api::labels::{map_of, Labels, Selector};
use crate::store::{EventType, Store, WatchEvent};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What an event changed, for the scheduling queue's decision to retry unschedulable pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    None,
    /// a node appeared, or its labels, taints, allocatable or unschedulable flag changed
    Node,
    /// a pod was assigned to a node or its labels changed there
    PodAssigned,
    /// an assigned pod went away (deleted or finished): room was freed
    PodRemoved,
    /// an unassigned pod was added or changed: (namespace, name) and whether it is deleted
    Unassigned,
}

pub type PodKey = (String, String);

#[derive(Default, Clone)]
pub struct Cache {
    /// NodeInfos in node-name order (the order filters walk, from a rotating start)
    pub nodes: Vec<NodeInfo>,
    index: HashMap<String, usize>,
    /// assigned pods and the node they are on
    assigned: HashMap<PodKey, Arc<PodInfo>>,
    /// assigned pods whose node the cache has not seen (yet)
    orphans: HashMap<String, Vec<Arc<PodInfo>>>,
    /// unassigned pods nominated to a node by preemption
    pub nominated: BTreeMap<PodKey, Arc<PodInfo>>,
    /// how many nodes hold each image (ImageLocality's spread)
    pub image_spread: HashMap<String, usize>,
    pub namespaces: HashMap<String, Labels>,
    /// service selectors by namespace (default topology spreading)
    pub services: BTreeMap<PodKey, Labels>,
    /// ReplicaSet / ReplicationController / StatefulSet selectors: (kind, ns, name)
    pub workloads: BTreeMap<(String, String, String), Selector>,
    /// PodDisruptionBudgets: (ns, name) → (selector, disruptionsAllowed)
    pub pdbs: BTreeMap<PodKey, (Selector, i64)>,
    /// the fast path's flat view of `nodes` (fast.rs)
    pub table: super::node_table::NodeTable,
    /// over all nodes: pods with any (anti-)affinity term, and with required anti-affinity
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
}

impl Cache {
    /// Replays the store's log up to `revision` (a fresh scheduler's list + watch).
    /// After compaction the replay starts from the objects alive at the compaction point, in
    /// their creation order (as the live cache holds nodes).
    pub fn at_revision(store: &Store, revision: i64) -> Cache {
        let mut c = Cache::default();
        for (key, value) in store.base_in_creation_order() {
            c.apply(&WatchEvent { revision: store.compacted(), typ: EventType::Put, key: key.clone(), value: value.clone(), created: true });
        }
        for ev in store.events_since(store.compacted()).iter().take_while(|e| e.revision <= revision) {
            c.apply(ev);
        }
        c
    }

    /// A cache holding these objects, as if each had just been created (for tests).
    #[cfg(test)]
    pub fn from_objects(objs: Vec<Value>) -> Cache {
        let mut c = Cache::default();
        for (i, v) in objs.into_iter().enumerate() {
            c.apply(&WatchEvent { revision: i as i64 + 1, typ: EventType::Put, key: String::new(), value: Arc::new(v), created: true });
        }
        c
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.index.get(name).map(|&i| &self.nodes[i])
    }

    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }


    /// Applies one watch event; for a pod, also returns its parsed PodInfo.
    pub fn apply(&mut self, ev: &WatchEvent) -> (Change, Option<Arc<PodInfo>>) {
        self.apply_parsed(ev, None)
    }

    /// `apply`, reusing a PodInfo the caller already has for this very revision of the pod
    /// (the scheduler's assumed pod after its own bind).
    pub fn apply_parsed(&mut self, ev: &WatchEvent, parsed: Option<Arc<PodInfo>>) -> (Change, Option<Arc<PodInfo>>) {
        let v = &ev.value;
        let del = ev.typ == EventType::Delete;
        if crate::api::kind(v) == "Pod" {
            let info = parsed.unwrap_or_else(|| Arc::new(PodInfo::from_json(v)));
            debug_assert_eq!(*info, PodInfo::from_json(v), "an assumed pod must equal the stored one");
            return (self.apply_pod(&info, del), Some(info));
        }
        (self.apply_other(v, del), None)
    }

    fn apply_other(&mut self, v: &Value, del: bool) -> Change {
        match crate::api::kind(v) {
            "Node" => self.apply_node(v, del),
            "Namespace" => {
                let name = crate::api::name(v).to_string();
                if del {
                    self.namespaces.remove(&name);
                } else {
                    self.namespaces.insert(name, map_of(v.pointer("/metadata/labels")));
                }
                Change::None
            }
            "Service" => {
                let key = (crate::api::namespace(v).to_string(), crate::api::name(v).to_string());
                let sel = map_of(v.pointer("/spec/selector"));
                if del || sel.is_empty() {
                    self.services.remove(&key);
                } else {
                    self.services.insert(key, sel);
                }
                Change::None
            }
            k @ ("ReplicaSet" | "ReplicationController" | "StatefulSet") => {
                let key = (k.to_string(), crate::api::namespace(v).to_string(), crate::api::name(v).to_string());
                if del {
                    self.workloads.remove(&key);
                } else {
                    let sel = if k == "ReplicationController" {
                        let m = map_of(v.pointer("/spec/selector"));
                        Selector::parse(&m.iter().map(|(a, b)| format!("{}={}", a, b)).collect::<Vec<_>>().join(",")).unwrap_or_else(|_| Selector::nothing())
                    } else {
                        Selector::from_label_selector(v.pointer("/spec/selector")).unwrap_or_else(|_| Selector::nothing())
                    };
                    self.workloads.insert(key, sel);
                }
                Change::None
            }
            "PodDisruptionBudget" => {
                let key = (crate::api::namespace(v).to_string(), crate::api::name(v).to_string());
                if del {
                    self.pdbs.remove(&key);
                } else {
                    let sel = Selector::from_label_selector(v.pointer("/spec/selector")).unwrap_or_else(|_| Selector::nothing());
                    let allowed = v.pointer("/status/disruptionsAllowed").and_then(Value::as_i64).unwrap_or(0);
                    self.pdbs.insert(key, (sel, allowed));
                }
                Change::None
            }
            _ => Change::None,
        }
    }

    fn apply_pod(&mut self, info: &Arc<PodInfo>, del: bool) -> Change {
        let key = info.key();
        let info = info.clone();
        let old = self.remove_assigned(&key);
        self.nominated.remove(&key);
        // terminal pods free their resources (the kubelet no longer counts them either)
        if del || info.terminal {
            return if old.is_some() { Change::PodRemoved } else if del { Change::None } else { Change::Unassigned };
        }
        if info.node_name.is_empty() {
            if !info.nominated_node_name.is_empty() {
                self.nominated.insert(key, info);
            }
            return Change::Unassigned;
        }
        let labels_changed = old.as_ref().is_none_or(|o| o.labels != info.labels);
        self.add_assigned(key, info);
        if labels_changed {
            Change::PodAssigned
        } else {
            Change::None
        }
    }

    fn count_pod(&mut self, p: &PodInfo, sign: isize) {
        if p.has_affinity() {
            self.pods_with_affinity = self.pods_with_affinity.saturating_add_signed(sign);
        }
        if !p.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity = self.pods_with_required_anti_affinity.saturating_add_signed(sign);
        }
    }

    fn add_assigned(&mut self, key: PodKey, info: Arc<PodInfo>) {
        match self.index.get(&info.node_name) {
            Some(&i) => {
                self.nodes[i].add_pod(info.clone());
                self.table.refresh(i, &self.nodes[i]);
                self.count_pod(&info, 1);
            }
            None => self.orphans.entry(info.node_name.clone()).or_default().push(info.clone()),
        }
        self.assigned.insert(key, info);
    }

    fn remove_assigned(&mut self, key: &PodKey) -> Option<Arc<PodInfo>> {
        let old = self.assigned.remove(key)?;
        match self.index.get(&old.node_name) {
            Some(&i) => {
                if let Some(p) = self.nodes[i].remove_pod(&key.0, &key.1) {
                    self.count_pod(&p, -1);
                }
                self.table.refresh(i, &self.nodes[i]);
            }
            None => {
                if let Some(list) = self.orphans.get_mut(&old.node_name) {
                    list.retain(|p| !(p.namespace == key.0 && p.name == key.1));
                }
            }
        }
        Some(old)
    }

    fn apply_node(&mut self, v: &Value, del: bool) -> Change {
        let name = crate::api::name(v).to_string();
        if del {
            let Some(i) = self.index.remove(&name) else { return Change::None };
            let info = self.nodes.remove(i);
            self.table.remove(i);
            for p in &info.pods {
                self.count_pod(p, -1);
            }
            self.count_images(&info.node, -1);
            // its pods stay assigned (until the pod GC deletes them) but no longer count anywhere
            if !info.pods.is_empty() {
                self.orphans.insert(name, info.pods);
            }
            for v in self.index.values_mut() {
                if *v > i {
                    *v -= 1;
                }
            }
            return Change::None;
        }
        let spec = Arc::new(NodeSpec::from_json(v));
        if let Some(&i) = self.index.get(&name) {
            if *self.nodes[i].node == *spec {
                return Change::None;
            }
            let old = std::mem::replace(&mut self.nodes[i].node, spec.clone());
            self.table.respec(i, &self.nodes[i]);
            self.count_images(&old, -1);
            self.count_images(&spec, 1);
            // image lists change as the kubelet pulls; only scheduling-relevant changes retry pods
            let relevant = old.labels != spec.labels || old.taints != spec.taints || old.unschedulable != spec.unschedulable || old.allocatable != spec.allocatable || old.allowed_pods != spec.allowed_pods;
            return if relevant { Change::Node } else { Change::None };
        }
        self.count_images(&spec, 1);
        let mut info = NodeInfo::new(spec);
        for p in self.orphans.remove(&name).unwrap_or_default() {
            self.count_pod(&p, 1);
            info.add_pod(p);
        }
        let at = self.nodes.partition_point(|n| n.node.name < name);
        self.table.insert(at, &info);
        self.nodes.insert(at, info);
        for v in self.index.values_mut() {
            if *v >= at {
                *v += 1;
            }
        }
        self.index.insert(name, at);
        Change::Node
    }


    fn count_images(&mut self, n: &NodeSpec, d: isize) {
        for (img, _) in &n.images {
            let e = self.image_spread.entry(img.clone()).or_insert(0);
            *e = e.saturating_add_signed(d);
            if *e == 0 {
                self.image_spread.remove(img);
            }
        }
    }

}
