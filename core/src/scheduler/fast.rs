//! The scheduling cycle's fast path: the same Filter and Score arithmetic as framework.rs,
//! for the common pod (cpu/memory requests; nodeSelector, node affinity and tolerations that do
//! not name individual nodes; no host ports, pod affinity, spread constraints or nominated
//! pods around), laid out for 5,000-node clusters:
//!
//! * nodes with the same labels (hostname aside), taints, cordon flag and images form a class,
//!   so NodeUnschedulable, TaintToleration, NodeAffinity and ImageLocality run once per class;
//! * the per-node numbers NodeResourcesFit and BalancedAllocation need live in flat arrays
//!   (`NodeTable`), updated incrementally as pods come and go, instead of behind pointers.
//!
//! Any other pod takes framework::schedule. Both paths must pick alike: the tests compare them.

use super::cache::Cache;
use super::framework::{default_normalize, CycleResult, Profile, MAX_NODE_SCORE};
use super::plugins::{self as p, node_resources_fit::Strategy, Code, Status};
use super::node_table::{NodeTable, HOSTNAME};
use super::types::{NodeInfo, PodInfo};
use crate::clock::rng::Rng;
use std::collections::HashMap;


fn only_cpu_memory(res: &[(String, i64)]) -> bool {
    res.iter().all(|(r, _)| r == "cpu" || r == "memory")
}

fn names_hostname(pod: &PodInfo) -> bool {
    pod.node_selector.iter().any(|(k, _)| k == HOSTNAME)
        || pod.required_node_affinity.iter().flatten().chain(pod.preferred_node_affinity.iter().map(|(_, t)| t)).any(|t| !t.fields.is_empty() || t.exprs.iter().any(|e| e.key == HOSTNAME))
}

/// The Filter plugins whose verdicts this path computes, or that pass every node for the pods
/// `eligible` admits (no host ports, spread constraints or pod affinity anywhere). Any other
/// Filter plugin in a profile sends its pods to the framework.
const FAST_FILTERS: &[&str] = &[
    p::node_unschedulable::NAME,
    p::node_name::NAME,
    p::taint_toleration::NAME,
    p::node_affinity::NAME,
    p::node_ports::NAME,
    p::node_resources_fit::NAME,
    p::pod_topology_spread::NAME,
    p::inter_pod_affinity::NAME,
];

/// The Score plugins this path adds up (PodTopologySpread and InterPodAffinity score nothing
/// for the pods `eligible` admits). Any other Score plugin sends the profile's pods to the
/// framework: a new plugin is correct before it is fast.
const FAST_SCORES: &[&str] = &[
    p::taint_toleration::NAME,
    p::node_affinity::NAME,
    p::node_resources_fit::NAME,
    p::pod_topology_spread::NAME,
    p::inter_pod_affinity::NAME,
    p::node_resources_balanced_allocation::NAME,
    p::image_locality::NAME,
];

/// Whether this pod and profile can take the fast path.
fn eligible(prof: &Profile, cache: &Cache, pod: &PodInfo) -> bool {
    let r = &pod.requests;
    pod.node_name.is_empty()
        && pod.nominated_node_name.is_empty()
        && pod.host_ports.is_empty()
        && r.ephemeral_storage == 0
        && r.scalar.is_empty()
        && pod.non_zero.scalar.is_empty()
        && pod.non_zero.ephemeral_storage == 0
        && pod.spread_constraints.is_empty()
        && !pod.has_affinity()
        && cache.nominated.is_empty()
        && cache.pods_with_required_anti_affinity == 0
        && cache.pods_with_affinity == 0
        && !names_hostname(pod)
        && only_cpu_memory(&prof.fit.resources)
        && only_cpu_memory(&prof.balanced)
        // default spreading applies to pods that Services or controllers select
        && (!prof.scores.iter().any(|(s, _)| *s == p::pod_topology_spread::NAME) || p::pod_topology_spread::default_selector(cache, pod).is_empty())
        && prof.filters.iter().all(|f| FAST_FILTERS.contains(f))
        && prof.scores.iter().all(|(s, _)| FAST_SCORES.contains(s))
}

/// What the per-node numbers of a cycle depend on besides the node: the pod's requests and the
/// profile's resource scoring. Pods of the same shape share per-node results.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Shape {
    pc: i64,
    pm: i64,
    nzc: i64,
    nzm: i64,
    fit_filter: bool,
    w_fit: Option<i64>,
    w_bal: Option<i64>,
    fit_weights: Vec<(bool, i64)>,
    bal_cpu: bool,
    bal_mem: bool,
    most_allocated: bool,
}

/// Per shape, per node: the NodeResourcesFit verdict bits and the weighted Fit + Balanced
/// score, valid while the node's row version is unchanged.
#[derive(Default)]
pub struct ShapeCache {
    epoch: u64,
    shapes: HashMap<Shape, ShapeRows>,
}

struct ShapeRows {
    /// how much of the table's change log these rows include
    applied: usize,
    fit: Vec<u8>,
    /// the weighted Fit + Balanced score; INFEASIBLE where Fit's Filter failed
    score: Vec<i64>,
    /// per class, kept as rows change: when every node is looked at (small clusters,
    /// percentageOfNodesToScore 100) a cycle reads these instead of scanning the nodes
    classes: Vec<ClassRows>,
}

/// One class's nodes under one shape: how many pass Fit, the best score and which nodes have it.
#[derive(Default)]
struct ClassRows {
    members: Vec<u32>,
    feasible: u32,
    max: i64,
    /// ascending node indices
    at_max: Vec<u32>,
}

impl ClassRows {
    /// Recomputes the best score and its nodes from the members.
    fn rescan(&mut self, score: &[i64]) {
        self.max = INFEASIBLE;
        self.at_max.clear();
        for &i in &self.members {
            let d = score[i as usize];
            if d == INFEASIBLE || d < self.max {
                continue;
            }
            if d > self.max {
                self.max = d;
                self.at_max.clear();
            }
            self.at_max.push(i);
        }
    }

    /// Node `i`'s score went from `old` to `new`.
    fn update(&mut self, i: u32, old: i64, new: i64, score: &[i64]) {
        if old == new {
            return;
        }
        self.feasible = self.feasible + u32::from(new != INFEASIBLE) - u32::from(old != INFEASIBLE);
        if old != INFEASIBLE && old == self.max {
            if let Ok(k) = self.at_max.binary_search(&i) {
                self.at_max.remove(k);
            }
            if self.at_max.is_empty() {
                self.rescan(score);
                return;
            }
        }
        if new == INFEASIBLE || new < self.max {
            return;
        }
        if new > self.max {
            self.max = new;
            self.at_max.clear();
        }
        if let Err(k) = self.at_max.binary_search(&i) {
            self.at_max.insert(k, i);
        }
    }
}

const INFEASIBLE: i64 = i64::MIN;

impl ShapeRows {
    fn new(shape: &Shape, t: &NodeTable, n: usize) -> ShapeRows {
        let mut rows = ShapeRows { applied: t.changed.len(), fit: vec![0; n], score: vec![0; n], classes: vec![] };
        rows.classes.resize_with(t.classes.len(), ClassRows::default);
        for i in 0..n {
            rows.set(shape, t, i);
            let c = &mut rows.classes[t.class[i] as usize];
            c.members.push(i as u32);
            c.feasible += u32::from(rows.score[i] != INFEASIBLE);
        }
        for c in &mut rows.classes {
            c.rescan(&rows.score);
        }
        rows
    }

    fn set(&mut self, shape: &Shape, t: &NodeTable, i: usize) {
        let (bits, score) = shape.node(t, i);
        self.fit[i] = bits;
        self.score[i] = if bits == 0 { score } else { INFEASIBLE };
    }

    /// Brings the rows up to date with the nodes changed since they were computed.
    fn catch_up(&mut self, shape: &Shape, t: &NodeTable) {
        for k in self.applied..t.changed.len() {
            let i = t.changed[k] as usize;
            let old = self.score[i];
            self.set(shape, t, i);
            self.classes[t.class[i] as usize].update(i as u32, old, self.score[i], &self.score);
        }
        self.applied = t.changed.len();
    }
}

/// How many shapes are kept before starting over (each costs 9 bytes per node).
const MAX_SHAPES: usize = 64;

impl Shape {
    /// NodeResourcesFit's Filter bits (1 pods, 2 cpu, 4 memory) and the weighted scores.
    fn node(&self, t: &NodeTable, i: usize) -> (u8, i64) {
        if self.fit_filter {
            let too_many = t.pods[i] + 1 > t.allowed_pods[i];
            let short_cpu = self.pc > 0 && self.pc > t.alloc_cpu[i] - t.req_cpu[i];
            let short_mem = self.pm > 0 && self.pm > t.alloc_mem[i] - t.req_mem[i];
            let bits = u8::from(too_many) | u8::from(short_cpu) << 1 | u8::from(short_mem) << 2;
            if bits != 0 {
                return (bits, 0);
            }
        }
        let mut d = 0;
        if let Some(wf) = self.w_fit {
            let (mut sum, mut wsum) = (0, 0);
            for &(is_cpu, rw) in &self.fit_weights {
                let (alloc, req) = if is_cpu { (t.alloc_cpu[i], t.nz_cpu[i] + self.nzc) } else { (t.alloc_mem[i], t.nz_mem[i] + self.nzm) };
                if alloc == 0 {
                    continue;
                }
                sum += if self.most_allocated { most(req, alloc) } else { least(req, alloc) } * rw;
                wsum += rw;
            }
            d += if wsum == 0 { 0 } else { sum / wsum } * wf;
        }
        if let Some(wb) = self.w_bal {
            let mut fr = [0f64; 2];
            let mut m = 0;
            if self.bal_cpu && t.alloc_cpu[i] != 0 {
                fr[m] = ((t.req_cpu[i] + self.pc) as f64 / t.alloc_cpu[i] as f64).min(1.0);
                m += 1;
            }
            if self.bal_mem && t.alloc_mem[i] != 0 {
                fr[m] = ((t.req_mem[i] + self.pm) as f64 / t.alloc_mem[i] as f64).min(1.0);
                m += 1;
            }
            let std = if m == 2 { ((fr[0] - fr[1]) / 2.0).abs() } else { 0.0 };
            d += ((1.0 - std) * MAX_NODE_SCORE as f64) as i64 * wb;
        }
        (0, d)
    }
}

/// Per-class results of the static plugins for one pod.
struct ClassVerdict {
    fail: Option<Status>,
    taint_raw: i64,
    affinity_raw: i64,
    image_raw: i64,
}

fn least(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        0
    } else {
        (capacity - requested) * MAX_NODE_SCORE / capacity
    }
}

fn most(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        0
    } else {
        requested.min(capacity) * MAX_NODE_SCORE / capacity
    }
}

/// Runs the cycle on the fast path, or returns None when the pod needs the general one.
pub fn schedule(prof: &Profile, cache: &Cache, pod: &PodInfo, start: usize, rng: &mut Rng, shapes: &mut ShapeCache) -> Option<CycleResult> {
    if !eligible(prof, cache, pod) || matches!(prof.fit.strategy, Strategy::RequestedToCapacityRatio(_)) {
        return None;
    }
    let t = &cache.table;
    let n = cache.nodes.len();
    let out = CycleResult::default();
    if n == 0 {
        return Some(out);
    }
    // the per-class verdicts assume the static filters run before Fit (the default order): a
    // profile that puts one after Fit reports other reasons, so it takes the general path
    let fit_pos = prof.filters.iter().position(|f| *f == p::node_resources_fit::NAME);
    let static_after_fit = fit_pos.is_some_and(|fp| prof.filters[fp + 1..].iter().any(|f| [p::node_unschedulable::NAME, p::taint_toleration::NAME, p::node_affinity::NAME].contains(f)));
    if static_after_fit {
        return None;
    }
    let has = |name: &str| prof.filters.contains(&name);
    let (f_unsched, f_taint, f_aff) = (has(p::node_unschedulable::NAME), has(p::taint_toleration::NAME), has(p::node_affinity::NAME));
    let skip_affinity = p::node_affinity::pre_filter_skip(pod);
    let tols = p::taint_toleration::pre_score(pod);
    let verdicts: Vec<ClassVerdict> = t
        .classes
        .iter()
        .map(|spec| {
            let info = NodeInfo::new(spec.clone());
            // filters in the profile's order; Fit runs per node below
            let mut fail = None;
            for f in &prof.filters {
                let r = match *f {
                    p::node_unschedulable::NAME if f_unsched => p::node_unschedulable::filter(pod, &info),
                    p::taint_toleration::NAME if f_taint => p::taint_toleration::filter(pod, &info),
                    p::node_affinity::NAME if f_aff && !skip_affinity => p::node_affinity::filter(pod, &info),
                    p::node_resources_fit::NAME => break,
                    _ => Ok(()),
                };
                if let Err(s) = r {
                    fail = Some(s);
                    break;
                }
            }
            ClassVerdict {
                fail,
                taint_raw: p::taint_toleration::score(&tols, &info),
                affinity_raw: p::node_affinity::score(pod, &info),
                image_raw: p::image_locality::score(pod, &info, &cache.image_spread, n),
            }
        })
        .collect();

    let want = super::framework::num_feasible_nodes_to_find(prof.percentage_of_nodes_to_score, n);
    let mut failed = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let result = cycle(CycleInputs { prof, cache, pod, start, want, verdicts: &verdicts, out }, &mut failed, rng, shapes);
    SCRATCH.with(|s| *s.borrow_mut() = failed);
    Some(result)
}


thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<(u32, u8)>> = const { std::cell::RefCell::new(Vec::new()) };
}

struct CycleInputs<'a> {
    prof: &'a Profile,
    cache: &'a Cache,
    pod: &'a PodInfo,
    start: usize,
    want: usize,
    verdicts: &'a [ClassVerdict],
    out: CycleResult,
}

/// A failed node's cause: its class's static verdict, or NodeResourcesFit's bits (pods, cpu, memory).
const FAIL_CLASS: u8 = 0xff;

fn cycle(inp: CycleInputs, failed: &mut Vec<(u32, u8)>, rng: &mut Rng, shapes: &mut ShapeCache) -> CycleResult {
    let CycleInputs { prof, cache, pod, start, want, verdicts, mut out } = inp;
    let t = &cache.table;
    let n = cache.nodes.len();
    let f_fit = prof.filters.contains(&p::node_resources_fit::NAME);
    let (pc, pm) = (pod.requests.milli_cpu, pod.requests.memory);
    let (nzc, nzm) = (pod.non_zero.milli_cpu, pod.non_zero.memory);
    let w = |name: &str| prof.scores.iter().find(|(s, _)| *s == name).map(|(_, w)| *w);
    let (w_taint, w_aff, w_fit, w_bal, w_img) = (
        w(p::taint_toleration::NAME),
        if p::node_affinity::pre_score_skip(pod) { None } else { w(p::node_affinity::NAME) },
        w(p::node_resources_fit::NAME),
        if p::node_resources_balanced_allocation::pre_score_skip(&prof.balanced, pod) { None } else { w(p::node_resources_balanced_allocation::NAME) },
        w(p::image_locality::NAME),
    );
    let fit_weights: Vec<(bool, i64)> = prof.fit.resources.iter().map(|(r, w)| (r == "cpu", *w)).collect();
    let bal_cpu = prof.balanced.iter().any(|(r, _)| r == "cpu");
    let bal_mem = prof.balanced.iter().any(|(r, _)| r == "memory");
    let most_allocated = prof.fit.strategy == Strategy::MostAllocated;

    let shape = Shape { pc, pm, nzc, nzm, fit_filter: f_fit, w_fit, w_bal, fit_weights, bal_cpu, bal_mem, most_allocated };
    if shapes.epoch != t.epoch || (shapes.shapes.len() >= MAX_SHAPES && !shapes.shapes.contains_key(&shape)) {
        shapes.shapes.clear();
        shapes.epoch = t.epoch;
    }
    let rows = shapes.shapes.entry(shape.clone()).or_insert_with(|| ShapeRows::new(&shape, t, n));
    rows.catch_up(&shape, t);
    let fails: Vec<bool> = verdicts.iter().map(|v| v.fail.is_some()).collect();
    let nc = t.classes.len();
    // per class: the best dynamic score among its feasible nodes, and those nodes in scan
    // order (the final total is that plus the class's static score, so only they can win)
    let mut cls_max = vec![i64::MIN; nc];
    let mut cls_ties = vec![0u32; nc];
    let mut found: usize = 0;
    let s0 = start % n;
    let every_node = want >= n;
    if every_node {
        // every node is looked at: the classes' running aggregates say it all
        out.processed = n;
        for (c, agg) in rows.classes.iter().enumerate() {
            if !fails[c] && agg.feasible > 0 {
                found += agg.feasible as usize;
                cls_max[c] = agg.max;
                cls_ties[c] = agg.at_max.len() as u32;
            }
        }
    } else {
        // the scan from nextStartNodeIndex round to it, stopping once `want` nodes are
        // feasible; without branches on the node's verdict (classes alternate unpredictably)
        for here in [s0..n, 0..s0].into_iter().flatten() {
            if found >= want {
                break;
            }
            out.processed += 1;
            let c = t.class[here] as usize;
            let d = rows.score[here];
            let ok = !fails[c] & (d != INFEASIBLE);
            let m = cls_max[c];
            let higher = ok & (d > m);
            cls_ties[c] = if higher { 1 } else { cls_ties[c] + u32::from(ok & (d == m)) };
            cls_max[c] = if higher { d } else { m };
            found += usize::from(ok);
        }
    }
    let feasible = |here: usize| !fails[t.class[here] as usize] && rows.score[here] != INFEASIBLE;
    if found == 0 {
        // nothing fits: every node was looked at; now their statuses are worth building
        failed.clear();
        for here in 0..n {
            let c = t.class[here] as usize;
            let f = if fails[c] { FAIL_CLASS } else { rows.fit[here] };
            failed.push((here as u32, f));
        }
        // in scan order, as the general path reports them
        failed.rotate_left(start % n);
        out.failures = failed
            .iter()
            .map(|&(i, f)| {
                let i = i as usize;
                let status = if f == FAIL_CLASS {
                    verdicts[t.class[i] as usize].fail.clone().unwrap_or_else(|| Status::unschedulable(p::node_resources_fit::NAME, ""))
                } else {
                    let reasons = [(1, "Too many pods"), (2, "Insufficient cpu"), (4, "Insufficient memory")].iter().filter(|(b, _)| f & b != 0).map(|(_, r)| r.to_string()).collect();
                    Status { code: Code::Unschedulable, reasons, plugin: p::node_resources_fit::NAME }
                };
                (i, status)
            })
            .collect();
        return out;
    }
    if found == 1 {
        // the one feasible node, in scan order
        out.picked = (s0..n).chain(0..s0).take(out.processed).find(|&here| feasible(here));
        return out;
    }
    // NormalizeScore of the class-level plugins over the classes of the feasible nodes
    let classes: Vec<usize> = (0..nc).filter(|&c| cls_max[c] != i64::MIN).collect();
    let mut static_score = vec![0i64; nc];
    for (wt, raw, reverse) in [(w_taint, 0, true), (w_aff, 1, false)] {
        let Some(wt) = wt else { continue };
        let mut vals: Vec<i64> = classes.iter().map(|&c| if raw == 0 { verdicts[c].taint_raw } else { verdicts[c].affinity_raw }).collect();
        default_normalize(&mut vals, reverse);
        for (k, &c) in classes.iter().enumerate() {
            static_score[c] += vals[k] * wt;
        }
    }
    if let Some(wi) = w_img {
        for &c in &classes {
            static_score[c] += verdicts[c].image_raw * wi;
        }
    }
    let best = classes.iter().map(|&c| cls_max[c] + static_score[c]).max().unwrap_or(0);
    let winning: Vec<bool> = (0..nc).map(|c| cls_max[c] != i64::MIN && cls_max[c] + static_score[c] == best).collect();
    let ties: u32 = (0..nc).filter(|&c| winning[c]).map(|c| cls_ties[c]).sum();
    // the r-th top-scoring node in scan order (selectHost's uniform pick)
    let mut r = rng.below(ties.max(1));
    if every_node {
        // among the winning classes' best nodes, ordered from s0 round
        let rot = |i: u32| (i as usize + n - s0) % n;
        let mut tied: Vec<u32> = (0..nc).filter(|&c| winning[c]).flat_map(|c| rows.classes[c].at_max.iter().copied()).collect();
        let r = (r as usize).min(tied.len().saturating_sub(1));
        if !tied.is_empty() {
            tied.select_nth_unstable_by_key(r, |&i| rot(i));
            out.picked = Some(tied[r] as usize);
        }
        return out;
    }
    // otherwise found by scanning the same nodes again rather than collecting every tie
    for here in (s0..n).chain(0..s0).take(out.processed) {
        let c = t.class[here] as usize;
        if !winning[c] || rows.score[here] != cls_max[c] || !feasible(here) {
            continue;
        }
        if r == 0 {
            out.picked = Some(here);
            return out;
        }
        r -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use crate::scheduler::framework;
    use crate::store::{EventType, WatchEvent};
    use serde_json::{json, Value};

    fn put(c: &mut Cache, v: Value) {
        c.apply(&WatchEvent { revision: 0, typ: EventType::Put, key: String::new(), value: Arc::new(v), created: true });
    }

    fn random_cluster(rng: &mut Rng, nodes: usize, pods: usize) -> Cache {
        let mut c = Cache::default();
        for i in 0..nodes {
            let cpu = ["1", "2", "4"][rng.below(3) as usize];
            let zone = ["a", "b"][rng.below(2) as usize];
            let disk = ["ssd", "hdd"][rng.below(2) as usize];
            let taints = match rng.below(6) {
                0 => json!([{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]),
                1 => json!([{"key": "spot", "effect": "PreferNoSchedule"}]),
                _ => json!([]),
            };
            put(&mut c, json!({"kind": "Node", "metadata": {"name": format!("n{:03}", i), "labels": {"kubernetes.io/hostname": format!("n{:03}", i), "zone": zone, "disk": disk}},
                "spec": {"taints": taints, "unschedulable": rng.below(10) == 0},
                "status": {"allocatable": {"cpu": cpu, "memory": "4Gi", "pods": "4"}, "images": if rng.below(2) == 0 { json!([{"names": ["nginx:1.27"], "sizeBytes": 300_000_000}]) } else { json!([]) }}}));
        }
        for i in 0..pods {
            let node = format!("n{:03}", rng.below(nodes as u32));
            let cpu = ["100m", "500m", "1"][rng.below(3) as usize];
            put(&mut c, json!({"kind": "Pod", "metadata": {"name": format!("e{}", i), "namespace": "default"}, "spec": {"nodeName": node, "containers": [{"image": "nginx:1.27", "resources": {"requests": {"cpu": cpu}}}]}}));
        }
        c
    }

    fn random_pod(rng: &mut Rng) -> PodInfo {
        let cpu = ["0", "200m", "900m", "3"][rng.below(4) as usize];
        let mem = ["0", "1Gi"][rng.below(2) as usize];
        let mut spec = json!({"containers": [{"image": "nginx:1.27", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]});
        match rng.below(5) {
            0 => spec["nodeSelector"] = json!({"disk": "ssd"}),
            1 => spec["affinity"] = json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 7, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}}]}}),
            2 => spec["tolerations"] = json!([{"key": "dedicated", "operator": "Exists"}]),
            _ => {}
        }
        PodInfo::from_json(&json!({"metadata": {"name": "new", "namespace": "default"}, "spec": spec}))
    }

    // A profile with a Filter or Score plugin the fast path does not compute is left to the
    // framework, whatever the pod.
    #[test]
    fn only_plugins_the_fast_path_computes_take_it() {
        let mut rng = Rng::new(3);
        let cache = random_cluster(&mut rng, 4, 0);
        let pod = PodInfo::from_json(&json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"image": "nginx"}]}}));
        let prof = Profile::default_profile("default-scheduler");
        assert!(eligible(&prof, &cache, &pod));
        let mut with_score = prof.clone();
        with_score.scores.push(("VolumeBinding", 1));
        assert!(!eligible(&with_score, &cache, &pod));
        let mut with_filter = prof.clone();
        with_filter.filters.push("VolumeZone");
        assert!(!eligible(&with_filter, &cache, &pod));
    }

    // The fast path must decide exactly as the plugins do: same node, same nodes looked at,
    // same FitError reasons — over random clusters, pods and starting points.
    #[test]
    fn fast_path_agrees_with_the_framework() {
        let mut rng = Rng::new(7);
        let mut shapes = ShapeCache::default();
        for case in 0..300 {
            let (nodes, pods) = (1 + rng.below(130) as usize, rng.below(200) as usize);
            let mut c = random_cluster(&mut rng, nodes, pods);
            let mut prof = Profile::default_profile("default-scheduler");
            if case % 3 == 0 {
                prof.percentage_of_nodes_to_score = Some(100);
            }
            if case % 5 == 0 {
                prof.fit.strategy = Strategy::MostAllocated;
            }
            // pods bound one after another: the cached per-shape rows follow the changes
            for k in 0..12 {
                let pod = random_pod(&mut rng);
                let start = rng.below(200) as usize;
                let seed = rng.next_u64();
                let fast = schedule(&prof, &c, &pod, start, &mut Rng::new(seed), &mut shapes).expect("eligible");
                let slow = framework::schedule(&prof, &c, &pod, start, &mut Rng::new(seed), None);
                assert_eq!(fast.picked, slow.picked, "case {}", case);
                assert_eq!(fast.processed, slow.processed, "case {}", case);
                if slow.picked.is_none() {
                    let msg = |r: &CycleResult| framework::fit_error(c.nodes.len(), &r.failures, None);
                    assert_eq!(msg(&fast), msg(&slow), "case {}", case);
                }
                if let Some(n) = slow.picked {
                    let node = c.nodes[n].node.name.clone();
                    let (cpu, mem) = (pod.requests.milli_cpu, pod.requests.memory);
                    put(&mut c, json!({"kind": "Pod", "metadata": {"name": format!("b{}", k), "namespace": "default"},
                        "spec": {"nodeName": node, "containers": [{"image": "nginx:1.27", "resources": {"requests": {"cpu": format!("{}m", cpu), "memory": mem.to_string()}}}]}}));
                }
            }
        }
    }
}
