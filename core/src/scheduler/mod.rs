//! kube-scheduler (default-scheduler): watches for pods with no node whose schedulerName it
//! serves, runs the Filter plugins over every node, scores the feasible ones and binds the pod
//! through the Binding subresource — or records FailedScheduling with upstream's FitError text.

pub mod explain;
pub mod framework;
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
    /// the latest attempt for each pod (bounded: the oldest are dropped)
    pub explanations: BTreeMap<(String, String), framework::Explanation>,
    explanation_order: std::collections::VecDeque<(String, String)>,
    /// nextStartNodeIndex: where the next search over nodes begins
    next_start: usize,
}

/// How many scheduling explanations are kept.
const MAX_EXPLANATIONS: usize = 2_000;

impl Scheduler {
    pub fn new(seed: u64) -> Self {
        Scheduler {
            name: DEFAULT_SCHEDULER.into(),
            running: true,
            rng: Rng::new(seed ^ 0x7363_6864),
            active: BTreeSet::new(),
            unschedulable: BTreeMap::new(),
            explanations: BTreeMap::new(),
            explanation_order: Default::default(),
            next_start: 0,
        }
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
                // a node added or changed may fit what did not fit before
                if ev.typ == EventType::Put {
                    self.flush();
                }
            }
            _ => {}
        }
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
        let empty = Usage::default();
        let views: Vec<framework::NodeView> = nodes.iter().map(|n| framework::NodeView { node: n, usage: usage.get(crate::api::name(n)).unwrap_or(&empty) }).collect();
        let start = if views.is_empty() { 0 } else { self.next_start % views.len() };
        let (picked, results, failures) = framework::run(pod, &views, start, &mut self.rng);
        if !views.is_empty() {
            self.next_start = (start + results.len()) % views.len();
        }
        let source = Source { component: DEFAULT_SCHEDULER, host: None };
        let mut explanation = framework::Explanation { pod: format!("{}/{}", key.0, key.1), at: api.now, scheduler: self.name.clone(), nodes: results, picked: None, message: None };
        let Some(i) = picked else {
            let msg = fit_error(nodes.len(), &failures);
            explanation.message = Some(msg.clone());
            self.remember(key.clone(), explanation);
            let mut p = (*pod).clone();
            set_condition(&mut p, "PodScheduled", "False", Some("Unschedulable"), Some(&msg), api.now);
            let _ = api.update(p, Subresource::Status);
            api.record_event(pod, "", "Warning", "FailedScheduling", &msg, source);
            self.unschedulable.insert(key, pod.get("spec").cloned().unwrap_or(Value::Null));
            return;
        };
        let pick = crate::api::name(&nodes[i]).to_string();
        explanation.picked = Some(pick.clone());
        self.remember(key.clone(), explanation);
        match api.bind(&key.0, &key.1, &pick) {
            Ok(bound) => api.record_event(&bound, "", "Normal", "Scheduled", &format!("Successfully assigned {}/{} to {}", key.0, key.1, pick), source),
            Err(_) => {
                self.active.insert(key);
            }
        }
    }

    fn remember(&mut self, key: (String, String), e: framework::Explanation) {
        if self.explanations.insert(key.clone(), e).is_none() {
            self.explanation_order.push_back(key);
            while self.explanation_order.len() > MAX_EXPLANATIONS {
                if let Some(old) = self.explanation_order.pop_front() {
                    self.explanations.remove(&old);
                }
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
        let (cpu, mem) = plugins::node_resources_fit::non_zero_requests(&p);
        u.non_zero_cpu += cpu;
        u.non_zero_memory += mem;
        u.host_ports.extend(plugins::node_ports::host_ports(&p));
        for r in resources::requested_resources(&p) {
            let q = resources::pod_request(&p, &r);
            let e = u.requested.entry(r).or_insert(Quantity::ZERO);
            *e = e.saturating_add(q);
        }
    }
    out
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
