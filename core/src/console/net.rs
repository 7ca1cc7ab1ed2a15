//! The network tools learners use to watch kube-proxy at work: `curl`/`wget` to a Service (by
//! ClusterIP, DNS name or NodePort) or a pod IP, and `iptables -t nat -L`.

use super::{Console, Out};
use crate::proxy;
use serde_json::Value;

const NGINX_PAGE: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, nginx is successfully installed and working.</p>\n</body>\n</html>\n";

/// What the pod at `ip` answers.
fn answer(c: &Console, pod_name: &str, ip: &str) -> String {
    let pod = c.cluster.api.list_kind("Pod", None).into_iter().find(|p| crate::api::name(p) == pod_name || crate::api::str_at(p, "/status/podIP") == ip);
    let image = pod.as_deref().map(|p| crate::api::str_at(p, "/spec/containers/0/image").to_string()).unwrap_or_default();
    let (repo, _) = crate::api::image::normalize(&image);
    match repo.as_str() {
        "nginx" => NGINX_PAGE.to_string(),
        "httpd" => "<html><body><h1>It works!</h1></body></html>\n".to_string(),
        // agnhost netexec and most demo apps answer with the pod's name
        _ => format!("{}\n", pod.as_deref().map(crate::api::name).unwrap_or(pod_name)),
    }
}

pub fn curl(c: &mut Console, args: &[String]) -> Out {
    let verbose = args.iter().any(|a| a == "-v" || a == "--verbose");
    let Some(url) = args.iter().find(|a| !a.starts_with('-') && !["-o", "-O"].contains(&a.as_str())) else {
        return Out::err("curl: try 'curl --help' or 'curl --manual' for more information");
    };
    let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://")).unwrap_or(url);
    let hostport = rest.split('/').next().unwrap_or("");
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => match p.parse::<i64>() {
            Ok(p) => (h.to_string(), p),
            Err(_) => return Out::err(format!("curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535")),
        },
        None => (hostport.to_string(), 80),
    };
    // a pod IP answers directly
    let pods = c.cluster.api.list_kind("Pod", None);
    if let Some(p) = pods.iter().find(|p| crate::api::str_at(p, "/status/podIP") == host && crate::api::str_at(p, "/status/phase") == "Running" && p.pointer("/spec/hostNetwork") != Some(&Value::Bool(true))) {
        let name = crate::api::name(p).to_string();
        return Out::ok(answer(c, &name, &host));
    }
    // a headless Service's name resolves straight to its pods (CoreDNS A records)
    if let Some((_, answers)) = proxy::dns::resolve(&c.cluster.api, &host, "default") {
        if let Some(p) = answers.first().and_then(|(ip, _)| pods.iter().find(|p| crate::api::str_at(p, "/status/podIP") == ip)) {
            let name = crate::api::name(p).to_string();
            let ip = crate::api::str_at(p, "/status/podIP").to_string();
            return Out::ok(answer(c, &name, &ip));
        }
    }
    // a node IP with a NodePort
    let node_ip = c.cluster.kubelets.values().any(|k| k.internal_ip() == host);
    let target = if node_ip {
        let svc = proxy::rules(&c.cluster.api).into_iter().find(|r| r.node_port == Some(port));
        match svc {
            Some(r) => proxy::route(&c.cluster.api, &mut c.cluster.api.rng.clone(), &r.cluster_ip, r.port),
            None => Err(format!("curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server", host, port)),
        }
    } else {
        let mut rng = c.cluster.api.rng.clone();
        let r = proxy::route(&c.cluster.api, &mut rng, &host, port);
        c.cluster.api.rng = rng;
        r
    };
    match target {
        Ok((ip, p, pod, svc)) => {
            let mut out = String::new();
            if verbose {
                out.push_str(&format!("*   Trying {}:{}...\n* Connected to {} port {}\n* kube-proxy ({}): DNAT {}:{} -> {}:{} (pod {})\n> GET / HTTP/1.1\n> Host: {}\n>\n< HTTP/1.1 200 OK\n<\n", host, port, host, port, svc, host, port, ip, p, pod, hostport));
            }
            out.push_str(&answer(c, &pod, &ip));
            Out::ok(out)
        }
        Err(e) if e.contains("Connection refused") && !host.chars().next().is_some_and(|ch| ch.is_ascii_digit()) && proxy::rules(&c.cluster.api).iter().all(|r| !proxy::service_dns(&r.name).contains(&host)) => {
            Out { stderr: format!("curl: (6) Could not resolve host: {}\n", host), code: 6, ..Default::default() }
        }
        Err(e) => Out { stderr: format!("{}\n", e), code: 7, ..Default::default() },
    }
}

pub fn iptables(c: &Console, args: &[String]) -> Out {
    let table_nat = args.windows(2).any(|w| w[0] == "-t" && w[1] == "nat");
    let list = args.iter().position(|a| a == "-L" || a == "-nL" || a == "-vnL");
    let Some(i) = list else { return Out::err("iptables v1.8.10 (nf_tables): no command specified\nTry `iptables -h' or 'iptables --help' for more information.") };
    if !table_nat {
        return Out::ok("Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nKUBE-FIREWALL  all  --  anywhere             anywhere\n");
    }
    match proxy::iptables(&c.cluster.api, args.get(i + 1).map(String::as_str)) {
        Ok(s) => Out::ok(s),
        Err(e) => Out::err(e),
    }
}
