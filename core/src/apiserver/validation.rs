//! Validation with upstream's messages (pkg/apis/core/validation's ValidateObjectMeta and
//! resource lists); the name and label rules and field.Error are API machinery's
//! (`api::validation`), re-exported here for the kinds' validators.

pub use crate::api::validation::*;
use crate::api::quantity::Quantity;
use serde_json::Value;

pub fn validate_meta(obj: &Value, rule: NameRule, namespaced: bool, errs: &mut Vec<FieldError>) {
    let meta = obj.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
    let generate = meta.and_then(|m| m.get("generateName")).and_then(Value::as_str).unwrap_or("");
    if name.is_empty() {
        if generate.is_empty() {
            errs.push(required("metadata.name", "name or generateName is required"));
        }
    } else {
        let r = match rule {
            NameRule::Subdomain => dns1123_subdomain(name),
            NameRule::Label => dns1123_label(name),
            NameRule::PathSegment => {
                if name == "." || name == ".." {
                    Err(vec![format!("may not be '{}'", name)])
                } else if name.contains('/') || name.contains('%') {
                    Err(vec!["may not contain '/'".to_string()])
                } else {
                    Ok(())
                }
            }
        };
        if let Err(msgs) = r {
            for m in msgs {
                errs.push(invalid("metadata.name", name, &m));
            }
        }
    }
    if !namespaced {
        if let Some(ns) = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str) {
            if !ns.is_empty() {
                errs.push(forbidden("metadata.namespace", "not allowed on this type"));
            }
        }
    }
    if let Some(labels) = meta.and_then(|m| m.get("labels")).and_then(Value::as_object) {
        for (k, v) in labels {
            if let Err(msgs) = qualified_name(k) {
                for m in msgs {
                    errs.push(invalid("metadata.labels", k, &m));
                }
            }
            match v.as_str() {
                Some(s) => {
                    if let Err(msgs) = label_value(s) {
                        for m in msgs {
                            errs.push(invalid(format!("metadata.labels"), s, &m));
                        }
                    }
                }
                None => errs.push(invalid_raw("metadata.labels", v.to_string(), "label values must be strings")),
            }
        }
    }
    if let Some(ann) = meta.and_then(|m| m.get("annotations")).and_then(Value::as_object) {
        let mut total = 0usize;
        for (k, v) in ann {
            total += k.len() + v.as_str().map_or(0, str::len);
            if let Err(msgs) = qualified_name(k) {
                for m in msgs {
                    errs.push(invalid("metadata.annotations", k, &m));
                }
            }
        }
        if total > 256 * 1024 {
            errs.push(FieldError { path: "metadata.annotations".into(), typ: ErrorType::TooLong, detail: "may not be more than 262144 bytes".into() });
        }
    }
}

/// A resource list (requests/limits/capacity): every value must be a valid quantity.
pub fn validate_resource_list(v: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    let Some(m) = v.and_then(Value::as_object) else { return };
    for (k, q) in m {
        let s = match q {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        match Quantity::parse(&s) {
            Err(e) => errs.push(invalid(format!("{}[{}]", path, k), &s, e.as_str())),
            Ok(q) if q.milli() < 0 => errs.push(invalid(format!("{}[{}]", path, k), &s, "must be greater than or equal to 0")),
            Ok(_) => {}
        }
        if k != "cpu" && k != "memory" && !k.contains('/') && !k.starts_with("hugepages-") && k != "ephemeral-storage" && k != "pods" {
            errs.push(invalid(format!("{}[{}]", path, k), k, "must be a standard resource type or fully qualified"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_matches_upstream() {
        let mut errs = vec![];
        validate_meta(&serde_json::json!({"metadata": {"name": "Bad_Name"}}), NameRule::Subdomain, true, &mut errs);
        assert_eq!(errs[0].to_string(), format!("metadata.name: Invalid value: \"Bad_Name\": {}", DNS1123_SUBDOMAIN_MSG));
        assert_eq!(required("spec.containers", "").to_string(), "spec.containers: Required value");
        assert_eq!(
            not_supported("spec.restartPolicy", "Sometimes", &["Always", "OnFailure", "Never"]).to_string(),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
        );
    }
}
