//! TaintToleration: NoSchedule and NoExecute taints repel pods that do not tolerate them
//! (Filter); untolerated PreferNoSchedule taints lower the score (Score, reversed by
//! NormalizeScore).

use super::{FilterResult, Status};
use crate::scheduler::types::{NodeInfo, PodInfo, Toleration};

pub const NAME: &str = "TaintToleration";
pub const ERR_REASON: &str = "node(s) had untolerated taint(s)";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    match pod.untolerated(&n.node.taints, &["NoSchedule", "NoExecute"]) {
        None => Ok(()),
        Some(_) => Err(Status::unresolvable(NAME, ERR_REASON)),
    }
}

/// PreScore: only tolerations with an empty or PreferNoSchedule effect count for scoring.
pub fn pre_score(pod: &PodInfo) -> Vec<Toleration> {
    pod.tolerations.iter().filter(|t| t.effect.is_empty() || t.effect == "PreferNoSchedule").cloned().collect()
}

/// Score: how many PreferNoSchedule taints the pod does not tolerate.
pub fn score(tolerations: &[Toleration], n: &NodeInfo) -> i64 {
    n.node.taints.iter().filter(|t| t.effect == "PreferNoSchedule" && !tolerations.iter().any(|tol| tol.tolerates(t))).count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn node(taints: Value) -> NodeInfo {
        NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "spec": {"taints": taints}}))))
    }
    fn pod(tolerations: Value) -> PodInfo {
        PodInfo::from_json(&json!({"spec": {"tolerations": tolerations}}))
    }

    // After tainttoleration/taint_toleration_test.go TestTaintTolerationFilter.
    #[test]
    fn filter_cases() {
        let n = node(json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]));
        assert_eq!(filter(&pod(json!([])), &n).unwrap_err().reasons, vec![ERR_REASON.to_string()]);
        assert!(filter(&pod(json!([{"key": "dedicated", "operator": "Equal", "value": "user1", "effect": "NoSchedule"}])), &n).is_ok());
        assert!(filter(&pod(json!([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}])), &n).is_err());
        assert!(filter(&pod(json!([{"key": "dedicated", "operator": "Exists"}])), &n).is_ok());
        assert!(filter(&pod(json!([{"operator": "Exists"}])), &n).is_ok());
        assert!(filter(&pod(json!([])), &node(json!([{"key": "k", "effect": "PreferNoSchedule"}]))).is_ok());
        // a NoExecute taint repels too
        assert!(filter(&pod(json!([])), &node(json!([{"key": "k", "effect": "NoExecute"}]))).is_err());
    }

    // After TestTaintTolerationScore: intolerable PreferNoSchedule taints count, reversed.
    #[test]
    fn score_counts_intolerable_prefer_no_schedule() {
        let n = node(json!([{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "effect": "PreferNoSchedule"}, {"key": "c", "effect": "NoSchedule"}]));
        assert_eq!(score(&pre_score(&pod(json!([]))), &n), 2);
        assert_eq!(score(&pre_score(&pod(json!([{"key": "a", "operator": "Exists", "effect": "PreferNoSchedule"}]))), &n), 1);
        // a NoSchedule toleration does not count for scoring
        assert_eq!(score(&pre_score(&pod(json!([{"key": "a", "operator": "Exists", "effect": "NoSchedule"}]))), &n), 2);
        let mut s = vec![2, 1, 0];
        crate::scheduler::plugins::helper::default_normalize(&mut s, true);
        assert_eq!(s, vec![0, 50, 100]);
    }
}
