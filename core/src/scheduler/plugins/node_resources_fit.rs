//! NodeResourcesFit: the pod's requests must fit the node's allocatable minus what the pods
//! already on it request, and one more pod must fit the pod limit (Filter, fit.go
//! fitsRequest); nodes are scored by the configured strategy over cpu and memory
//! (LeastAllocated by default; MostAllocated and RequestedToCapacityRatio configurable),
//! counting 100m / 200Mi for containers that request nothing.

use super::{FilterResult, Status};
use super::helper::MAX_NODE_SCORE;
use crate::scheduler::types::{NodeInfo, PodInfo, Resource};

pub const NAME: &str = "NodeResourcesFit";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    LeastAllocated,
    MostAllocated,
    /// (utilization 0..100, score 0..10) points of a broken linear function
    RequestedToCapacityRatio(Vec<(i64, i64)>),
}

/// NodeResourcesFitArgs with its v1 defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub strategy: Strategy,
    /// (resource, weight)
    pub resources: Vec<(String, i64)>,
    pub ignored_resources: Vec<String>,
    pub ignored_resource_groups: Vec<String>,
}

impl Default for Args {
    fn default() -> Self {
        Args { strategy: Strategy::LeastAllocated, resources: vec![("cpu".into(), 1), ("memory".into(), 1)], ignored_resources: vec![], ignored_resource_groups: vec![] }
    }
}

pub fn filter(args: &Args, pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    let mut reasons: Vec<String> = vec![];
    if n.pods.len() as i64 + 1 > n.node.allowed_pods {
        reasons.push("Too many pods".into());
    }
    let r = &pod.requests;
    let (a, u) = (&n.node.allocatable, &n.requested);
    if r.milli_cpu > 0 && r.milli_cpu > a.milli_cpu - u.milli_cpu {
        reasons.push("Insufficient cpu".into());
    }
    if r.memory > 0 && r.memory > a.memory - u.memory {
        reasons.push("Insufficient memory".into());
    }
    if r.ephemeral_storage > 0 && r.ephemeral_storage > a.ephemeral_storage - u.ephemeral_storage {
        reasons.push("Insufficient ephemeral-storage".into());
    }
    for (name, want) in &r.scalar {
        if *want == 0 {
            continue;
        }
        // extended resources (with a domain) can be ignored by configuration
        if name.contains('/') && !name.starts_with("hugepages-") {
            let group = name.split('/').next().unwrap_or("");
            if args.ignored_resources.contains(name) || args.ignored_resource_groups.iter().any(|g| g == group) {
                continue;
            }
        }
        if *want > a.scalar(name) - u.scalar(name) {
            reasons.push(format!("Insufficient {}", name));
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Status { code: super::Code::Unschedulable, reasons, plugin: NAME })
    }
}

/// calculateResourceAllocatableRequest: (allocatable, requested-with-the-pod) for one resource;
/// an extended resource the pod does not request is left out (0, 0).
pub fn allocatable_request(n: &NodeInfo, used: &Resource, pod_req: &Resource, res: &str) -> (i64, i64) {
    let a = &n.node.allocatable;
    match res {
        "cpu" => (a.milli_cpu, used.milli_cpu + pod_req.milli_cpu),
        "memory" => (a.memory, used.memory + pod_req.memory),
        "ephemeral-storage" => (a.ephemeral_storage, used.ephemeral_storage + pod_req.ephemeral_storage),
        other => {
            let want = pod_req.scalar(other);
            if want == 0 {
                (0, 0)
            } else {
                (a.scalar(other), used.scalar(other) + want)
            }
        }
    }
}

fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

fn most_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity) * MAX_NODE_SCORE / capacity
}

/// helper.BuildBrokenLinearFunction over points already scaled to 0..100.
fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for i in 0..shape.len() {
        if p <= shape[i].0 {
            if i == 0 {
                return shape[0].1;
            }
            let (u0, s0) = shape[i - 1];
            let (u1, s1) = shape[i];
            return s0 + (s1 - s0) * (p - u0) / (u1 - u0).max(1);
        }
    }
    shape.last().map_or(0, |s| s.1)
}

/// Score with the NonZeroRequested aggregates, as resource_allocation.go does.
pub fn score(args: &Args, pod: &PodInfo, n: &NodeInfo) -> i64 {
    let (mut node_score, mut weight_sum) = (0i64, 0i64);
    let shape: Vec<(i64, i64)> = match &args.strategy {
        Strategy::RequestedToCapacityRatio(s) => s.iter().map(|(u, sc)| (*u, sc * (MAX_NODE_SCORE / 10))).collect(),
        _ => vec![],
    };
    for (res, weight) in &args.resources {
        let (alloc, req) = allocatable_request(n, &n.non_zero_requested, &pod.non_zero, res);
        if alloc == 0 {
            continue;
        }
        let s = match &args.strategy {
            Strategy::LeastAllocated => least_requested(req, alloc),
            Strategy::MostAllocated => most_requested(req, alloc),
            Strategy::RequestedToCapacityRatio(_) => {
                let s = if req > alloc { broken_linear(&shape, 100) } else { broken_linear(&shape, req * 100 / alloc) };
                if s <= 0 {
                    continue; // RequestedToCapacityRatio only weighs resources that score
                }
                s
            }
        };
        node_score += s * weight;
        weight_sum += weight;
    }
    if weight_sum == 0 {
        return 0;
    }
    match args.strategy {
        Strategy::RequestedToCapacityRatio(_) => (node_score as f64 / weight_sum as f64).round() as i64,
        _ => node_score / weight_sum,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn node(alloc: Value) -> NodeInfo {
        NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "status": {"allocatable": alloc}}))))
    }
    fn pod(requests: Value) -> PodInfo {
        PodInfo::from_json(&json!({"metadata": {"name": format!("p{}", requests)}, "spec": {"containers": [{"resources": {"requests": requests}}]}}))
    }

    // After fit_test.go TestEnoughRequests: each short resource is its own reason; the pod
    // limit counts pods, not requests.
    #[test]
    fn enough_requests() {
        let mut n = node(json!({"cpu": "10", "memory": "20", "pods": "32", "example.com/aaa": "5"}));
        n.add_pod(Arc::new(pod(json!({"cpu": "5", "memory": "19"}))));
        let args = Args::default();
        assert!(filter(&args, &pod(json!({"cpu": "5", "memory": "1"})), &n).is_ok());
        assert_eq!(filter(&args, &pod(json!({"cpu": "6", "memory": "2"})), &n).unwrap_err().reasons, vec!["Insufficient cpu", "Insufficient memory"]);
        assert_eq!(filter(&args, &pod(json!({"example.com/aaa": "6"})), &n).unwrap_err().reasons, vec!["Insufficient example.com/aaa"]);
        let ignoring = Args { ignored_resources: vec!["example.com/aaa".into()], ..Args::default() };
        assert!(filter(&ignoring, &pod(json!({"example.com/aaa": "6"})), &n).is_ok());
        let full = node(json!({"cpu": "10", "memory": "20", "pods": "1"}));
        let mut full = full;
        full.add_pod(Arc::new(pod(json!({}))));
        assert_eq!(filter(&args, &pod(json!({})), &full).unwrap_err().reasons, vec!["Too many pods"]);
        // init containers: the larger of the init peak and the sum of the containers
        let init = PodInfo::from_json(&json!({"spec": {"initContainers": [{"resources": {"requests": {"cpu": "6"}}}], "containers": [{"resources": {"requests": {"cpu": "1"}}}]}}));
        assert_eq!(filter(&args, &init, &n).unwrap_err().reasons, vec!["Insufficient cpu"]);
    }

    // After least_allocated_test.go: a node with 4000m / 10000 bytes, nothing requested, a pod
    // asking 3000m and 5000 → cpu (4000-3000)*100/4000 = 25, memory 50, score (25+50)/2 = 37.
    #[test]
    fn least_allocated() {
        let n = node(json!({"cpu": "4", "memory": "10000", "pods": "110"}));
        assert_eq!(score(&Args::default(), &pod(json!({"cpu": "3", "memory": "5000"})), &n), 37);
    }

    // After most_allocated_test.go: the same node and pod → cpu 75, memory 50 → 62.
    #[test]
    fn most_allocated() {
        let n = node(json!({"cpu": "4", "memory": "10000", "pods": "110"}));
        let args = Args { strategy: Strategy::MostAllocated, ..Args::default() };
        assert_eq!(score(&args, &pod(json!({"cpu": "3", "memory": "5000"})), &n), 62);
    }

    // After requested_to_capacity_ratio_test.go: shape {0:10, 100:0} (bin packing reversed)
    // with cpu 3000/4000 (75% → 100 - 75 = 25) and memory 5000/10000 (50% → 50) → 37.5 → 38.
    #[test]
    fn requested_to_capacity_ratio() {
        let n = node(json!({"cpu": "4", "memory": "10000", "pods": "110"}));
        let args = Args { strategy: Strategy::RequestedToCapacityRatio(vec![(0, 10), (100, 0)]), ..Args::default() };
        assert_eq!(score(&args, &pod(json!({"cpu": "3", "memory": "5000"})), &n), 38);
    }
}
