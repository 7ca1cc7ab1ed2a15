//! A plain snapshot of the cluster for user interfaces (the web canvas and lists): nodes with
//! their pods and allocation, and the pods waiting for a node. Computed from the API objects,
//! so the UI shows exactly what kubectl would.

use crate::api::quantity::Quantity;
use crate::api::{name, namespace, str_at};
use crate::console::kubectl::printers;
use crate::sim::Cluster;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    /// kubectl's STATUS column (Running, ContainerCreating, Pending, CrashLoopBackOff …)
    pub status: String,
    pub ready: String,
    /// the controller kind owning it, if any (ReplicaSet, DaemonSet, Node for static pods …)
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub name: String,
    /// kubectl's STATUS column (Ready, NotReady, Ready,SchedulingDisabled …)
    pub status: String,
    pub roles: String,
    pub taints: Vec<String>,
    pub cpu_requested_milli: i128,
    pub cpu_allocatable_milli: i128,
    pub memory_requested: i128,
    pub memory_allocatable: i128,
    pub pods_allocatable: i128,
    /// labels other than the ones every node has (hostname, os, arch)
    pub labels: Vec<String>,
    pub pods: Vec<PodView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterView {
    pub nodes: Vec<NodeView>,
    pub pending: Vec<PodView>,
    pub time: String,
}

fn pod_view(p: &Value, now: i64) -> PodView {
    let (ready, status, _) = printers::pod_status(p, now);
    let owner = p.pointer("/metadata/ownerReferences").and_then(Value::as_array).and_then(|o| o.first()).map(|o| str_at(o, "/kind").to_string());
    PodView { namespace: namespace(p).into(), name: name(p).into(), status, ready, owner }
}

pub fn snapshot(c: &Cluster) -> ClusterView {
    let now = c.now();
    let pods = c.api.list_kind("Pod", None);
    let mut nodes: Vec<NodeView> = c
        .api
        .list_kind("Node", None)
        .iter()
        .map(|n| {
            let q = |p: &str| n.pointer(p).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).unwrap_or(Quantity::ZERO).milli();
            NodeView {
                name: name(n).into(),
                status: printers::node_status(n),
                roles: printers::node_roles(n),
                taints: n.pointer("/spec/taints").and_then(Value::as_array).into_iter().flatten().map(|t| format!("{}:{}", str_at(t, "/key"), str_at(t, "/effect"))).collect(),
                cpu_requested_milli: 0,
                cpu_allocatable_milli: q("/status/allocatable/cpu"),
                memory_requested: 0,
                memory_allocatable: q("/status/allocatable/memory") / 1000,
                pods_allocatable: q("/status/allocatable/pods") / 1000,
                labels: n
                    .pointer("/metadata/labels")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| !matches!(k.as_str(), "kubernetes.io/hostname" | "kubernetes.io/os" | "kubernetes.io/arch" | "beta.kubernetes.io/os" | "beta.kubernetes.io/arch"))
                    .map(|(k, v)| if v.as_str().unwrap_or("").is_empty() { k.clone() } else { format!("{}={}", k, v.as_str().unwrap_or("")) })
                    .collect(),
                pods: vec![],
            }
        })
        .collect();
    let mut pending = vec![];
    for p in &pods {
        let node = str_at(p, "/spec/nodeName");
        if node.is_empty() {
            pending.push(pod_view(p, now));
            continue;
        }
        if let Some(n) = nodes.iter_mut().find(|n| n.name == node) {
            if !matches!(str_at(p, "/status/phase"), "Succeeded" | "Failed") {
                n.cpu_requested_milli += crate::scheduler::resources::pod_request(p, "cpu").milli();
                n.memory_requested += crate::scheduler::resources::pod_request(p, "memory").milli() / 1000;
            }
            n.pods.push(pod_view(p, now));
        }
    }
    ClusterView { nodes, pending, time: crate::api::time::rfc3339(now) }
}
