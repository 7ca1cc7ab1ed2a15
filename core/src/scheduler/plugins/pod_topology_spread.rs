//! PodTopologySpread: hard constraints (whenUnsatisfiable: DoNotSchedule) filter nodes whose
//! domain would exceed maxSkew over the global minimum (Filter); soft ones (ScheduleAnyway)
//! prefer nodes in domains with fewer matching pods (Score). A pod without constraints gets
//! the cluster defaults — hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway — with
//! the selector of the Services and the ReplicaSet / ReplicationController / StatefulSet
//! that own or select it (common.go buildDefaultConstraints).

use super::{FilterResult, Status};
use crate::api::labels::{Op, Requirement, Selector};
use crate::scheduler::cache::Cache;
use super::helper::MAX_NODE_SCORE;
use crate::scheduler::types::{NodeInfo, PodInfo, SpreadConstraint};
use std::collections::HashMap;

pub const NAME: &str = "PodTopologySpread";
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str = "node(s) didn't match pod topology spread constraints";
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str = "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME: &str = "kubernetes.io/hostname";

/// PodTopologySpreadArgs: defaultingType System uses the system defaults below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// (maxSkew, topologyKey, whenUnsatisfiable is DoNotSchedule)
    pub default_constraints: Vec<(i64, String, bool)>,
    pub system_defaulted: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args { default_constraints: vec![(3, HOSTNAME.into(), false), (5, "topology.kubernetes.io/zone".into(), false)], system_defaulted: true }
    }
}

/// The pod's own constraints of one kind (hard or soft), or the defaults with the default selector.
fn constraints(args: &Args, cache: &Cache, pod: &PodInfo, hard: bool) -> Vec<SpreadConstraint> {
    if !pod.spread_constraints.is_empty() {
        return pod.spread_constraints.iter().filter(|c| c.hard == hard).cloned().collect();
    }
    let defaults: Vec<&(i64, String, bool)> = args.default_constraints.iter().filter(|c| c.2 == hard).collect();
    if defaults.is_empty() {
        return vec![];
    }
    let selector = default_selector(cache, pod);
    if selector.is_empty() {
        return vec![];
    }
    defaults
        .into_iter()
        .map(|(skew, key, hard)| SpreadConstraint { max_skew: *skew, topology_key: key.clone(), hard: *hard, selector: selector.clone(), min_domains: 1, honor_node_affinity: true, honor_node_taints: false })
        .collect()
}

/// helper.DefaultSelector: the selectors of the Services that select the pod, plus its
/// controller's selector.
pub fn default_selector(cache: &Cache, pod: &PodInfo) -> Selector {
    let mut reqs: Vec<Requirement> = vec![];
    for ((ns, _), sel) in &cache.services {
        if *ns == pod.namespace && sel.iter().all(|(k, v)| pod.labels.get(k) == Some(v)) {
            for (k, v) in sel {
                if !reqs.iter().any(|r| r.key == *k) {
                    reqs.push(Requirement { key: k.clone(), op: Op::In, values: vec![v.clone()] });
                }
            }
        }
    }
    if let Some((kind, name)) = &pod.controller {
        if let Some(sel) = cache.workloads.get(&(kind.clone(), pod.namespace.clone(), name.clone())) {
            reqs.extend(sel.reqs.iter().cloned());
        }
    }
    Selector { reqs, matches_nothing: false }
}

fn count_matching(n: &NodeInfo, sel: &Selector, ns: &str) -> i64 {
    if sel.is_empty() || sel.matches_nothing {
        return 0;
    }
    n.pods.iter().filter(|p| !p.deleting && p.namespace == ns && sel.matches(&p.labels)).count() as i64
}

fn has_all_keys(n: &NodeInfo, cs: &[SpreadConstraint]) -> bool {
    cs.iter().all(|c| n.node.labels.contains_key(&c.topology_key))
}

/// matchNodeInclusionPolicies: nodeAffinityPolicy Honor skips nodes the pod's node affinity
/// excludes; nodeTaintsPolicy Honor skips nodes with taints it does not tolerate.
fn included(c: &SpreadConstraint, pod: &PodInfo, n: &NodeInfo) -> bool {
    if c.honor_node_affinity && !pod.required_node_affinity_matches(&n.node.name, &n.node.labels) {
        return false;
    }
    if c.honor_node_taints && pod.untolerated(&n.node.taints, &["NoSchedule", "NoExecute"]).is_some() {
        return false;
    }
    true
}

/// A constraint's global minimum of matching pods over its domains; 0 while there are fewer
/// domains than minDomains.
fn domain_min(counts: &HashMap<String, i64>, min_domains: i64) -> i64 {
    if (counts.len() as i64) < min_domains {
        0
    } else {
        counts.values().copied().min().unwrap_or(0)
    }
}

/// PreFilter state: matching pods per (constraint, domain) and each constraint's global minimum.
#[derive(Clone, Debug, Default)]
pub struct PreFilterState {
    pub constraints: Vec<SpreadConstraint>,
    counts: Vec<HashMap<String, i64>>,
    min: Vec<i64>,
}

/// None: Skip (no hard constraints).
pub fn pre_filter(args: &Args, cache: &Cache, pod: &PodInfo) -> Option<PreFilterState> {
    let cs = constraints(args, cache, pod, true);
    if cs.is_empty() {
        return None;
    }
    let mut counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); cs.len()];
    for n in &cache.nodes {
        if !has_all_keys(n, &cs) {
            continue;
        }
        for (i, c) in cs.iter().enumerate() {
            if !included(c, pod, n) {
                continue;
            }
            let v = n.node.labels.get(&c.topology_key).cloned().unwrap_or_default();
            *counts[i].entry(v).or_insert(0) += count_matching(n, &c.selector, &pod.namespace);
        }
    }
    let min = cs.iter().zip(&counts).map(|(c, m)| domain_min(m, c.min_domains)).collect();
    Some(PreFilterState { constraints: cs, counts, min })
}

impl PreFilterState {
    /// PreFilterExtensions AddPod (delta 1) / RemovePod (delta -1), as preemption calls them
    /// while it tries victims on a node (upstream's preFilterState.updateWithPod): a matching
    /// pod of the preemptor's namespace changes its domain's count, and the minimum follows.
    pub fn update_with_pod(&mut self, preemptor: &PodInfo, updated: &PodInfo, n: &NodeInfo, delta: i64) {
        if updated.namespace != preemptor.namespace || !has_all_keys(n, &self.constraints) {
            return;
        }
        for (i, c) in self.constraints.iter().enumerate() {
            if c.selector.is_empty() || c.selector.matches_nothing || !c.selector.matches(&updated.labels) || !included(c, preemptor, n) {
                continue;
            }
            let v = n.node.labels.get(&c.topology_key).cloned().unwrap_or_default();
            *self.counts[i].entry(v).or_insert(0) += delta;
            self.min[i] = domain_min(&self.counts[i], c.min_domains);
        }
    }
}

pub fn filter(s: &PreFilterState, pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    for (i, c) in s.constraints.iter().enumerate() {
        let Some(v) = n.node.labels.get(&c.topology_key) else {
            return Err(Status::unresolvable(NAME, ERR_REASON_NODE_LABEL_NOT_MATCH));
        };
        let self_match = i64::from(c.selector.matches(&pod.labels));
        let matched = s.counts[i].get(v).copied().unwrap_or(0);
        if matched + self_match - s.min[i] > c.max_skew {
            return Err(Status::unschedulable(NAME, ERR_REASON_CONSTRAINTS_NOT_MATCH));
        }
    }
    Ok(())
}

/// PreScore state over the feasible nodes.
#[derive(Clone, Debug, Default)]
pub struct PreScoreState {
    constraints: Vec<SpreadConstraint>,
    require_all: bool,
    counts: Vec<HashMap<String, i64>>,
    weights: Vec<f64>,
}

/// None: Skip (no soft constraints).
pub fn pre_score(args: &Args, cache: &Cache, pod: &PodInfo, feasible: &[usize]) -> Option<PreScoreState> {
    if cache.nodes.is_empty() {
        return None;
    }
    let cs = constraints(args, cache, pod, false);
    if cs.is_empty() {
        return None;
    }
    // only non-default rules need every topology label on a node
    let require_all = !pod.spread_constraints.is_empty() || !args.system_defaulted;
    let mut counts: Vec<HashMap<String, i64>> = vec![HashMap::new(); cs.len()];
    let mut ignored = 0usize;
    for &i in feasible {
        let n = &cache.nodes[i];
        if require_all && !has_all_keys(n, &cs) {
            ignored += 1;
            continue;
        }
        for (k, c) in cs.iter().enumerate() {
            if c.topology_key != HOSTNAME {
                counts[k].entry(n.node.labels.get(&c.topology_key).cloned().unwrap_or_default()).or_insert(0);
            }
        }
    }
    let weights = cs
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let size = if c.topology_key == HOSTNAME { feasible.len() - ignored } else { counts[k].len() };
            ((size + 2) as f64).ln()
        })
        .collect();
    for n in &cache.nodes {
        if require_all && !has_all_keys(n, &cs) {
            continue;
        }
        for (k, c) in cs.iter().enumerate() {
            if !included(c, pod, n) {
                continue;
            }
            let v = n.node.labels.get(&c.topology_key).cloned().unwrap_or_default();
            if let Some(e) = counts[k].get_mut(&v) {
                *e += count_matching(n, &c.selector, &pod.namespace);
            }
        }
    }
    Some(PreScoreState { constraints: cs, require_all, counts, weights })
}

/// Score: the matching pods in the node's domains, weighted; None for ignored nodes.
pub fn score(s: &PreScoreState, pod: &PodInfo, n: &NodeInfo) -> Option<i64> {
    if s.require_all && !has_all_keys(n, &s.constraints) {
        return None;
    }
    let mut total = 0.0;
    for (k, c) in s.constraints.iter().enumerate() {
        if let Some(v) = n.node.labels.get(&c.topology_key) {
            let cnt = if c.topology_key == HOSTNAME { count_matching(n, &c.selector, &pod.namespace) } else { s.counts[k].get(v).copied().unwrap_or(0) };
            total += cnt as f64 * s.weights[k] + (c.max_skew - 1) as f64;
        }
    }
    Some(total.round() as i64)
}

/// NormalizeScore: fewer matching pods → higher score; ignored nodes get 0.
pub fn normalize(scores: &mut [Option<i64>]) -> Vec<i64> {
    let valid = scores.iter().flatten();
    let min = valid.clone().copied().min().unwrap_or(0);
    let max = valid.copied().max().unwrap_or(0);
    scores
        .iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => MAX_NODE_SCORE,
            Some(v) => MAX_NODE_SCORE * (max + min - v) / max,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn cache(objs: Vec<Value>) -> Cache {
        Cache::from_objects(objs)
    }
    fn node(name: &str, zone: &str) -> Value {
        json!({"kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "zone": zone}}, "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}})
    }
    fn pod(name: &str, node: &str, labels: Value) -> Value {
        json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels}, "spec": {"nodeName": node, "containers": [{"image": "nginx"}]}})
    }
    fn spread(skew: i64, key: &str, when: &str) -> PodInfo {
        PodInfo::from_json(&json!({"metadata": {"name": "p", "namespace": "default", "labels": {"foo": ""}}, "spec": {"topologySpreadConstraints": [
            {"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": when, "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}}]}}))
    }

    // After filtering_test.go TestSingleConstraint "pods spread across zones as 3/3, all nodes
    // fit" and "... as 1/2 due to absence of label 'zone' on node-b": zone1 has 3 matching
    // pods, zone2 has 1 → with maxSkew 1 only zone2's nodes fit; a node without the key is
    // unresolvable.
    #[test]
    fn filter_skew_and_missing_label() {
        let c = cache(vec![
            node("node-a", "zone1"),
            node("node-b", "zone1"),
            node("node-x", "zone2"),
            node("node-y", "zone2"),
            json!({"kind": "Node", "metadata": {"name": "node-z", "labels": {"kubernetes.io/hostname": "node-z"}}, "status": {"allocatable": {"pods": "110"}}}),
            pod("p-a1", "node-a", json!({"foo": ""})),
            pod("p-a2", "node-a", json!({"foo": ""})),
            pod("p-b1", "node-b", json!({"foo": ""})),
            pod("p-y1", "node-y", json!({"foo": ""})),
            pod("other", "node-x", json!({"bar": ""})),
        ]);
        let p = spread(1, "zone", "DoNotSchedule");
        let s = pre_filter(&Args::default(), &c, &p).expect("hard constraint");
        let verdict = |n: &str| filter(&s, &p, c.node(n).unwrap()).map_err(|e| e.reasons[0].clone());
        assert_eq!(verdict("node-a"), Err(ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string()));
        assert_eq!(verdict("node-b"), Err(ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string()));
        assert_eq!(verdict("node-x"), Ok(()));
        assert_eq!(verdict("node-y"), Ok(()));
        assert_eq!(verdict("node-z"), Err(ERR_REASON_NODE_LABEL_NOT_MATCH.to_string()));
        // maxSkew 3 admits zone1 too (3 + 1 - 1 = 3)
        let s3 = pre_filter(&Args::default(), &c, &spread(3, "zone", "DoNotSchedule")).unwrap();
        assert!(filter(&s3, &p, c.node("node-a").unwrap()).is_ok());
        // a soft constraint does not filter
        assert!(pre_filter(&Args::default(), &c, &spread(1, "zone", "ScheduleAnyway")).is_none());
    }

    // After scoring_test.go TestPodTopologySpreadScore "one constraint on node, all 4 nodes
    // are candidates": matching pods per node 2/1/0/3 on hostname with maxSkew 1 → raw
    // counts × ln(4 + 2), normalized 100 * (max + min - s) / max.
    #[test]
    fn score_hostname_spread() {
        let mut objs = vec![node("node-a", "z"), node("node-b", "z"), node("node-c", "z"), node("node-d", "z")];
        for (n, k) in [("node-a", 2), ("node-b", 1), ("node-d", 3)] {
            for i in 0..k {
                objs.push(pod(&format!("{}-{}", n, i), n, json!({"foo": ""})));
            }
        }
        let c = cache(objs);
        let p = spread(1, "kubernetes.io/hostname", "ScheduleAnyway");
        let feasible: Vec<usize> = (0..4).collect();
        let s = pre_score(&Args::default(), &c, &p, &feasible).unwrap();
        let mut raw: Vec<Option<i64>> = feasible.iter().map(|&i| score(&s, &p, &c.nodes[i])).collect();
        // ln 6 = 1.79: 2 → 3.58 → 4, 1 → 1.79 → 2, 0 → 0, 3 → 5.38 → 5
        assert_eq!(raw, vec![Some(4), Some(2), Some(0), Some(5)]);
        // upstream's expected scores for this case: 20, 60, 100, 0
        assert_eq!(normalize(&mut raw), vec![20, 60, 100, 0]);
    }

    // Default constraints: a ReplicaSet's pods spread by hostname without any spec.
    #[test]
    fn default_constraints_use_the_controller_selector() {
        let c = cache(vec![
            node("n1", "z"),
            json!({"kind": "ReplicaSet", "metadata": {"name": "web-1", "namespace": "default"}, "spec": {"selector": {"matchLabels": {"app": "web"}}}}),
            pod("w1", "n1", json!({"app": "web"})),
        ]);
        let p = PodInfo::from_json(&json!({"metadata": {"name": "w2", "namespace": "default", "labels": {"app": "web"}, "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "controller": true}]}, "spec": {}}));
        let sel = default_selector(&c, &p);
        assert_eq!(sel.to_string_form(), "app=web");
        let s = pre_score(&Args::default(), &c, &p, &[0]).unwrap();
        // hostname: 1 match × ln(1 + 2) + (3 - 1) = 3.1 → 3; the node has no
        // topology.kubernetes.io/zone label, so the zone default adds nothing
        assert_eq!(score(&s, &p, &c.nodes[0]), Some(3));
        let bare = PodInfo::from_json(&json!({"metadata": {"name": "x", "namespace": "default", "labels": {"app": "web"}}, "spec": {}}));
        assert!(pre_score(&Args::default(), &c, &bare, &[0]).is_none());
    }
}
