//! The scheduling framework's cycle for the default profile: Filter plugins over the nodes (in
//! upstream order, stopping at a node's first failure), Score plugins with NormalizeScore and
//! the default weights, and the host chosen among the top scores at random. Every cycle leaves
//! an `Explanation` — what a learner reads with `sim explain pod`.

use super::plugins::node_resources_fit::Usage;
use super::plugins::{self, Status};
use crate::sim::rng::Rng;
use serde_json::Value;
use std::collections::BTreeMap;

/// framework.MaxNodeScore
pub const MAX_NODE_SCORE: i64 = 100;

/// Filter plugins of the default profile, in order (only those kubesim implements).
pub const FILTERS: &[&str] = &[
    plugins::node_unschedulable::NAME,
    plugins::node_name::NAME,
    plugins::taint_toleration::NAME,
    plugins::node_affinity::NAME,
    plugins::node_ports::NAME,
    plugins::node_resources_fit::NAME,
];

/// Score plugins of the default profile with their weights (v1 KubeSchedulerConfiguration).
pub const SCORES: &[(&str, i64)] = &[
    (plugins::taint_toleration::NAME, 3),
    (plugins::node_affinity::NAME, 2),
    (plugins::node_resources_fit::NAME, 1),
    (plugins::node_resources_balanced_allocation::NAME, 1),
    (plugins::image_locality::NAME, 1),
];

/// framework's DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    for s in scores.iter_mut() {
        if max == 0 {
            if reverse {
                *s = MAX_NODE_SCORE;
            }
            continue;
        }
        let mut v = MAX_NODE_SCORE * *s / max;
        if reverse {
            v = MAX_NODE_SCORE - v;
        }
        *s = v;
    }
}

/// One node's Score plugin result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub raw: i64,
    pub normalized: i64,
    pub weighted: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeResult {
    pub node: String,
    /// the Filter plugins that ran, in order, with their verdicts (the last one failed, if any)
    pub filters: Vec<(&'static str, Result<(), String>)>,
    /// empty when the node was filtered out or not scored
    pub scores: Vec<PluginScore>,
    pub total: i64,
}

/// A scheduling attempt, as the inspector and `sim explain pod` show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub pod: String,
    pub at: i64,
    pub scheduler: String,
    pub nodes: Vec<NodeResult>,
    pub picked: Option<String>,
    /// the FitError text when no node fits
    pub message: Option<String>,
}

/// What the cycle needs to know about a node.
pub struct NodeView<'a> {
    pub node: &'a Value,
    pub usage: &'a Usage,
}

/// numFeasibleNodesToFind with percentageOfNodesToScore unset (adaptive): every node below
/// 100, otherwise 50% - n/125 (at least 5%), at least 100 nodes.
pub fn num_feasible_nodes_to_find(n: usize) -> usize {
    if n < 100 {
        return n;
    }
    let pct = (50 - (n as i64) / 125).max(5) as usize;
    (n * pct / 100).max(100)
}

/// Runs Filter and Score for one pod. `start` rotates where the search begins (upstream's
/// nextStartNodeIndex) so that partial searches spread over the cluster.
pub fn run(pod: &Value, nodes: &[NodeView], start: usize, rng: &mut Rng) -> (Option<usize>, Vec<NodeResult>, Vec<Status>) {
    let n = nodes.len();
    let want = num_feasible_nodes_to_find(n);
    let mut results: Vec<NodeResult> = Vec::with_capacity(n);
    let mut failures: Vec<Status> = vec![];
    let mut feasible: Vec<usize> = vec![];
    for k in 0..n {
        if feasible.len() >= want {
            break;
        }
        let i = (start + k) % n;
        let v = &nodes[i];
        let mut filters = vec![];
        let mut failed = None;
        for name in FILTERS {
            let st = match *name {
                plugins::node_unschedulable::NAME => plugins::node_unschedulable::filter(pod, v.node),
                plugins::node_name::NAME => plugins::node_name::filter(pod, v.node),
                plugins::taint_toleration::NAME => plugins::taint_toleration::filter(pod, v.node),
                plugins::node_affinity::NAME => plugins::node_affinity::filter(pod, v.node),
                plugins::node_ports::NAME => plugins::node_ports::filter(pod, &v.usage.host_ports),
                _ => plugins::node_resources_fit::filter(pod, v.node, v.usage),
            };
            if st.is_success() {
                filters.push((*name, Ok(())));
            } else {
                filters.push((*name, Err(st.reasons.join(", "))));
                failed = Some(st);
                break;
            }
        }
        match failed {
            None => feasible.push(results.len()),
            Some(st) => failures.push(st),
        }
        results.push(NodeResult { node: crate::api::name(v.node).to_string(), filters, scores: vec![], total: 0 });
    }
    if feasible.is_empty() {
        return (None, results, failures);
    }
    // node images and how widely each is spread, for ImageLocality
    let images: Vec<BTreeMap<String, i64>> = nodes.iter().map(|v| plugins::image_locality::node_images(v.node)).collect();
    let mut spread: BTreeMap<String, usize> = BTreeMap::new();
    for m in &images {
        for k in m.keys() {
            *spread.entry(k.clone()).or_default() += 1;
        }
    }
    let node_index: Vec<usize> = feasible.iter().map(|&r| nodes.iter().position(|v| crate::api::name(v.node) == results[r].node).unwrap_or(0)).collect();
    for (plugin, weight) in SCORES {
        let mut raw: Vec<i64> = node_index
            .iter()
            .map(|&i| {
                let v = &nodes[i];
                match *plugin {
                    plugins::taint_toleration::NAME => plugins::taint_toleration::score(pod, v.node),
                    plugins::node_affinity::NAME => plugins::node_affinity::score(pod, v.node),
                    plugins::node_resources_fit::NAME => plugins::node_resources_fit::score(pod, v.node, v.usage),
                    plugins::node_resources_balanced_allocation::NAME => plugins::node_resources_balanced_allocation::score(pod, v.node, v.usage),
                    _ => plugins::image_locality::score(pod, &images[i], &spread, nodes.len()),
                }
            })
            .collect();
        let before = raw.clone();
        match *plugin {
            plugins::taint_toleration::NAME => default_normalize(&mut raw, true),
            plugins::node_affinity::NAME => default_normalize(&mut raw, false),
            _ => {}
        }
        for (k, &r) in feasible.iter().enumerate() {
            let weighted = raw[k] * weight;
            results[r].scores.push(PluginScore { plugin, raw: before[k], normalized: raw[k], weighted });
            results[r].total += weighted;
        }
    }
    // selectHost: the highest total, ties broken uniformly at random (seeded)
    let best = feasible.iter().map(|&r| results[r].total).max().unwrap_or(0);
    let top: Vec<usize> = feasible.iter().copied().filter(|&r| results[r].total == best).collect();
    let pick = top[rng.below(top.len() as u32) as usize];
    let picked = nodes.iter().position(|v| crate::api::name(v.node) == results[pick].node);
    (picked, results, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    // numFeasibleNodesToFind from schedule_one.go: 5000 nodes → 50 - 40 = 10% → 500.
    #[test]
    fn adaptive_percentage() {
        assert_eq!(num_feasible_nodes_to_find(3), 3);
        assert_eq!(num_feasible_nodes_to_find(99), 99);
        assert_eq!(num_feasible_nodes_to_find(100), 100);
        assert_eq!(num_feasible_nodes_to_find(1000), 420);
        assert_eq!(num_feasible_nodes_to_find(5000), 500);
        assert_eq!(num_feasible_nodes_to_find(10000), 500);
    }

    #[test]
    fn normalize() {
        let mut s = vec![0, 5, 10];
        default_normalize(&mut s, false);
        assert_eq!(s, vec![0, 50, 100]);
        let mut z = vec![0, 0];
        default_normalize(&mut z, true);
        assert_eq!(z, vec![100, 100]);
    }
}
