//! The scheduling framework's cycle for one profile (pkg/scheduler/schedule_one.go and
//! framework/runtime): PreFilter, Filter over the nodes from a rotating start (stopping at each
//! node's first failing plugin, and once enough feasible nodes are found), PreScore, Score with
//! NormalizeScore and the profile's weights, then the host chosen among the top scores at
//! random. Run with a recorder, the same cycle fills the per-node `Explanation` that
//! `sim explain pod` and the web inspector show.

use super::cache::Cache;
use super::plugins::{self as p, Status};
use super::types::{NodeInfo, PodInfo};
use crate::clock::rng::Rng;
use std::collections::HashMap;
use std::sync::Arc;

pub use super::plugins::helper::{default_normalize, MAX_NODE_SCORE};

/// Every plugin name kubesim knows, in the order of the v1 default profile's multiPoint list.
/// The volume and DRA plugins are accepted in configurations but have nothing to check here
/// (kubesim simulates no volumes or resource claims).
pub const KNOWN_PLUGINS: &[&str] = &[
    "SchedulingGates",
    "PrioritySort",
    p::node_unschedulable::NAME,
    p::node_name::NAME,
    p::taint_toleration::NAME,
    p::node_affinity::NAME,
    p::node_ports::NAME,
    p::node_resources_fit::NAME,
    "VolumeRestrictions",
    "NodeVolumeLimits",
    "VolumeBinding",
    "VolumeZone",
    p::pod_topology_spread::NAME,
    p::inter_pod_affinity::NAME,
    "DefaultPreemption",
    p::node_resources_balanced_allocation::NAME,
    p::image_locality::NAME,
    p::default_binder::NAME,
    "DynamicResources",
];

/// Plugins with a Filter extension point that kubesim runs, in default order.
pub const FILTER_PLUGINS: &[&str] = &[
    p::node_unschedulable::NAME,
    p::node_name::NAME,
    p::taint_toleration::NAME,
    p::node_affinity::NAME,
    p::node_ports::NAME,
    p::node_resources_fit::NAME,
    p::pod_topology_spread::NAME,
    p::inter_pod_affinity::NAME,
];

/// Plugins with a Score extension point and their default weights (v1 getDefaultPlugins).
pub const SCORE_PLUGINS: &[(&str, i64)] = &[
    (p::taint_toleration::NAME, 3),
    (p::node_affinity::NAME, 2),
    (p::node_resources_fit::NAME, 1),
    (p::pod_topology_spread::NAME, 2),
    (p::inter_pod_affinity::NAME, 2),
    (p::node_resources_balanced_allocation::NAME, 1),
    (p::image_locality::NAME, 1),
];

/// A scheduling profile: which plugins run at each extension point, their weights and args.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub scheduler_name: String,
    pub filters: Vec<&'static str>,
    pub scores: Vec<(&'static str, i64)>,
    /// DefaultPreemption, when enabled
    pub preemption: bool,
    pub fit: p::node_resources_fit::Args,
    /// NodeResourcesBalancedAllocationArgs.resources
    pub balanced: Vec<(String, i64)>,
    pub spread: p::pod_topology_spread::Args,
    pub affinity: p::inter_pod_affinity::Args,
    /// percentageOfNodesToScore (0 or None: adaptive)
    pub percentage_of_nodes_to_score: Option<i64>,
}

impl Profile {
    pub fn default_profile(name: &str) -> Profile {
        Profile {
            scheduler_name: name.to_string(),
            filters: FILTER_PLUGINS.to_vec(),
            scores: SCORE_PLUGINS.to_vec(),
            preemption: true,
            fit: Default::default(),
            balanced: vec![("cpu".into(), 1), ("memory".into(), 1)],
            spread: Default::default(),
            affinity: Default::default(),
            percentage_of_nodes_to_score: None,
        }
    }
}

/// numFeasibleNodesToFind: every node below 100; otherwise percentageOfNodesToScore, or when
/// unset 50% - n/125 (at least 5%), and never fewer than 100 nodes.
pub fn num_feasible_nodes_to_find(percentage: Option<i64>, n: usize) -> usize {
    if n < 100 {
        return n;
    }
    let mut pct = percentage.unwrap_or(0);
    if pct <= 0 {
        pct = (50 - (n as i64) / 125).max(5);
    }
    ((n as i64 * pct.min(100) / 100) as usize).max(100)
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
    pub filters: Vec<&'static str>,
    /// filters whose PreFilter returned Skip: they pass every node without checking
    pub skipped_filters: Vec<&'static str>,
    pub scores: Vec<(&'static str, i64)>,
    pub nodes: Vec<NodeResult>,
    pub picked: Option<String>,
    /// the FitError text when no node fits
    pub message: Option<String>,
    /// what preemption did, if it ran
    pub preemption: Option<String>,
}

/// The outcome of one cycle.
#[derive(Debug, Default)]
pub struct CycleResult {
    /// index into `cache.nodes`
    pub picked: Option<usize>,
    /// the failing status of every node that was filtered out
    pub failures: Vec<(usize, Status)>,
    /// how many nodes the filters looked at (advances nextStartNodeIndex)
    pub processed: usize,
    /// Filter plugins whose PreFilter had nothing to check for this pod (Skip)
    pub skipped_filters: Vec<&'static str>,
}

/// Per-cycle plugin state (CycleState).
struct State {
    spread_filter: Option<p::pod_topology_spread::PreFilterState>,
    affinity_filter: Option<p::inter_pod_affinity::PreFilterState>,
    skip_node_affinity: bool,
    skip_ports: bool,
    /// nominated pods (priority ≥ the pod's) by node name
    nominated: HashMap<String, Vec<Arc<PodInfo>>>,
    /// the profile's Filter plugins, resolved
    filters: Vec<Plug>,
}

/// A plugin, resolved once per cycle from its name (the hot loops match on this, not on
/// strings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plug {
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    Fit,
    Spread,
    InterPod,
    Balanced,
    Image,
    /// accepted in configurations, nothing to do here
    Inert,
}

impl Plug {
    fn of(name: &str) -> Plug {
        match name {
            p::node_unschedulable::NAME => Plug::NodeUnschedulable,
            p::node_name::NAME => Plug::NodeName,
            p::taint_toleration::NAME => Plug::TaintToleration,
            p::node_affinity::NAME => Plug::NodeAffinity,
            p::node_ports::NAME => Plug::NodePorts,
            p::node_resources_fit::NAME => Plug::Fit,
            p::pod_topology_spread::NAME => Plug::Spread,
            p::inter_pod_affinity::NAME => Plug::InterPod,
            p::node_resources_balanced_allocation::NAME => Plug::Balanced,
            p::image_locality::NAME => Plug::Image,
            _ => Plug::Inert,
        }
    }
}

fn run_filter(prof: &Profile, st: &State, cache: &Cache, pod: &PodInfo, n: &NodeInfo, plugin: Plug) -> p::FilterResult {
    match plugin {
        Plug::NodeUnschedulable => p::node_unschedulable::filter(pod, n),
        Plug::NodeName => p::node_name::filter(pod, n),
        Plug::TaintToleration => p::taint_toleration::filter(pod, n),
        Plug::NodeAffinity if !st.skip_node_affinity => p::node_affinity::filter(pod, n),
        Plug::NodePorts if !st.skip_ports => p::node_ports::filter(pod, n),
        Plug::Fit => p::node_resources_fit::filter(&prof.fit, pod, n),
        Plug::Spread => st.spread_filter.as_ref().map_or(Ok(()), |s| p::pod_topology_spread::filter(s, pod, n)),
        Plug::InterPod => st.affinity_filter.as_ref().map_or(Ok(()), |s| p::inter_pod_affinity::filter(s, pod, n, cache)),
        _ => Ok(()),
    }
}

/// RunFilterPluginsWithNominatedPods: with higher-priority pods nominated to the node counted
/// as if they were there, then without them; both must pass.
fn filter_node(prof: &Profile, st: &State, cache: &Cache, pod: &PodInfo, n: &NodeInfo, mut rec: Option<&mut Vec<(&'static str, Result<(), String>)>>) -> Result<(), Status> {
    let with_nominated = if st.nominated.is_empty() {
        None
    } else {
        st.nominated.get(&n.node.name).map(|extra| {
            let mut clone = n.clone();
            for q in extra {
                clone.add_pod(q.clone());
            }
            clone
        })
    };
    for (k, &plugin) in st.filters.iter().enumerate() {
        let mut res = match &with_nominated {
            Some(c) => run_filter(prof, st, cache, pod, c, plugin),
            None => Ok(()),
        };
        if res.is_ok() {
            res = run_filter(prof, st, cache, pod, n, plugin);
        }
        if let Some(r) = rec.as_deref_mut() {
            r.push((prof.filters[k], res.as_ref().map(|_| ()).map_err(|s| s.reasons.join(", "))));
        }
        res?;
    }
    Ok(())
}

fn pre_filter(prof: &Profile, cache: &Cache, pod: &PodInfo) -> State {
    let has = |name: &str| prof.filters.contains(&name);
    let mut nominated: HashMap<String, Vec<Arc<PodInfo>>> = HashMap::new();
    for q in cache.nominated.values() {
        if q.priority >= pod.priority && !(q.namespace == pod.namespace && q.name == pod.name) {
            nominated.entry(q.nominated_node_name.clone()).or_default().push(q.clone());
        }
    }
    State {
        spread_filter: if has(p::pod_topology_spread::NAME) { p::pod_topology_spread::pre_filter(&prof.spread, cache, pod) } else { None },
        affinity_filter: if has(p::inter_pod_affinity::NAME) { p::inter_pod_affinity::pre_filter(cache, pod) } else { None },
        skip_node_affinity: p::node_affinity::pre_filter_skip(pod),
        skip_ports: pod.host_ports.is_empty(),
        nominated,
        filters: prof.filters.iter().map(|n| Plug::of(n)).collect(),
    }
}

/// Preemption's trials on one node (SelectVictimsOnNode): PreFilter once, then the pods taken
/// off or put back are told to the plugins with cluster-wide state (PodTopologySpread's
/// domain counts, InterPodAffinity's topology counts), as upstream's
/// RunPreFilterExtensionRemovePod / AddPod do, and Filter runs on the trial node.
pub struct Trial {
    st: State,
}

impl Trial {
    pub fn new(prof: &Profile, cache: &Cache, pod: &PodInfo) -> Trial {
        Trial { st: pre_filter(prof, cache, pod) }
    }

    pub fn remove_pod(&mut self, cache: &Cache, pod: &PodInfo, gone: &PodInfo, n: &NodeInfo) {
        self.update(cache, pod, gone, n, -1);
    }

    pub fn add_pod(&mut self, cache: &Cache, pod: &PodInfo, back: &PodInfo, n: &NodeInfo) {
        self.update(cache, pod, back, n, 1);
    }

    fn update(&mut self, cache: &Cache, pod: &PodInfo, other: &PodInfo, n: &NodeInfo, delta: i64) {
        if let Some(s) = self.st.spread_filter.as_mut() {
            s.update_with_pod(pod, other, n, delta);
        }
        if let Some(s) = self.st.affinity_filter.as_mut() {
            s.update_with_pod(cache, pod, other, n, delta);
        }
    }

    pub fn filter(&self, prof: &Profile, cache: &Cache, pod: &PodInfo, n: &NodeInfo) -> Result<(), Status> {
        filter_node(prof, &self.st, cache, pod, n, None)
    }
}

/// One scheduling cycle for `pod` over the cache. `start` is nextStartNodeIndex; with `rec`,
/// every node's verdicts and scores are recorded.
pub fn schedule(prof: &Profile, cache: &Cache, pod: &PodInfo, start: usize, rng: &mut Rng, mut rec: Option<&mut Vec<NodeResult>>) -> CycleResult {
    let n = cache.nodes.len();
    let mut out = CycleResult::default();
    if n == 0 {
        return out;
    }
    let st = pre_filter(prof, cache, pod);
    if rec.is_some() {
        for (skip, name) in [
            (st.skip_node_affinity, p::node_affinity::NAME),
            (st.skip_ports, p::node_ports::NAME),
            (st.spread_filter.is_none(), p::pod_topology_spread::NAME),
            (st.affinity_filter.is_none(), p::inter_pod_affinity::NAME),
        ] {
            if skip && prof.filters.contains(&name) {
                out.skipped_filters.push(name);
            }
        }
    }

    // a pod nominated by an earlier preemption tries its node first
    if !pod.nominated_node_name.is_empty() {
        if let Some(i) = cache.node_index(&pod.nominated_node_name) {
            if filter_node(prof, &st, cache, pod, &cache.nodes[i], None).is_ok() {
                if let Some(r) = rec.as_deref_mut() {
                    let mut filters = vec![];
                    let _ = filter_node(prof, &st, cache, pod, &cache.nodes[i], Some(&mut filters));
                    r.push(NodeResult { node: cache.nodes[i].node.name.clone(), filters, scores: vec![], total: 0 });
                }
                out.picked = Some(i);
                out.processed = 0;
                return out;
            }
        }
    }

    let want = num_feasible_nodes_to_find(prof.percentage_of_nodes_to_score, n);
    let mut feasible: Vec<usize> = Vec::with_capacity(want.min(n));
    // for each feasible node, its row in the record
    let mut rows: Vec<usize> = vec![];
    for k in 0..n {
        if feasible.len() >= want {
            break;
        }
        let i = (start + k) % n;
        let node = &cache.nodes[i];
        out.processed += 1;
        let mut filters = vec![];
        let res = filter_node(prof, &st, cache, pod, node, rec.as_ref().map(|_| &mut filters));
        if let Some(r) = rec.as_deref_mut() {
            if res.is_ok() {
                rows.push(r.len());
            }
            r.push(NodeResult { node: node.node.name.clone(), filters, scores: vec![], total: 0 });
        }
        match res {
            Ok(()) => feasible.push(i),
            Err(s) => out.failures.push((i, s)),
        }
    }
    if feasible.is_empty() {
        return out;
    }
    if feasible.len() == 1 {
        // a single feasible node is chosen without scoring
        out.picked = Some(feasible[0]);
        return out;
    }

    let mut totals = vec![0i64; feasible.len()];
    for (plugin, weight) in &prof.scores {
        let Some((raw, normalized)) = score_plugin(prof, cache, pod, &feasible, plugin) else { continue };
        for k in 0..feasible.len() {
            let weighted = normalized[k] * weight;
            totals[k] += weighted;
            if let Some(r) = rec.as_deref_mut() {
                let row = &mut r[rows[k]];
                row.scores.push(PluginScore { plugin, raw: raw[k], normalized: normalized[k], weighted });
                row.total += weighted;
            }
        }
    }
    // selectHost: the highest total, ties broken uniformly at random (seeded)
    let best = totals.iter().copied().max().unwrap_or(0);
    let top: Vec<usize> = (0..feasible.len()).filter(|&k| totals[k] == best).collect();
    let pick = top[rng.below(top.len() as u32) as usize];
    out.picked = Some(feasible[pick]);
    out
}

/// PreScore + Score + NormalizeScore of one plugin over the feasible nodes; None when the
/// plugin skips this pod.
fn score_plugin(prof: &Profile, cache: &Cache, pod: &PodInfo, feasible: &[usize], plugin: &'static str) -> Option<(Vec<i64>, Vec<i64>)> {
    let nodes = feasible.iter().map(|&i| &cache.nodes[i]);
    let raw: Vec<i64>;
    let mut norm: Vec<i64>;
    match Plug::of(plugin) {
        Plug::TaintToleration => {
            let tols = p::taint_toleration::pre_score(pod);
            raw = nodes.map(|n| p::taint_toleration::score(&tols, n)).collect();
            norm = raw.clone();
            default_normalize(&mut norm, true);
        }
        Plug::NodeAffinity => {
            if p::node_affinity::pre_score_skip(pod) {
                return None;
            }
            raw = nodes.map(|n| p::node_affinity::score(pod, n)).collect();
            norm = raw.clone();
            default_normalize(&mut norm, false);
        }
        Plug::Fit => {
            raw = nodes.map(|n| p::node_resources_fit::score(&prof.fit, pod, n)).collect();
            norm = raw.clone();
        }
        Plug::Balanced => {
            if p::node_resources_balanced_allocation::pre_score_skip(&prof.balanced, pod) {
                return None;
            }
            raw = nodes.map(|n| p::node_resources_balanced_allocation::score(&prof.balanced, pod, n)).collect();
            norm = raw.clone();
        }
        Plug::Image => {
            raw = nodes.map(|n| p::image_locality::score(pod, n, &cache.image_spread, cache.nodes.len())).collect();
            norm = raw.clone();
        }
        Plug::Spread => {
            let s = p::pod_topology_spread::pre_score(&prof.spread, cache, pod, feasible)?;
            let mut opt: Vec<Option<i64>> = nodes.map(|n| p::pod_topology_spread::score(&s, pod, n)).collect();
            raw = opt.iter().map(|s| s.unwrap_or(0)).collect();
            norm = p::pod_topology_spread::normalize(&mut opt);
        }
        Plug::InterPod => {
            let s = p::inter_pod_affinity::pre_score(&prof.affinity, cache, pod)?;
            raw = nodes.map(|n| p::inter_pod_affinity::score(&s, n)).collect();
            norm = raw.clone();
            p::inter_pod_affinity::normalize(&mut norm);
        }
        _ => return None,
    }
    Some((raw, norm))
}

/// framework.FitError.Error(): "0/3 nodes are available: 1 node(s) had untolerated taint(s),
/// 2 Insufficient cpu." — reasons counted over nodes and sorted as strings — followed by
/// DefaultPreemption's own "preemption: …" sentence when it ran.
pub fn fit_error(num_nodes: usize, failures: &[(usize, Status)], preemption: Option<&str>) -> String {
    if num_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, s) in failures {
        for r in &s.reasons {
            *counts.entry(r.as_str()).or_default() += 1;
        }
    }
    let mut reasons: Vec<String> = counts.iter().map(|(r, n)| format!("{} {}", n, r)).collect();
    reasons.sort();
    let mut msg = format!("0/{} nodes are available", num_nodes);
    if !reasons.is_empty() {
        msg.push_str(": ");
        msg.push_str(&reasons.join(", "));
    }
    msg.push('.');
    if let Some(p) = preemption {
        msg.push(' ');
        msg.push_str(p);
    }
    msg
}


#[cfg(test)]
mod tests {
    use super::*;

    // numFeasibleNodesToFind from schedule_one.go: 5000 nodes → 50 - 40 = 10% → 500.
    #[test]
    fn adaptive_percentage() {
        assert_eq!(num_feasible_nodes_to_find(None, 3), 3);
        assert_eq!(num_feasible_nodes_to_find(None, 99), 99);
        assert_eq!(num_feasible_nodes_to_find(None, 100), 100);
        assert_eq!(num_feasible_nodes_to_find(None, 1000), 420);
        assert_eq!(num_feasible_nodes_to_find(None, 5000), 500);
        assert_eq!(num_feasible_nodes_to_find(None, 10000), 500);
        assert_eq!(num_feasible_nodes_to_find(Some(100), 5000), 5000);
        // never fewer than minFeasibleNodesToFind
        assert_eq!(num_feasible_nodes_to_find(Some(1), 5000), 100);
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
