//! NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in equal
//! fractions after placing the pod (resource_allocation.go balancedResourceScorer, with the
//! pod's actual requests: useRequested).

use super::node_resources_fit::{allocatable, Usage};
use crate::scheduler::resources::pod_request;
use crate::scheduler::framework::MAX_NODE_SCORE;
use serde_json::Value;

pub const NAME: &str = "NodeResourcesBalancedAllocation";

pub fn score(pod: &Value, node: &Value, usage: &Usage) -> i64 {
    let mut fractions = vec![];
    for res in ["cpu", "memory"] {
        let alloc = allocatable(node, res).milli();
        if alloc == 0 {
            continue;
        }
        let requested = usage.requested.get(res).map_or(0, |q| q.milli()) + pod_request(pod, res).milli();
        fractions.push((requested as f64 / alloc as f64).min(1.0));
    }
    let std = match fractions.len() {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        0 | 1 => 0.0,
        n => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            (fractions.iter().map(|f| (f - mean) * (f - mean)).sum::<f64>() / n as f64).sqrt()
        }
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::quantity::Quantity;
    use serde_json::json;

    // After balanced_allocation_test.go: cpu 3000m of 4000m and memory 5000 of 10000 used →
    // fractions 0.75 and 0.5, std 0.125, score 87.
    #[test]
    fn upstream_example() {
        let node = json!({"status": {"allocatable": {"cpu": "4", "memory": "10000"}}});
        let pod = json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "1", "memory": "2000"}}}]}});
        let mut usage = Usage::default();
        usage.requested.insert("cpu".into(), Quantity::parse("2").unwrap());
        usage.requested.insert("memory".into(), Quantity::parse("3000").unwrap());
        assert_eq!(score(&pod, &node, &usage), 87);
    }
}
