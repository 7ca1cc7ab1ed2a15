//! The namespace controller: a Terminating namespace has its contents deleted, then its
//! `kubernetes` finalizer removed and the namespace itself deleted.

use crate::api::ext::ObjectExt;
use crate::api::resources::RESOURCES;
use crate::apiserver::ApiServer;
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeSet;

#[derive(Default)]
pub struct NamespaceController {
    queue: BTreeSet<String>,
}

impl NamespaceController {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        let kind = crate::api::kind(&ev.value);
        if kind == "Namespace" && ev.typ == EventType::Put && ev.value.is_terminating() {
            self.queue.insert(crate::api::name(&ev.value).to_string());
        } else if ev.typ == EventType::Delete && !crate::api::namespace(&ev.value).is_empty() {
            // content went away: a terminating namespace may now be empty
            self.queue.insert(crate::api::namespace(&ev.value).to_string());
        }
    }

    pub fn reconcile(&mut self, api: &mut ApiServer) {
        let queue = std::mem::take(&mut self.queue);
        for ns in queue {
            let Some(n) = api.get_kind("Namespace", "", &ns) else { continue };
            if !n.is_terminating() {
                continue;
            }
            let mut remaining = 0;
            for r in RESOURCES.iter().filter(|r| r.namespaced && r.kind != "Binding") {
                for obj in api.list(r, Some(&ns)) {
                    remaining += 1;
                    if !obj.is_terminating() {
                        let _ = api.delete(r, &ns, crate::api::name(&obj), None);
                    }
                }
            }
            if remaining == 0 {
                let key = crate::api::resources::by_kind("Namespace").expect("served").key("", &ns);
                let _ = api.store.delete(&key, None);
            }
        }
    }
}
