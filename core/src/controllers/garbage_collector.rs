//! The garbage collector: objects whose every owner (ownerReferences) is gone are deleted in
//! the background, as with `kubectl delete`'s default propagation.

use crate::api::ext::ObjectExt;
use crate::api::resources::RESOURCES;
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::apiserver::{ApiError, ApiServer};
use crate::store::{EventType, WatchEvent};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

#[derive(Default)]
pub struct GarbageCollector {
    /// owner uid → its dependents (upstream's GraphBuilder keeps this graph from the informers)
    dependents: HashMap<String, BTreeSet<Dependent>>,
    /// a dependent's store key → it and the owner uids it names
    owners: HashMap<String, (Dependent, Vec<String>)>,
}

/// A dependent object, ordered as the resources are listed and then by store key.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dependent {
    resource: usize,
    key: String,
    ns: String,
    name: String,
}

impl Controller for GarbageCollector {
    const NAME: &'static str = "garbage-collector";
    type Key = Dependent;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Dependent>) {
        let v = &ev.value;
        let kind = crate::api::kind(v);
        let uids: Vec<String> = if ev.typ == EventType::Delete { vec![] } else { v.pointer("/metadata/ownerReferences").and_then(Value::as_array).into_iter().flatten().filter_map(|o| o.get("uid").and_then(Value::as_str)).map(String::from).collect() };
        // most events change no ownership: nothing is allocated for them
        if self.owners.get(ev.key.as_str()).map_or(!uids.is_empty(), |(_, old)| *old != uids) {
            if let Some((dep, old)) = self.owners.remove(ev.key.as_str()) {
                for u in old {
                    if let Some(d) = self.dependents.get_mut(&u) {
                        d.remove(&dep);
                        if d.is_empty() {
                            self.dependents.remove(&u);
                        }
                    }
                }
            }
            if let Some(resource) = RESOURCES.iter().position(|r| r.kind == kind && kind != "Binding" && kind != "Event").filter(|_| !uids.is_empty()) {
                let dep = Dependent { resource, key: ev.key.clone(), ns: crate::api::namespace(v).to_string(), name: crate::api::name(v).to_string() };
                for u in &uids {
                    self.dependents.entry(u.clone()).or_default().insert(dep.clone());
                }
                self.owners.insert(ev.key.clone(), (dep, uids));
            }
        }
        // an owner went: each of its dependents looks at whether any owner is left
        if ev.typ == EventType::Delete {
            for d in self.dependents.get(crate::api::str_at(v, "/metadata/uid")).into_iter().flatten() {
                queue.add(d.clone());
            }
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, dep: &Dependent) -> Result<Action, ApiError> {
        let r = &RESOURCES[dep.resource];
        let Ok(obj) = api.get(r, &dep.ns, &dep.name) else { return Ok(Action::Done) };
        let Some(owners) = obj.pointer("/metadata/ownerReferences").and_then(Value::as_array) else { return Ok(Action::Done) };
        // delete only when no owner is left alive
        let alive = owners.iter().any(|o| {
            let uid = o.get("uid").and_then(Value::as_str).unwrap_or("");
            let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
            let ns = if crate::api::resources::by_kind(kind).is_some_and(|k| k.namespaced) { crate::api::namespace(&obj) } else { "" };
            api.get_kind(kind, ns, o.get("name").and_then(Value::as_str).unwrap_or("")).is_some_and(|x| crate::api::str_at(&x, "/metadata/uid") == uid)
        });
        if !alive && !obj.is_terminating() {
            settled(api.delete(r, &dep.ns, &dep.name, None));
        }
        Ok(Action::Done)
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
            settled(api.update(v, crate::apiserver::Subresource::Main));
        }
    }
}
