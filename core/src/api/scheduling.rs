//! Scheduling helpers every component shares (k8s.io/component-helpers/scheduling/corev1 and
//! v1helper): taints and tolerations, node selector terms and a pod's required node
//! affinity. The scheduler's plugins, the DaemonSet controller (nodeShouldRunDaemonPod) and
//! the taint eviction controller all decide with these.

use super::at;
use super::labels::{map_of, Labels, Op, Requirement};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    /// "Exists" or "Equal" ("" defaults to Equal)
    pub operator: String,
    pub value: String,
    /// "" tolerates every effect
    pub effect: String,
}

impl Toleration {
    /// v1.Toleration.ToleratesTaint
    pub fn tolerates(&self, t: &Taint) -> bool {
        if !self.effect.is_empty() && self.effect != t.effect {
            return false;
        }
        if !self.key.is_empty() && self.key != t.key {
            return false;
        }
        match self.operator.as_str() {
            "Exists" => true,
            "" | "Equal" => self.value == t.value,
            _ => false,
        }
    }
}

pub fn tolerations_of(pod: &Value) -> Vec<Toleration> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    at(pod, "/spec/tolerations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| Toleration { key: s(t, "key"), operator: s(t, "operator"), value: s(t, "value"), effect: s(t, "effect") })
        .collect()
}

pub fn taints_of(node: &Value) -> Vec<Taint> {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    at(node, "/spec/taints").and_then(Value::as_array).into_iter().flatten().map(|t| Taint { key: s(t, "key"), value: s(t, "value"), effect: s(t, "effect") }).collect()
}

/// A v1.NodeSelectorTerm: matchExpressions over labels and matchFields over metadata.name,
/// ANDed; an empty term matches no node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSelectorTerm {
    pub exprs: Vec<Requirement>,
    pub fields: Vec<Requirement>,
}

impl NodeSelectorTerm {
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        if self.exprs.is_empty() && self.fields.is_empty() {
            return false;
        }
        let name_ok = self.fields.iter().all(|f| {
            let mut m = Labels::new();
            m.insert("metadata.name".into(), node_name.to_string());
            f.matches(&m)
        });
        name_ok && self.exprs.iter().all(|e| e.matches(labels))
    }
}

fn requirement(v: &Value) -> Requirement {
    let key = v.get("key").and_then(Value::as_str).unwrap_or("").to_string();
    let values = v.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
    let op = match v.get("operator").and_then(Value::as_str).unwrap_or("") {
        "In" => Op::In,
        "NotIn" => Op::NotIn,
        "Exists" => Op::Exists,
        "DoesNotExist" => Op::DoesNotExist,
        "Gt" => Op::Gt,
        "Lt" => Op::Lt,
        // validation rejects anything else; match nothing rather than everything
        _ => Op::In,
    };
    Requirement { key, op, values }
}

pub fn node_selector_term(v: &Value) -> NodeSelectorTerm {
    let list = |k: &str| v.get(k).and_then(Value::as_array).into_iter().flatten().map(requirement).collect();
    NodeSelectorTerm { exprs: list("matchExpressions"), fields: list("matchFields") }
}

/// v1.Toleration.ToleratesTaint over JSON (for the taint eviction controller).
pub fn toleration_matches(t: &serde_json::Value, taint: &serde_json::Value) -> bool {
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).unwrap_or("").to_string();
    let tol = Toleration { key: s(t, "key"), operator: s(t, "operator"), value: s(t, "value"), effect: s(t, "effect") };
    tol.tolerates(&Taint { key: s(taint, "key"), value: s(taint, "value"), effect: s(taint, "effect") })
}

/// FindMatchingUntoleratedTaint: the first taint with one of `effects` that no toleration
/// tolerates.
pub fn find_untolerated<'a>(taints: &'a [Taint], tolerations: &[Toleration], effects: &[&str]) -> Option<&'a Taint> {
    taints.iter().find(|t| effects.contains(&t.effect.as_str()) && !tolerations.iter().any(|tol| tol.tolerates(t)))
}

/// nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the pod's nodeSelector (every
/// pair) and its required node affinity (any term) over the node's name and labels.
pub fn required_node_affinity_matches(node_selector: &[(String, String)], terms: Option<&[NodeSelectorTerm]>, node_name: &str, labels: &Labels) -> bool {
    let selector_ok = node_selector.iter().all(|(k, v)| labels.get(k) == Some(v));
    selector_ok && terms.is_none_or(|ts| ts.iter().any(|t| t.matches(node_name, labels)))
}

/// A pod's required node affinity, read once (nodeaffinity.RequiredNodeAffinity).
pub struct RequiredNodeAffinity {
    node_selector: Vec<(String, String)>,
    terms: Option<Vec<NodeSelectorTerm>>,
}

impl RequiredNodeAffinity {
    pub fn of_pod(pod: &Value) -> RequiredNodeAffinity {
        RequiredNodeAffinity {
            node_selector: map_of(at(pod, "/spec/nodeSelector")).into_iter().collect(),
            terms: at(pod, "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms").and_then(Value::as_array).map(|ts| ts.iter().map(node_selector_term).collect()),
        }
    }

    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        required_node_affinity_matches(&self.node_selector, self.terms.as_deref(), node_name, labels)
    }
}
