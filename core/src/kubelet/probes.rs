//! Container probes (pkg/kubelet/prober): liveness, readiness and startup, each with
//! initialDelaySeconds, periodSeconds, successThreshold and failureThreshold as upstream
//! defaults them (0, 10, 1, 3). What a probe finds is simulated from the container:
//!
//! * exec `cat|test -f|ls FILE` — whether the container's script has created (touch, echo >)
//!   or removed (rm) the file by now: the docs' `touch /tmp/healthy; sleep 30; rm -f
//!   /tmp/healthy` example fails from second 30; other exec commands succeed;
//! * httpGet / tcpSocket / grpc — whether the image listens on the port (nginx on 80, redis on
//!   6379, …; named ports resolve through the container's ports); nginx answers 404 off `/`;
//!   agnhost `liveness` answers /healthz with 200 for 10 s, then 500, as in the docs.

use crate::api::time::Millis;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Liveness,
    Readiness,
    Startup,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Liveness => "Liveness",
            Kind::Readiness => "Readiness",
            Kind::Startup => "Startup",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Exec(Vec<String>),
    Http { port: i64, path: String, scheme: String },
    Tcp { port: i64 },
    Grpc { port: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    pub kind: Kind,
    action: Action,
    pub initial_delay: Millis,
    pub period: Millis,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

/// A probe's progress for one container run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    pub next_at: Millis,
    pub failures: u32,
    pub successes: u32,
    /// the probe's current verdict (readiness: ready; startup: started)
    pub ok: bool,
}

fn port_of(c: &Value, v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(name)) => match name.parse::<i64>() {
            Ok(n) => n,
            Err(_) => c
                .get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
                .and_then(|p| p.get("containerPort"))
                .and_then(Value::as_i64)
                .unwrap_or(0),
        },
        _ => 0,
    }
}

/// The container's probes.
pub fn of(c: &Value) -> Vec<Probe> {
    let mut out = vec![];
    for (field, kind) in [("startupProbe", Kind::Startup), ("livenessProbe", Kind::Liveness), ("readinessProbe", Kind::Readiness)] {
        let Some(p) = c.get(field).filter(|p| p.is_object()) else { continue };
        let num = |k: &str, d: i64| p.get(k).and_then(Value::as_i64).unwrap_or(d);
        let action = if let Some(e) = p.get("exec") {
            Action::Exec(e.get("command").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect())
        } else if let Some(h) = p.get("httpGet") {
            Action::Http { port: port_of(c, h.get("port")), path: h.get("path").and_then(Value::as_str).unwrap_or("/").to_string(), scheme: h.get("scheme").and_then(Value::as_str).unwrap_or("HTTP").to_lowercase() }
        } else if let Some(t) = p.get("tcpSocket") {
            Action::Tcp { port: port_of(c, t.get("port")) }
        } else if let Some(g) = p.get("grpc") {
            Action::Grpc { port: g.get("port").and_then(Value::as_i64).unwrap_or(0) }
        } else {
            continue;
        };
        out.push(Probe {
            kind,
            action,
            initial_delay: num("initialDelaySeconds", 0).max(0) * 1000,
            period: num("periodSeconds", 10).max(1) * 1000,
            success_threshold: num("successThreshold", 1).max(1) as u32,
            failure_threshold: num("failureThreshold", 3).max(1) as u32,
        });
    }
    out
}

/// The ports an image's server listens on.
fn listens(c: &Value) -> Vec<i64> {
    let args: Vec<&str> = ["command", "args"].iter().flat_map(|k| c.get(*k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)).collect();
    let image = crate::kubelet::images::normalize(crate::api::str_at(c, "/image")).0;
    match image.as_str() {
        "nginx" | "httpd" | "traefik" => vec![80],
        "redis" => vec![6379],
        "memcached" => vec![11211],
        "postgres" => vec![5432],
        "mysql" => vec![3306],
        "mongo" => vec![27017],
        "rabbitmq" => vec![5672],
        "kodekloud/webapp-color" => vec![8080],
        "registry.k8s.io/e2e-test-images/agnhost" if args.iter().any(|a| *a == "liveness" || *a == "netexec" || *a == "serve-hostname") => vec![8080],
        "registry.k8s.io/coredns/coredns" => vec![53, 8080, 8181],
        "registry.k8s.io/etcd" => vec![2379, 2381],
        "registry.k8s.io/kube-apiserver" => vec![6443],
        "registry.k8s.io/kube-scheduler" => vec![10259],
        "registry.k8s.io/kube-controller-manager" => vec![10257],
        _ => vec![],
    }
}

/// The file events of a container's shell script: (offset from start, path, exists after).
pub fn file_timeline(c: &Value) -> Vec<(Millis, String, bool)> {
    let argv: Vec<String> = ["command", "args"].iter().flat_map(|k| c.get(*k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from)).collect();
    let Some(i) = argv.iter().position(|a| a == "-c") else { return vec![] };
    let script = argv.get(i + 1).cloned().unwrap_or_default();
    let mut t: Millis = 0;
    let mut out = vec![];
    for stmt in script.split([';', '\n']).flat_map(|p| p.split("&&")) {
        let stmt = stmt.trim();
        let words: Vec<&str> = stmt.split_whitespace().collect();
        match words.first().map(|w| w.rsplit('/').next().unwrap_or(w)) {
            Some("sleep") => t += words.get(1).and_then(|d| crate::api::time::parse_duration(d)).unwrap_or(0),
            Some("touch") | Some("mkdir") => out.extend(words[1..].iter().filter(|w| !w.starts_with('-')).map(|f| (t, f.to_string(), true))),
            Some("rm") => out.extend(words[1..].iter().filter(|w| !w.starts_with('-')).map(|f| (t, f.to_string(), false))),
            _ => {
                if let Some((_, target)) = stmt.rsplit_once('>') {
                    out.push((t, target.trim().to_string(), true));
                }
            }
        }
    }
    out
}

fn exists(timeline: &[(Millis, String, bool)], path: &str, at: Millis) -> bool {
    timeline.iter().rev().find(|(t, p, _)| *t <= at && p == path).is_some_and(|(_, _, e)| *e)
}

/// Runs the probe against the container, started at `since`; Err is the message the kubelet
/// puts in the Unhealthy event.
pub fn run(p: &Probe, c: &Value, pod_ip: &str, since: Millis, now: Millis) -> Result<(), String> {
    let up = now - since;
    match &p.action {
        Action::Exec(cmd) => {
            let bin = cmd.first().map(|b| b.rsplit('/').next().unwrap_or(b)).unwrap_or("");
            let file = cmd.iter().skip(1).find(|a| a.starts_with('/'));
            match (bin, file) {
                ("cat" | "ls" | "test" | "stat" | "head", Some(f)) => {
                    if exists(&file_timeline(c), f, up) {
                        Ok(())
                    } else if bin == "cat" {
                        Err(format!("cat: can't open '{}': No such file or directory", f))
                    } else if bin == "ls" {
                        Err(format!("ls: {}: No such file or directory", f))
                    } else {
                        Err(String::new())
                    }
                }
                _ => Ok(()),
            }
        }
        Action::Http { port, path, scheme } => {
            let url = format!("{}://{}:{}{}", scheme, pod_ip, port, path);
            if !listens(c).contains(port) {
                return Err(format!("Get \"{}\": dial tcp {}:{}: connect: connection refused", url, pod_ip, port));
            }
            let image = crate::kubelet::images::normalize(crate::api::str_at(c, "/image")).0;
            let status = match image.as_str() {
                "registry.k8s.io/e2e-test-images/agnhost" if path == "/healthz" => {
                    if up < 10_000 {
                        200
                    } else {
                        500
                    }
                }
                "nginx" | "httpd" if path != "/" && path != "/index.html" => 404,
                _ => 200,
            };
            if (200..400).contains(&status) {
                Ok(())
            } else {
                Err(format!("HTTP probe failed with statuscode: {}", status))
            }
        }
        Action::Tcp { port } | Action::Grpc { port } => {
            if listens(c).contains(port) {
                Ok(())
            } else {
                Err(format!("dial tcp {}:{}: connect: connection refused", pod_ip, port))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The kubernetes.io "Configure Liveness, Readiness and Startup Probes" exec example.
    #[test]
    fn docs_exec_example() {
        let c = json!({"image": "registry.k8s.io/busybox", "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5}});
        let p = &of(&c)[0];
        assert_eq!((p.kind, p.initial_delay, p.period, p.failure_threshold), (Kind::Liveness, 5_000, 5_000, 3));
        assert!(run(p, &c, "10.244.1.2", 0, 29_000).is_ok());
        assert_eq!(run(p, &c, "10.244.1.2", 0, 30_000), Err("cat: can't open '/tmp/healthy': No such file or directory".into()));
    }

    #[test]
    fn http_and_tcp() {
        let c = json!({"image": "nginx", "ports": [{"name": "web", "containerPort": 80}],
            "readinessProbe": {"httpGet": {"path": "/", "port": "web"}}, "livenessProbe": {"tcpSocket": {"port": 8080}}});
        let ps = of(&c);
        let live = ps.iter().find(|p| p.kind == Kind::Liveness).unwrap();
        let ready = ps.iter().find(|p| p.kind == Kind::Readiness).unwrap();
        assert!(run(ready, &c, "10.244.1.2", 0, 1).is_ok());
        assert_eq!(run(live, &c, "10.244.1.2", 0, 1), Err("dial tcp 10.244.1.2:8080: connect: connection refused".into()));
        let agn = json!({"image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"], "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}});
        let p = &of(&agn)[0];
        assert!(run(p, &agn, "10.244.1.2", 0, 9_000).is_ok());
        assert_eq!(run(p, &agn, "10.244.1.2", 0, 10_000), Err("HTTP probe failed with statuscode: 500".into()));
    }
}
