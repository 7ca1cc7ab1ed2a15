//! Which kube-scheduler processes run: the default one (kubeadm's static pod on the control
//! plane, configured by its own command line and --config file), and every other pod running
//! kube-scheduler — a second scheduler deployed by a learner. Leader election decides which of
//! those sharing a lock (a Lease) actually schedule; the others wait as standbys, as upstream.

use crate::api::ext::ObjectExt;
use super::Cluster;
use crate::scheduler::framework::Profile;
use crate::scheduler::{process, DEFAULT_SCHEDULER};
use crate::apiserver::ApiServer;
use crate::kubelet::runtime::Program;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The Lease kube-scheduler takes by default.
pub const DEFAULT_LOCK: &str = "kube-system/kube-scheduler";

fn running_container(pod: &Value, name: &str) -> bool {
    crate::api::at(pod, "/status/containerStatuses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|s| crate::api::str_at(s, "/name") == name && crate::api::at(s, "/state/running").is_some())
}

/// Whether a pod event can change the set of scheduler processes.
pub fn concerns_schedulers(pod: &Value) -> bool {
    crate::api::at(pod, "/spec/containers").and_then(Value::as_array).into_iter().flatten().any(process::is_kube_scheduler)
}

/// Makes sure the Lease `lock` names `holder` (leader election's acquire).
fn hold_lease(c: &mut Cluster, lock: &str, holder: &str) {
    let Some((ns, name)) = lock.split_once('/') else { return };
    let now = crate::api::time::rfc3339_micro(c.api.now);
    match c.api.get_kind("Lease", ns, name) {
        Some(cur) if crate::api::str_at(&cur, "/spec/holderIdentity") == holder => {}
        Some(cur) => {
            let mut l = (*cur).clone();
            l["spec"]["holderIdentity"] = json!(holder);
            l["spec"]["acquireTime"] = json!(now);
            l["spec"]["renewTime"] = json!(now);
            let transitions = l.pointer("/spec/leaseTransitions").and_then(Value::as_i64).unwrap_or(0);
            l["spec"]["leaseTransitions"] = json!(transitions + 1);
            let _ = c.api.update(l, crate::apiserver::Subresource::Main);
        }
        None => {
            let _ = c.api.create(
                json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": name, "namespace": ns},
                       "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "acquireTime": now, "renewTime": now, "leaseTransitions": 0}}),
                false,
            );
        }
    }
}

impl Cluster {
    /// Reconciles the scheduler processes with the pods that run kube-scheduler.
    pub fn sync_scheduler_processes(&mut self) {
        // the default scheduler: the built-in one of a managed control plane, or kubeadm's static pod
        let mut default: Option<(bool, Vec<Profile>)> = None;
        if let Some(cp) = self.control_plane.clone() {
            let static_pod = self.kubelets.get(&cp).and_then(|k| {
                k.static_pods().into_iter().find_map(|(_, p, _)| {
                    let c = crate::api::at(&p, "/spec/containers").and_then(Value::as_array)?.iter().find(|c| process::is_kube_scheduler(c))?.clone();
                    Some((p, c, k.fs.clone()))
                })
            });
            default = Some(match static_pod {
                None => (false, vec![Profile::default_profile(DEFAULT_SCHEDULER)]),
                Some((p, c, fs)) => match process::options(&p, &c, &self.api, &fs) {
                    // the process runs only while its container does (a mistyped image in the
                    // manifest leaves it in ImagePullBackOff and nothing gets scheduled)
                    Ok(o) => {
                        // static_pods() names it as its mirror pod: NAME-NODE
                        let mirror = self.api.get_kind("Pod", crate::api::namespace(&p), crate::api::name(&p));
                        let up = mirror.is_some_and(|m| running_container(&m, crate::api::str_at(&c, "/name")));
                        (up, o.profiles)
                    }
                    Err(_) => (false, vec![Profile::default_profile(DEFAULT_SCHEDULER)]),
                },
            });
        }
        if let Some((running, profiles)) = default {
            if let Some(s) = self.scheduler.instance_mut(DEFAULT_SCHEDULER) {
                s.running = running;
                if s.profiles != profiles {
                    s.profiles = profiles;
                }
            }
        }
        let default_running = self.scheduler.instances.iter().any(|s| s.identity == DEFAULT_SCHEDULER && s.running);
        let mut held: Vec<String> = if default_running { vec![DEFAULT_LOCK.to_string()] } else { vec![] };
        if let (true, Some(cp)) = (default_running, self.control_plane.clone()) {
            // kubeadm's scheduler holds kube-system/kube-scheduler as <hostname>_<uuid>
            let h = self.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let id = format!("{}_{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", cp, h >> 32, (h >> 16) & 0xffff, h & 0xfff, (h >> 20) & 0xfff, h & 0xffff_ffff_ffff);
            hold_lease(self, DEFAULT_LOCK, &id);
        }
        // every other pod running kube-scheduler, oldest first
        let mut pods: Vec<_> = self
            .api
            .list_kind("Pod", None)
            .into_iter()
            .filter(|p| concerns_schedulers(p) && !p.is_terminating())
            .filter(|p| crate::api::str_at(p, "/metadata/annotations/kubernetes.io~1config.mirror").is_empty() || crate::api::str_at(p, "/spec/nodeName") != self.control_plane.as_deref().unwrap_or(""))
            .collect();
        pods.sort_by(|a, b| crate::api::str_at(a, "/metadata/creationTimestamp").cmp(crate::api::str_at(b, "/metadata/creationTimestamp")));
        let mut wanted: Vec<(String, Vec<Profile>, bool)> = vec![];
        for p in pods {
            let Some(c) = crate::api::at(&p, "/spec/containers").and_then(Value::as_array).and_then(|cs| cs.iter().find(|c| process::is_kube_scheduler(c))).cloned() else { continue };
            if !running_container(&p, crate::api::str_at(&c, "/name")) {
                continue;
            }
            let node = crate::api::str_at(&p, "/spec/nodeName").to_string();
            let fs = self.kubelets.get(&node).map(|k| k.fs.clone()).unwrap_or_default();
            let Ok(o) = process::options(&p, &c, &self.api, &fs) else { continue };
            let identity = format!("{}/{}", crate::api::namespace(&p), crate::api::name(&p));
            let leader = if !o.leader_elect {
                true
            } else if held.contains(&o.lock) {
                false
            } else {
                held.push(o.lock.clone());
                hold_lease(self, &o.lock, &format!("{}_{}", crate::api::name(&p), crate::api::str_at(&p, "/metadata/uid")));
                true
            };
            wanted.push((identity, o.profiles, leader));
        }
        let now = self.api.now;
        let existing: Vec<String> = self.scheduler.instances.iter().map(|s| s.identity.clone()).filter(|i| i != DEFAULT_SCHEDULER).collect();
        for id in existing {
            if !wanted.iter().any(|(w, _, _)| *w == id) {
                self.scheduler.stop(&id);
            }
        }
        for (id, profiles, leader) in wanted {
            let same = self.scheduler.instances.iter().any(|s| s.identity == id && s.profiles == profiles);
            if !same {
                self.scheduler.start(&id, profiles, now);
            }
            if let Some(s) = self.scheduler.instance_mut(&id) {
                s.running = leader;
            }
        }
    }
}

/// The programs the simulated container runtime runs beyond `kubelet::runtime::program`: a
/// container running kube-scheduler gets the scheduler's own flag and config handling
/// (`scheduler/process.rs`). Given to every kubelet, which knows no scheduler itself.
pub fn binaries(api: &ApiServer, pod: &Value, c: &Value, fs: &BTreeMap<String, String>) -> Option<Program> {
    process::is_kube_scheduler(c).then(|| scheduler_program(api, pod, c, fs))
}

/// kube-scheduler's process: it runs with its flags and configuration, or prints why not and
/// exits 1 (so a bad --config shows up as CrashLoopBackOff with the reason in `kubectl logs`).
fn scheduler_program(api: &ApiServer, pod: &Value, c: &Value, fs: &BTreeMap<String, String>) -> Program {
    match process::options(pod, c, api, fs) {
        Ok(o) => {
            // a Lease held by another process: this one waits as a standby
            let me = format!("{}_", crate::api::name(pod));
            let standby = o.leader_elect
                && o.lock.split_once('/').and_then(|(ns, n)| api.get_kind("Lease", ns, n)).is_some_and(|l| {
                    let holder = crate::api::str_at(&l, "/spec/holderIdentity");
                    !holder.is_empty() && !holder.starts_with(&me)
                });
            Program::Forever { logs: process::start_logs(&o, api.now, standby) }
        }
        Err(e) => Program::Exits { after: 300, code: 1, logs: e },
    }
}
