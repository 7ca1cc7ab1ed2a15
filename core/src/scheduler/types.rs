//! The scheduler's typed view of pods and nodes (upstream's framework.PodInfo and the static
//! half of NodeInfo), parsed once when the watch delivers an object, so that the plugins never
//! touch JSON in the scheduling cycle.

use crate::api::labels::{labels_of, map_of, Labels, Op, Requirement, Selector};
pub use crate::api::scheduling::{find_untolerated, node_selector_term, required_node_affinity_matches, taints_of, tolerations_of, NodeSelectorTerm, Taint, Toleration};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// framework.Resource: cpu in milli-cores, the rest in units (Quantity.Value(), rounded up).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    /// extended resources (nvidia.com/gpu) and hugepages, sorted by name
    pub scalar: Vec<(String, i64)>,
}

fn clamp(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl Resource {
    /// From milli-unit amounts keyed by resource name.
    pub fn from_milli(m: &BTreeMap<String, i128>) -> Resource {
        let mut r = Resource::default();
        for (k, &v) in m {
            let units = clamp(v.div_euclid(1000) + i128::from(v.rem_euclid(1000) != 0));
            match k.as_str() {
                "cpu" => r.milli_cpu = clamp(v),
                "memory" => r.memory = units,
                "ephemeral-storage" => r.ephemeral_storage = units,
                "pods" => {}
                _ => r.scalar.push((k.clone(), units)),
            }
        }
        r
    }

    pub fn scalar(&self, name: &str) -> i64 {
        self.scalar.iter().find(|(k, _)| k == name).map_or(0, |(_, v)| *v)
    }

    /// Adds (sign 1) or removes (sign -1) another pod's resources.
    pub fn add(&mut self, o: &Resource, sign: i64) {
        self.milli_cpu = self.milli_cpu.saturating_add(sign * o.milli_cpu);
        self.memory = self.memory.saturating_add(sign * o.memory);
        self.ephemeral_storage = self.ephemeral_storage.saturating_add(sign * o.ephemeral_storage);
        for (k, v) in &o.scalar {
            match self.scalar.iter_mut().find(|(n, _)| n == k) {
                Some((_, x)) => *x = x.saturating_add(sign * v),
                None => {
                    self.scalar.push((k.clone(), sign * v));
                    self.scalar.sort();
                }
            }
        }
    }
}

/// A pod (anti-)affinity term with its namespaces resolved (framework.AffinityTerm).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityTerm {
    pub namespaces: Vec<String>,
    /// None: nothing matches by namespace labels
    pub namespace_selector: Option<Selector>,
    pub selector: Selector,
    pub topology_key: String,
}

impl AffinityTerm {
    /// AffinityTerm.Matches: the namespace is listed or selected, and the labels match.
    pub fn matches(&self, pod: &PodInfo, ns_labels: Option<&Labels>) -> bool {
        let ns_ok = self.namespaces.iter().any(|n| *n == pod.namespace)
            || self.namespace_selector.as_ref().is_some_and(|s| ns_labels.is_some_and(|l| s.matches(l)));
        ns_ok && self.selector.matches(&pod.labels)
    }
}

fn affinity_term(v: &Value, pod_ns: &str) -> AffinityTerm {
    let selector = Selector::from_label_selector(v.get("labelSelector")).unwrap_or_else(|_| Selector::nothing());
    let mut namespaces: Vec<String> = v.get("namespaces").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect();
    let namespace_selector = v.get("namespaceSelector").filter(|s| !s.is_null()).map(|s| Selector::from_label_selector(Some(s)).unwrap_or_else(|_| Selector::nothing()));
    if namespaces.is_empty() && namespace_selector.is_none() {
        namespaces.push(pod_ns.to_string());
    }
    AffinityTerm { namespaces, namespace_selector, selector, topology_key: v.get("topologyKey").and_then(Value::as_str).unwrap_or("").to_string() }
}

/// A v1.TopologySpreadConstraint with its defaults applied (minDomains 1, nodeAffinityPolicy
/// Honor, nodeTaintsPolicy Ignore) and matchLabelKeys merged into the selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub hard: bool,
    pub selector: Selector,
    pub min_domains: i64,
    pub honor_node_affinity: bool,
    pub honor_node_taints: bool,
}

fn spread_constraint(v: &Value, pod_labels: &Labels) -> SpreadConstraint {
    let mut selector = Selector::from_label_selector(v.get("labelSelector")).unwrap_or_else(|_| Selector::nothing());
    for k in v.get("matchLabelKeys").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        if let Some(val) = pod_labels.get(k) {
            selector.reqs.push(Requirement { key: k.to_string(), op: Op::In, values: vec![val.clone()] });
        }
    }
    SpreadConstraint {
        max_skew: v.get("maxSkew").and_then(Value::as_i64).unwrap_or(1),
        topology_key: v.get("topologyKey").and_then(Value::as_str).unwrap_or("").to_string(),
        hard: v.get("whenUnsatisfiable").and_then(Value::as_str) != Some("ScheduleAnyway"),
        selector,
        min_domains: v.get("minDomains").and_then(Value::as_i64).unwrap_or(1),
        honor_node_affinity: v.get("nodeAffinityPolicy").and_then(Value::as_str) != Some("Ignore"),
        honor_node_taints: v.get("nodeTaintsPolicy").and_then(Value::as_str) == Some("Honor"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i64,
}

impl HostPort {
    /// Two host ports conflict on the same port and protocol when either binds 0.0.0.0.
    pub fn conflicts(&self, o: &HostPort) -> bool {
        self.port == o.port && self.protocol == o.protocol && (self.ip == o.ip || self.ip == "0.0.0.0" || o.ip == "0.0.0.0")
    }
}

pub fn host_ports(pod: &Value) -> Vec<HostPort> {
    let mut out = vec![];
    let spec = pod.get("spec");
    for list in ["initContainers", "containers"] {
        for c in spec.and_then(|s| s.get(list)).and_then(Value::as_array).into_iter().flatten() {
            for p in c.get("ports").and_then(Value::as_array).into_iter().flatten() {
                let port = p.get("hostPort").and_then(Value::as_i64).unwrap_or(0);
                if port > 0 {
                    let ip = p.get("hostIP").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("0.0.0.0").to_string();
                    let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP").to_string();
                    out.push(HostPort { ip, protocol, port });
                }
            }
        }
    }
    out
}

/// Normalized image reference (`nginx` → `nginx:latest`, docker.io prefixes dropped).
pub fn normalized_image(image: &str) -> String {
    let (repo, tag) = crate::api::image::normalize(image);
    format!("{}:{}", repo, tag)
}

/// Everything the scheduler reads from a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodInfo {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: Labels,
    pub node_name: String,
    pub nominated_node_name: String,
    pub scheduler_name: String,
    pub priority: i64,
    /// metadata.creationTimestamp (RFC 3339 sorts as time)
    pub created: String,
    pub deleting: bool,
    /// Succeeded or Failed
    pub terminal: bool,
    pub requests: Resource,
    /// requests with the scoring defaults for containers that ask for nothing
    pub non_zero: Resource,
    pub node_selector: Vec<(String, String)>,
    pub required_node_affinity: Option<Vec<NodeSelectorTerm>>,
    pub preferred_node_affinity: Vec<(i64, NodeSelectorTerm)>,
    pub tolerations: Vec<Toleration>,
    pub host_ports: Vec<HostPort>,
    pub images: Vec<String>,
    pub spread_constraints: Vec<SpreadConstraint>,
    pub required_affinity: Vec<AffinityTerm>,
    pub required_anti_affinity: Vec<AffinityTerm>,
    pub preferred_affinity: Vec<(i64, AffinityTerm)>,
    pub preferred_anti_affinity: Vec<(i64, AffinityTerm)>,
    pub preemption_never: bool,
    /// the controller owner (kind, name), for default topology spreading and preemption
    pub controller: Option<(String, String)>,
    pub grace_period_seconds: i64,
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map(|a| a.as_slice()).unwrap_or(&[])
}

impl PodInfo {
    pub fn from_json(pod: &Value) -> PodInfo {
        // each object is looked up once: serde_json maps hash every key they are asked for
        static NULL: Value = Value::Null;
        let meta = pod.get("metadata").unwrap_or(&NULL);
        let spec = pod.get("spec").unwrap_or(&NULL);
        let status = pod.get("status").unwrap_or(&NULL);
        let affinity = spec.get("affinity").unwrap_or(&NULL);
        let node_aff = affinity.get("nodeAffinity").unwrap_or(&NULL);
        let pod_aff = affinity.get("podAffinity").unwrap_or(&NULL);
        let pod_anti = affinity.get("podAntiAffinity").unwrap_or(&NULL);
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let labels = map_of(meta.get("labels"));
        let namespace = s(meta, "namespace");
        let required = "requiredDuringSchedulingIgnoredDuringExecution";
        let preferred = "preferredDuringSchedulingIgnoredDuringExecution";
        let aff = |v: &Value| -> Vec<AffinityTerm> { arr(v, required).iter().map(|t| affinity_term(t, &namespace)).collect() };
        let weighted = |v: &Value| -> Vec<(i64, AffinityTerm)> {
            arr(v, preferred).iter().map(|t| (t.get("weight").and_then(Value::as_i64).unwrap_or(0), affinity_term(t.get("podAffinityTerm").unwrap_or(&NULL), &namespace))).collect()
        };
        let controller = arr(meta, "ownerReferences")
            .iter()
            .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
            .map(|o| (s(o, "kind"), s(o, "name")));
        let has_affinity = !affinity.is_null();
        PodInfo {
            name: s(meta, "name"),
            uid: s(meta, "uid"),
            node_name: s(spec, "nodeName"),
            nominated_node_name: s(status, "nominatedNodeName"),
            scheduler_name: s(spec, "schedulerName"),
            priority: spec.get("priority").and_then(Value::as_i64).unwrap_or(0),
            created: s(meta, "creationTimestamp"),
            deleting: meta.get("deletionTimestamp").is_some_and(|v| !v.is_null()),
            terminal: matches!(status.get("phase").and_then(Value::as_str), Some("Succeeded" | "Failed")),
            requests: Resource::from_milli(&crate::api::requests::pod_requests(pod, false)),
            non_zero: Resource::from_milli(&crate::api::requests::pod_requests(pod, true)),
            node_selector: map_of(spec.get("nodeSelector")).into_iter().collect(),
            required_node_affinity: node_aff.get(required).and_then(|r| r.get("nodeSelectorTerms")).and_then(Value::as_array).map(|ts| ts.iter().map(node_selector_term).collect()),
            preferred_node_affinity: arr(node_aff, preferred)
                .iter()
                .map(|t| (t.get("weight").and_then(Value::as_i64).unwrap_or(0), node_selector_term(t.get("preference").unwrap_or(&NULL))))
                .collect(),
            tolerations: tolerations_of(pod),
            host_ports: host_ports(pod),
            images: arr(spec, "containers").iter().map(|c| normalized_image(c.get("image").and_then(Value::as_str).unwrap_or(""))).collect(),
            spread_constraints: arr(spec, "topologySpreadConstraints").iter().map(|c| spread_constraint(c, &labels)).collect(),
            required_affinity: if has_affinity { aff(pod_aff) } else { vec![] },
            required_anti_affinity: if has_affinity { aff(pod_anti) } else { vec![] },
            preferred_affinity: if has_affinity { weighted(pod_aff) } else { vec![] },
            preferred_anti_affinity: if has_affinity { weighted(pod_anti) } else { vec![] },
            preemption_never: spec.get("preemptionPolicy").and_then(Value::as_str) == Some("Never"),
            controller,
            grace_period_seconds: spec.get("terminationGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(30),
            labels,
            namespace,
        }
    }

    pub fn key(&self) -> (String, String) {
        (self.namespace.clone(), self.name.clone())
    }

    pub fn has_affinity(&self) -> bool {
        !self.required_affinity.is_empty() || !self.required_anti_affinity.is_empty() || !self.preferred_affinity.is_empty() || !self.preferred_anti_affinity.is_empty()
    }

    /// Whether the node's labels satisfy the pod's nodeSelector and required node affinity
    /// (nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)).
    pub fn required_node_affinity_matches(&self, node_name: &str, labels: &Labels) -> bool {
        required_node_affinity_matches(&self.node_selector, self.required_node_affinity.as_deref(), node_name, labels)
    }

    /// The taint the pod does not tolerate among those matching `effects`.
    pub fn untolerated<'a>(&self, taints: &'a [Taint], effects: &[&str]) -> Option<&'a Taint> {
        find_untolerated(taints, &self.tolerations, effects)
    }
}

/// What the scheduler reads from a Node object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSpec {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Resource,
    pub allowed_pods: i64,
    /// normalized image name → size in bytes
    pub images: Vec<(String, i64)>,
}

impl NodeSpec {
    pub fn from_json(node: &Value) -> NodeSpec {
        let mut alloc = BTreeMap::new();
        for (k, v) in crate::api::at(node, "/status/allocatable").and_then(Value::as_object).into_iter().flatten() {
            if let Some(q) = v.as_str().and_then(|s| crate::api::quantity::Quantity::parse(s).ok()) {
                alloc.insert(k.clone(), q.milli());
            }
        }
        let pods = alloc.get("pods").map_or(0, |m| clamp(m / 1000));
        let mut images = vec![];
        for img in crate::api::at(node, "/status/images").and_then(Value::as_array).into_iter().flatten() {
            let size = img.get("sizeBytes").and_then(Value::as_i64).unwrap_or(0);
            for n in img.get("names").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                images.push((normalized_image(n), size));
            }
        }
        images.sort();
        images.dedup_by(|a, b| a.0 == b.0);
        NodeSpec {
            name: crate::api::name(node).to_string(),
            labels: labels_of(node),
            taints: taints_of(node),
            unschedulable: crate::api::at(node, "/spec/unschedulable").and_then(Value::as_bool).unwrap_or(false),
            allocatable: Resource::from_milli(&alloc),
            allowed_pods: pods,
            images,
        }
    }

    pub fn image_size(&self, image: &str) -> Option<i64> {
        self.images.binary_search_by(|(n, _)| n.as_str().cmp(image)).ok().map(|i| self.images[i].1)
    }
}

/// framework.NodeInfo: a node and the aggregate of the pods assigned to it.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub node: Arc<NodeSpec>,
    pub pods: Vec<Arc<PodInfo>>,
    pub requested: Resource,
    pub non_zero_requested: Resource,
    pub used_ports: Vec<HostPort>,
    /// pods with any (anti-)affinity term, and with required anti-affinity terms
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
}

impl NodeInfo {
    pub fn new(node: Arc<NodeSpec>) -> NodeInfo {
        NodeInfo { node, pods: vec![], requested: Resource::default(), non_zero_requested: Resource::default(), used_ports: vec![], pods_with_affinity: 0, pods_with_required_anti_affinity: 0 }
    }

    pub fn name(&self) -> &str {
        &self.node.name
    }

    pub fn add_pod(&mut self, p: Arc<PodInfo>) {
        self.requested.add(&p.requests, 1);
        self.non_zero_requested.add(&p.non_zero, 1);
        self.used_ports.extend(p.host_ports.iter().cloned());
        if p.has_affinity() {
            self.pods_with_affinity += 1;
        }
        if !p.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity += 1;
        }
        self.pods.push(p);
    }

    pub fn remove_pod(&mut self, ns: &str, name: &str) -> Option<Arc<PodInfo>> {
        let i = self.pods.iter().position(|p| p.namespace == ns && p.name == name)?;
        let p = self.pods.swap_remove(i);
        self.requested.add(&p.requests, -1);
        self.non_zero_requested.add(&p.non_zero, -1);
        for hp in &p.host_ports {
            if let Some(j) = self.used_ports.iter().position(|u| u == hp) {
                self.used_ports.swap_remove(j);
            }
        }
        if p.has_affinity() {
            self.pods_with_affinity -= 1;
        }
        if !p.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity -= 1;
        }
        Some(p)
    }
}
