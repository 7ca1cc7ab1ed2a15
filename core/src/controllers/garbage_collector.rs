//! The garbage collector: objects whose every owner (ownerReferences) is gone are deleted in
//! the background, as with `kubectl delete`'s default propagation.

use crate::api::ext::ObjectExt;
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
                if !alive && !obj.is_terminating() {
                    let _ = api.delete(r, crate::api::namespace(&obj), crate::api::name(&obj), None);
                }
            }
        }
    }
}

/// Every object with an ownerReference to `uid`.
pub fn dependents(api: &ApiServer, uid: &str) -> Vec<(&'static crate::api::resources::ResourceInfo, String, String)> {
    let mut out = vec![];
    for r in RESOURCES.iter().filter(|r| r.kind != "Binding" && r.kind != "Event") {
        for obj in api.list(r, None) {
            let owned = obj.pointer("/metadata/ownerReferences").and_then(Value::as_array).is_some_and(|o| o.iter().any(|x| x.get("uid").and_then(Value::as_str) == Some(uid)));
            if owned {
                out.push((r, crate::api::namespace(&obj).to_string(), crate::api::name(&obj).to_string()));
            }
        }
    }
    out
}

/// propagationPolicy Orphan: dependents lose their ownerReference to `uid` and stay.
pub fn orphan(api: &mut ApiServer, uid: &str) {
    for (r, ns, name) in dependents(api, uid) {
        if let Ok(obj) = api.get(r, &ns, &name) {
            let mut v = (*obj).clone();
            if let Some(refs) = v.pointer_mut("/metadata/ownerReferences").and_then(Value::as_array_mut) {
                refs.retain(|x| x.get("uid").and_then(Value::as_str) != Some(uid));
            }
            let _ = api.update(v, crate::apiserver::Subresource::Main);
        }
    }
}
