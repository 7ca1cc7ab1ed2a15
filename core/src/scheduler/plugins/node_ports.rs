//! NodePorts: a pod's hostPorts must be free on the node (same port, protocol and host IP).

use super::{Code, Status};
use serde_json::Value;

pub const NAME: &str = "NodePorts";
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// (hostIP, protocol, hostPort) of every container port with a hostPort.
pub fn host_ports(pod: &Value) -> Vec<(String, String, i64)> {
    let mut out = vec![];
    for list in ["initContainers", "containers"] {
        for c in pod.pointer(&format!("/spec/{}", list)).and_then(Value::as_array).into_iter().flatten() {
            for p in c.get("ports").and_then(Value::as_array).into_iter().flatten() {
                let hp = p.get("hostPort").and_then(Value::as_i64).unwrap_or(0);
                if hp > 0 {
                    let ip = p.get("hostIP").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("0.0.0.0").to_string();
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP").to_string();
                    out.push((ip, proto, hp));
                }
            }
        }
    }
    out
}

pub fn filter(pod: &Value, used: &[(String, String, i64)]) -> Status {
    let conflict = host_ports(pod).iter().any(|(ip, proto, port)| used.iter().any(|(uip, uproto, uport)| uport == port && uproto == proto && (uip == ip || uip == "0.0.0.0" || ip == "0.0.0.0")));
    if conflict {
        Status { code: Code::Unschedulable, reasons: vec![ERR_REASON.into()], plugin: NAME }
    } else {
        Status::success(NAME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After nodeports/node_ports_test.go TestNodePorts.
    #[test]
    fn conflicts() {
        let pod = |port: i64, ip: &str| json!({"spec": {"containers": [{"ports": [{"containerPort": 80, "hostPort": port, "hostIP": ip, "protocol": "TCP"}]}]}});
        let used = host_ports(&pod(8080, "127.0.0.1"));
        assert!(!filter(&pod(8080, "127.0.0.1"), &used).is_success());
        assert!(filter(&pod(8080, "127.0.0.2"), &used).is_success());
        assert!(!filter(&pod(8080, ""), &used).is_success());
        assert!(filter(&pod(8081, "127.0.0.1"), &used).is_success());
        assert!(filter(&json!({"spec": {"containers": [{}]}}), &used).is_success());
    }
}
