//! NodeResourcesFit (Filter): the pod's requests must fit the node's allocatable minus what
//! the pods already on it request; `Too many pods` past the pod limit.

use super::{Code, Status};
use crate::api::quantity::Quantity;
use crate::scheduler::resources::{pod_request, requested_resources};
use serde_json::Value;

pub const NAME: &str = "NodeResourcesFit";

/// Used resources on a node: the sum over the pods assigned to it.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    pub pods: usize,
    pub requested: std::collections::BTreeMap<String, Quantity>,
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
