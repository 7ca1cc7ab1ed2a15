//! NodeAffinity (Filter): the pod's nodeSelector and required node affinity terms must match
//! the node's labels (terms ORed, expressions within a term ANDed).

use super::{Code, Status};
use crate::api::labels::{labels_of, Labels};
use serde_json::Value;

pub const NAME: &str = "NodeAffinity";
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";

/// v1.NodeSelectorRequirement against node labels (Gt/Lt compare integers).
pub fn requirement_matches(req: &Value, labels: &Labels) -> bool {
    let key = req.get("key").and_then(Value::as_str).unwrap_or("");
    let values: Vec<&str> = req.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let v = labels.get(key).map(String::as_str);
    match req.get("operator").and_then(Value::as_str).unwrap_or("") {
        "In" => v.is_some_and(|v| values.contains(&v)),
        "NotIn" => v.is_none_or(|v| !values.contains(&v)),
        "Exists" => v.is_some(),
        "DoesNotExist" => v.is_none(),
        "Gt" | "Lt" => {
            let op = req.get("operator").and_then(Value::as_str).unwrap_or("");
            match (v.and_then(|v| v.parse::<i64>().ok()), values.first().and_then(|x| x.parse::<i64>().ok())) {
                (Some(a), Some(b)) => if op == "Gt" { a > b } else { a < b },
                _ => false,
            }
        }
        _ => false,
    }
}

pub fn term_matches(term: &Value, labels: &Labels, node: &Value) -> bool {
    let exprs = term.get("matchExpressions").and_then(Value::as_array);
    let fields = term.get("matchFields").and_then(Value::as_array);
    if exprs.is_none_or(|e| e.is_empty()) && fields.is_none_or(|f| f.is_empty()) {
        return false; // an empty term matches no objects
    }
    let name = crate::api::name(node);
    let fields_ok = fields.into_iter().flatten().all(|f| {
        let mut m = Labels::new();
        m.insert("metadata.name".into(), name.to_string());
        requirement_matches(f, &m)
    });
    fields_ok && exprs.into_iter().flatten().all(|e| requirement_matches(e, labels))
}

pub fn filter(pod: &Value, node: &Value) -> Status {
    let labels = labels_of(node);
    let selector_ok = pod.pointer("/spec/nodeSelector").and_then(Value::as_object).into_iter().flatten().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str());
    let terms = pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms").and_then(Value::as_array);
    let affinity_ok = match terms {
        None => true,
        Some(ts) => ts.iter().any(|t| term_matches(t, &labels, node)),
    };
    if selector_ok && affinity_ok {
        Status::success(NAME)
    } else {
        Status { code: Code::UnschedulableAndUnresolvable, reasons: vec![ERR_REASON_POD.into()], plugin: NAME }
    }
}

/// Score: the sum of the weights of the preferred terms the node matches (normalized so the
/// best node gets 100).
pub fn score(pod: &Value, node: &Value) -> i64 {
    let labels = labels_of(node);
    pod.pointer("/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| t.get("preference").is_some_and(|p| term_matches(p, &labels, node)))
        .map(|t| t.get("weight").and_then(Value::as_i64).unwrap_or(0))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After nodeaffinity/node_affinity_test.go TestNodeAffinity.
    #[test]
    fn selector_and_required_terms() {
        let node = json!({"metadata": {"name": "n1", "labels": {"size": "large", "gpu": "2"}}});
        assert!(filter(&json!({"spec": {"nodeSelector": {"size": "large"}}}), &node).is_success());
        assert!(!filter(&json!({"spec": {"nodeSelector": {"size": "small"}}}), &node).is_success());
        let aff = |op: &str, vals: serde_json::Value| json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "size", "operator": op, "values": vals}]}]}}}}});
        assert!(filter(&aff("In", json!(["large", "medium"])), &node).is_success());
        assert!(!filter(&aff("NotIn", json!(["large"])), &node).is_success());
        assert!(filter(&aff("Exists", json!([])), &node).is_success());
        assert!(!filter(&aff("DoesNotExist", json!([])), &node).is_success());
        let gt = json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "Gt", "values": ["1"]}]}]}}}}});
        assert!(filter(&gt, &node).is_success());
    }

    // After TestNodeAffinityPriority: matched preferred weights add up.
    #[test]
    fn preferred_weights() {
        let node = json!({"metadata": {"name": "n1", "labels": {"size": "large", "zone": "a"}}});
        let pod = json!({"spec": {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": {"matchExpressions": [{"key": "size", "operator": "In", "values": ["large"]}]}},
            {"weight": 5, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}},
            {"weight": 7, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b"]}]}}]}}}});
        assert_eq!(score(&pod, &node), 7);
    }
}
