//! Tab completion, as `source <(kubectl completion bash)` gives in the exam terminal: commands,
//! kubectl's verbs and their flags, resource types, object names from the apiserver (in the
//! namespace typed with -n), node names, output formats and files. The browser's console
//! calls it on Tab; it only reads.

use super::commands::{self, Args, COMMANDS};
use super::kubectl::{self, VerbArgs, VERBS};
use super::Console;
use crate::api::resources::{self, RESOURCES};

/// What Tab offers for the word under the cursor (the end of the line).
#[derive(Debug, PartialEq, Eq)]
pub struct Completion {
    /// byte offset in the line where the word being completed starts
    pub start: usize,
    /// the words that fit what was typed, sorted, without duplicates
    pub candidates: Vec<String>,
}

impl Completion {
    /// The line after Tab: the only candidate and a space, or the candidates' common prefix.
    pub fn apply(&self, line: &str) -> String {
        let head = &line[..self.start];
        match self.candidates.as_slice() {
            [] => line.to_string(),
            [only] if only.ends_with('/') || only.ends_with('=') => format!("{}{}", head, only),
            [only] => format!("{}{} ", head, only),
            many => {
                let mut prefix = many[0].clone();
                for c in &many[1..] {
                    let common = prefix.char_indices().zip(c.chars()).take_while(|((_, a), b)| a == b).last().map_or(0, |((i, a), _)| i + a.len_utf8());
                    prefix.truncate(common);
                }
                let typed = &line[self.start..];
                if prefix.len() > typed.len() { format!("{}{}", head, prefix) } else { line.to_string() }
            }
        }
    }
}

const GLOBAL_FLAGS: &[&str] = &["--namespace=", "-n", "--help", "-h"];

const OUTPUTS: &[&str] = &["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"];

fn resource_words() -> Vec<String> {
    let mut v = vec![];
    for r in RESOURCES.iter().filter(|r| r.kind != "Binding") {
        v.push(r.plural.to_string());
        v.extend(r.short_names.iter().map(|s| s.to_string()));
    }
    v
}

impl Console {
    /// Completions for the last word of `line` (the cursor at its end).
    pub fn complete(&self, line: &str) -> Completion {
        let start = line.rfind([' ', '\t', '|', ';', '&']).map_or(0, |i| i + 1);
        let current = &line[start..];
        // the command this word belongs to: after the last pipe or separator
        let cmd_start = line[..start].rfind(['|', ';', '&']).map_or(0, |i| i + 1);
        let words: Vec<&str> = line[cmd_start..start].split_whitespace().collect();
        let offered = self.offer(&words, current);
        let mut candidates: Vec<String> = offered.into_iter().filter(|c| c.starts_with(current)).collect();
        candidates.sort();
        candidates.dedup();
        Completion { start, candidates }
    }

    fn offer(&self, words: &[&str], current: &str) -> Vec<String> {
        let words: Vec<&str> = words.iter().copied().skip_while(|w| crate::text::shell::is_assignment(w) || *w == "sudo").collect();
        let Some(&cmd) = words.first() else { return COMMANDS.iter().map(|c| c.name.to_string()).collect() };
        let prev = words.last().copied().unwrap_or("");
        match commands::command(cmd).map(|c| &c.args) {
            Some(Args::Kubectl) => self.offer_kubectl(&words[1..], current),
            Some(Args::Sim) => match (words.len(), words.get(1).copied(), words.get(2).copied()) {
                (1, _, _) => vec!["explain".into(), "node".into(), "proxy".into(), "seed".into(), "time".into()],
                (2, Some("node"), _) => vec!["add".into(), "start".into(), "stop".into()],
                (2, Some("explain"), _) => vec!["pod".into()],
                (2, Some("proxy"), _) => vec!["rules".into()],
                (3, Some("node"), Some("start" | "stop")) | (3, Some("proxy"), _) => self.names("Node", None),
                (3, Some("explain"), _) => self.names("Pod", Some(&namespace_of(&words))),
                _ => vec![],
            },
            Some(Args::Etcdctl) if words.len() == 1 => ["get", "put", "del", "member", "endpoint", "snapshot", "version"].iter().map(|s| s.to_string()).collect(),
            Some(Args::Node) if words.len() == 1 => self.names("Node", None),
            Some(Args::Files) => self.files(current),
            _ if prev == "-f" => self.files(current),
            _ => vec![],
        }
    }

    fn offer_kubectl(&self, args: &[&str], current: &str) -> Vec<String> {
        let ns = namespace_of(args);
        let prev = args.last().copied().unwrap_or("");
        match prev {
            "-n" | "--namespace" => return self.names("Namespace", None),
            "-o" | "--output" => return OUTPUTS.iter().map(|s| s.to_string()).collect(),
            "-f" | "--filename" => return self.files(current),
            _ => {}
        }
        if current.starts_with("--namespace=") {
            return self.names("Namespace", None).into_iter().map(|n| format!("--namespace={}", n)).collect();
        }
        if current.starts_with("-o=") || current.starts_with("--output=") {
            let flag = if current.starts_with("-o=") { "-o=" } else { "--output=" };
            return OUTPUTS.iter().map(|o| format!("{}{}", flag, o)).collect();
        }
        // positional words so far (flags and their values left out)
        let mut pos: Vec<&str> = vec![];
        let mut it = args.iter().peekable();
        while let Some(a) = it.next() {
            if a.starts_with('-') {
                if matches!(*a, "-n" | "--namespace" | "-o" | "--output" | "-l" | "--selector" | "-f" | "--filename" | "-c" | "--container" | "-p" | "--patch" | "-L") {
                    it.next();
                }
            } else {
                pos.push(a);
            }
        }
        let Some(&verb) = pos.first() else {
            if current.starts_with('-') {
                return GLOBAL_FLAGS.iter().map(|s| s.to_string()).collect();
            }
            return VERBS.iter().map(|v| v.name.to_string()).collect();
        };
        let Some(verb) = kubectl::verb(verb) else { return vec![] };
        if current.starts_with('-') {
            return verb.flags.iter().chain(GLOBAL_FLAGS).map(|s| s.to_string()).collect();
        }
        let rest = &pos[1..];
        match &verb.args {
            VerbArgs::Typed => match rest {
                [] => {
                    // TYPE/NAME
                    if let Some((t, _)) = current.split_once('/') {
                        return match resources::lookup(t) {
                            Some(r) => self.names(r.kind, r.namespaced.then_some(ns.as_str())).into_iter().map(|n| format!("{}/{}", t, n)).collect(),
                            None => vec![],
                        };
                    }
                    resource_words()
                }
                [t, ..] if !t.contains('/') => match resources::lookup(t) {
                    Some(r) => self.names(r.kind, r.namespaced.then_some(ns.as_str())),
                    None => vec![],
                },
                _ => vec![],
            },
            VerbArgs::Types if rest.is_empty() => resource_words(),
            VerbArgs::Node if rest.is_empty() => self.names("Node", None),
            VerbArgs::Taint => match rest {
                [] => vec!["nodes".into(), "node".into()],
                [_] => self.names("Node", None),
                _ => vec![],
            },
            VerbArgs::Pod if rest.is_empty() => self.names("Pod", Some(&ns)),
            VerbArgs::Top => match rest {
                [] => vec!["node".into(), "pod".into()],
                [t] if t.starts_with("no") => self.names("Node", None),
                [_] => self.names("Pod", Some(&ns)),
                _ => vec![],
            },
            VerbArgs::Workload(subs) => match rest {
                [] => subs.iter().map(|s| s.to_string()).collect(),
                [_] => self.workload_refs(current, &ns),
                _ => vec![],
            },
            VerbArgs::Words(words) if rest.is_empty() => words.iter().map(|s| s.to_string()).collect(),
            _ => vec![],
        }
    }

    /// `deployment/web` style references for rollout and set.
    fn workload_refs(&self, current: &str, ns: &str) -> Vec<String> {
        let kinds = [("deployment", "Deployment"), ("daemonset", "DaemonSet"), ("statefulset", "StatefulSet")];
        match current.split_once('/') {
            Some((t, _)) => resources::lookup(t).map(|r| self.names(r.kind, Some(ns)).into_iter().map(|n| format!("{}/{}", t, n)).collect()).unwrap_or_default(),
            None => kinds.iter().map(|(w, _)| format!("{}/", w)).collect(),
        }
    }

    fn names(&self, kind: &str, ns: Option<&str>) -> Vec<String> {
        self.cluster.api.list_kind(kind, ns).iter().map(|o| crate::api::name(o).to_string()).collect()
    }

    /// Files in the directory of what was typed (`/etc/kubernetes/m` → manifests/).
    fn files(&self, current: &str) -> Vec<String> {
        let (dir, shown) = match current.rfind('/') {
            Some(i) => (if i == 0 { "/".to_string() } else { current[..i].to_string() }, current[..=i].to_string()),
            None => (".".to_string(), String::new()),
        };
        let Ok(entries) = self.list_dir(Some(&dir)) else { return vec![] };
        entries
            .into_iter()
            .map(|e| {
                let path = format!("{}{}", shown, e);
                // a directory gets its slash, as bash completes it
                // (files on the workstation are flat; a node's file lists as itself)
                let is_dir = dir != "." && self.list_dir(Some(&path)).is_ok_and(|inner| inner != vec![e.clone()]);
                if is_dir { format!("{}/", path) } else { path }
            })
            .collect()
    }
}

/// The namespace the words name with -n/--namespace, or default.
fn namespace_of(words: &[&str]) -> String {
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if *w == "-n" || *w == "--namespace" {
            if let Some(n) = it.next() {
                return n.to_string();
            }
        } else if let Some(n) = w.strip_prefix("--namespace=").or(w.strip_prefix("-n=")) {
            return n.to_string();
        }
    }
    "default".into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Cluster;

    fn console() -> Console {
        let mut c = Console::new(Cluster::default_cluster(1));
        c.run_script("kubectl create deployment web --image=nginx --replicas=2\nkubectl create namespace team-a\nkubectl run api --image=nginx -n team-a\nsleep 5");
        c
    }

    fn offers(c: &Console, line: &str) -> Vec<String> {
        c.complete(line).candidates
    }

    // What `kubectl completion bash` offers at each position (kubectl's __start_kubectl).
    #[test]
    fn commands_verbs_types_and_names() {
        let c = console();
        assert_eq!(offers(&c, "kub"), vec!["kubectl"]);
        assert_eq!(offers(&c, "kubectl ge"), vec!["get"]);
        assert_eq!(offers(&c, "kubectl d"), vec!["delete", "describe", "drain"]);
        assert!(offers(&c, "kubectl get ").contains(&"deployments".to_string()));
        assert_eq!(offers(&c, "kubectl get dep"), vec!["deploy", "deployments"]);
        assert_eq!(offers(&c, "kubectl get nodes n"), vec!["node01", "node02"]);
        assert_eq!(offers(&c, "k describe deploy "), vec!["web"]);
        // names come from the namespace typed with -n, before or after the type
        assert_eq!(offers(&c, "kubectl get pods -n team-a "), vec!["api"]);
        assert_eq!(offers(&c, "kubectl -n team-a logs "), vec!["api"]);
        assert_eq!(offers(&c, "kubectl get pods -n te"), vec!["team-a"]);
        assert_eq!(offers(&c, "kubectl get pod/we").len(), 2);
        assert!(offers(&c, "kubectl get pod/we").iter().all(|p| p.starts_with("pod/web-")));
        assert_eq!(offers(&c, "kubectl cordon "), vec!["controlplane", "node01", "node02"]);
        assert_eq!(offers(&c, "kubectl taint nodes node0"), vec!["node01", "node02"]);
        assert_eq!(offers(&c, "kubectl rollout "), vec!["history", "pause", "restart", "resume", "status", "undo"]);
        assert_eq!(offers(&c, "kubectl rollout status deployment/"), vec!["deployment/web"]);
        assert_eq!(offers(&c, "kubectl get pods -o "), vec!["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"]);
        assert_eq!(offers(&c, "sim node stop node"), vec!["node01", "node02"]);
        assert_eq!(offers(&c, "kubectl get pods | gr"), vec!["grep"], "after a pipe: a command");
        assert_eq!(offers(&c, "kubectl get pods; kubectl sc"), vec!["scale"]);
    }

    #[test]
    fn flags_of_the_verb() {
        let c = console();
        assert_eq!(offers(&c, "kubectl drain node01 --ig"), vec!["--ignore-daemonsets"]);
        assert_eq!(offers(&c, "kubectl run x --im"), vec!["--image="]);
        assert_eq!(offers(&c, "kubectl get pods --all"), vec!["--all-namespaces"]);
        assert_eq!(offers(&c, "kubectl get pods --namespace=k"), vec!["--namespace=kube-node-lease", "--namespace=kube-public", "--namespace=kube-system"]);
    }

    #[test]
    fn files_on_the_workstation_and_the_control_plane() {
        let mut c = console();
        c.run_script("kubectl run x --image=nginx --dry-run=client -o yaml > pod.yaml");
        assert_eq!(offers(&c, "kubectl apply -f p"), vec!["pod.yaml"]);
        assert_eq!(offers(&c, "cat /etc/kubernetes/ma"), vec!["/etc/kubernetes/manifests/"]);
        assert!(offers(&c, "cat /etc/kubernetes/manifests/kube-s").contains(&"/etc/kubernetes/manifests/kube-scheduler.yaml".to_string()));
    }

    // Tab fills in what all candidates share; a single one gets its trailing space.
    #[test]
    fn applying_a_completion() {
        let c = console();
        let line = "kubectl get nodes node0";
        assert_eq!(c.complete(line).apply(line), "kubectl get nodes node0");
        let line = "kubectl get nodes node01";
        assert_eq!(c.complete(line).apply(line), "kubectl get nodes node01 ");
        let line = "kubectl get deploy";
        assert_eq!(c.complete(line).apply(line), "kubectl get deploy");
        let line = "kubectl get pod/we";
        assert!(c.complete(line).apply(line).starts_with("kubectl get pod/web-"));
        assert!(c.complete(line).apply(line).len() > "kubectl get pod/web-".len(), "the ReplicaSet's hash is shared");
        let line = "kubectl run x --im";
        assert_eq!(c.complete(line).apply(line), "kubectl run x --image=");
        let line = "kubectl zzz";
        assert_eq!(c.complete(line).apply(line), "kubectl zzz");
    }

    // Every verb offered is one the console runs.
    #[test]
    fn every_offered_verb_runs() {
        let mut c = console();
        for v in VERBS.iter().map(|v| v.name) {
            let out = c.run_script(&format!("kubectl {} --help", v));
            assert!(!out.contains(&format!("unknown command \"{}\" for \"kubectl\"", v)), "{v}: {out}");
        }
        for cmd in COMMANDS.iter().map(|c| c.name) {
            let out = c.run_script(&format!("{} --help < /dev/null", cmd));
            assert!(!out.contains("command not found"), "{cmd}: {out}");
        }
    }
}
