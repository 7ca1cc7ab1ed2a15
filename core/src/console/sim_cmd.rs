//! `sim …`: commands on the simulation itself, never on the API.

use super::{Console, Out};
use crate::api::time::{go_duration, rfc3339};

pub fn run(c: &mut Console, args: &[String]) -> Out {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["time"] | [] => {
            let now = c.cluster.now();
            Out::ok(format!("{} (virtual; {} since the cluster started)\n", rfc3339(now), go_duration(now - crate::clock::EPOCH)))
        }
        ["node", "stop", name] => match c.cluster.kubelets.get_mut(*name) {
            Some(k) => {
                k.running = false;
                Out::ok(format!("kubelet on {} stopped: no more heartbeats\n", name))
            }
            None => Out::err(format!("error: no kubelet for node {:?}", name)),
        },
        ["node", "start", name] => {
            let now = c.cluster.now();
            match c.cluster.kubelets.get_mut(*name) {
                Some(k) if k.running => Out::ok(format!("kubelet on {} is already running\n", name)),
                Some(k) => {
                    k.running = true;
                    let mut timers = crate::clock::Timers::default();
                    k.resync(&mut c.cluster.api, &mut timers);
                    c.cluster.take_timers(timers);
                    c.cluster.wake_kubelet(name, now);
                    c.cluster.settle();
                    Out::ok(format!("kubelet on {} started\n", name))
                }
                None => Out::err(format!("error: no kubelet for node {:?}", name)),
            }
        }
        ["seed"] => Out::ok(format!("{}\n", c.cluster.seed)),
        ["node", "add", name, opts @ ..] if !name.starts_with('-') => node_add(c, name, opts),
        ["node", "add", ..] => Out::err("error: usage: sim node add NAME [--cpu N] [--memory Q] [--pods N] [--labels K=V,…] [--taints K=V:EFFECT,…]"),
        ["proxy", "rules", rest @ ..] => {
            if let Some(n) = rest.first() {
                if !c.cluster.kubelets.contains_key(*n) {
                    return Out::err(format!("error: no node {:?}", n));
                }
            }
            match crate::proxy::iptables(&c.cluster.api, None) {
                Ok(s) => Out::ok(s),
                Err(e) => Out::err(e),
            }
        }
        ["explain", "pod", rest @ ..] | ["explain", "po", rest @ ..] | ["explain", "pods", rest @ ..] => {
            let mut ns = "default".to_string();
            let mut name = None;
            let mut it = rest.iter();
            while let Some(a) = it.next() {
                match *a {
                    "-n" | "--namespace" => ns = it.next().map(|s| s.to_string()).unwrap_or(ns),
                    s if s.starts_with("--namespace=") => ns = s["--namespace=".len()..].to_string(),
                    s => name = Some(s.strip_prefix("pod/").unwrap_or(s).to_string()),
                }
            }
            let Some(name) = name else { return Out::err("error: usage: sim explain pod NAME [-n NAMESPACE]") };
            match c.cluster.scheduler.explain(c.cluster.api.store(), &ns, &name) {
                Some(e) => Out::ok(crate::scheduler::explain::render(&e)),
                None if c.cluster.api.get_kind("Pod", &ns, &name).is_none() => Out::err(format!("Error from server (NotFound): pods \"{}\" not found", name)),
                None if c.cluster.scheduler.attempt(c.cluster.api.store(), &ns, &name).is_some_and(|(_, a)| a.revision < c.cluster.api.store().compacted()) => Out::ok(format!(
                    "Pod {}/{}'s last scheduling attempt is older than the history kubesim keeps (the last hour, at most 50,000 changes: the history is compacted as kube-apiserver compacts etcd), so it cannot be replayed.\n",
                    ns, name
                )),
                None => Out::ok(format!("Pod {}/{} has no scheduling attempt on record: it was bound without the scheduler (spec.nodeName or a Binding), or by another scheduler.\n", ns, name)),
            }
        }
        _ => Out::err(format!("error: unknown sim command {:?}\nUsage: sim time | sim node stop|start NAME | sim node add NAME [--cpu N] [--memory Q] [--pods N] [--labels k=v,…] [--taints k=v:Effect,…] | sim explain pod NAME [-n NS] | sim proxy rules [NODE] | sim seed", a.join(" "))),
    }
}

/// `sim node add NAME --cpu 4 --memory 8Gi --labels k=v --taints k=v:NoSchedule`: a new Node
/// object whose kubelet registers it (as `kubeadm join` would).
fn node_add(c: &mut Console, name: &str, opts: &[&str]) -> Out {
    use serde_json::json;
    let mut cap = serde_json::Map::new();
    for (k, v) in crate::kubelet::node_status::DEFAULT_CAPACITY {
        cap.insert(k.to_string(), json!(v));
    }
    let mut labels = serde_json::Map::new();
    let mut taints = vec![];
    let mut i = 0;
    while i < opts.len() {
        let flag = opts[i];
        let (key, val) = match flag.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k, v.to_string()),
            _ => {
                i += 1;
                (flag, opts.get(i).map(|s| s.to_string()).unwrap_or_default())
            }
        };
        match key {
            "--cpu" | "--memory" | "--pods" | "--ephemeral-storage" => {
                let res = &key[2..];
                if crate::api::quantity::Quantity::parse(&val).is_err() {
                    return Out::err(format!("error: invalid {} quantity {:?}", res, val));
                }
                cap.insert(res.to_string(), json!(val));
            }
            "--labels" => {
                for kv in val.split(',').filter(|s| !s.is_empty()) {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    labels.insert(k.to_string(), json!(v));
                }
            }
            "--taints" => {
                for t in val.split(',').filter(|s| !s.is_empty()) {
                    let Some((kv, effect)) = t.rsplit_once(':') else { return Out::err(format!("error: invalid taint {:?}: want key[=value]:Effect", t)) };
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    let mut taint = json!({"key": k, "effect": effect});
                    if !v.is_empty() {
                        taint["value"] = json!(v);
                    }
                    taints.push(taint);
                }
            }
            other => return Out::err(format!("error: unknown flag {:?}", other)),
        }
        i += 1;
    }
    let mut node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}, "spec": {}, "status": {"capacity": cap.clone(), "allocatable": cap}});
    if !taints.is_empty() {
        node["spec"]["taints"] = json!(taints);
    }
    match c.cluster.api.create(node, false) {
        Ok(_) => {
            c.cluster.settle();
            Out::ok(format!("node/{} added (its kubelet registers it)\n", name))
        }
        Err(e) => Out::err(e.kubectl()),
    }
}
