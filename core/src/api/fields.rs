//! Field selectors (`--field-selector`), as the apiserver supports them per kind:
//! metadata.name and metadata.namespace everywhere; spec.nodeName, status.phase and a few more
//! on pods; `=`, `==` and `!=` only.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub negate: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub reqs: Vec<FieldRequirement>,
}

/// Fields each kind can be selected by (pkg/registry/*/strategy.go ToSelectableFields).
fn supported(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &["metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
        "Node" => &["metadata.name", "spec.unschedulable"],
        "Event" => &["metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        "Secret" => &["metadata.name", "metadata.namespace", "type"],
        "Namespace" => &["metadata.name", "status.phase"],
        "ReplicaSet" | "ReplicationController" => &["metadata.name", "metadata.namespace", "status.replicas"],
        "Job" => &["metadata.name", "metadata.namespace", "status.successful"],
        _ => &["metadata.name", "metadata.namespace"],
    }
}

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut reqs = vec![];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, value, negate) = if let Some((f, v)) = part.split_once("!=") {
                (f, v, true)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, v, false)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, v, false)
            } else {
                return Err(format!("invalid selector: '{}'; can't understand '{}'", s, part));
            };
            reqs.push(FieldRequirement { field: field.trim().to_string(), value: value.trim().to_string(), negate });
        }
        Ok(FieldSelector { reqs })
    }

    /// The apiserver's check that every field is selectable for the kind.
    pub fn check_supported(&self, kind: &str, version: &str) -> Result<(), String> {
        for r in &self.reqs {
            if !supported(kind).contains(&r.field.as_str()) {
                return Err(format!("Error from server (BadRequest): Unable to find \"/{}, Resource={}\" that match label selector \"\", field selector \"{}\": field label not supported: {}", version, crate::api::resources::by_kind(kind).map_or("", |r| r.plural), self.to_string_form(), r.field));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.reqs.iter().all(|r| {
            let actual = field_value(obj, &r.field);
            (actual == r.value) != r.negate
        })
    }

    pub fn to_string_form(&self) -> String {
        self.reqs.iter().map(|r| format!("{}{}{}", r.field, if r.negate { "!=" } else { "=" }, r.value)).collect::<Vec<_>>().join(",")
    }
}

fn field_value(obj: &Value, field: &str) -> String {
    let pointer = format!("/{}", field.replace('.', "/"));
    match obj.pointer(&pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        None if field == "spec.unschedulable" || field == "spec.hostNetwork" => "false".into(),
        None if field == "source" => obj.pointer("/source/component").and_then(Value::as_str).unwrap_or("").to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_fields() {
        let pod = json!({"metadata": {"name": "a", "namespace": "default"}, "spec": {"nodeName": "node01"}, "status": {"phase": "Running"}});
        assert!(FieldSelector::parse("spec.nodeName=node01").unwrap().matches(&pod));
        assert!(FieldSelector::parse("status.phase!=Pending,metadata.name==a").unwrap().matches(&pod));
        assert!(!FieldSelector::parse("spec.nodeName=node02").unwrap().matches(&pod));
        // an unscheduled pod has spec.nodeName == ""
        assert!(FieldSelector::parse("spec.nodeName=").unwrap().matches(&json!({"spec": {}})));
        assert!(FieldSelector::parse("spec.foo=1").unwrap().check_supported("Pod", "v1").is_err());
        assert!(FieldSelector::parse("nonsense").is_err());
    }
}
