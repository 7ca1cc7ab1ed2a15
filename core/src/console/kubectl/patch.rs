//! `kubectl patch (TYPE NAME | TYPE/NAME) -p PATCH [--type strategic|merge|json]`: the patch is
//! JSON or YAML; strategic merge is the default for built-in kinds.

use super::args::{self, val};
use crate::apiserver::patch::{json_patch, PatchType};
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::Value;

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl patch", words, &[val("patch", Some('p')), val("type", None), val("patch-file", None), val("subresource", None), val("output", Some('o')), val("dry-run", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let (kind, name) = match a.pos.as_slice() {
        [tn] if tn.contains('/') => {
            let (t, n) = tn.split_once('/').unwrap_or_default();
            (t.to_string(), n.to_string())
        }
        [t, n] => (t.clone(), n.clone()),
        _ => return Out::err("error: must specify TYPE and NAME, or TYPE/NAME\nSee 'kubectl patch -h' for help and examples"),
    };
    let Some(r) = crate::api::resources::lookup(&kind) else { return Out::err(format!("error: the server doesn't have a resource type \"{}\"", kind)) };
    let text = match (a.get("patch"), a.get("patch-file")) {
        (Some(p), _) => p.to_string(),
        (None, Some(f)) => match c.files.read(f) {
            Ok(t) => t,
            Err(e) => return Out::err(format!("error: unable to read patch file: {}", e)),
        },
        (None, None) => return Out::err("error: must specify --patch or --patch-file containing the contents of the patch"),
    };
    let body: Value = match serde_yaml::from_str(&text) {
        Ok(v) => v,
        Err(e) => return Out::err(format!("error: unable to parse \"{}\": {}", text, e)),
    };
    let ns = if r.namespaced { a.get("namespace").unwrap_or("default").to_string() } else { String::new() };
    let sub = if a.get("subresource") == Some("status") { Subresource::Status } else { Subresource::Main };
    let Ok(cur) = c.cluster.api.get(r, &ns, &name) else {
        return Out::err(format!("Error from server (NotFound): {} \"{}\" not found", r.qualified_plural(), name));
    };
    let result = match a.get("type").unwrap_or("strategic") {
        "strategic" | "merge" => {
            if !body.is_object() {
                return Out::err("error: unable to parse patch: json: cannot unmarshal array into Go value of type map[string]interface {}");
            }
            let typ = if a.get("type") == Some("merge") { PatchType::Merge } else { PatchType::Strategic };
            c.cluster.api.patch(r, &ns, &name, typ, &body, sub)
        }
        "json" => {
            let mut patched = (*cur).clone();
            if let Err(e) = json_patch(&mut patched, &body) {
                return Out::err(format!("Error from server: {}", e));
            }
            c.cluster.api.update(patched, sub)
        }
        other => return Out::err(format!("error: --type must be one of [json merge strategic], not \"{}\"", other)),
    };
    match result {
        Ok(new) => {
            c.cluster.settle();
            let same = new.get("spec") == cur.get("spec") && new.get("metadata").map(|m| (m.get("labels"), m.get("annotations"))) == cur.get("metadata").map(|m| (m.get("labels"), m.get("annotations"))) && new.get("status") == cur.get("status") && new.get("data") == cur.get("data");
            Out::ok(format!("{}/{} patched{}\n", r.qualified_kind().to_lowercase(), name, if same { " (no change)" } else { "" }))
        }
        Err(e) => Out::err(e.to_string()),
    }
}
