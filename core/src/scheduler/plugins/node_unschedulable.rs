//! NodeUnschedulable (Filter): a cordoned node (spec.unschedulable) takes no new pods unless
//! the pod tolerates node.kubernetes.io/unschedulable:NoSchedule.

use super::{FilterResult, Status};
use crate::scheduler::types::{NodeInfo, PodInfo, Taint};

pub const NAME: &str = "NodeUnschedulable";
pub const ERR_REASON: &str = "node(s) were unschedulable";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    if !n.node.unschedulable {
        return Ok(());
    }
    let taint = Taint { key: "node.kubernetes.io/unschedulable".into(), value: String::new(), effect: "NoSchedule".into() };
    if pod.tolerations.iter().any(|t| t.tolerates(&taint)) {
        return Ok(());
    }
    Err(Status::unresolvable(NAME, ERR_REASON))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::json;
    use std::sync::Arc;

    // After nodeunschedulable/node_unschedulable_test.go TestNodeUnschedulable.
    #[test]
    fn cordoned_nodes() {
        let cordoned = NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "spec": {"unschedulable": true}}))));
        let open = NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}, "spec": {"unschedulable": false}}))));
        let plain = PodInfo::from_json(&json!({"spec": {}}));
        assert!(filter(&plain, &open).is_ok());
        assert_eq!(filter(&plain, &cordoned).unwrap_err().reasons, vec![ERR_REASON.to_string()]);
        let tolerant = PodInfo::from_json(&json!({"spec": {"tolerations": [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]}}));
        assert!(filter(&tolerant, &cordoned).is_ok());
    }
}
