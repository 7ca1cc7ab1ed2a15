//! CoreDNS's kubernetes plugin, as pods see it: `svc`, `svc.ns`, `svc.ns.svc`,
//! `svc.ns.svc.cluster.local` (the pod's search path supplies the rest) answer the ClusterIP,
//! or for a headless Service (clusterIP: None) the ready endpoints' pod IPs;
//! `a-b-c-d.ns.pod.cluster.local` answers its pod IP. `nslookup` prints it as busybox does.

use crate::apiserver::ApiServer;
use serde_json::Value;

/// One answer: (IP, the name that reverse-resolves to it).
pub type Answer = (String, String);

/// Resolves `name` for a client in namespace `ns`; None: NXDOMAIN.
pub fn resolve(api: &ApiServer, name: &str, ns: &str) -> Option<(String, Vec<Answer>)> {
    let name = name.trim_end_matches('.');
    // pod A records
    if let Some(rest) = name.strip_suffix(".pod.cluster.local") {
        let (dashed, pod_ns) = rest.split_once('.')?;
        let ip = dashed.replace('-', ".");
        let exists = api.list_kind("Pod", Some(pod_ns)).iter().any(|p| crate::api::str_at(p, "/status/podIP") == ip);
        return exists.then(|| (name.to_string(), vec![(ip.clone(), format!("{}.{}.pod.cluster.local", dashed, pod_ns))]));
    }
    let parts: Vec<&str> = name.split('.').collect();
    let (svc, svc_ns) = match parts.as_slice() {
        [s] => (*s, ns),
        [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => (*s, *n),
        _ => return None,
    };
    let s = api.get_kind("Service", svc_ns, svc)?;
    let fqdn = format!("{}.{}.svc.cluster.local", svc, svc_ns);
    let ip = crate::api::str_at(&s, "/spec/clusterIP");
    if ip != "None" {
        return Some((fqdn.clone(), vec![(ip.to_string(), fqdn)]));
    }
    // headless: one A record per ready endpoint
    let ep = api.get_kind("Endpoints", svc_ns, svc);
    let mut ips: Vec<String> = ep
        .iter()
        .flat_map(|e| e.get("subsets").and_then(Value::as_array).cloned().unwrap_or_default())
        .flat_map(|sub| sub.get("addresses").and_then(Value::as_array).cloned().unwrap_or_default())
        .map(|a| crate::api::str_at(&a, "/ip").to_string())
        .collect();
    ips.sort();
    ips.dedup();
    if ips.is_empty() {
        return None;
    }
    Some((fqdn.clone(), ips.into_iter().map(|ip| (ip.clone(), format!("{}.{}", ip.replace('.', "-"), fqdn))).collect()))
}

/// `nslookup NAME` in a container: busybox 1.28's format (the tag CKA courses use for it) or
/// the newer busybox's.
pub fn nslookup(api: &ApiServer, name: &str, ns: &str, old_busybox: bool) -> (String, i32) {
    let answer = resolve(api, name, ns);
    if old_busybox {
        let mut out = "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n".to_string();
        match answer {
            None => {
                out.push_str(&format!("nslookup: can't resolve '{}'\n", name));
                (out, 1)
            }
            Some((_, rs)) => {
                out.push_str(&format!("Name:      {}\n", name));
                for (i, (ip, rev)) in rs.iter().enumerate() {
                    out.push_str(&format!("Address {}: {} {}\n", i + 1, ip, rev));
                }
                (out, 0)
            }
        }
    } else {
        let mut out = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n".to_string();
        match answer {
            None => {
                out.push_str(&format!("** server can't find {}: NXDOMAIN\n", name));
                (out, 1)
            }
            Some((fqdn, rs)) => {
                for (ip, _) in rs {
                    out.push_str(&format!("Name:\t{}\nAddress: {}\n", fqdn, ip));
                }
                (out, 0)
            }
        }
    }
}
