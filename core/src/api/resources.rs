//! The API's discovery table: every kind kubesim serves, as `kubectl api-resources` lists it,
//! with the etcd key prefix kube-apiserver stores it under.

use crate::api::validation::NameRule;

#[derive(Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// "" for the core group
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    /// etcd key prefix after /registry/ (upstream keeps "minions" for nodes, "controllers" for RCs)
    pub etcd: &'static str,
    pub name_rule: NameRule,
    pub verbs: &'static str,
}

impl ResourceInfo {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.to_string() } else { format!("{}/{}", self.group, self.version) }
    }
    /// `deployments.apps`, `pods` — how kubectl names the resource in messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() { self.plural.to_string() } else { format!("{}.{}", self.plural, self.group) }
    }
    /// `Deployment.apps`, `Pod` — the kind as StatusError names it.
    pub fn qualified_kind(&self) -> String {
        if self.group.is_empty() { self.kind.to_string() } else { format!("{}.{}", self.kind, self.group) }
    }
    pub fn key(&self, namespace: &str, name: &str) -> String {
        if self.namespaced { format!("/registry/{}/{}/{}", self.etcd, namespace, name) } else { format!("/registry/{}/{}", self.etcd, name) }
    }
    pub fn prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("/registry/{}/{}/", self.etcd, ns),
            _ => format!("/registry/{}/", self.etcd),
        }
    }
}

const STD_VERBS: &str = "create,delete,deletecollection,get,list,patch,update,watch";

macro_rules! res {
    ($kind:expr, $plural:expr, $singular:expr, [$($short:expr),*], $group:expr, $version:expr, $ns:expr, $etcd:expr, $rule:ident) => {
        ResourceInfo { kind: $kind, plural: $plural, singular: $singular, short_names: &[$($short),*], group: $group, version: $version, namespaced: $ns, etcd: $etcd, name_rule: NameRule::$rule, verbs: STD_VERBS }
    };
}

/// Ordered as `kubectl api-resources` prints them (core group first, then by group name).
pub static RESOURCES: &[ResourceInfo] = &[
    ResourceInfo { kind: "Binding", plural: "bindings", singular: "binding", short_names: &[], group: "", version: "v1", namespaced: true, etcd: "bindings", name_rule: NameRule::Subdomain, verbs: "create" },
    res!("ConfigMap", "configmaps", "configmap", ["cm"], "", "v1", true, "configmaps", Subdomain),
    res!("Endpoints", "endpoints", "endpoints", ["ep"], "", "v1", true, "services/endpoints", Subdomain),
    res!("Event", "events", "event", ["ev"], "", "v1", true, "events", PathSegment),
    res!("Namespace", "namespaces", "namespace", ["ns"], "", "v1", false, "namespaces", Label),
    res!("Node", "nodes", "node", ["no"], "", "v1", false, "minions", Subdomain),
    res!("Pod", "pods", "pod", ["po"], "", "v1", true, "pods", Subdomain),
    res!("ReplicationController", "replicationcontrollers", "replicationcontroller", ["rc"], "", "v1", true, "controllers", Subdomain),
    res!("Secret", "secrets", "secret", [], "", "v1", true, "secrets", Subdomain),
    res!("ServiceAccount", "serviceaccounts", "serviceaccount", ["sa"], "", "v1", true, "serviceaccounts", Subdomain),
    res!("Service", "services", "service", ["svc"], "", "v1", true, "services/specs", Label),
    res!("DaemonSet", "daemonsets", "daemonset", ["ds"], "apps", "v1", true, "daemonsets", Subdomain),
    res!("Deployment", "deployments", "deployment", ["deploy"], "apps", "v1", true, "deployments", Subdomain),
    res!("ReplicaSet", "replicasets", "replicaset", ["rs"], "apps", "v1", true, "replicasets", Subdomain),
    res!("CronJob", "cronjobs", "cronjob", ["cj"], "batch", "v1", true, "cronjobs", Subdomain),
    res!("Job", "jobs", "job", [], "batch", "v1", true, "jobs", Subdomain),
    res!("Lease", "leases", "lease", [], "coordination.k8s.io", "v1", true, "leases", Subdomain),
    res!("EndpointSlice", "endpointslices", "endpointslice", [], "discovery.k8s.io", "v1", true, "endpointslices", Subdomain),
    res!("PriorityClass", "priorityclasses", "priorityclass", ["pc"], "scheduling.k8s.io", "v1", false, "priorityclasses", Subdomain),
];

pub fn by_kind(kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES.iter().find(|r| r.kind == kind)
}

/// Resolves what a user typed (`po`, `pods`, `Pod`, `deployments.apps`, `deploy`) as kubectl's
/// RESTMapper does: plural, singular, short name or kind, case-insensitively, optionally
/// qualified with the group.
pub fn lookup(typed: &str) -> Option<&'static ResourceInfo> {
    let t = typed.to_ascii_lowercase();
    let (name, group) = match t.split_once('.') {
        Some((n, g)) => (n.to_string(), Some(g.to_string())),
        None => (t.clone(), None),
    };
    RESOURCES.iter().filter(|r| r.kind != "Binding" || name == "binding" || name == "bindings").find(|r| {
        let name_ok = r.plural == name || r.singular == name || r.short_names.contains(&name.as_str()) || r.kind.to_ascii_lowercase() == name;
        let group_ok = match &group {
            None => true,
            Some(g) => r.group == g || (r.group.is_empty() && g == "core") || format!("{}.{}", r.version, r.group) == *g || (r.group.is_empty() && g == r.version),
        };
        name_ok && group_ok
    })
}

/// Looks up a kind for an apiVersion as the apiserver's scheme does: the error texts are
/// kubectl's `no matches for kind "Foo" in version "v1"`.
pub fn by_api_version_kind(api_version: &str, kind: &str) -> Result<&'static ResourceInfo, String> {
    let (group, version) = match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    };
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.group == group && r.version == version)
        .ok_or_else(|| format!("resource mapping not found for name: {{NAME}} namespace: {{NS}} from \"{{SRC}}\": no matches for kind \"{}\" in version \"{}\"\nensure CRDs are installed first", kind, api_version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_like_kubectl() {
        assert_eq!(lookup("po").unwrap().kind, "Pod");
        assert_eq!(lookup("PODS").unwrap().kind, "Pod");
        assert_eq!(lookup("deploy").unwrap().kind, "Deployment");
        assert_eq!(lookup("deployments.apps").unwrap().kind, "Deployment");
        assert_eq!(lookup("no").unwrap().kind, "Node");
        assert_eq!(lookup("ep").unwrap().kind, "Endpoints");
        assert!(lookup("podz").is_none());
        assert_eq!(by_kind("Node").unwrap().key("", "node01"), "/registry/minions/node01");
        assert_eq!(by_kind("Service").unwrap().key("default", "kubernetes"), "/registry/services/specs/default/kubernetes");
        assert!(by_api_version_kind("apps/v1", "Deployment").is_ok());
        assert!(by_api_version_kind("v1", "Deployment").is_err());
    }
}
