//! NodeName: a pod that names a node (spec.nodeName) only fits that node.

use super::{Code, Status};
use serde_json::Value;

pub const NAME: &str = "NodeName";
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(pod: &Value, node: &Value) -> Status {
    let want = crate::api::str_at(pod, "/spec/nodeName");
    if want.is_empty() || want == crate::api::name(node) {
        Status::success(NAME)
    } else {
        Status { code: Code::UnschedulableAndUnresolvable, reasons: vec![ERR_REASON.into()], plugin: NAME }
    }
}
