//! `kubectl expose TYPE NAME --port=P [--target-port] [--type] [--name] [--protocol]`: a
//! Service selecting what the resource selects (kubectl/pkg/cmd/expose).

use super::args::{self, val};
use super::resource;
use super::output::{kind_name, yaml_or_json, Format};
use crate::api::resources;
use crate::console::{Console, Out};
use serde_json::{json, Value};

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl expose", words, &[val("port", None), val("target-port", None), val("type", None), val("name", None), val("protocol", None), val("selector", None), val("cluster-ip", None), val("dry-run", None), val("output", Some('o')), val("labels", Some('l'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let ts = match resource::targets(&a.pos) {
        Ok(t) => t,
        Err(e) => return Out::err(e),
    };
    let Some(t) = ts.first().filter(|t| t.names.len() == 1) else {
        return Out::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    };
    let (ns, _) = resource::namespace(&a);
    let obj = match c.cluster.api.get(t.r, &ns, &t.names[0]) {
        Ok(o) => o,
        Err(e) => return Out::err(e.kubectl()),
    };
    let (selector, tpl_spec) = match t.r.kind {
        "Pod" => (obj.pointer("/metadata/labels").cloned(), obj.get("spec").cloned()),
        "Service" => (obj.pointer("/spec/selector").cloned(), None),
        "ReplicationController" => (obj.pointer("/spec/selector").cloned(), obj.pointer("/spec/template/spec").cloned()),
        "Deployment" | "ReplicaSet" => {
            if obj.pointer("/spec/selector/matchExpressions").and_then(Value::as_array).is_some_and(|e| !e.is_empty()) {
                return Out::err("error: couldn't retrieve selectors via --selector flag or introspection: the selector contains matchExpressions, which expose does not support");
            }
            (obj.pointer("/spec/selector/matchLabels").cloned(), obj.pointer("/spec/template/spec").cloned())
        }
        other => return Out::err(format!("error: cannot expose a {}", other)),
    };
    let selector = match a.get("selector") {
        Some(s) => Value::Object(s.split(',').filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), json!(v)))).collect()),
        None => match selector {
            Some(s) if s.as_object().is_some_and(|m| !m.is_empty()) => s,
            _ => return Out::err("error: couldn't retrieve selectors via --selector flag or introspection: the resource has no labels or selector"),
        },
    };
    let first_port = tpl_spec.as_ref().and_then(|s| s.pointer("/containers/0/ports/0/containerPort")).and_then(Value::as_i64);
    let port = match a.get("port") {
        Some(p) => match p.parse::<i64>() {
            Ok(p) => p,
            Err(_) => return Out::err(format!("error: invalid port {:?}", p)),
        },
        None => match first_port.or_else(|| obj.pointer("/spec/ports/0/port").and_then(Value::as_i64)) {
            Some(p) => p,
            None => return Out::err("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples"),
        },
    };
    let target: Value = match a.get("target-port") {
        Some(tp) => tp.parse::<i64>().map(|n| json!(n)).unwrap_or_else(|_| json!(tp)),
        None => json!(port),
    };
    let name = a.get("name").map(String::from).unwrap_or_else(|| t.names[0].clone());
    let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
        "spec": {"ports": [{"port": port, "protocol": a.get("protocol").unwrap_or("TCP"), "targetPort": target}], "selector": selector}, "status": {"loadBalancer": {}}});
    if let Some(l) = obj.pointer("/metadata/labels").filter(|l| l.as_object().is_some_and(|m| !m.is_empty())) {
        svc["metadata"]["labels"] = l.clone();
    }
    if a.get("namespace").is_some() {
        svc["metadata"]["namespace"] = json!(ns);
    }
    if let Some(typ) = a.get("type") {
        svc["spec"]["type"] = json!(typ);
    }
    if let Some(ip) = a.get("cluster-ip") {
        svc["spec"]["clusterIP"] = json!(ip);
    }
    let r = resources::by_kind("Service").expect("served");
    let fmt = Format::parse(a.get("output")).unwrap_or(Format::Table);
    if matches!(a.get("dry-run"), Some("client") | Some("true")) {
        return match fmt {
            Format::Yaml | Format::Json => Out::ok(yaml_or_json(&svc, &fmt)),
            _ => Out::ok(format!("{} exposed (dry run)\n", kind_name(r, &name))),
        };
    }
    match c.cluster.api.create(svc, false) {
        Ok(_) => {
            c.cluster.settle();
            Out::ok(format!("{} exposed\n", kind_name(r, &name)))
        }
        Err(e) => Out::err(e.kubectl()),
    }
}
