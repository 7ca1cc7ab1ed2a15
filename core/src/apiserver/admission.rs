//! Admission plugins of a default v1.37 apiserver that change what learners see:
//! ServiceAccount, Priority, DefaultTolerationSeconds (and NamespaceLifecycle, in create()).

use super::{ApiError, ApiServer};
use crate::api::resources::ResourceInfo;
use crate::api::time::{rfc3339, Millis};
use serde_json::{json, Value};

pub fn admit_create(api: &mut ApiServer, r: &ResourceInfo, obj: &mut Value) -> Result<(), ApiError> {
    if r.kind == "Pod" {
        service_account(api, obj);
        priority(api, obj)?;
        default_toleration_seconds(obj);
    }
    Ok(())
}

pub fn admit_update(_api: &mut ApiServer, r: &ResourceInfo, old: &Value, obj: &mut Value) -> Result<(), ApiError> {
    if r.kind == "Service" {
        // clusterIP and nodePorts are allocated once; a re-applied manifest without them keeps them
        for f in ["clusterIP", "clusterIPs"] {
            if obj.pointer(&format!("/spec/{}", f)).is_none() {
                if let Some(v) = old.pointer(&format!("/spec/{}", f)) {
                    obj["spec"][f] = v.clone();
                }
            }
        }
        if let (Some(new_ports), Some(old_ports)) = (obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut), old.pointer("/spec/ports").and_then(Value::as_array)) {
            for p in new_ports {
                if p.get("nodePort").is_none() {
                    if let Some(np) = old_ports.iter().find(|o| o.get("port") == p.get("port")).and_then(|o| o.get("nodePort")) {
                        p["nodePort"] = np.clone();
                    }
                }
            }
        }
    }
    if r.kind == "Pod" {
        // Priority and service account are fixed at creation.
        for f in ["priority", "priorityClassName", "preemptionPolicy", "serviceAccountName", "serviceAccount", "volumes"] {
            if let Some(v) = old.pointer(&format!("/spec/{}", f)) {
                if obj.pointer(&format!("/spec/{}", f)).is_none() {
                    obj["spec"][f] = v.clone();
                }
            }
        }
    }
    Ok(())
}

/// plugin/pkg/admission/serviceaccount: serviceAccountName defaults to `default`, and the
/// projected token volume is mounted into every container.
fn service_account(api: &mut ApiServer, pod: &mut Value) {
    let spec = &mut pod["spec"];
    if spec.get("serviceAccountName").and_then(Value::as_str).unwrap_or("").is_empty() {
        let sa = spec.get("serviceAccount").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("default").to_string();
        spec["serviceAccountName"] = json!(sa);
    }
    spec["serviceAccount"] = spec["serviceAccountName"].clone();
    if spec.get("automountServiceAccountToken") == Some(&json!(false)) {
        return;
    }
    let has_mount = spec.get("volumes").and_then(Value::as_array).is_some_and(|v| v.iter().any(|v| v.get("name").and_then(Value::as_str).is_some_and(|n| n.starts_with("kube-api-access-"))));
    if has_mount {
        return;
    }
    let vol_name = format!("kube-api-access-{}", api.rng.name_suffix(5));
    let mount = json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol_name, "readOnly": true});
    for list in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs {
                let mounts = c.as_object_mut().map(|m| m.entry("volumeMounts").or_insert_with(|| json!([])));
                if let Some(Value::Array(ms)) = mounts {
                    ms.push(mount.clone());
                }
            }
        }
    }
    let volume = json!({"name": vol_name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
        {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
    ]}});
    match spec.get_mut("volumes").and_then(Value::as_array_mut) {
        Some(v) => v.push(volume),
        None => spec["volumes"] = json!([volume]),
    }
}

/// plugin/pkg/admission/priority: resolve priorityClassName (or the global default) to a
/// priority and preemptionPolicy.
fn priority(api: &ApiServer, pod: &mut Value) -> Result<(), ApiError> {
    let name = crate::api::str_at(pod, "/spec/priorityClassName").to_string();
    let (value, policy) = if name.is_empty() {
        let default = api.list_kind("PriorityClass", None).into_iter().find(|pc| pc.get("globalDefault") == Some(&json!(true)));
        match default {
            Some(pc) => {
                pod["spec"]["priorityClassName"] = json!(crate::api::name(&pc));
                (pc.get("value").and_then(Value::as_i64).unwrap_or(0), crate::api::str_at(&pc, "/preemptionPolicy").to_string())
            }
            None => (0, "PreemptLowerPriority".to_string()),
        }
    } else {
        match api.get_kind("PriorityClass", "", &name) {
            Some(pc) => (pc.get("value").and_then(Value::as_i64).unwrap_or(0), crate::api::str_at(&pc, "/preemptionPolicy").to_string()),
            None => {
                return Err(ApiError::forbidden(format!("pods \"{}\" is forbidden: no PriorityClass with name {} was found", crate::api::name(pod), name)));
            }
        }
    };
    if let Some(p) = pod.pointer("/spec/priority").and_then(Value::as_i64) {
        if p != value {
            return Err(ApiError::forbidden(format!("pods \"{}\" is forbidden: the integer value of priority ({}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name", crate::api::name(pod), p, value)));
        }
    }
    pod["spec"]["priority"] = json!(value);
    pod["spec"]["preemptionPolicy"] = json!(if policy.is_empty() { "PreemptLowerPriority".to_string() } else { policy });
    Ok(())
}

/// plugin/pkg/admission/defaulttolerationseconds: tolerate not-ready and unreachable for 300 s.
fn default_toleration_seconds(pod: &mut Value) {
    let spec = &mut pod["spec"];
    let tols = spec.as_object_mut().map(|m| m.entry("tolerations").or_insert_with(|| json!([])));
    let Some(Value::Array(tols)) = tols else { return };
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let tolerated = tols.iter().any(|t| {
            let k = t.get("key").and_then(Value::as_str).unwrap_or("");
            let e = t.get("effect").and_then(Value::as_str).unwrap_or("");
            let op = t.get("operator").and_then(Value::as_str).unwrap_or("Equal");
            (k == key || (k.is_empty() && op == "Exists")) && (e.is_empty() || e == "NoExecute")
        });
        if !tolerated {
            tols.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
}

/// Sets a pod condition, moving lastTransitionTime only when the status changes.
pub fn set_condition(pod: &mut Value, typ: &str, status: &str, reason: Option<&str>, message: Option<&str>, now: Millis) {
    let conds = pod.as_object_mut().map(|m| m.entry("status").or_insert_with(|| json!({})));
    let Some(status_obj) = conds.and_then(Value::as_object_mut) else { return };
    let list = status_obj.entry("conditions").or_insert_with(|| json!([]));
    let Some(list) = list.as_array_mut() else { return };
    let mut c = json!({"type": typ, "status": status, "lastProbeTime": null, "lastTransitionTime": rfc3339(now)});
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    if let Some(m) = message {
        c["message"] = json!(m);
    }
    match list.iter_mut().find(|x| x.get("type").and_then(Value::as_str) == Some(typ)) {
        Some(existing) => {
            if existing.get("status").and_then(Value::as_str) == Some(status) {
                c["lastTransitionTime"] = existing.get("lastTransitionTime").cloned().unwrap_or(Value::Null);
            }
            *existing = c;
        }
        None => list.push(c),
    }
}
