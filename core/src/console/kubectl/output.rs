//! kubectl's output formats (-o): tables (default, wide), yaml, json, name, jsonpath,
//! custom-columns, and the `List` wrapper for several objects.

use super::printers;
use crate::api::resources::ResourceInfo;
use crate::api::time::Millis;
use crate::console::jsonpath::{print_value, JsonPath};
use crate::text::{table, yaml};
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    JsonPath(String),
    CustomColumns(Vec<(String, String)>),
}

impl Format {
    pub fn parse(o: Option<&str>) -> Result<Format, String> {
        let Some(o) = o else { return Ok(Format::Table) };
        Ok(match o {
            "" => Format::Table,
            "wide" => Format::Wide,
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            _ if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
                let t = o.split_once('=').map(|x| x.1).unwrap_or("");
                JsonPath::parse(t).map_err(|e| format!("error: error parsing jsonpath {}, {}", t, e))?;
                Format::JsonPath(t.to_string())
            }
            _ if o.starts_with("custom-columns=") => {
                let spec = &o["custom-columns=".len()..];
                let mut cols = vec![];
                for part in spec.split(',') {
                    let Some((h, p)) = part.split_once(':') else {
                        return Err(format!("error: unexpected custom-columns spec: {}, expected <header>:<json-path-expr>", part));
                    };
                    let expr = if p.starts_with('{') { p.to_string() } else { format!("{{{}}}", if p.starts_with('.') { p.to_string() } else { format!(".{}", p) }) };
                    JsonPath::parse(&expr).map_err(|e| format!("error: {}", e))?;
                    cols.push((h.to_string(), expr));
                }
                Format::CustomColumns(cols)
            }
            other => {
                return Err(format!(
                    "error: unable to match a printer suitable for the output format \"{}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml",
                    other
                ))
            }
        })
    }
}

pub struct TableOpts {
    pub with_namespace: bool,
    pub show_labels: bool,
    pub no_headers: bool,
    pub label_columns: Vec<String>,
    /// prefix names with `pod/` (several kinds requested)
    pub with_kind: bool,
}

/// The name kubectl prints for -o name and in mixed-kind tables: `pod/x`, `deployment.apps/x`.
pub fn kind_name(r: &ResourceInfo, name: &str) -> String {
    if r.group.is_empty() {
        format!("{}/{}", r.singular, name)
    } else {
        format!("{}.{}/{}", r.singular, r.group, name)
    }
}

pub fn table(r: &ResourceInfo, objs: &[Arc<Value>], now: Millis, wide: bool, o: &TableOpts) -> String {
    let mut headers: Vec<String> = printers::headers(r.kind, wide).iter().map(|s| s.to_string()).collect();
    if o.with_namespace {
        headers.insert(0, "NAMESPACE".into());
    }
    for l in &o.label_columns {
        headers.push(l.rsplit('/').next().unwrap_or(l).to_uppercase());
    }
    if o.show_labels {
        headers.push("LABELS".into());
    }
    let rows: Vec<Vec<String>> = objs
        .iter()
        .map(|v| {
            let mut row = printers::row(r.kind, v, now, wide);
            if o.with_kind && r.kind != "Event" {
                row[0] = kind_name(r, &row[0]);
            }
            if o.with_namespace {
                row.insert(0, crate::api::namespace(v).to_string());
            }
            if o.label_columns.is_empty() && !o.show_labels {
                return row;
            }
            let labels = crate::api::labels::labels_of(v);
            for l in &o.label_columns {
                row.push(labels.get(l).cloned().unwrap_or_default());
            }
            if o.show_labels {
                let s = labels.iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(",");
                row.push(if s.is_empty() { "<none>".into() } else { s });
            }
            row
        })
        .collect();
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    table::render(&h, &rows, o.no_headers)
}

/// Several objects as one `kind: List`, as kubectl wraps them for -o yaml/json.
pub fn list_value(objs: &[Arc<Value>]) -> Value {
    json!({"apiVersion": "v1", "items": objs.iter().map(|o| (**o).clone()).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// JSON as kubectl prints it: 4-space indent, top-level fields apiVersion, kind, metadata first.
pub fn to_json(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    let ordered = order_keys(v);
    let _ = serde::Serialize::serialize(&ordered, &mut ser);
    let mut s = String::from_utf8(buf).unwrap_or_default();
    s.push('\n');
    s
}

fn order_keys(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            const FIRST: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
            keys.sort_by_key(|k| (FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()), (*k).clone()));
            Value::Object(keys.into_iter().map(|k| (k.clone(), order_keys(&m[k]))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(order_keys).collect()),
        other => other.clone(),
    }
}

pub fn yaml_or_json(v: &Value, f: &Format) -> String {
    match f {
        Format::Json => to_json(v),
        _ => yaml::to_yaml(v),
    }
}

pub fn jsonpath(template: &str, data: &Value) -> Result<String, String> {
    let jp = JsonPath::parse(template).map_err(|e| format!("error: error parsing jsonpath {}, {}", template, e))?;
    jp.execute(data).map_err(|e| format!("error: error executing jsonpath {:?}: Error executing template: {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\tobject given to jsonpath engine was:\n\t\t{}\n", template, e, template, data))
}

pub fn custom_columns(cols: &[(String, String)], objs: &[Arc<Value>], no_headers: bool) -> String {
    let parsed: Vec<JsonPath> = cols.iter().filter_map(|(_, e)| JsonPath::parse(e).ok()).collect();
    let rows: Vec<Vec<String>> = objs
        .iter()
        .map(|o| {
            parsed
                .iter()
                .map(|jp| {
                    let vals = jp.values(o);
                    if vals.is_empty() { "<none>".into() } else { vals.iter().map(print_value).collect::<Vec<_>>().join(",") }
                })
                .collect()
        })
        .collect();
    let h: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    table::render(&h, &rows, no_headers)
}
