//! TaintToleration: NoSchedule and NoExecute taints repel pods that do not tolerate them.

use super::{Code, Status};
use serde_json::Value;

pub const NAME: &str = "TaintToleration";
pub const ERR_REASON: &str = "node(s) had untolerated taint(s)";

/// v1.Toleration.ToleratesTaint
pub fn toleration_matches(t: &Value, taint: &Value) -> bool {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (tk, te) = (s(t, "key"), s(t, "effect"));
    if !te.is_empty() && te != s(taint, "effect") {
        return false;
    }
    if !tk.is_empty() && tk != s(taint, "key") {
        return false;
    }
    match s(t, "operator").as_str() {
        "Exists" => true,
        "" | "Equal" => s(t, "value") == s(taint, "value"),
        _ => false,
    }
}

pub fn tolerated(pod: &Value, taint: &Value) -> bool {
    pod.pointer("/spec/tolerations").and_then(Value::as_array).into_iter().flatten().any(|t| toleration_matches(t, taint))
}

pub fn filter(pod: &Value, node: &Value) -> Status {
    let untolerated = node.pointer("/spec/taints").and_then(Value::as_array).into_iter().flatten().any(|taint| {
        let effect = taint.get("effect").and_then(Value::as_str).unwrap_or("");
        (effect == "NoSchedule" || effect == "NoExecute") && !tolerated(pod, taint)
    });
    if untolerated {
        Status { code: Code::UnschedulableAndUnresolvable, reasons: vec![ERR_REASON.into()], plugin: NAME }
    } else {
        Status::success(NAME)
    }
}

/// Score: the number of PreferNoSchedule taints the pod does not tolerate (only its
/// tolerations with an empty or PreferNoSchedule effect count), reversed by NormalizeScore.
pub fn score(pod: &Value, node: &Value) -> i64 {
    let tols: Vec<&Value> = pod
        .pointer("/spec/tolerations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| matches!(t.get("effect").and_then(Value::as_str).unwrap_or(""), "" | "PreferNoSchedule"))
        .collect();
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|taint| taint.get("effect").and_then(Value::as_str) == Some("PreferNoSchedule") && !tols.iter().any(|t| toleration_matches(t, taint)))
        .count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // After pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go TestTaintTolerationFilter.
    #[test]
    fn filter_cases() {
        let node = json!({"spec": {"taints": [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]}});
        let none = json!({"spec": {}});
        assert_eq!(filter(&none, &node).code, Code::UnschedulableAndUnresolvable);
        let eq = json!({"spec": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "user1", "effect": "NoSchedule"}]}});
        assert!(filter(&eq, &node).is_success());
        let wrong_value = json!({"spec": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]}});
        assert!(!filter(&wrong_value, &node).is_success());
        let exists = json!({"spec": {"tolerations": [{"key": "dedicated", "operator": "Exists"}]}});
        assert!(filter(&exists, &node).is_success());
        let prefer = json!({"spec": {"taints": [{"key": "k", "effect": "PreferNoSchedule"}]}});
        assert!(filter(&none, &prefer).is_success());
        let all = json!({"spec": {"tolerations": [{"operator": "Exists"}]}});
        assert!(filter(&all, &node).is_success());
    }

    // After TestTaintTolerationScore: intolerable PreferNoSchedule taints count, reversed.
    #[test]
    fn score_counts_intolerable_prefer_no_schedule() {
        let node = json!({"spec": {"taints": [{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "effect": "PreferNoSchedule"}, {"key": "c", "effect": "NoSchedule"}]}});
        assert_eq!(score(&json!({"spec": {}}), &node), 2);
        assert_eq!(score(&json!({"spec": {"tolerations": [{"key": "a", "operator": "Exists", "effect": "PreferNoSchedule"}]}}), &node), 1);
        // a NoSchedule toleration does not count for scoring
        assert_eq!(score(&json!({"spec": {"tolerations": [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}]}}), &node), 2);
        let mut s = vec![2, 1, 0];
        crate::scheduler::framework::default_normalize(&mut s, true);
        assert_eq!(s, vec![0, 50, 100]);
    }
}
