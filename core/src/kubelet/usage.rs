//! What metrics-server would report: a simple, deterministic usage model per running
//! container — a baseline by image (idle servers use next to nothing; the control plane's
//! components their typical footprint), `polinux/stress` its --vm-bytes and a full core, capped
//! by the container's limits — varying a little from one 60-second scrape window to the next.
//! Nodes add the kubelet's and containerd's own share.

use crate::api::quantity::Quantity;
use crate::api::time::Millis;
use serde_json::Value;

const MI: i64 = 1024 * 1024;

/// (milli-cpu, MiB) for an image when idle.
fn baseline(image: &str) -> (i64, i64) {
    match crate::kubelet::images::normalize(image).0.as_str() {
        "registry.k8s.io/etcd" => (25, 45),
        "registry.k8s.io/kube-apiserver" => (45, 250),
        "registry.k8s.io/kube-controller-manager" => (18, 50),
        "registry.k8s.io/kube-scheduler" => (4, 22),
        "registry.k8s.io/kube-proxy" => (1, 16),
        "registry.k8s.io/coredns/coredns" => (2, 14),
        "nginx" => (0, 3),
        "httpd" => (1, 7),
        "redis" => (2, 4),
        "memcached" => (1, 2),
        "postgres" => (3, 25),
        "mysql" => (5, 380),
        "mongo" => (6, 90),
        "rabbitmq" => (8, 110),
        "busybox" | "alpine" | "ubuntu" | "debian" | "centos" => (0, 0),
        _ => (1, 5),
    }
}

fn hash(s: &str, window: i64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ window as u64;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn limit(c: &Value, res: &str) -> Option<i128> {
    crate::api::at(c, &format!("/resources/limits/{}", res)).and_then(Value::as_str).and_then(|q| Quantity::parse(q).ok()).map(|q| q.milli())
}

/// One running container's usage: (milli-cpu, bytes).
pub fn container(pod: &Value, c: &Value, now: Millis) -> (i64, i64) {
    let image = crate::api::str_at(c, "/image");
    let argv: Vec<&str> = ["command", "args"].iter().flat_map(|k| c.get(*k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)).collect();
    let (mut cpu, mut mem) = baseline(image);
    let mut mem_bytes = mem * MI;
    if argv.iter().any(|a| a.rsplit('/').next() == Some("stress")) {
        cpu = 1000;
        if let Some(b) = argv.iter().position(|a| *a == "--vm-bytes").and_then(|i| argv.get(i + 1)).and_then(|b| Quantity::parse(&b.replace('M', "Mi").replace("Mii", "Mi")).ok()) {
            mem_bytes = (b.milli() / 1000).clamp(0, i64::MAX as i128) as i64;
        }
    }
    // a little movement from one scrape window to the next
    let h = hash(&format!("{}/{}", crate::api::str_at(pod, "/metadata/uid"), crate::api::str_at(c, "/name")), now.div_euclid(60_000));
    if cpu > 0 {
        cpu += (h % 3) as i64;
    }
    mem = mem_bytes + mem_bytes / 100 * ((h >> 8) % 4) as i64;
    if let Some(l) = limit(c, "cpu") {
        cpu = cpu.min((l as i64).max(0));
    }
    if let Some(l) = limit(c, "memory") {
        mem = mem.min((l / 1000) as i64);
    }
    (cpu, mem)
}

/// A pod's containers that are running, with their usage: (name, milli-cpu, bytes).
pub fn pod(pod: &Value, now: Millis) -> Vec<(String, i64, i64)> {
    let running = |name: &str| {
        crate::api::at(pod, "/status/containerStatuses").and_then(Value::as_array).into_iter().flatten().any(|s| crate::api::str_at(s, "/name") == name && crate::api::at(s, "/state/running").is_some())
    };
    crate::api::at(pod, "/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| running(crate::api::str_at(c, "/name")))
        .map(|c| {
            let (cpu, mem) = container(pod, c, now);
            (crate::api::str_at(c, "/name").to_string(), cpu, mem)
        })
        .collect()
}

/// The node's own processes (kubelet, containerd, the OS): (milli-cpu, bytes).
pub fn system(control_plane: bool) -> (i64, i64) {
    if control_plane {
        (60, 520 * MI)
    } else {
        (25, 380 * MI)
    }
}
