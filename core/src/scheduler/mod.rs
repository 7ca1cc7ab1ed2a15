//! kube-scheduler (default-scheduler): watches for pods with no node whose schedulerName it
//! serves, runs the Filter plugins over every node, scores the feasible ones and binds the pod
//! through the Binding subresource — or records FailedScheduling with upstream's FitError text.

pub mod plugins;
pub mod resources;

use crate::api::quantity::Quantity;
use crate::apiserver::events::Source;
use crate::apiserver::{admission::set_condition, ApiServer, Subresource};
use crate::sim::rng::Rng;
use crate::sim::Timers;
use crate::store::{EventType, WatchEvent};
use plugins::node_resources_fit::Usage;
use plugins::{Code, Status};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

pub struct Scheduler {
    pub name: String,
    /// false while kube-scheduler is not running (e.g. its static pod manifest was moved away)
    pub running: bool,
    rng: Rng,
    /// pods waiting for an attempt: (namespace, name)
    active: BTreeSet<(String, String)>,
    /// pods that failed, with the spec they failed with
    unschedulable: BTreeMap<(String, String), Value>,
}

impl Scheduler {
    pub fn new(seed: u64) -> Self {
        Scheduler { name: DEFAULT_SCHEDULER.into(), running: true, rng: Rng::new(seed ^ 0x7363_6864), active: BTreeSet::new(), unschedulable: BTreeMap::new() }
    }

    fn wants(&self, pod: &Value) -> bool {
        crate::api::str_at(pod, "/spec/nodeName").is_empty()
            && crate::api::str_at(pod, "/spec/schedulerName") == self.name
            && pod.pointer("/metadata/deletionTimestamp").is_none()
            && !matches!(crate::api::str_at(pod, "/status/phase"), "Succeeded" | "Failed")
    }

    /// Cluster events that can make unschedulable pods schedulable move them back (as the
    /// scheduling queue's MoveAllToActiveOrBackoffQueue does).
    pub fn on_event(&mut self, ev: &WatchEvent) {
        let kind = crate::api::kind(&ev.value);
        match kind {
            "Pod" => {
                let key = (crate::api::namespace(&ev.value).to_string(), crate::api::name(&ev.value).to_string());
                if ev.typ == EventType::Delete || !crate::api::str_at(&ev.value, "/spec/nodeName").is_empty() {
                    self.active.remove(&key);
                    self.unschedulable.remove(&key);
                    if ev.typ == EventType::Delete && !crate::api::str_at(&ev.value, "/spec/nodeName").is_empty() {
                        self.flush();
                    }
                    return;
                }
                if !self.wants(&ev.value) {
                    self.active.remove(&key);
                    self.unschedulable.remove(&key);
                    return;
                }
                match self.unschedulable.get(&key) {
                    // our own status write; nothing about the pod changed
                    Some(spec) if Some(spec) == ev.value.get("spec") => {}
                    _ => {
                        self.unschedulable.remove(&key);
                        self.active.insert(key);
                    }
                }
            }
            "Node" => {
                if ev.created || ev.typ == EventType::Put {
                    self.flush_if_node_changed(ev);
                }
            }
            _ => {}
        }
    }

    fn flush_if_node_changed(&mut self, _ev: &WatchEvent) {
        self.flush();
    }

    /// Moves every unschedulable pod back to the active queue.
    pub fn flush(&mut self) {
        let keys: Vec<_> = self.unschedulable.keys().cloned().collect();
        for k in keys {
            self.unschedulable.remove(&k);
            self.active.insert(k);
        }
    }

    /// Attempts every active pod; true if it did anything.
    pub fn schedule_pending(&mut self, api: &mut ApiServer, _timers: &mut Timers) -> bool {
        if !self.running || self.active.is_empty() {
            return false;
        }
        // PrioritySort: higher priority first, then earlier creation
        let mut queue: Vec<(i64, String, (String, String))> = self
            .active
            .iter()
            .filter_map(|k| api.get_kind("Pod", &k.0, &k.1).map(|p| (p.pointer("/spec/priority").and_then(Value::as_i64).unwrap_or(0), crate::api::str_at(&p, "/metadata/creationTimestamp").to_string(), k.clone())))
            .collect();
        queue.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        self.active.clear();
        for (_, _, key) in queue {
            let Some(pod) = api.get_kind("Pod", &key.0, &key.1) else { continue };
            if !self.wants(&pod) {
                continue;
            }
            self.schedule_one(api, &pod, key);
        }
        true
    }

    fn schedule_one(&mut self, api: &mut ApiServer, pod: &Value, key: (String, String)) {
        let nodes = api.list_kind("Node", None);
        let usage = node_usage(api);
        let mut feasible = vec![];
        let mut failures: Vec<Status> = vec![];
        for node in &nodes {
            let u = usage.get(crate::api::name(node)).cloned().unwrap_or_default();
            let verdicts = [
                plugins::node_unschedulable::filter(pod, node),
                plugins::node_name::filter(pod, node),
                plugins::taint_toleration::filter(pod, node),
                plugins::node_affinity::filter(pod, node),
                plugins::node_resources_fit::filter(pod, node, &u),
            ];
            match verdicts.into_iter().find(|s| !s.is_success()) {
                None => feasible.push((node.clone(), u)),
                Some(s) => failures.push(s),
            }
        }
        let source = Source { component: DEFAULT_SCHEDULER, host: None };
        if feasible.is_empty() {
            let msg = fit_error(nodes.len(), &failures);
            let mut p = (*pod).clone();
            set_condition(&mut p, "PodScheduled", "False", Some("Unschedulable"), Some(&msg), api.now);
            let _ = api.update(p, Subresource::Status);
            api.record_event(pod, "", "Warning", "FailedScheduling", &msg, source);
            self.unschedulable.insert(key, pod.get("spec").cloned().unwrap_or(Value::Null));
            return;
        }
        // NodeResourcesFit LeastAllocated + BalancedAllocation over cpu and memory (weights 1, 1)
        let scored: Vec<(i64, String)> = feasible.iter().map(|(n, u)| (score(pod, n, u), crate::api::name(n).to_string())).collect();
        let best = scored.iter().map(|s| s.0).max().unwrap_or(0);
        let top: Vec<&String> = scored.iter().filter(|s| s.0 == best).map(|s| &s.1).collect();
        let pick = top[self.rng.below(top.len() as u32) as usize].clone();
        match api.bind(&key.0, &key.1, &pick) {
            Ok(bound) => api.record_event(&bound, "", "Normal", "Scheduled", &format!("Successfully assigned {}/{} to {}", key.0, key.1, pick), source),
            Err(_) => {
                self.active.insert(key);
            }
        }
    }
}

fn node_usage(api: &ApiServer) -> BTreeMap<String, Usage> {
    let mut out: BTreeMap<String, Usage> = BTreeMap::new();
    for p in api.list_kind("Pod", None) {
        let node = crate::api::str_at(&p, "/spec/nodeName");
        if node.is_empty() || matches!(crate::api::str_at(&p, "/status/phase"), "Succeeded" | "Failed") {
            continue;
        }
        let u = out.entry(node.to_string()).or_default();
        u.pods += 1;
        for r in resources::requested_resources(&p) {
            let q = resources::pod_request(&p, &r);
            let e = u.requested.entry(r).or_insert(Quantity::ZERO);
            *e = e.saturating_add(q);
        }
    }
    out
}

/// LeastAllocated (cpu, memory; 100m / 200Mi for pods that request nothing) plus
/// BalancedAllocation, both on 0..100.
fn score(pod: &Value, node: &Value, u: &Usage) -> i64 {
    let mut fractions = vec![];
    let mut least = 0i64;
    for (res, nonzero) in [("cpu", 100i128), ("memory", 200 * 1024 * 1024 * 1000)] {
        let cap = plugins::node_resources_fit::allocatable(node, res).milli();
        let mut want = resources::pod_request(pod, res).milli();
        if want == 0 {
            want = nonzero;
        }
        let used = u.requested.get(res).map_or(0, |q| q.milli()) + want;
        if cap > 0 {
            least += (((cap - used).max(0)) * 100 / cap) as i64;
            fractions.push((used as f64 / cap as f64).min(1.0));
        }
    }
    let least = least / 2;
    let balanced = if fractions.len() == 2 { ((1.0 - (fractions[0] - fractions[1]).abs() / 2.0) * 100.0) as i64 } else { 100 };
    least + balanced
}

/// framework.FitError.Error(): "0/3 nodes are available: 1 node(s) had untolerated taint(s),
/// 2 Insufficient cpu. preemption: …" — reasons counted over nodes and sorted as strings.
pub fn fit_error(num_nodes: usize, failures: &[Status]) -> String {
    if num_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in failures {
        for r in &s.reasons {
            *counts.entry(r.clone()).or_default() += 1;
        }
    }
    let mut reasons: Vec<String> = counts.iter().map(|(r, n)| format!("{} {}", n, r)).collect();
    reasons.sort();
    let mut msg = format!("0/{} nodes are available", num_nodes);
    if !reasons.is_empty() {
        msg.push_str(&format!(": {}", reasons.join(", ")));
    }
    msg.push('.');
    // DefaultPreemption's PostFilter tail
    let mut pre: BTreeMap<&str, usize> = BTreeMap::new();
    for s in failures {
        let r = if s.code == Code::UnschedulableAndUnresolvable { "Preemption is not helpful for scheduling" } else { "No preemption victims found for incoming pod" };
        *pre.entry(r).or_default() += 1;
    }
    let mut pre: Vec<String> = pre.iter().map(|(r, n)| format!("{} {}", n, r)).collect();
    pre.sort();
    if num_nodes > 0 {
        msg.push_str(&format!(" preemption: 0/{} nodes are available: {}.", num_nodes, pre.join(", ")));
    }
    msg
}
