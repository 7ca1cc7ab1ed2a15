//! `kubectl get`: resolve TYPE[,TYPE] [NAME…] or TYPE/NAME…, filter by namespace and
//! selectors, and print in the requested format.

use super::args::{self, boolean, val, Flag};
use super::output::{self, Format, TableOpts};
use super::resource::{fetch, namespace, selectors, targets, Target};
use crate::api::resources::{self, ResourceInfo};
use crate::console::jsonpath::JsonPath;
use crate::console::{Console, Out};
use serde_json::Value;
use std::sync::Arc;

const FLAGS: &[Flag] = &[
    val("output", Some('o')),
    val("selector", Some('l')),
    val("field-selector", None),
    boolean("all-namespaces", Some('A')),
    boolean("show-labels", None),
    val("sort-by", None),
    boolean("no-headers", None),
    boolean("watch", Some('w')),
    boolean("watch-only", None),
    val("label-columns", Some('L')),
    boolean("ignore-not-found", None),
    boolean("show-kind", None),
    val("filename", Some('f')),
    val("chunk-size", None),
    val("raw", None),
    val("subresource", None),
];

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl get", words, FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    if a.pos.is_empty() && !a.present("filename") {
        return Out::err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
    }
    let fmt = match Format::parse(a.get("output")) {
        Ok(f) => f,
        Err(e) => return Out::err(e),
    };
    let (sel, fsel) = match selectors(&a) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut ts = match targets(&a.pos) {
        Ok(t) => t,
        Err(e) => return Out::err(e),
    };
    if let Some(f) = a.get("filename") {
        match super::resource::read_manifests(c, f) {
            Ok(objs) => {
                for o in objs {
                    if let Some(r) = resources::by_kind(crate::api::kind(&o)) {
                        ts.push(Target { r, names: vec![crate::api::name(&o).to_string()] });
                    }
                }
            }
            Err(e) => return Out::err(e),
        }
    }
    for t in &ts {
        if let Err(e) = fsel.check_supported(t.r.kind, t.r.version) {
            return Out::err(e);
        }
    }
    let (ns, all_ns) = namespace(&a);
    let now = c.cluster.now();
    let mut errors = vec![];
    let mut groups: Vec<(&'static ResourceInfo, Vec<Arc<Value>>)> = vec![];
    let named = ts.iter().any(|t| !t.names.is_empty());
    for t in &ts {
        let mut objs = fetch(c, t, &ns, all_ns, &sel, &fsel, &mut errors);
        if let Some(key) = a.get("sort-by") {
            if let Err(e) = sort_by(&mut objs, key) {
                return Out::err(e);
            }
        }
        groups.push((t.r, objs));
    }
    if a.on("ignore-not-found") {
        errors.retain(|e| !e.contains("(NotFound)"));
    }
    let total: usize = groups.iter().map(|g| g.1.len()).sum();
    let mut out = Out::ok("");
    match &fmt {
        Format::Table | Format::Wide => {
            let with_kind = ts.len() > 1 || a.on("show-kind");
            let mut sections = vec![];
            for (r, objs) in &groups {
                if objs.is_empty() {
                    continue;
                }
                let opts = TableOpts {
                    with_namespace: all_ns && r.namespaced,
                    show_labels: a.on("show-labels"),
                    no_headers: a.on("no-headers"),
                    label_columns: a.all("label-columns").iter().flat_map(|s| s.split(',').map(String::from).collect::<Vec<_>>()).collect(),
                    with_kind,
                };
                sections.push(output::table(r, objs, now, fmt == Format::Wide, &opts));
            }
            out.stdout = sections.join("\n");
        }
        Format::Name => {
            for (r, objs) in &groups {
                for o in objs {
                    out.stdout.push_str(&output::kind_name(r, crate::api::name(o)));
                    out.stdout.push('\n');
                }
            }
        }
        Format::Yaml | Format::Json | Format::JsonPath(_) | Format::CustomColumns(_) => {
            let all: Vec<Arc<Value>> = groups.iter().flat_map(|g| g.1.iter().cloned()).collect();
            let single = named && ts.len() == 1 && ts[0].names.len() == 1 && all.len() == 1;
            let data: Value = if single { (*all[0]).clone() } else { output::list_value(&all) };
            match &fmt {
                Format::JsonPath(t) => match output::jsonpath(t, &data) {
                    Ok(s) => out.stdout = s,
                    Err(e) => return Out::err(e),
                },
                Format::CustomColumns(cols) => {
                    if !all.is_empty() {
                        out.stdout = output::custom_columns(cols, &all, a.on("no-headers"));
                    }
                }
                _ => {
                    if !(all.is_empty() && !errors.is_empty()) {
                        out.stdout = output::yaml_or_json(&data, &fmt);
                    }
                }
            }
        }
    }
    for e in &errors {
        out.stderr.push_str(e);
        out.stderr.push('\n');
    }
    if !errors.is_empty() {
        out.code = 1;
    } else if total == 0 && !named && matches!(fmt, Format::Table | Format::Wide | Format::Name | Format::CustomColumns(_)) {
        let cluster_scoped = ts.iter().all(|t| !t.r.namespaced);
        out.stderr = if all_ns || cluster_scoped { "No resources found\n".into() } else { format!("No resources found in {} namespace.\n", ns) };
    }
    out
}

/// --sort-by: a JSONPath; numbers and quantities compare by value, strings lexically.
fn sort_by(objs: &mut [Arc<Value>], key: &str) -> Result<(), String> {
    let expr = if key.starts_with('{') { key.to_string() } else { format!("{{{}}}", key) };
    let jp = JsonPath::parse(&expr).map_err(|e| format!("error: {}", e))?;
    let k = |o: &Arc<Value>| -> (u8, f64, String) {
        match jp.values(o).first() {
            Some(Value::Number(n)) => (0, n.as_f64().unwrap_or(0.0), String::new()),
            Some(Value::String(s)) => match crate::api::quantity::Quantity::parse(s) {
                Ok(q) if !s.contains('-') || s.starts_with('-') => (0, q.milli() as f64, s.clone()),
                _ => (1, 0.0, s.clone()),
            },
            Some(other) => (1, 0.0, other.to_string()),
            None => (2, 0.0, String::new()),
        }
    };
    objs.sort_by(|a, b| {
        let (ka, kb) = (k(a), k(b));
        ka.0.cmp(&kb.0).then(ka.1.partial_cmp(&kb.1).unwrap_or(std::cmp::Ordering::Equal)).then(ka.2.cmp(&kb.2))
    });
    Ok(())
}
