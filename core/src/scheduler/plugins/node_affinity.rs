//! NodeAffinity: the pod's nodeSelector and required node affinity terms must match the node
//! (Filter: terms ORed, expressions within a term ANDed); the weights of the preferred terms a
//! node matches add up (Score, normalized so the best node gets 100).

use super::{FilterResult, Status};
use crate::scheduler::types::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeAffinity";
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";

/// PreFilter: nothing to check when the pod has neither a nodeSelector nor required terms.
pub fn pre_filter_skip(pod: &PodInfo) -> bool {
    pod.node_selector.is_empty() && pod.required_node_affinity.is_none()
}

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    if pod.required_node_affinity_matches(&n.node.name, &n.node.labels) {
        Ok(())
    } else {
        Err(Status::unresolvable(NAME, ERR_REASON_POD))
    }
}

/// PreScore: Skip without preferred terms.
pub fn pre_score_skip(pod: &PodInfo) -> bool {
    pod.preferred_node_affinity.is_empty()
}

pub fn score(pod: &PodInfo, n: &NodeInfo) -> i64 {
    pod.preferred_node_affinity.iter().filter(|(_, t)| t.matches(&n.node.name, &n.node.labels)).map(|(w, _)| *w).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn node() -> NodeInfo {
        NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n1", "labels": {"size": "large", "gpu": "2", "zone": "a"}}}))))
    }
    fn aff(op: &str, vals: Value) -> PodInfo {
        PodInfo::from_json(&json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "size", "operator": op, "values": vals}]}]}}}}}))
    }

    // After nodeaffinity/node_affinity_test.go TestNodeAffinity.
    #[test]
    fn selector_and_required_terms() {
        let n = node();
        assert!(filter(&PodInfo::from_json(&json!({"spec": {"nodeSelector": {"size": "large"}}})), &n).is_ok());
        assert_eq!(filter(&PodInfo::from_json(&json!({"spec": {"nodeSelector": {"size": "small"}}})), &n).unwrap_err().reasons, vec![ERR_REASON_POD.to_string()]);
        assert!(filter(&aff("In", json!(["large", "medium"])), &n).is_ok());
        assert!(filter(&aff("NotIn", json!(["large"])), &n).is_err());
        assert!(filter(&aff("Exists", json!([])), &n).is_ok());
        assert!(filter(&aff("DoesNotExist", json!([])), &n).is_err());
        let gt = PodInfo::from_json(&json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "Gt", "values": ["1"]}]}]}}}}}));
        assert!(filter(&gt, &n).is_ok());
        // "Pod with an empty NodeSelectorTerms … is not schedulable": an empty term matches nothing
        let empty = PodInfo::from_json(&json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{}]}}}}}));
        assert!(filter(&empty, &n).is_err());
        // matchFields on metadata.name
        let by_name = PodInfo::from_json(&json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}}}));
        assert!(filter(&by_name, &n).is_ok());
        assert!(pre_filter_skip(&PodInfo::from_json(&json!({"spec": {}}))));
    }

    // After TestNodeAffinityPriority: matched preferred weights add up.
    #[test]
    fn preferred_weights() {
        let pod = PodInfo::from_json(&json!({"spec": {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": {"matchExpressions": [{"key": "size", "operator": "In", "values": ["large"]}]}},
            {"weight": 5, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}},
            {"weight": 7, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}}]}}}}));
        assert_eq!(score(&pod, &node()), 7);
    }
}
