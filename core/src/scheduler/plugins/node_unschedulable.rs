//! NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods unless the pod
//! tolerates node.kubernetes.io/unschedulable:NoSchedule.

use super::{Code, Status};
use serde_json::{json, Value};

pub const NAME: &str = "NodeUnschedulable";
pub const ERR_REASON: &str = "node(s) were unschedulable";

pub fn filter(pod: &Value, node: &Value) -> Status {
    if node.pointer("/spec/unschedulable") != Some(&json!(true)) {
        return Status::success(NAME);
    }
    let taint = json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
    if super::taint_toleration::tolerated(pod, &taint) {
        return Status::success(NAME);
    }
    Status { code: Code::UnschedulableAndUnresolvable, reasons: vec![ERR_REASON.into()], plugin: NAME }
}
