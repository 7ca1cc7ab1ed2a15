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
    /// spec.unschedulable (cordoned)
    pub unschedulable: bool,
    /// whether the node's simulated kubelet runs (`sim node stop` stops it)
    pub kubelet_running: bool,
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

/// The toolbar's virtual clock: RFC 3339, with milliseconds when "step" lands between seconds
/// (timers fire at any millisecond; a step must visibly move the clock).
pub fn clock(now: i64) -> String {
    match now.rem_euclid(1000) {
        0 => crate::api::time::rfc3339(now),
        ms => format!("{}.{:03}Z", crate::api::time::rfc3339(now - ms).trim_end_matches('Z'), ms),
    }
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
                // as `kubectl describe node` writes them: key=value:Effect, or key:Effect
                taints: n
                    .pointer("/spec/taints")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|t| match str_at(t, "/value") {
                        "" => format!("{}:{}", str_at(t, "/key"), str_at(t, "/effect")),
                        v => format!("{}={}:{}", str_at(t, "/key"), v, str_at(t, "/effect")),
                    })
                    .collect(),
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
                unschedulable: n.pointer("/spec/unschedulable").and_then(Value::as_bool).unwrap_or(false),
                kubelet_running: c.kubelets.get(name(n)).is_some_and(|k| k.running),
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
                n.cpu_requested_milli += crate::api::requests::pod_request(p, "cpu").milli();
                n.memory_requested += crate::api::requests::pod_request(p, "memory").milli() / 1000;
            }
            n.pods.push(pod_view(p, now));
        }
    }
    ClusterView { nodes, pending, time: clock(now) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::Console;

    // The canvas shows what `kubectl get nodes` / `describe node` show: STATUS, taints as
    // key=value:Effect (or key:Effect), and whether each node's kubelet runs.
    #[test]
    fn nodes_as_the_canvas_draws_them() {
        let mut c = Console::new(Cluster::default_cluster(1));
        c.run_script("kubectl cordon node01\nkubectl taint node node02 gpu=true:NoSchedule\nsim node stop node02\nkubectl run web --image=nginx --overrides='{\"spec\":{\"nodeSelector\":{\"none\":\"x\"}}}'");
        let v = snapshot(&c.cluster);
        let node = |n: &str| v.nodes.iter().find(|x| x.name == n).unwrap().clone();
        assert_eq!((node("node01").status.as_str(), node("node01").unschedulable, node("node01").kubelet_running), ("Ready,SchedulingDisabled", true, true));
        assert_eq!(node("node02").taints, vec!["gpu=true:NoSchedule"]);
        assert!(!node("node02").kubelet_running);
        assert_eq!(node("controlplane").taints, vec!["node-role.kubernetes.io/control-plane:NoSchedule"]);
        assert_eq!(v.pending.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["web"]);
        assert_eq!(clock(crate::clock::EPOCH), "2026-01-01T00:00:00Z");
        assert_eq!(clock(crate::clock::EPOCH + 61_850), "2026-01-01T00:01:01.850Z");
    }
}
