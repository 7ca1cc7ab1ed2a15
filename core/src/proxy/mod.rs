//! kube-proxy (iptables mode): the NAT rules every node holds for Services — KUBE-SERVICES jumps
//! to a KUBE-SVC chain per service port, which picks a KUBE-SEP endpoint chain with
//! `statistic mode random probability 1/n` (as upstream writes them), which DNATs to a pod IP.
//! `route` follows the same rules for a request, choosing the endpoint with the seeded RNG —
//! the "service IP rewritten to a pod IP" of the study notes.

pub mod dns;

use crate::apiserver::ApiServer;
use crate::clock::rng::Rng;
use serde_json::Value;

/// A service port's rules: (service "ns/name:port-name", cluster IP, port, protocol, node port,
/// endpoints (pod IP, port, pod name)).
pub struct ServiceRule {
    pub name: String,
    pub cluster_ip: String,
    pub port: i64,
    pub protocol: String,
    pub node_port: Option<i64>,
    pub endpoints: Vec<(String, i64, String)>,
}

fn chain(prefix: &str, key: &str) -> String {
    // upstream: base32(sha256(servicePortName + protocol))[:16]; kubesim uses its own hash
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let s: String = (0..16).map(|i| B32[((h >> ((i * 4) % 60)) & 31) as usize] as char).collect();
    format!("{}-{}", prefix, s)
}

pub fn rules(api: &ApiServer) -> Vec<ServiceRule> {
    let mut out = vec![];
    for svc in api.list_kind("Service", None) {
        let ip = crate::api::str_at(&svc, "/spec/clusterIP").to_string();
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let ns = crate::api::namespace(&svc);
        let name = crate::api::name(&svc);
        let ep = api.get_kind("Endpoints", ns, name);
        for p in svc.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten() {
            let pname = p.get("name").and_then(Value::as_str).unwrap_or("");
            let mut endpoints = vec![];
            for s in ep.as_deref().and_then(|e| e.get("subsets")).and_then(Value::as_array).into_iter().flatten() {
                let port = s.get("ports").and_then(Value::as_array).and_then(|ps| ps.iter().find(|x| x.get("name").and_then(Value::as_str).unwrap_or("") == pname)).and_then(|x| x.get("port")).and_then(Value::as_i64);
                let Some(port) = port else { continue };
                for a in s.get("addresses").and_then(Value::as_array).into_iter().flatten() {
                    endpoints.push((crate::api::str_at(a, "/ip").to_string(), port, crate::api::str_at(a, "/targetRef/name").to_string()));
                }
            }
            out.push(ServiceRule {
                name: if pname.is_empty() { format!("{}/{}", ns, name) } else { format!("{}/{}:{}", ns, name, pname) },
                cluster_ip: ip.clone(),
                port: p.get("port").and_then(Value::as_i64).unwrap_or(0),
                protocol: p.get("protocol").and_then(Value::as_str).unwrap_or("TCP").to_string(),
                node_port: p.get("nodePort").and_then(Value::as_i64),
                endpoints,
            });
        }
    }
    out
}

/// `iptables -t nat -L KUBE-SERVICES` (or a KUBE-SVC chain) as iptables lists it.
pub fn iptables(api: &ApiServer, chain_name: Option<&str>) -> Result<String, String> {
    let rs = rules(api);
    let header = "target     prot opt source               destination\n";
    match chain_name {
        None | Some("KUBE-SERVICES") => {
            let mut out = format!("Chain KUBE-SERVICES (2 references)\n{}", header);
            for r in &rs {
                let target = if r.endpoints.is_empty() { "REJECT".to_string() } else { chain("KUBE-SVC", &format!("{}{}", r.name, r.protocol)) };
                out.push_str(&format!("{:<10} {:<4} --  anywhere             {:<20} /* {} cluster IP */ {} dpt:{}\n", target, r.protocol.to_lowercase(), r.cluster_ip, r.name, r.protocol.to_lowercase(), r.port));
            }
            out.push_str(&format!("{:<10} all  --  anywhere             anywhere             /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL\n", "KUBE-NODEPORTS"));
            Ok(out)
        }
        Some(c) => {
            let Some(r) = rs.iter().find(|r| chain("KUBE-SVC", &format!("{}{}", r.name, r.protocol)) == c) else {
                return Err(format!("iptables: No chain/target/match by that name."));
            };
            let mut out = format!("Chain {} (1 references)\n{}", c, header);
            let n = r.endpoints.len();
            for (i, (ip, port, _)) in r.endpoints.iter().enumerate() {
                let sep = chain("KUBE-SEP", &format!("{}{}{}:{}", r.name, r.protocol, ip, port));
                let stat = if i + 1 < n { format!(" statistic mode random probability {:.11}", iptables_probability(1.0 / (n - i) as f64)) } else { String::new() };
                out.push_str(&format!("{:<10} all  --  anywhere             anywhere             /* {} -> {}:{} */{}\n", sep, r.name, ip, port, stat));
            }
            Ok(out)
        }
    }
}

/// The statistic match keeps the probability as a 31-bit fixed-point number; iptables prints it
/// back from there (so 1/3 reads 0.33333333349, as in a real node's rules).
pub fn iptables_probability(p: f64) -> f64 {
    let fixed = (p * 2147483648.0).round();
    fixed / 2147483648.0
}

/// Where a request to `ip:port` lands: the DNAT kube-proxy applies, endpoint chosen at random.
pub fn route(api: &ApiServer, rng: &mut Rng, host: &str, port: i64) -> Result<(String, i64, String, String), String> {
    let rs = rules(api);
    let r = rs
        .iter()
        .find(|r| (r.cluster_ip == host || service_dns(&r.name).iter().any(|d| d == host)) && (r.port == port || port == 0))
        .ok_or_else(|| format!("curl: (7) Failed to connect to {} port {}: Connection refused", host, port))?;
    if r.endpoints.is_empty() {
        return Err(format!("curl: (7) Failed to connect to {} port {}: Connection refused", host, port));
    }
    let (ip, p, pod) = r.endpoints[rng.below(r.endpoints.len() as u32) as usize].clone();
    Ok((ip, p, pod, r.name.clone()))
}

/// The names CoreDNS answers for a service: name, name.ns, name.ns.svc, name.ns.svc.cluster.local.
pub fn service_dns(svc_port_name: &str) -> Vec<String> {
    let base = svc_port_name.split(':').next().unwrap_or("");
    let Some((ns, name)) = base.split_once('/') else { return vec![] };
    vec![name.to_string(), format!("{}.{}", name, ns), format!("{}.{}.svc", name, ns), format!("{}.{}.svc.cluster.local", name, ns)]
}

#[cfg(test)]
mod tests {
    use super::*;

    // What `iptables -L` shows for kube-proxy's 1/n, 1/(n-1) … endpoint rules.
    #[test]
    fn probabilities_print_like_iptables() {
        assert_eq!(format!("{:.11}", iptables_probability(1.0 / 3.0)), "0.33333333349");
        assert_eq!(format!("{:.11}", iptables_probability(0.5)), "0.50000000000");
        assert_eq!(format!("{:.11}", iptables_probability(0.25)), "0.25000000000");
    }
}
