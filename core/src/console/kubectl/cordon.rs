//! `kubectl cordon` and `kubectl uncordon`: spec.unschedulable on nodes.

use super::args::{self, val};
use crate::api::labels::Selector;
use crate::apiserver::patch::PatchType;
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::{json, Value};

/// `node/NAME tainted` on success, the apiserver's error otherwise.
pub(super) fn report_node<T>(out: &mut Out, node: &str, word: &str, result: Result<T, crate::apiserver::ApiError>) {
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
