//! `kubectl explain`: field documentation for the kinds kubesim serves.

use super::Out;
use crate::api::resources;

/// One documented field: (path under the kind, type, description).
type Doc = (&'static str, &'static str, &'static str);

const COMMON: &[Doc] = &[
    ("apiVersion", "string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values."),
    ("kind", "string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase."),
    ("metadata", "ObjectMeta", "Standard object's metadata."),
];

fn kind_doc(kind: &str) -> (&'static str, &'static [Doc]) {
    match kind {
        "Pod" => (
            "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
            &[("spec", "PodSpec", "Specification of the desired behavior of the pod."), ("status", "PodStatus", "Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.")],
        ),
        "Node" => ("Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).", &[("spec", "NodeSpec", "Spec defines the behavior of a node."), ("status", "NodeStatus", "Most recently observed status of the node. Populated by the system. Read-only.")]),
        "Deployment" => ("Deployment enables declarative updates for Pods and ReplicaSets.", &[("spec", "DeploymentSpec", "Specification of the desired behavior of the Deployment."), ("status", "DeploymentStatus", "Most recently observed status of the Deployment.")]),
        _ => ("", &[("spec", "Object", "Specification of the desired behavior."), ("status", "Object", "Most recently observed status.")]),
    }
}

pub fn explain(path: &str, _recursive: bool) -> Out {
    let mut parts = path.split('.');
    let typed = parts.next().unwrap_or("");
    let Some(r) = resources::lookup(typed) else {
        return Out::err(format!("error: couldn't find resource for \"{}\"", typed));
    };
    if parts.next().is_some() {
        return Out::err(format!("error: field documentation below the top level of {} is not available in kubesim yet", r.kind));
    }
    let (desc, fields) = kind_doc(r.kind);
    let mut out = format!("GROUP:      {}\nKIND:       {}\nVERSION:    {}\n\nDESCRIPTION:\n    {}\n    \nFIELDS:\n", r.group, r.kind, r.version, desc);
    if r.group.is_empty() {
        out = out.replacen(&format!("GROUP:      {}\n", r.group), "", 1);
    }
    for (name, typ, d) in COMMON.iter().chain(fields.iter()) {
        out.push_str(&format!("  {}\t<{}>\n    {}\n\n", name, typ, d));
    }
    Out::ok(out)
}
