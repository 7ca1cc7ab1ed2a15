//! One check of a lesson step and its evaluation. A check names a subject — a console command
//! (`run`), a pod, or a file on the workstation or a node — and what must hold of it. Checks
//! read the cluster and never change it.

use super::Text;
use crate::api::{str_at, time::Millis};
use crate::console::kubectl::printers;
use crate::console::Console;
use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// what the learner sees in the checklist
    pub says: Option<Text>,
    // ── the subject: exactly one ──
    /// a read-only console command; its standard output (and error) is compared
    pub run: Option<String>,
    /// a pod by name (in `namespace`, default `default`)
    pub pod: Option<String>,
    /// a file path; on `host` (a node) or the workstation
    pub file: Option<String>,
    pub namespace: Option<String>,
    pub host: Option<String>,
    // ── expectations on `run` output and `file` contents ──
    /// the output with surrounding whitespace trimmed equals this
    pub equals: Option<String>,
    pub contains: Option<String>,
    pub not_contains: Option<String>,
    /// a regular expression the output matches
    pub matches: Option<String>,
    /// equals (trimmed) what this read-only command prints: a value only the cluster knows,
    /// such as a ClusterIP
    pub same_as: Option<String>,
    /// the command ends without error (true) or with one (false)
    pub succeeds: Option<bool>,
    // ── expectations on a pod ──
    pub exists: Option<bool>,
    /// status.phase
    pub phase: Option<String>,
    /// kubectl get's STATUS column (Running, ErrImagePull, OOMKilled, CrashLoopBackOff …)
    pub status: Option<String>,
    /// spec.nodeName
    pub node: Option<String>,
    /// the pod's node carries this label (`key=value` or `key`)
    pub node_labelled: Option<String>,
    /// not bound, and its PodScheduled condition's message contains this
    pub pending_because: Option<String>,
    /// every container ready
    pub ready: Option<bool>,
    /// a container's last termination reason (OOMKilled, Error, Completed)
    pub last_terminated: Option<String>,
    /// spec.schedulerName
    pub scheduler: Option<String>,
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub passed: bool,
    /// what was expected and what was found, when it failed
    pub detail: String,
}

impl Check {
    pub(super) fn validate(&self) -> Result<(), String> {
        let subjects = [self.run.is_some(), self.pod.is_some(), self.file.is_some()].iter().filter(|b| **b).count();
        if subjects != 1 {
            return Err("a check needs exactly one of run, pod, file".into());
        }
        let text = [&self.equals, &self.contains, &self.not_contains, &self.matches, &self.same_as].iter().any(|o| o.is_some());
        if let Some(line) = &self.same_as {
            super::read_only(line).map_err(|e| format!("same_as: {}", e))?;
        }
        // expectations only a pod has (`exists` is shared with files)
        let pod_only = self.phase.is_some() || self.status.is_some() || self.node.is_some() || self.node_labelled.is_some() || self.pending_because.is_some() || self.ready.is_some() || self.last_terminated.is_some() || self.scheduler.is_some();
        let pod = pod_only || self.exists.is_some();
        if let Some(re) = &self.matches {
            regex_lite::Regex::new(re).map_err(|e| format!("matches: {}", e))?;
        }
        if let Some(line) = &self.run {
            super::read_only(line)?;
            if pod || self.namespace.is_some() || self.host.is_some() {
                return Err("run takes equals, contains, not_contains, matches, same_as, succeeds".into());
            }
            if !text && self.succeeds.is_none() {
                return Err("run needs an expectation".into());
            }
        }
        if self.pod.is_some() {
            if text || self.succeeds.is_some() || self.host.is_some() {
                return Err("pod takes exists, phase, status, node, node_labelled, pending_because, ready, last_terminated, scheduler".into());
            }
            if !pod {
                return Err("pod needs an expectation".into());
            }
        }
        if self.file.is_some() {
            if pod_only || self.succeeds.is_some() || self.namespace.is_some() {
                return Err("file takes host, exists, equals, contains, not_contains, matches, same_as".into());
            }
            if !text && self.exists.is_none() {
                return Err("file needs an expectation".into());
            }
        }
        Ok(())
    }

    /// What the checklist shows when the lesson gives no `says`.
    pub fn describe(&self) -> String {
        if let Some(r) = &self.run {
            return format!("`{}`", r);
        }
        if let Some(p) = &self.pod {
            return format!("pod {}", p);
        }
        format!("{}{}", self.host.as_ref().map(|h| format!("{}:", h)).unwrap_or_default(), self.file.as_deref().unwrap_or(""))
    }

    pub fn evaluate(&self, c: &mut Console) -> Outcome {
        let mut fails = vec![];
        if let Some(line) = &self.run {
            let out = c.probe(line);
            self.compare_text(c, &out.text, &mut fails);
            if let Some(ok) = self.succeeds {
                if out.error == ok {
                    fails.push(if ok { format!("the command failed: {}", out.text.trim()) } else { "the command succeeded".into() });
                }
            }
        } else if let Some(name) = &self.pod {
            self.check_pod(c, name, &mut fails);
        } else if let Some(path) = &self.file {
            match c.read_file_on(self.host.as_deref(), path) {
                Ok(content) => {
                    if self.exists == Some(false) {
                        fails.push(format!("{} exists", path));
                    }
                    self.compare_text(c, &content, &mut fails);
                }
                Err(_) if self.exists == Some(false) => {}
                Err(e) => fails.push(e),
            }
        }
        Outcome { passed: fails.is_empty(), detail: fails.join("; ") }
    }

    fn compare_text(&self, c: &mut Console, got: &str, fails: &mut Vec<String>) {
        let shown = || {
            let t = got.trim();
            if t.chars().count() > 200 {
                format!("{:?}…", t.chars().take(200).collect::<String>())
            } else {
                format!("{:?}", t)
            }
        };
        if let Some(e) = &self.equals {
            if got.trim() != e.trim() {
                fails.push(format!("expected {:?}, got {}", e.trim(), shown()));
            }
        }
        if let Some(e) = &self.contains {
            if !got.contains(e.as_str()) {
                fails.push(format!("expected to contain {:?}, got {}", e, shown()));
            }
        }
        if let Some(e) = &self.not_contains {
            if got.contains(e.as_str()) {
                fails.push(format!("expected not to contain {:?}", e));
            }
        }
        if let Some(line) = &self.same_as {
            let want = c.probe(line).text;
            if want.trim().is_empty() || got.trim() != want.trim() {
                fails.push(format!("expected {:?} (what `{}` prints), got {}", want.trim(), line, shown()));
            }
        }
        if let Some(re) = &self.matches {
            if !regex_lite::Regex::new(re).is_ok_and(|r| r.is_match(got)) {
                fails.push(format!("expected to match /{}/, got {}", re, shown()));
            }
        }
    }

    fn check_pod(&self, c: &Console, name: &str, fails: &mut Vec<String>) {
        let ns = self.namespace.as_deref().unwrap_or("default");
        let pod = c.cluster.api.get_kind("Pod", ns, name);
        let Some(p) = pod else {
            if self.exists != Some(false) {
                fails.push(format!("pods \"{}\" not found in namespace {}", name, ns));
            }
            return;
        };
        if self.exists == Some(false) {
            fails.push(format!("pod {} still exists", name));
        }
        let now: Millis = c.cluster.now();
        let want = |what: &str, expected: &str, got: &str, fails: &mut Vec<String>| {
            if expected != got {
                fails.push(format!("{} is {:?} (expected {:?})", what, got, expected));
            }
        };
        if let Some(e) = &self.phase {
            want("phase", e, str_at(&p, "/status/phase"), fails);
        }
        if let Some(e) = &self.status {
            want("STATUS", e, &printers::pod_status(&p, now).1, fails);
        }
        let node = str_at(&p, "/spec/nodeName");
        if let Some(e) = &self.node {
            want("node", e, node, fails);
        }
        if let Some(e) = &self.scheduler {
            want("schedulerName", e, str_at(&p, "/spec/schedulerName"), fails);
        }
        if let Some(label) = &self.node_labelled {
            let (k, v) = match label.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (label.as_str(), None),
            };
            let n = if node.is_empty() { None } else { c.cluster.api.get_kind("Node", "", node) };
            let has = n.as_ref().and_then(|n| n.pointer("/metadata/labels").and_then(|l| l.get(k))).and_then(Value::as_str).is_some_and(|got| v.is_none_or(|v| v == got));
            if !has {
                fails.push(if node.is_empty() { "the pod is not on a node yet".to_string() } else { format!("node {} is not labelled {}", node, label) });
            }
        }
        if let Some(e) = &self.pending_because {
            let msg = p.pointer("/status/conditions").and_then(Value::as_array).into_iter().flatten().find(|c| str_at(c, "/type") == "PodScheduled").map(|c| str_at(c, "/message").to_string()).unwrap_or_default();
            if !node.is_empty() {
                fails.push(format!("the pod is bound to {}", node));
            } else if !msg.contains(e.as_str()) {
                fails.push(format!("the scheduler's message {:?} does not mention {:?}", msg, e));
            }
        }
        let statuses: Vec<&Value> = p.pointer("/status/containerStatuses").and_then(Value::as_array).into_iter().flatten().collect();
        if let Some(e) = self.ready {
            let all = !statuses.is_empty() && statuses.iter().all(|s| s.get("ready").and_then(Value::as_bool) == Some(true));
            if all != e {
                fails.push(if e { "not every container is ready".into() } else { "every container is ready".into() });
            }
        }
        if let Some(e) = &self.last_terminated {
            let found = statuses.iter().any(|s| str_at(s, "/lastState/terminated/reason") == e || str_at(s, "/state/terminated/reason") == e);
            if !found {
                fails.push(format!("no container terminated with reason {}", e));
            }
        }
    }
}
