//! `kubectl describe`: the layouts of kubectl/pkg/describe/describe.go (Pod, Node, Deployment,
//! ReplicaSet, Service, Namespace, and a generic fallback), written through Go's tabwriter,
//! with the object's events last.

use crate::api::ext::ObjectExt;
use super::args::{self, boolean, val, Flag};
use super::resource;
use crate::api::fields::FieldSelector;
use crate::api::labels::{labels_of, map_of, Selector};
use crate::api::quantity::Quantity;
use crate::api::resources::ResourceInfo;
use crate::api::time::{human_duration, parse_rfc3339, rfc1123z, Millis};
use crate::api::{name, namespace, str_at};
use crate::text::table::DESCRIBE;
use crate::console::{Console, Out};
use crate::sim::Cluster;
use serde_json::Value;
use std::fmt::Write;

const FLAGS: &[Flag] = &[val("selector", Some('l')), boolean("all-namespaces", Some('A')), val("show-events", None), val("filename", Some('f')), val("chunk-size", None)];

pub fn run(c: &mut Console, words: &[String]) -> Out {
    let a = match args::parse("kubectl describe", words, FLAGS) {
        Ok(a) => a,
        Err(e) => return Out::err(e),
    };
    if a.pos.is_empty() {
        return Out::err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl describe -h' for help and examples");
    }
    let ts = match resource::targets(&a.pos) {
        Ok(t) => t,
        Err(e) => return Out::err(e),
    };
    let sel = match a.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return Out::err(format!("error: {}", e)),
    };
    let (ns, all_ns) = resource::namespace(&a);
    let show_events = a.get("show-events") != Some("false");
    let mut errors = vec![];
    let mut sections = vec![];
    for t in &ts {
        // describe TYPE NAME also matches names by prefix, as kubectl does
        let objs = if t.names.len() == 1 && c.cluster.api.get(t.r, if t.r.namespaced { &ns } else { "" }, &t.names[0]).is_err() {
            let prefix = &t.names[0];
            let found: Vec<_> = c.cluster.api.list(t.r, if t.r.namespaced { Some(ns.as_str()) } else { None }).into_iter().filter(|o| name(o).starts_with(prefix.as_str())).collect();
            if found.is_empty() {
                errors.push(format!("Error from server (NotFound): {} \"{}\" not found", t.r.qualified_plural(), prefix));
            }
            found
        } else {
            resource::fetch(c, t, &ns, all_ns, &sel, &FieldSelector::default(), &mut errors)
        };
        for o in objs {
            sections.push(describe(&c.cluster, t.r, &o, show_events));
        }
    }
    let mut out = Out::ok(sections.join("\n\n"));
    if !out.stdout.is_empty() && !out.stdout.ends_with('\n') {
        out.stdout.push('\n');
    }
    if sections.is_empty() && errors.is_empty() {
        out.stderr = if all_ns { "No resources found\n".into() } else { format!("No resources found in {} namespace.\n", ns) };
    }
    for e in errors {
        out.stderr.push_str(&e);
        out.stderr.push('\n');
        out.code = 1;
    }
    out
}

pub fn describe(c: &Cluster, r: &ResourceInfo, o: &Value, show_events: bool) -> String {
    let mut w = String::new();
    match r.kind {
        "Pod" => pod(c, o, &mut w),
        "Node" => node(c, o, &mut w),
        "Deployment" => deployment(c, o, &mut w),
        "ReplicaSet" | "ReplicationController" => replicaset(c, r, o, &mut w),
        "Service" => service(c, o, &mut w),
        "Namespace" => namespace_desc(o, &mut w),
        _ => generic(r, o, &mut w),
    }
    if show_events {
        events(c, o, &mut w);
    }
    DESCRIBE.format(&w).trim_end_matches('\n').to_string()
}

fn time_at(v: &Value, p: &str) -> Option<Millis> {
    v.pointer(p).and_then(Value::as_str).and_then(parse_rfc3339)
}

/// `Labels:  a=b` then one per line, or <none>.
fn map_lines(w: &mut String, title: &str, m: &std::collections::BTreeMap<String, String>, sep: &str) {
    if m.is_empty() {
        let _ = writeln!(w, "{}:\t<none>", title);
        return;
    }
    for (i, (k, v)) in m.iter().enumerate() {
        let _ = writeln!(w, "{}\t{}{}{}", if i == 0 { format!("{}:", title) } else { String::new() }, k, sep, v);
    }
}

fn annotations(w: &mut String, o: &Value) {
    let mut m = map_of(o.pointer("/metadata/annotations"));
    m.remove(super::apply::LAST_APPLIED);
    map_lines(w, "Annotations", &m, ": ");
}

fn tolerations(w: &mut String, spec: &Value, title: &str) {
    let tols: Vec<&Value> = spec.get("tolerations").and_then(Value::as_array).into_iter().flatten().collect();
    if tols.is_empty() {
        let _ = writeln!(w, "{}:\t<none>", title);
        return;
    }
    for (i, t) in tols.iter().enumerate() {
        let mut s = String::new();
        s.push_str(str_at(t, "/key"));
        if !str_at(t, "/value").is_empty() {
            let _ = write!(s, "={}", str_at(t, "/value"));
        }
        if !str_at(t, "/effect").is_empty() {
            let _ = write!(s, ":{}", str_at(t, "/effect"));
        }
        if str_at(t, "/operator") == "Exists" {
            s.push_str(" op=Exists");
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
            let _ = write!(s, " for {}s", secs);
        }
        let _ = writeln!(w, "{}\t{}", if i == 0 { format!("{}:", title) } else { String::new() }, s.trim_start());
    }
}

fn controlled_by(o: &Value) -> Option<String> {
    o.pointer("/metadata/ownerReferences").and_then(Value::as_array)?.iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true)).map(|r| format!("{}/{}", str_at(r, "/kind"), str_at(r, "/name")))
}

fn pod(c: &Cluster, p: &Value, w: &mut String) {
    let spec = p.get("spec").cloned().unwrap_or(Value::Null);
    let _ = writeln!(w, "Name:\t{}", name(p));
    let _ = writeln!(w, "Namespace:\t{}", namespace(p));
    let _ = writeln!(w, "Priority:\t{}", spec.get("priority").and_then(Value::as_i64).unwrap_or(0));
    if !str_at(&spec, "/priorityClassName").is_empty() {
        let _ = writeln!(w, "Priority Class Name:\t{}", str_at(&spec, "/priorityClassName"));
    }
    let _ = writeln!(w, "Service Account:\t{}", str_at(&spec, "/serviceAccountName"));
    let node = str_at(&spec, "/nodeName");
    if node.is_empty() {
        let _ = writeln!(w, "Node:\t<none>");
    } else {
        let _ = writeln!(w, "Node:\t{}/{}", node, str_at(p, "/status/hostIP"));
    }
    if let Some(t) = time_at(p, "/status/startTime") {
        let _ = writeln!(w, "Start Time:\t{}", rfc1123z(t));
    }
    map_lines(w, "Labels", &labels_of(p), "=");
    annotations(w, p);
    if let Some(dt) = time_at(p, "/metadata/deletionTimestamp") {
        let _ = writeln!(w, "Status:\tTerminating (lasts {})", human_duration(dt - c.now()));
        let _ = writeln!(w, "Termination Grace Period:\t{}s", p.pointer("/metadata/deletionGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(0));
    } else {
        let _ = writeln!(w, "Status:\t{}", str_at(p, "/status/phase"));
    }
    if !str_at(p, "/status/reason").is_empty() {
        let _ = writeln!(w, "Reason:\t{}", str_at(p, "/status/reason"));
    }
    if !str_at(p, "/status/message").is_empty() {
        let _ = writeln!(w, "Message:\t{}", str_at(p, "/status/message"));
    }
    let _ = writeln!(w, "IP:\t{}", str_at(p, "/status/podIP"));
    let ips: Vec<&str> = p.pointer("/status/podIPs").and_then(Value::as_array).into_iter().flatten().map(|i| str_at(i, "/ip")).collect();
    if ips.is_empty() {
        let _ = writeln!(w, "IPs:\t<none>");
    } else {
        let _ = writeln!(w, "IPs:");
        for ip in ips {
            let _ = writeln!(w, "  IP:\t{}", ip);
        }
    }
    if let Some(cb) = controlled_by(p) {
        let _ = writeln!(w, "Controlled By:\t{}", cb);
    }
    if spec.get("initContainers").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
        let _ = writeln!(w, "Init Containers:");
        containers(p, "initContainers", "initContainerStatuses", w);
    }
    let _ = writeln!(w, "Containers:");
    containers(p, "containers", "containerStatuses", w);
    let conds: Vec<&Value> = p.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().collect();
    if !conds.is_empty() {
        let _ = writeln!(w, "Conditions:\n  Type\tStatus");
        for cnd in conds {
            let _ = writeln!(w, "  {} \t{} ", str_at(cnd, "/type"), str_at(cnd, "/status"));
        }
    }
    volumes(&spec, w);
    let _ = writeln!(w, "QoS Class:\t{}", str_at(p, "/status/qosClass"));
    let ns = map_of(spec.get("nodeSelector"));
    map_lines(w, "Node-Selectors", &ns, "=");
    tolerations(w, &spec, "Tolerations");
}

fn containers(p: &Value, list: &str, statuses: &str, w: &mut String) {
    for ct in p.pointer(&format!("/spec/{}", list)).and_then(Value::as_array).into_iter().flatten() {
        let cname = str_at(ct, "/name");
        let st = p.pointer(&format!("/status/{}", statuses)).and_then(Value::as_array).and_then(|a| a.iter().find(|s| str_at(s, "/name") == cname)).cloned().unwrap_or(Value::Null);
        let _ = writeln!(w, "  {}:", cname);
        let _ = writeln!(w, "    Container ID:\t{}", str_at(&st, "/containerID"));
        let _ = writeln!(w, "    Image:\t{}", str_at(ct, "/image"));
        let _ = writeln!(w, "    Image ID:\t{}", str_at(&st, "/imageID"));
        ports(ct, w);
        for (field, title) in [("command", "Command"), ("args", "Args")] {
            if let Some(items) = ct.get(field).and_then(Value::as_array) {
                let _ = writeln!(w, "    {}:", title);
                for i in items {
                    let _ = writeln!(w, "      {}", i.as_str().unwrap_or(""));
                }
            }
        }
        state(&st, "state", "State", w);
        if st.pointer("/lastState").and_then(Value::as_object).is_some_and(|m| !m.is_empty()) {
            state(&st, "lastState", "Last State", w);
        }
        let _ = writeln!(w, "    Ready:\t{}", if st.get("ready").and_then(Value::as_bool) == Some(true) { "True" } else { "False" });
        let _ = writeln!(w, "    Restart Count:\t{}", st.get("restartCount").and_then(Value::as_i64).unwrap_or(0));
        for (field, title) in [("limits", "Limits"), ("requests", "Requests")] {
            if let Some(m) = ct.pointer(&format!("/resources/{}", field)).and_then(Value::as_object).filter(|m| !m.is_empty()) {
                let _ = writeln!(w, "    {}:", title);
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                for k in keys {
                    let _ = writeln!(w, "      {}:\t{}", k, m[k].as_str().unwrap_or(""));
                }
            }
        }
        let env: Vec<&Value> = ct.get("env").and_then(Value::as_array).into_iter().flatten().collect();
        if env.is_empty() {
            let _ = writeln!(w, "    Environment:\t<none>");
        } else {
            let _ = writeln!(w, "    Environment:");
            for e in env {
                let _ = writeln!(w, "      {}:\t{}", str_at(e, "/name"), str_at(e, "/value"));
            }
        }
        let mounts: Vec<&Value> = ct.get("volumeMounts").and_then(Value::as_array).into_iter().flatten().collect();
        if mounts.is_empty() {
            let _ = writeln!(w, "    Mounts:\t<none>");
        } else {
            let _ = writeln!(w, "    Mounts:");
            for m in mounts {
                let ro = if m.get("readOnly").and_then(Value::as_bool) == Some(true) { "ro" } else { "rw" };
                let _ = writeln!(w, "      {} from {} ({})", str_at(m, "/mountPath"), str_at(m, "/name"), ro);
            }
        }
    }
}

/// `Port:`/`Host Port:`, or `Ports:`/`Host Ports:` for several (describe.go describeContainerPorts).
fn ports(ct: &Value, w: &mut String) {
    let ports: Vec<&Value> = ct.get("ports").and_then(Value::as_array).into_iter().flatten().collect();
    if ports.is_empty() {
        let _ = writeln!(w, "    Port:\t<none>\n    Host Port:\t<none>");
        return;
    }
    let ps: Vec<String> = ports.iter().map(|x| format!("{}/{}", x.get("containerPort").and_then(Value::as_i64).unwrap_or(0), str_at(x, "/protocol"))).collect();
    let hs: Vec<String> = ports.iter().map(|x| format!("{}/{}", x.get("hostPort").and_then(Value::as_i64).unwrap_or(0), str_at(x, "/protocol"))).collect();
    let plural = if ps.len() > 1 { "s" } else { "" };
    let _ = writeln!(w, "    Port{}:\t{}\n    Host Port{}:\t{}", plural, ps.join(", "), plural, hs.join(", "));
}

fn state(st: &Value, field: &str, title: &str, w: &mut String) {
    let s = st.get(field).cloned().unwrap_or(Value::Null);
    if let Some(r) = s.get("running") {
        let _ = writeln!(w, "    {}:\tRunning", title);
        if let Some(t) = time_at(r, "/startedAt") {
            let _ = writeln!(w, "      Started:\t{}", rfc1123z(t));
        }
    } else if let Some(wt) = s.get("waiting") {
        let _ = writeln!(w, "    {}:\tWaiting", title);
        if !str_at(wt, "/reason").is_empty() {
            let _ = writeln!(w, "      Reason:\t{}", str_at(wt, "/reason"));
        }
    } else if let Some(t) = s.get("terminated") {
        let _ = writeln!(w, "    {}:\tTerminated", title);
        if !str_at(t, "/reason").is_empty() {
            let _ = writeln!(w, "      Reason:\t{}", str_at(t, "/reason"));
        }
        let _ = writeln!(w, "      Exit Code:\t{}", t.get("exitCode").and_then(Value::as_i64).unwrap_or(0));
        if let Some(x) = time_at(t, "/startedAt") {
            let _ = writeln!(w, "      Started:\t{}", rfc1123z(x));
        }
        if let Some(x) = time_at(t, "/finishedAt") {
            let _ = writeln!(w, "      Finished:\t{}", rfc1123z(x));
        }
    } else {
        let _ = writeln!(w, "    {}:\tWaiting", title);
    }
}

fn volumes(spec: &Value, w: &mut String) {
    let vols: Vec<&Value> = spec.get("volumes").and_then(Value::as_array).into_iter().flatten().collect();
    if vols.is_empty() {
        let _ = writeln!(w, "Volumes:\t<none>");
        return;
    }
    let _ = writeln!(w, "Volumes:");
    for v in vols {
        let _ = writeln!(w, "  {}:", str_at(v, "/name"));
        if let Some(p) = v.get("projected") {
            let _ = writeln!(w, "    Type:\tProjected (a volume that contains injected data from multiple sources)");
            for s in p.get("sources").and_then(Value::as_array).into_iter().flatten() {
                if let Some(t) = s.get("serviceAccountToken") {
                    let _ = writeln!(w, "    TokenExpirationSeconds:\t{}", t.get("expirationSeconds").and_then(Value::as_i64).unwrap_or(3607));
                }
                if let Some(cm) = s.get("configMap") {
                    let _ = writeln!(w, "    ConfigMapName:\t{}\n    Optional:\tfalse", str_at(cm, "/name"));
                }
                if s.get("downwardAPI").is_some() {
                    let _ = writeln!(w, "    DownwardAPI:\ttrue");
                }
            }
        } else if let Some(h) = v.get("hostPath") {
            let _ = writeln!(w, "    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}", str_at(h, "/path"), str_at(h, "/type"));
        } else if v.get("emptyDir").is_some() {
            let _ = writeln!(w, "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t\n    SizeLimit:\t<unset>");
        } else if let Some(cm) = v.get("configMap") {
            let _ = writeln!(w, "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\tfalse", str_at(cm, "/name"));
        } else if let Some(s) = v.get("secret") {
            let _ = writeln!(w, "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\tfalse", str_at(s, "/secretName"));
        }
    }
}

fn pct(used: Quantity, total: Quantity) -> i128 {
    if total.milli() == 0 { 0 } else { used.milli() * 100 / total.milli() }
}

fn fmt_q(res: &str, q: Quantity) -> String {
    if res == "cpu" { q.to_decimal_string() } else { q.to_binary_string() }
}

fn node(c: &Cluster, n: &Value, w: &mut String) {
    let now = c.now();
    let _ = writeln!(w, "Name:\t{}", name(n));
    let roles = super::printers::node_roles(n);
    let _ = writeln!(w, "Roles:\t{}", roles);
    map_lines(w, "Labels", &labels_of(n), "=");
    annotations(w, n);
    if let Some(t) = time_at(n, "/metadata/creationTimestamp") {
        let _ = writeln!(w, "CreationTimestamp:\t{}", rfc1123z(t));
    }
    let taints: Vec<String> = n
        .pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            let v = str_at(t, "/value");
            if v.is_empty() { format!("{}:{}", str_at(t, "/key"), str_at(t, "/effect")) } else { format!("{}={}:{}", str_at(t, "/key"), v, str_at(t, "/effect")) }
        })
        .collect();
    if taints.is_empty() {
        let _ = writeln!(w, "Taints:\t<none>");
    } else {
        for (i, t) in taints.iter().enumerate() {
            let _ = writeln!(w, "{}\t{}", if i == 0 { "Taints:" } else { "" }, t);
        }
    }
    let _ = writeln!(w, "Unschedulable:\t{}", n.pointer("/spec/unschedulable").and_then(Value::as_bool).unwrap_or(false));
    if let Some(l) = c.api.get_kind("Lease", "kube-node-lease", name(n)) {
        let _ = writeln!(w, "Lease:\n  HolderIdentity:\t{}\n  AcquireTime:\t<unset>", str_at(&l, "/spec/holderIdentity"));
        let _ = writeln!(w, "  RenewTime:\t{}", time_at(&l, "/spec/renewTime").map(rfc1123z).unwrap_or_else(|| "<unset>".into()));
    }
    let conds: Vec<&Value> = n.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().collect();
    if !conds.is_empty() {
        let _ = writeln!(w, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------");
        for cd in conds {
            let t = |p: &str| time_at(cd, p).map(rfc1123z).unwrap_or_default();
            let _ = writeln!(w, "  {} \t{} \t{} \t{} \t{} \t{}", str_at(cd, "/type"), str_at(cd, "/status"), t("/lastHeartbeatTime"), t("/lastTransitionTime"), str_at(cd, "/reason"), str_at(cd, "/message"));
        }
    }
    let _ = writeln!(w, "Addresses:");
    for a in n.pointer("/status/addresses").and_then(Value::as_array).into_iter().flatten() {
        let _ = writeln!(w, "  {}:\t{}", str_at(a, "/type"), str_at(a, "/address"));
    }
    for (field, title) in [("capacity", "Capacity"), ("allocatable", "Allocatable")] {
        if let Some(m) = n.pointer(&format!("/status/{}", field)).and_then(Value::as_object) {
            let _ = writeln!(w, "{}:", title);
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                let _ = writeln!(w, "  {}:\t{}", k, m[k].as_str().unwrap_or(""));
            }
        }
    }
    let info = |f: &str| str_at(n, &format!("/status/nodeInfo/{}", f)).to_string();
    let _ = writeln!(w, "System Info:");
    for (t, f) in [("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"), ("Operating System", "operatingSystem"), ("Architecture", "architecture"), ("Container Runtime Version", "containerRuntimeVersion"), ("Kubelet Version", "kubeletVersion")] {
        let _ = writeln!(w, "  {}:\t{}", t, info(f));
    }
    let cidr = str_at(n, "/spec/podCIDR");
    if !cidr.is_empty() {
        let _ = writeln!(w, "PodCIDR:\t{}", cidr);
        let cidrs: Vec<&str> = n.pointer("/spec/podCIDRs").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let _ = writeln!(w, "PodCIDRs:\t{}", cidrs.join(","));
    }
    let pods: Vec<_> = c.api.list_kind("Pod", None).into_iter().filter(|p| str_at(p, "/spec/nodeName") == name(n) && !matches!(str_at(p, "/status/phase"), "Succeeded" | "Failed")).collect();
    let alloc = |r: &str| n.pointer(&format!("/status/allocatable/{}", r)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).unwrap_or(Quantity::ZERO);
    let _ = writeln!(w, "Non-terminated Pods:\t({} in total)", pods.len());
    let _ = writeln!(w, "  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n  ---------\t----\t------------\t----------\t---------------\t-------------\t---");
    let limit = |p: &Value, r: &str| p.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten().fold(Quantity::ZERO, |a, ct| a.saturating_add(ct.pointer(&format!("/resources/limits/{}", r)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok()).unwrap_or(Quantity::ZERO)));
    let mut totals = [Quantity::ZERO; 4];
    for p in &pods {
        let (cr, cl, mr, ml) = (crate::api::requests::pod_request(p, "cpu"), limit(p, "cpu"), crate::api::requests::pod_request(p, "memory"), limit(p, "memory"));
        totals[0] = totals[0].saturating_add(cr);
        totals[1] = totals[1].saturating_add(cl);
        totals[2] = totals[2].saturating_add(mr);
        totals[3] = totals[3].saturating_add(ml);
        let _ = writeln!(
            w,
            "  {}\t{}\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}",
            namespace(p),
            name(p),
            fmt_q("cpu", cr),
            pct(cr, alloc("cpu")),
            fmt_q("cpu", cl),
            pct(cl, alloc("cpu")),
            fmt_q("memory", mr),
            pct(mr, alloc("memory")),
            fmt_q("memory", ml),
            pct(ml, alloc("memory")),
            super::printers::age(p, now)
        );
    }
    let _ = writeln!(w, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource\tRequests\tLimits\n  --------\t--------\t------");
    let _ = writeln!(w, "  cpu\t{} ({}%)\t{} ({}%)", fmt_q("cpu", totals[0]), pct(totals[0], alloc("cpu")), fmt_q("cpu", totals[1]), pct(totals[1], alloc("cpu")));
    let _ = writeln!(w, "  memory\t{} ({}%)\t{} ({}%)", fmt_q("memory", totals[2]), pct(totals[2], alloc("memory")), fmt_q("memory", totals[3]), pct(totals[3], alloc("memory")));
    for r in ["ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi"] {
        let _ = writeln!(w, "  {}\t0 (0%)\t0 (0%)", r);
    }
}

fn deployment(c: &Cluster, d: &Value, w: &mut String) {
    let _ = writeln!(w, "Name:\t{}\nNamespace:\t{}", name(d), namespace(d));
    if let Some(t) = time_at(d, "/metadata/creationTimestamp") {
        let _ = writeln!(w, "CreationTimestamp:\t{}", rfc1123z(t));
    }
    map_lines(w, "Labels", &labels_of(d), "=");
    annotations(w, d);
    let sel = Selector::from_label_selector(d.pointer("/spec/selector")).map(|s| s.to_string_form()).unwrap_or_default();
    let _ = writeln!(w, "Selector:\t{}", sel);
    let i = |p: &str| d.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let _ = writeln!(w, "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable", i("/spec/replicas"), i("/status/updatedReplicas"), i("/status/replicas"), i("/status/availableReplicas"), i("/status/unavailableReplicas"));
    let _ = writeln!(w, "StrategyType:\t{}\nMinReadySeconds:\t{}", str_at(d, "/spec/strategy/type"), i("/spec/minReadySeconds"));
    if str_at(d, "/spec/strategy/type") == "RollingUpdate" {
        let f = |p: &str| d.pointer(p).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string())).unwrap_or_default();
        let _ = writeln!(w, "RollingUpdateStrategy:\t{} max unavailable, {} max surge", f("/spec/strategy/rollingUpdate/maxUnavailable"), f("/spec/strategy/rollingUpdate/maxSurge"));
    }
    pod_template(d.pointer("/spec/template").unwrap_or(&Value::Null), w);
    let conds: Vec<&Value> = d.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().collect();
    if !conds.is_empty() {
        let _ = writeln!(w, "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------");
        for cd in conds {
            let _ = writeln!(w, "  {}\t{}\t{}", str_at(cd, "/type"), str_at(cd, "/status"), str_at(cd, "/reason"));
        }
    }
    // the ReplicaSets it controls: the one matching the template is new, the rest old
    let uid = str_at(d, "/metadata/uid");
    let rss: Vec<_> = c.api.list_kind("ReplicaSet", Some(namespace(d))).into_iter().filter(|rs| rs.controller_uid() == Some(uid)).collect();
    let rev = |rs: &Value| rs.pointer("/metadata/annotations/deployment.kubernetes.io~1revision").and_then(Value::as_str).and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
    let newest = rss.iter().map(|rs| rev(rs)).max();
    let describe_rs = |rs: &Value| format!("{} ({}/{} replicas created)", name(rs), rs.pointer("/status/replicas").and_then(Value::as_i64).unwrap_or(0), rs.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0));
    let old: Vec<String> = rss.iter().filter(|rs| Some(rev(rs)) != newest && rs.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0) > 0).map(|rs| describe_rs(rs)).collect();
    let _ = writeln!(w, "OldReplicaSets:\t{}", if old.is_empty() { "<none>".to_string() } else { old.join(", ") });
    let new: Vec<String> = rss.iter().filter(|rs| Some(rev(rs)) == newest).map(|rs| describe_rs(rs)).collect();
    let _ = writeln!(w, "NewReplicaSet:\t{}", if new.is_empty() { "<none>".to_string() } else { new.join(", ") });
}

fn pod_template(t: &Value, w: &mut String) {
    let _ = writeln!(w, "Pod Template:");
    let labels = map_of(t.pointer("/metadata/labels"));
    if labels.is_empty() {
        let _ = writeln!(w, "  Labels:\t<none>");
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        let _ = writeln!(w, "{}\t{}={}", if i == 0 { "  Labels:" } else { "" }, k, v);
    }
    let _ = writeln!(w, "  Containers:");
    for ct in t.pointer("/spec/containers").and_then(Value::as_array).into_iter().flatten() {
        let _ = writeln!(w, "   {}:\n    Image:\t{}", str_at(ct, "/name"), str_at(ct, "/image"));
        ports(ct, w);
        let _ = writeln!(w, "    Environment:\t<none>\n    Mounts:\t<none>");
    }
    let _ = writeln!(w, "  Volumes:\t<none>");
    let _ = writeln!(w, "  Node-Selectors:\t<none>");
    tolerations(w, t.get("spec").unwrap_or(&Value::Null), "  Tolerations");
}

fn replicaset(c: &Cluster, r: &ResourceInfo, rs: &Value, w: &mut String) {
    let _ = writeln!(w, "Name:\t{}\nNamespace:\t{}", name(rs), namespace(rs));
    let sel = if r.kind == "ReplicaSet" { Selector::from_label_selector(rs.pointer("/spec/selector")).map(|s| s.to_string_form()).unwrap_or_default() } else { map_of(rs.pointer("/spec/selector")).iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(",") };
    let _ = writeln!(w, "Selector:\t{}", sel);
    map_lines(w, "Labels", &labels_of(rs), "=");
    annotations(w, rs);
    if let Some(cb) = controlled_by(rs) {
        let _ = writeln!(w, "Controlled By:\t{}", cb);
    }
    let i = |p: &str| rs.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let _ = writeln!(w, "Replicas:\t{} current / {} desired", i("/status/replicas"), i("/spec/replicas"));
    let owned: Vec<_> = c.api.list_kind("Pod", Some(namespace(rs))).into_iter().filter(|p| p.pointer("/metadata/ownerReferences/0/uid") == rs.pointer("/metadata/uid")).collect();
    let count = |ph: &str| owned.iter().filter(|p| str_at(p, "/status/phase") == ph).count();
    let _ = writeln!(w, "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed", count("Running"), count("Pending"), count("Succeeded"), count("Failed"));
    pod_template(rs.pointer("/spec/template").unwrap_or(&Value::Null), w);
}

fn service(c: &Cluster, s: &Value, w: &mut String) {
    let _ = writeln!(w, "Name:\t{}\nNamespace:\t{}", name(s), namespace(s));
    map_lines(w, "Labels", &labels_of(s), "=");
    annotations(w, s);
    let sel = map_of(s.pointer("/spec/selector"));
    let _ = writeln!(w, "Selector:\t{}", if sel.is_empty() { "<none>".into() } else { sel.iter().map(|(k, v)| format!("{}={}", k, v)).collect::<Vec<_>>().join(",") });
    let _ = writeln!(w, "Type:\t{}", str_at(s, "/spec/type"));
    let _ = writeln!(w, "IP Family Policy:\t{}", str_at(s, "/spec/ipFamilyPolicy"));
    let fams: Vec<&str> = s.pointer("/spec/ipFamilies").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let _ = writeln!(w, "IP Families:\t{}", fams.join(","));
    let _ = writeln!(w, "IP:\t{}", str_at(s, "/spec/clusterIP"));
    let ips: Vec<&str> = s.pointer("/spec/clusterIPs").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let _ = writeln!(w, "IPs:\t{}", ips.join(","));
    let ep = c.api.get_kind("Endpoints", namespace(s), name(s));
    for p in s.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten() {
        let pname = if str_at(p, "/name").is_empty() { "<unset>" } else { str_at(p, "/name") };
        let _ = writeln!(w, "Port:\t{}\t{}/{}", pname, p.get("port").and_then(Value::as_i64).unwrap_or(0), str_at(p, "/protocol"));
        let tp = p.get("targetPort").map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string())).unwrap_or_default();
        let _ = writeln!(w, "TargetPort:\t{}/{}", tp, str_at(p, "/protocol"));
        if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
            let _ = writeln!(w, "NodePort:\t{}\t{}/{}", pname, np, str_at(p, "/protocol"));
        }
        let _ = writeln!(w, "Endpoints:\t{}", ep.as_deref().map(super::printers::endpoints_string).map(|s| if s == "<none>" { String::new() } else { s }).unwrap_or_default());
    }
    let _ = writeln!(w, "Session Affinity:\t{}", str_at(s, "/spec/sessionAffinity"));
    if !str_at(s, "/spec/externalTrafficPolicy").is_empty() {
        let _ = writeln!(w, "External Traffic Policy:\t{}", str_at(s, "/spec/externalTrafficPolicy"));
    }
    let _ = writeln!(w, "Internal Traffic Policy:\t{}", str_at(s, "/spec/internalTrafficPolicy"));
}

fn namespace_desc(n: &Value, w: &mut String) {
    let _ = writeln!(w, "Name:\t{}", name(n));
    map_lines(w, "Labels", &labels_of(n), "=");
    annotations(w, n);
    let _ = writeln!(w, "Status:\t{}\n\nNo resource quota.\n\nNo LimitRange resource.", str_at(n, "/status/phase"));
}

/// Kinds without a dedicated describer: kubectl's generic describer prints the object's fields.
fn generic(r: &ResourceInfo, o: &Value, w: &mut String) {
    let _ = writeln!(w, "Name:\t{}", name(o));
    if r.namespaced {
        let _ = writeln!(w, "Namespace:\t{}", namespace(o));
    }
    map_lines(w, "Labels", &labels_of(o), "=");
    annotations(w, o);
    let mut rest = o.clone();
    if let Some(m) = rest.as_object_mut() {
        m.remove("metadata");
        m.remove("apiVersion");
        m.remove("kind");
    }
    for line in crate::text::yaml::to_yaml(&rest).lines() {
        let _ = writeln!(w, "{}", line);
    }
}

fn events(c: &Cluster, o: &Value, w: &mut String) {
    // kubectl's field selector (kubectl/pkg/describe SearchEvents: involvedObject name,
    // namespace, kind and — the object has one — uid), answered from the store's index of
    // events by the object they are about
    let uid = str_at(o, "/metadata/uid");
    let mut evs = c.api.store().events_about(&if uid.is_empty() { format!("{}/{}/{}", str_at(o, "/kind"), namespace(o), name(o)) } else { uid.to_string() });
    if evs.is_empty() {
        let _ = writeln!(w, "Events:\t<none>");
        return;
    }
    evs.sort_by_key(|e| (time_at(e, "/lastTimestamp").unwrap_or(0), time_at(e, "/firstTimestamp").unwrap_or(0)));
    let now = c.now();
    let _ = writeln!(w, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------");
    for e in evs {
        let count = e.get("count").and_then(Value::as_i64).unwrap_or(1);
        let last = time_at(&e, "/lastTimestamp").unwrap_or(now);
        let first = time_at(&e, "/firstTimestamp").unwrap_or(last);
        let age = if count > 1 { format!("{} (x{} over {})", human_duration(now - last), count, human_duration(now - first)) } else { human_duration(now - first) };
        let from = str_at(&e, "/source/component");
        let host = str_at(&e, "/source/host");
        let from = if from.is_empty() { str_at(&e, "/reportingComponent").to_string() } else if host.is_empty() || from != "kubelet" { from.to_string() } else { format!("{}", from) };
        let _ = writeln!(w, "  {}\t{}\t{}\t{}\t{}", str_at(&e, "/type"), str_at(&e, "/reason"), age, from, str_at(&e, "/message").trim());
    }
}
