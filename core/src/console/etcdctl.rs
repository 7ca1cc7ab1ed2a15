//! etcdctl against the simulated etcd: `get KEY`, `get / --prefix --keys-only`, `--limit`,
//! `-w json|simple`, `put`/`del` outside /registry, `endpoint health`, `member list`, `version`.

use super::Out;
use crate::sim::Cluster;

const VALUE_FLAGS: &[&str] = &["--cacert", "--cert", "--key", "--endpoints", "-w", "--write-out", "--dial-timeout", "--command-timeout"];

pub fn run(c: &mut Cluster, args: &[String]) -> Out {
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
            let mut entries: Vec<(String, String)> = if prefix {
                c.api.store().range(key).map(|(k, e)| (k.clone(), e.value.to_string())).collect()
            } else {
                c.api.store().get(key).map(|e| vec![(key.to_string(), e.value.to_string())]).unwrap_or_default()
            };
            if prefix {
                entries.extend(c.etcd_user_keys.range(key.to_string()..).take_while(|(k, _)| k.starts_with(*key)).map(|(k, v)| (k.clone(), v.clone())));
                entries.sort();
            } else if let Some(v) = c.etcd_user_keys.get(*key) {
                entries.push((key.to_string(), v.clone()));
            }
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
        ["put", key, value] => {
            if key.starts_with("/registry") {
                return Out::err("kubesim: keys under /registry belong to kube-apiserver; change objects with kubectl");
            }
            if c.etcd_user_keys.len() >= 1_000 || key.len() + value.len() > 64 * 1024 {
                return Out::err("Error: etcdserver: request is too large");
            }
            c.etcd_user_keys.insert(key.to_string(), value.to_string());
            Out::ok("OK\n")
        }
        ["put", ..] => Out::err("Error: put command needs 1 argument and input from stdin or 2 arguments"),
        ["del", key] => {
            if key.starts_with("/registry") {
                return Out::err("kubesim: keys under /registry belong to kube-apiserver; delete objects with kubectl");
            }
            let n = if prefix {
                let gone: Vec<String> = c.etcd_user_keys.keys().filter(|k| k.starts_with(*key)).cloned().collect();
                gone.iter().for_each(|k| { c.etcd_user_keys.remove(k); });
                gone.len()
            } else {
                usize::from(c.etcd_user_keys.remove(*key).is_some())
            };
            Out::ok(format!("{}\n", n))
        }
        ["version"] => Out::ok("etcdctl version: 3.6.4\nAPI version: 3.6\n"),
        ["endpoint", "health", ..] => Out::ok("127.0.0.1:2379 is healthy: successfully committed proposal: took = 1.234567ms\n"),
        ["endpoint", "status", ..] => Out::ok(format!("127.0.0.1:2379, 8e9e05c52164694d, 3.6.4, 2.1 MB, true, false, 2, {}, {}, \n", c.api.store().revision(), c.api.store().revision())),
        ["member", "list", ..] => Out::ok("8e9e05c52164694d, started, controlplane, https://172.30.1.2:2380, https://172.30.1.2:2379, false\n"),
        [] => Out::ok("NAME:\n\tetcdctl - A simple command line client for etcd3.\n\nUSAGE:\n\tetcdctl [flags]\n"),
        _ => Out::err(format!("Error: unknown command {:?} for \"etcdctl\"", pos.first().copied().unwrap_or(""))),
    }
}
