//! A pod's effective resource request, as upstream computes it (resource helpers in
//! k8s.io/component-helpers): the larger of the sum of the containers and any single init
//! container, plus the pod overhead.

use crate::api::quantity::Quantity;
use serde_json::Value;

fn container_request(c: &Value, res: &str) -> Quantity {
    c.pointer(&format!("/resources/requests/{}", res.replace('/', "~1")))
        .and_then(Value::as_str)
        .and_then(|s| Quantity::parse(s).ok())
        .unwrap_or(Quantity::ZERO)
}

pub fn pod_request(pod: &Value, res: &str) -> Quantity {
    let sum = pod.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten().fold(Quantity::ZERO, |a, c| a.saturating_add(container_request(c, res)));
    let init_max = pod.pointer("/spec/initContainers").and_then(Value::as_array).into_iter().flatten().map(|c| container_request(c, res)).max().unwrap_or(Quantity::ZERO);
    let overhead = pod.pointer(&format!("/spec/overhead/{}", res)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).unwrap_or(Quantity::ZERO);
    sum.max(init_max).saturating_add(overhead)
}

/// Every resource name any container of the pod requests.
pub fn requested_resources(pod: &Value) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for list in ["containers", "initContainers"] {
        for c in pod.pointer(&format!("/spec/{}", list)).and_then(Value::as_array).into_iter().flatten() {
            for k in c.pointer("/resources/requests").and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The init-container rule from the Kubernetes docs "Resource sharing within containers".
    #[test]
    fn init_containers_and_overhead() {
        let pod = json!({"spec": {
            "initContainers": [{"resources": {"requests": {"cpu": "1"}}}],
            "containers": [{"resources": {"requests": {"cpu": "200m"}}}, {"resources": {"requests": {"cpu": "300m"}}}],
            "overhead": {"cpu": "50m"}
        }});
        assert_eq!(pod_request(&pod, "cpu").milli(), 1050);
        assert_eq!(pod_request(&pod, "memory").milli(), 0);
    }
}
