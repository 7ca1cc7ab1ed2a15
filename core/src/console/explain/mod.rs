//! `kubectl explain`: field documentation for the kinds kubesim serves, printed with kubectl's
//! v2 plaintext template (staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl):
//! GROUP/KIND/VERSION, `FIELD: name <type>`, DESCRIPTION wrapped at 76 columns, FIELDS sorted
//! by name with `-required-` marks, and `--recursive` trees.
//!
//! The descriptions come from the Kubernetes OpenAPI (through k8s-openapi's v1_37 bindings;
//! `tools/gen/explain_docs.py` regenerates docs.json). The native binary embeds them; the web
//! app loads them on demand, so they cost the page nothing until used.

use super::Out;
use crate::api::resources;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The documentation data kubesim ships (for the native binary and tests).
pub fn builtin_json() -> &'static str {
    include_str!("docs.json")
}

#[derive(Debug)]
struct Field {
    name: String,
    /// `string`, `[]@io.k8s.api.core.v1.Container`, `map[string]Quantity` …
    typ: String,
    required: bool,
    desc: String,
}

#[derive(Debug)]
struct Def {
    desc: String,
    fields: Vec<Field>,
}

#[derive(Debug, Default)]
pub struct Docs {
    roots: BTreeMap<String, String>,
    defs: BTreeMap<String, Def>,
}

impl Docs {
    pub fn parse(json: &str) -> Result<Arc<Docs>, String> {
        let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut d = Docs::default();
        for (k, r) in v.get("roots").and_then(Value::as_object).into_iter().flatten() {
            d.roots.insert(k.clone(), r.as_str().unwrap_or("").to_string());
        }
        for (id, def) in v.get("defs").and_then(Value::as_object).into_iter().flatten() {
            let fields = def
                .get("f")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|f| Field {
                    name: f.get(0).and_then(Value::as_str).unwrap_or("").into(),
                    typ: f.get(1).and_then(Value::as_str).unwrap_or("").into(),
                    required: f.get(2).and_then(Value::as_i64) == Some(1),
                    desc: f.get(3).and_then(Value::as_str).unwrap_or("").into(),
                })
                .collect();
            d.defs.insert(id.clone(), Def { desc: def.get("d").and_then(Value::as_str).unwrap_or("").into(), fields });
        }
        Ok(Arc::new(d))
    }
}

/// The definition a type refers to, through `[]` and `map[string]`.
fn ref_of(typ: &str) -> Option<&str> {
    let t = typ.trim_start_matches("[]").trim_start_matches("map[string]").trim_start_matches("[]");
    t.strip_prefix('@')
}

/// typeGuess: a ref prints as its last name segment.
fn type_name(typ: &str) -> String {
    let mut out = String::new();
    let mut t = typ;
    loop {
        if let Some(r) = t.strip_prefix("[]") {
            out.push_str("[]");
            t = r;
        } else if let Some(r) = t.strip_prefix("map[string]") {
            out.push_str("map[string]");
            t = r;
        } else {
            break;
        }
    }
    match t.strip_prefix('@') {
        Some(id) => out.push_str(id.rsplit('.').next().unwrap_or("Object")),
        None => out.push_str(t),
    }
    out
}

/// mitchellh/go-wordwrap as sprig's `wrap` uses it: greedy, at spaces, keeping newlines.
fn wrap(s: &str, lim: usize) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut cur = 0;
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let wl = word.chars().count();
            if cur > 0 && cur + 1 + wl > lim {
                out.push('\n');
                cur = 0;
            } else if cur > 0 {
                out.push(' ');
                cur += 1;
            }
            out.push_str(word);
            cur += wl;
        }
    }
    out
}

/// sprig's `indent`: the pad before the text and after every newline.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{}{}", pad, s.replace('\n', &format!("\n{}", pad)))
}

pub fn explain(docs: Option<&Docs>, path: &str, recursive: bool) -> Out {
    let mut parts = path.split('.').filter(|p| !p.is_empty());
    let typed = parts.next().unwrap_or("");
    let Some(r) = resources::lookup(typed) else {
        return Out::err(format!("error: the server doesn't have a resource type \"{}\"", typed));
    };
    let Some(docs) = docs else {
        return Out::err("error: the API documentation is still loading; try again in a moment");
    };
    let Some(root) = docs.roots.get(r.kind) else {
        return Out::err(format!("error: GVK {} not found in OpenAPI schema", r.qualified_kind()));
    };
    let mut out = String::new();
    if !r.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", r.group));
    }
    out.push_str(&format!("KIND:       {}\nVERSION:    {}\n\n", r.kind, r.version));
    let mut def_id = root.clone();
    // the description shown: the field's own, then its type's (the template's "description")
    let mut desc = docs.defs.get(&def_id).map(|d| format!("{}\n", d.desc)).unwrap_or_default();
    let path: Vec<&str> = parts.collect();
    for (i, name) in path.iter().enumerate() {
        let def = docs.defs.get(&def_id);
        let Some(f) = def.and_then(|d| d.fields.iter().find(|f| f.name == *name)) else {
            return Out::err(format!("error: field \"{}\" does not exist", name));
        };
        if i + 1 == path.len() {
            out.push_str(&format!("FIELD: {} <{}>\n\n\n", f.name, type_name(&f.typ)));
        }
        desc = if f.desc.is_empty() { String::new() } else { format!("{}\n", f.desc) };
        match ref_of(&f.typ) {
            Some(id) => {
                if let Some(d) = docs.defs.get(id) {
                    if !d.desc.is_empty() {
                        desc.push_str(&d.desc);
                        desc.push('\n');
                    }
                }
                def_id = id.to_string();
            }
            None if i + 1 < path.len() => {
                return Out::err(format!("error: field \"{}\" does not exist", path[i + 1]));
            }
            None => def_id = String::new(),
        }
    }
    out.push_str("DESCRIPTION:\n");
    let d = if desc.is_empty() { "<empty>".to_string() } else { desc };
    out.push_str(&indent(&wrap(&d, 76), 4));
    out.push('\n');
    if let Some(def) = docs.defs.get(&def_id).filter(|d| !d.fields.is_empty()) {
        out.push_str("FIELDS:\n");
        field_list(docs, def, 1, recursive, &mut vec![def_id.clone()], &mut out);
    }
    Out::ok(out)
}

fn field_list(docs: &Docs, def: &Def, level: usize, recursive: bool, history: &mut Vec<String>, out: &mut String) {
    let ind = level * 2;
    for f in &def.fields {
        out.push_str(&format!("{}\t<{}>{}\n", indent(&f.name, ind), type_name(&f.typ), if f.required { " -required-" } else { "" }));
        if recursive {
            if let Some(id) = ref_of(&f.typ) {
                if !history.iter().any(|h| h == id) {
                    if let Some(sub) = docs.defs.get(id) {
                        history.push(id.to_string());
                        field_list(docs, sub, level + 1, recursive, history, out);
                        history.pop();
                    }
                }
            }
        } else {
            let d = if f.desc.is_empty() { "<no description>" } else { f.desc.as_str() };
            out.push_str(&indent(&wrap(d, 78 - ind), ind + 2));
            out.push_str("\n\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_go_wordwrap() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("a\nb c", 3), "a\nb c");
        assert_eq!(indent("a\nb", 2), "  a\n  b");
    }
}
