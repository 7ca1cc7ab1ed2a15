//! `kubectl apply|create|replace|delete -f`: manifests from stdin (`-`) or files, each object
//! sent to the apiserver with kubectl's messages. apply is kubectl's client-side apply: the
//! last-applied-configuration annotation drives a three-way merge, and the result is
//! `created`, `configured` or `unchanged`.

use super::resource;
use super::output::kind_name;
use crate::api::resources::ResourceInfo;
use crate::apiserver::patch::{self, PatchType};
use crate::apiserver::Subresource;
use crate::console::{Console, Out};
use serde_json::{json, Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Apply,
    Create,
    Replace,
}

/// Sorted-key compact JSON, as Go's json.Marshal of an unstructured object.
fn go_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect::<Map<String, Value>>())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            o => o.clone(),
        }
    }
    sort(v).to_string()
}

pub fn run(c: &mut Console, verb: Verb, words: &[String], stdin: &str) -> Out {
    let cmd = match verb {
        Verb::Apply => "kubectl apply",
        Verb::Create => "kubectl create",
        Verb::Replace => "kubectl replace",
    };
    resource::visit(c, cmd, words, stdin, false, &mut |c, a, r, obj, ns, dry, source| match verb {
        Verb::Apply => apply_one(c, r, obj, ns, dry, source),
        Verb::Create => create_one(c, r, obj, ns, dry, source, a.on("save-config")),
        Verb::Replace => replace_one(c, r, obj, ns, dry, source, a.on("force")),
    })
}

fn with_ns(obj: &mut Value, r: &ResourceInfo, ns: &str) {
    if r.namespaced {
        crate::api::set_at(obj, "/metadata/namespace", json!(ns));
    }
}

fn create_one(c: &mut Console, r: &ResourceInfo, obj: &mut Value, ns: &str, dry: &str, source: &str, save_config: bool) -> Result<String, String> {
    if r.kind == "Binding" {
        // POST pods/NAME/binding: the manual scheduling of the study notes
        let pod = crate::api::name(obj).to_string();
        let target = crate::api::str_at(obj, "/target/name").to_string();
        if crate::api::str_at(obj, "/target/kind") != "Node" && !crate::api::str_at(obj, "/target/kind").is_empty() {
            return Err("Error from server (BadRequest): error when creating \"".to_string() + source + "\": target.kind: Unsupported value");
        }
        if dry.is_empty() {
            c.cluster.api.bind(ns, &pod, &target).map_err(|e| e.kubectl_with(Some(&format!("error when creating \"{}\"", source))))?;
            c.cluster.settle();
        }
        return Ok(format!("binding/{} created{}", pod, dry));
    }
    with_ns(obj, r, ns);
    if save_config {
        let mut cfg = obj.clone();
        if cfg.pointer("/metadata/annotations").is_none() {
            crate::api::set_at(&mut cfg, "/metadata/annotations", json!({}));
        }
        let cfg = format!("{}\n", go_json(&cfg));
        crate::api::set_at(obj, &format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1")), json!(cfg));
    }
    let created = c.cluster.api.create(obj.clone(), !dry.is_empty()).map_err(|e| e.kubectl_with(Some(&format!("error when creating \"{}\"", source))))?;
    c.cluster.settle();
    Ok(format!("{} created{}", kind_name(r, crate::api::name(&created)), dry))
}

fn replace_one(c: &mut Console, r: &ResourceInfo, obj: &mut Value, ns: &str, dry: &str, source: &str, force: bool) -> Result<String, String> {
    with_ns(obj, r, ns);
    let name = crate::api::name(obj).to_string();
    if force {
        let _ = c.cluster.api.delete(r, ns, &name, Some(0));
        c.cluster.settle();
        crate::api::remove_at(obj, "/metadata/resourceVersion");
        let created = c.cluster.api.create(obj.clone(), !dry.is_empty()).map_err(|e| e.kubectl_with(Some(&format!("error when creating \"{}\"", source))))?;
        c.cluster.settle();
        return Ok(format!("{} deleted\n{} replaced", kind_name(r, &name), kind_name(r, crate::api::name(&created))));
    }
    if !dry.is_empty() {
        c.cluster.api.get(r, ns, &name).map_err(|e| e.kubectl_with(Some(&format!("error when replacing \"{}\"", source))))?;
        return Ok(format!("{} replaced{}", kind_name(r, &name), dry));
    }
    c.cluster.api.update(obj.clone(), Subresource::Main).map_err(|e| e.kubectl_with(Some(&format!("error when replacing \"{}\"", source))))?;
    c.cluster.settle();
    Ok(format!("{} replaced", kind_name(r, &name)))
}

/// Client-side apply (kubectl/pkg/cmd/apply): create with the annotation, or patch the live
/// object with the difference between the last applied and the new configuration.
fn apply_one(c: &mut Console, r: &ResourceInfo, obj: &mut Value, ns: &str, dry: &str, source: &str) -> Result<String, String> {
    with_ns(obj, r, ns);
    let name = crate::api::name(obj).to_string();
    // errors name the file the object came from (resource.Info.Source), STDIN for `-f -`
    let context = |verb: &str| format!("error when {} \"{}\"", verb, source);
    if r.kind == "Binding" {
        return create_one(c, r, obj, ns, dry, source, false);
    }
    // kubectl stores the configuration with an (emptied) annotations map and a trailing newline
    let config = {
        let mut cfg = obj.clone();
        crate::api::remove_at(&mut cfg, &format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1")));
        if cfg.pointer("/metadata/annotations").is_none() {
            crate::api::set_at(&mut cfg, "/metadata/annotations", json!({}));
        }
        format!("{}\n", go_json(&cfg))
    };
    let live = if name.is_empty() { None } else { c.cluster.api.get(r, ns, &name).ok() };
    let Some(live) = live else {
        if name.is_empty() && crate::api::str_at(obj, "/metadata/generateName").is_empty() {
            return Err(format!("error: error when retrieving current configuration of:\nResource: \"\", GroupVersionKind: \"\"\nName: \"\", Namespace: \"\"\nfrom server for: \"{}\": resource name may not be empty", source));
        }
        crate::api::set_at(obj, &format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1")), json!(config));
        let created = c.cluster.api.create(obj.clone(), !dry.is_empty()).map_err(|e| e.kubectl_with(Some(&context("creating"))))?;
        c.cluster.settle();
        return Ok(format!("{} created{}", kind_name(r, crate::api::name(&created)), dry));
    };
    // three-way: delete what was applied before and is gone now, set everything in the new config
    let last_text = live.pointer(&format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1"))).and_then(Value::as_str);
    // an object made imperatively (kubectl run, create) has no annotation: kubectl warns and
    // patches it in (apply.go, warningNoLastAppliedConfigAnnotation)
    let warning = match last_text {
        None => format!("Warning: resource {}/{} is missing the {} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n", r.plural, name, LAST_APPLIED),
        Some(_) => String::new(),
    };
    let last: Value = last_text.and_then(|s| serde_json::from_str(s).ok()).unwrap_or(Value::Null);
    let mut new_cfg = obj.clone();
    crate::api::set_at(&mut new_cfg, &format!("/metadata/annotations/{}", LAST_APPLIED.replace('/', "~1")), json!(config));
    let mut patch_body = deletions(&last, &new_cfg);
    patch::apply(PatchType::Merge, &mut patch_body, &new_cfg);
    let mut merged = (*live).clone();
    patch::apply(PatchType::Strategic, &mut merged, &patch_body);
    crate::api::set_at(&mut merged, "/metadata/resourceVersion", live["metadata"]["resourceVersion"].clone());
    if !dry.is_empty() {
        return Ok(format!("{}{} configured{}", warning, kind_name(r, &name), dry));
    }
    let updated = c.cluster.api.update(merged, Subresource::Main).map_err(|e| format!("{}{}", warning, e.kubectl_with(Some(&context("applying patch")))))?;
    c.cluster.settle();
    let changed = updated.pointer("/metadata/resourceVersion") != live.pointer("/metadata/resourceVersion");
    Ok(format!("{}{} {}", warning, kind_name(r, &name), if changed { "configured" } else { "unchanged" }))
}

/// Fields present in the last applied configuration and absent from the new one, as nulls.
fn deletions(last: &Value, new: &Value) -> Value {
    let mut out = Map::new();
    if let (Some(l), Some(n)) = (last.as_object(), new.as_object()) {
        for (k, lv) in l {
            match n.get(k) {
                None => {
                    out.insert(k.clone(), Value::Null);
                }
                Some(nv) if lv.is_object() && nv.is_object() => {
                    let d = deletions(lv, nv);
                    if d.as_object().is_some_and(|m| !m.is_empty()) {
                        out.insert(k.clone(), d);
                    }
                }
                _ => {}
            }
        }
    }
    Value::Object(out)
}
