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
