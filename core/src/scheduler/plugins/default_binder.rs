//! DefaultBinder (Bind): binds the pod to the node the cycle picked through the API server's
//! pods/binding subresource, as upstream's DefaultBinder posts a v1.Binding. The only Bind
//! plugin; a profile without it does not start (config.rs).

use crate::apiserver::{ApiError, ApiServer};
use serde_json::Value;
use std::sync::Arc;

pub const NAME: &str = "DefaultBinder";

/// The bound pod, or the API server's refusal (already bound, being deleted, gone).
pub fn bind(api: &mut ApiServer, namespace: &str, name: &str, node: &str) -> Result<Arc<Value>, ApiError> {
    api.bind(namespace, name, node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After defaultbinder/default_binder_test.go TestDefaultBinder: the binding sets the pod's
    // node; a pod already bound elsewhere is refused.
    #[test]
    fn binds_once() {
        let mut api = ApiServer::new(1, crate::clock::EPOCH);
        api.create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns"}}), false).unwrap();
        api.create(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "foo", "namespace": "ns"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}), false).unwrap();
        let bound = bind(&mut api, "ns", "foo", "foohost").unwrap();
        assert_eq!(crate::api::str_at(&bound, "/spec/nodeName"), "foohost");
        let again = bind(&mut api, "ns", "foo", "barhost").unwrap_err();
        assert_eq!(again.kubectl(), "Error from server (Conflict): Operation cannot be fulfilled on pods/binding \"foo\": pod foo is already assigned to node \"foohost\"");
    }
}
