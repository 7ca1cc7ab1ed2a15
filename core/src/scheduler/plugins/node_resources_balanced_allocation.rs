//! NodeResourcesBalancedAllocation (Score): favours nodes whose cpu and memory would be used
//! in equal fractions after placing the pod (balanced_allocation.go, with the pod's actual
//! requests). Best-effort pods are skipped at PreScore so they do not pile onto one node.

use super::node_resources_fit::allocatable_request;
use super::helper::MAX_NODE_SCORE;
use crate::scheduler::types::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesBalancedAllocation";

/// PreScore: Skip when the pod requests none of the resources.
pub fn pre_score_skip(resources: &[(String, i64)], pod: &PodInfo) -> bool {
    resources.iter().all(|(r, _)| match r.as_str() {
        "cpu" => pod.requests.milli_cpu == 0,
        "memory" => pod.requests.memory == 0,
        "ephemeral-storage" => pod.requests.ephemeral_storage == 0,
        other => pod.requests.scalar(other) == 0,
    })
}

pub fn score(resources: &[(String, i64)], pod: &PodInfo, n: &NodeInfo) -> i64 {
    let mut fractions = [0f64; 8];
    let mut k = 0;
    let mut total = 0.0;
    for (res, _) in resources {
        let (alloc, req) = allocatable_request(n, &n.requested, &pod.requests, res);
        if alloc == 0 || k == fractions.len() {
            continue;
        }
        let f = (req as f64 / alloc as f64).min(1.0);
        total += f;
        fractions[k] = f;
        k += 1;
    }
    let std = match k {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        0 | 1 => 0.0,
        n => {
            let mean = total / n as f64;
            (fractions[..n].iter().map(|f| (f - mean) * (f - mean)).sum::<f64>() / n as f64).sqrt()
        }
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::json;
    use std::sync::Arc;

    fn res() -> Vec<(String, i64)> {
        vec![("cpu".into(), 1), ("memory".into(), 1)]
    }

    // After balanced_allocation_test.go: cpu 3000m of 4000m and memory 5000 of 10000 used →
    // fractions 0.75 and 0.5, std 0.125, score 87.
    #[test]
    fn upstream_example() {
        let mut n = NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "status": {"allocatable": {"cpu": "4", "memory": "10000"}}}))));
        n.add_pod(Arc::new(PodInfo::from_json(&json!({"metadata": {"name": "a"}, "spec": {"containers": [{"resources": {"requests": {"cpu": "2", "memory": "3000"}}}]}}))));
        let pod = PodInfo::from_json(&json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "1", "memory": "2000"}}}]}}));
        assert_eq!(score(&res(), &pod, &n), 87);
        assert!(!pre_score_skip(&res(), &pod));
        // a best-effort pod is not scored by this plugin
        assert!(pre_score_skip(&res(), &PodInfo::from_json(&json!({"spec": {"containers": [{}]}}))));
    }
}
