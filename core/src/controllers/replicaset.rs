//! The ReplicaSet controller (pkg/controller/replicaset), which also serves
//! ReplicationControllers: it keeps `spec.replicas` active pods matching the selector, adopting
//! orphans and releasing pods that stopped matching, creating pods from the template and
//! deleting the least valuable ones first (controller.ActivePods ranking), and reports status.

use crate::api::ext::{ObjectExt, PodExt};
use crate::api::labels::{labels_of, map_of, Selector};
use crate::api::resources;
use crate::apiserver::events::Source;
use crate::apiserver::{ApiError, ApiServer, Subresource};
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};

/// burstReplicas: at most this many creations or deletions per sync.
const BURST: usize = 500;

#[derive(Default)]
pub struct ReplicaSetController;

/// What a sync is about: an orphan pod appeared in a namespace (every controller there looks
/// at it), or one ReplicaSet / ReplicationController. Orphans sort first.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Orphan(String),
    Owner { kind: String, ns: String, name: String },
}

fn is_active(p: &Value) -> bool {
    !matches!(crate::api::str_at(p, "/status/phase"), "Succeeded" | "Failed") && !p.is_terminating()
}

fn selector_of(kind: &str, o: &Value) -> Selector {
    if kind == "ReplicationController" {
        let m = map_of(o.pointer("/spec/selector"));
        if m.is_empty() {
            return Selector::nothing();
        }
        Selector::from_label_selector(Some(&json!({"matchLabels": m}))).unwrap_or_else(|_| Selector::nothing())
    } else {
        Selector::from_label_selector(o.pointer("/spec/selector")).unwrap_or_else(|_| Selector::nothing())
    }
}

/// A controller ownerReference to `o`.
impl Controller for ReplicaSetController {
    const NAME: &'static str = "replicaset";
    type Key = Key;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let v = &ev.value;
        match crate::api::kind(v) {
            k @ ("ReplicaSet" | "ReplicationController") if ev.typ == EventType::Put => {
                queue.add(Key::Owner { kind: k.to_string(), ns: crate::api::namespace(v).to_string(), name: crate::api::name(v).to_string() });
            }
            "Pod" => {
                // wake the owner, and any controller whose selector may now match (adoption)
                if let Some(owner) = v.pointer("/metadata/ownerReferences").and_then(Value::as_array).and_then(|o| o.iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))) {
                    let kind = owner.get("kind").and_then(Value::as_str).unwrap_or("");
                    if kind == "ReplicaSet" || kind == "ReplicationController" {
                        queue.add(Key::Owner { kind: kind.to_string(), ns: crate::api::namespace(v).to_string(), name: owner.get("name").and_then(Value::as_str).unwrap_or("").to_string() });
                    }
                } else if ev.typ == EventType::Put {
                    queue.add(Key::Orphan(crate::api::namespace(v).to_string()));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, key: &Key) -> Result<Action, ApiError> {
        match key {
            Key::Orphan(ns) => {
                for k in ["ReplicaSet", "ReplicationController"] {
                    for o in api.list_kind(k, Some(ns)) {
                        sync(api, k, &o);
                    }
                }
            }
            Key::Owner { kind, ns, name } => {
                if let Some(o) = api.get_kind(kind, ns, name) {
                    sync(api, kind, &o);
                }
            }
        }
        Ok(Action::Done)
    }
}

fn source() -> Source<'static> {
    Source { component: "replicaset-controller", host: None }
}

fn sync(api: &mut ApiServer, kind: &str, rs: &Value) {
    if rs.is_terminating() {
        return;
    }
    let ns = crate::api::namespace(rs).to_string();
    let uid = crate::api::str_at(rs, "/metadata/uid").to_string();
    let sel = selector_of(kind, rs);
    let pod_res = resources::by_kind("Pod").expect("served");
    // claim: adopt matching orphans, release owned pods that no longer match
    let mut owned: Vec<Value> = vec![];
    for p in api.list_kind("Pod", Some(&ns)) {
        let matches = sel.matches(&labels_of(&p));
        match p.controller_uid() {
            Some(u) if u == uid => {
                if matches {
                    owned.push((*p).clone());
                } else {
                    let mut v = (*p).clone();
                    if let Some(refs) = v.pointer_mut("/metadata/ownerReferences").and_then(Value::as_array_mut) {
                        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid.as_str()));
                    }
                    settled(api.update(v, Subresource::Main));
                }
            }
            None if matches && is_active(&p) => {
                let mut v = (*p).clone();
                let refs = v["metadata"].as_object_mut().map(|m| m.entry("ownerReferences").or_insert_with(|| json!([])));
                if let Some(Value::Array(refs)) = refs {
                    refs.push(rs.controller_ref());
                }
                if let Ok(adopted) = api.update(v, Subresource::Main) {
                    owned.push((*adopted).clone());
                }
            }
            _ => {}
        }
    }
    let active: Vec<&Value> = owned.iter().filter(|p| is_active(p)).collect();
    let want = rs.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1).max(0) as usize;
    if active.len() < want {
        let tpl = rs.pointer("/spec/template").cloned().unwrap_or(Value::Null);
        for _ in 0..(want - active.len()).min(BURST) {
            let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": tpl.get("metadata").cloned().unwrap_or(json!({})), "spec": tpl.get("spec").cloned().unwrap_or(json!({}))});
            pod["metadata"]["generateName"] = json!(format!("{}-", crate::api::name(rs)));
            pod["metadata"]["namespace"] = json!(ns);
            pod["metadata"]["ownerReferences"] = json!([rs.controller_ref()]);
            if let Some(m) = pod["metadata"].as_object_mut() {
                m.remove("name");
                m.remove("creationTimestamp");
            }
            match api.create(pod, false) {
                Ok(created) => api.record_event(rs, "", "Normal", "SuccessfulCreate", &format!("Created pod: {}", crate::api::name(&created)), source()),
                Err(e) => {
                    api.record_event(rs, "", "Warning", "FailedCreate", &format!("Error creating: {}", e.message), source());
                    break;
                }
            }
        }
    } else if active.len() > want {
        let mut ranked: Vec<&Value> = active.clone();
        ranked.sort_by_key(|p| delete_rank(p));
        for p in ranked.into_iter().take((active.len() - want).min(BURST)) {
            let name = crate::api::name(p).to_string();
            if api.delete(pod_res, &ns, &name, None).is_ok() {
                api.record_event(rs, "", "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", name), source());
            }
        }
    }
    update_status(api, kind, rs);
}

/// controller.ActivePods ordering: the pods to delete first sort first — unscheduled before
/// scheduled, Pending before Unknown before Running, not ready before ready, more restarts
/// before fewer, newer before older.
fn delete_rank(p: &Value) -> (u8, u8, u8, i64, std::cmp::Reverse<String>, String) {
    let assigned = !crate::api::str_at(p, "/spec/nodeName").is_empty();
    let phase = match crate::api::str_at(p, "/status/phase") {
        "Pending" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let restarts: i64 = p.pointer("/status/containerStatuses").and_then(Value::as_array).into_iter().flatten().map(|c| c.get("restartCount").and_then(Value::as_i64).unwrap_or(0)).sum();
    (assigned as u8, phase, p.is_ready() as u8, -restarts, std::cmp::Reverse(crate::api::str_at(p, "/metadata/creationTimestamp").to_string()), crate::api::name(p).to_string())
}

fn update_status(api: &mut ApiServer, kind: &str, rs: &Value) {
    let Some(cur) = api.get_kind(kind, crate::api::namespace(rs), crate::api::name(rs)) else { return };
    let uid = crate::api::str_at(&cur, "/metadata/uid").to_string();
    let pods: Vec<_> = api.list_kind("Pod", Some(crate::api::namespace(rs))).into_iter().filter(|p| p.controller_uid() == Some(uid.as_str()) && is_active(p)).collect();
    let ready = pods.iter().filter(|p| p.is_ready()).count();
    let template_labels = map_of(cur.pointer("/spec/template/metadata/labels"));
    let fully = pods.iter().filter(|p| {
        let l = labels_of(p);
        template_labels.iter().all(|(k, v)| l.get(k) == Some(v))
    });
    let status = json!({
        "replicas": pods.len(),
        "fullyLabeledReplicas": fully.count(),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": cur.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
    });
    super::write_status(api, &cur, status, &["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]);
}
