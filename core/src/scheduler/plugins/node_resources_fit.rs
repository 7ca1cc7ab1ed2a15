//! NodeResourcesFit (Filter): the pod's requests must fit the node's allocatable minus what
//! the pods already on it request; `Too many pods` past the pod limit.

use super::{Code, Status};
use crate::api::quantity::Quantity;
use crate::scheduler::resources::{pod_request, requested_resources};
use serde_json::Value;

pub const NAME: &str = "NodeResourcesFit";

/// Used resources on a node: the sum over the pods assigned to it (NodeInfo.Requested), and the
/// same with the scoring defaults for pods that request no cpu or memory (NonZeroRequested).
#[derive(Clone, Debug, Default)]
pub struct Usage {
    pub pods: usize,
    pub requested: std::collections::BTreeMap<String, Quantity>,
    pub non_zero_cpu: i128,
    pub non_zero_memory: i128,
    pub host_ports: Vec<(String, String, i64)>,
}

/// The scheduler's defaults for a container without requests (util.GetNonzeroRequests):
/// 100m cpu, 200 MiB memory.
pub const DEFAULT_MILLI_CPU: i128 = 100;
pub const DEFAULT_MEMORY: i128 = 200 * 1024 * 1024;

/// The pod's cpu (milli) and memory (bytes) requests with the non-zero defaults per container.
pub fn non_zero_requests(pod: &Value) -> (i128, i128) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in pod.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten() {
        let q = |r: &str| c.pointer(&format!("/resources/requests/{}", r)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok());
        cpu += q("cpu").map_or(DEFAULT_MILLI_CPU, |q| q.milli());
        mem += q("memory").map_or(DEFAULT_MEMORY, |q| q.value());
    }
    (cpu, mem)
}

/// LeastAllocated (the default scoring strategy): for cpu and memory, weight 1 each,
/// (allocatable - requested) * 100 / allocatable, with the non-zero defaults.
pub fn score(pod: &Value, node: &Value, usage: &Usage) -> i64 {
    let (pc, pm) = non_zero_requests(pod);
    let least = |requested: i128, capacity: i128| -> i128 {
        if capacity == 0 || requested > capacity {
            0
        } else {
            (capacity - requested) * 100 / capacity
        }
    };
    let cpu = least(usage.non_zero_cpu + pc, allocatable(node, "cpu").milli());
    let mem = least(usage.non_zero_memory + pm, allocatable(node, "memory").value());
    ((cpu + mem) / 2) as i64
}

pub fn allocatable(node: &Value, res: &str) -> Quantity {
    node.pointer(&format!("/status/allocatable/{}", res.replace('/', "~1"))).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).unwrap_or(Quantity::ZERO)
}

pub fn filter(pod: &Value, node: &Value, usage: &Usage) -> Status {
    let mut reasons = vec![];
    if usage.pods as i128 + 1 > allocatable(node, "pods").value() {
        reasons.push("Too many pods".to_string());
    }
    for res in requested_resources(pod) {
        let want = pod_request(pod, &res);
        if want.milli() == 0 {
            continue;
        }
        let used = usage.requested.get(&res).copied().unwrap_or(Quantity::ZERO);
        if want > allocatable(node, &res).saturating_sub(used) {
            reasons.push(format!("Insufficient {}", res));
        }
    }
    if reasons.is_empty() {
        Status::success(NAME)
    } else {
        Status { code: Code::Unschedulable, reasons, plugin: NAME }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After least_allocated_test.go: a node with 4000m / 10000 bytes, nothing requested, a pod
    // asking 3000m and 5000 → cpu (4000-3000)*100/4000 = 25, memory 50, score (25+50)/2 = 37.
    #[test]
    fn least_allocated() {
        let node = json!({"status": {"allocatable": {"cpu": "4", "memory": "10000", "pods": "110"}}});
        let pod = json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "3", "memory": "5000"}}}]}});
        assert_eq!(score(&pod, &node, &Usage::default()), 37);
        // no requests: the defaults 100m / 200Mi count for scoring only
        let empty = json!({"spec": {"containers": [{}]}});
        assert_eq!(non_zero_requests(&empty), (100, 200 * 1024 * 1024));
        assert!(filter(&pod, &node, &Usage::default()).is_success());
        let too_big = json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "5"}}}]}});
        assert_eq!(filter(&too_big, &node, &Usage::default()).reasons, vec!["Insufficient cpu".to_string()]);
    }
}
