//! The pod garbage collector (pkg/controller/podgc): pods bound to a node that no longer exists
//! are deleted (upstream marks them Failed with reason DeletionByPodGC, then deletes them).

use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::apiserver::{ApiError, ApiServer};
use crate::store::{EventType, WatchEvent};

#[derive(Default)]
pub struct PodGc;

impl Controller for PodGc {
    const NAME: &'static str = "pod-garbage-collector";
    /// a deleted node's name
    type Key = String;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<String>) {
        if ev.typ == EventType::Delete && crate::api::kind(&ev.value) == "Node" {
            queue.add(crate::api::name(&ev.value).to_string());
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, node: &String) -> Result<Action, ApiError> {
        if api.get_kind("Node", "", node).is_some() {
            return Ok(Action::Done);
        }
        let pod_res = crate::api::resources::by_kind("Pod").expect("served");
        for p in api.list_kind("Pod", None) {
            if crate::api::str_at(&p, "/spec/nodeName") == node {
                settled(api.delete(pod_res, crate::api::namespace(&p), crate::api::name(&p), Some(0)));
            }
        }
        Ok(Action::Done)
    }
}
