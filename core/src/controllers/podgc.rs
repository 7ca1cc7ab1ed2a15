//! The pod garbage collector (pkg/controller/podgc): pods bound to a node that no longer exists
//! are deleted (upstream marks them Failed with reason DeletionByPodGC, then deletes them).

use crate::apiserver::ApiServer;
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeSet;

#[derive(Default)]
pub struct PodGc {
    gone: BTreeSet<String>,
}

impl PodGc {
    pub fn on_event(&mut self, ev: &WatchEvent) {
        if ev.typ == EventType::Delete && crate::api::kind(&ev.value) == "Node" {
            self.gone.insert(crate::api::name(&ev.value).to_string());
        }
    }

    pub fn reconcile(&mut self, api: &mut ApiServer) {
        if self.gone.is_empty() {
            return;
        }
        let gone = std::mem::take(&mut self.gone);
        let pod_res = crate::api::resources::by_kind("Pod").expect("served");
        for p in api.list_kind("Pod", None) {
            let node = crate::api::str_at(&p, "/spec/nodeName");
            if gone.contains(node) && api.get_kind("Node", "", node).is_none() {
                let _ = api.delete(pod_res, crate::api::namespace(&p), crate::api::name(&p), Some(0));
            }
        }
    }
}
