//! `kubectl taint`: adds, overwrites and removes node taints.

use super::args::{self, boolean, val, Flag};
use super::cordon::report_node;
use crate::api::labels::Selector;
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::{json, Value};

const TAINT_FLAGS: &[Flag] = &[boolean("overwrite", None), boolean("all", None), val("selector", Some('l')), val("dry-run", None), val("output", Some('o')), boolean("validate", None)];
const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `kubectl taint nodes NAME key[=value]:Effect[-]`
pub fn taint(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl taint", words, TAINT_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let mut pos = a.pos.clone();
    if pos.is_empty() {
        return Out::err("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples");
    }
    let typ = pos.remove(0);
    let (typ, first_name) = match typ.split_once('/') {
        Some((t, n)) => (t.to_string(), Some(n.to_string())),
        None => (typ, None),
    };
    match crate::api::resources::lookup(&typ) {
        Some(r) if r.kind == "Node" => {}
        Some(_) | None => return Out::err(format!("error: invalid resource type {}, only nodes are supported", typ)),
    }
    let mut names: Vec<String> = first_name.into_iter().collect();
    let mut specs = vec![];
    for p in pos {
        if p.contains(':') || p.contains('=') || p.ends_with('-') {
            specs.push(p);
        } else {
            names.push(p);
        }
    }
    if specs.is_empty() {
        return Out::err("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples");
    }
    let mut add: Vec<Value> = vec![];
    let mut remove: Vec<(String, Option<String>)> = vec![];
    for s in &specs {
        if let Some(body) = s.strip_suffix('-') {
            let (kv, effect) = match body.split_once(':') {
                Some((kv, e)) => (kv, Some(e.to_string())),
                None => (body, None),
            };
            if let Some(e) = &effect {
                if !EFFECTS.contains(&e.as_str()) {
                    return Out::err(format!("error: invalid taint effect: {}, unsupported taint effect", e));
                }
            }
            let key = kv.split('=').next().unwrap_or("").to_string();
            remove.push((key, effect));
        } else {
            let Some((kv, effect)) = s.split_once(':') else {
                return Out::err(format!("error: invalid taint spec: {}, unknown taint effect", s));
            };
            if !EFFECTS.contains(&effect) {
                return Out::err(format!("error: invalid taint effect: {}, unsupported taint effect", effect));
            }
            let (k, v) = match kv.split_once('=') {
                Some((k, v)) => (k, v),
                None => (kv, ""),
            };
            if let Err(m) = crate::apiserver::validation::qualified_name(k) {
                return Out::err(format!("error: invalid taint spec: {}, {}", s, m.join("; ")));
            }
            let mut t = json!({"key": k, "effect": effect});
            if !v.is_empty() {
                t["value"] = json!(v);
            }
            add.push(t);
        }
    }
    let nodes: Vec<String> = if a.on("all") || a.present("selector") {
        let sel = a.get("selector").and_then(|s| Selector::parse(s).ok()).unwrap_or_default();
        c.cluster.api.list_kind("Node", None).iter().filter(|n| sel.matches(&crate::api::labels::labels_of(n))).map(|n| crate::api::name(n).to_string()).collect()
    } else {
        names
    };
    if nodes.is_empty() {
        return Out::err("error: at least one resource name must be specified since 'all' parameter is not set");
    }
    let mut out = Out::ok("");
    for n in nodes {
        let Some(node) = c.cluster.api.get_kind("Node", "", &n) else {
            out.stderr.push_str(&format!("Error from server (NotFound): nodes \"{}\" not found\n", n));
            out.code = 1;
            continue;
        };
        let mut taints: Vec<Value> = node.pointer("/spec/taints").and_then(Value::as_array).cloned().unwrap_or_default();
        let same = |t: &Value, k: &str, e: &str| crate::api::str_at(t, "/key") == k && crate::api::str_at(t, "/effect") == e;
        let mut err = None;
        for t in &add {
            let (k, e) = (crate::api::str_at(t, "/key").to_string(), crate::api::str_at(t, "/effect").to_string());
            if let Some(existing) = taints.iter_mut().find(|x| same(x, &k, &e)) {
                if !a.on("overwrite") {
                    err = Some(format!("error: node {} already has {} taint(s) with same effect(s) and --overwrite is false", n, k));
                    break;
                }
                *existing = t.clone();
            } else {
                taints.push(t.clone());
            }
        }
        for (k, e) in &remove {
            let before = taints.len();
            taints.retain(|t| !(crate::api::str_at(t, "/key") == k && e.as_ref().is_none_or(|e| crate::api::str_at(t, "/effect") == e)));
            if taints.len() == before {
                err = Some(format!("error: taint {:?} not found", match e {
                    Some(e) => format!("{}:{}", k, e),
                    None => k.clone(),
                }));
            }
        }
        if let Some(e) = err {
            out.stderr.push_str(&e);
            out.stderr.push('\n');
            out.code = 1;
            continue;
        }
        let mut v = (*node).clone();
        if taints.is_empty() {
            crate::api::remove_at(&mut v, "/spec/taints");
        } else {
            v["spec"]["taints"] = json!(taints);
        }
        let word = if add.is_empty() { "untainted" } else if remove.is_empty() { "tainted" } else { "modified" };
        report_node(&mut out, &n, word, c.cluster.api.update(v, Subresource::Main));
    }
    c.cluster.settle();
    out
}
