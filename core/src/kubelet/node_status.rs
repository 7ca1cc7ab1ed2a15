//! The node's side of the kubelet: registration (labels, capacity, addresses, node info),
//! status reports and the Lease heartbeat in kube-node-lease.

use super::Kubelet;
use crate::api::time::{rfc3339, rfc3339_micro};
use crate::apiserver::{ApiServer, Subresource};
use serde_json::{json, Value};

/// The size of a node whose manifest gives none (documented in the README).
pub const DEFAULT_CAPACITY: &[(&str, &str)] = &[("cpu", "2"), ("ephemeral-storage", "20Gi"), ("hugepages-1Gi", "0"), ("hugepages-2Mi", "0"), ("memory", "4Gi"), ("pods", "110")];
pub const KUBELET_VERSION: &str = "v1.37.0";

fn conditions(api: &ApiServer, ready: bool, transition: &str) -> Value {
    let now = rfc3339(api.now);
    let c = |t: &str, s: &str, reason: &str, msg: &str| json!({"lastHeartbeatTime": now, "lastTransitionTime": transition, "message": msg, "reason": reason, "status": s, "type": t});
    json!([
        c("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        c("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        c("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        if ready { c("Ready", "True", "KubeletReady", "kubelet is posting ready status") } else { c("Ready", "False", "KubeletNotReady", "container runtime network not ready") },
    ])
}

/// First contact: fill in what a kubelet reports about itself, keeping what the manifest set
/// (capacity, allocatable and images for KWOK-style nodes).
pub fn register(k: &Kubelet, api: &mut ApiServer) {
    let Some(node) = api.get_kind("Node", "", &k.node) else { return };
    let mut n = (*node).clone();
    let labels = n["metadata"].as_object_mut().map(|m| m.entry("labels").or_insert_with(|| json!({})));
    if let Some(Value::Object(labels)) = labels {
        for (key, val) in [("kubernetes.io/hostname", k.node.as_str()), ("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64"), ("beta.kubernetes.io/os", "linux"), ("beta.kubernetes.io/arch", "amd64")] {
            labels.entry(key.to_string()).or_insert(json!(val));
        }
    }
    // what the kubelet and the TTL controller annotate every node with
    let ann = n["metadata"].as_object_mut().map(|m| m.entry("annotations").or_insert_with(|| json!({})));
    if let Some(Value::Object(ann)) = ann {
        ann.entry("node.alpha.kubernetes.io/ttl".to_string()).or_insert(json!("0"));
        ann.entry("volumes.kubernetes.io/controller-managed-attach-detach".to_string()).or_insert(json!("true"));
    }
    if crate::api::str_at(&n, "/spec/podCIDR").is_empty() {
        let cidr = format!("10.244.{}.0/24", k.index.saturating_sub(1));
        n["spec"]["podCIDR"] = json!(cidr);
        n["spec"]["podCIDRs"] = json!([cidr]);
    }
    let _ = api.update(n, Subresource::Main);
    let Some(node) = api.get_kind("Node", "", &k.node) else { return };
    let mut n = (*node).clone();
    let st = n.as_object_mut().map(|m| m.entry("status").or_insert_with(|| json!({})));
    let Some(st) = st else { return };
    let cap = st.get("capacity").cloned().filter(Value::is_object).unwrap_or_else(|| {
        let alloc = st.get("allocatable").cloned().filter(Value::is_object);
        alloc.unwrap_or_else(|| Value::Object(DEFAULT_CAPACITY.iter().map(|(k, v)| (k.to_string(), json!(v))).collect()))
    });
    st["capacity"] = cap.clone();
    if !st.get("allocatable").is_some_and(Value::is_object) {
        st["allocatable"] = cap;
    }
    st["conditions"] = conditions(api, true, &rfc3339(api.now));
    st["addresses"] = json!([{"address": k.internal_ip(), "type": "InternalIP"}, {"address": k.node, "type": "Hostname"}]);
    st["daemonEndpoints"] = json!({"kubeletEndpoint": {"Port": 10250}});
    if !st.get("images").is_some_and(Value::is_array) {
        st["images"] = json!([]);
    }
    let boot = api.rng.uuid();
    let machine = api.rng.uuid().replace('-', "");
    st["nodeInfo"] = json!({
        "architecture": "amd64",
        "bootID": boot,
        "containerRuntimeVersion": "containerd://2.1.4",
        "kernelVersion": "6.8.0-79-generic",
        "kubeProxyVersion": "",
        "kubeletVersion": KUBELET_VERSION,
        "machineID": machine,
        "operatingSystem": "linux",
        "osImage": "Ubuntu 24.04.3 LTS",
        "systemUUID": boot,
    });
    let _ = api.update(n, Subresource::Status);
    api.record_event(&node, "", "Normal", "Starting", "Starting kubelet.", super::Kubelet::source(k));
    api.record_event(&node, "", "Normal", "NodeHasSufficientMemory", &format!("Node {} status is now: NodeHasSufficientMemory", k.node), k.source());
    api.record_event(&node, "", "Normal", "NodeHasNoDiskPressure", &format!("Node {} status is now: NodeHasNoDiskPressure", k.node), k.source());
    api.record_event(&node, "", "Normal", "NodeHasSufficientPID", &format!("Node {} status is now: NodeHasSufficientPID", k.node), k.source());
    api.record_event(&node, "", "Normal", "NodeReady", &format!("Node {} status is now: NodeReady", k.node), k.source());
}

/// A status report: heartbeat times move; after an outage (the node controller set the
/// conditions Unknown) the kubelet posts healthy conditions again, as a restarted kubelet does.
pub fn report(k: &Kubelet, api: &mut ApiServer) {
    let Some(node) = api.get_kind("Node", "", &k.node) else { return };
    let mut n = (*node).clone();
    let now = rfc3339(api.now);
    let healthy = n.pointer("/status/conditions").and_then(Value::as_array).is_some_and(|cs| cs.iter().all(|c| c.get("reason").and_then(Value::as_str) != Some("NodeStatusUnknown")));
    if healthy {
        for c in n.pointer_mut("/status/conditions").and_then(Value::as_array_mut).into_iter().flatten() {
            c["lastHeartbeatTime"] = json!(now);
        }
    } else {
        n["status"]["conditions"] = conditions(api, true, &now);
    }
    let _ = api.update(n, Subresource::Status);
    if !healthy {
        api.record_event(&node, "", "Normal", "NodeReady", &format!("Node {} status is now: NodeReady", k.node), k.source());
    }
}

/// True when the node controller marked this node's status Unknown.
pub fn marked_unknown(k: &Kubelet, api: &ApiServer) -> bool {
    api.get_kind("Node", "", &k.node).and_then(|n| n.pointer("/status/conditions").and_then(Value::as_array).map(|cs| cs.iter().any(|c| c.get("reason").and_then(Value::as_str) == Some("NodeStatusUnknown")))).unwrap_or(false)
}

pub fn renew_lease(k: &Kubelet, api: &mut ApiServer) {
    let now = rfc3339_micro(api.now);
    match api.get_kind("Lease", "kube-node-lease", &k.node) {
        Some(lease) => {
            let mut l = (*lease).clone();
            l["spec"]["renewTime"] = json!(now);
            let _ = api.update(l, Subresource::Main);
        }
        None => {
            let uid = api.get_kind("Node", "", &k.node).map(|n| crate::api::str_at(&n, "/metadata/uid").to_string()).unwrap_or_default();
            let lease = json!({
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": k.node, "namespace": "kube-node-lease", "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": k.node, "uid": uid}]},
                "spec": {"holderIdentity": k.node, "leaseDurationSeconds": 40, "renewTime": now},
            });
            let _ = api.create(lease, false);
        }
    }
}

/// After a pull the image is in the node's status.images (what ImageLocality scores).
pub fn add_image(k: &Kubelet, api: &mut ApiServer, image: &str, size: u64) {
    let Some(node) = api.get_kind("Node", "", &k.node) else { return };
    let mut n = (*node).clone();
    let full = super::images::full_name(image);
    let imgs = n.pointer_mut("/status/images").and_then(Value::as_array_mut);
    if let Some(imgs) = imgs {
        if !imgs.iter().any(|i| i.pointer("/names/0").and_then(Value::as_str) == Some(full.as_str())) {
            imgs.push(json!({"names": [full], "sizeBytes": size}));
            let _ = api.update(n, Subresource::Status);
        }
    }
}
