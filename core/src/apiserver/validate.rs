//! Per-kind validation (pkg/apis/core/validation, pkg/apis/apps/validation …), producing the
//! field errors a v1.37 apiserver returns.

use super::validation::*;
use crate::api::labels::{map_of, Selector};
use crate::api::quantity::Quantity;
use serde_json::Value;

pub fn validate(kind: &str, v: &Value, errs: &mut Vec<FieldError>) {
    match kind {
        "Pod" => pod_spec(v.get("spec"), "spec", errs),
        "Deployment" | "ReplicaSet" | "DaemonSet" => workload(kind, v, errs),
        "ReplicationController" => {
            if let Some(r) = v.pointer("/spec/replicas").and_then(Value::as_i64) {
                if r < 0 {
                    errs.push(invalid_raw("spec.replicas", r.to_string(), "must be greater than or equal to 0"));
                }
            }
            // ValidateReplicationControllerSpec: a non-empty selector (defaulted from the
            // template's labels) that the template's labels match
            let selector = map_of(v.pointer("/spec/selector"));
            let labels = map_of(v.pointer("/spec/template/metadata/labels"));
            if selector.is_empty() {
                errs.push(required("spec.selector", ""));
            } else if !selector.iter().all(|(k, val)| labels.get(k) == Some(val)) {
                errs.push(invalid_raw("spec.template.metadata.labels", go_map(&labels), "`selector` does not match template `labels`"));
            }
            pod_spec(v.pointer("/spec/template/spec"), "spec.template.spec", errs);
        }
        "Job" => job(v.get("spec"), "spec", errs),
        "CronJob" => {
            let sched = v.pointer("/spec/schedule").and_then(Value::as_str).unwrap_or("");
            if sched.is_empty() {
                errs.push(required("spec.schedule", ""));
            } else if let Err(e) = crate::api::cron::Schedule::parse(sched) {
                errs.push(invalid("spec.schedule", sched, &e));
            }
            job(v.pointer("/spec/jobTemplate/spec"), "spec.jobTemplate.spec", errs);
        }
        "Service" => service(v, errs),
        "Node" => {
            for (i, t) in v.pointer("/spec/taints").and_then(Value::as_array).into_iter().flatten().enumerate() {
                taint(t, &format!("spec.taints[{}]", i), errs);
            }
        }
        "PriorityClass" => {
            let value = v.get("value").and_then(Value::as_i64);
            let name = crate::api::name(v);
            if value.is_none() {
                errs.push(required("value", ""));
            } else if value.is_some_and(|x| x > 1_000_000_000) && !name.starts_with("system-") {
                errs.push(forbidden("value", "maximum allowed value of a user defined priority is 1000000000"));
            }
            if name.starts_with("system-") && name != "system-cluster-critical" && name != "system-node-critical" {
                errs.push(forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system use only"));
            }
        }
        "ConfigMap" | "Secret" => {
            for field in ["data", "binaryData", "stringData"] {
                for k in v.get(field).and_then(Value::as_object).into_iter().flat_map(|m| m.keys()) {
                    let ok = !k.is_empty() && k.len() <= 253 && k.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
                    if !ok {
                        errs.push(invalid(format!("{}[{}]", field, k), k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
                    }
                }
            }
        }
        _ => {}
    }
}

fn workload(kind: &str, v: &Value, errs: &mut Vec<FieldError>) {
    let spec = v.get("spec");
    if kind != "DaemonSet" {
        if let Some(r) = spec.and_then(|s| s.get("replicas")).and_then(Value::as_i64) {
            if r < 0 {
                errs.push(invalid_raw("spec.replicas", r.to_string(), "must be greater than or equal to 0"));
            }
        }
    }
    let sel = spec.and_then(|s| s.get("selector"));
    match sel {
        None | Some(Value::Null) => errs.push(required("spec.selector", "")),
        Some(s) => match Selector::from_label_selector(Some(s)) {
            Err(e) => errs.push(invalid_raw("spec.selector", s.to_string(), &e)),
            Ok(selector) => {
                if selector.is_empty() {
                    errs.push(invalid_raw("spec.selector", go_label_selector(s), "empty selector is invalid for deployment"));
                }
                let labels = map_of(v.pointer("/spec/template/metadata/labels"));
                if !selector.matches(&labels) {
                    errs.push(invalid_raw("spec.template.metadata.labels", go_map(&labels), "`selector` does not match template `labels`"));
                }
            }
        },
    }
    let restart = v.pointer("/spec/template/spec/restartPolicy").and_then(Value::as_str).unwrap_or("Always");
    if restart != "Always" {
        errs.push(not_supported("spec.template.spec.restartPolicy", restart, &["Always"]));
    }
    pod_spec(v.pointer("/spec/template/spec"), "spec.template.spec", errs);
}

fn job(spec: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    let restart = spec.and_then(|s| s.pointer("/template/spec/restartPolicy")).and_then(Value::as_str).unwrap_or("");
    if restart != "Never" && restart != "OnFailure" {
        errs.push(not_supported(format!("{}.template.spec.restartPolicy", path), restart, &["OnFailure", "Never"]));
    }
    for f in ["completions", "parallelism", "backoffLimit", "activeDeadlineSeconds"] {
        if let Some(n) = spec.and_then(|s| s.get(f)).and_then(Value::as_i64) {
            if n < 0 || (f == "activeDeadlineSeconds" && n == 0) {
                errs.push(invalid_raw(format!("{}.{}", path, f), n.to_string(), if f == "activeDeadlineSeconds" { "must be greater than 0" } else { "must be greater than or equal to 0" }));
            }
        }
    }
    pod_spec(spec.and_then(|s| s.pointer("/template/spec")), &format!("{}.template.spec", path), errs);
}

fn service(v: &Value, errs: &mut Vec<FieldError>) {
    let typ = v.pointer("/spec/type").and_then(Value::as_str).unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&typ) {
        errs.push(not_supported("spec.type", typ, &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]));
    }
    let ports = v.pointer("/spec/ports").and_then(Value::as_array);
    if typ != "ExternalName" && ports.is_none_or(|p| p.is_empty()) && v.pointer("/spec/clusterIP").and_then(Value::as_str) != Some("None") {
        errs.push(required("spec.ports", ""));
    }
    let multiple = ports.is_some_and(|p| p.len() > 1);
    for (i, p) in ports.into_iter().flatten().enumerate() {
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.push(invalid_raw(format!("spec.ports[{}].port", i), port.to_string(), "must be between 1 and 65535, inclusive"));
        }
        if multiple && p.get("name").and_then(Value::as_str).unwrap_or("").is_empty() {
            errs.push(required(format!("spec.ports[{}].name", i), ""));
        }
        if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
            if typ == "ClusterIP" {
                errs.push(forbidden(format!("spec.ports[{}].nodePort", i), "may not be used when `type` is 'ClusterIP'"));
            } else if !(30000..=32767).contains(&np) {
                errs.push(invalid_raw(format!("spec.ports[{}].nodePort", i), np.to_string(), "provided port is not in the valid range. The range of valid ports is 30000-32767"));
            }
        }
    }
}

/// Go's %v of a map[string]string, as upstream prints label maps in errors.
pub fn go_map(m: &std::collections::BTreeMap<String, String>) -> String {
    format!("map[string]string{{{}}}", m.iter().map(|(k, v)| format!("{:?}:{:?}", k, v)).collect::<Vec<_>>().join(", "))
}

fn go_label_selector(v: &Value) -> String {
    let ml = map_of(v.get("matchLabels"));
    format!("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}", go_map(&ml))
}

const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];

pub fn pod_spec(spec: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    let Some(spec) = spec else {
        errs.push(required(format!("{}.containers", path), ""));
        return;
    };
    let containers = spec.get("containers").and_then(Value::as_array);
    if containers.is_none_or(|c| c.is_empty()) {
        errs.push(required(format!("{}.containers", path), ""));
    }
    let mut names = std::collections::BTreeSet::new();
    for list in ["initContainers", "containers"] {
        for (i, c) in spec.get(list).and_then(Value::as_array).into_iter().flatten().enumerate() {
            container(c, &format!("{}.{}[{}]", path, list, i), &mut names, errs);
        }
    }
    if let Some(r) = spec.get("restartPolicy").and_then(Value::as_str) {
        if !RESTART_POLICIES.contains(&r) {
            errs.push(not_supported(format!("{}.restartPolicy", path), r, RESTART_POLICIES));
        }
    }
    if let Some(d) = spec.get("dnsPolicy").and_then(Value::as_str) {
        if !DNS_POLICIES.contains(&d) {
            errs.push(not_supported(format!("{}.dnsPolicy", path), d, DNS_POLICIES));
        }
    }
    if let Some(ns) = spec.get("nodeSelector").and_then(Value::as_object) {
        for (k, val) in ns {
            if let Err(m) = qualified_name(k) {
                errs.extend(m.iter().map(|m| invalid(format!("{}.nodeSelector", path), k, m)));
            }
            if let Err(m) = label_value(val.as_str().unwrap_or("")) {
                errs.extend(m.iter().map(|m| invalid(format!("{}.nodeSelector", path), val.as_str().unwrap_or(""), m)));
            }
        }
    }
    for (i, t) in spec.get("tolerations").and_then(Value::as_array).into_iter().flatten().enumerate() {
        toleration(t, &format!("{}.tolerations[{}]", path, i), errs);
    }
    if let Some(n) = spec.get("nodeName").and_then(Value::as_str) {
        if !n.is_empty() {
            if let Err(m) = dns1123_subdomain(n) {
                errs.extend(m.iter().map(|m| invalid(format!("{}.nodeName", path), n, m)));
            }
        }
    }
    if let Some(terms) = spec.pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms") {
        if terms.as_array().is_none_or(|t| t.is_empty()) {
            errs.push(required(format!("{}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", path), "must have at least one node selector term"));
        }
        for (i, term) in terms.as_array().into_iter().flatten().enumerate() {
            for (j, e) in term.get("matchExpressions").and_then(Value::as_array).into_iter().flatten().enumerate() {
                node_selector_requirement(e, &format!("{}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{}].matchExpressions[{}]", path, i, j), errs);
            }
        }
    }
    for (i, pref) in spec.pointer("/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let w = pref.get("weight").and_then(Value::as_i64).unwrap_or(0);
        let p = format!("{}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{}]", path, i);
        if !(1..=100).contains(&w) {
            errs.push(invalid_raw(format!("{}.weight", p), w.to_string(), "must be in the range 1-100"));
        }
        for (j, e) in pref.pointer("/preference/matchExpressions").and_then(Value::as_array).into_iter().flatten().enumerate() {
            node_selector_requirement(e, &format!("{}.preference.matchExpressions[{}]", p, j), errs);
        }
    }
}

fn node_selector_requirement(e: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let op = e.get("operator").and_then(Value::as_str).unwrap_or("");
    let n = e.get("values").and_then(Value::as_array).map_or(0, Vec::len);
    match op {
        "In" | "NotIn" if n == 0 => errs.push(required(format!("{}.values", path), "must be specified when `operator` is 'In' or 'NotIn'")),
        "Exists" | "DoesNotExist" if n > 0 => errs.push(forbidden(format!("{}.values", path), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")),
        "Gt" | "Lt" if n != 1 => errs.push(required(format!("{}.values", path), "must be specified single value when `operator` is 'Lt' or 'Gt'")),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        _ => errs.push(invalid(format!("{}.operator", path), op, "not a valid selector operator")),
    }
    let key = e.get("key").and_then(Value::as_str).unwrap_or("");
    if let Err(m) = qualified_name(key) {
        errs.extend(m.iter().map(|m| invalid(format!("{}.key", path), key, m)));
    }
}

const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

fn toleration(t: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let op = t.get("operator").and_then(Value::as_str).unwrap_or("Equal");
    let key = t.get("key").and_then(Value::as_str).unwrap_or("");
    let value = t.get("value").and_then(Value::as_str).unwrap_or("");
    if !key.is_empty() {
        if let Err(m) = qualified_name(key) {
            errs.extend(m.iter().map(|m| invalid(format!("{}.key", path), key, m)));
        }
    }
    match op {
        "Exists" if !value.is_empty() => errs.push(invalid(format!("{}.operator", path), value, "value must be empty when `operator` is 'Exists'")),
        "Equal" if key.is_empty() => errs.push(invalid(format!("{}.operator", path), op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")),
        "Exists" | "Equal" => {}
        _ => errs.push(not_supported(format!("{}.operator", path), op, &["Equal", "Exists"])),
    }
    if let Some(e) = t.get("effect").and_then(Value::as_str) {
        if !e.is_empty() && !EFFECTS.contains(&e) {
            errs.push(not_supported(format!("{}.effect", path), e, EFFECTS));
        }
        if t.get("tolerationSeconds").is_some_and(|s| !s.is_null()) && e != "NoExecute" {
            errs.push(invalid(format!("{}.effect", path), e, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
        }
    }
}

fn taint(t: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let key = t.get("key").and_then(Value::as_str).unwrap_or("");
    if let Err(m) = qualified_name(key) {
        errs.extend(m.iter().map(|m| invalid(format!("{}.key", path), key, m)));
    }
    if let Some(v) = t.get("value").and_then(Value::as_str) {
        if let Err(m) = label_value(v) {
            errs.extend(m.iter().map(|m| invalid(format!("{}.value", path), v, m)));
        }
    }
    let e = t.get("effect").and_then(Value::as_str).unwrap_or("");
    if e.is_empty() {
        errs.push(required(format!("{}.effect", path), ""));
    } else if !EFFECTS.contains(&e) {
        errs.push(not_supported(format!("{}.effect", path), e, EFFECTS));
    }
}

fn container(c: &Value, path: &str, names: &mut std::collections::BTreeSet<String>, errs: &mut Vec<FieldError>) {
    let name = c.get("name").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() {
        errs.push(required(format!("{}.name", path), ""));
    } else {
        if let Err(m) = dns1123_label(name) {
            errs.extend(m.iter().map(|m| invalid(format!("{}.name", path), name, m)));
        }
        if !names.insert(name.to_string()) {
            errs.push(duplicate(format!("{}.name", path), name));
        }
    }
    let image = c.get("image").and_then(Value::as_str).unwrap_or("");
    if image.is_empty() {
        errs.push(required(format!("{}.image", path), ""));
    } else if image.trim() != image {
        errs.push(invalid(format!("{}.image", path), image, "must not have leading or trailing whitespace"));
    }
    if let Some(p) = c.get("imagePullPolicy").and_then(Value::as_str) {
        if !["Always", "IfNotPresent", "Never"].contains(&p) {
            errs.push(not_supported(format!("{}.imagePullPolicy", path), p, &["Always", "IfNotPresent", "Never"]));
        }
    }
    let req = c.pointer("/resources/requests");
    let lim = c.pointer("/resources/limits");
    validate_resource_list(req, &format!("{}.resources.requests", path), errs);
    validate_resource_list(lim, &format!("{}.resources.limits", path), errs);
    // requests must not exceed limits (ValidateResourceRequirements)
    if let (Some(req), Some(lim)) = (req.and_then(Value::as_object), lim.and_then(Value::as_object)) {
        for (k, r) in req {
            let (Some(rq), Some(lq)) = (r.as_str().and_then(|s| Quantity::parse(s).ok()), lim.get(k).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok())) else { continue };
            if rq > lq {
                errs.push(invalid(format!("{}.resources.requests", path), r.as_str().unwrap_or(""), &format!("must be less than or equal to {} limit of {}", k, lim[k].as_str().unwrap_or(""))));
            }
        }
    }
    for (i, p) in c.get("ports").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let port = p.get("containerPort").and_then(Value::as_i64).unwrap_or(0);
        if !(1..=65535).contains(&port) {
            errs.push(invalid_raw(format!("{}.ports[{}].containerPort", path, i), port.to_string(), "must be between 1 and 65535, inclusive"));
        }
    }
}
