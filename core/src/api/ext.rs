//! Typed, zero-cost views over untyped objects, in the manner of kube-rs's `ResourceExt`:
//! `pod.phase()`, `pod.is_ready()`, `obj.deletion_timestamp()`, `obj.controller_uid()` instead
//! of spelled-out JSON pointers. Objects stay `serde_json::Value` (small in wasm, faithful to
//! whatever a manifest holds); these read them the same way everywhere.

use super::{at, str_at};
use serde_json::{json, Value};

/// What every object's metadata answers (metav1.ObjectMeta).
pub trait ObjectExt {
    fn name_str(&self) -> &str;
    fn namespace_str(&self) -> &str;
    fn uid(&self) -> &str;
    /// Set once deletion has begun (graceful termination, finalizers): the object is going.
    fn deletion_timestamp(&self) -> Option<&str>;
    fn is_terminating(&self) -> bool;
    /// The uid of the owner reference marked `controller: true` (metav1.GetControllerOf).
    fn controller_uid(&self) -> Option<&str>;
    /// An owner reference naming this object as controller (metav1.NewControllerRef).
    fn controller_ref(&self) -> Value;
}

impl ObjectExt for Value {
    fn name_str(&self) -> &str {
        str_at(self, "/metadata/name")
    }
    fn namespace_str(&self) -> &str {
        str_at(self, "/metadata/namespace")
    }
    fn uid(&self) -> &str {
        str_at(self, "/metadata/uid")
    }
    fn deletion_timestamp(&self) -> Option<&str> {
        at(self, "/metadata/deletionTimestamp").and_then(Value::as_str)
    }
    fn is_terminating(&self) -> bool {
        at(self, "/metadata/deletionTimestamp").is_some()
    }
    fn controller_uid(&self) -> Option<&str> {
        at(self, "/metadata/ownerReferences")?.as_array()?.iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true)).and_then(|r| r.get("uid")).and_then(Value::as_str)
    }
    fn controller_ref(&self) -> Value {
        json!({"apiVersion": self["apiVersion"], "blockOwnerDeletion": true, "controller": true, "kind": self["kind"], "name": self["metadata"]["name"], "uid": self["metadata"]["uid"]})
    }
}

/// What a Pod answers (k8s.io/kubectl and component-helpers' pod utilities).
pub trait PodExt {
    /// status.phase ("" before the kubelet has written one)
    fn phase(&self) -> &str;
    fn node_name(&self) -> &str;
    /// The Ready condition is True (podutil.IsPodReady).
    fn is_ready(&self) -> bool;
}

impl PodExt for Value {
    fn phase(&self) -> &str {
        str_at(self, "/status/phase")
    }
    fn node_name(&self) -> &str {
        str_at(self, "/spec/nodeName")
    }
    fn is_ready(&self) -> bool {
        condition_status(self, "Ready") == Some("True")
    }
}

/// The status of a condition of `status.conditions` (pods, nodes, workloads alike).
pub fn condition_status<'a>(v: &'a Value, typ: &str) -> Option<&'a str> {
    at(v, "/status/conditions").and_then(Value::as_array)?.iter().find(|c| str_at(c, "/type") == typ).map(|c| str_at(c, "/status"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // podutil.IsPodReady: only a Ready condition with status True counts.
    #[test]
    fn ready_and_owner() {
        let p = json!({"metadata": {"name": "p", "ownerReferences": [{"uid": "a"}, {"uid": "b", "controller": true}]}, "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]}});
        assert!(!p.is_ready());
        assert_eq!(p.phase(), "Running");
        assert_eq!(p.controller_uid(), Some("b"));
        assert!(!p.is_terminating());
        let q = json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(q.is_ready() && q.is_terminating());
        assert_eq!(q.controller_uid(), None);
    }
}
