//! The Endpoints and EndpointSlice controllers (pkg/controller/endpoint, endpointslice): for
//! every Service with a selector, the IPs of the matching pods — ready ones as addresses,
//! others as notReadyAddresses — with the target port resolved (named ports by the container
//! port's name). The `kubernetes` Service's endpoints are the apiserver's own address.

use crate::api::ext::{ObjectExt, PodExt};
use crate::api::labels::{labels_of, map_of, Selector};
use crate::apiserver::{ApiError, ApiServer, Subresource};
use super::runtime::{settled, Action, Controller, WorkQueue};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};

#[derive(Default)]
/// Its keys: namespaces whose services must be looked at.
pub struct EndpointsController;

impl Controller for EndpointsController {
    const NAME: &'static str = "endpoint";
    type Key = String;

    fn keys(&mut self, ev: &WatchEvent, queue: &mut WorkQueue<Self::Key>) {
        let v = &ev.value;
        match crate::api::kind(v) {
            "Service" | "Pod" => {
                queue.add(crate::api::namespace(v).to_string());
            }
            "Endpoints" | "EndpointSlice" if ev.typ == EventType::Delete => {
                queue.add(crate::api::namespace(v).to_string());
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, api: &mut ApiServer, ns: &String) -> Result<Action, ApiError> {
        let ns = ns.as_str();
        let pods = api.list_kind("Pod", Some(&ns));
        for svc in api.list_kind("Service", Some(&ns)) {
            sync(api, &svc, &pods);
        }
        // endpoints of services that are gone
        for ep in api.list_kind("Endpoints", Some(&ns)) {
            if api.get_kind("Service", &ns, crate::api::name(&ep)).is_none() {
                settled(api.delete(crate::api::resources::by_kind("Endpoints").expect("served"), &ns, crate::api::name(&ep), None));
            }
        }
        for sl in api.list_kind("EndpointSlice", Some(&ns)) {
            let svc = crate::api::str_at(&sl, "/metadata/labels/kubernetes.io~1service-name");
            if api.get_kind("Service", &ns, svc).is_none() {
                settled(api.delete(crate::api::resources::by_kind("EndpointSlice").expect("served"), &ns, crate::api::name(&sl), None));
            }
        }
        Ok(Action::Done)
    }
}

/// The container port a service port targets on a pod (a number, or a named container port).
fn target_port(p: &Value, pod: &Value) -> Option<i64> {
    match p.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(name)) => pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|c| c.get("ports").and_then(Value::as_array).into_iter().flatten())
            .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name.as_str()))
            .and_then(|cp| cp.get("containerPort").and_then(Value::as_i64)),
        _ => p.get("port").and_then(Value::as_i64),
    }
}

fn sync(api: &mut ApiServer, svc: &Value, pods: &[std::sync::Arc<Value>]) {
    let ns = crate::api::namespace(svc).to_string();
    let name = crate::api::name(svc).to_string();
    let ports: Vec<Value> = svc.pointer("/spec/ports").and_then(Value::as_array).cloned().unwrap_or_default();
    let subsets = if ns == "default" && name == "kubernetes" {
        json!([{"addresses": [{"ip": "172.30.1.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}])
    } else {
        let sel = map_of(svc.pointer("/spec/selector"));
        if sel.is_empty() {
            return; // services without a selector keep hand-made endpoints
        }
        let selector = Selector::from_label_selector(Some(&json!({"matchLabels": sel}))).unwrap_or_else(|_| Selector::nothing());
        let mut ready = vec![];
        let mut not_ready = vec![];
        let mut port_of: Option<Vec<Value>> = None;
        for p in pods.iter().filter(|p| selector.matches(&labels_of(p)) && !crate::api::str_at(p, "/status/podIP").is_empty() && !p.is_terminating() && !matches!(crate::api::str_at(p, "/status/phase"), "Succeeded" | "Failed")) {
            let addr = json!({"ip": crate::api::str_at(p, "/status/podIP"), "nodeName": crate::api::str_at(p, "/spec/nodeName"),
                "targetRef": {"kind": "Pod", "name": crate::api::name(p), "namespace": ns, "uid": crate::api::str_at(p, "/metadata/uid")}});
            if p.is_ready() { ready.push(addr) } else { not_ready.push(addr) }
            if port_of.is_none() {
                port_of = Some(ports.iter().filter_map(|sp| {
                    let mut ep = json!({"port": target_port(sp, p)?, "protocol": sp.get("protocol").cloned().unwrap_or(json!("TCP"))});
                    if let Some(n) = sp.get("name").filter(|n| n.as_str().is_some_and(|s| !s.is_empty())) {
                        ep["name"] = n.clone();
                    }
                    Some(ep)
                }).collect());
            }
        }
        ready.sort_by(|a, b| crate::api::str_at(a, "/ip").cmp(crate::api::str_at(b, "/ip")));
        not_ready.sort_by(|a, b| crate::api::str_at(a, "/ip").cmp(crate::api::str_at(b, "/ip")));
        if ready.is_empty() && not_ready.is_empty() {
            json!([])
        } else {
            let mut s = json!({"ports": port_of.unwrap_or_default()});
            if !ready.is_empty() {
                s["addresses"] = json!(ready);
            }
            if !not_ready.is_empty() {
                s["notReadyAddresses"] = json!(not_ready);
            }
            json!([s])
        }
    };
    let labels = svc.pointer("/metadata/labels").cloned().unwrap_or(json!({}));
    match api.get_kind("Endpoints", &ns, &name) {
        Some(ep) => {
            if ep.get("subsets").cloned().unwrap_or(json!([])) != subsets {
                let mut v = (*ep).clone();
                v["subsets"] = subsets.clone();
                settled(api.update(v, Subresource::Main));
            }
        }
        None => {
            settled(api.create(json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns, "labels": labels}, "subsets": subsets.clone()}), false));
        }
    }
    slice(api, svc, &subsets);
}

/// The EndpointSlice mirrors the same endpoints with per-endpoint conditions.
fn slice(api: &mut ApiServer, svc: &Value, subsets: &Value) {
    let ns = crate::api::namespace(svc).to_string();
    let name = crate::api::name(svc).to_string();
    let mut endpoints = vec![];
    let mut ports = json!([]);
    for s in subsets.as_array().into_iter().flatten() {
        ports = s.get("ports").cloned().unwrap_or(json!([]));
        for (list, ready) in [("addresses", true), ("notReadyAddresses", false)] {
            for a in s.get(list).and_then(Value::as_array).into_iter().flatten() {
                let mut e = json!({"addresses": [a["ip"]], "conditions": {"ready": ready, "serving": ready, "terminating": false}});
                if let Some(n) = a.get("nodeName") {
                    e["nodeName"] = n.clone();
                }
                if let Some(t) = a.get("targetRef") {
                    e["targetRef"] = t.clone();
                }
                endpoints.push(e);
            }
        }
    }
    let existing = api.list_kind("EndpointSlice", Some(&ns)).into_iter().find(|s| crate::api::str_at(s, "/metadata/labels/kubernetes.io~1service-name") == name);
    match existing {
        Some(sl) => {
            if sl.get("endpoints").cloned().unwrap_or(json!([])) != json!(endpoints) || sl.get("ports").cloned().unwrap_or(json!([])) != ports {
                let mut v = (*sl).clone();
                v["endpoints"] = json!(endpoints);
                v["ports"] = ports;
                settled(api.update(v, Subresource::Main));
            }
        }
        None => {
            let uid = svc.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
            settled(api.create(
                json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    // the apiserver names the kubernetes service's slice after it; the controller adds a suffix
                    "metadata": {"generateName": format!("{}-", name), "name": if ns == "default" && name == "kubernetes" { json!("kubernetes") } else { Value::Null }, "namespace": ns, "labels": {"kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
                        "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name, "uid": uid, "controller": true, "blockOwnerDeletion": true}]},
                    "addressType": "IPv4", "endpoints": endpoints, "ports": ports}),
                false,
            ));
        }
    }
}
