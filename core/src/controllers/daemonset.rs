//! The DaemonSet controller (pkg/controller/daemon): one pod per eligible node — eligibility
//! from the template's nodeSelector, required node affinity and tolerations plus the automatic
//! DaemonSet tolerations — each pinned to its node with node affinity on metadata.name and
//! placed by the default scheduler, as upstream does; pods follow nodes as they come and go,
//! and a RollingUpdate replaces outdated pods up to maxUnavailable at a time.

use crate::api::ext::{ObjectExt, PodExt};
use crate::api::resources;
use crate::apiserver::events::Source;
use crate::apiserver::{ApiError, ApiServer};
use crate::api::labels::labels_of;
use crate::api::scheduling::{find_untolerated, taints_of, tolerations_of, RequiredNodeAffinity, Toleration};
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};

#[derive(Default)]
pub struct DaemonSetController {
    /// what of each node decides where daemon pods go (labels, taints): a status report or a
    /// heartbeat changes neither and is ignored, as upstream's shouldIgnoreNodeUpdate does
    nodes: std::collections::HashMap<String, String>,
}

impl Controller for DaemonSetController {
    const NAME: &'static str = "daemonset";
    type Key = (String, String);

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let v = &ev.value;
        match crate::api::kind(v) {
            "DaemonSet" if ev.typ == EventType::Put => {
                queue.add((crate::api::namespace(v).to_string(), crate::api::name(v).to_string()));
            }
            "Node" if ev.typ == EventType::Delete => {
                self.nodes.remove(crate::api::name(v));
                queue.resync(); // nodes changed: every DaemonSet looks again
            }
            "Node" => {
                let print = format!("{}{}", v.pointer("/metadata/labels").map(|l| l.to_string()).unwrap_or_default(), v.pointer("/spec/taints").map(|t| t.to_string()).unwrap_or_default());
                if self.nodes.insert(crate::api::name(v).to_string(), print.clone()).as_ref() != Some(&print) {
                    queue.resync(); // nodes changed: every DaemonSet looks again
                }
            }
            "Pod" => {
                if let Some(o) = v.pointer("/metadata/ownerReferences").and_then(Value::as_array).and_then(|o| o.iter().find(|r| r.get("kind").and_then(Value::as_str) == Some("DaemonSet"))) {
                    queue.add((crate::api::namespace(v).to_string(), o.get("name").and_then(Value::as_str).unwrap_or("").to_string()));
                }
            }
            _ => {}
        }
    }

    fn resync(&self, api: &ApiServer) -> Vec<Self::Key> {
        api.list_kind("DaemonSet", None).iter().map(|ds| (crate::api::namespace(ds).to_string(), crate::api::name(ds).to_string())).collect()
    }

    fn reconcile(&mut self, api: &mut ApiServer, (ns, name): &(String, String)) -> Result<Action, ApiError> {
        if let Some(ds) = api.get_kind("DaemonSet", &ns, &name) {
            sync(api, &ds);
        }
        Ok(Action::Done)
    }
}

fn source() -> Source<'static> {
    Source { component: "daemonset-controller", host: None }
}

/// The tolerations the DaemonSet controller adds to every daemon pod (util.AddOrUpdateDaemonPodTolerations).
pub fn daemon_tolerations(host_network: bool) -> Vec<Value> {
    let mut t = vec![
        json!({"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"}),
        json!({"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"}),
    ];
    if host_network {
        t.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/network-unavailable", "operator": "Exists"}));
    }
    t
}

/// The pod the DaemonSet would run on `node`, before node affinity pinning.
fn template_pod(ds: &Value) -> Value {
    let tpl = ds.pointer("/spec/template").cloned().unwrap_or(Value::Null);
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": tpl.get("metadata").cloned().unwrap_or(json!({})), "spec": tpl.get("spec").cloned().unwrap_or(json!({}))});
    let host_network = pod.pointer("/spec/hostNetwork") == Some(&json!(true));
    let tols = pod["spec"].as_object_mut().map(|m| m.entry("tolerations").or_insert_with(|| json!([])));
    if let Some(Value::Array(tols)) = tols {
        for t in daemon_tolerations(host_network) {
            let exists = tols.iter().any(|x| x.get("key") == t.get("key") && x.get("effect") == t.get("effect"));
            if !exists {
                tols.push(t);
            }
        }
    }
    pod
}

/// nodeShouldRunDaemonPod: node selector, required node affinity, and NoSchedule/NoExecute taints.
fn should_run(affinity: &RequiredNodeAffinity, tolerations: &[Toleration], node: &Value) -> bool {
    affinity.matches(crate::api::name(node), &labels_of(node)) && find_untolerated(&taints_of(node), tolerations, &["NoSchedule", "NoExecute"]).is_none()
}

fn sync(api: &mut ApiServer, ds: &Value) {
    if ds.is_terminating() {
        return;
    }
    let ns = crate::api::namespace(ds).to_string();
    let uid = crate::api::str_at(ds, "/metadata/uid").to_string();
    let generation = ds.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1);
    let pod_res = resources::by_kind("Pod").expect("served");
    let proto = template_pod(ds);
    let (affinity, tolerations) = (RequiredNodeAffinity::of_pod(&proto), tolerations_of(&proto));
    let all: Vec<std::sync::Arc<Value>> = api.list_kind("Pod", Some(&ns)).into_iter().filter(|p| p.controller_uid() == Some(uid.as_str())).collect();
    let pods: Vec<&Value> = all.iter().map(|p| &**p).filter(|p| !p.is_terminating()).collect();
    let node_of = |p: &Value| -> String {
        let n = crate::api::str_at(p, "/spec/nodeName");
        if !n.is_empty() {
            return n.to_string();
        }
        p.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0").and_then(Value::as_str).unwrap_or("").to_string()
    };
    // the daemon pods per node, looked up once (a sync is linear in nodes + pods)
    let mut live_on: std::collections::HashMap<String, Vec<&Value>> = Default::default();
    for p in &pods {
        live_on.entry(node_of(p)).or_default().push(p);
    }
    let terminating_on: std::collections::HashSet<String> = all.iter().filter(|p| p.is_terminating()).map(|p| node_of(p)).collect();
    let nodes = api.list_kind("Node", None);
    let node_names: std::collections::HashSet<&str> = nodes.iter().map(|n| crate::api::name(n)).collect();
    let mut desired: usize = 0;
    for node in &nodes {
        let name = crate::api::name(node).to_string();
        let on_node: &[&Value] = live_on.get(&name).map(Vec::as_slice).unwrap_or(&[]);
        // a daemon pod still terminating on the node is waited for before its replacement
        let terminating = terminating_on.contains(&name);
        if should_run(&affinity, &tolerations, node) {
            desired += 1;
            if on_node.is_empty() && !terminating {
                let mut pod = proto.clone();
                pod["metadata"]["generateName"] = json!(format!("{}-", crate::api::name(ds)));
                pod["metadata"]["namespace"] = json!(ns);
                pod["metadata"]["ownerReferences"] = json!([ds.controller_ref()]);
                crate::api::set_at(&mut pod, "/metadata/labels/controller-revision-hash", json!(crate::controllers::deployment::pod_template_hash(&ds["spec"]["template"], 0)));
                crate::api::set_at(&mut pod, "/metadata/labels/pod-template-generation", json!(generation.to_string()));
                // ReplaceDaemonSetPodNodeNameNodeAffinity: pin the pod to its node
                crate::api::set_at(&mut pod, "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution", json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [name]}]}]}));
                match api.create(pod, false) {
                    Ok(p) => api.record_event(ds, "", "Normal", "SuccessfulCreate", &format!("Created pod: {}", crate::api::name(&p)), source()),
                    Err(e) => api.record_event(ds, "", "Warning", "FailedCreate", &format!("Error creating: {}", e.message), source()),
                }
            } else {
                // duplicates on one node: keep the oldest
                for extra in on_node.iter().skip(1) {
                    settled(api.delete(pod_res, &ns, crate::api::name(extra), None));
                }
            }
        } else {
            for p in on_node {
                if api.delete(pod_res, &ns, crate::api::name(p), None).is_ok() {
                    api.record_event(ds, "", "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", crate::api::name(p)), source());
                }
            }
        }
    }
    // pods for nodes that no longer exist
    for p in &pods {
        let n = node_of(p);
        if !node_names.contains(n.as_str()) {
            settled(api.delete(pod_res, &ns, crate::api::name(p), None));
        }
    }
    // RollingUpdate: replace outdated pods, at most maxUnavailable not ready at a time
    let gen_of = |p: &Value| crate::api::str_at(p, "/metadata/labels/pod-template-generation").parse::<i64>().unwrap_or(0);
    if crate::api::str_at(ds, "/spec/updateStrategy/type") != "OnDelete" {
        let max_unavailable = ds.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable").and_then(Value::as_i64).unwrap_or(1).max(1) as usize;
        // unavailable: nodes that should run a daemon pod and have no ready one (a terminating
        // pod is not available)
        let ready_nodes: std::collections::BTreeSet<String> = pods.iter().filter(|p| p.is_ready()).map(|p| node_of(p)).collect();
        let unavailable = desired.saturating_sub(ready_nodes.len());
        let mut budget = max_unavailable.saturating_sub(unavailable);
        for p in pods.iter().filter(|p| gen_of(p) != generation && p.is_ready()) {
            if budget == 0 {
                break;
            }
            if api.delete(pod_res, &ns, crate::api::name(p), None).is_ok() {
                budget -= 1;
            }
        }
    }
    update_status(api, ds, desired, generation);
}

fn update_status(api: &mut ApiServer, ds: &Value, desired: usize, generation: i64) {
    let Some(cur) = api.get_kind("DaemonSet", crate::api::namespace(ds), crate::api::name(ds)) else { return };
    let uid = crate::api::str_at(&cur, "/metadata/uid").to_string();
    let pods: Vec<_> = api.list_kind("Pod", Some(crate::api::namespace(ds))).into_iter().filter(|p| p.controller_uid() == Some(uid.as_str()) && !p.is_terminating()).collect();
    let scheduled = pods.iter().filter(|p| !crate::api::str_at(p, "/spec/nodeName").is_empty()).count();
    let ready = pods.iter().filter(|p| p.is_ready()).count();
    let updated = pods.iter().filter(|p| crate::api::str_at(p, "/metadata/labels/pod-template-generation") == generation.to_string()).count();
    let status = json!({
        "currentNumberScheduled": scheduled,
        "desiredNumberScheduled": desired,
        "numberAvailable": ready,
        "numberMisscheduled": 0,
        "numberReady": ready,
        "numberUnavailable": desired.saturating_sub(ready),
        "observedGeneration": generation,
        "updatedNumberScheduled": updated,
    });
    super::write_status(api, &cur, status, &["numberAvailable", "numberUnavailable", "updatedNumberScheduled"]);
}
