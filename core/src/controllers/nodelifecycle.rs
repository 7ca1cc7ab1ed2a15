//! The node lifecycle controller and the taint-eviction controller (pkg/controller/nodelifecycle,
//! pkg/controller/tainteviction), with v1.37 defaults: every 5 s (node-monitor-period) nodes
//! whose kubelet has not renewed its Lease nor posted status for 50 s
//! (node-monitor-grace-period) turn Unknown, get the node.kubernetes.io/unreachable taints
//! (NoSchedule and NoExecute), and their pods are marked not ready; pods that do not tolerate a
//! NoExecute taint are evicted, those with tolerationSeconds when it runs out (300 s from the
//! DefaultTolerationSeconds admission). When the kubelet is back the taints go.

use crate::api::ext::ObjectExt;
use crate::api::time::{parse_rfc3339, rfc3339, Millis};
use crate::apiserver::admission::set_condition;
use crate::apiserver::events::Source;
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::apiserver::{ApiError, ApiServer, Subresource};
use crate::api::scheduling::toleration_matches;
use crate::store::WatchEvent;
use serde_json::{json, Value};

pub const NODE_MONITOR_PERIOD_MS: Millis = 5_000;
pub const NODE_MONITOR_GRACE_PERIOD_MS: Millis = 50_000;
pub const NAME: &str = "nodelifecycle";

const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";

#[derive(Default)]
pub struct NodeLifecycleController {
    /// the next node-monitor-period tick
    next_tick: Millis,
}

impl Controller for NodeLifecycleController {
    const NAME: &'static str = NAME;
    /// one key: the controller runs on its own clock (ticks and eviction deadlines), not on events
    type Key = ();

    fn keys(&mut self, _: &WatchEvent, _: &mut WorkQueue<()>) {}

    fn start(&mut self, queue: &mut WorkQueue<()>, now: Millis) {
        self.next_tick = now + NODE_MONITOR_PERIOD_MS;
        queue.add_at((), self.next_tick);
    }

    /// A tick (or an eviction deadline): monitor node health, then evict; look again at the
    /// next tick or the next deadline, whichever is first.
    fn reconcile(&mut self, api: &mut ApiServer, _: &()) -> Result<Action, ApiError> {
        if api.now >= self.next_tick {
            self.next_tick = api.now + NODE_MONITOR_PERIOD_MS;
        }
        monitor(api);
        let next = evict(api).map_or(self.next_tick, |at| at.min(self.next_tick));
        Ok(Action::RequeueAfter(next - api.now))
    }
}

fn ts(v: Option<&Value>) -> Option<Millis> {
    v.and_then(Value::as_str).and_then(parse_rfc3339)
}

/// monitorNodeHealth: Ready → Unknown when neither the Lease nor the status moved for the grace
/// period; the matching taints follow the Ready condition.
fn monitor(api: &mut ApiServer) {
    let now = api.now;
    for node in api.list_kind("Node", None) {
        let name = crate::api::name(&node).to_string();
        let ready = node.pointer("/status/conditions").and_then(Value::as_array).and_then(|c| c.iter().find(|c| c.get("type") == Some(&json!("Ready")))).cloned();
        let Some(ready) = ready else { continue };
        let heartbeat = ts(ready.get("lastHeartbeatTime")).unwrap_or(0);
        let lease = api.get_kind("Lease", "kube-node-lease", &name).and_then(|l| l.pointer("/spec/renewTime").and_then(Value::as_str).and_then(parse_rfc3339)).unwrap_or(0);
        let probe = heartbeat.max(lease);
        let status = ready.get("status").and_then(Value::as_str).unwrap_or("");
        let lost = status != "Unknown" && now - probe > NODE_MONITOR_GRACE_PERIOD_MS;
        let tainted = |key: &str| node.pointer("/spec/taints").and_then(Value::as_array).is_some_and(|ts| ts.iter().any(|t| t.get("key").and_then(Value::as_str) == Some(key)));
        // the common case, checked without copying the node: healthy and untainted
        if !lost && status == "True" && !tainted(UNREACHABLE) && !tainted(NOT_READY) {
            continue;
        }
        let mut n = (*node).clone();
        if lost {
            for c in n.pointer_mut("/status/conditions").and_then(Value::as_array_mut).into_iter().flatten() {
                c["status"] = json!("Unknown");
                c["reason"] = json!("NodeStatusUnknown");
                c["message"] = json!("Kubelet stopped posting node status.");
                c["lastTransitionTime"] = json!(rfc3339(now));
            }
            if let Ok(updated) = api.update(n.clone(), Subresource::Status) {
                n = (*updated).clone();
                api.record_event(&n, "", "Normal", "NodeNotReady", &format!("Node {} status is now: NodeNotReady", name), Source { component: "node-controller", host: None });
                mark_pods_not_ready(api, &name);
            }
        }
        // taints follow the Ready condition (TaintNodesByCondition and the NoExecute taints)
        let status = n.pointer("/status/conditions").and_then(Value::as_array).and_then(|c| c.iter().find(|c| c.get("type") == Some(&json!("Ready")))).and_then(|c| c.get("status")).and_then(Value::as_str).unwrap_or("").to_string();
        let want_key = match status.as_str() {
            "Unknown" => Some(UNREACHABLE),
            "False" => Some(NOT_READY),
            _ => None,
        };
        let taints: Vec<Value> = n.pointer("/spec/taints").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut next: Vec<Value> = taints.iter().filter(|t| {
            let k = t.get("key").and_then(Value::as_str).unwrap_or("");
            (k != UNREACHABLE && k != NOT_READY) || Some(k) == want_key
        }).cloned().collect();
        if let Some(k) = want_key {
            for effect in ["NoSchedule", "NoExecute"] {
                if !next.iter().any(|t| t.get("key") == Some(&json!(k)) && t.get("effect") == Some(&json!(effect))) {
                    let mut t = json!({"key": k, "effect": effect});
                    if effect == "NoExecute" {
                        t["timeAdded"] = json!(rfc3339(now));
                    }
                    next.push(t);
                }
            }
        }
        if next != taints {
            let mut v = n.clone();
            if next.is_empty() {
                crate::api::remove_at(&mut v, "/spec/taints");
            } else {
                v["spec"]["taints"] = json!(next);
            }
            settled(api.update(v, Subresource::Main));
        }
    }
}

/// MarkPodsNotReady: the pods of an unreachable node are no longer Ready.
fn mark_pods_not_ready(api: &mut ApiServer, node: &str) {
    let now = api.now;
    for p in api.list_kind("Pod", None) {
        if crate::api::str_at(&p, "/spec/nodeName") != node {
            continue;
        }
        let mut v = (*p).clone();
        set_condition(&mut v, "Ready", "False", None, None, now);
        for cs in v.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut).into_iter().flatten() {
            cs["ready"] = json!(false);
        }
        settled(api.update(v, Subresource::Status));
    }
}

/// The taint-eviction controller: deletes pods that do not tolerate their node's NoExecute
/// taints, or whose tolerationSeconds have run out. Returns when it must look again.
fn evict(api: &mut ApiServer) -> Option<Millis> {
    let now = api.now;
    let pod_res = crate::api::resources::by_kind("Pod").expect("served");
    let mut next: Option<Millis> = None;
    // only nodes with NoExecute taints can evict anything
    let nodes: std::collections::HashMap<String, std::sync::Arc<Value>> = api
        .list_kind("Node", None)
        .into_iter()
        .filter(|n| n.pointer("/spec/taints").and_then(Value::as_array).is_some_and(|ts| ts.iter().any(|t| t.get("effect") == Some(&json!("NoExecute")))))
        .map(|n| (crate::api::name(&n).to_string(), n))
        .collect();
    if nodes.is_empty() {
        return None;
    }
    for p in api.list_kind("Pod", None) {
        if p.is_terminating() {
            continue;
        }
        let Some(node) = nodes.get(crate::api::str_at(&p, "/spec/nodeName")) else { continue };
        let tols: Vec<&Value> = p.pointer("/spec/tolerations").and_then(Value::as_array).into_iter().flatten().collect();
        let mut deadline: Option<Millis> = None;
        let mut forever = true;
        for taint in node.pointer("/spec/taints").and_then(Value::as_array).into_iter().flatten().filter(|t| t.get("effect") == Some(&json!("NoExecute"))) {
            let added = ts(taint.get("timeAdded")).unwrap_or(now);
            let matching: Vec<&&Value> = tols.iter().filter(|t| toleration_matches(t, taint)).collect();
            if matching.is_empty() {
                deadline = Some(now);
                forever = false;
                break;
            }
            // the shortest tolerationSeconds among the matching tolerations wins
            if let Some(secs) = matching.iter().filter_map(|t| t.get("tolerationSeconds").and_then(Value::as_i64)).min() {
                let d = added + secs.max(0) * 1000;
                deadline = Some(deadline.map_or(d, |x: Millis| x.min(d)));
                forever = false;
            }
        }
        if forever {
            continue;
        }
        let Some(d) = deadline else { continue };
        if d <= now {
            let ns = crate::api::namespace(&p).to_string();
            let name = crate::api::name(&p).to_string();
            if api.delete(pod_res, &ns, &name, None).is_ok() {
                api.record_event(&p, "", "Normal", "TaintManagerEviction", &format!("Marking for deletion Pod {}/{}", ns, name), Source { component: "taint-eviction-controller", host: None });
            }
        } else {
            next = Some(next.map_or(d, |x| x.min(d)));
        }
    }
    next
}
