//! `kubectl logs POD [-c CONTAINER] [--previous] [-f]`: what the container printed, from the
//! kubelet that runs it (`-f` returns what exists so far: the console does not stream).

use super::args::{self, boolean, val};
use crate::console::{Console, Out};

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl logs", words, &[val("container", Some('c')), boolean("previous", Some('p')), boolean("follow", Some('f')), val("tail", None), boolean("timestamps", None), val("since", None), boolean("all-containers", None), val("selector", Some('l'))]) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    let Some(target) = a.pos.first() else { return Out::err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples") };
    let ns = a.get("namespace").unwrap_or("default");
    let resolved;
    let name = match target.split_once('/') {
        Some(("pod" | "pods" | "po", n)) => n,
        Some((kind, n)) => match workload_pod(c, kind, ns, n) {
            Ok(p) => {
                resolved = p;
                resolved.as_str()
            }
            Err(e) => return Out::err(e),
        },
        None => target.as_str(),
    };
    let Some(pod) = c.cluster.api.get_kind("Pod", ns, name) else { return Out::err(format!("Error from server (NotFound): pods \"{}\" not found", name)) };
    let names = |list: &str| -> Vec<String> { pod.pointer(list).and_then(serde_json::Value::as_array).into_iter().flatten().filter_map(|x| x.get("name").and_then(serde_json::Value::as_str).map(String::from)).collect() };
    let containers = names("/spec/containers");
    let inits = names("/spec/initContainers");
    let container = match a.get("container") {
        Some(cn) => {
            if !containers.iter().chain(inits.iter()).any(|x| x == cn) {
                return Out::err(format!("error: container {} is not valid for pod {}", cn, name));
            }
            cn.to_string()
        }
        None if containers.len() > 1 => return Out::err(format!("error: a container name must be specified for pod {}, choose one of: [{}]", name, containers.join(" "))),
        None => containers.first().cloned().unwrap_or_default(),
    };
    let node = crate::api::str_at(&pod, "/spec/nodeName");
    let uid = crate::api::str_at(&pod, "/metadata/uid");
    let waiting = pod.pointer("/status/containerStatuses").and_then(serde_json::Value::as_array).and_then(|cs| cs.iter().find(|s| s.get("name").and_then(serde_json::Value::as_str) == Some(container.as_str()))).and_then(|s| s.pointer("/state/waiting/reason")).and_then(serde_json::Value::as_str).map(String::from);
    let logs = c.cluster.kubelets.get(node).map(|k| k.logs(uid, Some(&container), a.on("previous")));
    match logs {
        Some(Ok(text)) => {
            let text = match a.get("tail").and_then(|t| t.parse::<usize>().ok()) {
                Some(n) => {
                    let lines: Vec<&str> = text.lines().collect();
                    lines[lines.len().saturating_sub(n)..].iter().map(|l| format!("{}\n", l)).collect()
                }
                None => text,
            };
            Out::ok(text)
        }
        Some(Err(e)) if a.on("previous") => Out::err(format!("Error from server (BadRequest): {}", e)),
        _ => match waiting.as_deref() {
            Some(reason @ ("ContainerCreating" | "PodInitializing")) => Out::err(format!("Error from server (BadRequest): container \"{}\" in pod \"{}\" is waiting to start: {}", container, name, reason)),
            Some("ErrImagePull") | Some("ImagePullBackOff") => Out::err(format!("Error from server (BadRequest): container \"{}\" in pod \"{}\" is waiting to start: trying and failing to pull image", container, name)),
            _ if node.is_empty() => Out::err(format!("Error from server (BadRequest): container \"{}\" in pod \"{}\" is waiting to start: ContainerCreating", container, name)),
            _ => Out::ok(""),
        },
    }
}

/// `kubectl logs deploy/NAME`: a pod the workload selects (AttachablePodForObject).
fn workload_pod(c: &Console, kind: &str, ns: &str, name: &str) -> Result<String, String> {
    let (k, plural) = match kind {
        "deploy" | "deployment" | "deployments" => ("Deployment", "deployments.apps"),
        "rs" | "replicaset" | "replicasets" => ("ReplicaSet", "replicasets.apps"),
        "ds" | "daemonset" | "daemonsets" => ("DaemonSet", "daemonsets.apps"),
        "sts" | "statefulset" | "statefulsets" => ("StatefulSet", "statefulsets.apps"),
        "job" | "jobs" => ("Job", "jobs.batch"),
        "rc" | "replicationcontroller" | "replicationcontrollers" => ("ReplicationController", "replicationcontrollers"),
        other => return Err(format!("error: cannot attach to *v1.{}: selector for *v1.{} not implemented", other, other)),
    };
    let obj = c.cluster.api.get_kind(k, ns, name).ok_or_else(|| format!("Error from server (NotFound): {} \"{}\" not found", plural, name))?;
    let sel = if k == "ReplicationController" {
        let m = crate::api::labels::map_of(obj.pointer("/spec/selector"));
        crate::api::labels::Selector::parse(&m.iter().map(|(a, b)| format!("{}={}", a, b)).collect::<Vec<_>>().join(",")).map_err(|e| format!("error: {}", e))?
    } else {
        crate::api::labels::Selector::from_label_selector(obj.pointer("/spec/selector")).map_err(|e| format!("error: {}", e))?
    };
    c.cluster
        .api
        .list_kind("Pod", Some(ns))
        .iter()
        .find(|p| sel.matches(&crate::api::labels::labels_of(p)))
        .map(|p| crate::api::name(p).to_string())
        .ok_or_else(|| format!("error: no pods found for {}/{}", kind, name))
}
