//! Where the console's commands run: the learner's workstation (kubectl configured, the files
//! they write) or a node reached with `ssh NODE` — its files (kubelet config, static pod
//! manifests), its processes (`ps aux`), and no kubectl credentials on workers, as in the CKA
//! exam environment.

use super::{Console, Out};
use std::fmt::Write;

impl Console {
    /// The node the console is on, if `ssh` was used.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    fn resolve(&self, path: &str) -> String {
        let p = if path.starts_with('/') {
            path.to_string()
        } else if let Some(rest) = path.strip_prefix("~/") {
            format!("/root/{}", rest)
        } else if path == "~" {
            "/root".to_string()
        } else {
            format!("{}/{}", self.cwd.trim_end_matches('/'), path)
        };
        // fold `.` and `..`
        let mut parts: Vec<&str> = vec![];
        for seg in p.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        format!("/{}", parts.join("/"))
    }

    /// Which machine's file system holds `path`: the node `ssh` took the console to; else the
    /// workstation, which is the controlplane node (as in the CKA exam's terminal): system
    /// paths (/etc, /var) are the controlplane's files, everything else the learner's own.
    fn locate(&self, path: &str) -> Option<(String, String)> {
        let abs = self.resolve(path);
        match &self.host {
            Some(n) => Some((n.clone(), abs)),
            None => {
                let system = abs.starts_with("/etc/") || abs == "/etc" || abs.starts_with("/var/") || abs == "/var";
                let cp = self.cluster.control_plane.as_ref().filter(|n| self.cluster.kubelets.contains_key(*n))?;
                system.then(|| (cp.clone(), abs))
            }
        }
    }

    pub(super) fn locate_is_node(&self, path: &str) -> bool {
        self.locate(path).is_some()
    }

    pub fn read_file(&self, path: &str) -> Result<String, String> {
        match self.locate(path) {
            None => self.files.read(path),
            Some((n, p)) => self.cluster.kubelets.get(&n).and_then(|k| k.fs.get(&p).cloned()).ok_or_else(|| format!("{}: No such file or directory", path)),
        }
    }

    pub fn write_file(&mut self, path: &str, content: &str, append: bool) -> Result<(), String> {
        let Some((n, p)) = self.locate(path) else { return self.files.write(path, content, append) };
        if content.len() > super::files::MAX_FILE_BYTES {
            return Err(format!("{}: File too large", path));
        }
        let Some(k) = self.cluster.kubelets.get_mut(&n) else { return Err(format!("{}: No such file or directory", path)) };
        let existing = if append { k.fs.get(&p).cloned().unwrap_or_default() } else { String::new() };
        k.fs.insert(p, existing + content);
        self.node_files_changed(&n);
        Ok(())
    }

    pub fn remove_file(&mut self, path: &str) -> bool {
        let Some((n, p)) = self.locate(path) else { return self.files.remove(path) };
        let removed = self.cluster.kubelets.get_mut(&n).is_some_and(|k| k.fs.remove(&p).is_some());
        if removed {
            self.node_files_changed(&n);
        }
        removed
    }

    /// Entries directly under a directory (files and subdirectories), sorted.
    pub fn list_dir(&self, path: Option<&str>) -> Result<Vec<String>, String> {
        let Some((n, dir)) = self.locate(path.unwrap_or(".")) else {
            return Ok(if path.is_none_or(|p| matches!(p, "." | "~" | "/root" | "/root/" | "./")) { self.files.names() } else { vec![] });
        };
        let Some(k) = self.cluster.kubelets.get(&n) else { return Ok(vec![]) };
        if k.fs.contains_key(&dir) {
            return Ok(vec![dir.rsplit('/').next().unwrap_or("").to_string()]);
        }
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let mut names: Vec<String> = k.fs.keys().filter_map(|f| f.strip_prefix(&prefix)).map(|rest| rest.split('/').next().unwrap_or("").to_string()).filter(|s| !s.is_empty() && !s.starts_with('.')).collect();
        names.dedup();
        if names.is_empty() && !k.fs.keys().any(|f| f.starts_with(&prefix)) && dir != "/root" {
            return Err(format!("cannot access '{}': No such file or directory", path.unwrap_or(".")));
        }
        Ok(names)
    }

    /// The kubelet watches its static pod directory: changes there take effect.
    fn node_files_changed(&mut self, node: &str) {
        if let Some(k) = self.cluster.kubelets.get_mut(node) {
            if k.running {
                k.sync_static_pods(&mut self.cluster.api);
            }
        }
        self.cluster.gate_control_plane();
        self.cluster.settle();
    }

    /// `touch FILE…`: creates empty files (or leaves them as they are).
    pub fn touch(&mut self, args: &[String]) -> Out {
        for f in args.iter().filter(|a| !a.starts_with('-')) {
            if let Err(e) = self.write_file(f, "", true) {
                return Out::err(format!("touch: {}", e));
            }
        }
        Out::ok("")
    }

    /// `mkdir DIR…`: directories exist on nodes as the files in them.
    pub fn mkdir(&mut self, args: &[String]) -> Out {
        for d in args.iter().filter(|a| !a.starts_with('-')) {
            if self.locate_is_node(d) {
                let _ = self.write_file(&format!("{}/.keep", d.trim_end_matches('/')), "", true);
            }
        }
        Out::ok("")
    }

    pub fn ssh(&mut self, args: &[String]) -> Out {
        let Some(target) = args.iter().find(|a| !a.starts_with('-')) else { return Out::err("usage: ssh destination") };
        let target = target.rsplit('@').next().unwrap_or(target).to_string();
        if !self.cluster.kubelets.contains_key(&target) {
            return Out::err(format!("ssh: Could not resolve hostname {}: Name or service not known", target));
        }
        self.host = Some(target);
        self.cwd = "/root".into();
        Out::ok("")
    }

    pub fn exit_host(&mut self) -> Out {
        match self.host.take() {
            Some(n) => {
                self.cwd = "/root".into();
                Out::ok(format!("logout\nConnection to {} closed.\n", n))
            }
            None => Out::ok(""),
        }
    }

    pub fn cd(&mut self, args: &[String]) -> Out {
        let target = args.first().map(String::as_str).unwrap_or("~");
        let p = self.resolve(target);
        let node = match self.locate(target) {
            Some((n, _)) => n,
            None if self.host.is_none() => {
                // the workstation's own files live in /root
                self.cwd = "/root".into();
                return Out::ok("");
            }
            None => String::new(),
        };
        let exists = p == "/" || self.cluster.kubelets.get(&node).is_some_and(|k| k.fs.keys().any(|f| f.starts_with(&format!("{}/", p)))) || p == "/root";
        if !exists {
            return Out::err(format!("bash: cd: {}: No such file or directory", target));
        }
        self.cwd = p;
        Out::ok("")
    }

    pub fn mv_cp(&mut self, args: &[String], keep: bool) -> Out {
        let cmd = if keep { "cp" } else { "mv" };
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let [from, to] = paths.as_slice() else { return Out::err(format!("{}: missing destination file operand after '{}'", cmd, paths.first().map(|s| s.as_str()).unwrap_or(""))) };
        let content = match self.read_file(from) {
            Ok(c) => c,
            Err(_) => return Out::err(format!("{}: cannot stat '{}': No such file or directory", cmd, from)),
        };
        // moving into a directory keeps the file name
        let dest = if self.locate(to).is_some() && self.list_dir(Some(to)).is_ok() && self.read_file(to).is_err() {
            format!("{}/{}", to.trim_end_matches('/'), from.rsplit('/').next().unwrap_or(from))
        } else {
            to.to_string()
        };
        if let Err(e) = self.write_file(&dest, &content, false) {
            return Out::err(format!("{}: {}", cmd, e));
        }
        if !keep {
            self.remove_file(from);
        }
        Out::ok("")
    }

    /// `ps aux` on a node: init, containerd, the kubelet and every container of its pods.
    pub fn ps(&self) -> Out {
        // the workstation is the controlplane node (no node at all: a managed cluster's laptop)
        let Some(node) = self.host.as_ref().or(self.cluster.control_plane.as_ref().filter(|n| self.cluster.kubelets.contains_key(*n))) else { return Out::ok("    PID TTY          TIME CMD\n      1 pts/0    00:00:00 bash\n") };
        let mut out = String::from("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n");
        let mut procs = vec![
            "/sbin/init".to_string(),
            "/usr/bin/containerd".to_string(),
            "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10".to_string(),
        ];
        for p in self.cluster.api.list_kind("Pod", None) {
            if crate::api::str_at(&p, "/spec/nodeName") != node || crate::api::str_at(&p, "/status/phase") != "Running" {
                continue;
            }
            for c in p.pointer("/spec/containers").and_then(serde_json::Value::as_array).into_iter().flatten() {
                let words: Vec<&str> = ["command", "args"].iter().flat_map(|f| c.get(*f).and_then(serde_json::Value::as_array).into_iter().flatten().filter_map(serde_json::Value::as_str)).collect();
                let line = if words.is_empty() { crate::api::image::normalize(crate::api::str_at(c, "/image")).0.rsplit('/').next().unwrap_or("").to_string() } else { words.join(" ") };
                procs.push(line);
            }
        }
        for (i, cmd) in procs.iter().enumerate() {
            let _ = writeln!(out, "root     {:>7}  0.{}  0.{} 1284400 52000 ?       Ssl  00:00   0:{:02} {}", 1 + i * 97, i % 10, (i * 3) % 10, (i * 7) % 60, cmd);
        }
        Out::ok(out)
    }
}
