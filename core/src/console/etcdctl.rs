//! etcdctl against the simulated etcd: `get KEY`, `get / --prefix --keys-only`, `--limit`,
//! `-w json|simple`, `endpoint health`, `member list`, `version`.

use super::Out;
use crate::sim::Cluster;

const VALUE_FLAGS: &[&str] = &["--cacert", "--cert", "--key", "--endpoints", "-w", "--write-out", "--dial-timeout", "--command-timeout"];

pub fn run(c: &Cluster, args: &[String]) -> Out {
    let mut prefix = false;
    let mut keys_only = false;
    let mut limit: Option<usize> = None;
    let mut pos = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--prefix" => prefix = true,
            "--keys-only" => keys_only = true,
            _ if a.starts_with("--limit=") => limit = a["--limit=".len()..].parse().ok(),
            "--limit" => {
                limit = args.get(i + 1).and_then(|x| x.parse().ok());
                i += 1;
            }
            // TLS and endpoint flags the CKA notes pass are accepted and ignored
            _ if VALUE_FLAGS.contains(&a) => i += 1,
            _ if VALUE_FLAGS.iter().any(|f| a.starts_with(&format!("{}=", f))) => {}
            _ if a.starts_with('-') => return Out::err(format!("Error: unknown flag: {}", a)),
            _ => pos.push(a),
        }
        i += 1;
    }
    match pos.as_slice() {
        ["get", key] | ["get", key, ..] => {
            let mut out = String::new();
            let mut n = 0;
            let entries: Vec<(String, String)> = if prefix {
                c.api.store.range(key).map(|(k, e)| (k.clone(), e.value.to_string())).collect()
            } else {
                c.api.store.get(key).map(|e| vec![(key.to_string(), e.value.to_string())]).unwrap_or_default()
            };
            for (k, v) in entries {
                if limit.is_some_and(|l| n >= l) {
                    break;
                }
                n += 1;
                out.push_str(&k);
                out.push('\n');
                if keys_only {
                    // etcdctl prints an empty line after each key with --keys-only
                    out.push('\n');
                } else {
                    // etcd holds protobuf; kubesim stores JSON, shown as the apiserver would decode it
                    out.push_str(&v);
                    out.push('\n');
                }
            }
            Out::ok(out)
        }
        ["version"] => Out::ok("etcdctl version: 3.6.4\nAPI version: 3.6\n"),
        ["endpoint", "health", ..] => Out::ok("127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.234567ms\n"),
        ["endpoint", "status", ..] => Out::ok(format!("127.0.0.1:2379, 8e9e05c52164694d, 3.6.4, 2.1 MB, true, false, 2, {}, {}, \n", c.api.store.revision(), c.api.store.revision())),
        ["member", "list", ..] => Out::ok("8e9e05c52164694d, started, controlplane, https://172.30.1.2:2380, https://172.30.1.2:2379, false\n"),
        [] => Out::ok("NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n"),
        _ => Out::err(format!("Error: unknown command {:?} for \"etcdctl\"", pos.first().copied().unwrap_or(""))),
    }
}
