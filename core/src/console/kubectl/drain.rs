//! `kubectl drain NODE`: cordon, then evict every pod on the node, with kubectl's refusals
//! (DaemonSet-managed pods without --ignore-daemonsets, pods with no controller without --force,
//! emptyDir data without --delete-emptydir-data) and messages (kubectl/pkg/drain).

use super::args::{self, boolean, val};
use crate::api::resources;
use crate::console::{Console, Out};
use serde_json::Value;

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl drain", words, &[boolean("ignore-daemonsets", None), boolean("delete-emptydir-data", None), boolean("force", None), val("grace-period", None), val("timeout", None), val("selector", Some('l')), val("pod-selector", None), boolean("disable-eviction", None), val("dry-run", None), boolean("delete-local-data", None)]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(node) = a.pos.first().map(|n| n.strip_prefix("node/").unwrap_or(n).to_string()) else {
        return Out::err("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
    };
    // kubectl writes its progress to stdout and warnings/errors to stderr; a terminal shows
    // them interleaved in order, which is what the console keeps (one stream)
    let mut out = super::cordon::cordon(c, &[node.clone()], true);
    if out.code != 0 {
        return out;
    }
    let pods: Vec<_> = c.cluster.api.list_kind("Pod", None).into_iter().filter(|p| crate::api::str_at(p, "/spec/nodeName") == node && !matches!(crate::api::str_at(p, "/status/phase"), "Succeeded" | "Failed")).collect();
    let id = |p: &Value| format!("{}/{}", crate::api::namespace(p), crate::api::name(p));
    let controller = |p: &Value| -> Option<String> {
        p.pointer("/metadata/ownerReferences")?.as_array()?.iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true)).and_then(|r| r.get("kind")).and_then(Value::as_str).map(String::from)
    };
    let mirror = |p: &Value| p.pointer("/metadata/annotations/kubernetes.io~1config.mirror").is_some() || crate::api::str_at(p, "/metadata/annotations/kubernetes.io~1config.source") == "file";
    let (mut daemon, mut unmanaged, mut local, mut evict) = (vec![], vec![], vec![], vec![]);
    for p in &pods {
        if mirror(p) {
            continue; // static pods' mirrors are not evicted
        }
        let kind = controller(p);
        if kind.as_deref() == Some("DaemonSet") {
            daemon.push(id(p));
            continue;
        }
        if kind.is_none() {
            unmanaged.push(id(p));
        }
        if p.pointer("/spec/volumes").and_then(Value::as_array).is_some_and(|v| v.iter().any(|v| v.get("emptyDir").is_some())) {
            local.push(id(p));
        }
        evict.push(p.clone());
    }
    let mut errors = vec![];
    if !daemon.is_empty() && !a.on("ignore-daemonsets") {
        errors.push(format!("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}", daemon.join(", ")));
    }
    if !unmanaged.is_empty() && !a.on("force") {
        errors.push(format!("cannot delete Pods that declare no controller (use --force to override): {}", unmanaged.join(", ")));
    }
    if !local.is_empty() && !a.on("delete-emptydir-data") && !a.on("delete-local-data") {
        errors.push(format!("cannot delete Pods with local storage (use --delete-emptydir-data to override): {}", local.join(", ")));
    }
    if !errors.is_empty() {
        out.stdout.push_str(&format!("error: unable to drain node \"{}\" due to error: {}, continuing command...\nThere are pending nodes to be drained:\n {}\n", node, errors.join(", "), node));
        for e in errors {
            out.stdout.push_str(&e);
            out.stdout.push('\n');
        }
        out.code = 1;
        return out;
    }
    if !daemon.is_empty() {
        out.stdout.push_str(&format!("Warning: ignoring DaemonSet-managed Pods: {}\n", daemon.join(", ")));
    }
    if !unmanaged.is_empty() {
        out.stdout.push_str(&format!("Warning: deleting Pods that declare no controller: {}\n", unmanaged.join(", ")));
    }
    let pod_res = resources::by_kind("Pod").expect("served");
    let grace = a.get("grace-period").and_then(|g| g.parse::<i64>().ok()).filter(|g| *g >= 0);
    for p in &evict {
        out.stdout.push_str(&format!("evicting pod {}\n", id(p)));
    }
    for p in &evict {
        let _ = c.cluster.api.delete(pod_res, crate::api::namespace(p), crate::api::name(p), grace);
    }
    c.cluster.settle();
    // kubectl waits for each evicted pod to be gone
    let limit = c.cluster.now() + a.get("timeout").and_then(crate::api::time::parse_duration).unwrap_or(300_000).max(1);
    let gone = |c: &Console, p: &Value| c.cluster.api.get_kind("Pod", crate::api::namespace(p), crate::api::name(p)).is_none_or(|x| x.pointer("/metadata/uid") != p.pointer("/metadata/uid"));
    while !evict.iter().all(|p| gone(c, p)) && c.cluster.now() < limit {
        let next = c.cluster.next_timer().unwrap_or(limit).min(limit).max(c.cluster.now() + 1);
        c.cluster.advance(next - c.cluster.now());
    }
    for p in &evict {
        if gone(c, p) {
            out.stdout.push_str(&format!("pod/{} evicted\n", crate::api::name(p)));
        }
    }
    if evict.iter().all(|p| gone(c, p)) {
        out.stdout.push_str(&format!("node/{} drained\n", node));
    } else {
        out.stdout.push_str(&format!("error: unable to drain node \"{}\": timed out waiting for the pods to be evicted\n", node));
        out.code = 1;
    }
    out
}
