//! NodePorts (Filter): a pod's hostPorts must be free on the node (same port and protocol,
//! and the same host IP or either side binding 0.0.0.0).

use super::{FilterResult, Status};
use crate::scheduler::types::{NodeInfo, PodInfo};

pub const NAME: &str = "NodePorts";
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> FilterResult {
    let conflict = pod.host_ports.iter().any(|p| n.used_ports.iter().any(|u| u.conflicts(p)));
    if conflict {
        Err(Status::unschedulable(NAME, ERR_REASON))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::types::NodeSpec;
    use serde_json::json;
    use std::sync::Arc;

    // After nodeports/node_ports_test.go TestNodePorts.
    #[test]
    fn conflicts() {
        let pod = |port: i64, ip: &str| PodInfo::from_json(&json!({"metadata": {"name": format!("p{}{}", port, ip)}, "spec": {"containers": [{"ports": [{"containerPort": 80, "hostPort": port, "hostIP": ip, "protocol": "TCP"}]}]}}));
        let mut n = NodeInfo::new(Arc::new(NodeSpec::from_json(&json!({"metadata": {"name": "n"}}))));
        n.add_pod(Arc::new(pod(8080, "127.0.0.1")));
        assert!(filter(&pod(8080, "127.0.0.1"), &n).is_err());
        assert!(filter(&pod(8080, "127.0.0.2"), &n).is_ok());
        assert!(filter(&pod(8080, ""), &n).is_err());
        assert!(filter(&pod(8081, "127.0.0.1"), &n).is_ok());
        assert!(filter(&PodInfo::from_json(&json!({"spec": {"containers": [{}]}})), &n).is_ok());
        // removing the pod frees the port
        n.remove_pod("", "p8080127.0.0.1");
        assert!(filter(&pod(8080, ""), &n).is_ok());
    }
}
