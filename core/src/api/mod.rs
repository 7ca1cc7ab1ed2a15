//! API objects and the machinery every component shares: the kinds served, quantities, label
//! and field selectors, manifests, timestamps. Objects travel as JSON values (like
//! apimachinery's unstructured); typed k8s-openapi structs check them at the apiserver.

pub mod cron;
pub mod ext;
pub mod fields;
pub mod labels;
pub mod manifest;
pub mod image;
pub mod quantity;
pub mod requests;
pub mod scheduling;
pub mod resources;
pub mod time;
pub mod validation;

use serde_json::Value;

pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    at(v, pointer).and_then(Value::as_str).unwrap_or("")
}

/// `Value::pointer` without its per-token allocations (serde_json unescapes every token into a
/// new String); tokens with `~` escapes take the slow path. Hot: every component reads
/// objects through it, and printing a thousand pods reads tens of thousands of fields — so
/// it works on bytes (no char searchers, no memcmp calls, which WebAssembly does not inline).
pub fn at<'a>(v: &'a Value, pointer: &str) -> Option<&'a Value> {
    let bytes = pointer.as_bytes();
    if bytes.contains(&b'~') {
        return v.pointer(pointer);
    }
    if bytes.is_empty() {
        return Some(v);
    }
    if bytes[0] != b'/' {
        return None;
    }
    let mut cur = v;
    let mut start = 1;
    loop {
        let end = bytes[start..].iter().position(|&b| b == b'/').map_or(bytes.len(), |p| start + p);
        let token = &bytes[start..end];
        cur = match cur {
            Value::Object(m) => field(m, token)?,
            Value::Array(a) => {
                if token.len() > 1 && token[0] == b'0' || token.first() == Some(&b'+') {
                    return None;
                }
                a.get(pointer[start..end].parse::<usize>().ok()?)?
            }
            _ => return None,
        };
        if end == bytes.len() {
            return Some(cur);
        }
        start = end + 1;
    }
}

/// A field of a JSON object. Objects are small (a pod's `status` has a handful of keys):
/// comparing the few keys beats hashing the name (SipHash) to probe the map.
fn field<'a>(m: &'a serde_json::Map<String, Value>, key: &[u8]) -> Option<&'a Value> {
    if m.len() <= 12 {
        m.iter().find(|(k, _)| same(k.as_bytes(), key)).map(|(_, v)| v)
    } else {
        // a slice of a &str cut at ASCII bytes is valid UTF-8
        m.get(std::str::from_utf8(key).ok()?)
    }
}

/// Short byte strings compared in a loop the compiler inlines (keys differ early).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
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

/// The JSON type name of a value, as Go's encoding/json names it in errors.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

/// Sets a value at a JSON pointer, creating objects on the way.
pub fn set_at(v: &mut Value, pointer: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
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
    target.and_then(Value::as_object_mut).and_then(|m| m.shift_remove(&unescape_token(last)))
}

/// JSON pointer escaping (RFC 6901): `~1` is `/`, `~0` is `~`.
fn unescape_token(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_unescape() {
        let mut v = json!({});
        set_at(&mut v, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", json!("x"));
        assert_eq!(v["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"], "x");
        assert_eq!(remove_at(&mut v, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"), Some(json!("x")));
    }
}
