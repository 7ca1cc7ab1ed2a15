//! API objects and the machinery every component shares: the kinds served, quantities, label
//! and field selectors, manifests, timestamps. Objects travel as JSON values (like
//! apimachinery's unstructured); typed k8s-openapi structs check them at the apiserver.

pub mod cron;
pub mod fields;
pub mod labels;
pub mod manifest;
pub mod quantity;
pub mod resources;
pub mod time;

use serde_json::Value;

pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

pub fn name(v: &Value) -> &str {
    str_at(v, "/metadata/name")
}

pub fn namespace(v: &Value) -> &str {
    str_at(v, "/metadata/namespace")
}

pub fn kind(v: &Value) -> &str {
    str_at(v, "/kind")
}

/// Sets a value at a JSON pointer, creating objects on the way.
pub fn set_at(v: &mut Value, pointer: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    for (i, p) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = Value::Object(Default::default());
        }
        let map = cur.as_object_mut().expect("made an object above");
        if i + 1 == parts.len() {
            map.insert(p.to_string(), new);
            return;
        }
        cur = map.entry(p.to_string()).or_insert_with(|| Value::Object(Default::default()));
    }
}

/// Removes a key at a JSON pointer, if present.
pub fn remove_at(v: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let target = if parent.is_empty() { Some(v) } else { v.pointer_mut(parent) };
    target.and_then(Value::as_object_mut).and_then(|m| m.shift_remove(last))
}
