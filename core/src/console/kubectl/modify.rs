//! Commands that change objects in place: delete, label, annotate, taint, cordon, uncordon.

use super::args::{self, boolean, val, Args, Flag};
use super::get;
use super::output::kind_name;
use crate::api::fields::FieldSelector;
use crate::api::labels::Selector;
use crate::api::resources::ResourceInfo;
use crate::apiserver::patch::PatchType;
use crate::apiserver::{Deleted, Subresource};
use crate::console::{Console, Out};
use serde_json::{json, Value};

/// The grace period kubectl sends: --now is 1 s, --force alone is 0.
pub fn grace_from(a: &Args) -> Option<i64> {
    if a.on("now") {
        return Some(1);
    }
    match a.get("grace-period").and_then(|g| g.parse::<i64>().ok()) {
        Some(g) if g >= 0 => Some(if g == 0 && !a.on("force") { 1 } else { g }),
        _ if a.on("force") => Some(0),
        _ => None,
    }
}

fn deleted_msg(r: &ResourceInfo, name: &str, ns: &str, force: bool) -> String {
    let what = if r.group.is_empty() { r.singular.to_string() } else { format!("{}.{}", r.singular, r.group) };
    let verb = if force { "force deleted" } else { "deleted" };
    if r.namespaced {
        format!("{} \"{}\" {} from {} namespace", what, name, verb, ns)
    } else {
        format!("{} \"{}\" {}", what, name, verb)
    }
}

/// kubectl delete's options.
pub struct DeleteOpts {
    pub grace: Option<i64>,
    pub dry: &'static str,
    pub ignore_not_found: bool,
    pub wait: bool,
    /// --cascade: background (default), foreground or orphan
    pub cascade: String,
}

impl DeleteOpts {
    pub fn from_args(a: &Args) -> Result<DeleteOpts, String> {
        let cascade = match a.get("cascade").unwrap_or("background") {
            "background" | "true" => "background",
            "foreground" => "foreground",
            "orphan" | "false" => "orphan",
            other => return Err(format!("error: invalid cascade value ({}). Must be \"background\", \"foreground\", or \"orphan\"", other)),
        };
        Ok(DeleteOpts {
            grace: grace_from(a),
            dry: if matches!(a.get("dry-run"), Some("client") | Some("server") | Some("true")) { " (dry run)" } else { "" },
            ignore_not_found: a.on("ignore-not-found"),
            wait: a.get("wait") != Some("false"),
            cascade: cascade.to_string(),
        })
    }
}

/// Deletes one object; with `wait`, virtual time runs until it is gone (kubectl waits too).
pub fn delete_one(c: &mut Console, r: &'static ResourceInfo, ns: &str, name: &str, o: &DeleteOpts) -> Result<String, String> {
    let (grace, dry, ignore_not_found, wait) = (o.grace, o.dry, o.ignore_not_found, o.wait);
    let ns = if r.namespaced { ns } else { "" };
    if !dry.is_empty() {
        c.cluster.api.get(r, ns, name).map_err(|e| e.kubectl())?;
        return Ok(format!("{}{}", deleted_msg(r, name, ns, false), dry));
    }
    let force = grace == Some(0);
    // propagationPolicy: orphan strips the dependents' ownerReferences first; foreground
    // removes the dependents before the owner (the garbage collector does background)
    if let Ok(obj) = c.cluster.api.get(r, ns, name) {
        let uid = crate::api::str_at(&obj, "/metadata/uid").to_string();
        match o.cascade.as_str() {
            "orphan" => crate::controllers::garbage_collector::orphan(&mut c.cluster.api, &uid),
            "foreground" => {
                // the owner is marked first (deletionTimestamp + foregroundDeletion finalizer), so
                // its controller stops replacing what is being deleted
                let mut v = (*obj).clone();
                crate::api::set_at(&mut v, "/metadata/finalizers", serde_json::json!(["foregroundDeletion"]));
                if c.cluster.api.update(v, Subresource::Main).is_ok() {
                    let _ = c.cluster.api.delete(r, ns, name, grace);
                    for (dr, dns, dname) in crate::controllers::garbage_collector::dependents(&c.cluster.api, &uid) {
                        let _ = delete_one(c, dr, &dns, &dname, o);
                    }
                    if let Ok(cur) = c.cluster.api.get(r, ns, name) {
                        let mut v = (*cur).clone();
                        crate::api::remove_at(&mut v, "/metadata/finalizers");
                        let _ = c.cluster.api.update(v, Subresource::Main);
                    }
                    c.cluster.settle();
                    if c.cluster.api.get(r, ns, name).is_err() {
                        return Ok(deleted_msg(r, name, ns, force));
                    }
                }
            }
            _ => {}
        }
    }
    let uid = c.cluster.api.get(r, ns, name).ok().map(|o| crate::api::str_at(&o, "/metadata/uid").to_string());
    // gone, or replaced by a new object of the same name (a static pod's mirror)
    let gone = |c: &Console| c.cluster.api.get(r, ns, name).map(|o| Some(crate::api::str_at(&o, "/metadata/uid").to_string()) != uid).unwrap_or(true);
    match c.cluster.api.delete(r, ns, name, grace) {
        Err(e) if ignore_not_found && e.reason == "NotFound" => return Ok(String::new()),
        Err(e) => return Err(e.kubectl()),
        Ok((_, Deleted::Now)) => c.cluster.settle(),
        Ok((_, Deleted::Graceful)) => {
            c.cluster.settle();
            if wait {
                // Bounded: the grace period plus a minute, stepping from timer to timer.
                let limit = c.cluster.now() + (grace.unwrap_or(30).max(0) + 60) * 1000;
                while !gone(c) && c.cluster.now() < limit {
                    let next = c.cluster.next_timer().unwrap_or(limit).min(limit);
                    let step = (next - c.cluster.now()).max(100);
                    c.cluster.advance(step);
                }
            }
        }
    }
    let mut msg = deleted_msg(r, name, ns, force);
    if force {
        msg = format!("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n{}", msg);
    }
    Ok(msg)
}

const DELETE_FLAGS: &[Flag] = &[
    val("filename", Some('f')),
    val("selector", Some('l')),
    val("field-selector", None),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    val("grace-period", None),
    boolean("force", None),
    boolean("now", None),
    boolean("ignore-not-found", None),
    val("cascade", None),
    val("wait", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("timeout", None),
    boolean("recursive", Some('R')),
];

pub fn delete(c: &mut Console, words: &[String], stdin: &str) -> Out {
    let a = match args::parse("kubectl delete", words, DELETE_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    if a.present("filename") {
        return super::apply::run(c, super::apply::Verb::Delete, words, stdin);
    }
    if a.pos.is_empty() {
        return Out::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let ts = match get::targets(&a.pos) {
        Ok(t) => t,
        Err(e) => return Out::err(e),
    };
    let has_sel = a.present("selector") || a.present("field-selector") || a.on("all");
    if ts.iter().any(|t| t.names.is_empty()) && !has_sel {
        return Out::err("error: resource(s) were provided, but no name was specified");
    }
    let (sel, fsel) = match get::selectors(&a) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (ns, all_ns) = get::namespace(&a);
    let opts = match DeleteOpts::from_args(&a) {
        Ok(o) => o,
        Err(e) => return Out::err(e),
    };
    if a.on("force") && opts.grace.is_none() {
        return Out::err("error: --force and --grace-period greater than 0 cannot be specified together");
    }
    let mut out = Out::ok("");
    let mut errors = vec![];
    let mut found = 0;
    for t in &ts {
        let objs = get::fetch(c, t, &ns, all_ns, &sel, &fsel, &mut errors);
        for o in objs {
            found += 1;
            let ons = crate::api::namespace(&o).to_string();
            match delete_one(c, t.r, &ons, crate::api::name(&o), &opts) {
                Ok(m) if !m.is_empty() => {
                    out.stdout.push_str(&m);
                    out.stdout.push('\n');
                }
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
    }
    if a.on("ignore-not-found") {
        errors.retain(|e| !e.contains("(NotFound)"));
    }
    if found == 0 && errors.is_empty() && has_sel {
        out.stderr.push_str(&if all_ns { "No resources found\n".to_string() } else { format!("No resources found in {} namespace.\n", ns) });
    }
    for e in &errors {
        out.stderr.push_str(e);
        out.stderr.push('\n');
        out.code = 1;
    }
    out
}

const META_FLAGS: &[Flag] = &[boolean("overwrite", None), boolean("all", None), val("selector", Some('l')), boolean("all-namespaces", Some('A')), val("dry-run", None), val("output", Some('o')), boolean("list", None), val("resource-version", None), val("field-selector", None)];

/// `kubectl label` and `kubectl annotate`.
pub fn label_or_annotate(c: &mut Console, words: &[String], annotate: bool) -> Out {
    let cmd = if annotate { "kubectl annotate" } else { "kubectl label" };
    let a = match args::parse(cmd, words, META_FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    // split resources from KEY=VAL / KEY- arguments
    let (changes, res_args): (Vec<String>, Vec<String>) = a.pos.iter().cloned().partition(|p| p.contains('=') || (p.ends_with('-') && !p.contains('/')));
    let ts = match get::targets(&res_args) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => return Out::err(format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee '{} -h' for help and examples", cmd)),
        Err(e) => return Out::err(e),
    };
    if changes.is_empty() && !a.on("list") {
        return Out::err(format!("error: at least one {} update is required\nSee '{} -h' for help and examples", if annotate { "annotation" } else { "label" }, cmd));
    }
    let mut set: Vec<(String, String)> = vec![];
    let mut remove: Vec<String> = vec![];
    for ch in &changes {
        if let Some((k, v)) = ch.split_once('=') {
            if !annotate {
                if let Err(m) = crate::apiserver::validation::label_value(v) {
                    return Out::err(format!("error: invalid label value: \"{}\": {}", ch, m.join("; ")));
                }
            }
            if let Err(m) = crate::apiserver::validation::qualified_name(k) {
                return Out::err(format!("error: invalid {} format: {}", if annotate { "annotation" } else { "label" }, m.join("; ")));
            }
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = ch.strip_suffix('-') {
            remove.push(k.to_string());
        }
    }
    let sel = match a.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return Out::err(format!("error: {}", e)),
    };
    let (ns, all_ns) = get::namespace(&a);
    let field = if annotate { "annotations" } else { "labels" };
    let mut out = Out::ok("");
    let mut errors = vec![];
    for t in &ts {
        if t.names.is_empty() && !a.on("all") && !a.present("selector") {
            return Out::err(format!("error: resource(s) were provided, but no name was specified"));
        }
        let objs = get::fetch(c, t, &ns, all_ns, &sel, &FieldSelector::default(), &mut errors);
        for o in objs {
            let current = crate::api::labels::map_of(o.pointer(&format!("/metadata/{}", field)));
            if let Some((k, _)) = set.iter().find(|(k, v)| current.get(k).is_some_and(|cv| cv != v) && !a.on("overwrite")) {
                errors.push(format!("error: '{}' already has a value ({}), and --overwrite is false", k, current[k]));
                continue;
            }
            let mut patch = json!({"metadata": {field: {}}});
            for (k, v) in &set {
                patch["metadata"][field][k] = json!(v);
            }
            for k in &remove {
                if current.contains_key(k) {
                    patch["metadata"][field][k] = Value::Null;
                }
            }
            let before = o.pointer("/metadata/resourceVersion").cloned();
            let ons = crate::api::namespace(&o).to_string();
            match c.cluster.api.patch(t.r, &ons, crate::api::name(&o), PatchType::Merge, &patch, Subresource::Main) {
                Ok(v) => {
                    let changed = v.pointer("/metadata/resourceVersion").cloned() != before;
                    let word = match (annotate, changed, set.is_empty()) {
                        (false, false, _) => "not labeled",
                        (false, true, true) => "unlabeled",
                        (false, true, false) => "labeled",
                        (true, false, _) => "not annotated",
                        (true, true, _) => "annotated",
                    };
                    out.stdout.push_str(&format!("{} {}\n", kind_name(t.r, crate::api::name(&o)), word));
                }
                Err(e) => errors.push(e.kubectl()),
            }
        }
    }
    c.cluster.settle();
    for e in errors {
        out.stderr.push_str(&e);
        out.stderr.push('\n');
        out.code = 1;
    }
    out
}

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

/// `node/NAME tainted` on success, the apiserver's error otherwise.
fn report_node<T>(out: &mut Out, node: &str, word: &str, result: Result<T, crate::apiserver::ApiError>) {
    match result {
        Ok(_) => out.stdout.push_str(&format!("node/{} {}\n", node, word)),
        Err(e) => {
            out.stderr.push_str(&e.kubectl());
            out.stderr.push('\n');
            out.code = 1;
        }
    }
}

/// `kubectl cordon|uncordon NODE`
pub fn cordon(c: &mut Console, words: &[String], on: bool) -> Out {
    let cmd = if on { "kubectl cordon" } else { "kubectl uncordon" };
    let a = match args::parse(cmd, words, &[val("selector", Some('l')), val("dry-run", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let names: Vec<String> = if let Some(s) = a.get("selector") {
        let sel = match Selector::parse(s) {
            Ok(s) => s,
            Err(e) => return Out::err(format!("error: {}", e)),
        };
        c.cluster.api.list_kind("Node", None).iter().filter(|n| sel.matches(&crate::api::labels::labels_of(n))).map(|n| crate::api::name(n).to_string()).collect()
    } else {
        a.pos.iter().map(|p| p.strip_prefix("node/").or_else(|| p.strip_prefix("nodes/")).unwrap_or(p).to_string()).collect()
    };
    if names.is_empty() {
        return Out::err(format!("error: USAGE: {} NODE [flags]\nSee '{} -h' for help and examples", cmd.trim_start_matches("kubectl "), cmd));
    }
    let mut out = Out::ok("");
    for n in names {
        let Some(node) = c.cluster.api.get_kind("Node", "", &n) else {
            out.stderr.push_str(&format!("Error from server (NotFound): nodes \"{}\" not found\n", n));
            out.code = 1;
            continue;
        };
        let is = node.pointer("/spec/unschedulable").and_then(Value::as_bool).unwrap_or(false);
        let word = if on { "cordoned" } else { "uncordoned" };
        if is == on {
            out.stdout.push_str(&format!("node/{} already {}\n", n, word));
            continue;
        }
        let patch = if on { json!({"spec": {"unschedulable": true}}) } else { json!({"spec": {"unschedulable": null}}) };
        report_node(&mut out, &n, word, c.cluster.api.patch(crate::api::resources::by_kind("Node").expect("served"), "", &n, PatchType::Merge, &patch, Subresource::Main));
    }
    c.cluster.settle();
    out
}
