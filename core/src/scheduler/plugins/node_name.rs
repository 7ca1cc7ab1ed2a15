//! NodeName (Filter): a pod that names a node in spec.nodeName fits only that node.

use super::{FilterResult, Status};
use crate::scheduler::types::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeName";
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    if pod.node_name.is_empty() || pod.node_name == n.node.name {
        Ok(())
    } else {
        Err(Status::unresolvable(NAME, ERR_REASON))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::json;
    use std::sync::Arc;

    // After nodename/node_name_test.go TestNodeName.
    #[test]
    fn matches_only_the_named_node() {
        let n = NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "foo"}}))));
        assert!(filter(&PodInfo::from_json(&json!({"spec": {}})), &n).is_ok());
        assert!(filter(&PodInfo::from_json(&json!({"spec": {"nodeName": "foo"}})), &n).is_ok());
        let e = filter(&PodInfo::from_json(&json!({"spec": {"nodeName": "bar"}})), &n).unwrap_err();
        assert_eq!(e.reasons, vec![ERR_REASON.to_string()]);
    }
}
