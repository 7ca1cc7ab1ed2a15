//! PATCH bodies: JSON merge patch (RFC 7386) and the strategic merge patch kubectl sends, which
//! merges lists of named things (containers, ports, env …) by their key instead of replacing.

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Strategic,
}

/// Lists merged by key in a strategic merge patch (patchMergeKey in the Go types).
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        // a container's ports merge by containerPort, a Service's by port (ServicePort's
        // patchMergeKey); `merge` tells them apart by what the patch's items carry
        "ports" => "containerPort",
        "conditions" => "type",
        "tolerations" | "taints" => return None,
        _ => return None,
    })
}

pub fn apply(typ: PatchType, target: &mut Value, patch: &Value) {
    merge(typ, target, patch);
}

fn merge(typ: PatchType, target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(pm) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            let tm = target.as_object_mut().expect("made an object above");
            for (k, v) in pm {
                if v.is_null() {
                    tm.shift_remove(k);
                } else {
                    let entry = tm.entry(k.clone()).or_insert(Value::Null);
                    if v.is_object() {
                        merge(typ, entry, v);
                    } else if let (PatchType::Strategic, Value::Array(pa), Some(key)) = (typ, v, merge_key(k)) {
                        let key = if k == "ports" && !pa.iter().any(|p| p.get("containerPort").is_some()) { "port" } else { key };
                        merge_list(entry, pa, key);
                    } else {
                        *entry = v.clone();
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

fn merge_list(target: &mut Value, patch: &[Value], key: &str) {
    let mut current: Vec<Value> = target.as_array().cloned().unwrap_or_default();
    for p in patch {
        let k = p.get(key);
        if p.get("$patch").and_then(Value::as_str) == Some("delete") {
            current.retain(|c| c.get(key) != k);
            continue;
        }
        match current.iter_mut().find(|c| k.is_some() && c.get(key) == k) {
            Some(c) => merge(PatchType::Strategic, c, p),
            None => current.push(p.clone()),
        }
    }
    *target = Value::Array(current);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // ServicePort's patchMergeKey is "port" (core/v1 types.go): patching a Service's nodePort
    // merges into the existing port instead of adding a second, unnamed one.
    #[test]
    fn service_ports_merge_by_port() {
        let mut t = json!({"spec": {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}});
        apply(PatchType::Strategic, &mut t, &json!({"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}}));
        assert_eq!(t, json!({"spec": {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 30080}], "type": "NodePort"}}));
    }

    #[test]
    fn merge_patch_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        apply(PatchType::Merge, &mut t, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "nginx:1"}, {"name": "b", "image": "redis"}]}});
        apply(PatchType::Strategic, &mut t, &json!({"spec": {"containers": [{"name": "a", "image": "nginx:2"}]}}));
        assert_eq!(t["spec"]["containers"][0]["image"], "nginx:2");
        assert_eq!(t["spec"]["containers"][1]["image"], "redis");
        let mut t2 = t.clone();
        apply(PatchType::Merge, &mut t2, &json!({"spec": {"containers": [{"name": "a", "image": "x"}]}}));
        assert_eq!(t2["spec"]["containers"].as_array().unwrap().len(), 1);
    }
}

/// JSON patch (RFC 6902): add, remove, replace, move, copy and test on JSON pointers, as
/// `kubectl patch --type=json` sends. Errors read as the apiserver's.
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let Some(ops) = ops.as_array() else { return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into()) };
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).ok_or("missing path")?.to_string();
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let value = || op.get("value").cloned().ok_or_else(|| format!("missing value for op {:?}", kind));
        match kind {
            "add" => add(target, &path, value()?)?,
            "remove" => {
                remove(target, &path)?;
            }
            "replace" => {
                remove(target, &path).map_err(|_| format!("jsonpatch replace operation does not apply: doc is missing key: {}: missing value", path))?;
                add(target, &path, value()?)?;
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).ok_or("missing from")?;
                let v = if kind == "move" { remove(target, from)? } else { crate::api::at(target, from).cloned().ok_or_else(|| format!("copy from {} does not exist", from))? };
                add(target, &path, v)?;
            }
            "test" => {
                if crate::api::at(target, &path) != Some(&value()?) {
                    return Err(format!("testing value {} failed: test failed", path));
                }
            }
            other => return Err(format!("Unexpected kind: {}", other)),
        }
    }
    Ok(())
}

fn unescape(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

fn parent<'a>(target: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let (p, last) = path.rsplit_once('/').ok_or_else(|| format!("invalid path {:?}", path))?;
    let parent = if p.is_empty() { Some(target) } else { target.pointer_mut(p) };
    let parent = parent.ok_or_else(|| format!("jsonpatch add operation does not apply: doc is missing path: {:?}: missing value", path))?;
    Ok((parent, unescape(last)))
}

fn add(target: &mut Value, path: &str, v: Value) -> Result<(), String> {
    let (parent, key) = parent(target, path)?;
    match parent {
        Value::Object(m) => {
            m.insert(key, v);
            Ok(())
        }
        Value::Array(a) => {
            let i = if key == "-" { a.len() } else { key.parse::<usize>().map_err(|_| format!("invalid index {:?}", key))? };
            if i > a.len() {
                return Err(format!("jsonpatch add operation does not apply: doc is missing path: {:?}: missing value", path));
            }
            a.insert(i, v);
            Ok(())
        }
        _ => Err(format!("jsonpatch add operation does not apply: doc is missing path: {:?}: missing value", path)),
    }
}

fn remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let missing = || format!("jsonpatch remove operation does not apply: doc is missing path: {:?}: missing value", path);
    let (parent, key) = parent(target, path).map_err(|_| missing())?;
    match parent {
        Value::Object(m) => m.shift_remove(&key).ok_or_else(missing),
        Value::Array(a) => {
            let i = key.parse::<usize>().map_err(|_| missing())?;
            if i < a.len() {
                Ok(a.remove(i))
            } else {
                Err(missing())
            }
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod json_patch_tests {
    use super::*;
    use serde_json::json;

    // RFC 6902 appendix A examples: add to an array, replace, remove, test.
    #[test]
    fn rfc_examples() {
        let mut d = json!({"foo": ["bar", "baz"]});
        json_patch(&mut d, &json!([{"op": "add", "path": "/foo/1", "value": "qux"}])).unwrap();
        assert_eq!(d, json!({"foo": ["bar", "qux", "baz"]}));
        json_patch(&mut d, &json!([{"op": "remove", "path": "/foo/0"}, {"op": "replace", "path": "/foo/0", "value": "x"}, {"op": "add", "path": "/foo/-", "value": "end"}])).unwrap();
        assert_eq!(d, json!({"foo": ["x", "baz", "end"]}));
        assert!(json_patch(&mut d, &json!([{"op": "test", "path": "/foo/0", "value": "y"}])).is_err());
        assert!(json_patch(&mut d, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }
}
