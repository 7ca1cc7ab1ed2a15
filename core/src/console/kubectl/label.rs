//! `kubectl label` and `kubectl annotate`.

use super::args::{self, boolean, val, Flag};
use super::resource;
use super::output::kind_name;
use crate::api::fields::FieldSelector;
use crate::api::labels::Selector;
use crate::apiserver::patch::PatchType;
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::{json, Value};

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
    let ts = match resource::targets(&res_args) {
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
    let (ns, all_ns) = resource::namespace(&a);
    let field = if annotate { "annotations" } else { "labels" };
    let mut out = Out::ok("");
    let mut errors = vec![];
    for t in &ts {
        if t.names.is_empty() && !a.on("all") && !a.present("selector") {
            return Out::err(format!("error: resource(s) were provided, but no name was specified"));
        }
        let objs = resource::fetch(c, t, &ns, all_ns, &sel, &FieldSelector::default(), &mut errors);
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
