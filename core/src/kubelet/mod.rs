//! The simulated kubelet, one per Node (the KWOK convention: a Node created through the API
//! gets one). It registers its node, renews its Lease every 10 s, admits the pods bound to it
//! (OutOfcpu / OutOfmemory / OutOfpods), pulls images in virtual time and reports pod status,
//! conditions and container states as upstream's kubelet does.

pub mod images;
pub mod node_status;
pub mod runtime;
mod init_containers;
pub mod probes;
pub mod static_pods;
pub mod usage;

use crate::api::ext::ObjectExt;
use crate::api::quantity::Quantity;
use crate::api::time::{rfc3339, Millis};
use crate::apiserver::events::Source;
use crate::apiserver::{admission::set_condition, ApiServer, Subresource};
use crate::clock::{Timers, Wake};
use crate::store::{EventType, WatchEvent};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// nodeLeaseDurationSeconds 40, renewed every 10 s (a quarter of it), as upstream.
pub const LEASE_RENEW_MS: Millis = 10_000;
/// nodeStatusReportFrequency: a full status heartbeat every 5 minutes when nothing changes.
pub const STATUS_REPORT_MS: Millis = 300_000;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// sandbox and image pulls in progress; containers start at the next wake
    Creating,
    /// init container `idx`: its image being pulled, or it running
    Init { idx: usize },
    /// the image pull failed; retried with backoff (10 s doubling to 5 min); `init` names the
    /// init container whose image it was
    PullBackOff { backoff: Millis, init: Option<usize> },
    Running,
    /// stopping; the pod object is removed at `kill_at` (when its containers have exited)
    Terminating { kill_at: Millis },
}

#[derive(Clone, Debug)]
struct PodRuntime {
    ns: String,
    name: String,
    stage: Stage,
    ip: String,
    ctrs: Vec<Ctr>,
    /// init containers started so far, in order
    inits: Vec<Ctr>,
}

/// A finished container run.
#[derive(Clone, Debug)]
struct Term {
    code: i32,
    started: Millis,
    finished: Millis,
    container_id: String,
}

#[derive(Clone, Debug)]
enum CState {
    Running { since: Millis, exit_at: Option<Millis> },
    Exited(Term),
    /// CrashLoopBackOff until `until`
    BackOff { until: Millis, delay: Millis },
}

/// One container of a running pod, as the kubelet and the runtime track it.
#[derive(Clone, Debug)]
pub struct Ctr {
    name: String,
    /// the image as the pod spec names it
    image: String,
    image_full: String,
    image_id: String,
    container_id: String,
    program: runtime::Program,
    restarts: i64,
    crashes: u32,
    state: CState,
    last: Option<Term>,
    pub logs: String,
    pub previous_logs: Option<String>,
    /// the container's spec (probes read it)
    spec: Value,
    probes: Vec<(probes::Probe, probes::State)>,
    /// an exit code forced by the kubelet (a failed liveness probe kills the container)
    killed: Option<i32>,
}

/// kubelet's container restart back-off: 10 s doubling to 5 minutes.
const BACKOFF_INITIAL: Millis = 10_000;
const BACKOFF_MAX: Millis = 300_000;

#[derive(Clone, Debug)]
pub struct Kubelet {
    pub node: String,
    /// registration order, which picks the pod CIDR 10.244.(index-1).0/24 and the node IP
    pub index: u32,
    /// false after `sim node stop`: no heartbeats, no pod work
    pub running: bool,
    registered: bool,
    last_status_report: Millis,
    pods: BTreeMap<String, PodRuntime>,
    used_ips: BTreeSet<u8>,
    /// the node's files (what `ssh NODE` shows): static pod manifests, kubelet config …
    pub fs: BTreeMap<String, String>,
    /// the control-plane binaries the static pods run, and the manifests' fingerprint they
    /// were read from (parsing YAML on every check is the simulation's hot spot otherwise)
    components: std::cell::RefCell<(u64, Vec<String>)>,
    /// pods whose timers fired while the kubelet was stopped
    missed: BTreeSet<String>,
    /// programs the node's container runtime knows beyond `runtime::program` (kube-scheduler)
    binaries: runtime::Binaries,
    /// the static pod directory's fingerprint at the last sync from the heartbeat
    static_synced: u64,
}

impl Kubelet {
    pub fn new(node: &str, index: u32, binaries: runtime::Binaries) -> Self {
        Kubelet { node: node.to_string(), index, running: true, registered: false, last_status_report: 0, pods: BTreeMap::new(), used_ips: BTreeSet::new(), fs: default_files(), components: Default::default(), missed: BTreeSet::new(), static_synced: 0, binaries }
    }

    pub fn internal_ip(&self) -> String {
        format!("172.30.{}.2", self.index)
    }

    fn source(&self) -> Source<'_> {
        Source { component: "kubelet", host: Some(&self.node) }
    }

    fn alloc_ip(&mut self) -> String {
        let host = (2u8..=254).find(|h| !self.used_ips.contains(h)).unwrap_or(254);
        self.used_ips.insert(host);
        format!("10.244.{}.{}", self.index.saturating_sub(1), host)
    }

    /// A watch event for a pod bound to this node.
    pub fn on_pod_event(&mut self, api: &mut ApiServer, ev: &WatchEvent, timers: &mut Timers) {
        let uid = crate::api::str_at(&ev.value, "/metadata/uid").to_string();
        if ev.typ == EventType::Delete {
            if let Some(rt) = self.pods.remove(&uid) {
                if let Some(h) = rt.ip.rsplit('.').next().and_then(|h| h.parse::<u8>().ok()) {
                    self.used_ips.remove(&h);
                }
            }
            return;
        }
        if !self.running {
            return;
        }
        let pod = ev.value.clone();
        let terminating = pod.is_terminating();
        match self.pods.get(&uid).map(|r| r.stage.clone()) {
            None if !terminating => {
                let phase = crate::api::str_at(&pod, "/status/phase");
                if phase == "Failed" || phase == "Succeeded" {
                    return;
                }
                self.admit(api, &pod, &uid, timers);
            }
            None => {
                // deleted before we ever started it
                let _ = api.delete(crate::api::resources::by_kind("Pod").expect("served"), crate::api::namespace(&pod), crate::api::name(&pod), Some(0));
            }
            Some(stage) if terminating && !matches!(stage, Stage::Terminating { .. }) => {
                for c in containers(&pod) {
                    api.record_event(&pod, &format!("spec.containers{{{}}}", c.0), "Normal", "Killing", &format!("Stopping container {}", c.0), self.source());
                }
                // Servers exit on SIGTERM at once; anything else (a `sleep` as PID 1 ignores
                // SIGTERM) is killed when the grace period ends.
                let grace = pod.pointer("/metadata/deletionGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(30) * 1000;
                let all_servers = containers(&pod).iter().all(|(_, img, cmd)| cmd.is_none() && images::lookup(img).is_some_and(|(_, b)| b == images::Behaviour::Server));
                let stop = if all_servers { grace.min(1_000) } else { grace };
                let kill_at = api.now + stop;
                if let Some(rt) = self.pods.get_mut(&uid) {
                    rt.stage = Stage::Terminating { kill_at };
                }
                timers.at(kill_at, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid) });
            }
            Some(_) => {}
        }
    }

    /// Admission (lifecycle/predicate.go): the pod must fit the node's allocatable.
    fn admit(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, timers: &mut Timers) {
        let node = api.get_kind("Node", "", &self.node);
        if let Some(node) = node.as_deref() {
            if let Some((reason, msg)) = self.check_fit(api, node, pod, uid) {
                let mut p = pod.clone();
                p["status"]["phase"] = json!("Failed");
                p["status"]["reason"] = json!(reason);
                p["status"]["message"] = json!(format!("Pod was rejected: {}", msg));
                p["status"]["startTime"] = json!(rfc3339(api.now));
                let _ = api.update(p, Subresource::Status);
                api.record_event(pod, "", "Warning", &reason, &msg, self.source());
                return;
            }
        }
        let has_inits = !init_containers::init_specs(pod).is_empty();
        // hostNetwork pods share the node's address
        let ip = if pod.pointer("/spec/hostNetwork") == Some(&json!(true)) { self.internal_ip() } else { self.alloc_ip() };
        self.pods.insert(uid.to_string(), PodRuntime { ns: crate::api::namespace(pod).into(), name: crate::api::name(pod).into(), stage: if has_inits { Stage::Init { idx: 0 } } else { Stage::Creating }, ip: ip.clone(), ctrs: vec![], inits: vec![] });
        let mut p = pod.clone();
        let now = api.now;
        let host_ip = self.internal_ip();
        {
            let st = &mut p["status"];
            st["phase"] = json!("Pending");
            st["hostIP"] = json!(host_ip);
            st["hostIPs"] = json!([{"ip": host_ip}]);
            st["startTime"] = json!(rfc3339(now));
            let waiting = if has_inits { "PodInitializing" } else { "ContainerCreating" };
            st["containerStatuses"] = json!(containers(pod)
                .iter()
                .map(|(name, image, _)| json!({"image": image, "imageID": "", "lastState": {}, "name": name, "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {"reason": waiting}}}))
                .collect::<Vec<_>>());
            if has_inits {
                st["initContainerStatuses"] = json!(init_containers::statuses(&[], pod, |_| Value::Null));
            }
        }
        set_condition(&mut p, "PodReadyToStartContainers", "False", None, None, now);
        if has_inits {
            let names: Vec<String> = init_containers::init_specs(pod).iter().map(|c| crate::api::str_at(c, "/name").to_string()).collect();
            set_condition(&mut p, "Initialized", "False", Some("ContainersNotInitialized"), Some(&format!("containers with incomplete status: [{}]", names.join(" "))), now);
        } else {
            set_condition(&mut p, "Initialized", "True", None, None, now);
        }
        let names: Vec<String> = containers(pod).iter().map(|c| c.0.clone()).collect();
        let msg = format!("containers with unready status: [{}]", names.join(" "));
        set_condition(&mut p, "Ready", "False", Some("ContainersNotReady"), Some(&msg), now);
        set_condition(&mut p, "ContainersReady", "False", Some("ContainersNotReady"), Some(&msg), now);
        set_condition(&mut p, "PodScheduled", "True", None, None, now);
        sort_conditions(&mut p);
        let _ = api.update(p, Subresource::Status);
        // image pulls, one after another (serializeImagePulls), after the sandbox; with init
        // containers only the first one's image now
        let delay = 300 + if has_inits { self.pull_init(api, pod, 0) } else { self.pull_main(api, pod) };
        timers.at(now + delay, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid.to_string()) });
    }

    fn image_present(&self, api: &ApiServer, image: &str) -> bool {
        let Some(node) = api.get_kind("Node", "", &self.node) else { return false };
        let (repo, tag) = images::normalize(image);
        node.pointer("/status/images").and_then(Value::as_array).into_iter().flatten().any(|i| {
            i.get("names").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).any(|n| images::normalize(n) == (repo.clone(), tag.clone()))
        })
    }

    fn check_fit(&self, api: &ApiServer, node: &Value, pod: &Value, uid: &str) -> Option<(String, String)> {
        let alloc = |r: &str| node.pointer(&format!("/status/allocatable/{}", r)).and_then(Value::as_str).and_then(|s| Quantity::parse(s).ok());
        let others: Vec<_> = api
            .list_kind("Pod", None)
            .into_iter()
            .filter(|p| crate::api::str_at(p, "/spec/nodeName") == self.node && crate::api::str_at(p, "/metadata/uid") != uid && self.pods.contains_key(crate::api::str_at(p, "/metadata/uid")))
            .collect();
        if let Some(max) = alloc("pods") {
            if others.len() as i128 + 1 > max.value() {
                return Some(("OutOfpods".into(), format!("Node didn't have enough resource: pods, requested: 1, used: {}, capacity: {}", others.len(), max.value())));
            }
        }
        for (res, reason) in [("cpu", "OutOfcpu"), ("memory", "OutOfmemory"), ("ephemeral-storage", "OutOfephemeral-storage")] {
            let Some(cap) = alloc(res) else { continue };
            let want = crate::api::requests::pod_request(pod, res);
            if want.milli() == 0 {
                continue;
            }
            let used = others.iter().fold(Quantity::ZERO, |a, p| a.saturating_add(crate::api::requests::pod_request(p, res)));
            if used.saturating_add(want) > cap {
                let fmt = |q: Quantity| if res == "cpu" { q.milli().to_string() } else { q.value().to_string() };
                return Some((reason.into(), format!("Node didn't have enough resource: {}, requested: {}, used: {}, capacity: {}", res, fmt(want), fmt(used), fmt(cap))));
            }
        }
        None
    }

    /// Periodic work (pod_uid None) or a pod's next lifecycle step.
    /// Pulls the images of the pod's containers (events now); how long they take.
    fn pull_main(&mut self, api: &mut ApiServer, pod: &Value) -> Millis {
        let mut delay = 0;
        for (name, image, _) in containers(pod) {
            let policy = container_field(pod, &name, "imagePullPolicy");
            let present = self.image_present(api, &image);
            if policy == "Never" || (policy == "IfNotPresent" && present) {
                api.record_event(pod, &format!("spec.containers{{{}}}", name), "Normal", "Pulled", &format!("Container image \"{}\" already present on machine and can be accessed by the pod", image), self.source());
                continue;
            }
            api.record_event(pod, &format!("spec.containers{{{}}}", name), "Normal", "Pulling", &format!("Pulling image \"{}\"", image), self.source());
            delay += images::lookup(&image).map_or(1_000, |(size, _)| images::pull_millis(size));
        }
        delay
    }

    pub fn on_timer(&mut self, api: &mut ApiServer, pod_uid: Option<&str>, timers: &mut Timers) {
        if !self.running {
            // what was due while the kubelet was down happens when it comes back
            if let Some(uid) = pod_uid {
                self.missed.insert(uid.to_string());
            }
            return;
        }
        match pod_uid {
            None => {
                let first = !self.registered;
                self.heartbeat(api);
                // a starting kubelet lists the pods already bound to its node (they may have
                // been created before the node registered) and admits them
                if first {
                    self.resync(api, timers);
                }
                timers.at(api.now + LEASE_RENEW_MS, Wake::Kubelet { node: self.node.clone(), pod_uid: None });
            }
            Some(uid) => self.step_pod(api, uid, timers),
        }
    }

    /// After a restart: finish pods deleted while the kubelet was down, re-admit what is new.
    pub fn resync(&mut self, api: &mut ApiServer, timers: &mut Timers) {
        let mut pods: Vec<_> = api.list_kind("Pod", None).into_iter().filter(|p| crate::api::str_at(p, "/spec/nodeName") == self.node).collect();
        // admitted oldest first, as the kubelet's HandlePodAdditions sorts them
        pods.sort_by(|a, b| crate::api::str_at(a, "/metadata/creationTimestamp").cmp(crate::api::str_at(b, "/metadata/creationTimestamp")));
        for p in pods {
            let uid = crate::api::str_at(&p, "/metadata/uid").to_string();
            let ev = WatchEvent { revision: 0, typ: EventType::Put, key: String::new(), value: p, created: false };
            if ev.value.is_terminating() && !self.pods.contains_key(&uid) {
                let _ = api.delete(crate::api::resources::by_kind("Pod").expect("served"), crate::api::namespace(&ev.value), crate::api::name(&ev.value), Some(0));
                continue;
            }
            self.on_pod_event(api, &ev, timers);
        }
        // pod work that fell due during the outage (a grace period ending, a pull finishing)
        for uid in std::mem::take(&mut self.missed) {
            if self.pods.contains_key(&uid) {
                timers.at(api.now, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid) });
            }
        }
        // the pods marked not ready during the outage are ready again
        for (uid, rt) in &self.pods {
            if rt.stage != Stage::Running {
                continue;
            }
            if let Some(p) = api.get_kind("Pod", &rt.ns, &rt.name).filter(|p| crate::api::str_at(p, "/metadata/uid") == uid) {
                let mut v = (*p).clone();
                set_condition(&mut v, "Ready", "True", None, None, api.now);
                for cs in v.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut).into_iter().flatten() {
                    cs["ready"] = json!(true);
                }
                sort_conditions(&mut v);
                let _ = api.update(v, Subresource::Status);
            }
        }
    }

    fn heartbeat(&mut self, api: &mut ApiServer) {
        if !self.registered {
            node_status::register(self, api);
            self.registered = true;
            self.last_status_report = api.now;
        } else if api.now - self.last_status_report >= STATUS_REPORT_MS || node_status::marked_unknown(self, api) {
            node_status::report(self, api);
            self.last_status_report = api.now;
        }
        node_status::renew_lease(self, api);
        // the kubelet re-reads staticPodPath (every 20 s upstream); only a change there needs a
        // sync here (a deleted mirror pod is recreated when its deletion is seen)
        let print = self.static_fingerprint();
        if print != self.static_synced {
            self.sync_static_pods(api);
            self.static_synced = print;
        }
    }

    fn step_pod(&mut self, api: &mut ApiServer, uid: &str, timers: &mut Timers) {
        let Some(rt) = self.pods.get(uid).cloned() else { return };
        let Some(pod) = api.get_kind("Pod", &rt.ns, &rt.name) else { return };
        if crate::api::str_at(&pod, "/metadata/uid") != uid {
            return;
        }
        let now = api.now;
        match rt.stage {
            // an earlier wake-up (an image pull finishing) does not cut the grace period short
            Stage::Terminating { kill_at } if now < kill_at => {}
            Stage::Terminating { .. } => {
                let _ = api.delete(crate::api::resources::by_kind("Pod").expect("served"), &rt.ns, &rt.name, Some(0));
            }
            Stage::Init { idx } | Stage::PullBackOff { init: Some(idx), .. } => {
                if let Some(r) = self.pods.get_mut(uid) {
                    r.stage = Stage::Init { idx };
                }
                self.step_init(api, &pod, uid, idx, timers);
            }
            Stage::Creating | Stage::PullBackOff { init: None, .. } => {
                let missing: Vec<(String, String, Option<String>)> = containers(&pod).into_iter().filter(|(_, img, _)| images::lookup(img).is_none()).collect();
                if let Some((cname, image, _)) = missing.first() {
                    self.pull_failed(api, &pod, uid, cname, image, false, timers);
                    return;
                }
                self.start_containers(api, &pod, uid, timers);
            }
            Stage::Running => self.run_containers(api, &pod, uid, timers),
        }
    }

    /// ErrImagePull, then ImagePullBackOff until the next try (10 s doubling to 5 min).
    #[allow(clippy::too_many_arguments)]
    fn pull_failed(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, cname: &str, image: &str, init: bool, timers: &mut Timers) {
        let now = api.now;
        let Some(rt) = self.pods.get(uid).cloned() else { return };
        let init_idx = match rt.stage {
            Stage::Init { idx } => Some(idx),
            Stage::PullBackOff { init, .. } => init,
            _ => None,
        };
        let backoff = match rt.stage {
            Stage::PullBackOff { backoff, .. } => (backoff * 2).min(300_000),
            _ => 10_000,
        };
        let field = format!("spec.{}{{{}}}", if init { "initContainers" } else { "containers" }, cname);
        let full = images::full_name(image);
        let msg = format!("Failed to pull image \"{}\": failed to pull and unpack image \"{}\": failed to resolve reference \"{}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed", image, full, full);
        api.record_event(pod, &field, "Warning", "Failed", &msg, self.source());
        api.record_event(pod, &field, "Warning", "Failed", "Error: ErrImagePull", self.source());
        let mut p = (*pod).clone();
        set_waiting(&mut p, cname, "ErrImagePull", &msg);
        let _ = api.update(p, Subresource::Status);
        if let Some(r) = self.pods.get_mut(uid) {
            r.stage = Stage::PullBackOff { backoff, init: if init { init_idx } else { None } };
        }
        // the next sync reports the back-off, then the pull is retried after it
        api.record_event(pod, &field, "Normal", "BackOff", &format!("Back-off pulling image \"{}\"", image), self.source());
        api.record_event(pod, &field, "Warning", "Failed", "Error: ImagePullBackOff", self.source());
        if let Some(cur) = api.get_kind("Pod", &rt.ns, &rt.name) {
            let mut p = (*cur).clone();
            set_waiting(&mut p, cname, "ImagePullBackOff", &format!("Back-off pulling image \"{}\": ErrImagePull: {}", image, msg));
            let _ = api.update(p, Subresource::Status);
        }
        timers.at(now + backoff, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid.to_string()) });
    }

    /// A container of the pod (from spec.`list`), its image pulled, created and started.
    fn make_ctr(&mut self, api: &mut ApiServer, pod: &Value, c: &Value, list: &str) -> Ctr {
        let now = api.now;
        let name = crate::api::str_at(c, "/name").to_string();
        let image = crate::api::str_at(c, "/image").to_string();
        let field = format!("spec.{}{{{}}}", list, name);
        let size = images::lookup(&image).map_or(0, |(s, _)| s);
        if !self.image_present(api, &image) && crate::api::str_at(c, "/imagePullPolicy") != "Never" {
            let secs = images::pull_millis(size) as f64 / 1000.0;
            api.record_event(pod, &field, "Normal", "Pulled", &format!("Successfully pulled image \"{}\" in {}s ({}s including waiting). Image size: {} bytes.", image, secs, secs, size), self.source());
            node_status::add_image(self, api, &image, size);
        }
        api.record_event(pod, &field, "Normal", "Created", &format!("Created container: {}", name), self.source());
        api.record_event(pod, &field, "Normal", "Started", &format!("Started container {}", name), self.source());
        let full = images::full_name(&image);
        let digest = hex64(&mut api.rng);
        let program = (self.binaries)(api, pod, c, &self.fs).unwrap_or_else(|| runtime::program(c));
        let mut ctr = Ctr {
            name,
            image: image.clone(),
            image_id: format!("{}@sha256:{}", full.rsplit_once(':').map_or(full.as_str(), |(r, _)| r), digest),
            image_full: full,
            container_id: String::new(),
            program,
            restarts: 0,
            crashes: 0,
            state: CState::Exited(Term { code: 0, started: now, finished: now, container_id: String::new() }),
            last: None,
            logs: String::new(),
            previous_logs: None,
            probes: probes::of(c).into_iter().map(|p| (p, probes::State { next_at: 0, failures: 0, successes: 0, ok: false })).collect(),
            spec: c.clone(),
            killed: None,
        };
        start_ctr(&mut ctr, now, &mut api.rng);
        ctr
    }

    /// The logs of a container (`kubectl logs`), current or previous run.
    pub fn logs(&self, pod_uid: &str, container: Option<&str>, previous: bool) -> Result<String, String> {
        let Some(rt) = self.pods.get(pod_uid) else { return Err("no logs".into()) };
        let c = match container {
            Some(n) => rt.ctrs.iter().chain(rt.inits.iter()).find(|c| c.name == n).ok_or_else(|| format!("container {} is not valid for pod {}", n, rt.name))?,
            None => rt.ctrs.first().ok_or_else(|| "no containers".to_string())?,
        };
        if previous {
            return c.previous_logs.clone().ok_or_else(|| format!("previous terminated container \"{}\" in pod \"{}\" not found", c.name, rt.name));
        }
        Ok(c.logs.clone())
    }

    /// Exits, restarts and back-offs due now; then the pod's status and its next wake-up.
    fn run_containers(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, timers: &mut Timers) {
        let now = api.now;
        let policy = crate::api::str_at(pod, "/spec/restartPolicy").to_string();
        let pod_ref = format!("{}_{}({})", crate::api::name(pod), crate::api::namespace(pod), uid);
        let mut events: Vec<(String, &'static str, &'static str, String)> = vec![];
        let Some(rt) = self.pods.get_mut(uid) else { return };
        let ip = rt.ip.clone();
        for c in rt.ctrs.iter_mut() {
            events.extend(run_probes(c, &ip, now));
            settle_ctr(c, now, &mut api.rng, &pod_ref, |code| policy == "Always" || (policy == "OnFailure" && code != 0), &mut events);
        }
        let next = rt
            .ctrs
            .iter()
            .flat_map(|c| {
                let probe = match c.state {
                    CState::Running { .. } => c.probes.iter().filter(|(p, s)| !(p.kind == probes::Kind::Startup && s.ok)).map(|(_, s)| s.next_at).min(),
                    _ => None,
                };
                let own = match c.state {
                    CState::Running { exit_at, .. } => exit_at,
                    CState::BackOff { until, .. } => Some(until),
                    CState::Exited(_) => None,
                };
                [probe, own]
            })
            .flatten()
            .min();
        let rt = rt.clone();
        for (name, typ, reason, msg) in events {
            api.record_event(pod, &format!("spec.containers{{{}}}", name), typ, reason, &msg, self.source());
        }
        write_status(api, &rt, &pod_ref);
        if let Some(at) = next {
            timers.at(at, Wake::Kubelet { node: self.node.clone(), pod_uid: Some(uid.to_string()) });
        }
    }

    fn start_containers(&mut self, api: &mut ApiServer, pod: &Value, uid: &str, timers: &mut Timers) {
        let specs: Vec<Value> = pod.pointer("/spec/containers").and_then(Value::as_array).cloned().unwrap_or_default();
        let ctrs: Vec<Ctr> = specs.iter().map(|c| self.make_ctr(api, pod, c, "containers")).collect();
        if let Some(r) = self.pods.get_mut(uid) {
            r.stage = Stage::Running;
            r.ctrs = ctrs;
        }
        self.run_containers(api, pod, uid, timers);
    }
}

fn hex64(rng: &mut crate::clock::rng::Rng) -> String {
    format!("{:016x}{:016x}{:016x}{:016x}", rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64())
}

/// What the kubelet reports when it starts a container again.
fn restart_events(c: &Ctr) -> [(String, &'static str, &'static str, String); 3] {
    [
        (c.name.clone(), "Normal", "Pulled", format!("Container image \"{}\" already present on machine and can be accessed by the pod", c.image)),
        (c.name.clone(), "Normal", "Created", format!("Created container: {}", c.name)),
        (c.name.clone(), "Normal", "Started", format!("Started container {}", c.name)),
    ]
}

fn start_ctr(c: &mut Ctr, now: Millis, rng: &mut crate::clock::rng::Rng) {
    c.container_id = format!("containerd://{}", hex64(rng));
    let (exit_at, logs) = match &c.program {
        runtime::Program::Exits { after, logs, .. } => (Some(now + after), logs.clone()),
        runtime::Program::Forever { logs } => (None, logs.clone()),
    };
    c.logs = logs;
    c.state = CState::Running { since: now, exit_at };
    // every run starts its probes afresh
    for (p, st) in c.probes.iter_mut() {
        *st = probes::State { next_at: now + p.initial_delay, failures: 0, successes: 0, ok: false };
    }
}

impl Ctr {
    fn has_probe(&self, k: probes::Kind) -> bool {
        self.probes.iter().any(|(p, _)| p.kind == k)
    }
    fn probe_ok(&self, k: probes::Kind) -> bool {
        self.probes.iter().filter(|(p, _)| p.kind == k).all(|(_, s)| s.ok)
    }
    /// started: running, and past its startup probe if it has one
    fn started(&self) -> bool {
        matches!(self.state, CState::Running { .. }) && self.probe_ok(probes::Kind::Startup)
    }
    /// ready: started, and its readiness probe (if any) passing
    fn ready(&self) -> bool {
        self.started() && self.probe_ok(probes::Kind::Readiness)
    }
}

type Event = (String, &'static str, &'static str, String);

/// A container whose process ended, or whose back-off is over: restarted (the first time at
/// once, then after 10 s doubling to 5 min — CrashLoopBackOff) if `restart(exit code)` says
/// so, else left exited. Returns the exit code when it stays exited.
fn settle_ctr(c: &mut Ctr, now: Millis, rng: &mut crate::clock::rng::Rng, pod_ref: &str, restart: impl Fn(i32) -> bool, events: &mut Vec<Event>) -> Option<i32> {
    if let CState::Running { since, exit_at: Some(at) } = c.state {
        if at <= now {
            let code = c.killed.take().unwrap_or(match &c.program {
                runtime::Program::Exits { code, .. } => *code,
                runtime::Program::Forever { .. } => 0,
            });
            let term = Term { code, started: since, finished: at, container_id: c.container_id.clone() };
            if !restart(code) {
                c.state = CState::Exited(term);
                return Some(code);
            }
            c.crashes += 1;
            c.last = Some(term);
            if c.crashes == 1 {
                // the first restart is immediate; back-off starts after that
                restart_ctr(c, now, rng);
                events.extend(restart_events(c));
            } else {
                let delay = (BACKOFF_INITIAL << (c.crashes - 2).min(10)).min(BACKOFF_MAX);
                c.state = CState::BackOff { until: now + delay, delay };
                events.push((c.name.clone(), "Warning", "BackOff", format!("Back-off restarting failed container {} in pod {}", c.name, pod_ref)));
            }
        }
    }
    if let CState::BackOff { until, .. } = c.state {
        if until <= now {
            restart_ctr(c, now, rng);
            events.extend(restart_events(c));
        }
    }
    None
}

/// Runs the probes due now on a running container; a failed liveness or startup probe kills it
/// (the exit is handled as any other). Returns the events to record.
fn run_probes(c: &mut Ctr, ip: &str, now: Millis) -> Vec<(String, &'static str, &'static str, String)> {
    let mut events = vec![];
    let CState::Running { since, .. } = c.state else { return events };
    let started = !c.has_probe(probes::Kind::Startup) || c.probe_ok(probes::Kind::Startup);
    let spec = c.spec.clone();
    let mut kill: Option<probes::Kind> = None;
    for (p, st) in c.probes.iter_mut() {
        if st.next_at > now || (p.kind == probes::Kind::Startup && st.ok) {
            continue;
        }
        st.next_at = now + p.period;
        // liveness and readiness wait for the startup probe
        if p.kind != probes::Kind::Startup && !started {
            continue;
        }
        match probes::run(p, &spec, ip, since, now) {
            Ok(()) => {
                st.failures = 0;
                st.successes += 1;
                if st.successes >= p.success_threshold {
                    st.ok = true;
                }
            }
            Err(msg) => {
                st.successes = 0;
                st.failures += 1;
                events.push((c.name.clone(), "Warning", "Unhealthy", format!("{} probe failed: {}", p.kind.word(), msg)));
                if st.failures >= p.failure_threshold {
                    st.ok = false;
                    if p.kind != probes::Kind::Readiness {
                        kill = Some(p.kind);
                    }
                }
            }
        }
    }
    if let Some(k) = kill {
        events.push((c.name.clone(), "Normal", "Killing", format!("Container {} failed {} probe, will be restarted", c.name, k.word().to_lowercase())));
        c.killed = Some(137);
        c.state = CState::Running { since, exit_at: Some(now) };
    }
    events
}

fn restart_ctr(c: &mut Ctr, now: Millis, rng: &mut crate::clock::rng::Rng) {
    c.previous_logs = Some(std::mem::take(&mut c.logs));
    c.restarts += 1;
    start_ctr(c, now, rng);
}

fn term_json(t: &Term) -> Value {
    // in the simulation only the OOM killer ends a container with 137 (SIGKILL)
    let reason = match t.code {
        0 => "Completed",
        137 => "OOMKilled",
        _ => "Error",
    };
    json!({"terminated": {"containerID": t.container_id, "exitCode": t.code, "finishedAt": rfc3339(t.finished), "reason": reason, "startedAt": rfc3339(t.started)}})
}

/// The pod status the kubelet's status manager writes from the containers' states.
fn ctr_status(c: &Ctr, pod_ref: &str) -> Value {
    let (state, ready, started, cid) = match &c.state {
        CState::Running { since, .. } => (json!({"running": {"startedAt": rfc3339(*since)}}), c.ready(), c.started(), c.container_id.clone()),
        CState::Exited(t) => (term_json(t), false, false, t.container_id.clone()),
        CState::BackOff { delay, .. } => (
            json!({"waiting": {"message": format!("back-off {} restarting failed container={} pod={}", crate::api::time::go_duration(*delay), c.name, pod_ref), "reason": "CrashLoopBackOff"}}),
            false,
            false,
            c.last.as_ref().map(|t| t.container_id.clone()).unwrap_or_default(),
        ),
    };
    json!({
        "containerID": cid,
        "image": c.image_full,
        "imageID": c.image_id,
        "lastState": c.last.as_ref().map(term_json).unwrap_or(json!({})),
        "name": c.name,
        "ready": ready,
        "restartCount": c.restarts,
        "started": started,
        "state": state,
    })
}

/// The pod status the kubelet's status manager writes from the containers' states.
fn write_status(api: &mut ApiServer, rt: &PodRuntime, pod_ref: &str) {
    let now = api.now;
    let Some(cur) = api.get_kind("Pod", &rt.ns, &rt.name) else { return };
    let mut p = (*cur).clone();
    let specs = init_containers::init_specs(&cur);
    if !specs.is_empty() {
        // an init container is done when it exited 0 (a sidecar: when it runs)
        let done = |k: usize| {
            rt.inits.get(k).is_some_and(|c| match &c.state {
                CState::Exited(t) => t.code == 0,
                CState::Running { .. } => specs.get(k).and_then(|s| s.get("restartPolicy")).and_then(Value::as_str) == Some("Always"),
                CState::BackOff { .. } => false,
            })
        };
        let pending: Vec<&str> = (0..specs.len()).filter(|&k| !done(k)).map(|k| crate::api::str_at(&specs[k], "/name")).collect();
        p["status"]["initContainerStatuses"] = json!(init_containers::statuses(&rt.inits, &cur, |c| ctr_status(c, pod_ref)));
        if !pending.is_empty() {
            let failed = rt.inits.iter().any(|c| matches!(&c.state, CState::Exited(t) if t.code != 0));
            p["status"]["phase"] = json!(if failed { "Failed" } else { "Pending" });
            set_condition(&mut p, "PodReadyToStartContainers", "True", None, None, now);
            set_condition(&mut p, "Initialized", "False", Some("ContainersNotInitialized"), Some(&format!("containers with incomplete status: [{}]", pending.join(" "))), now);
            sort_conditions(&mut p);
            let _ = api.update(p, Subresource::Status);
            return;
        }
        set_condition(&mut p, "Initialized", "True", None, None, now);
        if rt.ctrs.is_empty() {
            // between the last init container and the pod's containers: images being pulled
            for cs in p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut).into_iter().flatten() {
                cs["state"] = json!({"waiting": {"reason": "PodInitializing"}});
            }
            for c in p["status"]["conditions"].as_array_mut().into_iter().flatten() {
                if c.get("status") == Some(&json!("True")) {
                    if let Some(m) = c.as_object_mut() {
                        m.remove("reason");
                        m.remove("message");
                    }
                }
            }
            sort_conditions(&mut p);
            let _ = api.update(p, Subresource::Status);
            return;
        }
    }
    let statuses: Vec<Value> = rt.ctrs.iter().map(|c| ctr_status(c, pod_ref)).collect();
    p["status"]["containerStatuses"] = json!(statuses);
    p["status"]["podIP"] = json!(rt.ip);
    p["status"]["podIPs"] = json!([{"ip": rt.ip}]);
    let all_exited = rt.ctrs.iter().all(|c| matches!(c.state, CState::Exited(_)));
    let all_running = rt.ctrs.iter().all(|c| c.ready());
    let phase = if all_exited && !rt.ctrs.is_empty() {
        if rt.ctrs.iter().all(|c| matches!(&c.state, CState::Exited(t) if t.code == 0)) { "Succeeded" } else { "Failed" }
    } else {
        "Running"
    };
    p["status"]["phase"] = json!(phase);
    set_condition(&mut p, "PodReadyToStartContainers", if all_exited { "False" } else { "True" }, None, None, now);
    if all_running {
        set_condition(&mut p, "Ready", "True", None, None, now);
        set_condition(&mut p, "ContainersReady", "True", None, None, now);
    } else if all_exited {
        set_condition(&mut p, "Ready", "False", Some("PodCompleted"), None, now);
        set_condition(&mut p, "ContainersReady", "False", Some("PodCompleted"), None, now);
    } else {
        let names: Vec<&str> = rt.ctrs.iter().filter(|c| !c.ready()).map(|c| c.name.as_str()).collect();
        let msg = format!("containers with unready status: [{}]", names.join(" "));
        set_condition(&mut p, "Ready", "False", Some("ContainersNotReady"), Some(&msg), now);
        set_condition(&mut p, "ContainersReady", "False", Some("ContainersNotReady"), Some(&msg), now);
    }
    for c in p["status"]["conditions"].as_array_mut().into_iter().flatten() {
        if let Some(m) = c.as_object_mut() {
            if m.get("status") == Some(&json!("True")) {
                m.remove("reason");
                m.remove("message");
            }
        }
    }
    sort_conditions(&mut p);
    let _ = api.update(p, Subresource::Status);
}

/// The files every node starts with (kubeadm's layout).
fn default_files() -> BTreeMap<String, String> {
    let mut fs = BTreeMap::new();
    fs.insert("/var/lib/kubelet/config.yaml".to_string(), static_pods::kubelet_config(static_pods::DEFAULT_STATIC_POD_PATH));
    fs.insert("/etc/kubernetes/kubelet.conf".to_string(), "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: <redacted>
    server: https://172.30.1.2:6443
  name: kubernetes
kind: Config
".to_string());
    fs.insert("/etc/kubernetes/manifests/.keep".to_string(), String::new());
    fs
}

/// (name, image, first word of the command) of each container.
pub fn containers(pod: &Value) -> Vec<(String, String, Option<String>)> {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let image = c.get("image").and_then(Value::as_str).unwrap_or("").to_string();
            let cmd = c.get("command").and_then(Value::as_array).and_then(|a| a.first()).and_then(Value::as_str).map(String::from);
            (name, image, cmd)
        })
        .collect()
}

fn container_field(pod: &Value, name: &str, field: &str) -> String {
    pod.pointer("/spec/containers")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c.get("name").and_then(Value::as_str) == Some(name)))
        .and_then(|c| c.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn set_waiting(p: &mut Value, container: &str, reason: &str, message: &str) {
    for cs in p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut).into_iter().flatten() {
        if cs.get("name").and_then(Value::as_str) == Some(container) {
            cs["state"] = json!({"waiting": {"reason": reason, "message": message}});
        }
    }
}

/// The order kubectl shows pod conditions in (the kubelet's status manager order).
fn sort_conditions(p: &mut Value) {
    const ORDER: &[&str] = &["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
    if let Some(list) = p.pointer_mut("/status/conditions").and_then(Value::as_array_mut) {
        list.sort_by_key(|c| ORDER.iter().position(|o| Some(*o) == c.get("type").and_then(Value::as_str)).unwrap_or(99));
    }
}

