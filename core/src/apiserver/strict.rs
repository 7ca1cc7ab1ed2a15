//! Strict decoding, as a v1.37 apiserver does with fieldValidation=Strict (kubectl's default):
//! the object is decoded into its typed k8s-openapi struct, any field the type does not know is
//! reported as `strict decoding error: unknown field "spec.contaners"`, and the typed value is
//! encoded back, so what is stored is always a well-formed object of its kind.

use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, coordination::v1 as coordination, core::v1 as core, discovery::v1 as discovery, scheduling::v1 as scheduling};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn path_string(path: &serde_ignored::Path) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{}]", path_string(parent), index),
        Path::Map { parent, key } => {
            let p = path_string(parent);
            if p.is_empty() { key.clone() } else { format!("{}.{}", p, key) }
        }
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => path_string(parent),
    }
}

fn roundtrip<T: DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let mut unknown = Vec::new();
    let typed: T = serde_ignored::deserialize(v, |p| unknown.push(path_string(&p))).map_err(|e| e.to_string())?;
    // apiVersion/kind are consumed by k8s-openapi itself; status on create is accepted as upstream.
    unknown.retain(|p| p != "apiVersion" && p != "kind");
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|u| format!("unknown field \"{}\"", u)).collect();
        return Err(format!("strict decoding error: {}", list.join(", ")));
    }
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// Returns the object as its type encodes it, or upstream's decoding error text
/// (`Pod in version "v1" cannot be handled as a Pod: …`).
pub fn decode(kind: &str, version: &str, v: &Value) -> Result<Value, String> {
    if let Err(e) = check_quantities(v) {
        return Err(format!("{} in version \"{}\" cannot be handled as a {}: {}", kind, version, kind, e));
    }
    let mut owned;
    let v = if needs_quantity_fix(v) {
        owned = v.clone();
        quantities_to_strings(&mut owned);
        &owned
    } else {
        v
    };
    let r = match kind {
        "Pod" => roundtrip::<core::Pod>(v),
        "Node" => roundtrip::<core::Node>(v),
        "Namespace" => roundtrip::<core::Namespace>(v),
        "Binding" => roundtrip::<core::Binding>(v),
        "Event" => roundtrip::<core::Event>(v),
        "ConfigMap" => roundtrip::<core::ConfigMap>(v),
        "Secret" => roundtrip::<core::Secret>(v),
        "Service" => roundtrip::<core::Service>(v),
        "Endpoints" => roundtrip::<core::Endpoints>(v),
        "ServiceAccount" => roundtrip::<core::ServiceAccount>(v),
        "ReplicationController" => roundtrip::<core::ReplicationController>(v),
        "ReplicaSet" => roundtrip::<apps::ReplicaSet>(v),
        "Deployment" => roundtrip::<apps::Deployment>(v),
        "DaemonSet" => roundtrip::<apps::DaemonSet>(v),
        "Job" => roundtrip::<batch::Job>(v),
        "CronJob" => roundtrip::<batch::CronJob>(v),
        "Lease" => roundtrip::<coordination::Lease>(v),
        "EndpointSlice" => roundtrip::<discovery::EndpointSlice>(v),
        "PriorityClass" => roundtrip::<scheduling::PriorityClass>(v),
        _ => Ok(v.clone()),
    };
    r.map_err(|e| format!("{} in version \"{}\" cannot be handled as a {}: {}", kind, version, kind, go_json_error(&e)))
}

const QUANTITY_MAPS: &[&str] = &["requests", "limits", "capacity", "allocatable", "overhead", "hard", "used"];

fn needs_quantity_fix(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| (QUANTITY_MAPS.contains(&k.as_str()) && x.as_object().is_some_and(|q| q.values().any(Value::is_number))) || needs_quantity_fix(x)),
        Value::Array(a) => a.iter().any(needs_quantity_fix),
        _ => false,
    }
}

/// resource.Quantity's UnmarshalJSON: every quantity must parse.
fn check_quantities(v: &Value) -> Result<(), String> {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if QUANTITY_MAPS.contains(&k.as_str()) {
                    for q in x.as_object().into_iter().flat_map(|q| q.values()) {
                        match q {
                            Value::String(s) => {
                                crate::api::quantity::Quantity::parse(s)?;
                            }
                            Value::Number(_) => {}
                            _ => return Err(crate::api::quantity::ERR_FORMAT.to_string()),
                        }
                    }
                }
                check_quantities(x)?;
            }
            Ok(())
        }
        Value::Array(a) => a.iter().try_for_each(check_quantities),
        _ => Ok(()),
    }
}

/// YAML `cpu: 1` is a number; resource.Quantity accepts it as upstream's JSON decoder does.
fn quantities_to_strings(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if QUANTITY_MAPS.contains(&k.as_str()) {
                    if let Some(q) = x.as_object_mut() {
                        for val in q.values_mut() {
                            if let Value::Number(n) = val {
                                *val = Value::String(n.to_string());
                            }
                        }
                    }
                }
                quantities_to_strings(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(quantities_to_strings),
        _ => {}
    }
}

/// serde's type errors read `invalid type: string "3", expected i32`; keep them, they are clear.
fn go_json_error(e: &str) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"contaners": [{"name": "a", "image": "nginx"}]}});
        assert_eq!(decode("Pod", "v1", &pod).unwrap_err(), "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.contaners\"");
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "nginx", "imagee": "x"}]}});
        assert!(decode("Pod", "v1", &pod).unwrap_err().ends_with("unknown field \"spec.containers[0].imagee\""));
    }

    #[test]
    fn the_notes_required_during_execution_is_rejected() {
        // The study notes mention requiredDuringSchedulingRequiredDuringExecution: planned
        // upstream, never implemented, so a real apiserver rejects it as an unknown field.
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "nginx"}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingRequiredDuringExecution": {}}}}});
        assert!(decode("Pod", "v1", &pod).unwrap_err().ends_with("unknown field \"spec.affinity.nodeAffinity.requiredDuringSchedulingRequiredDuringExecution\""));
    }

    #[test]
    fn quantities_are_canonicalised_to_strings() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": [{"name": "a", "image": "nginx", "resources": {"requests": {"cpu": 1}}}]}});
        let out = decode("Pod", "v1", &pod).unwrap();
        assert_eq!(out["spec"]["containers"][0]["resources"]["requests"]["cpu"], "1");
    }
}
