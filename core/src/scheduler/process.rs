//! kube-scheduler as a process in a pod (cmd/kube-scheduler): the flags it accepts, the
//! KubeSchedulerConfiguration file it reads (from a ConfigMap volume or a hostPath on the node,
//! as kubeadm and the "Configure Multiple Schedulers" docs set it up), and leader election,
//! which keeps a second scheduler that shares the default's lock waiting as a standby.
//!
//! v1.37 has no `--scheduler-name` flag (only the configuration file names profiles), so the
//! older recipe fails as it does on a real cluster: `Error: unknown flag: --scheduler-name`.

use super::config;
use super::framework::Profile;
use crate::api::time::Millis;
use crate::apiserver::ApiServer;
use serde_json::Value;
use std::collections::BTreeMap;

pub const IMAGE: &str = "registry.k8s.io/kube-scheduler";

/// What a kube-scheduler process runs with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub profiles: Vec<Profile>,
    pub leader_elect: bool,
    /// namespace/name of the Lease it competes for
    pub lock: String,
}

/// Whether this container runs kube-scheduler.
pub fn is_kube_scheduler(c: &Value) -> bool {
    match c.get("command").and_then(Value::as_array).and_then(|a| a.first()).and_then(Value::as_str) {
        Some(cmd) => cmd.rsplit('/').next() == Some("kube-scheduler"),
        None => crate::api::image::normalize(crate::api::str_at(c, "/image")).0 == IMAGE,
    }
}

fn argv(c: &Value) -> Vec<String> {
    let words = |k: &str| -> Vec<String> { c.get(k).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(String::from).collect() };
    let mut v = words("command");
    let args = words("args");
    if v.is_empty() {
        v.push("kube-scheduler".into());
    }
    v.extend(args);
    v
}

/// Flags kube-scheduler v1.37 accepts that change nothing in the simulation.
const ACCEPTED: &[&str] = &[
    "kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig", "bind-address", "secure-port", "v", "profiling", "contention-profiling",
    "kube-api-qps", "kube-api-burst", "kube-api-content-type", "master", "requestheader-client-ca-file", "client-ca-file", "tls-cert-file", "tls-private-key-file",
    "feature-gates", "logging-format", "permit-port-sharing", "leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period", "leader-elect-resource-lock",
];

/// Reads a file the way the container sees it: through its volumeMounts.
fn read_file(path: &str, pod: &Value, c: &Value, api: &ApiServer, host_fs: &BTreeMap<String, String>) -> Result<String, String> {
    let missing = || format!("open {}: no such file or directory", path);
    let mount = c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|m| {
            let mp = crate::api::str_at(m, "/mountPath").trim_end_matches('/');
            path == mp || path.starts_with(&format!("{}/", mp))
        })
        .max_by_key(|m| crate::api::str_at(m, "/mountPath").len())
        .ok_or_else(missing)?;
    let mp = crate::api::str_at(mount, "/mountPath").trim_end_matches('/');
    let rest = path[mp.len()..].trim_start_matches('/');
    let vol_name = crate::api::str_at(mount, "/name");
    let volume = crate::api::at(pod, "/spec/volumes").and_then(Value::as_array).into_iter().flatten().find(|v| crate::api::str_at(v, "/name") == vol_name).ok_or_else(missing)?;
    if let Some(cm) = volume.get("configMap") {
        let name = crate::api::str_at(cm, "/name");
        let obj = api.get_kind("ConfigMap", crate::api::namespace(pod), name).ok_or_else(missing)?;
        // items remap keys to paths
        let key = cm
            .get("items")
            .and_then(Value::as_array)
            .and_then(|items| items.iter().find(|i| crate::api::str_at(i, "/path") == rest))
            .map(|i| crate::api::str_at(i, "/key").to_string())
            .unwrap_or_else(|| rest.to_string());
        return obj.get("data").and_then(|d| d.get(&key)).and_then(Value::as_str).map(String::from).ok_or_else(missing);
    }
    if let Some(hp) = volume.get("hostPath") {
        let base = crate::api::str_at(hp, "/path").trim_end_matches('/');
        let full = if rest.is_empty() { base.to_string() } else { format!("{}/{}", base, rest) };
        return host_fs.get(&full).cloned().ok_or_else(missing);
    }
    Err(missing())
}

/// Parses the container's command line and configuration as kube-scheduler does. The error is
/// what the process prints before exiting 1.
pub fn options(pod: &Value, c: &Value, api: &ApiServer, host_fs: &BTreeMap<String, String>) -> Result<Options, String> {
    let mut config_path: Option<String> = None;
    let mut leader_elect = true;
    let mut lock_name = "kube-scheduler".to_string();
    let mut lock_ns = "kube-system".to_string();
    let args = argv(c);
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(flag) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else { continue };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        let value = |it: &mut dyn Iterator<Item = &String>| inline.clone().or_else(|| it.next().cloned()).unwrap_or_default();
        match name {
            "config" => config_path = Some(value(&mut it)),
            "leader-elect" => leader_elect = inline.as_deref().is_none_or(|v| v == "true"),
            "leader-elect-resource-name" | "lock-object-name" => lock_name = value(&mut it),
            "leader-elect-resource-namespace" | "lock-object-namespace" => lock_ns = value(&mut it),
            n if ACCEPTED.contains(&n) => {
                if inline.is_none() && !matches!(n, "profiling" | "contention-profiling" | "permit-port-sharing") {
                    it.next();
                }
            }
            _ => return Err(format!("Usage:\n  kube-scheduler [flags]\n\nError: unknown flag: --{}\n", name)),
        }
    }
    let failed = |err: String| format!("E0101 00:00:00.000000       1 run.go:72] \"command failed\" err=\"{}\"\n", err.replace('"', "\\\""));
    let profiles = match &config_path {
        None => vec![Profile::default_profile(super::DEFAULT_SCHEDULER)],
        Some(path) => {
            let text = read_file(path, pod, c, api, host_fs).map_err(failed)?;
            let v: Value = serde_yaml::from_str(&text).unwrap_or(Value::Null);
            if let Some(le) = v.get("leaderElection") {
                leader_elect = le.get("leaderElect").and_then(Value::as_bool).unwrap_or(true);
                if let Some(n) = le.get("resourceName").and_then(Value::as_str) {
                    lock_name = n.to_string();
                }
                if let Some(n) = le.get("resourceNamespace").and_then(Value::as_str) {
                    lock_ns = n.to_string();
                }
            }
            config::parse(&text).map_err(|e| failed(format!("couldn't create scheduler: {}", e)))?
        }
    };
    Ok(Options { profiles, leader_elect, lock: format!("{}/{}", lock_ns, lock_name) })
}

/// The process's log on start, as klog prints it.
pub fn start_logs(o: &Options, now: Millis, standby: bool) -> String {
    let h = |file: &str| format!("I{}       1 {}] ", klog_time(now), file);
    let mut out = format!("{}Generated self-signed cert in-memory\n{}\"Starting Kubernetes Scheduler\" version=\"v1.37.0\"\n", h("serving.go:386"), h("server.go:175"));
    out.push_str(&format!("{}\"Serving securely on [::]:10259\"\n", h("secure_serving.go:211")));
    if o.leader_elect {
        out.push_str(&format!("{}attempting to acquire leader lease {}...\n", h("leaderelection.go:257"), o.lock));
        if !standby {
            out.push_str(&format!("{}successfully acquired lease {}\n", h("leaderelection.go:271"), o.lock));
        }
    }
    out
}

/// klog's header time: MMDD hh:mm:ss.uuuuuu
fn klog_time(now: Millis) -> String {
    let t = crate::api::time::rfc3339(now);
    // 2026-01-01T00:04:20Z → 0101 00:04:20.000000
    format!("{}{} {}.{:06}", &t[5..7], &t[8..10], &t[11..19], (now.rem_euclid(1000)) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // kube-scheduler v1.37 has no --scheduler-name (the deprecated flags were removed); cobra
    // prints the usage, then the error, and the process exits 1.
    #[test]
    fn flags() {
        let api = ApiServer::new(1, 0);
        let pod = json!({"metadata": {"namespace": "kube-system"}, "spec": {}});
        let c = json!({"image": "registry.k8s.io/kube-scheduler:v1.37.0", "command": ["kube-scheduler", "--scheduler-name=my-scheduler"]});
        assert!(is_kube_scheduler(&c));
        assert!(options(&pod, &c, &api, &BTreeMap::new()).unwrap_err().ends_with("Error: unknown flag: --scheduler-name\n"));
        let plain = json!({"command": ["kube-scheduler", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=false"]});
        let o = options(&pod, &plain, &api, &BTreeMap::new()).unwrap();
        assert_eq!((o.profiles[0].scheduler_name.as_str(), o.leader_elect), ("default-scheduler", false));
        let cfg = json!({"command": ["/usr/local/bin/kube-scheduler", "--config=/etc/kubernetes/my-scheduler/my-scheduler-config.yaml"]});
        assert!(options(&pod, &cfg, &api, &BTreeMap::new()).unwrap_err().contains("open /etc/kubernetes/my-scheduler/my-scheduler-config.yaml: no such file or directory"));
    }
}
