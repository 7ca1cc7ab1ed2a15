//! The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template,
//! named `<deployment>-<pod-template-hash>`, scaled by the RollingUpdate (maxSurge /
//! maxUnavailable) or Recreate strategy; revision annotations, old ReplicaSets pruned past
//! revisionHistoryLimit, ScalingReplicaSet events and the Available/Progressing conditions.

use crate::api::ext::ObjectExt;
use crate::api::labels::{labels_of, Selector};
use crate::api::resources;
use crate::apiserver::events::Source;
use crate::apiserver::{ApiError, ApiServer, Subresource};
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};

const REVISION: &str = "deployment.kubernetes.io/revision";

#[derive(Default)]
pub struct DeploymentController;

impl Controller for DeploymentController {
    const NAME: &'static str = "deployment";
    type Key = (String, String);

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let v = &ev.value;
        match crate::api::kind(v) {
            "Deployment" if ev.typ == EventType::Put => {
                queue.add((crate::api::namespace(v).to_string(), crate::api::name(v).to_string()));
            }
            "ReplicaSet" => {
                if let Some(o) = v.pointer("/metadata/ownerReferences").and_then(Value::as_array).and_then(|o| o.iter().find(|r| r.get("kind").and_then(Value::as_str) == Some("Deployment"))) {
                    queue.add((crate::api::namespace(v).to_string(), o.get("name").and_then(Value::as_str).unwrap_or("").to_string()));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, (ns, name): &(String, String)) -> Result<Action, ApiError> {
        if let Some(d) = api.get_kind("Deployment", &ns, &name) {
            sync(api, &d);
        }
        Ok(Action::Done)
    }
}

fn source() -> Source<'static> {
    Source { component: "deployment-controller", host: None }
}

fn i(v: &Value, p: &str) -> i64 {
    v.pointer(p).and_then(Value::as_i64).unwrap_or(0)
}

/// FNV-1a (32 bit) of the template, as controller.ComputeHash hashes it, written with
/// rand.SafeEncodeString over its decimal digits.
pub fn pod_template_hash(template: &Value, collisions: i64) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |b: &[u8]| {
        for x in b {
            h ^= *x as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(canonical(template).as_bytes());
    if collisions > 0 {
        feed(collisions.to_string().as_bytes());
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string().bytes().map(|c| ALPHANUMS[(c as usize) % ALPHANUMS.len()] as char).collect()
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            format!("{{{}}}", keys.iter().map(|k| format!("{:?}:{}", k, canonical(&m[*k]))).collect::<Vec<_>>().join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(canonical).collect::<Vec<_>>().join(",")),
        o => o.to_string(),
    }
}

/// The template without the pod-template-hash label (what a ReplicaSet's template is compared by).
fn without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(l) = t.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        l.shift_remove("pod-template-hash");
    }
    t
}

/// intstr.GetScaledValueFromIntOrPercent: percentages of `total`, rounded up or down.
fn scaled(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) => {
                let x = p * total;
                if round_up { (x + 99) / 100 } else { x / 100 }
            }
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both zero means one unavailable.
fn fenceposts(d: &Value, desired: i64) -> (i64, i64) {
    let surge = scaled(d.pointer("/spec/strategy/rollingUpdate/maxSurge"), desired, true);
    let mut unavailable = scaled(d.pointer("/spec/strategy/rollingUpdate/maxUnavailable"), desired, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

fn scale(api: &mut ApiServer, d: &Value, rs: &Value, to: i64, max_surge: i64) -> Option<Value> {
    let from = i(rs, "/spec/replicas");
    let desired = i(d, "/spec/replicas");
    let mut v = rs.clone();
    v["spec"]["replicas"] = json!(to);
    if let Some(a) = v.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        a.insert("deployment.kubernetes.io/desired-replicas".into(), json!(desired.to_string()));
        a.insert("deployment.kubernetes.io/max-replicas".into(), json!((desired + max_surge).to_string()));
    }
    let updated = api.update(v, Subresource::Main).ok()?;
    if from != to {
        let dir = if to > from { "up" } else { "down" };
        api.record_event(d, "", "Normal", "ScalingReplicaSet", &format!("Scaled {} replica set {} from {} to {}", dir, crate::api::name(rs), from, to), source());
    }
    Some((*updated).clone())
}

fn sync(api: &mut ApiServer, d: &Value) {
    if d.is_terminating() {
        return;
    }
    let ns = crate::api::namespace(d).to_string();
    let uid = crate::api::str_at(d, "/metadata/uid").to_string();
    let Ok(sel) = Selector::from_label_selector(d.pointer("/spec/selector")) else { return };
    let mut rss: Vec<Value> = api
        .list_kind("ReplicaSet", Some(&ns))
        .into_iter()
        .filter(|rs| rs.controller_uid() == Some(uid.as_str()) && sel.matches(&labels_of(rs)))
        .map(|rs| (*rs).clone())
        .collect();
    rss.sort_by(|a, b| crate::api::str_at(a, "/metadata/creationTimestamp").cmp(crate::api::str_at(b, "/metadata/creationTimestamp")).then(crate::api::name(a).cmp(crate::api::name(b))));
    let template = d.pointer("/spec/template").cloned().unwrap_or(Value::Null);
    let desired = d.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    let new_idx = rss.iter().position(|rs| rs.pointer("/spec/template").map(without_hash) == Some(template.clone()));
    let recreate = crate::api::str_at(d, "/spec/strategy/type") == "Recreate";
    let (max_surge, max_unavailable) = if recreate { (0, 0) } else { fenceposts(d, desired) };
    let paused = d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true);
    let max_revision = rss.iter().filter_map(|rs| rs.pointer(&format!("/metadata/annotations/{}", REVISION.replace('/', "~1"))).and_then(Value::as_str).and_then(|s| s.parse::<i64>().ok())).max().unwrap_or(0);

    let mut new_rs = new_idx.map(|k| rss.remove(k));
    let mut old: Vec<Value> = rss;
    if new_rs.is_none() && !paused {
        let collisions = i(d, "/status/collisionCount");
        let hash = pod_template_hash(&template, collisions);
        let mut tpl = template.clone();
        crate::api::set_at(&mut tpl, "/metadata/labels/pod-template-hash", json!(hash));
        let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
        crate::api::set_at(&mut selector, "/matchLabels/pod-template-hash", json!(hash));
        let mut labels = tpl.pointer("/metadata/labels").cloned().unwrap_or(json!({}));
        labels["pod-template-hash"] = json!(hash);
        // a fresh deployment starts its ReplicaSet at what the strategy allows right away
        let start = if recreate && old.iter().any(|rs| i(rs, "/spec/replicas") > 0) {
            0
        } else {
            let current: i64 = old.iter().map(|rs| i(rs, "/spec/replicas")).sum();
            (desired + max_surge - current).clamp(0, desired)
        };
        let rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": format!("{}-{}", crate::api::name(d), hash), "namespace": ns, "labels": labels,
                "annotations": {"deployment.kubernetes.io/desired-replicas": desired.to_string(), "deployment.kubernetes.io/max-replicas": (desired + max_surge).to_string(), REVISION: (max_revision + 1).to_string()},
                "ownerReferences": [d.controller_ref()]},
            "spec": {"replicas": start, "selector": selector, "template": tpl, "minReadySeconds": i(d, "/spec/minReadySeconds")},
        });
        match api.create(rs, false) {
            Ok(created) => {
                if start > 0 {
                    api.record_event(d, "", "Normal", "ScalingReplicaSet", &format!("Scaled up replica set {} from 0 to {}", crate::api::name(&created), start), source());
                }
                new_rs = Some((*created).clone());
            }
            Err(_) => return,
        }
    }
    if let (Some(nrs), false) = (&new_rs, paused) {
        // the newest ReplicaSet carries the highest revision
        let rev = nrs.pointer(&format!("/metadata/annotations/{}", REVISION.replace('/', "~1"))).and_then(Value::as_str).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        if rev < max_revision {
            let mut v = nrs.clone();
            crate::api::set_at(&mut v, &format!("/metadata/annotations/{}", REVISION.replace('/', "~1")), json!((max_revision + 1).to_string()));
            if let Ok(u) = api.update(v, Subresource::Main) {
                new_rs = Some((*u).clone());
            }
        }
        let nrs = new_rs.clone().expect("set above");
        if recreate {
            let mut old_running = false;
            for rs in old.iter_mut() {
                if i(rs, "/spec/replicas") > 0 {
                    if let Some(u) = scale(api, d, rs, 0, 0) {
                        *rs = u;
                    }
                }
                old_running |= i(rs, "/status/replicas") > 0;
            }
            if !old_running && i(&nrs, "/spec/replicas") != desired {
                new_rs = scale(api, d, &nrs, desired, 0).or(new_rs);
            }
        } else {
            // reconcileNewReplicaSet
            let cur_new = i(&nrs, "/spec/replicas");
            let total: i64 = old.iter().map(|rs| i(rs, "/spec/replicas")).sum::<i64>() + cur_new;
            let target = if cur_new > desired {
                desired
            } else {
                let room = (desired + max_surge - total).max(0);
                cur_new + room.min(desired - cur_new)
            };
            if target != cur_new {
                new_rs = scale(api, d, &nrs, target, max_surge).or(new_rs);
            }
            // reconcileOldReplicaSets
            let nrs = new_rs.clone().expect("set above");
            let all: i64 = old.iter().map(|rs| i(rs, "/spec/replicas")).sum::<i64>() + i(&nrs, "/spec/replicas");
            let min_available = desired - max_unavailable;
            let new_unavailable = (i(&nrs, "/spec/replicas") - i(&nrs, "/status/availableReplicas")).max(0);
            let mut budget = all - min_available - new_unavailable;
            // first the old ReplicaSets' unhealthy replicas
            for rs in old.iter_mut() {
                if budget <= 0 {
                    break;
                }
                let unhealthy = i(rs, "/spec/replicas") - i(rs, "/status/availableReplicas");
                if unhealthy <= 0 {
                    continue;
                }
                let down = unhealthy.min(budget);
                let to = i(rs, "/spec/replicas") - down;
                if let Some(u) = scale(api, d, rs, to, max_surge) {
                    *rs = u;
                }
                budget -= down;
            }
            // then available ones, oldest first, keeping minAvailable
            let available: i64 = old.iter().map(|rs| i(rs, "/status/availableReplicas")).sum::<i64>() + i(&nrs, "/status/availableReplicas");
            let mut down_total = (available - min_available).min(budget.max(0));
            for rs in old.iter_mut() {
                if down_total <= 0 {
                    break;
                }
                let r = i(rs, "/spec/replicas");
                if r == 0 {
                    continue;
                }
                let down = r.min(down_total);
                if let Some(u) = scale(api, d, rs, r - down, max_surge) {
                    *rs = u;
                }
                down_total -= down;
            }
        }
    }
    // revisionHistoryLimit: prune the oldest empty ReplicaSets
    let limit = d.pointer("/spec/revisionHistoryLimit").and_then(Value::as_i64).unwrap_or(10).max(0) as usize;
    let empty: Vec<&Value> = old.iter().filter(|rs| i(rs, "/spec/replicas") == 0 && i(rs, "/status/replicas") == 0).collect();
    if empty.len() > limit {
        let rs_res = resources::by_kind("ReplicaSet").expect("served");
        for rs in empty.iter().take(empty.len() - limit) {
            settled(api.delete(rs_res, &ns, crate::api::name(rs), None));
        }
    }
    update_status(api, d, new_rs.as_ref(), &old, max_unavailable);
}

fn update_status(api: &mut ApiServer, d: &Value, new_rs: Option<&Value>, old: &[Value], max_unavailable: i64) {
    let Some(cur) = api.get_kind("Deployment", crate::api::namespace(d), crate::api::name(d)) else { return };
    let desired = cur.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    let all: Vec<&Value> = new_rs.into_iter().chain(old.iter()).collect();
    // read the ReplicaSets' latest status
    let fresh: Vec<Value> = all.iter().filter_map(|rs| api.get_kind("ReplicaSet", crate::api::namespace(rs), crate::api::name(rs)).map(|v| (*v).clone())).collect();
    let sum = |p: &str| fresh.iter().map(|rs| i(rs, p)).sum::<i64>();
    let updated = new_rs.and_then(|n| fresh.iter().find(|f| crate::api::name(f) == crate::api::name(n))).map_or(0, |n| i(n, "/status/replicas"));
    let available = sum("/status/availableReplicas");
    let now = crate::api::time::rfc3339(api.now);
    let old_conds: Vec<Value> = cur.pointer("/status/conditions").and_then(Value::as_array).cloned().unwrap_or_default();
    let cond = |typ: &str, status: &str, reason: &str, message: String| {
        let prev = old_conds.iter().find(|c| c.get("type").and_then(Value::as_str) == Some(typ));
        let same = prev.is_some_and(|p| p.get("status").and_then(Value::as_str) == Some(status) && p.get("reason").and_then(Value::as_str) == Some(reason));
        let transition = if same { prev.and_then(|p| p.get("lastTransitionTime")).cloned().unwrap_or(json!(now)) } else { json!(now) };
        let update = if same && prev.and_then(|p| p.get("message")) == Some(&json!(message)) { prev.and_then(|p| p.get("lastUpdateTime")).cloned().unwrap_or(json!(now)) } else { json!(now) };
        json!({"lastTransitionTime": transition, "lastUpdateTime": update, "message": message, "reason": reason, "status": status, "type": typ})
    };
    let available_cond = if available >= desired - max_unavailable {
        cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.".into())
    } else {
        cond("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".into())
    };
    let nrs_name = new_rs.map(|n| crate::api::name(n).to_string()).unwrap_or_default();
    let done = updated == desired && available >= desired && old.iter().all(|rs| i(rs, "/status/replicas") == 0);
    let progressing = if done {
        cond("Progressing", "True", "NewReplicaSetAvailable", format!("ReplicaSet \"{}\" has successfully progressed.", nrs_name))
    } else {
        cond("Progressing", "True", "ReplicaSetUpdated", format!("ReplicaSet \"{}\" is progressing.", nrs_name))
    };
    let status = json!({
        "observedGeneration": cur.pointer("/metadata/generation").cloned().unwrap_or(json!(1)),
        "replicas": sum("/status/replicas"),
        "updatedReplicas": updated,
        "readyReplicas": sum("/status/readyReplicas"),
        "availableReplicas": available,
        "unavailableReplicas": (desired - available).max(0),
        "conditions": [available_cond, progressing],
    });
    let mut v = (*cur).clone();
    if let Some(n) = new_rs {
        if let Some(rev) = n.pointer(&format!("/metadata/annotations/{}", REVISION.replace('/', "~1"))) {
            crate::api::set_at(&mut v, &format!("/metadata/annotations/{}", REVISION.replace('/', "~1")), rev.clone());
        }
    }
    if v.pointer("/metadata/annotations") != cur.pointer("/metadata/annotations") {
        if let Ok(u) = api.update(v.clone(), Subresource::Main) {
            v = (*u).clone();
        }
    }
    super::write_status(api, &v, status, &["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"]);
}

#[cfg(test)]
mod tests {
    use super::*;

    // GetScaledValueFromIntOrPercent / ResolveFenceposts: 25% of 10 → surge 3 (up), unavailable 2 (down).
    #[test]
    fn fenceposts_round_like_upstream() {
        let d = json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}}});
        assert_eq!(fenceposts(&d, 10), (3, 2));
        assert_eq!(fenceposts(&d, 1), (1, 0));
        let z = json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}});
        assert_eq!(fenceposts(&z, 3), (0, 1));
    }

    #[test]
    fn hash_is_safe_encoded_and_stable() {
        let t = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}});
        let h = pod_template_hash(&t, 0);
        assert_eq!(h, pod_template_hash(&t, 0));
        assert_ne!(h, pod_template_hash(&t, 1));
        assert!(h.len() <= 10 && h.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }
}
