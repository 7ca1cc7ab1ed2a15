//! InterPodAffinity: required pod affinity needs a matching pod in the node's topology domain,
//! required anti-affinity forbids one — both the incoming pod's terms and, symmetrically, the
//! existing pods' anti-affinity terms (Filter); preferred terms of both sides, and existing
//! pods' required affinity terms (hardPodAffinityWeight), add or subtract weight per domain
//! (Score).

use super::{FilterResult, Status};
use crate::api::labels::Labels;
use crate::scheduler::cache::Cache;
use super::helper::MAX_NODE_SCORE;
use crate::scheduler::types::{AffinityTerm, NodeInfo, PodInfo};
use std::collections::HashMap;

pub const NAME: &str = "InterPodAffinity";
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str = "node(s) didn't satisfy existing pods anti-affinity rules";
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub hard_pod_affinity_weight: i64,
    pub ignore_preferred_terms_of_existing_pods: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args { hard_pod_affinity_weight: 1, ignore_preferred_terms_of_existing_pods: false }
    }
}

type TopologyCounts = HashMap<(String, String), i64>;

#[derive(Clone, Debug, Default)]
pub struct PreFilterState {
    existing_anti: TopologyCounts,
    affinity: TopologyCounts,
    anti: TopologyCounts,
}

fn ns_labels<'a>(cache: &'a Cache, ns: &str) -> Option<&'a Labels> {
    cache.namespaces.get(ns)
}

fn matches_all(terms: &[AffinityTerm], p: &PodInfo, cache: &Cache) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(p, ns_labels(cache, &p.namespace)))
}

/// None: Skip (no required terms on either side).
pub fn pre_filter(cache: &Cache, pod: &PodInfo) -> Option<PreFilterState> {
    let any_existing_anti = cache.pods_with_required_anti_affinity > 0;
    if pod.required_affinity.is_empty() && pod.required_anti_affinity.is_empty() && !any_existing_anti {
        return None;
    }
    let mut s = PreFilterState::default();
    let incoming_ns = ns_labels(cache, &pod.namespace);
    for n in &cache.nodes {
        let labels = &n.node.labels;
        if n.pods_with_required_anti_affinity > 0 {
            for e in &n.pods {
                for t in &e.required_anti_affinity {
                    if t.matches(pod, incoming_ns) {
                        if let Some(v) = labels.get(&t.topology_key) {
                            *s.existing_anti.entry((t.topology_key.clone(), v.clone())).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        if pod.required_affinity.is_empty() && pod.required_anti_affinity.is_empty() {
            continue;
        }
        for e in &n.pods {
            if matches_all(&pod.required_affinity, e, cache) {
                for t in &pod.required_affinity {
                    if let Some(v) = labels.get(&t.topology_key) {
                        *s.affinity.entry((t.topology_key.clone(), v.clone())).or_insert(0) += 1;
                    }
                }
            }
            for t in &pod.required_anti_affinity {
                if t.matches(e, ns_labels(cache, &e.namespace)) {
                    if let Some(v) = labels.get(&t.topology_key) {
                        *s.anti.entry((t.topology_key.clone(), v.clone())).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    Some(s)
}

impl PreFilterState {
    /// PreFilterExtensions AddPod (delta 1) / RemovePod (delta -1), as preemption calls them
    /// while it tries victims on a node (upstream's preFilterState.updateWithPod): the three
    /// counts change as if `existing` joined or left node `n`; emptied pairs are dropped.
    pub fn update_with_pod(&mut self, cache: &Cache, preemptor: &PodInfo, existing: &PodInfo, n: &NodeInfo, delta: i64) {
        let labels = &n.node.labels;
        let bump = |m: &mut TopologyCounts, key: &str| {
            if let Some(v) = labels.get(key) {
                let pair = (key.to_string(), v.clone());
                let c = m.entry(pair.clone()).or_insert(0);
                *c += delta;
                if *c == 0 {
                    m.remove(&pair);
                }
            }
        };
        let incoming_ns = ns_labels(cache, &preemptor.namespace);
        for t in &existing.required_anti_affinity {
            if t.matches(preemptor, incoming_ns) {
                bump(&mut self.existing_anti, &t.topology_key);
            }
        }
        if matches_all(&preemptor.required_affinity, existing, cache) {
            for t in &preemptor.required_affinity {
                bump(&mut self.affinity, &t.topology_key);
            }
        }
        for t in &preemptor.required_anti_affinity {
            if t.matches(existing, ns_labels(cache, &existing.namespace)) {
                bump(&mut self.anti, &t.topology_key);
            }
        }
    }
}

fn count(m: &TopologyCounts, key: &str, value: &str) -> i64 {
    // HashMap lookups need owned keys; the maps are small
    m.get(&(key.to_string(), value.to_string())).copied().unwrap_or(0)
}

pub fn filter(s: &PreFilterState, pod: &PodInfo, n: &NodeInfo, cache: &Cache) -> FilterResult {
    let labels = &n.node.labels;
    // satisfyPodAffinity
    let mut pods_exist = true;
    for t in &pod.required_affinity {
        match labels.get(&t.topology_key) {
            Some(v) => {
                if count(&s.affinity, &t.topology_key, v) <= 0 {
                    pods_exist = false;
                }
            }
            None => return Err(Status::unresolvable(NAME, ERR_REASON_AFFINITY)),
        }
    }
    // the first pod of a group with affinity to itself may go anywhere with the topology
    if !pods_exist && !(s.affinity.is_empty() && matches_all(&pod.required_affinity, pod, cache)) {
        return Err(Status::unresolvable(NAME, ERR_REASON_AFFINITY));
    }
    for t in &pod.required_anti_affinity {
        if let Some(v) = labels.get(&t.topology_key) {
            if count(&s.anti, &t.topology_key, v) > 0 {
                return Err(Status::unschedulable(NAME, ERR_REASON_ANTI_AFFINITY));
            }
        }
    }
    if !s.existing_anti.is_empty() && labels.iter().any(|(k, v)| count(&s.existing_anti, k, v) > 0) {
        return Err(Status::unschedulable(NAME, ERR_REASON_EXISTING_ANTI_AFFINITY));
    }
    Ok(())
}

/// PreScore: weight per (topologyKey, value); None: Skip.
pub fn pre_score(args: &Args, cache: &Cache, pod: &PodInfo) -> Option<HashMap<String, HashMap<String, i64>>> {
    let has_constraints = !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
    if (args.ignore_preferred_terms_of_existing_pods || cache.pods_with_affinity == 0) && !has_constraints {
        return None;
    }
    let mut m: HashMap<String, HashMap<String, i64>> = HashMap::new();
    let incoming_ns = ns_labels(cache, &pod.namespace);
    let mut add = |t: &AffinityTerm, target: &PodInfo, ns: Option<&Labels>, labels: &Labels, w: i64| {
        if t.matches(target, ns) {
            if let Some(v) = labels.get(&t.topology_key) {
                *m.entry(t.topology_key.clone()).or_default().entry(v.clone()).or_insert(0) += w;
            }
        }
    };
    for n in &cache.nodes {
        if !has_constraints && n.pods_with_affinity == 0 {
            continue;
        }
        let labels = &n.node.labels;
        if labels.is_empty() {
            continue;
        }
        for e in &n.pods {
            if !has_constraints && !e.has_affinity() {
                continue;
            }
            let e_ns = ns_labels(cache, &e.namespace);
            for (w, t) in &pod.preferred_affinity {
                add(t, e, e_ns, labels, *w);
            }
            for (w, t) in &pod.preferred_anti_affinity {
                add(t, e, e_ns, labels, -*w);
            }
            if args.hard_pod_affinity_weight > 0 {
                for t in &e.required_affinity {
                    add(t, pod, incoming_ns, labels, args.hard_pod_affinity_weight);
                }
            }
            if !args.ignore_preferred_terms_of_existing_pods {
                for (w, t) in &e.preferred_affinity {
                    add(t, pod, incoming_ns, labels, *w);
                }
                for (w, t) in &e.preferred_anti_affinity {
                    add(t, pod, incoming_ns, labels, -*w);
                }
            }
        }
    }
    if m.is_empty() {
        None
    } else {
        Some(m)
    }
}

pub fn score(s: &HashMap<String, HashMap<String, i64>>, n: &NodeInfo) -> i64 {
    s.iter().filter_map(|(k, vals)| n.node.labels.get(k).and_then(|v| vals.get(v))).sum()
}

/// NormalizeScore: min–max scaled to 0..100.
pub fn normalize(scores: &mut [i64]) {
    let (min, max) = (scores.iter().copied().min().unwrap_or(0), scores.iter().copied().max().unwrap_or(0));
    let diff = max - min;
    for s in scores.iter_mut() {
        *s = if diff > 0 { (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64 } else { 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn cache(objs: Vec<Value>) -> Cache {
        Cache::from_objects(objs)
    }
    fn node(name: &str, zone: &str) -> Value {
        json!({"kind": "Node", "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "zone": zone}}, "status": {"allocatable": {"pods": "110"}}})
    }
    fn pod(name: &str, node: &str, labels: Value, affinity: Value) -> Value {
        json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels}, "spec": {"nodeName": node, "affinity": affinity}})
    }
    fn term(key: &str, value: &str, topology: &str) -> Value {
        json!({"labelSelector": {"matchExpressions": [{"key": key, "operator": "In", "values": [value]}]}, "topologyKey": topology})
    }
    fn verdict(c: &Cache, p: &PodInfo, node: &str) -> Result<(), String> {
        match pre_filter(c, p) {
            None => Ok(()),
            Some(s) => filter(&s, p, c.node(node).unwrap(), c).map_err(|e| e.reasons[0].clone()),
        }
    }

    // After filtering_test.go TestRequiredAffinitySingleNode: "satisfies with requiredDuring
    // Scheduling pod affinity" / "doesn't satisfy … anti-affinity" / "existing pod's
    // anti-affinity (symmetry)" / "the first pod of a series with affinity to itself".
    #[test]
    fn required_affinity_and_anti_affinity() {
        let c = cache(vec![
            node("n1", "z1"),
            node("n2", "z2"),
            pod("db", "n1", json!({"service": "securityscan"}), json!({})),
            pod("guard", "n2", json!({"app": "guard"}), json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("team", "red", "zone")]}})),
        ]);
        let with = |aff: Value, labels: Value| PodInfo::from_json(&json!({"metadata": {"name": "new", "namespace": "default", "labels": labels}, "spec": {"affinity": aff}}));
        let wants_db = with(json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("service", "securityscan", "zone")]}}), json!({}));
        assert_eq!(verdict(&c, &wants_db, "n1"), Ok(()));
        assert_eq!(verdict(&c, &wants_db, "n2"), Err(ERR_REASON_AFFINITY.to_string()));
        let avoids_db = with(json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("service", "securityscan", "zone")]}}), json!({}));
        assert_eq!(verdict(&c, &avoids_db, "n1"), Err(ERR_REASON_ANTI_AFFINITY.to_string()));
        assert_eq!(verdict(&c, &avoids_db, "n2"), Ok(()));
        // symmetry: guard's anti-affinity keeps team=red out of zone z2
        let red = with(json!({}), json!({"team": "red"}));
        assert_eq!(verdict(&c, &red, "n2"), Err(ERR_REASON_EXISTING_ANTI_AFFINITY.to_string()));
        assert_eq!(verdict(&c, &red, "n1"), Ok(()));
        // no pod matches yet, but the pod matches its own term: allowed
        let first = with(json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("app", "cache", "zone")]}}), json!({"app": "cache"}));
        assert_eq!(verdict(&c, &first, "n2"), Ok(()));
        // a node without the topology label never satisfies affinity
        let by_rack = with(json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("service", "securityscan", "rack")]}}), json!({}));
        assert_eq!(verdict(&c, &by_rack, "n1"), Err(ERR_REASON_AFFINITY.to_string()));
    }

    // After scoring_test.go TestPreferredAffinity "Affinity: pod that matches topology key &
    // pods in nodes will get high score comparing to others": weight 5 towards security=S1
    // by region; the node in the matching region scores 100, others 0.
    #[test]
    fn preferred_affinity_score() {
        let mut c = cache(vec![
            json!({"kind": "Node", "metadata": {"name": "machine1", "labels": {"region": "China"}}}),
            json!({"kind": "Node", "metadata": {"name": "machine2", "labels": {"region": "India"}}}),
            json!({"kind": "Node", "metadata": {"name": "machine3", "labels": {"az": "az1"}}}),
            pod("p1", "machine1", json!({"security": "S1"}), json!({})),
            pod("p2", "machine2", json!({"security": "S2"}), json!({})),
        ]);
        c.namespaces.insert("default".into(), Labels::new());
        let p = PodInfo::from_json(&json!({"metadata": {"name": "new", "namespace": "default"}, "spec": {"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 5, "podAffinityTerm": term("security", "S1", "region")}]}}}}));
        let s = pre_score(&Args::default(), &c, &p).expect("preferred terms");
        let mut scores: Vec<i64> = c.nodes.iter().map(|n| score(&s, n)).collect();
        normalize(&mut scores);
        assert_eq!(scores, vec![100, 0, 0]);
    }
}
