//! The garbage collector: objects whose every owner (ownerReferences) is gone are deleted in
//! the background, as with `kubectl delete`'s default propagation.

use crate::api::resources::RESOURCES;
use crate::apiserver::ApiServer;
use crate::store::{EventType, WatchEvent};
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Default)]
pub struct GarbageCollector {
    /// uids of owners that were deleted
    gone: BTreeSet<String>,
}

impl GarbageCollector {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        if ev.typ == EventType::Delete {
            let uid = crate::api::str_at(&ev.value, "/metadata/uid");
            if !uid.is_empty() {
                self.gone.insert(uid.to_string());
            }
        }
    }

    pub fn reconcile(&mut self, api: &mut ApiServer) {
        if self.gone.is_empty() {
            return;
        }
        let gone = std::mem::take(&mut self.gone);
        for r in RESOURCES.iter().filter(|r| r.kind != "Binding" && r.kind != "Event") {
            for obj in api.list(r, None) {
                let Some(owners) = obj.pointer("/metadata/ownerReferences").and_then(Value::as_array) else { continue };
                if owners.is_empty() || !owners.iter().any(|o| o.get("uid").and_then(Value::as_str).is_some_and(|u| gone.contains(u))) {
                    continue;
                }
                // delete only when no owner is left alive
                let alive = owners.iter().any(|o| {
                    let uid = o.get("uid").and_then(Value::as_str).unwrap_or("");
                    let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
                    let ns = if crate::api::resources::by_kind(kind).is_some_and(|k| k.namespaced) { crate::api::namespace(&obj) } else { "" };
                    api.get_kind(kind, ns, o.get("name").and_then(Value::as_str).unwrap_or("")).is_some_and(|x| crate::api::str_at(&x, "/metadata/uid") == uid)
                });
                if !alive && obj.pointer("/metadata/deletionTimestamp").is_none() {
                    let _ = api.delete(r, crate::api::namespace(&obj), crate::api::name(&obj), None);
                }
            }
        }
    }
}
