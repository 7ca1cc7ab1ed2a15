//! The namespace controller: a Terminating namespace has its contents deleted, then its
//! `kubernetes` finalizer removed and the namespace itself deleted.

use crate::api::ext::ObjectExt;
use crate::api::resources::RESOURCES;
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::apiserver::{ApiError, ApiServer};
use crate::store::{EventType, WatchEvent};
#[derive(Default)]
pub struct NamespaceController;

impl Controller for NamespaceController {
    const NAME: &'static str = "namespace";
    type Key = String;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let kind = crate::api::kind(&ev.value);
        if kind == "Namespace" && ev.typ == EventType::Put && ev.value.is_terminating() {
            queue.add(crate::api::name(&ev.value).to_string());
        } else if ev.typ == EventType::Delete && !crate::api::namespace(&ev.value).is_empty() {
            // content went away: a terminating namespace may now be empty
            queue.add(crate::api::namespace(&ev.value).to_string());
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, ns: &String) -> Result<Action, ApiError> {
        let ns = ns.as_str();
        let Some(n) = api.get_kind("Namespace", "", &ns) else { return Ok(Action::Done) };
        if !n.is_terminating() {
            return Ok(Action::Done);
        }
        let mut remaining = 0;
        for r in RESOURCES.iter().filter(|r| r.namespaced && r.kind != "Binding") {
            for obj in api.list(r, Some(&ns)) {
                remaining += 1;
                if !obj.is_terminating() {
                    settled(api.delete(r, &ns, crate::api::name(&obj), None));
                }
            }
        }
        if remaining == 0 {
            settled(api.finalize_namespace(&ns));
        }
        Ok(Action::Done)
    }
}
